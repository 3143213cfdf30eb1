/**
 * `npm run bench -- customers` (issue 9): three figures of the customer lifecycle.
 *
 * 1. **Import**: 100,000 residents from one CSV file into one estate on PostgreSQL, checked and written
 *    whole (contact-import.ts), goal ≤ 20 s; and the same file again (every row unchanged).
 * 2. **Journeys**: 100,000 ShopSmart users registered over 30 days, their usage facts arriving over the
 *    month, half answering the day-30 NPS survey, simulated to day 60 with the same `decide` production
 *    runs (every step of SOP-001's onboarding: welcome, day 1, day 3, day 7, day 30 NPS and its bands),
 *    goal ≤ 30 s.
 * 3. **Facts**: usage facts over HTTP into the real app on PostgreSQL (`POST /facts`, 100 batches of 5
 *    facts a request, 8 connections), facts per second, goal ≥ 5,000/s.
 *
 * No peer: nothing installable here does these (Customer.io is a service). Figures stand alone.
 *
 * `OPSBOOK_BENCH_ONLY=facts` (or `import`, `journeys`, comma-separated) runs only those figures, to iterate
 * on one without waiting for the others.
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { prepare } from '../src/core/decide/prepare.js';
import { simulate } from '../src/core/decide/simulate.js';
import { seeded } from '../src/core/seeded.js';
import type { EngineEvent } from '../src/core/decide/types.js';
import { databaseClock } from '../src/engine/clock.js';
import { Engine } from '../src/engine/engine.js';
import { createAccount } from '../src/modules/customers/accounts.js';
import { importContacts } from '../src/modules/customers/contact-import.js';
import { activatePack } from '../src/modules/packs/versions.js';
import { compilePack } from '../src/packs/compile.js';
import { loadPack } from '../src/packs/load.js';
import { createToken } from '../src/modules/access/tokens.js';
import { openPostgres } from '../src/store/postgres.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';
import { createWorkspace } from '../test/support/fixtures.js';
import { listenBenchApp } from './bench-app.js';
import { fmt, machine } from './lib.js';

const DAY = 86_400_000;

/** `count` residents with distinct valid Indian mobile numbers (98450 00000 upwards). */
function residentsCsv(count: number): string {
  const lines = ['name,phone,unit,estate,role'];
  for (let i = 0; i < count; i++)
    lines.push(
      `Resident ${i},+91984${String(i).padStart(7, '0')},T${i % 40}-${i % 1000},Bench Estate,resident`,
    );
  return lines.join('\n');
}

async function benchImport(database: Awaited<ReturnType<typeof openPostgres>>, ws: string, count: number) {
  const engine = new Engine(database, databaseClock);
  await database.inWorkspace(ws, (tx) =>
    createAccount(tx, ws, { id: 'EST-1', name: 'Bench Estate', kind: 'estate' }, new Date()),
  );
  const bytes = new TextEncoder().encode(residentsCsv(count));
  const run = async () => {
    const started = performance.now();
    const report = await importContacts(
      database,
      engine,
      ws,
      'EST-1',
      { bytes, country: 'IN', role: 'resident', suspendAbsent: false, dryRun: false },
      new Date(),
    );
    return { ms: performance.now() - started, report };
  };
  const first = await run();
  const again = await run();
  console.log(
    `import: ${fmt(count)} rows (${fmt(bytes.length / 1e6, 1)} MB) → created ${fmt(first.report.created)} in ${fmt(first.ms)} ms (goal ≤ 20,000 ms: ${first.ms <= 20_000 ? 'met' : 'NOT met'}); the same file again: ${fmt(again.report.unchanged)} unchanged in ${fmt(again.ms)} ms`,
  );
  if (!first.report.imported || first.report.created !== count) throw new Error('the import did not import');
}

async function benchJourneys(users: number) {
  const loaded = await loadPack('packs/shopsmart-pro');
  if (!loaded.ok) throw new Error('shopsmart-pro does not load');
  const ep = prepare(compilePack(loaded.pack, loaded.hash));
  const rand = seeded(9);
  const startMs = Date.parse('2026-01-01T03:30:00Z');
  const events: EngineEvent[] = [];
  for (let i = 0; i < users; i++) {
    const subject = `user:U${i}`;
    const at = startMs + Math.floor((i / users) * 30 * DAY);
    events.push({ atMs: at, type: 'user.registered', subject, data: { locale: i % 2 ? 'hi-IN' : 'en-IN' } });
    // Usage grows over the first week; some users never add a customer.
    for (const [name, max] of [
      ['customers_added', 8],
      ['transactions', 20],
      ['app_opens', 6],
    ] as const) {
      const when = at + Math.floor(rand() * 6 * DAY);
      events.push({
        atMs: when,
        type: 'fact.set',
        subject,
        data: { subject, name, value: Math.floor(rand() * max) },
      });
    }
    if (rand() < 0.5)
      events.push({
        atMs: at + 30 * DAY + Math.floor(rand() * 2 * DAY),
        type: 'survey.answered',
        subject,
        data: { survey: 'nps-day-30', score: Math.floor(rand() * 11) },
      });
  }
  events.sort((a, b) => a.atMs - b.atMs);
  const byType = new Map<string, number>();
  const started = performance.now();
  const result = simulate(ep, events, startMs + 60 * DAY, (e) =>
    byType.set(e.type, (byType.get(e.type) ?? 0) + 1),
  );
  const ms = performance.now() - started;
  console.log(
    `journeys: ${fmt(users)} users to day 60, ${fmt(events.length)} events, ${fmt(result.decisions)} decisions, ${[
      ...byType,
    ]
      .map(([t, n]) => `${t} ${fmt(n)}`)
      .join(', ')} in ${fmt(ms)} ms (goal ≤ 30,000 ms: ${ms <= 30_000 ? 'met' : 'NOT met'})`,
  );
}

async function benchFacts(database: Awaited<ReturnType<typeof openPostgres>>, ws: string, seconds: number) {
  const port = await listenBenchApp(database);
  const { token } = await createToken(
    database,
    ws,
    { name: 'bench', scope: 'ingest', expiresAt: null, createdBy: 'bench' },
    new Date(),
  );
  let n = 0;
  const body = () => {
    const items = [];
    for (let i = 0; i < 100; i++) {
      n++;
      items.push({
        account: `shop_${n % 5000}`,
        facts: { customers_added: n, transactions: n * 2, app_opens: n % 7, units: 1, residents: n % 100 },
      });
    }
    return JSON.stringify({ items });
  };
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/workspaces/${ws}/facts`,
    method: 'POST',
    connections: 8,
    duration: seconds,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  const ok = result['2xx'];
  const factsPerS = (ok * 500) / seconds;
  console.log(
    `facts: ${fmt(ok)} requests of 100 batches × 5 facts in ${seconds} s (${fmt(result.non2xx)} refused) → ${fmt(factsPerS)} facts/s, ${fmt(factsPerS / 5)} batches/s, p50 ${fmt(result.latency.p50)} ms, p99 ${fmt(result.latency.p99)} ms (goal ≥ 5,000/s: ${factsPerS >= 5000 ? 'met' : 'NOT met'}); load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

/** The figures to run: all, or those `OPSBOOK_BENCH_ONLY` names (`facts`, `import,journeys`). */
function onlyFigures(): ReadonlySet<string> {
  const only = process.env.OPSBOOK_BENCH_ONLY?.trim();
  return new Set(only ? only.split(',').map((n) => n.trim()) : ['import', 'journeys', 'facts']);
}

export async function benchCustomers(): Promise<void> {
  const rows = Number(process.env.OPSBOOK_BENCH_CONTACTS ?? 100_000);
  const users = Number(process.env.OPSBOOK_BENCH_USERS ?? 100_000);
  const only = onlyFigures();
  console.log(`customers: ${[...only].join(', ')} on ${machine()}`);
  console.log('peer: none installable here (Customer.io is a hosted service); figures stand alone');
  if (only.has('journeys')) await benchJourneys(users);
  if (!only.has('import') && !only.has('facts')) return;
  if (!postgresAvailable) {
    console.log(`import and facts skipped: PostgreSQL is required${postgresSkipReason}`);
    return;
  }
  const created = await createPostgresDatabase();
  await created.migrate();
  const database = await openPostgres({ url: created.appUrl, poolMax: 10, migrate: false });
  try {
    const ws = await createWorkspace(database, 'Customers bench');
    const loaded = await loadPack('packs/pos-saas');
    if (!loaded.ok) throw new Error('pos-saas does not load');
    await activatePack(database, ws, loaded, 'bench', new Date());
    if (only.has('import')) await benchImport(database, ws, rows);
    if (only.has('facts')) await benchFacts(database, ws, Number(process.env.OPSBOOK_BENCH_SECONDS ?? 15));
  } finally {
    await database.close();
    await created.drop();
  }
}
