/**
 * `npm run bench -- support`: the help desk (issue 7) on embedded PGlite and on PostgreSQL (a database
 * created per run and dropped), with the demo loaded (ShopSmart runs shopsmart-pro, agents on shift), each
 * figure beside a peer doing the same I/O without Opsbook (the ceiling on this machine):
 * a. inbound mail: N emails sent by nodemailer (pooled, CONNECTIONS connections, in a child process) to
 *    the support SMTP listener in this process; mails/s from the first send to the last 250 (answered
 *    after the ticket's commit), tickets counted after. Goal ≥ 200/s on PostgreSQL. Peer: a bare
 *    smtp-server + postal-mime writing one plain row per mail (support-mail.ts).
 * b. ticket create: POST /tickets with an API token at a fixed RATE for CREATE_S seconds (autocannon) on
 *    the real app listening in a child process; p50/p90/p99. Goal p99 ≤ 25 ms at 500/s on PostgreSQL.
 *    Peer: plain Fastify inserting the same JSON into a plain table (support-create.ts).
 * c. inbox: N tickets of one workspace (plus OTHERS in two more) bulk-loaded with generate_series
 *    (support-data.ts), VACUUM ANALYZE, then the inbox's queries through listTickets/ticketQueues, QUERY_RUNS
 *    each: p50/p99. Goal p99 ≤ 50 ms at 1,000,000 tickets. Slow ones get their EXPLAIN (ANALYZE) printed.
 * d. metrics: deskMetrics over all N tickets (and over the last 30 days), median of METRICS_RUNS. Goal
 *    ≤ 1 s at 1,000,000.
 * Timings are printed, never asserted. Environment (OPSBOOK_BENCH_SUPPORT_…): PARTS (mail,create,inbox,
 * metrics), ENGINES (pglite,postgres), MAIL_N (2,000; PGlite MAIL_N_PGLITE 300), MAIL_RUNS (3),
 * MAIL_CONNECTIONS (8), RATE (500), CREATE_S (15), CREATE_RUNS (3), CONNECTIONS (50), N (1,000,000; PGlite
 * N_PGLITE 100,000 with the metrics time extrapolated and labelled so), OTHERS (100,000; PGlite 10,000),
 * QUERY_RUNS (200, or fewer when a query's QUERY_BUDGET_S of 60 s runs out), METRICS_RUNS (5), EXPLAIN (1:
 * print every inbox query's plan).
 */
import { loadavg } from 'node:os';
import { createRuns, type CreateFigures } from './support-create.js';
import { openEngine, type SupportEngine } from './support-engine.js';
import { inboxQueries, loadHistory, metricsTimes, type Loaded } from './support-inbox.js';
import {
  MAIL_DOMAIN,
  startOurs,
  startPeer,
  startSender,
  type Listener,
  type Sender,
} from './support-mail.js';
import { fmt, machine, median } from './lib.js';

const envInt = (name: string, fallback: number) => {
  const value = Number(process.env[`OPSBOOK_BENCH_SUPPORT_${name}`] ?? fallback);
  return Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
};
const list = (name: string, fallback: string) =>
  (process.env[`OPSBOOK_BENCH_SUPPORT_${name}`] ?? fallback).split(',').map((s) => s.trim());
const ENGINES = list('ENGINES', 'pglite,postgres');
const PARTS = list('PARTS', 'mail,create,inbox,metrics');
const MAIL_N = envInt('MAIL_N', 2_000);
const MAIL_N_PGLITE = envInt('MAIL_N_PGLITE', 300);
const MAIL_RUNS = Math.max(1, envInt('MAIL_RUNS', 3));
const MAIL_CONNECTIONS = Math.max(1, envInt('MAIL_CONNECTIONS', 8));
const RATE = Math.max(1, envInt('RATE', 500));
const CREATE_S = Math.max(1, envInt('CREATE_S', 15));
const CREATE_RUNS = Math.max(1, envInt('CREATE_RUNS', 3));
const CONNECTIONS = Math.max(1, envInt('CONNECTIONS', 50));
const N = envInt('N', 1_000_000);
const N_PGLITE = envInt('N_PGLITE', 100_000);
const OTHERS = envInt('OTHERS', 100_000);
const OTHERS_PGLITE = envInt('OTHERS_PGLITE', 10_000);
const QUERY_RUNS = Math.max(1, envInt('QUERY_RUNS', 200));
const QUERY_BUDGET_S = Math.max(1, envInt('QUERY_BUDGET_S', 60));
const METRICS_RUNS = Math.max(1, envInt('METRICS_RUNS', 5));
const EXPLAIN_ALL = process.env.OPSBOOK_BENCH_SUPPORT_EXPLAIN === '1';
const GOALS = { mailPerS: 200, createP99Ms: 25, inboxP99Ms: 50, metricsMs: 1_000, tickets: 1_000_000 };

const mark = (met: boolean) => (met ? 'met' : 'NOT met');
/** Rows of the summary table: engine, figure, Opsbook, peer, ratio, goal. */
const summary: string[] = [];

async function mailRate(listener: Listener, sender: Sender, n: number, label: string) {
  const to = `shopsmart@${MAIL_DOMAIN}`;
  const base = { port: listener.port, to, connections: MAIL_CONNECTIONS };
  await sender.send({ ...base, n: 20, tag: `${label}-warm-${Date.now()}` });
  const rates: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  for (let run = 0; run < MAIL_RUNS; run++) {
    const result = await sender.send({ ...base, n, tag: `${label}-${run}-${Date.now()}` });
    rates.push(result.sent / (result.ms / 1000));
    failed += result.failed;
    firstError ??= result.firstError;
  }
  const stored = (await listener.stored()) - 20;
  return { perS: median(rates), rates, failed, firstError, stored };
}

async function mail(engine: SupportEngine, sender: Sender): Promise<void> {
  const n = engine.name === 'pglite' ? MAIL_N_PGLITE : MAIL_N;
  const ws = engine.workspaces.get('shopsmart')!;
  const oursListener = await startOurs(engine, ws);
  const ours = await mailRate(oursListener, sender, n, `ours-${engine.name}`).finally(() =>
    oursListener.stop(),
  );
  const peerListener = await startPeer(engine);
  const peer = await mailRate(peerListener, sender, n, `peer-${engine.name}`).finally(() =>
    peerListener.stop(),
  );
  const failures = ours.failed ? `; ${fmt(ours.failed)} refused, first: ${ours.firstError}` : '';
  const goal =
    engine.name === 'postgres' ? ` (goal ≥ ${GOALS.mailPerS}: ${mark(ours.perS >= GOALS.mailPerS)})` : '';
  console.log(
    `support mail ${engine.name}: ${fmt(n)} emails → tickets at ${fmt(ours.perS, 1)} mails/s${goal} · bare smtp-server+postal-mime+INSERT ${fmt(peer.perS)} mails/s · ratio ${fmt(ours.perS / peer.perS, 3)}  [runs: ${ours.rates.map((r) => fmt(r, 1)).join(', ')}; ${fmt(ours.stored)} tickets stored of ${fmt(n * MAIL_RUNS)} sent${failures}]`,
  );
  summary.push(
    `| ${engine.name} | inbound mail → tickets, mails/s (N ${fmt(n)}) | ${fmt(ours.perS, 1)} | ${fmt(peer.perS)} | ${fmt(ours.perS / peer.perS, 3)} | ≥ ${GOALS.mailPerS}${engine.name === 'postgres' ? `: ${mark(ours.perS >= GOALS.mailPerS)}` : ''} |`,
  );
}

const mid = (runs: CreateFigures[], key: 'p50' | 'p90' | 'p99' | 'achieved') =>
  median(runs.map((r) => r[key]));

async function create(engine: SupportEngine): Promise<void> {
  const options = { rate: RATE, durationS: CREATE_S, connections: CONNECTIONS, runs: CREATE_RUNS };
  const ours = await createRuns(engine, 'opsbook', options);
  const peer = await createRuns(engine, 'plain', options);
  const line = (runs: CreateFigures[]) => {
    const failed = runs.reduce((a, r) => a + r.failed, 0);
    const first = runs.find((r) => r.firstFailure)?.firstFailure;
    return `${fmt(mid(runs, 'achieved'))} 2xx/s, p50 ${fmt(mid(runs, 'p50'), 1)} ms, p90 ${fmt(mid(runs, 'p90'), 1)} ms, p99 ${fmt(mid(runs, 'p99'), 1)} ms${failed ? `, ${fmt(failed)} failed (first: ${first})` : ''}`;
  };
  const p99 = mid(ours, 'p99');
  const met = p99 <= GOALS.createP99Ms && mid(ours, 'achieved') >= RATE * 0.95;
  const goal =
    engine.name === 'postgres' ? ` (goal p99 ≤ ${GOALS.createP99Ms} ms at 500/s: ${mark(met)})` : '';
  console.log(
    `support create ${engine.name} at ${fmt(RATE)}/s for ${CREATE_S} s × ${CREATE_RUNS}, ${CONNECTIONS} connections: Opsbook ${line(ours)}${goal} · plain Fastify + INSERT ${line(peer)}  [Opsbook p99 per run: ${ours.map((r) => fmt(r.p99)).join(', ')} ms; achieved: ${ours.map((r) => fmt(r.achieved)).join(', ')}/s]`,
  );
  const peerP99 = mid(peer, 'p99');
  summary.push(
    `| ${engine.name} | ticket create p99 ms at ${fmt(RATE)}/s (achieved ${fmt(mid(ours, 'achieved'))}/s · peer ${fmt(mid(peer, 'achieved'))}/s) | ${fmt(p99, 1)} | ${fmt(peerP99, 1)} | ${fmt(p99 / peerP99, 1)}× the peer's | ≤ ${GOALS.createP99Ms}${engine.name === 'postgres' ? `: ${mark(met)}` : ''} |`,
  );
}

async function inbox(engine: SupportEngine, history: Loaded): Promise<void> {
  const figures = await inboxQueries(engine, history, {
    runs: QUERY_RUNS,
    budgetS: QUERY_BUDGET_S,
    goalMs: GOALS.inboxP99Ms,
    explainAll: EXPLAIN_ALL,
  });
  const full = history.total >= GOALS.tickets;
  const scale = full ? '' : ` (at ${fmt(history.total)} tickets, not extrapolated)`;
  for (const f of figures) {
    const goal = full ? ` (goal ≤ ${GOALS.inboxP99Ms}: ${mark(f.p99 <= GOALS.inboxP99Ms)})` : '';
    console.log(
      `support inbox ${engine.name} ${fmt(history.total)} tickets: ${f.name}: p50 ${fmt(f.p50, 1)} ms, p99 ${fmt(f.p99, 1)} ms${goal} · ${fmt(f.rows)} ${f.name.startsWith('queues') ? 'open counted' : 'rows'}${f.runs < QUERY_RUNS ? ` (${f.runs} runs: the ${QUERY_BUDGET_S} s budget ran out)` : ''}`,
    );
    if (f.plan) console.log(`  EXPLAIN (ANALYZE, BUFFERS):\n${f.plan}`);
  }
  const worst = figures.reduce((a, f) => (f.p99 > a.p99 ? f : a));
  summary.push(
    `| ${engine.name} | inbox query p99 ms, worst of ${figures.length} (${worst.name})${scale} | ${fmt(worst.p99, 1)} | – | – | ≤ ${GOALS.inboxP99Ms}${full ? `: ${mark(worst.p99 <= GOALS.inboxP99Ms)}` : ''} |`,
  );
}

async function metrics(engine: SupportEngine, history: Loaded): Promise<void> {
  const t = await metricsTimes(engine, history, METRICS_RUNS);
  const full = history.total >= GOALS.tickets;
  const projected = (t.allMs * GOALS.tickets) / history.total;
  const goal = full ? ` (goal ≤ ${fmt(GOALS.metricsMs)} ms: ${mark(t.allMs <= GOALS.metricsMs)})` : '';
  console.log(
    `support metrics ${engine.name}: all ${fmt(t.tickets)} tickets in ${fmt(t.allMs)} ms${goal} · last 30 days (${fmt(t.monthTickets)} tickets) in ${fmt(t.monthMs)} ms  [median of ${METRICS_RUNS}]`,
  );
  if (!full)
    console.log(
      `support metrics ${engine.name}, EXTRAPOLATED (not measured) to ${fmt(GOALS.tickets)} tickets: ≈ ${fmt(projected)} ms at the ${fmt(history.total)}-ticket time per ticket`,
    );
  summary.push(
    `| ${engine.name} | metrics over all ${fmt(t.tickets)} tickets, ms${full ? '' : ` (≈ ${fmt(projected)} EXTRAPOLATED to ${fmt(GOALS.tickets)})`} | ${fmt(t.allMs)} | – | – | ≤ ${fmt(GOALS.metricsMs)}${full ? `: ${mark(t.allMs <= GOALS.metricsMs)}` : ''} |`,
  );
}

async function runEngine(engine: SupportEngine, sender: Sender): Promise<void> {
  if (PARTS.includes('mail')) await mail(engine, sender);
  if (PARTS.includes('create')) await create(engine);
  if (!PARTS.includes('inbox') && !PARTS.includes('metrics')) return;
  const pglite = engine.name === 'pglite';
  const history = await loadHistory(engine, pglite ? N_PGLITE : N, pglite ? OTHERS_PGLITE : OTHERS);
  console.log(
    `support ${engine.name}: ${fmt(history.total)} tickets (+ ${fmt(pglite ? OTHERS_PGLITE : OTHERS)} in two other workspaces) loaded and analysed in ${fmt(history.loadS)} s (not timed)`,
  );
  if (PARTS.includes('inbox')) await inbox(engine, history);
  if (PARTS.includes('metrics')) await metrics(engine, history);
}

export async function benchSupport(): Promise<void> {
  console.log(
    `support: engines ${ENGINES.join(', ')}; parts ${PARTS.join(', ')}; mail N = ${fmt(MAIL_N)} (PGlite ${fmt(MAIL_N_PGLITE)}) × ${MAIL_RUNS} over ${MAIL_CONNECTIONS} connections; create at ${fmt(RATE)}/s for ${CREATE_S} s × ${CREATE_RUNS} over ${CONNECTIONS} connections; inbox/metrics over ${fmt(N)} tickets (PGlite ${fmt(N_PGLITE)}), ${QUERY_RUNS} runs per query, metrics median of ${METRICS_RUNS}`,
  );
  console.log(
    'settings: the demo loaded (ShopSmart, shopsmart-pro, agents on shift: round-robin); pool of 10 connections for Opsbook and the peers; medians printed, nothing asserted',
  );
  const benchStarted = performance.now();
  const sender = await startSender();
  try {
    for (const name of ENGINES) {
      const engine = await openEngine(name);
      if (typeof engine === 'string') {
        console.log(`support ${name}: ${engine}`);
        continue;
      }
      try {
        await runEngine(engine, sender);
      } catch (err) {
        console.log(`support ${name}: failed: ${(err as Error).stack ?? String(err)}`);
      } finally {
        await engine.close();
      }
    }
  } finally {
    await sender.stop();
  }
  console.log('\n| engine | figure | Opsbook | peer | ratio | goal |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of summary) console.log(row);
  console.log(
    `\nmachine: ${machine()}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; bench took ${fmt((performance.now() - benchStarted) / 1000)} s`,
  );
}
