/**
 * Recording a batch of finished runs of one workspace's checks, in one transaction of a few statements
 * whatever the batch's size: one UPDATE of the checks (status, counters, the next slot, the lease handed
 * back), one INSERT of the results, one upsert of the day roll-ups, and, for the few that changed status,
 * their status changes and alerts. Only checks still leased to this worker are recorded: one that was
 * edited, paused or deleted meanwhile had its lease taken back, and its run under the old settings is
 * dropped.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  applyRun,
  evaluateRun,
  nextRunAfter,
  type MonitorStatus,
  type ProbeOutcome,
} from '../../core/monitoring.js';
import type { Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { checkStatusChanges } from '../../store/schema-incidents.js';
import { activeMaintenance } from '../status/components.js';
import { reconcileAlert, type WindowInForce } from './alerting.js';
import type { ClaimedCheck } from './claims.js';
import { checkSummary } from './check-summary.js';
import type { MonitoringContext } from './context.js';

export interface FinishedRun {
  readonly check: ClaimedCheck;
  /** When the run started (its result's instant) and when it ended. */
  readonly startedAt: Date;
  readonly outcome: ProbeOutcome;
}

export interface RecordedRuns {
  /** Runs recorded (their checks were still leased to this worker). */
  readonly recorded: number;
  /** Runs dropped: the check was changed, paused or deleted while it ran. */
  readonly dropped: number;
  /** Slots skipped because checks fell more than an interval behind. */
  readonly missed: number;
  /** Checks that went up or down. */
  readonly changes: number;
}

interface Judged {
  readonly run: FinishedRun;
  readonly ok: boolean;
  readonly error: string | null;
  readonly status: MonitorStatus;
  readonly failures: number;
  readonly successes: number;
  readonly change: 'up' | 'down' | null;
  readonly nextRunAt: Date;
  readonly missed: number;
}

const ROWS_PER_STATEMENT = 1000;

function judge(run: FinishedRun, now: Date): Judged {
  const { check, outcome } = run;
  const verdict = evaluateRun(check, outcome);
  const step = applyRun(check, verdict.ok, check);
  const next = nextRunAfter(check.nextRunAt.getTime(), check.intervalMs, now.getTime());
  return {
    run,
    ok: verdict.ok,
    error: verdict.error?.slice(0, 1000) ?? null,
    status: step.next.status,
    failures: step.next.consecutiveFailures,
    successes: step.next.consecutiveSuccesses,
    change: step.change,
    nextRunAt: new Date(next.nextRunMs),
    missed: next.missed,
  };
}

/** Writes the runs' effects on their checks; returns the ids still leased to us, with their alert flag. */
async function updateChecks(
  tx: Tx,
  workspaceId: string,
  workerId: string,
  judged: readonly Judged[],
): Promise<Map<string, boolean>> {
  const held = new Map<string, boolean>();
  for (let i = 0; i < judged.length; i += ROWS_PER_STATEMENT) {
    const values = judged.slice(i, i + ROWS_PER_STATEMENT).map(
      (j) =>
        sql`(${j.run.check.id}::text, ${j.status}::text, ${j.failures}::int, ${j.successes}::int,
             ${j.run.startedAt.toISOString()}::timestamptz, ${j.change ? j.run.startedAt.toISOString() : null}::timestamptz,
             ${j.run.outcome.latencyMs}::int, ${j.error}::text, ${j.nextRunAt.toISOString()}::timestamptz, ${j.missed}::int)`,
    );
    const rows = rowsOf<{ id: string; alerting: boolean }>(
      await tx.execute(sql`
        update health_checks c
           set status = v.status, consecutive_failures = v.failures, consecutive_successes = v.successes,
               last_run_at = v.run_at, last_change_at = coalesce(v.change_at, c.last_change_at),
               last_latency_ms = v.latency, last_error = v.error, next_run_at = v.next_run_at,
               missed_runs = c.missed_runs + v.missed, locked_by = null, locked_until = null
          from (values ${sql.join(values, sql`, `)})
               as v(id, status, failures, successes, run_at, change_at, latency, error, next_run_at, missed)
         where c.workspace_id = ${workspaceId} and c.id = v.id and c.locked_by = ${workerId} and c.enabled
        returning c.id, c.alerting`),
    );
    for (const row of rows) held.set(row.id, row.alerting);
  }
  return held;
}

async function insertMany(
  tx: Tx,
  judged: readonly Judged[],
  statement: (values: SQL) => SQL,
  row: (j: Judged) => SQL,
) {
  for (let i = 0; i < judged.length; i += ROWS_PER_STATEMENT) {
    const values = sql.join(judged.slice(i, i + ROWS_PER_STATEMENT).map(row), sql`, `);
    await tx.execute(statement(values));
  }
}

async function insertResults(tx: Tx, workspaceId: string, judged: readonly Judged[]) {
  await insertMany(
    tx,
    judged,
    (values) =>
      sql`insert into check_results (workspace_id, check_id, at, ok, latency_ms, status_code, error) values ${values}`,
    (j) =>
      sql`(${workspaceId}, ${j.run.check.id}, ${j.run.startedAt.toISOString()}::timestamptz, ${j.ok},
           ${j.run.outcome.latencyMs}::int, ${j.run.outcome.statusCode}::int, ${j.error})`,
  );
}

/** Adds the runs to their checks' UTC days (runs, failures, latency sum and maximum). */
async function rollUpDays(tx: Tx, workspaceId: string, judged: readonly Judged[]) {
  const days = new Map<
    string,
    { check: string; day: string; runs: number; failures: number; sum: number; max: number }
  >();
  for (const j of judged) {
    const day = j.run.startedAt.toISOString().slice(0, 10);
    const key = `${j.run.check.id} ${day}`;
    const d = days.get(key) ?? { check: j.run.check.id, day, runs: 0, failures: 0, sum: 0, max: 0 };
    d.runs++;
    if (!j.ok) d.failures++;
    d.sum += j.run.outcome.latencyMs;
    d.max = Math.max(d.max, j.run.outcome.latencyMs);
    days.set(key, d);
  }
  const values = [...days.values()].map(
    (d) =>
      sql`(${workspaceId}, ${d.check}, ${d.day}::date, ${d.runs}::int, ${d.failures}::int, ${d.sum}::bigint, ${d.max}::int)`,
  );
  for (let i = 0; i < values.length; i += ROWS_PER_STATEMENT) {
    await tx.execute(sql`
      insert into check_days (workspace_id, check_id, day, runs, failures, latency_sum_ms, latency_max_ms)
      values ${sql.join(values.slice(i, i + ROWS_PER_STATEMENT), sql`, `)}
      on conflict (workspace_id, check_id, day) do update
        set runs = check_days.runs + excluded.runs, failures = check_days.failures + excluded.failures,
            latency_sum_ms = check_days.latency_sum_ms + excluded.latency_sum_ms,
            latency_max_ms = greatest(check_days.latency_max_ms, excluded.latency_max_ms)`);
  }
}

/**
 * Raises or resolves the alerts of checks whose status and alert differ, each under a savepoint: one that
 * fails (the alert intake refused) keeps its flag and is tried again at the next run.
 */
async function mendAlerts(
  ctx: MonitoringContext,
  tx: Tx,
  workspaceId: string,
  pending: readonly { judged: Judged; alerting: boolean }[],
  now: Date,
  onError: (err: unknown, checkId: string) => void,
) {
  if (pending.length === 0) return;
  const windows: WindowInForce[] = await activeMaintenance(tx, workspaceId, now);
  for (const { judged, alerting } of pending) {
    const check = judged.run.check;
    const subject = {
      ...checkSummary({ ...check, lastError: judged.error, consecutiveFailures: judged.failures }),
      down: judged.status === 'down',
      alerting,
    };
    try {
      const flag = await tx.transaction((sp) => reconcileAlert(ctx, sp, workspaceId, subject, windows, now));
      if (flag !== alerting)
        await tx.execute(
          sql`update health_checks set alerting = ${flag} where workspace_id = ${workspaceId} and id = ${check.id}`,
        );
    } catch (err) {
      onError(err, check.id);
    }
  }
}

/** Records one workspace's finished runs; `now` is when they are recorded (the next slots follow from it). */
export async function recordRuns(
  ctx: MonitoringContext,
  workspaceId: string,
  workerId: string,
  runs: readonly FinishedRun[],
  now: Date,
  onAlertError: (err: unknown, checkId: string) => void = () => undefined,
): Promise<RecordedRuns> {
  const judged = runs.map((run) => judge(run, now));
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const held = await updateChecks(tx, workspaceId, workerId, judged);
    const kept = judged.filter((j) => held.has(j.run.check.id));
    if (kept.length === 0) return { recorded: 0, dropped: judged.length, missed: 0, changes: 0 };
    await insertResults(tx, workspaceId, kept);
    await rollUpDays(tx, workspaceId, kept);
    const changed = kept.filter((j) => j.change !== null);
    if (changed.length > 0)
      await tx.insert(checkStatusChanges).values(
        changed.map((j) => ({
          workspaceId,
          checkId: j.run.check.id,
          status: j.status,
          at: j.run.startedAt,
          reason: j.change === 'down' ? j.error : 'recovered',
        })),
      );
    const pending = kept
      .map((j) => ({ judged: j, alerting: held.get(j.run.check.id)! }))
      .filter((p) => (p.judged.status === 'down') !== p.alerting);
    await mendAlerts(ctx, tx, workspaceId, pending, now, onAlertError);
    return {
      recorded: kept.length,
      dropped: judged.length - kept.length,
      missed: kept.reduce((n, j) => n + j.missed, 0),
      changes: changed.length,
    };
  });
}
