/**
 * Parts c and d of `npm run bench -- support`: the agent inbox's reads and the desk metrics over a large
 * history (support-data.ts), through the functions the API routes call (listTickets, ticketQueues,
 * deskMetrics), as the application's role inside a workspace transaction (row-level security on).
 * Each inbox query runs 5 times to warm up, then `runs` times (or as many as fit in `budgetS`, at least 5):
 * p50/p99. With `explain`, or when a query's
 * p99 misses the goal on PostgreSQL, its statement (captured from the driver) is shown with
 * EXPLAIN (ANALYZE, BUFFERS).
 */
import pg from 'pg';
import { deskMetrics } from '../src/modules/support/metrics.js';
import { listTickets, ticketQueues, type TicketFilters } from '../src/modules/support/queries.js';
import { activatePack } from '../src/modules/packs/versions.js';
import { loadPack } from '../src/packs/load.js';
import { createWorkspace } from '../test/support/fixtures.js';
import { COMMON_WORD, loadTickets, requesterOf } from './support-data.js';
import type { SupportEngine } from './support-engine.js';
import { fmt, median } from './lib.js';

export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export interface Loaded {
  readonly workspaceId: string;
  readonly total: number;
  readonly loadS: number;
}

/** A fresh ShopSmart workspace with `total` tickets, two more workspaces with `others` between them. */
export async function loadHistory(engine: SupportEngine, total: number, others: number): Promise<Loaded> {
  const started = performance.now();
  const loaded = await loadPack('packs/shopsmart-pro');
  if (!loaded.ok) throw new Error('packs/shopsmart-pro does not load');
  const agents = (await engine.asOwner((q) => q('select id from users order by created_at limit 8'))).map(
    (r) => String(r.id),
  );
  const ws = await createWorkspace(engine.database, 'Bench inbox');
  await activatePack(engine.database, ws, loaded, 'bench', new Date());
  const packVersion = loaded.pack.pack.version;
  // Progress on a terminal only: a log file gets the one line the caller prints.
  const tty = process.stdout.isTTY;
  const say = (what: string) => (done: number) =>
    tty && process.stdout.write(`\r  loading ${what}: ${fmt(done)} tickets…`);
  await loadTickets(engine.asOwner, ws, total, agents, packVersion, `tkt_b${ws.slice(-6)}_`, say('inbox'));
  for (const [k, share] of [Math.ceil(others / 2), Math.floor(others / 2)].entries()) {
    if (share === 0) continue;
    const other = await createWorkspace(engine.database, `Bench other ${k}`);
    await activatePack(engine.database, other, loaded, 'bench', new Date());
    await loadTickets(engine.asOwner, other, share, agents, packVersion, `tkt_b${other.slice(-6)}_`);
  }
  if (tty) process.stdout.write('\r  vacuum analyze…' + ' '.repeat(30));
  await engine.ownerExec('vacuum analyze tickets');
  if (tty) process.stdout.write('\r' + ' '.repeat(60) + '\r');
  return { workspaceId: ws, total, loadS: (performance.now() - started) / 1000 };
}

interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * The last statement on `tickets` node-postgres sent while `fn` ran (PostgreSQL only), and the
 * transaction settings sent before it (`select set_config(…)`: the workspace, any work_mem or jit).
 */
async function captured(
  fn: () => Promise<unknown>,
): Promise<{ settings: Statement[]; last: Statement | null }> {
  const settings: Statement[] = [];
  let last: Statement | null = null;
  const record = (a: unknown, b: unknown) => {
    const text = typeof a === 'string' ? a : (a as { text?: string }).text;
    const values = Array.isArray(b) ? b : ((a as { values?: unknown[] }).values ?? []);
    if (!text) return;
    if (/^\s*select set_config\(/i.test(text)) settings.push({ text, values });
    else if (/from "tickets"/.test(text)) last = { text, values };
  };
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    record(a[0], a[1]);
    return original.apply(this, a);
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return { settings, last };
}

/** EXPLAIN (ANALYZE, BUFFERS) of a captured statement, as the app role with the same settings. */
async function explain(engine: SupportEngine, fn: () => Promise<unknown>): Promise<string> {
  if (engine.name !== 'postgres') return '    (shown on PostgreSQL only)';
  const { settings, last } = await captured(fn);
  if (!last) return '    (no statement on tickets was captured)';
  const statement: Statement = last;
  const rows = await engine.asOwner(async (q) => {
    await q('set local role opsbook_app');
    for (const setting of settings) await q(setting.text, setting.values);
    return q(`explain (analyze, buffers) ${statement.text}`, statement.values);
  });
  return rows.map((r) => `    ${String(Object.values(r)[0])}`).join('\n');
}

export interface QueryFigure {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly rows: number;
  /** Timed runs (fewer than asked when the query's time budget ran out). */
  readonly runs: number;
  readonly plan?: string;
}

/** The inbox's queries over the loaded workspace. */
export async function inboxQueries(
  engine: SupportEngine,
  history: Loaded,
  options: { runs: number; budgetS: number; goalMs: number; explainAll: boolean },
): Promise<QueryFigure[]> {
  const { database } = engine;
  const ws = history.workspaceId;
  const page = { sort: 'due' as const, limit: 50 };
  const first = await listTickets(database, ws, {}, page);
  const cursor = first.nextCursor ?? undefined;
  // An agent looks up a customer who has an open ticket (by email, a selective search).
  const customer = first.items[10]?.requester.email ?? requesterOf(4242);
  const list =
    (filters: TicketFilters, more: { cursor?: string | undefined } = {}) =>
    async () =>
      (await listTickets(database, ws, filters, { ...page, ...more })).items.length;
  const tiers = [
    { id: 'l1-support', label: 'L1 Support' },
    { id: 'l2-support', label: 'L2 Support' },
    { id: 'l3-tech', label: 'L3 Tech' },
  ];
  const queries: [string, () => Promise<number>][] = [
    ['open queue, sort=due (default)', list({})],
    ['page 2 of it by cursor', list({}, { cursor })],
    ['tier=l2-support', list({ tiers: ['l2-support'] })],
    ['priority=p1&breached=true', list({ priorities: ['p1'], breached: true })],
    ['assignee=none', list({ assignee: { none: true } })],
    [`q=<a requester's email>`, list({ q: customer })],
    [`q=${COMMON_WORD} (1 ticket in 8)`, list({ q: COMMON_WORD })],
    [
      'queues (counts per tier)',
      async () =>
        (await database.inWorkspace(ws, (tx) => ticketQueues(tx, ws, tiers))).reduce((a, q) => a + q.open, 0),
    ],
  ];
  const figures: QueryFigure[] = [];
  for (const [name, run] of queries) {
    let rows = 0;
    for (let i = 0; i < 5; i++) rows = await run();
    const ms: number[] = [];
    const until = performance.now() + options.budgetS * 1000;
    for (let i = 0; i < options.runs && (i < 5 || performance.now() < until); i++) {
      const started = performance.now();
      await run();
      ms.push(performance.now() - started);
    }
    ms.sort((a, b) => a - b);
    const p99 = percentile(ms, 0.99);
    const slow = p99 > options.goalMs && engine.name === 'postgres';
    figures.push({
      name,
      p50: percentile(ms, 0.5),
      p99,
      rows,
      runs: ms.length,
      ...(slow || options.explainAll ? { plan: await explain(engine, run) } : {}),
    });
  }
  return figures;
}

/** deskMetrics over every ticket of the workspace and over the last 30 days: median of `runs` (after one). */
export async function metricsTimes(
  engine: SupportEngine,
  history: Loaded,
  runs: number,
): Promise<{ allMs: number; monthMs: number; tickets: number; monthTickets: number }> {
  const to = new Date(Date.now() + 86_400_000);
  const time = async (from: Date) => {
    const call = () => deskMetrics(engine.database, history.workspaceId, { from, to });
    const warm = await call();
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await call();
      ms.push(performance.now() - started);
    }
    return { ms: median(ms), tickets: warm.tickets };
  };
  const all = await time(new Date(Date.now() - 800 * 86_400_000));
  const month = await time(new Date(Date.now() - 30 * 86_400_000));
  return { allMs: all.ms, monthMs: month.ms, tickets: all.tickets, monthTickets: month.tickets };
}
