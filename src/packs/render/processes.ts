/** Lifecycles (states and transitions), checklists (one-off and recurring) and releases. */
import type { RenderContext } from './context.js';
import { labelOf } from './context.js';
import { code, list, numberedSteps, oneLine, quoted, section, table } from './markdown.js';
import {
  describeAction,
  describeCadence,
  describeCondition,
  describeDuration,
  describeRecipient,
} from './words.js';

type Pack = RenderContext['pack'];
type Lifecycle = NonNullable<Pack['lifecycles']>[number];
type Transition = Lifecycle['transitions'][number];
type Checklist = NonNullable<Pack['checklists']>[number];
type ChecklistItem = Checklist['items'][number];

function stateNotes(l: Lifecycle, s: Lifecycle['states'][number]): string {
  const notes = [
    s.id === l.initial && 'starts here',
    s.readOnly && 'read-only for the customer',
    s.terminal && 'final',
  ];
  return notes.filter(Boolean).join('; ');
}

function transitionRow(pack: Pack, l: Lifecycle, t: Transition): string[] {
  const state = (id: string) => labelOf(l.states, id);
  const from =
    t.from === '*' ? 'any state' : (Array.isArray(t.from) ? t.from : [t.from]).map(state).join(', ');
  const when = [t.on && `on ${code(t.on)}`, t.after !== undefined && `after ${describeDuration(t.after)}`];
  const needs = [
    t.guard && `if ${describeCondition(t.guard)}`,
    t.approval && `approval of ${describeRecipient(t.approval)}`,
    t.checklist && `checklist “${labelOf(pack.checklists, t.checklist)}” done`,
  ];
  const join = (parts: unknown[]) => parts.filter((p): p is string => typeof p === 'string').join('; ');
  return [from, state(t.to), join(when), join(needs), (t.effects ?? []).map(describeAction).join('; ')];
}

export function lifecycles({ pack }: RenderContext): string[] {
  return (pack.lifecycles ?? []).flatMap((l) =>
    section(`Lifecycle: ${l.label}`, [
      ...quoted(l.quote),
      `Each ${l.for} moves through these states, starting in “${labelOf(l.states, l.initial)}”.`,
      '',
      table(
        ['State', 'Notes'],
        l.states.map((s) => [s.label, stateNotes(l, s)]),
      ),
      table(
        ['From', 'To', 'When', 'Needs', 'Then'],
        l.transitions.map((t) => transitionRow(pack, l, t)),
      ),
    ]),
  );
}

function itemDetails(item: ChecklistItem): string {
  const details = [
    item.owner && describeRecipient(item.owner),
    item.cadence && describeCadence(item.cadence),
    item.due !== undefined && `due within ${describeDuration(item.due)}`,
    item.evidence !== 'none' && `evidence: ${item.evidence}`,
    item.when && `only if ${describeCondition(item.when)}`,
    item.approval && `approved by ${describeRecipient(item.approval)}`,
  ].filter(Boolean);
  return details.length ? ` — ${details.join('; ')}` : '';
}

/** Where a one-off checklist is required: the transitions and releases that name it. */
function requiredBy(pack: Pack, c: Checklist): string[] {
  const gates = (pack.lifecycles ?? []).flatMap((l) =>
    l.transitions
      .filter((t) => t.checklist === c.id)
      .map((t) => `${l.label}: to “${labelOf(l.states, t.to)}”`),
  );
  return pack.releases?.checklist === c.id ? ['every release', ...gates] : gates;
}

function runs(pack: Pack, c: Checklist): string {
  if (c.schedule) return `Runs ${describeCadence(c.schedule)}.`;
  if (c.trigger) return `Opens on ${code(c.trigger.event)}.`;
  const gates = requiredBy(pack, c);
  if (gates.length) return `Must be complete for ${gates.join('; ')}.`;
  return c.items.some((i) => i.cadence)
    ? 'A register of recurring checks: each item recurs as shown.'
    : 'Opened by hand when needed.';
}

export function checklists({ pack }: RenderContext): string[] {
  return (pack.checklists ?? []).flatMap((c) => {
    const owner = c.owner ? ` Owner: ${describeRecipient(c.owner)}.` : '';
    const order = c.ordered ? ' Items are done in order.' : '';
    const items = c.items.map((i) => `${c.ordered ? '' : '[ ] '}${oneLine(i.text)}${itemDetails(i)}`);
    return section(`Checklist: ${c.label}`, [
      ...quoted(c.quote),
      `${runs(pack, c)}${owner}${order}`,
      '',
      ...list(items, c.ordered),
    ]);
  });
}

type Releases = NonNullable<Pack['releases']>;

function releaseFlow(pack: Pack, r: Releases): string[] {
  const flow = [
    r.lifecycle && `Each release follows the lifecycle “${labelOf(pack.lifecycles, r.lifecycle)}”.`,
    r.checklist &&
      `The checklist “${labelOf(pack.checklists, r.checklist)}” must be complete before it ships.`,
    r.monitorFor !== undefined &&
      `After a deploy, watch it for ${describeDuration(r.monitorFor)} before announcing it.`,
  ].filter(Boolean);
  return flow.length ? [flow.join(' '), ''] : [];
}

export function releases(ctx: RenderContext): string[] {
  const r = ctx.pack.releases;
  if (!r) return [];
  const types = r.types.map((t) => [
    t.label,
    describeCadence(t.frequency),
    describeRecipient(t.approver),
    ctx.target(t.rollbackWindow),
  ]);
  return section('Releases', [
    table(['Type', 'Frequency', 'Go/no-go approver', 'Rollback window'], types),
    ...releaseFlow(ctx.pack, r),
    ...(r.rollback?.length ? ['### Rollback', '', ...numberedSteps(r.rollback)] : []),
  ]);
}
