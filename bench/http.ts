/**
 * `npm run bench -- http`: requests/s and p50/p99 latency of GET /api/v1/workspaces/:id (one stored record,
 * behind a session) on PGlite and on PostgreSQL, beside a plain Fastify server running the same SQL on
 * the raw driver, in the same run. Goal: Opsbook ≥ 0.6× the plain server's requests/s.
 */
import autocannon from 'autocannon';
import { ensureBuilt } from '../scripts/ensure-built.mjs';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';
import { fmt, machine, median, startChild } from './lib.js';

interface ServerInfo {
  port: number;
  cookie: string;
  path: string;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function load(info: ServerInfo, durationS: number): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${info.port}${info.path}`,
    connections: CONNECTIONS,
    duration: durationS,
    headers: { cookie: info.cookie },
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function measure(script: string, url: string | undefined): Promise<Figures[]> {
  const server = await startChild<ServerInfo>(script, url ? [url] : []);
  try {
    const check = await fetch(`http://127.0.0.1:${server.info.port}${server.info.path}`, {
      headers: { cookie: server.info.cookie },
    });
    if (check.status !== 200)
      throw new Error(`${script}: GET answered ${check.status}: ${await check.text()}`);
    await load(server.info, 2); // warm-up: JIT, connection pool, PGlite cache
    const runs: Figures[] = [];
    for (let i = 0; i < ROUNDS; i++) runs.push(await load(server.info, DURATION_S));
    return runs;
  } finally {
    await server.stop();
  }
}

function summarise(runs: Figures[]): Figures {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
  };
}

export async function benchHttp(): Promise<void> {
  await ensureBuilt({ web: false });
  console.log(
    `http: GET one record behind a session, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_S} s per server (median)`,
  );
  console.log(`machine: ${machine()}`);
  const engines: { name: string; url?: string; drop?: () => Promise<void> }[] = [{ name: 'pglite' }];
  if (postgresAvailable) {
    const db = await createPostgresDatabase();
    await db.migrate();
    engines.push({ name: 'postgres', url: db.appUrl, drop: db.drop });
  } else {
    console.log(`postgres${postgresSkipReason}`);
  }
  const rows: string[] = [];
  for (const engine of engines) {
    try {
      const opsbook = summarise(await measure('bench/servers/opsbook.mjs', engine.url));
      const plain = summarise(await measure('bench/servers/plain.mjs', engine.url));
      const ratio = opsbook.rps / plain.rps;
      rows.push(
        `| ${engine.name} | ${fmt(opsbook.rps)} | ${opsbook.p50} | ${opsbook.p99} | ${fmt(plain.rps)} | ${plain.p50} | ${plain.p99} | ${fmt(ratio, 2)}× ${ratio >= 0.6 ? '(goal ≥ 0.6× met)' : '(goal ≥ 0.6× NOT met)'} | ${opsbook.errors + plain.errors} |`,
      );
    } finally {
      await engine.drop?.();
    }
  }
  console.log(
    '\n| engine | Opsbook req/s | p50 ms | p99 ms | plain Fastify req/s | p50 ms | p99 ms | ratio | errors |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}
