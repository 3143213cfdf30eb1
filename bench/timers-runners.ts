/**
 * The timer benchmark's workers, one per system, as run inside a worker process: each fires the timers
 * (jobs) of kind `bench` with a handler that does nothing but report when it started and the instant the
 * timer was due. The settings are chosen here, once, and printed by the parent.
 */
import { randomBytes } from 'node:crypto';
import { Logger, run } from 'graphile-worker';
import PgBoss from 'pg-boss';
import { databaseClock } from '../src/engine/clock.js';
import { Worker } from '../src/engine/worker.js';
import type { Database } from '../src/store/database.js';

/** The timer kind, graphile-worker task and pg-boss queue every workload uses. */
export const KIND = 'bench';

/** Called at the start of each handler run with the instant the timer was due. */
export type OnFire = (runAtMs: number) => void;

export interface Runner {
  /** Handler failures and lost timers the system reported (0 expected). */
  errors(): number;
  stop(): Promise<void>;
}

export interface OpsbookSettings {
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly leaseSeconds: number;
  readonly poolMax: number;
}

export interface GraphileSettings {
  readonly concurrency: number;
  readonly pollIntervalMs: number;
}

export interface PgBossSettings {
  /** `work()` loops per process (pg-boss 10 runs one fetch-handle-complete loop per `work()` call). */
  readonly workers: number;
  readonly batchSize: number;
  readonly pollingIntervalSeconds: number;
}

export interface Settings {
  readonly opsbook: OpsbookSettings;
  readonly graphile: GraphileSettings;
  readonly pgBoss: PgBossSettings;
}

/**
 * Ours: the product's defaults (src/config/config.ts: OPSBOOK_WORKER_BATCH 200, OPSBOOK_POLL_INTERVAL_MS
 * 30000, OPSBOOK_LEASE_SECONDS 20, one Worker per process). Peers: tuned for throughput and latency.
 */
export const DEFAULT_SETTINGS: Settings = {
  opsbook: { batchSize: 200, pollIntervalMs: 30000, leaseSeconds: 20, poolMax: 10 },
  graphile: { concurrency: 10, pollIntervalMs: 100 },
  pgBoss: { workers: 4, batchSize: 500, pollingIntervalSeconds: 0.5 },
};

export function describeSettings(s: Settings): string[] {
  return [
    `opsbook: one Worker per process, batchSize ${s.opsbook.batchSize}, pollIntervalMs ${s.opsbook.pollIntervalMs}, leaseSeconds ${s.opsbook.leaseSeconds}, pool ${s.opsbook.poolMax}, databaseClock, wakes on NOTIFY (product defaults); logs in as the unprivileged app login (row-level security on)`,
    `graphile-worker 0.16.6: run() with concurrency ${s.graphile.concurrency}, pollInterval ${s.graphile.pollIntervalMs} ms, maxPoolSize ${s.graphile.concurrency + 2}, LISTEN jobs:insert (its default); superuser login`,
    `pg-boss 10.4.2: ${s.pgBoss.workers} × work() per process, batchSize ${s.pgBoss.batchSize}, pollingIntervalSeconds ${s.pgBoss.pollingIntervalSeconds} (its minimum), includeMetadata, supervise/schedule off in workers; superuser login`,
  ];
}

export async function startOpsbook(
  database: Database,
  settings: OpsbookSettings,
  onFire: OnFire,
): Promise<Runner> {
  let errors = 0;
  const worker = new Worker({
    database,
    workerId: `wrk_bench_${process.pid}_${randomBytes(3).toString('hex')}`,
    clock: databaseClock,
    leaseSeconds: settings.leaseSeconds,
    pollIntervalMs: settings.pollIntervalMs,
    batchSize: settings.batchSize,
    timerHandlers: {
      [KIND]: (_tx, timer) => {
        onFire(timer.runAt.getTime());
        return Promise.resolve();
      },
    },
    observe: (event) => {
      if (event.type === 'timer.failed' || event.type === 'timer.lost' || event.type === 'loop.error')
        errors++;
    },
  });
  await worker.start();
  return { errors: () => errors, stop: () => worker.stop() };
}

/** graphile-worker's logger, errors only. */
export const errorsOnly = new Logger(() => (level, message) => {
  if ((level as string) === 'error') console.error(`graphile-worker: ${message}`);
});

export async function startGraphileWorker(
  url: string,
  settings: GraphileSettings,
  onFire: OnFire,
): Promise<Runner> {
  let errors = 0;
  const runner = await run({
    connectionString: url,
    concurrency: settings.concurrency,
    pollInterval: settings.pollIntervalMs,
    maxPoolSize: settings.concurrency + 2,
    noHandleSignals: true,
    logger: errorsOnly,
    taskList: {
      [KIND]: (_payload, helpers) => {
        onFire(helpers.job.run_at.getTime());
        return Promise.resolve();
      },
    },
  });
  runner.events.on('job:failed', () => errors++);
  return { errors: () => errors, stop: () => runner.stop() };
}

export async function startPgBoss(url: string, settings: PgBossSettings, onFire: OnFire): Promise<Runner> {
  let errors = 0;
  const boss = new PgBoss({
    connectionString: url,
    max: settings.workers + 2,
    supervise: false,
    schedule: false,
    migrate: false,
  });
  boss.on('error', (err) => {
    errors++;
    console.error(`pg-boss: ${err.message}`);
  });
  await boss.start();
  for (let i = 0; i < settings.workers; i++) {
    await boss.work(
      KIND,
      {
        batchSize: settings.batchSize,
        pollingIntervalSeconds: settings.pollingIntervalSeconds,
        includeMetadata: true,
      },
      (jobs) => {
        for (const job of jobs) onFire(job.startAfter.getTime());
        return Promise.resolve();
      },
    );
  }
  return { errors: () => errors, stop: () => boss.stop({ graceful: true, wait: true }) };
}
