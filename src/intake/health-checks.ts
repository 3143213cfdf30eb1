/**
 * The health-check scheduler (issue 8 "Detect: Health checks"): claims due checks of every workspace
 * under a lease (`opsbook_claim_checks`, FOR UPDATE SKIP LOCKED, so any number of worker processes share
 * the work), starts each at its slot, runs them with bounded concurrency, and records the results in
 * batches, a few statements per workspace per batch (src/modules/monitoring/record-runs.ts).
 *
 * - **On time.** Checks are claimed up to `lookaheadMs` before their slot and started by a timer at the
 *   slot itself, so the start jitter is the event loop's, not the polling interval's.
 * - **No drift.** The next slot is the previous slot plus the interval (not "now plus interval"); a check
 *   that fell more than an interval behind (the scheduler was down) runs once and skips to the next slot,
 *   and the skipped slots are counted as missed runs (`health_checks.missed_runs`).
 * - **Leases.** Claimed checks are leased for `leaseSeconds` (30 s), pushed every third of that while they
 *   run; a killed scheduler's checks are free again when the lease lapses. `stop()` lets runs in flight
 *   finish (each is bounded by its timeout), records them and hands back the rest at once.
 * - **Retention.** Every `purgeEveryMs` it deletes raw results older than `resultsRetentionMs` (48 h) and
 *   heartbeat pings older than `pingsRetentionMs` (30 d); status changes and day roll-ups are kept.
 *
 * Time is the context's `now()` (the process clock in production; tests pass a manual one and call
 * `runDue()` instead of `start()`).
 */
import type { Log } from '../engine/log.js';
import { silentLog } from '../engine/log.js';
import {
  claimDueChecks,
  extendCheckLeases,
  purgeMonitoring,
  releaseChecks,
  type ClaimedCheck,
} from '../modules/monitoring/claims.js';
import type { MonitoringContext } from '../modules/monitoring/context.js';
import { createProbe, type Probe } from '../modules/monitoring/probe.js';
import { recordRuns, type FinishedRun, type RecordedRuns } from '../modules/monitoring/record-runs.js';

export type HealthCheckEvent =
  | { readonly type: 'check.started'; readonly checkId: string; readonly lateMs: number }
  | {
      readonly type: 'check.finished';
      readonly checkId: string;
      readonly latencyMs: number;
      readonly error: boolean;
    }
  | ({ readonly type: 'runs.recorded'; readonly workspaceId: string } & RecordedRuns)
  | { readonly type: 'record.failed'; readonly workspaceId: string; readonly runs: number }
  | { readonly type: 'loop.error' };

export interface HealthChecksOptions {
  readonly ctx: MonitoringContext;
  readonly workerId: string;
  readonly log?: Log;
  /** The probe (default: HTTP and TCP through the SSRF-safe agent, with the context's allowlist). */
  readonly probe?: Probe;
  /** Most checks claimed and not yet recorded at once (waiting for their slot or running): 2,000. */
  readonly maxConcurrent?: number;
  /** Most checks claimed by one statement: 500. */
  readonly claimBatch?: number;
  /** How far ahead of their slot checks are claimed: 2 s. */
  readonly lookaheadMs?: number;
  /** How often it looks for due checks when the last look found less than a full batch: 500 ms. */
  readonly pollIntervalMs?: number;
  readonly leaseSeconds?: number;
  /** Results are recorded at least this often (250 ms), or as soon as `flushSize` (500) are waiting. */
  readonly flushIntervalMs?: number;
  readonly flushSize?: number;
  /** Workspaces recorded at once (default 4; PGlite runs them one after another anyway). */
  readonly recordConcurrency?: number;
  readonly resultsRetentionMs?: number;
  readonly pingsRetentionMs?: number;
  readonly purgeEveryMs?: number;
  readonly observe?: (event: HealthCheckEvent) => void;
}

const HOUR_MS = 3_600_000;
export const RESULTS_RETENTION_MS = 48 * HOUR_MS;
export const PINGS_RETENTION_MS = 30 * 24 * HOUR_MS;
const PURGE_BATCH = 10_000;
/** A batch whose recording failed is tried again while its leases could still be ours. */
const RETRY_RECORD_WITHIN_MS = 20_000;

interface Buffered extends FinishedRun {
  readonly bufferedAtMs: number;
}

export class HealthCheckScheduler {
  private readonly log: Log;
  private readonly probe: Probe;
  private readonly closeProbe: () => void;
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  /** The probes running, by check id (a check is claimed by one scheduler, so runs once at a time). */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Checks whose results are being recorded: held, like those waiting or in flight (leases extended). */
  private readonly recording = new Set<string>();
  private buffer: Buffered[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private running = false;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeSleeper: (() => void) | undefined;
  private intervals: NodeJS.Timeout[] = [];
  private consecutiveFailures = 0;

  constructor(private readonly options: HealthChecksOptions) {
    this.log = options.log ?? silentLog;
    if (options.probe) {
      this.probe = options.probe;
      this.closeProbe = () => undefined;
    } else {
      const made = createProbe({
        allow: options.ctx.outboundAllow,
        ...(options.ctx.lookup ? { lookup: options.ctx.lookup } : {}),
      });
      this.probe = made.probe;
      this.closeProbe = () => made.close();
    }
  }

  private get leaseSeconds(): number {
    return this.options.leaseSeconds ?? 30;
  }

  private nowMs(): number {
    return this.options.ctx.now().getTime();
  }

  /**
   * Claims every check due now, runs them (bounded concurrency), records the results and returns what
   * was recorded. For tests on a manual clock, and for one-off runs; `start()` is the live loop.
   */
  async runDue(): Promise<RecordedRuns> {
    const limit = this.options.maxConcurrent ?? 2_000;
    const totals = { recorded: 0, dropped: 0, missed: 0, changes: 0 };
    const listen = (event: HealthCheckEvent) => {
      if (event.type !== 'runs.recorded') return;
      totals.recorded += event.recorded;
      totals.dropped += event.dropped;
      totals.missed += event.missed;
      totals.changes += event.changes;
    };
    for (;;) {
      const claimed = await claimDueChecks(
        this.options.ctx.database,
        this.options.workerId,
        limit,
        this.leaseSeconds,
        new Date(this.nowMs()),
      );
      await Promise.all(claimed.map((check) => this.run(check)));
      await this.flush(listen);
      if (claimed.length < limit) return totals;
    }
  }

  /** Starts the live loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const timer = setInterval(() => void fn(), ms);
      timer.unref();
      this.intervals.push(timer);
    };
    every(this.options.flushIntervalMs ?? 250, () => this.flush());
    every(Math.max(1_000, (this.leaseSeconds * 1000) / 3), () => this.extendLeases());
    every(this.options.purgeEveryMs ?? 10 * 60_000, () => this.purge());
    this.loopDone = this.loop();
  }

  /** Stops claiming, lets runs in flight finish and records them, then hands back every lease. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wakeSleeper?.();
    await this.loopDone;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    await Promise.all([...this.inFlight.values()]);
    await this.flush();
    for (const timer of this.intervals) clearInterval(timer);
    this.intervals = [];
    try {
      await releaseChecks(this.options.ctx.database, this.options.workerId);
    } catch (err) {
      this.log.warn({ err }, 'could not hand back health-check leases; they lapse on their own');
    }
    this.closeProbe();
    this.running = false;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let full = false;
      let sleepMs = this.options.pollIntervalMs ?? 500;
      try {
        full = await this.claimAndSchedule();
        this.consecutiveFailures = 0;
      } catch (err) {
        // The database is down or refused: back off, never crash the process.
        this.consecutiveFailures++;
        this.options.observe?.({ type: 'loop.error' });
        this.log.error({ err }, 'health-check scheduler could not claim; backing off');
        sleepMs = Math.min(5_000, 100 * 2 ** Math.min(this.consecutiveFailures, 10));
      }
      if (!full && !this.stopping) await this.sleep(sleepMs);
    }
  }

  /** Claims what is due within the look-ahead; returns whether it took a full batch (more may be due). */
  private async claimAndSchedule(): Promise<boolean> {
    const room =
      (this.options.maxConcurrent ?? 2_000) - this.waiting.size - this.inFlight.size - this.buffer.length;
    if (room <= 0) return false;
    const limit = Math.min(room, this.options.claimBatch ?? 500);
    const dueBy = new Date(this.nowMs() + (this.options.lookaheadMs ?? 2_000));
    const claimed = await claimDueChecks(
      this.options.ctx.database,
      this.options.workerId,
      limit,
      this.leaseSeconds,
      dueBy,
    );
    for (const check of claimed) this.schedule(check);
    return claimed.length === limit;
  }

  private schedule(check: ClaimedCheck): void {
    const delayMs = check.nextRunAt.getTime() - this.nowMs();
    if (delayMs <= 0 || this.stopping) {
      if (!this.stopping) void this.run(check);
      return;
    }
    const timer = setTimeout(() => {
      this.waiting.delete(check.id);
      void this.run(check);
    }, delayMs);
    this.waiting.set(check.id, timer);
  }

  /** Runs one check and buffers its result. Never rejects. */
  private run(check: ClaimedCheck): Promise<void> {
    const startedMs = this.nowMs();
    this.options.observe?.({
      type: 'check.started',
      checkId: check.id,
      lateMs: startedMs - check.nextRunAt.getTime(),
    });
    const running = this.probe({ kind: check.kind, target: check.target, timeoutMs: check.timeoutMs })
      .then((outcome) => {
        this.options.observe?.({
          type: 'check.finished',
          checkId: check.id,
          latencyMs: outcome.latencyMs,
          error: outcome.error !== null,
        });
        this.buffer.push({ check, startedAt: new Date(startedMs), outcome, bufferedAtMs: this.nowMs() });
        if (this.buffer.length >= (this.options.flushSize ?? 500)) void this.flush();
      })
      .catch((err: unknown) =>
        this.log.error({ err, checkId: check.id }, 'health-check probe failed unexpectedly'),
      )
      .finally(() => this.inFlight.delete(check.id));
    this.inFlight.set(check.id, running);
    return running;
  }

  /** Records what is buffered, one flush at a time. Never rejects. */
  private flush(listen?: (event: HealthCheckEvent) => void): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow(listen));
    return this.flushing;
  }

  private async flushNow(listen?: (event: HealthCheckEvent) => void): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const byWorkspace = new Map<string, Buffered[]>();
    for (const run of batch) {
      const list = byWorkspace.get(run.check.workspaceId) ?? [];
      list.push(run);
      byWorkspace.set(run.check.workspaceId, list);
    }
    const queue = [...byWorkspace.entries()];
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift())
        await this.recordWorkspace(next[0], next[1], listen);
    };
    const lanes = Math.max(1, Math.min(this.options.recordConcurrency ?? 4, queue.length));
    await Promise.all(Array.from({ length: lanes }, lane));
  }

  private async recordWorkspace(
    workspaceId: string,
    runs: readonly Buffered[],
    listen?: (event: HealthCheckEvent) => void,
  ): Promise<void> {
    const { ctx, workerId } = this.options;
    for (const run of runs) this.recording.add(run.check.id);
    try {
      const recorded = await recordRuns(
        ctx,
        workspaceId,
        workerId,
        runs,
        new Date(this.nowMs()),
        (err, checkId) =>
          this.log.error(
            { err, checkId, workspaceId },
            'could not raise or resolve a health-check alert; retrying at its next run',
          ),
      );
      const event = { type: 'runs.recorded' as const, workspaceId, ...recorded };
      listen?.(event);
      this.options.observe?.(event);
    } catch (err) {
      // Kept for the next flush while the leases may still be ours; a run recorded after its lease was
      // taken over is dropped by recordRuns anyway.
      const nowMs = this.nowMs();
      const retry = runs.filter((r) => nowMs - r.bufferedAtMs < RETRY_RECORD_WITHIN_MS);
      this.buffer.push(...retry);
      this.options.observe?.({ type: 'record.failed', workspaceId, runs: runs.length });
      this.log.error(
        { err, workspaceId, runs: runs.length, retried: retry.length },
        'could not record health-check runs',
      );
    } finally {
      for (const run of runs) this.recording.delete(run.check.id);
    }
  }

  private async extendLeases(): Promise<void> {
    // Only what is held: a dropped run's check is let go, and claimed again once its lease ends.
    const held = new Set([...this.waiting.keys(), ...this.inFlight.keys(), ...this.recording]);
    for (const run of this.buffer) held.add(run.check.id);
    if (held.size === 0) return;
    try {
      await extendCheckLeases(
        this.options.ctx.database,
        this.options.workerId,
        [...held],
        this.leaseSeconds,
        new Date(this.nowMs()),
      );
    } catch (err) {
      this.log.warn({ err }, 'health-check lease heartbeat failed');
    }
  }

  /** Deletes raw results and pings past their retention, a batch at a time (a few batches per call). */
  async purge(): Promise<{ results: number; pings: number }> {
    const nowMs = this.nowMs();
    const resultsBefore = new Date(nowMs - (this.options.resultsRetentionMs ?? RESULTS_RETENTION_MS));
    const pingsBefore = new Date(nowMs - (this.options.pingsRetentionMs ?? PINGS_RETENTION_MS));
    const total = { results: 0, pings: 0 };
    try {
      for (let round = 0; round < 10; round++) {
        const done = await purgeMonitoring(
          this.options.ctx.database,
          resultsBefore,
          pingsBefore,
          PURGE_BATCH,
        );
        total.results += done.results;
        total.pings += done.pings;
        if (done.results < PURGE_BATCH && done.pings < PURGE_BATCH) break;
      }
    } catch (err) {
      this.log.warn({ err }, 'could not purge old health-check results; trying again later');
    }
    return total;
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSleeper = undefined;
  }
}

/**
 * Starts the scheduler in a worker process.
 *
 * @example const checks = startHealthChecks({ ctx, workerId: newId('wrk', Date.now()), log }); … await checks.stop();
 */
export function startHealthChecks(options: HealthChecksOptions): HealthCheckScheduler {
  const scheduler = new HealthCheckScheduler(options);
  scheduler.start();
  return scheduler;
}
