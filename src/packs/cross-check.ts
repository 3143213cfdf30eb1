/**
 * Checks what the schema alone cannot: that every reference names something the pack defines (a route's
 * channels, a policy's scale and levels, a template of a journey step, a recipient's role), that ids are
 * unique, that templates use only the variables they declare and parse as Liquid, and that a template sent
 * automatically can be filled from its trigger (see template-sources.ts), and that the help desk's
 * priorities, tiers, categories and templates resolve (see desk-references.ts).
 * Returns problems with the path of the offending value; the loader turns paths into file:line:column.
 */
import { analyzeTemplateSource } from '../core/templates.js';
import { checkDesk } from './desk-references.js';
import type { Pack } from './schema/pack.js';
import { checkTemplateSources } from './template-sources.js';

export type Path = readonly (string | number)[];

export interface CrossProblem {
  readonly path: Path;
  readonly message: string;
  readonly hint?: string;
}

type Kind =
  | 'role'
  | 'tier'
  | 'contact'
  | 'calendar'
  | 'holidaySet'
  | 'scale'
  | 'channel'
  | 'route'
  | 'template'
  | 'lifecycle'
  | 'checklist'
  | 'playbook'
  | 'rotation'
  | 'vendorCategory';

/** Every id the pack defines, by kind. */
function definitions(pack: Pack): Map<Kind, Map<string, Path>> {
  const defs = new Map<Kind, Map<string, Path>>();
  const add = (kind: Kind, list: readonly { id: string }[] | undefined, path: Path) =>
    defs.set(kind, new Map((list ?? []).map((item, i) => [item.id, [...path, i]])));
  add('role', pack.roles, ['roles']);
  add('tier', pack.tiers, ['tiers']);
  add('contact', pack.contacts, ['contacts']);
  add('calendar', pack.calendars, ['calendars']);
  add('holidaySet', pack.holidaySets, ['holidaySets']);
  add('scale', pack.scales, ['scales']);
  add('channel', pack.channels, ['channels']);
  add('route', pack.routes, ['routes']);
  add('template', pack.templates, ['templates']);
  add('lifecycle', pack.lifecycles, ['lifecycles']);
  add('checklist', pack.checklists, ['checklists']);
  add('playbook', pack.incidents?.playbooks, ['incidents', 'playbooks']);
  add('rotation', pack.rotations, ['rotations']);
  add('vendorCategory', pack.vendors?.categories, ['vendors', 'categories']);
  return defs;
}

const RECIPIENT_KINDS: Record<string, Kind | null> = {
  role: 'role',
  tier: 'tier',
  rotation: 'rotation',
  contact: 'contact',
  channel: 'channel',
  customer: null,
  assignee: null,
  reporter: null,
};

const RECIPIENT_PARENTS = new Set(['send', 'escalate', 'handoff', 'notify']);

/**
 * The reference rules: where in the tree a string names something of a kind. Exported for the packs
 * benchmark, which renames references by the same rules when it scales a pack up.
 */
export function referenceKind(
  path: Path,
  key: string,
  parentKeys: readonly string[],
): Kind | 'recipient' | 'level' | 'tierOrRole' | null {
  const section = path[0];
  const parent = parentKeys.at(-1) ?? '';
  switch (key) {
    case 'calendar':
      return 'calendar';
    case 'holidays':
      return 'holidaySet';
    case 'scale':
      return 'scale';
    case 'template':
    case 'script':
    case 'send':
      return 'template';
    case 'templates':
      return section === 'templates' ? null : 'template';
    case 'lifecycle':
      return 'lifecycle';
    case 'checklist':
    case 'schedule':
      return 'checklist';
    case 'playbook':
      return 'playbook';
    case 'route':
      return 'route';
    case 'channels':
      return section === 'routes' ? 'channel' : null;
    case 'channel':
      return parent === 'send' ? 'channel' : null;
    case 'fallback':
      return section === 'channels' ? 'channel' : null;
    case 'undeliverable':
    case 'category':
      return section === 'vendors' ? 'vendorCategory' : null;
    case 'role':
      return section === 'contacts' || section === 'incidents' ? 'role' : null;
    case 'to':
      return section === 'escalations' || RECIPIENT_PARENTS.has(parent) ? 'recipient' : null;
    case 'for':
      return parent === 'task' || parent === 'flag' ? 'recipient' : null;
    case 'owner':
      return section === 'vendors' ? null : 'recipient';
    case 'approver':
    case 'approval':
    case 'recipients':
      return 'recipient';
    case 'from':
      return section === 'escalations' ? 'tierOrRole' : null;
    case 'level':
    case 'levels':
      return 'level';
    default:
      return null;
  }
}

interface Walker {
  readonly defs: Map<Kind, Map<string, Path>>;
  readonly problems: CrossProblem[];
}

function checkRecipient(w: Walker, value: string, path: Path): void {
  const [prefix = '', id = ''] = value.split(':');
  const kind = RECIPIENT_KINDS[prefix];
  if (!kind || id === '') return;
  if (!w.defs.get(kind)?.has(id)) {
    w.problems.push({ path, message: `no ${kind} "${id}" is defined in this pack`, hint: known(w, kind) });
  }
}

function known(w: Walker, kind: Kind): string {
  const ids = [...(w.defs.get(kind)?.keys() ?? [])];
  return ids.length > 0 ? `defined ${kind}s: ${ids.join(', ')}` : `the pack defines no ${kind}s`;
}

function checkValue(
  w: Walker,
  kind: Kind | 'recipient' | 'level' | 'tierOrRole',
  value: string,
  path: Path,
): void {
  if (kind === 'level') return; // levels are checked with their scale, see checkLevels
  if (kind === 'recipient') return checkRecipient(w, value, path);
  if (kind === 'tierOrRole') {
    if (value !== 'any' && !w.defs.get('tier')?.has(value) && !w.defs.get('role')?.has(value)) {
      w.problems.push({
        path,
        message: `no tier or role "${value}" is defined in this pack`,
        hint: known(w, 'tier'),
      });
    }
    return;
  }
  if (!w.defs.get(kind)?.has(value)) {
    w.problems.push({ path, message: `no ${kind} "${value}" is defined in this pack`, hint: known(w, kind) });
  }
}

function walk(w: Walker, node: unknown, path: Path, keys: readonly string[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      const key = keys.at(-1) ?? '';
      const kind = referenceKind(path, key, keys);
      if (typeof item === 'string' && kind) checkValue(w, kind, item, [...path, i]);
      else walk(w, item, [...path, i], keys);
    });
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const kind = referenceKind(path, key, keys);
    if (typeof value === 'string' && kind) checkValue(w, kind, value, [...path, key]);
    else if (key !== 'quote' && key !== 'facts') walk(w, value, [...path, key], [...keys, key]);
  }
}

/** Level ids are checked against the scale they belong to. */
function checkLevels(pack: Pack, w: Walker): void {
  const levelsOf = new Map((pack.scales ?? []).map((s) => [s.id, new Set(s.levels.map((l) => l.id))]));
  const check = (scale: string, level: string, path: Path) => {
    const levels = levelsOf.get(scale);
    if (levels && !levels.has(level)) {
      w.problems.push({
        path,
        message: `scale "${scale}" has no level "${level}"`,
        hint: `its levels: ${[...levels].join(', ')}`,
      });
    }
  };
  (pack.slaPolicies ?? []).forEach((p, i) =>
    Object.keys(p.targets).forEach((level) => check(p.scale, level, ['slaPolicies', i, 'targets', level])),
  );
  (pack.routes ?? []).forEach((r, i) =>
    r.levels.forEach((level, j) => check(r.scale, level, ['routes', i, 'levels', j])),
  );
  (pack.incidents?.playbooks ?? []).forEach(
    (p, i) =>
      p.severity &&
      check(p.severity.scale, p.severity.level, ['incidents', 'playbooks', i, 'severity', 'level']),
  );
  (pack.monitors?.thresholds ?? []).forEach(
    (t, i) => t.level && check(t.level.scale, t.level.level, ['monitors', 'thresholds', i, 'level', 'level']),
  );
  // An alert rule's severity is a level of the incident scale (`for: incident`): a typo would otherwise
  // surface only when the first matching alert arrives.
  const incidentScale = (pack.scales ?? []).find((s) => s.for === 'incident');
  (pack.incidents?.alertRules ?? []).forEach((r, i) => {
    if (r.severity === undefined) return;
    if (incidentScale) check(incidentScale.id, r.severity, ['incidents', 'alertRules', i, 'severity']);
    else
      w.problems.push({
        path: ['incidents', 'alertRules', i, 'severity'],
        message: `severity "${r.severity}" needs an incident scale`,
        hint: 'add a scale with `for: incident`, or leave `severity` out',
      });
  });
  const allLevels = new Set([...levelsOf.values()].flatMap((s) => [...s]));
  (pack.tiers ?? []).forEach((t, i) =>
    (t.responseTimes ?? []).forEach((r, j) => {
      if (!allLevels.has(r.level))
        w.problems.push({
          path: ['tiers', i, 'responseTimes', j, 'level'],
          message: `no scale has a level "${r.level}"`,
        });
    }),
  );
}

function checkTemplates(pack: Pack, w: Walker): void {
  (pack.templates ?? []).forEach((t, i) => {
    const declared = new Set(t.variables.map((v) => v.name));
    for (const [locale, variant] of Object.entries(t.locales)) {
      for (const part of ['subject', 'body'] as const) {
        const text = variant[part];
        if (text === undefined) continue;
        const path = ['templates', i, 'locales', locale, part];
        // The same locked-down Liquid that delivers (no file reads, no unknown filters, parse limits), so
        // what validates is what sends.
        const analysis = analyzeTemplateSource(text);
        if (!analysis.ok) {
          w.problems.push({ path, message: `is not valid Liquid: ${analysis.error}` });
          continue;
        }
        for (const name of analysis.variables) {
          if (!declared.has(name)) {
            w.problems.push({
              path,
              message: `uses variable "${name}", which the template does not declare`,
              hint: 'add it to `variables`',
            });
          }
        }
      }
    }
    const locales = Object.keys(t.locales);
    const missing = pack.pack.locales.filter((l) => !locales.includes(l));
    if (locales.length === 0)
      w.problems.push({ path: ['templates', i, 'locales'], message: 'a template needs at least one locale' });
    else if (!locales.includes(pack.pack.locales[0]!) && missing.length > 0) {
      w.problems.push({
        path: ['templates', i, 'locales'],
        message: `has no variant in the pack's default locale "${pack.pack.locales[0]}"`,
      });
    }
  });
}

function duplicates(list: readonly { id: string }[] | undefined, path: Path, w: Walker): void {
  const seen = new Set<string>();
  (list ?? []).forEach((item, i) => {
    if (seen.has(item.id))
      w.problems.push({
        path: [...path, i, 'id'],
        message: `the id "${item.id}" is defined twice in ${path.join('.')}`,
      });
    seen.add(item.id);
  });
}

export function crossCheck(pack: Pack): CrossProblem[] {
  const w: Walker = { defs: definitions(pack), problems: [] };
  for (const [section, value] of Object.entries(pack)) {
    if (section !== 'pack') walk(w, value, [section], []);
  }
  checkLevels(pack, w);
  checkTemplates(pack, w);
  w.problems.push(...checkTemplateSources(pack));
  w.problems.push(...checkDesk(pack));
  for (const key of [
    'roles',
    'tiers',
    'contacts',
    'calendars',
    'holidaySets',
    'scales',
    'channels',
    'routes',
    'escalations',
    'templates',
    'journeys',
    'lifecycles',
    'checklists',
    'kpis',
    'records',
    'plans',
    'knowledge',
    'rotations',
  ] as const) {
    duplicates(pack[key], [key], w);
  }
  (pack.scales ?? []).forEach((s, i) => duplicates(s.levels, ['scales', i, 'levels'], w));
  duplicates(pack.desk?.triage, ['desk', 'triage'], w);
  duplicates(pack.desk?.categories, ['desk', 'categories'], w);
  return w.problems;
}
