/**
 * The dispatcher: sends what the outbox recorded. Each channel has its own lane, with its own claim, batch,
 * concurrency, timeout and retry policy, so a slow or dead provider never delays another channel.
 *
 * A lane claims due rows of its channel under a heartbeated lease (as the timer worker does), runs them
 * `concurrency` at a time, each bounded by `timeoutMs`, and records the results of a batch together: one
 * UPDATE of the rows and one INSERT into the attempt log per workspace, so recording costs two statements
 * per batch, not per message.
 *
 * Guarantees (RELIABILITY.md): a message is sent at least once; a crash between sending and recording
 * repeats it once the lease lapses, with the same id (`msg_…`: the Message-ID, webhook-id and idempotency
 * token), so receivers can drop the repeat. A message is never *recorded* twice: the outbox's idempotency
 * key is unique.
 */
import { sql } from 'drizzle-orm';
import type { SendOutcome } from '../channels/types.js';
import type { Database } from '../store/database.js';
import { rowsOf } from '../store/database.js';
import { systemTime, type Clock } from './clock.js';
import type { Log } from './log.js';
import { silentLog } from './log.js';
import type { OutboxMessage } from './outbox.js';
import { sqlInstant } from './sql-time.js';
import type { Tx } from '../store/database.js';

/** What running one message came to: a send's outcome, or `recorded` when the lane wrote its own result. */
export type LaneResult = SendOutcome | { readonly recorded: true };

export interface RetryPolicy {
  /** Tries in all, the first included; then the message is dead. */
  readonly maxAttempts: number;
  /** The wait before try `attempt + 1`, with `random` in [0, 1) for jitter. */
  delayMs(attempt: number, random: number): number;
}

export interface Lane {
  /** The outbox channel it serves (`email`, `slack`, `notify`, …). */
  readonly channel: string;
  /** Messages in flight at once. */
  readonly concurrency: number;
  readonly batchSize: number;
  /** Every run is aborted after this long and counts as a retryable failure. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  run(message: OutboxMessage, signal: AbortSignal, lockToken: string): Promise<LaneResult>;
  /**
   * In the recording transaction, after a message was marked dead, or after its far end said it is gone
   * (`disable`): tell someone, disable the endpoint. Must only write in `tx`.
   */
  onGiveUp?(tx: Tx, message: OutboxMessage, outcome: SendOutcome & { ok: false }): Promise<void>;
}

export type DispatchEvent = { type: 'message.sent' | 'message.retry' | 'message.dead'; channel: string };

export interface DispatcherOptions {
  readonly database: Database;
  readonly workerId: string;
  readonly clock: Clock;
  readonly leaseSeconds: number;
  /** The longest an idle lane sleeps before looking again. */
  readonly pollIntervalMs: number;
  readonly lanes: readonly Lane[];
  readonly random?: () => number;
  readonly log?: Log;
  readonly observe?: (event: DispatchEvent) => void;
}

interface Recorded {
  readonly message: OutboxMessage;
  readonly result: LaneResult;
  /** When the try started by the dispatcher's clock; null: the database's clock (recorded as now). */
  readonly startedAt: Date | null;
  readonly durationMs: number;
}

interface RowUpdate {
  id: string;
  status: 'pending' | 'sent' | 'dead';
  delay_ms: number | null;
  error: string | null;
  provider_id: string | null;
}

const MAX_RETRY_AFTER_MS = 6 * 3_600_000;

export class Dispatcher {
  private readonly log: Log;
  private stopping = false;
  private running = false;
  private loops: Promise<void>[] = [];
  /** The wake-up of each sleeping lane, by channel. */
  private readonly sleepers = new Map<string, () => void>();
  private readonly wakeFlags = new Map<string, boolean>();
  private readonly tokens = new Set<string>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private batchCount = 0;

  constructor(private readonly options: DispatcherOptions) {
    this.log = options.log ?? silentLog;
  }

  /** Claims and runs one batch of one lane; returns how many messages it handled. */
  async runLaneOnce(lane: Lane): Promise<number> {
    const { database, leaseSeconds, clock } = this.options;
    const token = `${this.options.workerId}:${lane.channel}:${++this.batchCount}`;
    this.tokens.add(token);
    try {
      const claimed = rowsOf<ClaimedRow>(
        await database.db.execute(
          sql`select * from opsbook_claim_channel(${token}, ${lane.channel}, ${lane.batchSize}, ${leaseSeconds}, ${sqlInstant(clock.now())})`,
        ),
      ).map(toMessage);
      if (claimed.length === 0) return 0;
      const done = await this.runAll(lane, claimed, token);
      await this.record(lane, done, token);
      return claimed.length;
    } finally {
      // A batch cut short (the database failed while recording) is not handed back: its messages may have
      // been sent, so they wait for their lease to lapse and are tried again with their attempt counted
      // (a hand-back would uncount it, and a failure that repeats would resend them without end).
      this.tokens.delete(token);
    }
  }

  /** Runs every lane once; for tests and the simulator. */
  async runOnce(): Promise<number> {
    let handled = 0;
    for (const lane of this.options.lanes) handled += await this.runLaneOnce(lane);
    return handled;
  }

  private async runAll(lane: Lane, messages: readonly OutboxMessage[], token: string): Promise<Recorded[]> {
    const done: Recorded[] = [];
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const message = messages[next++]!;
        const started = systemTime.monotonicMs();
        const startedAt = this.options.clock.now();
        const result = await this.runOne(lane, message, token);
        done.push({ message, result, startedAt, durationMs: Math.round(systemTime.monotonicMs() - started) });
      }
    };
    const width = Math.max(1, Math.min(lane.concurrency, messages.length));
    await Promise.all(Array.from({ length: width }, worker));
    return done;
  }

  private async runOne(lane: Lane, message: OutboxMessage, token: string): Promise<LaneResult> {
    const signal = AbortSignal.timeout(lane.timeoutMs);
    try {
      const result = await Promise.race([
        lane.run(message, signal, token),
        new Promise<LaneResult>((resolve) =>
          signal.addEventListener('abort', () =>
            resolve({ ok: false, retryable: true, error: `gave up after ${lane.timeoutMs} ms` }),
          ),
        ),
      ]);
      return result;
    } catch (err) {
      this.log.error({ err, messageId: message.id, channel: lane.channel }, 'a channel lane threw');
      return {
        ok: false,
        retryable: true,
        error: `the ${lane.channel} channel failed: ${(err as Error).message}`,
      };
    }
  }

  /** Records a batch's results: per workspace, one UPDATE of the rows and one INSERT of attempts. */
  private async record(lane: Lane, done: readonly Recorded[], token: string): Promise<void> {
    const byWorkspace = new Map<string, Recorded[]>();
    for (const item of done) {
      if ('recorded' in item.result) {
        this.options.observe?.({ type: 'message.sent', channel: lane.channel });
        continue;
      }
      const list = byWorkspace.get(item.message.workspaceId) ?? [];
      list.push(item);
      byWorkspace.set(item.message.workspaceId, list);
    }
    const now = this.options.clock.now();
    for (const [workspaceId, all] of byWorkspace) {
      const allUpdates = all.map((item) => this.updateOf(lane, item));
      const kept = await this.options.database.inWorkspace(workspaceId, async (tx) => {
        // Only rows still held under this batch's token are ours to record: one whose lease lapsed and
        // that another dispatcher took is its business now (no attempt row, no give-up action here).
        const held = new Set(
          rowsOf<{ id: string }>(
            await tx.execute(sql`
          update outbox o set
            status = r.status,
            sent_at = case when r.status = 'sent' then coalesce(${sqlInstant(now)}, statement_timestamp()) else o.sent_at end,
            next_attempt_at = case when r.delay_ms is null then o.next_attempt_at
              else coalesce(${sqlInstant(now)}, statement_timestamp()) + r.delay_ms * interval '1 millisecond' end,
            last_error = r.error,
            provider_id = coalesce(r.provider_id, o.provider_id),
            locked_by = null, locked_until = null
          from jsonb_to_recordset(${JSON.stringify(allUpdates)}::jsonb)
            as r(id text, status text, delay_ms double precision, error text, provider_id text)
          where o.id = r.id and o.locked_by = ${token}
          returning o.id`),
          ).map((r) => r.id),
        );
        const items = all.filter((item) => held.has(item.message.id));
        const updates = allUpdates.filter((u) => held.has(u.id));
        if (items.length === 0) return updates;
        const attempts = items.map((item, i) => ({
          message_id: item.message.id,
          attempt: item.message.attempts,
          at: item.startedAt?.toISOString() ?? null,
          duration_ms: item.durationMs,
          outcome: updates[i]!.status === 'pending' ? 'retry' : updates[i]!.status,
          code: 'code' in item.result ? (item.result.code ?? null) : null,
          provider_id: updates[i]!.provider_id,
          error: updates[i]!.error,
        }));
        await tx.execute(sql`
          insert into delivery_attempts (workspace_id, message_id, attempt, channel, at, duration_ms, outcome, code, provider_id, error)
          select ${workspaceId}, a.message_id, a.attempt, ${lane.channel},
            coalesce(a.at, statement_timestamp() - a.duration_ms * interval '1 millisecond'), a.duration_ms, a.outcome, a.code, a.provider_id, a.error
          from jsonb_to_recordset(${JSON.stringify(attempts)}::jsonb)
            as a(message_id text, attempt integer, at timestamptz, duration_ms integer, outcome text, code integer, provider_id text, error text)`);
        for (const [i, item] of items.entries()) {
          const result = item.result as SendOutcome;
          if (!result.ok && (updates[i]!.status === 'dead' || result.disable))
            await this.giveUp(tx, lane, item.message, result);
        }
        return updates;
      });
      const updates = kept;
      for (const update of updates) {
        const type =
          update.status === 'sent'
            ? 'message.sent'
            : update.status === 'dead'
              ? 'message.dead'
              : 'message.retry';
        this.options.observe?.({ type, channel: lane.channel });
      }
    }
  }

  /**
   * Runs a lane's give-up action under a savepoint: if it fails, the batch's results still commit (the
   * messages were sent; failing the batch would send them all again) and the failure is logged.
   */
  private async giveUp(tx: Tx, lane: Lane, message: OutboxMessage, result: SendOutcome & { ok: false }) {
    if (!lane.onGiveUp) return;
    await tx.execute(sql`savepoint opsbook_give_up`);
    try {
      await lane.onGiveUp(tx, message, result);
      await tx.execute(sql`release savepoint opsbook_give_up`);
    } catch (err) {
      await tx.execute(sql`rollback to savepoint opsbook_give_up`);
      this.log.error(
        { err, messageId: message.id, channel: lane.channel },
        'telling about an undeliverable message failed',
      );
    }
  }

  private updateOf(lane: Lane, item: Recorded): RowUpdate {
    const result = item.result as SendOutcome;
    const id = item.message.id;
    if (result.ok)
      return { id, status: 'sent', delay_ms: null, error: null, provider_id: result.providerId ?? null };
    const error = result.error.slice(0, 2000);
    if (!result.retryable || item.message.attempts >= lane.retry.maxAttempts)
      return { id, status: 'dead', delay_ms: null, error, provider_id: null };
    const policyMs = lane.retry.delayMs(item.message.attempts, this.random());
    // The far end's Retry-After is honoured (never sooner), within reason.
    const delayMs =
      result.retryAfterMs !== undefined
        ? Math.min(Math.max(result.retryAfterMs, 0), MAX_RETRY_AFTER_MS)
        : policyMs;
    return { id, status: 'pending', delay_ms: delayMs, error, provider_id: null };
  }

  private random(): number {
    return (this.options.random ?? Math.random)();
  }

  /** Starts one loop per lane. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    const beatMs = Math.max(1000, (this.options.leaseSeconds * 1000) / 3);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), beatMs);
    this.heartbeatTimer.unref();
    try {
      // `outbox:<channel>` wakes that channel's lane; timers' wake-ups are the timer worker's.
      this.unlisten = await this.options.database.listen('opsbook_wake', (payload) => {
        if (payload.startsWith('outbox:')) this.wakeLane(payload.slice('outbox:'.length));
      });
    } catch (err) {
      this.log.warn({ err }, 'cannot LISTEN for messages; lanes poll');
    }
    for (const lane of this.options.lanes) this.wakeFlags.set(lane.channel, false);
    this.loops = this.options.lanes.map((lane) => this.loop(lane));
  }

  private wakeLane(channel: string): void {
    if (!this.wakeFlags.has(channel)) return;
    this.wakeFlags.set(channel, true);
    this.sleepers.get(channel)?.();
  }

  private async heartbeat(): Promise<void> {
    const { database, leaseSeconds, clock } = this.options;
    for (const token of this.tokens) {
      await database.db
        .execute(sql`select opsbook_extend_leases(${token}, ${leaseSeconds}, ${sqlInstant(clock.now())})`)
        .catch((err: unknown) => this.log.warn({ err, token }, 'lease heartbeat failed'));
    }
  }

  private async loop(lane: Lane): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      this.wakeFlags.set(lane.channel, false);
      let idleMs = this.options.pollIntervalMs;
      try {
        const handled = await this.runLaneOnce(lane);
        failures = 0;
        if (handled > 0) continue;
        idleMs = await this.wakeInMs(lane);
      } catch (err) {
        failures++;
        this.log.error({ err, channel: lane.channel }, 'dispatcher lane failed; backing off');
        idleMs = Math.min(5000, 100 * 2 ** Math.min(failures, 10)) * (0.75 + this.random() / 2);
      }
      if (this.stopping) break;
      if (this.wakeFlags.get(lane.channel)) continue;
      await this.sleep(lane.channel, idleMs);
    }
  }

  private async wakeInMs(lane: Lane): Promise<number> {
    const { database, clock, pollIntervalMs } = this.options;
    const rows = rowsOf<{ ms: number | string | null }>(
      await database.db.execute(
        sql`select opsbook_channel_wake_ms(${lane.channel}, ${sqlInstant(clock.now())}, ${Math.round(pollIntervalMs)}) as ms`,
      ),
    );
    return Math.min(pollIntervalMs, Math.max(0, Number(rows[0]?.ms ?? pollIntervalMs)));
  }

  private async sleep(channel: string, ms: number): Promise<void> {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(channel);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.set(channel, wake);
    });
  }

  /** Stops claiming, finishes the batches in hand, hands back every lease. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    for (const wake of [...this.sleepers.values()]) wake();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await Promise.all(this.loops);
    await this.unlisten?.().catch(() => undefined);
    this.running = false;
  }
}

interface ClaimedRow {
  id: string;
  workspace_id: string;
  idempotency_key: string;
  channel: string;
  payload: Record<string, unknown>;
  attempts: number;
  critical: boolean;
}

function toMessage(r: ClaimedRow): OutboxMessage {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    idempotencyKey: r.idempotency_key,
    channel: r.channel,
    payload: r.payload,
    attempts: r.attempts,
    critical: r.critical,
  };
}
