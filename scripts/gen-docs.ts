// `npm run docs`: regenerates the documents that are derived from code (tests fail when they drift).
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../src/config/render.js';
import { renderErrorsMarkdown } from '../src/errors/render.js';
import { renderPackReference } from '../src/packs/reference.js';
import { withEventTable } from '../src/engine/scenario/reference.js';
import { seedPackRoles } from '../src/modules/access/seed-roles.js';
import { renderAccessMarkdown } from '../src/modules/access/render.js';

writeFileSync('docs/errors.md', renderErrorsMarkdown());
writeFileSync('docs/pack-reference.md', renderPackReference());
writeFileSync('README.md', withSettingsTable(readFileSync('README.md', 'utf8')));
writeFileSync('docs/scenarios.md', withEventTable(readFileSync('docs/scenarios.md', 'utf8')));
writeFileSync('docs/access.md', renderAccessMarkdown(await seedPackRoles()));
process.stdout.write(
  'wrote docs/errors.md, docs/pack-reference.md the settings table of README.md and the event table of docs/scenarios.md and docs/access.md\n',
);
