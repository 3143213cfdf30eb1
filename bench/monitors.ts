/**
 * `npm run bench -- monitors`: N HTTP health checks (10,000) at a 30 s interval, spread over WORKSPACES
 * workspaces (10), against a local HTTP server in a child process (so its CPU is not counted as ours), run
 * by one health-check scheduler (src/intake/health-checks.ts) on PostgreSQL (a database created for the
 * run and dropped) for DURATION_S seconds (180). Printed: checks run and recorded, slots missed (skipped,
 * or overdue when the run stopped), start jitter (start − slot) p50/p99/max, the CPU of this process (one
 * core = 100 %), results written per second, each beside its goal (0 missed, p99 ≤ 1 s, CPU ≤ 60 %).
 * No peer runs here: Uptime Kuma (whose users report trouble at 500-1,000 monitors) is not installable on
 * this machine, so the figures stand alone. Timings are printed, never asserted.
 * Environment (OPSBOOK_BENCH_MONITORS_…): N, WORKSPACES, DURATION_S, INTERVAL_MS (30,000).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseClock } from '../src/engine/clock.js';
import { Engine } from '../src/engine/engine.js';
import { HealthCheckScheduler, type HealthCheckEvent } from '../src/intake/health-checks.js';
import { monitoringContext } from '../src/modules/monitoring/context.js';
import { rowsOf, type Database } from '../src/store/database.js';
import { openPostgres } from '../src/store/postgres.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';
import { createWorkspace } from '../test/support/fixtures.js';
import { fmt, machine, startChild } from './lib.js';

const envInt = (name: string, fallback: number) => {
  const value = Number(process.env[`OPSBOOK_BENCH_MONITORS_${name}`] ?? fallback);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const N = envInt('N', 10_000);
const WORKSPACES = envInt('WORKSPACES', 10);
const DURATION_S = envInt('DURATION_S', 180);
const INTERVAL_MS = envInt('INTERVAL_MS', 30_000);
const GOALS = { missed: 0, jitterP99Ms: 1_000, cpuPercent: 60 };
/** The first slots start this long after loading, so the scheduler is up before they are due. */
const LEAD_MS = 5_000;

// The far end: a plain node:http server answering 200 "ok", in its own process.
const SERVER = `
import http from 'node:http';
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok'); });
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Bulk-loads the checks: slot i of N at start + i × interval / N, round-robin over the workspaces. */
async function loadChecks(
  database: Database,
  workspaceIds: readonly string[],
  port: number,
  startMs: number,
) {
  const per = Math.ceil(N / workspaceIds.length);
  for (const [w, ws] of workspaceIds.entries()) {
    await database.inWorkspace(ws, (tx) =>
      tx.execute(sql`
        insert into health_checks (id, workspace_id, name, kind, target, interval_ms, timeout_ms,
                                   failure_threshold, next_run_at, created_at)
        select 'chk_bench_' || ${w} || '_' || g, ${ws}, 'bench ' || g, 'http',
               ${`http://127.0.0.1:${port}/health?check=`} || ${w} || '-' || g, ${INTERVAL_MS}, 10000, 2,
               ${new Date(startMs).toISOString()}::timestamptz
                 + ((g * ${workspaceIds.length} + ${w}) * ${INTERVAL_MS}::float8 / ${N}) * interval '1 millisecond',
               now()
          from generate_series(0, ${per - 1}) g
         where g * ${workspaceIds.length} + ${w} < ${N}`),
    );
  }
}

/** Sums over the workspaces: results recorded, missed slots, and checks overdue at `stopMs`. */
async function tally(database: Database, workspaceIds: readonly string[], stopMs: number) {
  let results = 0;
  let missed = 0;
  let overdue = 0;
  for (const ws of workspaceIds) {
    const [row] = await database.inWorkspace(ws, async (tx) =>
      rowsOf<{ results: string; missed: string; overdue: string }>(
        await tx.execute(sql`
          select (select count(*) from check_results) as results,
                 (select coalesce(sum(missed_runs), 0) from health_checks) as missed,
                 (select count(*) from health_checks
                   where next_run_at < ${new Date(stopMs - 2 * 2_000).toISOString()}::timestamptz) as overdue`),
      ),
    );
    results += Number(row!.results);
    missed += Number(row!.missed);
    overdue += Number(row!.overdue);
  }
  return { results, missed, overdue };
}

export async function benchMonitors(): Promise<void> {
  console.log(
    `monitors: ${fmt(N)} HTTP checks every ${INTERVAL_MS / 1000} s over ${WORKSPACES} workspaces, ${DURATION_S} s, PostgreSQL`,
  );
  console.log(`machine: ${machine()}`);
  console.log('peer: none runs here (Uptime Kuma is not installable on this machine); figures stand alone');
  if (!postgresAvailable) {
    console.log(`skipped: PostgreSQL is required${postgresSkipReason}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'opsbook-bench-monitors-'));
  await writeFile(join(dir, 'server.mjs'), SERVER);
  const server = await startChild<{ port: number }>(join(dir, 'server.mjs'), []);
  const created = await createPostgresDatabase();
  await created.migrate();
  const database = await openPostgres({ url: created.appUrl, poolMax: 10, migrate: false });
  let scheduler: HealthCheckScheduler | undefined;
  try {
    const workspaceIds: string[] = [];
    for (let i = 0; i < WORKSPACES; i++) workspaceIds.push(await createWorkspace(database, `Monitors ${i}`));
    const loadStarted = Date.now();
    const firstSlotMs = loadStarted + LEAD_MS + (10 * N) / 1000; // loading takes about 1 ms per 100 checks
    await loadChecks(database, workspaceIds, server.info.port, firstSlotMs);
    console.log(
      `loaded ${fmt(N)} checks in ${fmt(Date.now() - loadStarted)} ms; first slot in ${fmt(firstSlotMs - Date.now())} ms`,
    );

    const late: number[] = [];
    let started = 0;
    let failed = 0;
    let recorded = 0;
    let dropped = 0;
    let recordFailures = 0;
    let loopErrors = 0;
    const observe = (e: HealthCheckEvent) => {
      if (e.type === 'check.started') {
        started++;
        late.push(e.lateMs);
      } else if (e.type === 'check.finished' && e.error) failed++;
      else if (e.type === 'runs.recorded') {
        recorded += e.recorded;
        dropped += e.dropped;
      } else if (e.type === 'record.failed') recordFailures++;
      else if (e.type === 'loop.error') loopErrors++;
    };
    const ctx = monitoringContext(
      {
        database,
        engine: new Engine(database, databaseClock),
        now: () => new Date(),
        publicUrl: 'http://bench.test',
      },
      ['127.0.0.1/32'],
    );
    scheduler = new HealthCheckScheduler({ ctx, workerId: 'wrk_bench_monitors', observe });
    scheduler.start();
    await sleep(Math.max(0, firstSlotMs - Date.now()));
    const cpuBefore = process.cpuUsage();
    const wallBefore = Date.now();
    await sleep(DURATION_S * 1000);
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = Date.now() - wallBefore;
    const stopMs = Date.now();
    await scheduler.stop();
    scheduler = undefined;
    const counted = await tally(database, workspaceIds, stopMs);

    late.sort((a, b) => a - b);
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
    const missed = counted.missed + counted.overdue;
    const expected = Math.floor(((stopMs - firstSlotMs) / INTERVAL_MS) * N);
    const p99 = percentile(late, 0.99);
    const mark = (met: boolean) => (met ? 'met' : 'NOT met');
    console.log('');
    console.log(
      `checks run          ${fmt(started)} (slots due while running ≈ ${fmt(expected)}), failed ${fmt(failed)}`,
    );
    console.log(
      `results recorded    ${fmt(counted.results)} (${fmt(counted.results / ((stopMs - firstSlotMs) / 1000), 1)}/s), dropped ${fmt(dropped)}, record failures ${recordFailures}, loop errors ${loopErrors}`,
    );
    console.log(
      `missed              ${fmt(missed)} (skipped slots ${fmt(counted.missed)}, overdue at stop ${fmt(counted.overdue)})  goal ${GOALS.missed}: ${mark(missed <= GOALS.missed)}`,
    );
    console.log(
      `start jitter        p50 ${fmt(percentile(late, 0.5), 1)} ms, p99 ${fmt(p99, 1)} ms, max ${fmt(late.at(-1) ?? NaN, 1)} ms  goal p99 ≤ ${fmt(GOALS.jitterP99Ms)} ms: ${mark(p99 <= GOALS.jitterP99Ms)}`,
    );
    console.log(
      `CPU (this process) ${fmt(cpuPercent, 1)} % of one core over ${fmt(wallMs / 1000)} s  goal ≤ ${GOALS.cpuPercent} %: ${mark(cpuPercent <= GOALS.cpuPercent)}`,
    );
    console.log(
      `memory              ${fmt(process.memoryUsage().rss / 2 ** 20)} MiB resident; recorded by the scheduler: ${fmt(recorded)}`,
    );
    console.log(
      `RESULT monitors n=${N} interval_ms=${INTERVAL_MS} duration_s=${DURATION_S} run=${started} missed=${missed} jitter_p50_ms=${percentile(late, 0.5).toFixed(1)} jitter_p99_ms=${p99.toFixed(1)} cpu_percent=${cpuPercent.toFixed(1)}`,
    );
  } finally {
    await scheduler?.stop().catch(() => undefined);
    await database.close();
    await created.drop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
