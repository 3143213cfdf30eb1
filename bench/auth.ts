/**
 * `npm run bench -- auth`:
 * 1. argon2id at the chosen cost (19 MiB, t=2, p=1: OWASP's minimum) — one verification's latency, and
 *    sign-ins/s through the API (verification, session insert, audit entry) with 1 and 4 in flight;
 * 2. the overhead of authentication per request: p50 of a route behind a bearer API token and behind a
 *    session cookie, minus the same route with no authentication, in the same app (PGlite, in-process
 *    `inject`, so the network is not measured); a plain Fastify app with the same route is the peer.
 *    Goal: token overhead ≤ 0.2 ms p50.
 */
import Fastify from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../src/api/app.js';
import { createMetrics } from '../src/api/metrics.js';
import { loadConfig } from '../src/config/config.js';
import { DEMO_PASSWORD, loadDemo } from '../src/modules/admin/demo.js';
import { hashPassword, verifyPassword } from '../src/modules/admin/passwords.js';
import { createToken } from '../src/modules/access/tokens.js';
import { createKeyService } from '../src/security/keys.js';
import { createKeyring } from '../src/security/secrets.js';
import { openPglite } from '../src/store/pglite.js';
import { fmt, machine, median } from './lib.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

export async function benchAuth(): Promise<void> {
  console.log(`auth: ${machine()}`);
  // 1. argon2id.
  const stored = await hashPassword(DEMO_PASSWORD);
  const verify = await timeEach(30, () => verifyPassword(stored, DEMO_PASSWORD));
  console.log(
    `argon2id (m=19 MiB, t=2, p=1): verify p50 ${fmt(median(verify), 1)} ms, p99 ${fmt(percentile(verify, 0.99), 1)} ms`,
  );

  const database = await openPglite();
  await loadDemo(database, new Date());
  const app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    database,
    metrics: createMetrics(),
    logger: pino({ level: 'silent' }),
    webRoot: null,
    version: 'bench',
    now: () => new Date(),
    lifecycle: { shuttingDown: false },
    keys: createKeyService(database, createKeyring([{ id: 'bench', key: Buffer.alloc(32, 3) }])),
  });
  // The same trivial handler behind each kind of access.
  app.get('/api/bench/open', { config: { access: 'public' } }, async () => ({ ok: true }));
  app.get('/api/bench/:workspaceId/guarded', { config: { access: 'workspace.read' } }, async () => ({
    ok: true,
  }));
  await app.ready();

  for (const inFlight of [1, 4]) {
    const total = 40;
    const start = process.hrtime.bigint();
    for (let i = 0; i < total; i += inFlight) {
      await Promise.all(
        Array.from({ length: inFlight }, (_, j) =>
          app.inject({
            method: 'POST',
            url: '/api/v1/auth/sign-in',
            payload: { email: 'owner@shopsmart.demo', password: DEMO_PASSWORD },
            remoteAddress: `10.9.${i}.${j}`,
          }),
        ),
      );
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`sign-ins through the API, ${inFlight} in flight: ${fmt(total / seconds, 1)}/s`);
  }

  // 2. Authentication overhead.
  const signIn = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: 'owner@shopsmart.demo', password: DEMO_PASSWORD },
    remoteAddress: '10.8.0.1',
  });
  const me = signIn.json<{ csrfToken: string; workspaces: { id: string }[] }>();
  const cookie = `opsbook_session=${signIn.cookies.find((c) => c.name === 'opsbook_session')!.value}`;
  const ws = me.workspaces[0]!.id;
  const tokenAnswer = await app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/tokens`,
    headers: { cookie, 'x-csrf-token': me.csrfToken },
    payload: { name: 'bench', scope: 'read' },
  });
  const token = tokenAnswer.json<{ token: string }>().token;

  const plain = Fastify();
  plain.get('/api/bench/open', async () => ({ ok: true }));
  await plain.ready();

  const cases: [string, () => Promise<unknown>][] = [
    ['plain Fastify, no auth', () => plain.inject({ url: '/api/bench/open' })],
    ['Opsbook, public route', () => app.inject({ url: '/api/bench/open' })],
    [
      'Opsbook, API token',
      () => app.inject({ url: `/api/bench/${ws}/guarded`, headers: { authorization: `Bearer ${token}` } }),
    ],
    ['Opsbook, session cookie', () => app.inject({ url: `/api/bench/${ws}/guarded`, headers: { cookie } })],
  ];
  const p50s = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of cases) {
      await timeEach(300, fn); // warm-up
      const times = await timeEach(REQUESTS, fn);
      p50s.set(name, [...(p50s.get(name) ?? []), median(times)]);
    }
  }
  // The first request with a token looks it up in the database (then it is cached for 5 s).
  const fresh: string[] = [];
  for (let i = 0; i < 500; i++) {
    fresh.push(
      (
        await createToken(
          database,
          ws,
          { name: `cold-${i}`, scope: 'read', expiresAt: null, createdBy: 'bench' },
          new Date(),
        )
      ).token,
    );
  }
  let next = 0;
  const cold = await timeEach(fresh.length, () =>
    app.inject({ url: `/api/bench/${ws}/guarded`, headers: { authorization: `Bearer ${fresh[next++]}` } }),
  );
  p50s.set('Opsbook, API token (first use)', [median(cold)]);
  cases.push(['Opsbook, API token (first use)', async () => undefined]);
  const p = (name: string) => median(p50s.get(name)!);
  for (const [name] of cases) console.log(`${name.padEnd(26)} p50 ${fmt(p(name) * 1000, 0)} µs`);
  const tokenOverhead = p('Opsbook, API token') - p('Opsbook, public route');
  const sessionOverhead = p('Opsbook, session cookie') - p('Opsbook, public route');
  const coldOverhead = p('Opsbook, API token (first use)') - p('Opsbook, public route');
  console.log(
    `token overhead p50 ${fmt(tokenOverhead, 3)} ms (goal ≤ 0.2 ms: ${tokenOverhead <= 0.2 ? 'met' : 'NOT met'}), ` +
      `first use of a token ${fmt(coldOverhead, 3)} ms; ` +
      `session overhead p50 ${fmt(sessionOverhead, 3)} ms; public route vs plain Fastify ${fmt(p('Opsbook, public route') / p('plain Fastify, no auth'), 2)}×`,
  );
  console.log(`(median of ${ROUNDS} rounds of ${REQUESTS} requests each, in-process inject, PGlite)`);
  await app.close();
  await plain.close();
  await database.close();
}
