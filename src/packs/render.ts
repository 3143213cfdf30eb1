/**
 * Renders a pack as the SOP people read: document control first, then every section of the schema in the
 * order of `PACK_SECTIONS`, as prose, lists and tables, with targets, cadences, conditions and actions in
 * words. The pack *is* the SOP, so this is what `opsbook render` prints and the web app shows.
 */
import { renderContext, type SectionRenderer } from './render/context.js';
import { desk } from './render/desk.js';
import { documentControl } from './render/document.js';
import { incidents } from './render/incidents.js';
import { journeys } from './render/journeys.js';
import { scales, slaPolicies } from './render/levels.js';
import { contacts, roles, rotations, tiers } from './render/people.js';
import { checklists, lifecycles, releases } from './render/processes.js';
import { backups, kpis, monitors, plans, records, vendors } from './render/registers.js';
import {
  calendars,
  channels,
  delivery,
  escalations,
  holidaySets,
  knowledge,
  routes,
} from './render/support.js';
import { templates } from './render/templates.js';
import { PACK_SECTIONS, type Pack, type PackSection } from './schema/pack.js';

export { describeCondition, describeTarget } from './render/words.js';

/** One renderer per section: a section added to the schema does not compile until it is rendered. */
const SECTIONS: { readonly [K in PackSection]: SectionRenderer } = {
  roles,
  contacts,
  rotations,
  calendars,
  holidaySets,
  scales,
  slaPolicies,
  tiers,
  channels,
  routes,
  escalations,
  templates,
  delivery,
  incidents,
  journeys,
  lifecycles,
  checklists,
  releases,
  vendors,
  backups,
  monitors,
  kpis,
  records,
  plans,
  knowledge,
  desk,
};

/** The pack as a Markdown SOP document. */
export function renderPack(pack: Pack): string {
  const ctx = renderContext(pack);
  const order = Object.keys(PACK_SECTIONS) as PackSection[];
  return [...documentControl(pack), ...order.flatMap((name) => SECTIONS[name](ctx))]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}
