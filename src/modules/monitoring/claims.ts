/**
 * The scheduler's statements across workspaces, through SECURITY DEFINER functions (migrations 0010, 0011):
 * claim due checks under a lease, hand leases back, and purge raw history past its retention. Everything
 * else a run writes happens inside the check's own workspace (record-runs.ts).
 */
import { sql } from 'drizzle-orm';
import type { CheckKind, MonitorStatus } from '../../core/monitoring.js';
import { sqlInstant } from '../../engine/sql-time.js';
import type { Database } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';

/** A check as claimed: what running it and judging the result need. */
export interface ClaimedCheck {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly kind: CheckKind;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly expectStatus: readonly number[];
  readonly keyword: string | null;
  readonly latencyThresholdMs: number | null;
  readonly failureThreshold: number;
  readonly recoveryThreshold: number;
  readonly severity: string | null;
  readonly component: string | null;
  readonly status: MonitorStatus;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** The slot it is due at: it starts then (or now, if that passed), and the next slot follows from it. */
  readonly nextRunAt: Date;
}

interface ClaimedRow {
  id: string;
  workspace_id: string;
  name: string;
  kind: CheckKind;
  target: string;
  interval_ms: number;
  timeout_ms: number;
  expect_status: number[] | string;
  keyword: string | null;
  latency_threshold_ms: number | null;
  failure_threshold: number;
  recovery_threshold: number;
  severity: string | null;
  component: string | null;
  status: MonitorStatus;
  consecutive_failures: number;
  consecutive_successes: number;
  next_run_at: Date | string;
}

function claimed(r: ClaimedRow): ClaimedCheck {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    kind: r.kind,
    target: r.target,
    intervalMs: r.interval_ms,
    timeoutMs: r.timeout_ms,
    // jsonb arrives parsed from node-postgres and PGlite alike; a string only if a driver changes its mind.
    expectStatus:
      typeof r.expect_status === 'string' ? (JSON.parse(r.expect_status) as number[]) : r.expect_status,
    keyword: r.keyword,
    latencyThresholdMs: r.latency_threshold_ms,
    failureThreshold: r.failure_threshold,
    recoveryThreshold: r.recovery_threshold,
    severity: r.severity,
    component: r.component,
    status: r.status,
    consecutiveFailures: r.consecutive_failures,
    consecutiveSuccesses: r.consecutive_successes,
    nextRunAt: new Date(r.next_run_at),
  };
}

/**
 * Claims up to `limit` enabled checks due by `dueBy` (now plus the scheduler's look-ahead) in every
 * workspace, leased to `workerId` until `dueBy + leaseSeconds`.
 */
export async function claimDueChecks(
  database: Database,
  workerId: string,
  limit: number,
  leaseSeconds: number,
  dueBy: Date,
): Promise<ClaimedCheck[]> {
  const result = await database.db.execute(
    sql`select * from opsbook_claim_checks(${workerId}, ${limit}, ${leaseSeconds}, ${sqlInstant(dueBy)})`,
  );
  return rowsOf<ClaimedRow>(result).map(claimed);
}

/** Hands back every check still leased to `workerId` (claimed, not run): others take them at once. */
export async function releaseChecks(database: Database, workerId: string): Promise<number> {
  const result = await database.db.execute(sql`select opsbook_release_checks(${workerId}) as n`);
  return Number(rowsOf<{ n: number | string }>(result)[0]?.n ?? 0);
}

/** Deletes up to `limit` raw results and pings older than their cut-offs; returns how many of each. */
export async function purgeMonitoring(
  database: Database,
  resultsBefore: Date,
  pingsBefore: Date,
  limit: number,
): Promise<{ results: number; pings: number }> {
  const result = await database.db.execute(
    sql`select * from opsbook_purge_monitoring(${sqlInstant(resultsBefore)}, ${sqlInstant(pingsBefore)}, ${limit})`,
  );
  const [row] = rowsOf<{ results: number | string; pings: number | string }>(result);
  return { results: Number(row?.results ?? 0), pings: Number(row?.pings ?? 0) };
}

/**
 * Pushes the leases of the checks `workerId` still holds (`checkIds`: waiting, probing, being recorded) to
 * `leaseSeconds` from `now`; a check it let go of (a run it dropped) is free again when its lease ends.
 */
export async function extendCheckLeases(
  database: Database,
  workerId: string,
  checkIds: readonly string[],
  leaseSeconds: number,
  now: Date,
): Promise<void> {
  if (checkIds.length === 0) return;
  await database.db.execute(
    sql`select opsbook_extend_check_leases(${workerId}, array(select jsonb_array_elements_text(${JSON.stringify(checkIds)}::jsonb)), ${leaseSeconds}, ${sqlInstant(now)})`,
  );
}
