/**
 * The worker loop: claims due timers under a heartbeated lease and fires the timers of a claimed batch a
 * workspace chunk at a time, one transaction per chunk. Messages are sent by the dispatcher
 * (dispatcher.ts), one lane per channel.
 *
 * Guarantees (see ../../../shared/RELIABILITY.md):
 * - a timer's handler effects and the timer's removal commit together, so a fired timer never fires again;
 * - a timer fires only when due by the worker's clock, checked when claimed and again when fired (a clock
 *   stepped back between the two hands the timer back instead);
 * - a timer moved, cancelled or re-claimed by someone else after our claim does not fire;
 * - a failing handler undoes only its own work (savepoint) and its timer is retried with back-off;
 * - a worker killed mid-batch holds its rows only until the lease lapses (OPSBOOK_LEASE_SECONDS).
 *
 * Firing a chunk: one DELETE takes every still-held, still-due row of the chunk, then the handlers run in
 * order in the same transaction, without savepoints. If one throws, the chunk is rolled back and run again
 * with a SAVEPOINT per timer, skipping the failed one, which is put back with its back-off. So a healthy
 * chunk costs one statement plus its handlers' own, and a failing timer never holds up the others. Chunks
 * hold at most `timersPerTransaction` (default 50) timers: PostgreSQL tracks up to 64 subtransactions per
 * transaction in shared memory, and more slow down every other session's snapshots.
 *
 * Idle: sleeps until the earliest timer or message becomes claimable (opsbook_next_wake_ms, by the
 * worker's clock), at most `pollIntervalMs`; NOTIFY `opsbook_wake` (triggers on timers and outbox; on
 * PGlite delivered in-process) and a wall-clock step of 1 s or more wake it early.
 *
 * Changes (engine issue): handlers receive a third argument, `{ now }`, the instant they fire at; options
 * `timersPerTransaction`, `concurrency`, `maxErrorBackoffMs` and `systemTime` were added; `pollIntervalMs`
 * is now the longest idle sleep rather than a fixed poll. Issue 6 moved sending to the dispatcher, whose
 * lanes a slow channel cannot hold up (`senders` and the message options are gone).
 */
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { retryDelayMs } from '../core/backoff.js';
import type { Database, Tx } from '../store/database.js';
import { rowsOf } from '../store/database.js';
import { timers } from '../store/schema.js';
import type { Clock, SystemTime } from './clock.js';
import { systemTime, watchClockSteps } from './clock.js';
import { sqlInstant, sqlNow } from './sql-time.js';
import type { Log } from './log.js';
import { silentLog } from './log.js';
import type { ClaimedTimer } from './timers.js';
import { claimDueTimers, watchTimerChanges } from './timers.js';

export interface FireContext {
  /** The instant the timer fires at by the worker's clock (null: the database's clock). */
  readonly now: Date | null;
}

/**
 * Fires one timer inside its workspace's transaction; may schedule timers and record effects and messages
 * in `tx`. It may run more than once in transactions that roll back, so it must not act outside `tx`.
 * The worker always passes `context` (optional only so handlers can call one another).
 */
export type TimerHandler = (tx: Tx, timer: ClaimedTimer, context?: FireContext) => Promise<void>;
export type WorkerEvent =
  | { type: 'timer.fired'; kind: string }
  | { type: 'timer.failed'; kind: string }
  | { type: 'timer.lost'; kind: string }
  | { type: 'loop.error' };

export interface WorkerOptions {
  readonly database: Database;
  readonly workerId: string;
  readonly clock: Clock;
  readonly leaseSeconds: number;
  /** The longest an idle worker sleeps before looking again (a NOTIFY or a due instant may end it sooner). */
  readonly pollIntervalMs: number;
  /** Most timers claimed at once. */
  readonly batchSize: number;
  /** Most timers fired in one transaction (default 50; at most 60, see the file comment). */
  readonly timersPerTransaction?: number;
  /** Transactions fired at once from one batch (default 1; PGlite runs them one after another anyway). */
  readonly concurrency?: number;
  /** The longest back-off after the database failed (default 5 s), so a restarted server is used soon. */
  readonly maxErrorBackoffMs?: number;
  readonly timerHandlers?: Readonly<Record<string, TimerHandler>>;
  readonly random?: () => number;
  /** The OS clocks, to notice a stepped wall clock (default: the process's). */
  readonly systemTime?: SystemTime;
  readonly log?: Log;
  readonly observe?: (event: WorkerEvent) => void;
}

export interface RunOnceResult {
  /** Timers handled: fired, failed (and put back for a retry), or found moved, cancelled or taken over. */
  readonly timers: number;
}

/** A handler threw while its chunk ran without savepoints: the chunk is rolled back and run again. */
class HandlerFailed extends Error {
  constructor(
    readonly timer: ClaimedTimer,
    readonly error: Error,
  ) {
    super(error.message);
  }
}

interface ChunkTally {
  /** Kinds of the timers fired, and of those found moved, cancelled or taken over. */
  readonly fired: string[];
  readonly lost: string[];
  failed: number;
}

/** A timer taken out in a firing transaction and put back in it, unfired. */
interface PutBack {
  readonly timer: ClaimedTimer;
  readonly delayMs: number;
  readonly attempts: number;
  readonly lastError: string | null;
}

const MAX_TIMERS_PER_TRANSACTION = 60;

/** Splits a claimed batch into per-workspace chunks of at most `size`, in claim order. */
function chunkByWorkspace(claimed: readonly ClaimedTimer[], size: number): ClaimedTimer[][] {
  const byWorkspace = new Map<string, ClaimedTimer[]>();
  for (const timer of claimed) {
    const list = byWorkspace.get(timer.workspaceId) ?? [];
    list.push(timer);
    byWorkspace.set(timer.workspaceId, list);
  }
  const chunks: ClaimedTimer[][] = [];
  for (const list of byWorkspace.values()) {
    for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size));
  }
  return chunks;
}

export class Worker {
  private readonly log: Log;
  private running = false;
  private stopping = false;
  private loopDone: Promise<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private clockWatch: { stop(): void } | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private wakeSleeper: (() => void) | undefined;
  /** A wake-up that came while the loop was not sleeping: the next sleep is skipped. */
  private wakePending = false;
  private consecutiveFailures = 0;
  private batchCount = 0;
  /** The lock token of the batch in hand (`<workerId>:<n>`); only its rows are heartbeated. */
  private batchToken: string | null = null;

  constructor(private readonly options: WorkerOptions) {
    this.log = options.log ?? silentLog;
  }

  get id(): string {
    return this.options.workerId;
  }

  /**
   * Claims and handles one batch of due timers. Each batch is claimed under its
   * own token: if the batch is cut short (shutdown, a database error), what is left of it is handed back,
   * or, when even that fails, no longer heartbeated, so its leases lapse and any worker retries it.
   */
  async runOnce(): Promise<RunOnceResult> {
    const { database, batchSize, leaseSeconds, clock } = this.options;
    const token = `${this.options.workerId}:${++this.batchCount}`;
    this.batchToken = token;
    let unfinished = 0;
    try {
      const dueTimers = await claimDueTimers(database, token, batchSize, leaseSeconds, clock.now());
      unfinished = dueTimers.length;
      const handledTimers = await this.fireTimers(dueTimers, token);
      unfinished -= handledTimers;
      return { timers: handledTimers };
    } finally {
      this.batchToken = null;
      if (unfinished > 0) await this.release(token);
    }
  }

  /** Fires a claimed batch chunk by chunk (`concurrency` at once); returns how many timers it handled. */
  private async fireTimers(claimed: readonly ClaimedTimer[], token: string): Promise<number> {
    const size = Math.min(this.options.timersPerTransaction ?? 50, MAX_TIMERS_PER_TRANSACTION);
    const chunks = chunkByWorkspace(claimed, Math.max(1, size));
    let next = 0;
    let handled = 0;
    const lane = async () => {
      while (!this.stopping && next < chunks.length) {
        const tally = await this.fireChunk(chunks[next++]!, token);
        handled += tally.fired.length + tally.lost.length + tally.failed;
      }
    };
    const lanes = Math.max(1, Math.min(this.options.concurrency ?? 1, chunks.length));
    const results = await Promise.allSettled(Array.from({ length: lanes }, lane));
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    return handled;
  }

  /** Fires one workspace chunk in one transaction: optimistically, then with savepoints if one fails. */
  private async fireChunk(chunk: readonly ClaimedTimer[], token: string): Promise<ChunkTally> {
    const workspaceId = chunk[0]!.workspaceId;
    const now = this.options.clock.now();
    const failures = new Map<string, Error>();
    const run = (savepoints: boolean) =>
      this.options.database.inWorkspace(workspaceId, (tx) =>
        this.runChunk(tx, chunk, token, now, failures, savepoints),
      );
    let tally: ChunkTally;
    try {
      tally = await run(false);
    } catch (err) {
      if (!(err instanceof HandlerFailed)) throw err;
      failures.set(err.timer.key, err.error);
      this.reportFailure(err.timer, err.error);
      tally = await run(true);
    }
    for (const kind of tally.fired) this.options.observe?.({ type: 'timer.fired', kind });
    for (const kind of tally.lost) this.options.observe?.({ type: 'timer.lost', kind });
    return tally;
  }

  private reportFailure(timer: ClaimedTimer, err: Error): void {
    this.options.observe?.({ type: 'timer.failed', kind: timer.kind });
    this.log.error(
      { err, key: timer.key, kind: timer.kind, workspaceId: timer.workspaceId },
      'timer handler failed',
    );
  }

  private async runChunk(
    tx: Tx,
    chunk: readonly ClaimedTimer[],
    token: string,
    now: Date | null,
    failures: Map<string, Error>,
    savepoints: boolean,
  ): Promise<ChunkTally> {
    const workspaceId = chunk[0]!.workspaceId;
    // Take the chunk's rows out first (this also locks them): only rows still held under our token (not
    // moved, not taken over after a lapsed lease) and still due (the clock may have been stepped back).
    const taken = await tx
      .delete(timers)
      .where(
        and(
          eq(timers.workspaceId, workspaceId),
          inArray(
            timers.key,
            chunk.map((t) => t.key),
          ),
          eq(timers.lockedBy, token),
          lte(timers.runAt, sqlNow(now)),
        ),
      )
      .returning({ key: timers.key });
    const held = new Set(taken.map((r) => r.key));
    const changed = new Set<string>(); // keys an earlier handler of this chunk scheduled or cancelled
    const putBack: PutBack[] = [];
    const tally: ChunkTally = { fired: [], lost: [], failed: 0 };
    for (const timer of chunk) {
      if (!held.has(timer.key)) {
        if (now === null || timer.runAt <= now) tally.lost.push(timer.kind); // else not due: handed back
        continue;
      }
      const failure = failures.get(timer.key);
      if (failure) {
        tally.failed++;
        putBack.push(this.retryOf(timer, failure));
        continue;
      }
      if (changed.has(timer.key)) {
        tally.lost.push(timer.kind);
        continue;
      }
      if (this.stopping) {
        putBack.push({ timer, delayMs: 0, attempts: Math.max(timer.attempts - 1, 0), lastError: null });
        continue;
      }
      const error = await this.fireOne(tx, timer, now, changed, savepoints);
      if (error) {
        failures.set(timer.key, error);
        this.reportFailure(timer, error);
        tally.failed++;
        putBack.push(this.retryOf(timer, error));
      } else {
        tally.fired.push(timer.kind);
      }
    }
    await this.putBack(tx, putBack, now);
    return tally;
  }

  /** Runs one handler; returns its error when it failed under a savepoint (which it then undid). */
  private async fireOne(
    tx: Tx,
    timer: ClaimedTimer,
    now: Date | null,
    changed: Set<string>,
    savepoint: boolean,
  ): Promise<Error | null> {
    const handler = this.options.timerHandlers?.[timer.kind];
    const mine = new Set<string>();
    if (savepoint) await tx.execute(sql`savepoint opsbook_timer`);
    const watch = watchTimerChanges(tx, mine);
    try {
      if (!handler) throw new Error(`no handler is registered for timer kind "${timer.kind}"`);
      await handler(tx, timer, { now });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (!savepoint) throw new HandlerFailed(timer, error);
      await tx.execute(sql`rollback to savepoint opsbook_timer`);
      await tx.execute(sql`release savepoint opsbook_timer`);
      return error;
    } finally {
      watch.stop();
    }
    if (savepoint) await tx.execute(sql`release savepoint opsbook_timer`);
    for (const key of mine) changed.add(key);
    return null;
  }

  private retryOf(timer: ClaimedTimer, err: Error): PutBack {
    const delayMs = retryDelayMs(timer.attempts, this.random());
    // Drizzle wraps a driver error ("Failed query: …"); its cause says what went wrong.
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { timer, delayMs, attempts: timer.attempts, lastError: `${err.message}${cause}`.slice(0, 2000) };
  }

  /**
   * Puts timers taken out by this transaction back, unlocked: failed ones after their back-off, ones
   * left when stopping as they were. A key a handler of the chunk scheduled meanwhile keeps its new row.
   */
  private async putBack(tx: Tx, rows: readonly PutBack[], now: Date | null): Promise<void> {
    if (rows.length === 0) return;
    await tx
      .insert(timers)
      .values(
        rows.map(({ timer, delayMs, attempts, lastError }) => ({
          workspaceId: timer.workspaceId,
          key: timer.key,
          kind: timer.kind,
          subject: timer.subject,
          runAt: delayMs > 0 ? sql`${sqlNow(now)} + make_interval(secs => ${delayMs / 1000})` : timer.runAt,
          payload: timer.payload,
          attempts,
          lastError,
        })),
      )
      .onConflictDoNothing();
  }

  /** Hands back the rows of a batch token, or of every batch when given the worker id. Never throws. */
  private async release(lockToken: string): Promise<void> {
    try {
      await this.options.database.db.execute(sql`select opsbook_release_leases(${lockToken})`);
    } catch (err) {
      this.log.warn({ err, lockToken }, 'could not hand back leases; they lapse on their own');
    }
  }

  private random(): number {
    return (this.options.random ?? Math.random)();
  }

  /** Pushes the lease of the batch in hand. Never throws: a failed beat is retried next time. */
  async heartbeat(): Promise<void> {
    const { database, leaseSeconds, clock } = this.options;
    const token = this.batchToken;
    if (!token) return;
    try {
      await database.db.execute(
        sql`select opsbook_extend_leases(${token}, ${leaseSeconds}, ${sqlInstant(clock.now())})`,
      );
    } catch (err) {
      this.log.warn({ err, token }, 'lease heartbeat failed');
    }
  }

  /** Starts the loop: work while there is work, then sleep until something is due, a NOTIFY or a step. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    const beatMs = Math.max(1000, (this.options.leaseSeconds * 1000) / 3);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), beatMs);
    this.heartbeatTimer.unref();
    this.clockWatch = watchClockSteps(this.options.clock, this.options.systemTime ?? systemTime, (stepMs) => {
      this.log.warn({ stepMs, workerId: this.id }, 'the clock was stepped; looking for due work now');
      this.wake();
    });
    try {
      // Outbox wake-ups (`outbox:<channel>`) are the dispatcher's.
      this.unlisten = await this.options.database.listen('opsbook_wake', (payload) => {
        if (!payload.startsWith('outbox:')) this.wake();
      });
    } catch (err) {
      this.log.warn({ err }, 'cannot LISTEN for work; waking on due instants only');
    }
    this.loopDone = this.loop();
  }

  private wake(): void {
    if (this.wakeSleeper) this.wakeSleeper();
    else this.wakePending = true;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.wakePending = false; // what it announced is looked for now
      let handled = 0;
      let idleMs = this.options.pollIntervalMs;
      try {
        const result = await this.runOnce();
        handled = result.timers;
        if (handled === 0 && !this.stopping) idleMs = await this.nextWakeMs();
        this.consecutiveFailures = 0;
      } catch (err) {
        // The database is down or refused: back off, never crash the process.
        this.consecutiveFailures++;
        this.options.observe?.({ type: 'loop.error' });
        this.log.error({ err, workerId: this.id }, 'worker loop failed; backing off');
        const capMs = this.options.maxErrorBackoffMs ?? 5000;
        const backoffMs = Math.min(capMs, 100 * 2 ** Math.min(this.consecutiveFailures, 10));
        idleMs = backoffMs * (0.75 + this.random() / 2);
      }
      if (this.stopping) break;
      if (handled > 0) continue;
      await this.sleep(idleMs);
    }
  }

  /** Milliseconds until the earliest timer or message can be claimed, at most pollIntervalMs. */
  private async nextWakeMs(): Promise<number> {
    const { database, clock, pollIntervalMs } = this.options;
    const rows = rowsOf<{ ms: number | string }>(
      await database.db.execute(
        sql`select opsbook_next_wake_ms(${sqlInstant(clock.now())}, ${Math.round(pollIntervalMs)}) as ms`,
      ),
    );
    return Math.min(pollIntervalMs, Math.max(0, Number(rows[0]?.ms ?? pollIntervalMs)));
  }

  private async sleep(ms: number): Promise<void> {
    if (this.wakePending || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSleeper = undefined;
  }

  /** Stops claiming, finishes the timer in hand, and hands back every lease so others take over at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.clockWatch?.stop();
    await this.loopDone;
    await this.unlisten?.().catch(() => undefined);
    await this.release(this.options.workerId);
    this.running = false;
  }
}
