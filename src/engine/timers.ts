/**
 * Durable, keyed timers (the graphile-worker `job_key` model): one row per `(workspace, key)`, keys like
 * `"tkt_1:first-response"`. Scheduling is part of the caller's transaction, so a timer exists exactly
 * when the state change that wanted it committed.
 *
 * Handlers change timers through `scheduleTimer` / `scheduleTimers` / `cancelTimer`: the worker fires a
 * batch in one transaction and must know which keys an earlier handler of the same batch moved or
 * cancelled (those do not fire). `watchTimerChanges` is that hook.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Tx } from '../store/database.js';
import { rowsOf } from '../store/database.js';
import { sqlInstant } from './sql-time.js';
import { timers } from '../store/schema.js';

/**
 * - `replace`: the timer runs at the new instant whatever it was before (an SLA re-targeted).
 * - `keep-earliest`: an existing earlier timer wins (several reasons to wake, only the first matters).
 * - `cancel`: the timer with this key is removed, if any (an SLA stopped); `runAt` is ignored.
 */
export type ScheduleMode = 'replace' | 'keep-earliest' | 'cancel';

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

const watchers = new WeakMap<Tx, Set<string>>();

/**
 * Until `stop()`, every key scheduled or cancelled through this module in `tx` is added to `changed`.
 * The worker uses it to skip a timer of its batch that an earlier handler moved or cancelled.
 */
export function watchTimerChanges(tx: Tx, changed: Set<string>): { stop(): void } {
  watchers.set(tx, changed);
  return { stop: () => watchers.delete(tx) };
}

function noteChanged(tx: Tx, keys: readonly string[]): void {
  const changed = watchers.get(tx);
  if (changed) for (const key of keys) changed.add(key);
}

/**
 * Schedules (or, with mode `cancel`, removes) one timer by key in the caller's transaction.
 *
 * @example await scheduleTimer(tx, ws, { key: 'tkt_1:frt', kind: 'sla', subject: 'tkt_1', runAt })
 */
export async function scheduleTimer(tx: Tx, workspaceId: string, input: TimerInput): Promise<void> {
  await scheduleTimers(tx, workspaceId, [input]);
}

/** Schedules many timers with one statement per mode (bulk loads, benchmarks). Keys must be distinct. */
export async function scheduleTimers(
  tx: Tx,
  workspaceId: string,
  inputs: readonly TimerInput[],
): Promise<void> {
  const byMode = new Map<ScheduleMode, TimerInput[]>();
  for (const input of inputs) {
    const mode = input.mode ?? 'replace';
    byMode.set(mode, [...(byMode.get(mode) ?? []), input]);
  }
  for (const [mode, group] of byMode) {
    for (let i = 0; i < group.length; i += 1000)
      await writeTimers(tx, workspaceId, mode, group.slice(i, i + 1000));
  }
}

async function writeTimers(
  tx: Tx,
  workspaceId: string,
  mode: ScheduleMode,
  inputs: readonly TimerInput[],
): Promise<void> {
  noteChanged(
    tx,
    inputs.map((i) => i.key),
  );
  const values = inputs.map((input) => ({
    workspaceId,
    key: input.key,
    kind: input.kind,
    subject: input.subject,
    runAt: input.runAt,
    payload: input.payload ?? {},
  }));
  // Rescheduling also frees a claimed row: the worker holding it sees the change and does not fire it.
  const set = {
    kind: sql`excluded.kind`,
    subject: sql`excluded.subject`,
    runAt: sql`excluded.run_at`,
    payload: sql`excluded.payload`,
    attempts: 0,
    lockedBy: null,
    lockedUntil: null,
    lastError: null,
  };
  const target = [timers.workspaceId, timers.key];
  switch (mode) {
    case 'replace':
      await tx.insert(timers).values(values).onConflictDoUpdate({ target, set });
      return;
    case 'keep-earliest':
      await tx
        .insert(timers)
        .values(values)
        .onConflictDoUpdate({ target, set, setWhere: sql`excluded.run_at < ${timers.runAt}` });
      return;
    case 'cancel':
      await tx.delete(timers).where(
        and(
          eq(timers.workspaceId, workspaceId),
          inArray(
            timers.key,
            inputs.map((i) => i.key),
          ),
        ),
      );
      return;
    default: {
      const never: never = mode;
      throw new Error(`unknown schedule mode ${String(never)}`);
    }
  }
}

/** Cancels a timer by key; returns whether one existed. */
export async function cancelTimer(tx: Tx, workspaceId: string, key: string): Promise<boolean> {
  noteChanged(tx, [key]);
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
