/**
 * The worker loop: claims due timers and pending messages under a heartbeated lease, fires each timer in
 * one workspace transaction, and sends each message outside any transaction, then records the result.
 *
 * Guarantees (see ../../../shared/RELIABILITY.md):
 * - a timer's handler effects and the timer's removal commit together, so a fired timer never fires again;
 * - a worker killed mid-batch holds its rows only until the lease lapses (OPSBOOK_LEASE_SECONDS);
 * - a message is sent at least once; a crash between send and record may repeat it, with the same id.
 *
 * Wakes on NOTIFY `opsbook_wake` (written by triggers when work is added), else polls.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { retryDelayMs } from '../core/backoff.js';
import type { Database, Tx } from '../store/database.js';
import { outbox, timers } from '../store/schema.js';
import type { Clock } from './clock.js';
import { sqlInstant, sqlNow } from './sql-time.js';
import type { Log } from './log.js';
import { silentLog } from './log.js';
import type { OutboxMessage } from './outbox.js';
import { claimDueMessages } from './outbox.js';
import type { ClaimedTimer } from './timers.js';
import { claimDueTimers } from './timers.js';

/** Fires one timer inside its workspace's transaction; may schedule timers and record messages in `tx`. */
export type TimerHandler = (tx: Tx, timer: ClaimedTimer) => Promise<void>;

export type SendResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly error: string;
      readonly retryable: boolean;
      readonly retryAfterMs?: number;
    };

/** Delivers messages of one channel. Must not throw for expected failures; return them. */
export interface Sender {
  send(message: OutboxMessage, signal: AbortSignal): Promise<SendResult>;
}

export type WorkerEvent =
  | { type: 'timer.fired'; kind: string }
  | { type: 'timer.failed'; kind: string }
  | { type: 'timer.lost'; kind: string }
  | { type: 'message.sent'; channel: string }
  | { type: 'message.retry'; channel: string }
  | { type: 'message.dead'; channel: string }
  | { type: 'loop.error' };

export interface WorkerOptions {
  readonly database: Database;
  readonly workerId: string;
  readonly clock: Clock;
  readonly leaseSeconds: number;
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly timerHandlers?: Readonly<Record<string, TimerHandler>>;
  readonly senders?: Readonly<Record<string, Sender>>;
  /** After this many failed sends a message is marked dead. */
  readonly maxSendAttempts?: number;
  readonly sendTimeoutMs?: number;
  readonly random?: () => number;
  readonly log?: Log;
  readonly observe?: (event: WorkerEvent) => void;
}

export interface RunOnceResult {
  readonly timers: number;
  readonly messages: number;
}

export class Worker {
  private readonly log: Log;
  private running = false;
  private stopping = false;
  private loopDone: Promise<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private wakeSleeper: (() => void) | undefined;
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
   * Claims and handles one batch of due timers and one of due messages. Each batch is claimed under its
   * own token: if the batch is cut short (shutdown, a database error), what is left of it is handed back,
   * or, when even that fails, no longer heartbeated, so its leases lapse and any worker retries it.
   */
  async runOnce(): Promise<RunOnceResult> {
    const { database, batchSize, leaseSeconds, clock } = this.options;
    const token = `${this.options.workerId}:${++this.batchCount}`;
    this.batchToken = token;
    let unfinished = 0;
    let firedTimers = 0;
    let sent = 0;
    try {
      const dueTimers = await claimDueTimers(database, token, batchSize, leaseSeconds, clock.now());
      unfinished = dueTimers.length;
      for (const timer of dueTimers) {
        if (this.stopping) break;
        await this.fireTimer(timer, token);
        unfinished--;
        firedTimers++;
      }
      if (this.stopping) return { timers: firedTimers, messages: 0 };
      const dueMessages = await claimDueMessages(database, token, batchSize, leaseSeconds, clock.now());
      unfinished = dueMessages.length;
      for (const message of dueMessages) {
        if (this.stopping) break;
        await this.deliver(message, token);
        unfinished--;
        sent++;
      }
      return { timers: firedTimers, messages: sent };
    } finally {
      this.batchToken = null;
      if (unfinished > 0) await this.release(token);
    }
  }

  private async fireTimer(timer: ClaimedTimer, token: string): Promise<void> {
    const { database } = this.options;
    const handler = this.options.timerHandlers?.[timer.kind];
    // Rescheduling clears locked_by and a lapsed lease hands the row to another batch: either way not ours.
    const held = and(
      eq(timers.workspaceId, timer.workspaceId),
      eq(timers.key, timer.key),
      eq(timers.lockedBy, token),
    );
    try {
      const outcome = await database.inWorkspace(timer.workspaceId, async (tx) => {
        // Take the row out first (this also locks it): a handler may schedule the same key afresh, and a
        // failing handler rolls the removal back.
        const taken = await tx.delete(timers).where(held).returning({ key: timers.key });
        if (taken.length === 0) return 'lost' as const;
        if (!handler) throw new Error(`no handler is registered for timer kind "${timer.kind}"`);
        await handler(tx, timer);
        return 'fired' as const;
      });
      this.options.observe?.({ type: outcome === 'fired' ? 'timer.fired' : 'timer.lost', kind: timer.kind });
    } catch (err) {
      this.options.observe?.({ type: 'timer.failed', kind: timer.kind });
      this.log.error(
        { err, key: timer.key, kind: timer.kind, workspaceId: timer.workspaceId },
        'timer handler failed',
      );
      await this.retryTimer(timer, token, err as Error);
    }
  }

  private async retryTimer(timer: ClaimedTimer, token: string, err: Error): Promise<void> {
    const { database, clock } = this.options;
    const delayMs = retryDelayMs(timer.attempts, this.random());
    await database.inWorkspace(timer.workspaceId, (tx) =>
      tx
        .update(timers)
        .set({
          runAt: sql`${sqlNow(clock.now())} + make_interval(secs => ${delayMs / 1000})`,
          lockedBy: null,
          lockedUntil: null,
          lastError: String(err.message).slice(0, 2000),
        })
        .where(
          and(
            eq(timers.workspaceId, timer.workspaceId),
            eq(timers.key, timer.key),
            eq(timers.lockedBy, token),
          ),
        ),
    );
  }

  private async deliver(message: OutboxMessage, token: string): Promise<void> {
    const result = await this.send(message);
    const now = this.options.clock.now();
    const maxAttempts = this.options.maxSendAttempts ?? 20;
    let event: WorkerEvent['type'];
    let fields: PgUpdateSetSource<typeof outbox>;
    if (result.ok) {
      event = 'message.sent';
      fields = { status: 'sent', sentAt: sqlNow(now), lastError: null };
    } else if (result.retryable && message.attempts < maxAttempts) {
      const delayMs = result.retryAfterMs ?? retryDelayMs(message.attempts, this.random());
      event = 'message.retry';
      fields = {
        nextAttemptAt: sql`${sqlNow(now)} + make_interval(secs => ${delayMs / 1000})`,
        lastError: result.error.slice(0, 2000),
      };
    } else {
      event = 'message.dead';
      fields = { status: 'dead', lastError: result.error.slice(0, 2000) };
    }
    await this.options.database.inWorkspace(message.workspaceId, (tx) =>
      tx
        .update(outbox)
        .set({ ...fields, lockedBy: null, lockedUntil: null })
        .where(and(eq(outbox.id, message.id), eq(outbox.lockedBy, token))),
    );
    this.options.observe?.({ type: event, channel: message.channel });
  }

  private async send(message: OutboxMessage): Promise<SendResult> {
    const sender = this.options.senders?.[message.channel];
    // Retryable: during a rolling upgrade an older worker may not know a channel a newer one added.
    if (!sender)
      return {
        ok: false,
        retryable: true,
        error: `no sender is configured for channel "${message.channel}"`,
      };
    const signal = AbortSignal.timeout(this.options.sendTimeoutMs ?? 30_000);
    try {
      return await sender.send(message, signal);
    } catch (err) {
      return { ok: false, retryable: true, error: `sender threw: ${(err as Error).message}` };
    }
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

  /** Starts the loop: work while there is work, then sleep until NOTIFY or the poll interval. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    const beatMs = Math.max(1000, (this.options.leaseSeconds * 1000) / 3);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), beatMs);
    this.heartbeatTimer.unref();
    try {
      this.unlisten = await this.options.database.listen('opsbook_wake', () => this.wake());
    } catch (err) {
      this.log.warn({ err }, 'cannot LISTEN for work; polling only');
    }
    this.loopDone = this.loop();
  }

  private wake(): void {
    this.wakeSleeper?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let handled = 0;
      try {
        const result = await this.runOnce();
        handled = result.timers + result.messages;
        this.consecutiveFailures = 0;
      } catch (err) {
        // The database is down or refused: back off, never crash the process.
        this.consecutiveFailures++;
        this.options.observe?.({ type: 'loop.error' });
        this.log.error({ err, workerId: this.id }, 'worker loop failed; backing off');
      }
      if (this.stopping) break;
      if (handled > 0 && this.consecutiveFailures === 0) continue;
      const idleMs =
        this.consecutiveFailures > 0
          ? Math.min(30_000, this.options.pollIntervalMs * 2 ** Math.min(this.consecutiveFailures, 10))
          : this.options.pollIntervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idleMs);
        this.wakeSleeper = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeSleeper = undefined;
    }
  }

  /** Stops claiming, finishes the item in hand, and hands back every lease so others take over at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.loopDone;
    await this.unlisten?.().catch(() => undefined);
    await this.release(this.options.workerId);
    this.running = false;
  }
}
