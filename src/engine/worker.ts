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
import { retryDelayMs } from '../core/backoff.js';
import type { Database, Tx } from '../store/database.js';
import { outbox, timers } from '../store/schema.js';
import type { Clock } from './clock.js';
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

const SQL_NOW = (now: Date | null) =>
  sql`coalesce(${now ? now.toISOString() : null}::timestamptz, clock_timestamp())`;

export class Worker {
  private readonly log: Log;
  private running = false;
  private stopping = false;
  private loopDone: Promise<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private wakeSleeper: (() => void) | undefined;
  private consecutiveFailures = 0;

  constructor(private readonly options: WorkerOptions) {
    this.log = options.log ?? silentLog;
  }

  get id(): string {
    return this.options.workerId;
  }

  /** Claims and handles one batch of due timers and one of due messages. */
  async runOnce(): Promise<RunOnceResult> {
    const { database, workerId, batchSize, leaseSeconds, clock } = this.options;
    const dueTimers = await claimDueTimers(database, workerId, batchSize, leaseSeconds, clock.now());
    let firedTimers = 0;
    for (const timer of dueTimers) {
      if (this.stopping) break;
      await this.fireTimer(timer);
      firedTimers++;
    }
    if (this.stopping) return { timers: firedTimers, messages: 0 };
    const dueMessages = await claimDueMessages(database, workerId, batchSize, leaseSeconds, clock.now());
    let sent = 0;
    for (const message of dueMessages) {
      if (this.stopping) break;
      await this.deliver(message);
      sent++;
    }
    return { timers: firedTimers, messages: sent };
  }

  private async fireTimer(timer: ClaimedTimer): Promise<void> {
    const { database, workerId } = this.options;
    const handler = this.options.timerHandlers?.[timer.kind];
    const held = and(
      eq(timers.workspaceId, timer.workspaceId),
      eq(timers.key, timer.key),
      // Rescheduling clears locked_by and a lapsed lease hands it to another worker: either way not ours.
      eq(timers.lockedBy, workerId),
    );
    try {
      const outcome = await database.inWorkspace(timer.workspaceId, async (tx) => {
        // Lock the row for the whole handler; if it was rescheduled or re-leased since the claim, skip.
        const rows = await tx.select({ key: timers.key }).from(timers).where(held).for('update');
        if (rows.length === 0) return 'lost' as const;
        if (!handler) throw new Error(`no handler is registered for timer kind "${timer.kind}"`);
        await handler(tx, timer);
        // A handler that rescheduled this key cleared locked_by, so this deletes only a finished timer.
        await tx.delete(timers).where(held);
        return 'fired' as const;
      });
      this.options.observe?.({ type: outcome === 'fired' ? 'timer.fired' : 'timer.lost', kind: timer.kind });
    } catch (err) {
      this.options.observe?.({ type: 'timer.failed', kind: timer.kind });
      this.log.error(
        { err, key: timer.key, kind: timer.kind, workspaceId: timer.workspaceId },
        'timer handler failed',
      );
      await this.retryTimer(timer, err as Error);
    }
  }

  private async retryTimer(timer: ClaimedTimer, err: Error): Promise<void> {
    const { database, workerId, clock } = this.options;
    const delayMs = retryDelayMs(timer.attempts, this.random());
    await database.inWorkspace(timer.workspaceId, (tx) =>
      tx
        .update(timers)
        .set({
          runAt: sql`${SQL_NOW(clock.now())} + make_interval(secs => ${delayMs / 1000})`,
          lockedBy: null,
          lockedUntil: null,
          lastError: String(err.message).slice(0, 2000),
        })
        .where(
          and(
            eq(timers.workspaceId, timer.workspaceId),
            eq(timers.key, timer.key),
            eq(timers.lockedBy, workerId),
          ),
        ),
    );
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const { database, workerId, clock } = this.options;
    const result = await this.send(message);
    const maxAttempts = this.options.maxSendAttempts ?? 20;
    const mine = and(eq(outbox.id, message.id), eq(outbox.lockedBy, workerId));
    const now = clock.now();
    await database.inWorkspace(message.workspaceId, async (tx) => {
      if (result.ok) {
        await tx
          .update(outbox)
          .set({ status: 'sent', sentAt: SQL_NOW(now), lockedBy: null, lockedUntil: null, lastError: null })
          .where(mine);
        this.options.observe?.({ type: 'message.sent', channel: message.channel });
      } else if (result.retryable && message.attempts < maxAttempts) {
        const delayMs = result.retryAfterMs ?? retryDelayMs(message.attempts, this.random());
        await tx
          .update(outbox)
          .set({
            nextAttemptAt: sql`${SQL_NOW(now)} + make_interval(secs => ${delayMs / 1000})`,
            lockedBy: null,
            lockedUntil: null,
            lastError: result.error.slice(0, 2000),
          })
          .where(mine);
        this.options.observe?.({ type: 'message.retry', channel: message.channel });
      } else {
        await tx
          .update(outbox)
          .set({ status: 'dead', lockedBy: null, lockedUntil: null, lastError: result.error.slice(0, 2000) })
          .where(mine);
        this.options.observe?.({ type: 'message.dead', channel: message.channel });
      }
    });
  }

  private async send(message: OutboxMessage): Promise<SendResult> {
    const sender = this.options.senders?.[message.channel];
    if (!sender)
      return {
        ok: false,
        retryable: false,
        error: `no sender is configured for channel "${message.channel}"`,
      };
    const signal = AbortSignal.timeout(this.options.sendTimeoutMs ?? 30_000);
    try {
      return await sender.send(message, signal);
    } catch (err) {
      return { ok: false, retryable: true, error: `sender threw: ${(err as Error).message}` };
    }
  }

  private random(): number {
    return (this.options.random ?? Math.random)();
  }

  /** Pushes the lease of everything this worker holds. Never throws: a failed beat is retried next time. */
  async heartbeat(): Promise<void> {
    const { database, workerId, leaseSeconds, clock } = this.options;
    const now = clock.now();
    try {
      await database.db.execute(
        sql`select opsbook_extend_leases(${workerId}, ${leaseSeconds}, ${now ? now.toISOString() : null}::timestamptz)`,
      );
    } catch (err) {
      this.log.warn({ err, workerId }, 'lease heartbeat failed');
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
    try {
      await this.options.database.db.execute(sql`select opsbook_release_leases(${this.options.workerId})`);
    } catch (err) {
      this.log.warn({ err }, 'could not release leases; they lapse on their own');
    }
    this.running = false;
  }
}
