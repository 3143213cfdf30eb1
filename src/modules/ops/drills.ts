/**
 * Recording a restore drill (ShopSmart SOP-004: weekly sample restore, monthly full restore drill,
 * quarterly DR failover, 000#92-000#94): what was measured — how long the restore took and how much data
 * was lost — against the chosen scenario's RTO and RPO (000#101-000#104). A restore that takes exactly the
 * RTO meets it ("RTO 2 hours": restored within two hours). Append-only.
 *
 * A drill that failed or missed a target alerts, record first: the engine's `drill:<id>` subject decides
 * the notifications (the check's owner on the team channel, and the channels of a SEV2 incident) in this
 * transaction, with its timeline entry; the dispatcher sends them after commit. A drill done from an open
 * checklist run completes that run's item, with the drill as its evidence.
 */
import { appendTimeline } from '../../engine/timeline.js';
import type { Engine } from '../../engine/engine.js';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { restoreDrills } from '../../store/schema-ops.js';
import { workItem, type ItemAction, type Worker } from '../work/checklists.js';
import { activePackOf, minutesText } from './active-pack.js';
import { backupChecksOf, type BackupCheck, type DrillRow } from './backups.js';

/** A restore measured in days is no drill; the column holds up to 24 days of milliseconds. */
export const MAX_DRILL_MINUTES = 20 * 24 * 60;

export interface DrillInput {
  readonly check: string;
  readonly objective?: string | undefined;
  readonly backupSet?: string | undefined;
  /** ISO 8601; default now. */
  readonly performedAt?: string | undefined;
  readonly restoreMinutes?: number | undefined;
  readonly restoreMs?: number | undefined;
  readonly dataLossMinutes?: number | undefined;
  readonly dataLossMs?: number | undefined;
  readonly succeeded: boolean;
  readonly note?: string | undefined;
  readonly runId?: string | undefined;
}

/** One measurement given as minutes or milliseconds (exactly one), or a problem at its pointer. */
function measured(
  input: DrillInput,
  what: 'restore' | 'dataLoss',
  label: string,
  problems: FieldError[],
): number {
  const minutes = input[`${what}Minutes`];
  const ms = input[`${what}Ms`];
  if (minutes !== undefined && ms !== undefined) {
    problems.push({
      pointer: `/body/${what}Ms`,
      message: `give ${label} once: ${what}Minutes or ${what}Ms, not both`,
    });
    return 0;
  }
  const value = minutes !== undefined ? minutes * 60_000 : ms;
  const pointer = `/body/${what}${minutes !== undefined || ms === undefined ? 'Minutes' : 'Ms'}`;
  if (value === undefined) {
    problems.push({
      pointer,
      message: `${label} is required, in minutes (${what}Minutes) or ms (${what}Ms)`,
    });
    return 0;
  }
  if (!Number.isFinite(value) || value < 0 || value > MAX_DRILL_MINUTES * 60_000) {
    problems.push({
      pointer,
      message: `${label} must be a number from 0 to ${MAX_DRILL_MINUTES} minutes; got ${String(minutes ?? ms)}`,
    });
    return 0;
  }
  return Math.round(value);
}

function performedAtOf(text: string | undefined, nowMs: number, problems: FieldError[]): number {
  if (text === undefined) return nowMs;
  // The offset is required: an instant without one would be read in the server's zone.
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)
    ? Date.parse(text)
    : NaN;
  if (Number.isNaN(ms)) {
    problems.push({
      pointer: '/body/performedAt',
      message: `"${text}" is not an instant: write ISO 8601 with its offset, e.g. 2026-03-02T10:00:00+05:30`,
    });
    return nowMs;
  }
  if (ms > nowMs + 60_000) {
    problems.push({ pointer: '/body/performedAt', message: 'a drill cannot be recorded before it happens' });
    return nowMs;
  }
  return ms;
}

const listOf = (ids: readonly string[]) => (ids.length > 0 ? ids.join(', ') : 'none');

type Pack = Awaited<ReturnType<typeof activePackOf>>['ep']['policy']['pack'];
type Objective = NonNullable<NonNullable<Pack['backups']>['objectives']>[number];

interface CheckedDrill {
  readonly check: BackupCheck;
  readonly objective: Objective | undefined;
  readonly restoreMs: number;
  readonly dataLossMs: number;
  readonly performedAtMs: number;
}

/** The drill's values against the pack, or OPS_VALIDATION listing every problem with its pointer. */
function checkDrill(pack: Pack, input: DrillInput, nowMs: number): CheckedDrill {
  const problems: FieldError[] = [];
  const drillChecks = backupChecksOf(pack).filter((c) => c.kind === 'drill');
  const check = drillChecks.find((c) => c.id === input.check);
  if (!check)
    problems.push({
      pointer: '/body/check',
      message: `"${input.check}" is not a verification check of the pack; its checks are ${listOf(drillChecks.map((c) => c.id))}`,
    });
  const objectives = pack.backups?.objectives ?? [];
  const objective = input.objective ? objectives.find((o) => o.id === input.objective) : undefined;
  if (input.objective !== undefined && !objective)
    problems.push({
      pointer: '/body/objective',
      message: `the pack has no recovery objective "${input.objective}"; its objectives are ${listOf(objectives.map((o) => o.id))}`,
    });
  const sets = pack.backups?.sets ?? [];
  if (input.backupSet !== undefined && !sets.some((s) => s.id === input.backupSet))
    problems.push({
      pointer: '/body/backupSet',
      message: `the pack has no backup set "${input.backupSet}"; its sets are ${listOf(sets.map((s) => s.id))}`,
    });
  const restoreMs = measured(input, 'restore', 'the restore time', problems);
  const dataLossMs = measured(input, 'dataLoss', 'the data-loss window', problems);
  const performedAtMs = performedAtOf(input.performedAt, nowMs, problems);
  if (problems.length > 0 || !check)
    throw new OpsError(
      'OPS_VALIDATION',
      `The drill has ${problems.length} problem(s); nothing was recorded.`,
      problems,
    );
  return { check, objective, restoreMs, dataLossMs, performedAtMs };
}

function summaryOf(d: CheckedDrill, succeeded: boolean, metRto: boolean | null, metRpo: boolean | null) {
  const o = d.objective;
  const targets = o
    ? ` (${o.scenario}: RTO ${minutesText(o.rto)} ${metRto ? 'met' : 'missed'}, RPO ${minutesText(o.rpo)} ${metRpo ? 'met' : 'missed'})`
    : '';
  return `${d.check.item.text}: ${succeeded ? 'restored' : 'FAILED'} in ${minutesText(d.restoreMs)}, ${minutesText(d.dataLossMs)} of data lost${targets}`;
}

/** The run item's completion, with the drill as the evidence the item takes. */
function completionOf(kind: string, id: string, summary: string, restoreMs: number): ItemAction {
  if (kind === 'number')
    return { kind: 'complete', evidence: { kind: 'number', value: restoreMs / 60_000 }, note: `drill ${id}` };
  if (kind === 'none') return { kind: 'complete', note: `drill ${id}: ${summary}` };
  return { kind: 'complete', evidence: { kind: 'note', value: `drill ${id}: ${summary}` } };
}

/**
 * Records a drill; refused with OPS_VALIDATION (a pointer per problem, nothing written) for a check that
 * is not one of the pack's drill checks, an unknown objective or backup set, a missing, negative or
 * doubled measurement, or an instant in the future. With `runId`, the run's item of the same check is
 * completed (its refusals, e.g. OPS_FORBIDDEN for someone without the owner's role, write nothing either).
 */
export async function recordDrill(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  input: DrillInput,
  worker: Worker,
): Promise<DrillRow> {
  const active = await activePackOf(tx, engine, workspaceId);
  const nowMs = (await engine.nowOf(tx)).getTime();
  const d = checkDrill(active.ep.policy.pack, input, nowMs);
  const { check, objective, restoreMs, dataLossMs } = d;
  const metRto = objective ? restoreMs <= objective.rto : null;
  const metRpo = objective ? dataLossMs <= objective.rpo : null;
  const id = newId('drl', nowMs);
  const [row] = await tx
    .insert(restoreDrills)
    .values({
      id,
      workspaceId,
      check: check.id,
      objective: objective?.id ?? null,
      backupSet: input.backupSet ?? null,
      runId: input.runId ?? null,
      packId: active.ref.id,
      packVersion: active.ref.version,
      performedAt: new Date(d.performedAtMs),
      restoreMs,
      dataLossMs,
      rtoMs: objective?.rto ?? null,
      rpoMs: objective?.rpo ?? null,
      metRto,
      metRpo,
      succeeded: input.succeeded,
      note: input.note?.trim() || null,
      recordedBy: worker.actor,
    })
    .returning();
  const summary = summaryOf(d, input.succeeded, metRto, metRpo);
  await appendTimeline(tx, workspaceId, {
    subject: `backups:${check.id}`,
    type: 'backup.drill',
    actor: worker.actor,
    data: { drill: id, summary, ...(input.runId ? { run: input.runId } : {}) },
    occurredAt: new Date(nowMs),
  });
  if (!input.succeeded || metRto === false || metRpo === false)
    await engine.handleIn(tx, workspaceId, {
      type: 'backup.drill-missed',
      subject: `drill:${id}`,
      data: {
        title: summary,
        check: check.id,
        owner: check.owner ?? 'role:devops',
        succeeded: input.succeeded,
        met_rto: metRto,
        met_rpo: metRpo,
        restore: minutesText(restoreMs),
        data_loss: minutesText(dataLossMs),
        rto: objective ? minutesText(objective.rto) : null,
        rpo: objective ? minutesText(objective.rpo) : null,
      },
      actor: worker.actor,
    });
  if (input.runId) {
    const action = completionOf(check.item.evidence, id, summary, restoreMs);
    await workItem(tx, engine, workspaceId, input.runId, check.id, action, worker, new Date(nowMs));
  }
  return row!;
}
