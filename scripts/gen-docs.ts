// `npm run docs`: regenerates the documents that are derived from code (tests fail when they drift).
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../src/config/render.js';
import { renderErrorsMarkdown } from '../src/errors/render.js';
import { renderPackReference } from '../src/packs/reference.js';

writeFileSync('docs/errors.md', renderErrorsMarkdown());
writeFileSync('docs/pack-reference.md', renderPackReference());
writeFileSync('README.md', withSettingsTable(readFileSync('README.md', 'utf8')));
process.stdout.write('wrote docs/errors.md, docs/pack-reference.md and the settings table of README.md\n');
