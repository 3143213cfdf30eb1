// `npm run docs`: regenerates the documents that are derived from code (tests fail when they drift).
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../src/config/render.js';
import { renderErrorsMarkdown } from '../src/errors/render.js';

writeFileSync('docs/errors.md', renderErrorsMarkdown());
writeFileSync('README.md', withSettingsTable(readFileSync('README.md', 'utf8')));
process.stdout.write('wrote docs/errors.md and the settings table of README.md\n');
