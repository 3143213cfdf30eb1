/**
 * `npm run bench -- alerts`: alert intake (issue 8) on PostgreSQL (a database created per run, the demo
 * loaded: ShopSmart runs shopsmart-pro), the real app listening in a child process, side by side with a
 * real Prometheus Alertmanager (`/usr/bin/prometheus-alertmanager`) ingesting the same alerts through its
 * own API (POST /api/v2/alerts) on this machine in the same run:
 * a. batched: BATCHES requests of BATCH generic alerts (POST /api/v1/intake/generic), CONCURRENCY at a
 *    time, keys drawn from KEYS (so most are repeats that dedup into open alerts) and one event in ten a
 *    resolve (so re-fires open new alerts and incidents resolve); alerts/s from the first request to the
 *    last 202 (each sent after its commit). Goal ≥ 20,000/s.
 * b. single: one alert per request, as fast as CONNECTIONS keep-alive connections go for DURATION_S
 *    (autocannon); 2xx/s. Goal ≥ 3,000/s.
 * c. acknowledgement latency at half the single rate of b, over ACK_CONNECTIONS connections (a sender at
 *    a steady rate, as Alertmanager's few connections are), DURATION_S: p50/p99. Goal p99 ≤ 25 ms.
 * Alertmanager gets a and b with the same alerts (its receiver discards them); ratios printed.
 * Timings are printed, never asserted. Environment (OPSBOOK_BENCH_ALERTS_…): ENGINES (postgres; pglite
 * too if listed), BATCH (1,000), BATCHES (60), CONCURRENCY (4), KEYS (20,000), CONNECTIONS (50),
 * ACK_CONNECTIONS (10), DURATION_S (10).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { listenBenchApp } from './bench-app.js';
import { createIntegration } from '../src/modules/incidents/integrations.js';
import type { Database } from '../src/store/database.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { fmt, machine, median, startChild } from './lib.js';
import { demoOf, openEngine } from './support-engine.js';

const envInt = (name: string, fallback: number) => {
  const value = Number(process.env[`OPSBOOK_BENCH_ALERTS_${name}`] ?? fallback);
  return Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
};
const ENGINES = (process.env.OPSBOOK_BENCH_ALERTS_ENGINES ?? 'postgres').split(',').map((s) => s.trim());
const BATCH = envInt('BATCH', 1_000);
const BATCHES = envInt('BATCHES', 60);
const CONCURRENCY = envInt('CONCURRENCY', 4);
const KEYS = envInt('KEYS', 20_000);
const CONNECTIONS = envInt('CONNECTIONS', 50);
const ACK_CONNECTIONS = envInt('ACK_CONNECTIONS', 10);
const DURATION_S = envInt('DURATION_S', 10);
const GOALS = { batchedPerS: 20_000, singlePerS: 3_000, ackP99Ms: 25 };
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

interface ServerArgs {
  readonly url: string | null;
  readonly workspaceId?: string;
  readonly adminId?: string;
}
interface ServerInfo {
  readonly port: number;
  readonly token: string;
}

/** The child: the real app (as `opsbook serve` builds it, logging at warn) and one generic integration. */
async function serve(args: ServerArgs): Promise<void> {
  let database: Database;
  let ids: { workspaceId: string; adminId: string };
  if (args.url) {
    database = await openPostgres({ url: args.url, poolMax: 10, migrate: false });
    ids = { workspaceId: args.workspaceId!, adminId: args.adminId! };
  } else {
    database = await openPglite();
    const demo = await demoOf(database);
    ids = { workspaceId: demo.workspaces.get('shopsmart')!, adminId: demo.adminId };
  }
  const { token } = await createIntegration(
    database,
    ids.workspaceId,
    // The flood guard is lifted: the bench measures what the intake can take.
    { kind: 'generic', name: 'bench', settings: { rateLimit: { perSecond: 1_000_000, burst: 10_000_000 } } },
    `user:${ids.adminId}`,
    new Date(),
  );
  const port = await listenBenchApp(database);
  process.stdout.write(`${JSON.stringify({ port, token } satisfies ServerInfo)}\n`);
}

/** A workload drawn from a fixed seed, the same for Opsbook and Alertmanager. */
function workload(seed: number) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const key = Math.floor(random() * KEYS);
    return { key, service: `svc-${key % 50}`, resolve: random() < 0.1 };
  };
}

const opsbookAlert = (e: ReturnType<ReturnType<typeof workload>>) =>
  e.resolve
    ? { action: 'resolve', dedupKey: `bench-${e.key}` }
    : {
        dedupKey: `bench-${e.key}`,
        summary: `Bench alert ${e.key}`,
        severity: 'warning',
        service: e.service,
      };

const alertmanagerAlert = (e: ReturnType<ReturnType<typeof workload>>, nowMs: number) => ({
  labels: { alertname: 'Bench', key: String(e.key), service: e.service, severity: 'warning' },
  annotations: { summary: `Bench alert ${e.key}` },
  // Resolved: endsAt in the past, as Prometheus sends a resolution.
  ...(e.resolve ? { endsAt: new Date(nowMs - 1000).toISOString() } : {}),
});

interface Target {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** The body of one request of `n` alerts. */
  body(n: number): string;
}

/** Part a: BATCHES requests of BATCH alerts, CONCURRENCY in flight; alerts/s and per-request p50. */
async function batched(target: Target): Promise<{ perS: number; p50Ms: number; failed: string | null }> {
  const bodies = Array.from({ length: BATCHES }, () => target.body(BATCH));
  const send = async (body: string) => {
    const started = performance.now();
    const response = await fetch(target.url, { method: 'POST', headers: target.headers, body });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
    return performance.now() - started;
  };
  await send(target.body(BATCH)); // warm-up
  const latencies: number[] = [];
  let next = 0;
  let failed: string | null = null;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length && !failed) {
        const body = bodies[next++]!;
        latencies.push(await send(body).catch((err: Error) => ((failed ??= err.message), 0)));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perS: (latencies.length * BATCH) / seconds, p50Ms: median(latencies), failed };
}

/** Parts b and c: one alert per request, flat out or at `rate`; 2xx/s and latency. */
async function single(target: Target, rate: number | null, connections: number) {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: target.url,
        method: 'POST',
        connections,
        // At a fixed rate its correction would invent samples; the achieved rate is printed instead.
        ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
        duration: DURATION_S,
        headers: target.headers,
        requests: [{ setupRequest: (request) => ({ ...request, body: target.body(1) }) }],
      },
      (err, done) => (err ? reject(err as Error) : resolve(done)),
    );
  });
  return {
    perS: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A real Alertmanager whose only receiver discards what it is sent: its ingestion alone is measured. */
async function startAlertmanager(): Promise<{ url: string; stop(): Promise<void> } | string> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbook-bench-am-'));
  writeFileSync(join(dir, 'am.yml'), 'route:\n  receiver: discard\nreceivers:\n  - name: discard\n');
  const port = await freePort();
  const child = spawn(
    ALERTMANAGER,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  const failed = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`Alertmanager did not start: ${err.message}`));
    child.once('exit', (code) => resolve(`Alertmanager exited with ${code}`));
  });
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${url}/-/ready`).catch(() => null))?.ok) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return 'Alertmanager was not ready within 10 s';
  })();
  const outcome = await Promise.race([ready, failed]);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (outcome !== true) {
    await stop();
    return outcome;
  }
  return { url, stop };
}

const mark = (met: boolean) => (met ? 'met' : 'NOT met');
const summary: string[] = [];

async function runEngine(name: string, am: { url: string } | string): Promise<void> {
  const engine = await openEngine(name);
  if (typeof engine === 'string') {
    console.log(`alerts ${name}: ${engine}`);
    return;
  }
  const args: ServerArgs = {
    url: engine.appUrl,
    workspaceId: engine.workspaces.get('shopsmart')!,
    adminId: engine.adminId,
  };
  const server = await startChild<ServerInfo>('bench/alerts.ts', [JSON.stringify(args)], {}, [
    '--import',
    'tsx',
  ]);
  try {
    const next = workload(42);
    const ours: Target = {
      url: `http://127.0.0.1:${server.info.port}/api/v1/intake/generic`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.info.token}` },
      body: (n) => JSON.stringify({ alerts: Array.from({ length: n }, () => opsbookAlert(next())) }),
    };
    const peerNext = workload(42);
    const peer: Target | null =
      typeof am === 'string'
        ? null
        : {
            url: `${am.url}/api/v2/alerts`,
            headers: { 'content-type': 'application/json' },
            body: (n) => {
              const nowMs = Date.now();
              return JSON.stringify(Array.from({ length: n }, () => alertmanagerAlert(peerNext(), nowMs)));
            },
          };
    const a = await batched(ours);
    const aPeer = peer ? await batched(peer) : null;
    const b = await single(ours, null, CONNECTIONS);
    const bPeer = peer ? await single(peer, null, CONNECTIONS) : null;
    const half = Math.max(1, Math.floor(b.perS / 2));
    const c = await single(ours, half, ACK_CONNECTIONS);
    const counts = await engine.asOwner((q) =>
      q(`select count(*)::int as alerts, count(*) filter (where status <> 'resolved')::int as open,
                (select count(*)::int from incidents) as incidents from alerts`),
    );
    const peerMissing = typeof am === 'string' ? am : '';
    const peerText = (x: number | undefined) => (x === undefined ? 'n/a' : fmt(x));
    const ratio = (x: number, y: number | undefined) => (y ? fmt(x / y, 2) : 'n/a');
    const goalA =
      name === 'postgres'
        ? ` (goal ≥ ${fmt(GOALS.batchedPerS)}/s: ${mark(a.perS >= GOALS.batchedPerS)})`
        : '';
    const goalB =
      name === 'postgres' ? ` (goal ≥ ${fmt(GOALS.singlePerS)}/s: ${mark(b.perS >= GOALS.singlePerS)})` : '';
    const goalC =
      name === 'postgres' ? ` (goal p99 ≤ ${GOALS.ackP99Ms} ms: ${mark(c.p99 <= GOALS.ackP99Ms)})` : '';
    console.log(
      `alerts ${name} batched: ${fmt(BATCHES)} × ${fmt(BATCH)} alerts, ${CONCURRENCY} at a time: ${fmt(a.perS)} alerts/s${goalA}, p50 ${fmt(a.p50Ms)} ms per request${a.failed ? `; FAILED: ${a.failed}` : ''} · Alertmanager ${aPeer ? `${fmt(aPeer.perS)} alerts/s, p50 ${fmt(aPeer.p50Ms)} ms` : peerMissing} · ratio ${ratio(a.perS, aPeer?.perS)}`,
    );
    console.log(
      `alerts ${name} single: one alert per request over ${CONNECTIONS} connections for ${DURATION_S} s: ${fmt(b.perS)}/s${goalB}, p50 ${fmt(b.p50, 1)} ms, p99 ${fmt(b.p99, 1)} ms${b.failed ? `, ${fmt(b.failed)} failed` : ''} · Alertmanager ${bPeer ? `${fmt(bPeer.perS)}/s, p99 ${fmt(bPeer.p99, 1)} ms` : peerMissing} · ratio ${ratio(b.perS, bPeer?.perS)}`,
    );
    console.log(
      `alerts ${name} acknowledgement at half load (${fmt(half)}/s over ${ACK_CONNECTIONS} connections, achieved ${fmt(c.perS)}/s): p50 ${fmt(c.p50, 1)} ms, p99 ${fmt(c.p99, 1)} ms${goalC}${c.failed ? `, ${fmt(c.failed)} failed` : ''}`,
    );
    const row = counts[0] ?? {};
    console.log(
      `alerts ${name}: stored ${fmt(Number(row.alerts))} alerts (${fmt(Number(row.open))} open) and ${fmt(Number(row.incidents))} incidents over ${fmt(KEYS)} keys, 50 services`,
    );
    summary.push(
      `| ${name} | batched alerts/s (${fmt(BATCH)} per request) | ${fmt(a.perS)} | ${peerText(aPeer?.perS)} | ${ratio(a.perS, aPeer?.perS)} | ≥ ${fmt(GOALS.batchedPerS)}${name === 'postgres' ? `: ${mark(a.perS >= GOALS.batchedPerS)}` : ''} |`,
      `| ${name} | single alerts/s (one per request) | ${fmt(b.perS)} | ${peerText(bPeer?.perS)} | ${ratio(b.perS, bPeer?.perS)} | ≥ ${fmt(GOALS.singlePerS)}${name === 'postgres' ? `: ${mark(b.perS >= GOALS.singlePerS)}` : ''} |`,
      `| ${name} | p99 ack ms at half load (${fmt(half)}/s) | ${fmt(c.p99, 1)} | – | – | ≤ ${GOALS.ackP99Ms}${name === 'postgres' ? `: ${mark(c.p99 <= GOALS.ackP99Ms)}` : ''} |`,
    );
  } finally {
    await server.stop();
    await engine.close();
  }
}

export async function benchAlerts(): Promise<void> {
  console.log(
    `alerts: engines ${ENGINES.join(', ')}; batched ${fmt(BATCHES)} × ${fmt(BATCH)} alerts, ${CONCURRENCY} in flight; single over ${CONNECTIONS} connections for ${DURATION_S} s; keys from ${fmt(KEYS)} (one event in ten a resolve), severity warning, 50 services`,
  );
  console.log(
    'settings: the demo loaded (ShopSmart, shopsmart-pro: warning = SEV3, incidents grouped by service); the app in a child process, pool of 10; Alertmanager with a receiver that discards; medians printed, nothing asserted',
  );
  const started = performance.now();
  const am = await startAlertmanager();
  try {
    for (const name of ENGINES) {
      try {
        await runEngine(name, am);
      } catch (err) {
        console.log(`alerts ${name}: failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
  } finally {
    if (typeof am !== 'string') await am.stop();
  }
  console.log('\n| engine | figure | Opsbook | Alertmanager | ratio | goal |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of summary) console.log(row);
  console.log(
    `\nmachine: ${machine()}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; bench took ${fmt((performance.now() - started) / 1000)} s`,
  );
}

// Run as a script (`node --import tsx bench/alerts.ts <args>`): the server child of the parts above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.once('SIGTERM', () => process.exit(0));
  await serve(JSON.parse(process.argv[2] ?? '{}') as ServerArgs);
}
