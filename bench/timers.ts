/**
 * `npm run bench -- timers`: durable timers under two workloads, Opsbook beside graphile-worker 0.16 and
 * pg-boss 10 on the same PostgreSQL, in the same run (and Opsbook alone on embedded PGlite):
 * - burst: N timers all due now, bulk-inserted with SQL (not timed), fired by 2 worker processes with a
 *   no-op handler; fired/s from the first handler start to the last, checked fired exactly once.
 *   Goal on PostgreSQL ≥ 10,000/s and all within 100 s; on PGlite (1 process) ≥ 4,000/s.
 * - lag: 1,000,000 timers pending a day ahead plus a steady 200/s scheduled 1-2 s ahead; fire lag =
 *   handler start - run_at on this machine's clock, p50/p99. Goal p99 ≤ 50 ms (PGlite ≤ 100 ms).
 * Environment: OPSBOOK_BENCH_TIMERS (N, default 1,000,000), OPSBOOK_BENCH_TIMERS_PGLITE (200,000),
 * OPSBOOK_BENCH_TIMERS_PENDING (1,000,000, both engines), OPSBOOK_BENCH_LAG_S (30),
 * OPSBOOK_BENCH_TIMEOUT_S (240 per workload), OPSBOOK_BENCH_SYSTEMS (comma list, default all four).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';
import { fmt, machine } from './lib.js';
import type { ChildConfig, ChildResult, ChildSystem } from './timers-children.js';
import { WorkerProcess } from './timers-children.js';
import { DEFAULT_SETTINGS, describeSettings } from './timers-runners.js';
import { runStream } from './timers-stream.js';
import type { PgSystem, SystemDatabase } from './timers-systems.js';
import { openSystem, WORKSPACES } from './timers-systems.js';

const envInt = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
};

const N = envInt('OPSBOOK_BENCH_TIMERS', 1_000_000);
const N_PGLITE = envInt('OPSBOOK_BENCH_TIMERS_PGLITE', 200_000);
const PENDING = envInt('OPSBOOK_BENCH_TIMERS_PENDING', 1_000_000);
const LAG_S = envInt('OPSBOOK_BENCH_LAG_S', 30);
const TIMEOUT_S = envInt('OPSBOOK_BENCH_TIMEOUT_S', 240);
const SYSTEMS = (process.env.OPSBOOK_BENCH_SYSTEMS ?? 'opsbook,graphile-worker,pg-boss,opsbook-pglite')
  .split(',')
  .map((s) => s.trim()) as ChildSystem[];
const PROCESSES = 2;
const LAG_PER_S = 200;
/** Lag samples of timers due in the stream's first seconds (processes still warming up) are left out. */
const WARMUP_S = 3;

interface Burst {
  readonly n: number;
  readonly fired: number;
  readonly loadMs: number;
  readonly perS: number;
  /** From `go` to the last handler start, or null when not all fired before the timeout. */
  readonly allMs: number | null;
  /** yes: all fired, none twice; none twice: the timeout came first, but fired + unfired = N; else NO. */
  readonly once: 'yes' | 'none twice' | 'NO';
  readonly check: string;
}

interface Lag {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly check: string;
}

interface Row {
  readonly system: ChildSystem;
  readonly engine: 'postgres' | 'pglite';
  burst?: Burst | string;
  lag?: Lag | string;
}

/** Milliseconds, or a dash when there was no sample. */
const ms = (value: number) => (Number.isNaN(value) ? '—' : fmt(value));
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

async function waitUntil(done: () => boolean, deadlineMs: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() > deadlineMs) return false;
    await sleep(100);
  }
  return true;
}

/** Starts the worker processes, runs `during` between `go` and `stop`, and closes them whatever happens. */
async function withWorkers<T>(
  configs: ChildConfig[],
  during: (workers: WorkerProcess[], goMs: number) => Promise<T>,
): Promise<{ value: T; results: ChildResult[]; loadMs: number }> {
  const workers = configs.map((config) => new WorkerProcess(config));
  try {
    const ready = await Promise.all(workers.map((w) => w.ready));
    const goMs = Date.now();
    for (const w of workers) w.go();
    const value = await during(workers, goMs);
    const results = await Promise.all(workers.map((w) => w.stop()));
    return { value, results, loadMs: sum(ready.map((r) => r.loadMs ?? 0)) };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

function onceCheck(
  n: number,
  fired: number,
  unfired: number,
  errors: number,
  completed: number | null,
): Burst['once'] {
  if (fired + unfired !== n || errors > 0) return 'NO';
  if (unfired > 0) return 'none twice'; // stopped at the timeout: pg-boss may not have recorded its last batches
  return completed === null || completed === n ? 'yes' : 'NO';
}

function burstFigures(n: number, goMs: number, results: ChildResult[]) {
  const fired = sum(results.map((r) => r.fired));
  const started = results.filter((r) => r.fired > 0);
  const firstMs = Math.min(...started.map((r) => r.firstMs));
  const lastMs = Math.max(...started.map((r) => r.lastMs));
  const perS = fired > 1 ? fired / ((lastMs - firstMs) / 1000) : 0;
  return { fired, perS, allMs: fired >= n ? lastMs - goMs : null, errors: sum(results.map((r) => r.errors)) };
}

function lagFigures(results: ChildResult[], fromRunAtMs: number, check: string): Lag {
  const lags: number[] = [];
  for (const r of results)
    for (let i = 0; i < r.samples.length; i += 2)
      if (r.samples[i]! >= fromRunAtMs) lags.push(r.samples[i + 1]!);
  lags.sort((a, b) => a - b);
  return {
    samples: lags.length,
    p50: percentile(lags, 0.5),
    p99: percentile(lags, 0.99),
    max: lags.at(-1) ?? NaN,
    check,
  };
}

async function burstOnPostgres(system: SystemDatabase): Promise<Burst> {
  const loadStarted = Date.now();
  await system.insertDue(N);
  await system.vacuum();
  const loadMs = Date.now() - loadStarted;
  const config: ChildConfig = {
    system: system.name,
    url: system.workerUrl,
    settings: DEFAULT_SETTINGS,
    recordLag: false,
  };
  const run = await withWorkers([config, config], async (workers, goMs) => {
    await waitUntil(() => sum(workers.map((w) => w.fired)) >= N, goMs + TIMEOUT_S * 1000);
    return goMs;
  });
  const figures = burstFigures(N, run.value, run.results);
  const unfired = await system.unfired(false);
  // pg-boss completes a batch after its handler returns, without waiting: let the last ones land.
  let completed = await system.completed();
  const settleUntil = Date.now() + 10_000;
  while (completed !== null && completed < figures.fired && Date.now() < settleUntil) {
    await sleep(200);
    completed = await system.completed();
  }
  const once = onceCheck(N, figures.fired, unfired, figures.errors, completed);
  const check = `handler runs ${fmt(figures.fired)}, left unfired ${fmt(unfired)}${completed === null ? '' : `, completed ${fmt(completed)}`}, errors ${figures.errors}`;
  return { n: N, loadMs, once, check, ...figures };
}

async function lagOnPostgres(system: SystemDatabase): Promise<Lag> {
  const leftover = await system.unfired(false);
  if (leftover > 0) await system.clear(); // a burst cut short by the timeout must not crowd the stream
  await system.insertPending(PENDING);
  await system.vacuum();
  const config: ChildConfig = {
    system: system.name,
    url: system.workerUrl,
    settings: DEFAULT_SETTINGS,
    recordLag: true,
  };
  const run = await withWorkers([config, config], async (workers) => {
    const streamStartMs = Date.now();
    const stream = await runStream((runAts) => system.schedule(runAts), {
      seconds: LAG_S + WARMUP_S,
      perSecond: LAG_PER_S,
    });
    await waitUntil(() => sum(workers.map((w) => w.fired)) >= stream.scheduled, stream.lastRunAtMs + 10_000);
    return { streamStartMs, scheduled: stream.scheduled };
  });
  const fired = sum(run.results.map((r) => r.fired));
  const dueUnfired = await system.unfired(true);
  const errors = sum(run.results.map((r) => r.errors));
  const cleared = leftover > 0 ? `cleared ${fmt(leftover)} left by the burst first, ` : '';
  const check = `${cleared}scheduled ${fmt(run.value.scheduled)}, handler runs ${fmt(fired)}, due left unfired ${fmt(dueUnfired)}, errors ${errors}`;
  return lagFigures(run.results, run.value.streamStartMs + WARMUP_S * 1000, check);
}

async function onPostgres(name: PgSystem, row: Row): Promise<void> {
  const db = await createPostgresDatabase();
  try {
    const system = await openSystem(name, db);
    try {
      row.burst = await burstOnPostgres(system);
      report(row, 'burst');
      row.lag = await lagOnPostgres(system);
      report(row, 'lag');
    } finally {
      await system.close();
    }
  } finally {
    await db.drop();
  }
}

async function onPglite(row: Row): Promise<void> {
  const base = { system: 'opsbook-pglite' as const, settings: DEFAULT_SETTINGS };
  const burst = await withWorkers(
    [{ ...base, recordLag: false, pglite: { due: N_PGLITE, pending: 0 } }],
    async ([worker], goMs) => {
      await waitUntil(() => worker!.fired >= N_PGLITE, goMs + TIMEOUT_S * 1000);
      return goMs;
    },
  );
  const figures = burstFigures(N_PGLITE, burst.value, burst.results);
  const unfired = burst.results[0]?.unfired ?? NaN;
  row.burst = {
    n: N_PGLITE,
    loadMs: burst.loadMs,
    once: onceCheck(N_PGLITE, figures.fired, unfired, figures.errors, null),
    check: `handler runs ${fmt(figures.fired)}, left unfired ${fmt(unfired)}, errors ${figures.errors}`,
    ...figures,
  };
  report(row, 'burst');
  const stream = { seconds: LAG_S + WARMUP_S, perSecond: LAG_PER_S };
  const lag = await withWorkers(
    [{ ...base, recordLag: true, pglite: { due: 0, pending: PENDING, stream } }],
    async ([worker], goMs) => {
      await waitUntil(() => worker!.streamDone, goMs + (stream.seconds + TIMEOUT_S) * 1000);
      await waitUntil(() => worker!.fired >= worker!.scheduled, worker!.lastRunAtMs + 10_000);
      return { goMs, scheduled: worker!.scheduled };
    },
  );
  const result = lag.results[0]!;
  const check = `pending loaded in ${fmt(lag.loadMs / 1000, 1)} s, scheduled ${fmt(lag.value.scheduled)}, handler runs ${fmt(result.fired)}, due left unfired ${fmt(result.unfired ?? NaN)}, errors ${result.errors}`;
  row.lag = lagFigures(lag.results, lag.value.goMs + WARMUP_S * 1000, check);
  report(row, 'lag');
}

function report(row: Row, workload: 'burst' | 'lag'): void {
  const label = `${row.system} on ${row.engine}, ${workload}:`;
  const value = row[workload];
  if (value === undefined || typeof value === 'string') {
    console.log(`${label} ${value ?? 'not run'}`);
  } else if ('perS' in value) {
    console.log(
      `${label} loaded ${fmt(value.n)} in ${fmt(value.loadMs / 1000, 1)} s; fired ${fmt(value.fired)} at ${fmt(value.perS)}/s, all in ${value.allMs === null ? `NOT within ${TIMEOUT_S} s` : `${fmt(value.allMs / 1000, 1)} s`}; exactly once: ${value.once} (${value.check})`,
    );
  } else {
    console.log(
      `${label} ${fmt(value.samples)} samples, lag p50 ${ms(value.p50)} ms, p99 ${ms(value.p99)} ms, max ${ms(value.max)} ms (${value.check})`,
    );
  }
}

function cells(row: Row): string {
  const b = row.burst;
  const l = row.lag;
  const burst =
    b === undefined || typeof b === 'string'
      ? `${b ?? 'not run'} | — | — | —`
      : `${fmt(b.n)} | ${fmt(b.perS)} | ${b.allMs === null ? `> ${TIMEOUT_S} s (${fmt(b.fired)} fired)` : `${fmt(b.allMs / 1000, 1)} s`} | ${b.once}`;
  const lag =
    l === undefined || typeof l === 'string'
      ? `${l ?? 'not run'} | —`
      : `${ms(l.p50)} / ${ms(l.p99)} | ${fmt(l.samples)}`;
  return `| ${row.system} | ${row.engine} | ${burst} | ${lag} |`;
}

function ratios(rows: Row[]): string[] {
  const ours = rows.find((r) => r.system === 'opsbook');
  const lines: string[] = [];
  for (const peer of rows.filter((r) => r.engine === 'postgres' && r.system !== 'opsbook')) {
    const parts: string[] = [];
    if (ours && typeof ours.burst === 'object' && typeof peer.burst === 'object')
      parts.push(`burst fired/s ${fmt(ours.burst.perS / peer.burst.perS, 2)}× (higher is better)`);
    if (ours && typeof ours.lag === 'object' && typeof peer.lag === 'object')
      parts.push(
        `lag p50 ${fmt(ours.lag.p50 / peer.lag.p50, 2)}×, lag p99 ${fmt(ours.lag.p99 / peer.lag.p99, 2)}× (lower is better)`,
      );
    if (parts.length > 0) lines.push(`ours/${peer.system}: ${parts.join('; ')}`);
  }
  return lines;
}

function goals(rows: Row[]): string[] {
  const lines: string[] = [];
  for (const row of rows.filter((r) => r.system.startsWith('opsbook'))) {
    const pglite = row.engine === 'pglite';
    const [rate, within, p99] = pglite ? [4_000, null, 100] : [10_000, 100, 50];
    if (typeof row.burst === 'object') {
      const b = row.burst;
      const met = b.perS >= rate && (within === null || (b.allMs !== null && b.allMs <= within * 1000));
      lines.push(
        `${row.engine} burst ≥ ${fmt(rate)}/s${within ? ` and all within ${within} s` : ''}: ${met ? 'met' : 'NOT met'}`,
      );
    }
    if (typeof row.lag === 'object')
      lines.push(`${row.engine} lag p99 ≤ ${p99} ms: ${row.lag.p99 <= p99 ? 'met' : 'NOT met'}`);
  }
  return lines;
}

export async function benchTimers(): Promise<void> {
  console.log(
    `timers: burst of N due timers fired by ${PROCESSES} worker processes (PGlite: 1 process, in-process); lag with ${fmt(PENDING)} pending a day ahead + ${LAG_PER_S}/s due 1-2 s after scheduling, ${LAG_S} s measured after ${WARMUP_S} s warm-up`,
  );
  console.log(`machine: ${machine()}`);
  console.log(
    `N = ${fmt(N)} on PostgreSQL, ${fmt(N_PGLITE)} on PGlite; timeout ${TIMEOUT_S} s per workload; bulk loads by one SQL statement (graphile_worker.add_jobs in chunks of 100,000), then VACUUM ANALYZE on PostgreSQL (not timed); ours spreads timers over ${WORKSPACES} workspaces`,
  );
  console.log('settings:');
  for (const line of describeSettings(DEFAULT_SETTINGS)) console.log(`  ${line}`);
  console.log(
    '  fired/s = handler starts / (last handler start - first handler start); time to all = from the command to start to the last handler start; lag = handler start - run_at (Date.now(), one machine)\n',
  );
  const rows: Row[] = [];
  for (const system of SYSTEMS) {
    const row: Row = { system, engine: system === 'opsbook-pglite' ? 'pglite' : 'postgres' };
    rows.push(row);
    try {
      if (system === 'opsbook-pglite') await onPglite(row);
      else if (postgresAvailable) await onPostgres(system, row);
      else row.burst = row.lag = `skipped${postgresSkipReason}`;
    } catch (err) {
      const message = `failed: ${(err as Error).message}`;
      row.burst ??= message;
      row.lag ??= message;
      console.log(`${system}: ${message}`);
    }
  }
  console.log(
    '\n| system | engine | burst N | burst fired/s | time to all | exactly once | lag p50 / p99 ms | lag samples |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(cells(row));
  console.log('');
  for (const line of [...ratios(rows), ...goals(rows)]) console.log(line);
}
