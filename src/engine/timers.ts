/**
 * Durable, keyed timers (the graphile-worker `job_key` model): one row per `(workspace, key)`, keys like
 * `"tkt_1:first-response"`. Scheduling is part of the caller's transaction, so a timer exists exactly
 * when the state change that wanted it committed.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Tx } from '../store/database.js';
import { rowsOf } from '../store/database.js';
import { sqlInstant } from './sql-time.js';
import { timers } from '../store/schema.js';

/**
 * - `replace`: the timer runs at the new instant whatever it was before (an SLA re-targeted).
 * - `keep-earliest`: an existing earlier timer wins (several reasons to wake, only the first matters).
 */
export type ScheduleMode = 'replace' | 'keep-earliest';

export interface TimerInput {
  readonly key: string;
  /** Which handler fires it. */
  readonly kind: string;
  readonly subject: string;
  readonly runAt: Date;
  readonly payload?: Record<string, unknown>;
  readonly mode?: ScheduleMode;
}

export type TimerRow = typeof timers.$inferSelect;

export async function scheduleTimer(tx: Tx, workspaceId: string, input: TimerInput): Promise<void> {
  const values = {
    workspaceId,
    key: input.key,
    kind: input.kind,
    subject: input.subject,
    runAt: input.runAt,
    payload: input.payload ?? {},
  };
  // Rescheduling also frees a claimed row: the worker holding it sees the change and does not fire it.
  const set = {
    kind: values.kind,
    subject: values.subject,
    runAt: values.runAt,
    payload: values.payload,
    attempts: 0,
    lockedBy: null,
    lockedUntil: null,
    lastError: null,
  };
  const mode = input.mode ?? 'replace';
  switch (mode) {
    case 'replace':
      await tx
        .insert(timers)
        .values(values)
        .onConflictDoUpdate({ target: [timers.workspaceId, timers.key], set });
      return;
    case 'keep-earliest':
      await tx
        .insert(timers)
        .values(values)
        .onConflictDoUpdate({
          target: [timers.workspaceId, timers.key],
          set,
          setWhere: sql`excluded.run_at < ${timers.runAt}`,
        });
      return;
    default: {
      const never: never = mode;
      throw new Error(`unknown schedule mode ${String(never)}`);
    }
  }
}

/** Cancels a timer by key; returns whether one existed. */
export async function cancelTimer(tx: Tx, workspaceId: string, key: string): Promise<boolean> {
  const rows = await tx
    .delete(timers)
    .where(and(eq(timers.workspaceId, workspaceId), eq(timers.key, key)))
    .returning({ key: timers.key });
  return rows.length > 0;
}

interface ClaimedTimerRow {
  workspace_id: string;
  key: string;
  kind: string;
  subject: string;
  run_at: Date | string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface ClaimedTimer {
  readonly workspaceId: string;
  readonly key: string;
  readonly kind: string;
  readonly subject: string;
  readonly runAt: Date;
  readonly payload: Record<string, unknown>;
  readonly attempts: number;
}

/** Claims up to `limit` due timers across workspaces under a lease (FOR UPDATE SKIP LOCKED). */
export async function claimDueTimers(
  database: Database,
  workerId: string,
  limit: number,
  leaseSeconds: number,
  now: Date | null,
): Promise<ClaimedTimer[]> {
  const result = await database.db.execute(
    sql`select * from opsbook_claim_timers(${workerId}, ${limit}, ${leaseSeconds}, ${sqlInstant(now)})`,
  );
  return rowsOf<ClaimedTimerRow>(result).map((r) => ({
    workspaceId: r.workspace_id,
    key: r.key,
    kind: r.kind,
    subject: r.subject,
    runAt: new Date(r.run_at),
    payload: r.payload,
    attempts: r.attempts,
  }));
}
