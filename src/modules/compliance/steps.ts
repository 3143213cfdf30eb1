/**
 * What a pack says of each timed step the compliance report counts: its family (the table it goes in), a
 * label, the SOP's own words (the `quote` the pack keeps beside the target), the level as the SOP writes it,
 * and the share of records that must meet it. Read from the pack version that governed the records, found
 * by the engine's `source` of each clock (`scale:ticket-priority/p1`, `stage:assess-severity`,
 * `regulatory:cert-in`, `tier:tier-2/p0`, `channel:whatsapp`, `sla-policy:pro/p1`).
 *
 * Targets: the help desk's KPI matching (src/modules/support/metrics-targets.ts `deskTargets`: SofaCover's
 * "P1: 95% within 1 hour") for response and resolution clocks; for any other step a KPI with a share whose
 * scope, id or label names the step; else 100 %.
 */
import { formatDurationMs } from '../../core/clocks.js';
import type {
  ComplianceFamily,
  ComplianceRow,
  DescribeStep,
  StepDescription,
} from '../../core/compliance.js';
import type { Frozen } from '../../packs/compile.js';
import type { Pack } from '../../packs/schema/pack.js';
import { deskTargets } from '../support/metrics-targets.js';

type P = Frozen<Pack>;
type AnyTarget = {
  readonly within?: number;
  readonly by?: string;
  readonly none?: true;
  readonly quote?: string;
};

/** Clock ids as the engine names them (src/core/decide/sla.ts CLOCK_OF_TARGET) → the pack's target name. */
const TARGET_OF_CLOCK: Readonly<Record<string, { name: string; label: string; order: number }>> = {
  'first-response': { name: 'firstResponse', label: 'First response', order: 0 },
  response: { name: 'response', label: 'Response', order: 1 },
  resolution: { name: 'resolution', label: 'Resolution', order: 2 },
  update: { name: 'updateEvery', label: 'Update', order: 3 },
  'customer-notice': { name: 'customerNotice', label: 'Customer notice', order: 4 },
  fix: { name: 'fix', label: 'Fix', order: 5 },
};

function deadlineText(target: AnyTarget | undefined): string {
  if (!target) return '';
  if (target.within !== undefined)
    return target.within === 0 ? ' immediately' : ` within ${formatDurationMs(target.within)}`;
  if (target.by) return ` by ${target.by.replaceAll('-', ' ')}`;
  return '';
}

const lower = (s: string | undefined | null) => (s ?? '').toLowerCase();

/** The level of a record on the pack's scales: the scale the source names, else any scale for its kind. */
function levelOf(pack: P, kind: string, level: string | null, scaleId: string | null) {
  if (level === null) return null;
  const scales = pack.scales ?? [];
  const ordered = [
    ...scales.filter((s) => s.id === scaleId),
    ...scales.filter((s) => s.for === kind || (kind === 'incident' && s.for === 'security-incident')),
    ...scales,
  ];
  for (const scale of ordered) {
    const index = scale.levels.findIndex((l) => l.id === level);
    if (index >= 0) return { level: scale.levels[index]!, index };
  }
  return null;
}

function allStages(pack: P) {
  const section = pack.incidents;
  return [...(section?.stages ?? []), ...(section?.playbooks ?? []).flatMap((p) => p.stages)];
}

/** A KPI with a share that names the step (and, when it says, the level). */
function kpiFor(pack: P, words: readonly string[], level: string | null) {
  for (const kpi of pack.kpis ?? []) {
    if (kpi.target.share === undefined) continue;
    const text = lower(`${kpi.id} ${kpi.label} ${kpi.scope ?? ''}`);
    if (!words.some((w) => w.length > 2 && text.includes(lower(w)))) continue;
    if (level !== null && kpi.scope && !lower(kpi.scope).includes(lower(level))) continue;
    return { percent: kpi.target.share, kpi: kpi.id };
  }
  return null;
}

interface Named {
  family: ComplianceFamily;
  label: string;
  quote: string | null;
  order: number;
}

/** A clock of the engine, by its id and source. */
function nameClock(pack: P, row: ComplianceRow): Named {
  const [sourceKind = '', rest = ''] = row.source.split(/:(.*)/s);
  const [ref = '', levelRef] = rest.split('/');
  const target = TARGET_OF_CLOCK[row.step];
  if (sourceKind === 'stage') {
    const stages = allStages(pack);
    const index = stages.findIndex((s) => s.id === ref);
    const stage = stages[index];
    const deadline = stage?.deadline as AnyTarget | undefined;
    return {
      family: 'stages',
      label: `${stage?.label ?? ref}${deadline?.quote ? ` (${deadline.quote})` : deadlineText(deadline)}`,
      quote: stage?.quote ?? deadline?.quote ?? null,
      order: 100 + Math.max(index, 0),
    };
  }
  if (sourceKind === 'regulatory') {
    const list = pack.incidents?.regulatory ?? [];
    const index = list.findIndex((c) => c.id === ref);
    const clock = list[index];
    return {
      family: 'regulatory',
      label: clock
        ? `${clock.label === clock.authority ? `${clock.authority} report` : `${clock.authority}: ${clock.label}`} within ${formatDurationMs(clock.within)}`
        : ref,
      quote: clock?.quote ?? null,
      order: 200 + Math.max(index, 0),
    };
  }
  if (sourceKind === 'tier') {
    const tier = (pack.tiers ?? []).find((t) => t.id === ref);
    const goal = tier?.responseTimes?.find((r) => r.level === levelRef)?.target as AnyTarget | undefined;
    return {
      family: 'targets',
      label: `${tier?.label ?? ref} response${deadlineText(goal)}`,
      quote: goal?.quote ?? null,
      order: 10,
    };
  }
  if (sourceKind === 'channel') {
    const channel = (pack.channels ?? []).find((c) => c.id === ref);
    const goal = channel?.responseGoal as (AnyTarget & { human?: AnyTarget }) | undefined;
    const human = goal?.human ?? goal;
    return {
      family: 'targets',
      label: `${channel?.label ?? ref} response${deadlineText(human)}`,
      quote: human?.quote ?? channel?.quote ?? null,
      order: 11,
    };
  }
  if ((sourceKind === 'scale' || sourceKind === 'sla-policy') && target) {
    const targets =
      sourceKind === 'scale'
        ? (pack.scales ?? []).find((s) => s.id === ref)?.levels.find((l) => l.id === levelRef)?.targets
        : (pack.slaPolicies ?? []).find((p) => p.id === ref)?.targets[levelRef ?? ''];
    const policy =
      sourceKind === 'sla-policy' ? (pack.slaPolicies ?? []).find((p) => p.id === ref) : undefined;
    const t = (targets as Record<string, AnyTarget> | undefined)?.[target.name];
    // A policy's target often leaves the SOP's words to the scale (ShopSmart's `default` policy).
    const levelTarget = policy
      ? ((pack.scales ?? []).find((s) => s.id === policy.scale)?.levels.find((l) => l.id === levelRef)
          ?.targets as Record<string, AnyTarget> | undefined)
      : undefined;
    const under = policy ? ` under ${policy.label ?? policy.id}` : '';
    return {
      family: 'targets',
      label: `${target.label}${deadlineText(t)}${under}`,
      quote: t?.quote ?? levelTarget?.[target.name]?.quote ?? null,
      order: target.order,
    };
  }
  return { family: 'clocks', label: row.step, quote: null, order: 300 };
}

/** A task with a due date, by its step (`review`, `follow-up:<id>`, `action-items`, `task:<title>`). */
function nameTask(pack: P, row: ComplianceRow): Named {
  const section = pack.incidents;
  if (row.step === 'review') {
    const within = section?.review?.within as AnyTarget | undefined;
    return {
      family: 'tasks',
      label: `Post-incident review${deadlineText(within)}`,
      quote: within?.quote ?? null,
      order: 400,
    };
  }
  if (row.step.startsWith('follow-up:')) {
    const id = row.step.slice('follow-up:'.length);
    const list = section?.followUps ?? [];
    const index = list.findIndex((f) => f.id === id);
    const followUp = list[index];
    return {
      family: 'tasks',
      label: followUp ? `${followUp.label} within ${formatDurationMs(followUp.within)}` : id,
      quote: followUp?.quote ?? null,
      order: 410 + Math.max(index, 0),
    };
  }
  if (row.step === 'action-items')
    return { family: 'tasks', label: 'Action items by their due dates', quote: null, order: 450 };
  return { family: 'tasks', label: row.step.replace(/^task:/, ''), quote: null, order: 460 };
}

function nameChecklist(pack: P, row: ComplianceRow): Named {
  const list = pack.checklists ?? [];
  const index = list.findIndex((c) => c.id === row.step);
  const checklist = list[index];
  const cadence =
    checklist?.schedule && 'every' in checklist.schedule ? ` (every ${checklist.schedule.every})` : '';
  return {
    family: 'checklists',
    label: `${checklist?.label ?? row.step}${cadence} completed by its due time`,
    quote: checklist?.quote ?? checklist?.schedule?.quote ?? null,
    order: 500 + Math.max(index, 0),
  };
}

/** The KPI deskTargets took a share from: same share, and its scope or id names the level and the clock. */
function deskKpi(pack: P, row: ComplianceRow, share: number): string | null {
  const word = row.step === 'resolution' ? 'resolution' : 'response';
  const found = (pack.kpis ?? []).find(
    (k) =>
      k.target.share === share &&
      (lower(k.scope) === lower(row.level) || lower(k.id).endsWith(`-${lower(row.level)}`)) &&
      lower(`${k.id} ${k.label} ${k.measuredBy ?? ''}`).includes(word),
  );
  return found?.id ?? null;
}

/**
 * The describer of one pack version.
 *
 * @example describeSteps(pack)(row) // { family: 'stages', label: 'ASSESS SEVERITY (T+5 min)', … }
 */
export function describeSteps(pack: P): DescribeStep {
  const desk = deskTargets(pack);
  return (row): StepDescription => {
    const named =
      row.source === 'task'
        ? nameTask(pack, row)
        : row.source === 'checklist'
          ? nameChecklist(pack, row)
          : nameClock(pack, row);
    const [, rest = ''] = row.source.split(/:(.*)/s);
    const scaleId = row.source.startsWith('scale:') ? (rest.split('/')[0] ?? null) : null;
    const found = levelOf(pack, row.kind, row.level, scaleId);
    // The help desk's SLA shares per priority (SofaCover "P1: 95% within 1 hour"), for its two clocks.
    const sla = row.level === null ? undefined : desk.sla.get(row.level);
    const deskShare =
      row.step === 'first-response' || row.step === 'response'
        ? sla?.firstResponse
        : row.step === 'resolution'
          ? sla?.resolution
          : null;
    const kpi =
      deskShare !== null && deskShare !== undefined
        ? { percent: deskShare, kpi: deskKpi(pack, row, deskShare) }
        : kpiFor(pack, [row.step, named.label.split(/[(:]/)[0]!.trim()], row.level);
    return {
      ...named,
      levelLabel: found?.level.label ?? null,
      targetPercent: kpi?.percent ?? 100,
      targetKpi: kpi?.kpi ?? null,
      order: (found?.index ?? 99) * 1000 + named.order,
    };
  };
}
