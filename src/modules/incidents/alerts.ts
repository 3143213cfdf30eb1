/**
 * Alert intake (issue 8 "Detect"): events from integrations (Alertmanager, PagerDuty Events v2, generic
 * JSON) and from monitors (`check:…`, `heartbeat:…`, `threshold:…`) become deduplicated alerts, and alerts
 * become incidents by the pack's rules, in the caller's transaction.
 *
 * A batch costs a fixed number of statements whatever its size (alert-store.ts); only declaring or
 * resolving an incident adds more. Several requests' batches can share one transaction (segments, see
 * alert-batcher.ts), each with its own answer.
 */
import { NoActivePackError } from '../../engine/engine.js';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { pgCode, type Tx } from '../../store/database.js';
import { planAlerts, type Plan, type PlanEvent } from './alert-plan.js';
import { alertPolicyOf, classifyAlert, type Classification } from './alert-rules.js';
import {
  groupsOfResolving,
  lockKeysAndGroups,
  orderedIds,
  readBatchState,
  writeAlerts,
} from './alert-store.js';
import type { IncidentsContext } from './context.js';
import { declareIncidentIn, resolveIncidentIn } from './incidents.js';

export interface AlertEvent {
  action: 'trigger' | 'acknowledge' | 'resolve';
  /** ≤ 255 characters. */
  dedupKey: string;
  /** Required for trigger. */
  summary?: string;
  /** 'critical' | 'error' | 'warning' | 'info', or a level id of the pack's incident scale. */
  severity?: string;
  service?: string;
  component?: string;
  labels?: Record<string, string>;
  details?: Record<string, unknown>;
  startedAt?: Date;
  /** A grouping the sender made already (Alertmanager's `groupKey`); default: the source and service. */
  groupKey?: string;
}

export interface IngestResult {
  accepted: number;
  opened: number;
  updated: number;
  resolved: number;
  acknowledged: number;
  suppressed: number;
  /** Numbers of the incidents the batch's alerts opened or joined. */
  incidents: number[];
}

/** Most events in one call: 10,000 (RELIABILITY: "10,000 alerts in one request" must work). */
export const MAX_ALERTS_PER_CALL = 10_000;
export const MAX_DEDUP_KEY = 255;
export const MAX_SUMMARY = 1024;

/** The refusals of a batch, each pointing at its event (`/events/3/summary`); empty when it is valid. */
export function alertEventProblems(events: readonly AlertEvent[], base = '/events'): FieldError[] {
  const problems: FieldError[] = [];
  events.forEach((event, i) => {
    if (problems.length >= 20) return;
    const at = `${base}/${i}`;
    if (!['trigger', 'acknowledge', 'resolve'].includes(event.action))
      problems.push({ pointer: `${at}/action`, message: 'use trigger, acknowledge or resolve' });
    if (typeof event.dedupKey !== 'string' || event.dedupKey.length === 0)
      problems.push({ pointer: `${at}/dedupKey`, message: 'give the alert a deduplication key' });
    else if (event.dedupKey.length > MAX_DEDUP_KEY)
      problems.push({ pointer: `${at}/dedupKey`, message: `at most ${MAX_DEDUP_KEY} characters` });
    if (event.action === 'trigger' && !event.summary?.trim())
      problems.push({ pointer: `${at}/summary`, message: 'a trigger needs a summary' });
    else if (event.summary !== undefined && event.summary.length > MAX_SUMMARY)
      problems.push({ pointer: `${at}/summary`, message: `at most ${MAX_SUMMARY} characters` });
    if (event.startedAt !== undefined && Number.isNaN(event.startedAt.getTime()))
      problems.push({ pointer: `${at}/startedAt`, message: 'not a valid instant' });
  });
  return problems;
}

/** Refuses a batch past the limit (413) or with a bad event (400, each named). */
export function checkAlertEvents(events: readonly AlertEvent[], base = '/events'): void {
  if (events.length > MAX_ALERTS_PER_CALL)
    throw new OpsError(
      'OPS_BATCH_TOO_LARGE',
      `${events.length} alerts in one request; send at most ${MAX_ALERTS_PER_CALL} per request.`,
    );
  const problems = alertEventProblems(events, base);
  if (problems.length > 0)
    throw new OpsError('OPS_VALIDATION', `${problems.length} alert(s) are not valid.`, problems);
}

/** The active pack's prepared policy, or null when none is active (alerts are then only recorded). */
async function activePolicy(ctx: IncidentsContext, tx: Tx, workspaceId: string) {
  try {
    return (await ctx.engine.activePolicyIn(tx, workspaceId)).ep;
  } catch (err) {
    if (err instanceof NoActivePackError) return null;
    throw err;
  }
}

/** One request's events within a batch: where they come from and who sent them. */
export interface AlertSegment {
  readonly source: string;
  readonly events: readonly AlertEvent[];
  /** Recorded on the incidents its alerts declare or resolve: `integration:int_…`, `system:checks`. */
  readonly actor: string;
}

/** Declares and resolves the plan's incidents in order; returns the id and number behind each ref. */
async function applyIncidentOps(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
  segments: readonly AlertSegment[],
  plan: Plan,
): Promise<{ ids: Map<string, string>; numbers: Map<string, number> }> {
  const ids = new Map<string, string>();
  const numbers = new Map<string, number>();
  for (const op of plan.ops) {
    const actor = segments[op.segment]!.actor;
    if (op.kind === 'resolve') {
      await resolveIncidentIn(ctx, tx, workspaceId, ids.get(op.ref) ?? op.ref, actor);
      continue;
    }
    const declared = await declareIncidentIn(
      ctx,
      tx,
      workspaceId,
      {
        title: op.title.slice(0, 200),
        severity: op.severity,
        ...(op.type ? { kind: op.type } : {}),
        ...(op.service ? { service: op.service } : {}),
        ...(op.component ? { components: [op.component] } : {}),
        groupKey: op.groupKey,
        startedAt: op.startedAt,
        // Marks an incident that alerts opened: it resolves when its last alert does.
        fields: { alertSource: op.source },
      },
      actor,
    );
    ids.set(op.ref, declared.id);
    numbers.set(declared.id, declared.number);
  }
  return { ids, numbers };
}

/**
 * Applies several requests' events in order in one transaction (the caller's), each request answered
 * apart: the same as applying them one request after the other.
 */
export async function ingestSegmentsIn(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
  segments: readonly AlertSegment[],
): Promise<IngestResult[]> {
  const events: PlanEvent[] = [];
  segments.forEach((segment, i) => {
    checkAlertEvents(segment.events);
    for (const e of segment.events) events.push({ ...e, segment: i, source: segment.source });
  });
  if (events.length === 0) return segments.map(() => emptyResult());
  const now = ctx.now();
  const policy = alertPolicyOf(await activePolicy(ctx, tx, workspaceId));
  const classifications: (Classification | null)[] = events.map((e) =>
    e.action === 'trigger' ? classifyAlert(policy, e) : null,
  );
  const keys = [...new Set(events.map((e) => e.dedupKey))];
  const groups = [...new Set(classifications.flatMap((c) => (c?.openIncident ? [c.groupKey] : [])))];
  const resolvingKeys = new Set(events.flatMap((e) => (e.action === 'resolve' ? [e.dedupKey] : [])));
  const resolvingGroups = new Set(
    events.flatMap((e, i) => {
      const c = classifications[i];
      return c?.openIncident && resolvingKeys.has(e.dedupKey) ? [c.groupKey] : [];
    }),
  );
  await lockKeysAndGroups(tx, workspaceId, keys, groups);
  // Read once the keys are held (a key's open alert cannot change under us now); a deadlock with a writer
  // that took these in the other order is retried by the caller (inAlertTransaction, the batcher).
  const heldGroups = new Set(groups);
  const extra = (await groupsOfResolving(tx, workspaceId, [...resolvingKeys])).filter(
    (g) => !heldGroups.has(g),
  );
  if (extra.length > 0) await lockKeysAndGroups(tx, workspaceId, [], extra);
  const resolving = { keys: [...resolvingKeys], groups: [...resolvingGroups] };
  const state = await readBatchState(tx, workspaceId, keys, groups, resolving, now);
  const plan = planAlerts({
    events,
    classifications,
    histories: state.histories,
    incidents: state.incidents,
    inMaintenance: (component) =>
      state.windows.some((w) => w.length === 0 || (component !== null && w.includes(component))),
    now,
    newId: orderedIds(classifications.filter((c) => c !== null).length, now.getTime()),
  });
  const { ids, numbers } = await applyIncidentOps(ctx, tx, workspaceId, segments, plan);
  await writeAlerts(tx, workspaceId, plan, ids, now);
  for (const known of state.incidents.values()) numbers.set(known.id, known.number);
  return segments.map((_, i) => {
    const counts = plan.counts[i];
    if (!counts) return emptyResult();
    const touched = [...(plan.touched[i] ?? [])].flatMap((ref) => numbers.get(ids.get(ref) ?? ref) ?? []);
    return { ...counts, incidents: [...new Set(touched)].sort((a, b) => a - b) };
  });
}

const emptyResult = (): IngestResult => ({
  accepted: 0,
  opened: 0,
  updated: 0,
  resolved: 0,
  acknowledged: 0,
  suppressed: 0,
  incidents: [],
});

/**
 * Applies a batch of alert events in order, in the caller's transaction: a repeat updates the open alert
 * of its key (count, last seen, labels), a resolve closes it, a trigger after a resolve opens a new one.
 * New alerts open or join an incident by the pack's rules (alert-rules.ts), unless they are flapping,
 * under maintenance or informational; an incident alerts opened resolves when its last alert does.
 *
 * @example await ingestAlertsIn(ctx, tx, ws, 'check:chk_1', [{ action: 'trigger', dedupKey: 'check:chk_1', summary: 'API down' }], 'system:checks')
 */
export async function ingestAlertsIn(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
  source: string,
  events: readonly AlertEvent[],
  actor: string,
): Promise<IngestResult> {
  const [result] = await ingestSegmentsIn(ctx, tx, workspaceId, [{ source, events, actor }]);
  return result!;
}

/** Serialises writers of these alert keys for the rest of the transaction (what ingestAlertsIn locks). */
export async function lockAlertKeys(tx: Tx, workspaceId: string, keys: string[]): Promise<void> {
  if (keys.length > 0) await lockKeysAndGroups(tx, workspaceId, keys, []);
}

/** SQLSTATEs worth one more try: a unique-index race, a deadlock, a serialisation failure. */
const RETRYABLE = new Set(['23505', '40P01', '40001']);

/**
 * Runs `fn` in a transaction of the workspace, tried again (3 tries in all) when it lost a race to another
 * writer: a unique index, a deadlock, a serialisation failure. Nothing of a failed try remains.
 */
export async function inAlertTransaction<T>(
  ctx: IncidentsContext,
  workspaceId: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.database.inWorkspace(workspaceId, fn);
    } catch (err) {
      if (attempt >= 3 || !RETRYABLE.has(pgCode(err) ?? '')) throw err;
    }
  }
}

/** ingestAlertsIn in its own transaction, retried when it lost a race to another writer. */
export async function ingestAlerts(
  ctx: IncidentsContext,
  workspaceId: string,
  source: string,
  events: readonly AlertEvent[],
  actor: string,
): Promise<IngestResult> {
  return inAlertTransaction(ctx, workspaceId, (tx) =>
    ingestAlertsIn(ctx, tx, workspaceId, source, events, actor),
  );
}
