/**
 * `npm run bench -- status`: the public status page (issue 8) under a paced load. A workspace with 10
 * components, 90 days of status history each, a few incidents with public updates and two maintenance
 * windows; GET /status/<slug> at RATE req/s for DURATION_S seconds (an open-loop paced load, `load` below),
 * after a 3 s warm-up at a fifth of the rate, on the real app
 * (buildApp, as `opsbook serve` builds it) listening in a child process, on embedded PGlite and on
 * PostgreSQL. The peer: plain Fastify answering a static string of the same size on the same machine, the
 * ceiling of any HTTP server here. Goal: p99 ≤ 20 ms at 1,000 req/s.
 *
 * The goal counts as met only when p99 ≤ 20 ms, ≥ 95 % of the rate was answered and nothing failed.
 * Environment (OPSBOOK_BENCH_STATUS_…): RATE (1,000), DURATION_S (20), SOCKETS (200: the most keep-alive
 * sockets the load opens), ENGINES (pglite,postgres).
 *
 * This file is also the child: `node --import tsx bench/status.ts serve <json>` (see `serve` below).
 */
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { listenBenchApp } from './bench-app.js';
import { newId } from '../src/shared/ids.js';
import type { Database } from '../src/store/database.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { workspaces } from '../src/store/schema.js';
import {
  componentStatusChanges,
  incidents,
  incidentUpdates,
  maintenanceWindows,
  statusComponents,
  type ComponentStatus,
} from '../src/store/schema-incidents.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';
import { fmt, machine, startChild } from './lib.js';

const env = (name: string, fallback: string) => process.env[`OPSBOOK_BENCH_STATUS_${name}`] ?? fallback;
const RATE = Math.max(1, Number(env('RATE', '1000')));
const DURATION_S = Math.max(1, Number(env('DURATION_S', '20')));
const SOCKETS = Math.max(1, Number(env('SOCKETS', '200')));
const ENGINES = env('ENGINES', 'pglite,postgres').split(',');
const SLUG = 'bench-status';
const DAY_MS = 86_400_000;

interface ServeArgs {
  readonly kind: 'opsbook' | 'plain';
  /** PostgreSQL URL (the app's login), or null for embedded PGlite in memory. */
  readonly url: string | null;
  /** Plain: the size of the page to imitate. */
  readonly bytes?: number;
}

interface ServerInfo {
  readonly port: number;
  readonly path: string;
}

interface Figures {
  readonly p50: number;
  readonly p99: number;
  readonly achieved: number;
  readonly failed: number;
}

/** The benchmark's workspace: 10 components, 90 days of changes, 5 incidents, 2 maintenance windows. */
export async function seed(database: Database, now: Date): Promise<void> {
  const ws = newId('ws', now.getTime());
  const nowMs = now.getTime();
  await database.inWorkspace(ws, async (tx) => {
    await tx
      .insert(workspaces)
      .values({ id: ws, slug: SLUG, name: 'Bench Status', timeZone: 'Asia/Kolkata' });
    const names = [
      'Website',
      'API',
      'Checkout',
      'Payments',
      'Search',
      'Email',
      'SMS',
      'Mobile app',
      'Dashboard',
      'Webhooks',
    ];
    const outages: ComponentStatus[] = ['major-outage', 'partial-outage', 'degraded'];
    for (const [i, name] of names.entries()) {
      const id = newId('cmp', nowMs);
      await tx.insert(statusComponents).values({
        id,
        workspaceId: ws,
        name,
        description: `The ${name.toLowerCase()}.`,
        groupName: i < 5 ? 'Core' : 'Notifications and apps',
        position: i,
        uptimeTarget: 99.9,
        createdAt: new Date(nowMs - 120 * DAY_MS),
      });
      const changes = [{ status: 'operational' as ComponentStatus, at: new Date(nowMs - 120 * DAY_MS) }];
      // An incident every 3 days or so, 10-70 minutes each.
      for (let day = 90; day > 0; day -= 2 + ((i + day) % 3)) {
        const startMs = nowMs - day * DAY_MS + ((i * 7 + day) % 20) * 3_600_000;
        changes.push({ status: outages[(i + day) % 3]!, at: new Date(startMs) });
        changes.push({ status: 'operational', at: new Date(startMs + (10 + ((i + day) % 60)) * 60_000) });
      }
      await tx
        .insert(componentStatusChanges)
        .values(changes.map((c) => ({ workspaceId: ws, componentId: id, ...c, cause: 'bench' })));
    }
    for (let n = 1; n <= 5; n++) {
      const detectedAt = new Date(nowMs - (n === 1 ? 0.1 : n * 9) * DAY_MS);
      const id = newId('inc', detectedAt.getTime());
      await tx.insert(incidents).values({
        id,
        workspaceId: ws,
        number: n,
        title: `Elevated error rates ${n}`,
        status: n <= 2 ? 'identified' : 'resolved',
        severity: 'sev2',
        declaredBy: 'bench',
        detectedAt,
        resolvedAt: n <= 2 ? null : new Date(detectedAt.getTime() + 3_600_000),
      });
      const statuses =
        n <= 2 ? ['investigating', 'identified'] : ['investigating', 'identified', 'monitoring', 'resolved'];
      for (const [k, status] of statuses.entries()) {
        const at = new Date(detectedAt.getTime() + (k + 1) * 600_000);
        await tx.insert(incidentUpdates).values({
          id: newId('upd', at.getTime()),
          workspaceId: ws,
          incidentId: id,
          status,
          audience: 'public',
          body: { en: `Update ${k + 1}: we are ${status} the elevated error rates on checkout and the API.` },
          postedBy: 'bench',
          createdAt: at,
          publishedAt: at,
        });
      }
    }
    for (const offsetDays of [-3, 4]) {
      const startsAt = new Date(nowMs + offsetDays * DAY_MS);
      await tx.insert(maintenanceWindows).values({
        id: newId('mnt', startsAt.getTime()),
        workspaceId: ws,
        title: 'Database upgrade',
        body: 'A short interruption is possible.',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
        createdBy: 'bench',
      });
    }
  });
}

/** The child: the real app over a seeded database, or the plain peer; prints `{ port, path }`. */
async function serve(args: ServeArgs): Promise<void> {
  const announce = (info: ServerInfo) => process.stdout.write(`${JSON.stringify(info)}\n`);
  process.once('SIGTERM', () => process.exit(0));
  if (args.kind === 'plain') {
    const page = `<!doctype html>${'x'.repeat(Math.max(0, (args.bytes ?? 1000) - 15))}`;
    const app = Fastify();
    app.get('/status/:slug', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    announce({ port: typeof address === 'object' && address ? address.port : 0, path: `/status/${SLUG}` });
    return;
  }
  const database = args.url
    ? await openPostgres({ url: args.url, poolMax: 10, migrate: false })
    : await openPglite();
  await seed(database, new Date());
  const port = await listenBenchApp(database);
  announce({ port, path: `/status/${SLUG}` });
}

/** The `q` quantile of sorted values (nearest rank). */
const quantile = (sorted: readonly number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;

/**
 * An open-loop paced load: one GET every 1/rate s on schedule, over keep-alive sockets (as many as are
 * busy), whatever the answers do. Latency runs from each request's *scheduled* instant to the end of its
 * answer, so a server falling behind shows in the figures instead of slowing the load (no coordinated
 * omission). autocannon's `overallRate` is a per-second quota per connection: each connection fires its
 * quota back to back at the top of every second, which measures the bursts, not the server.
 */
async function load(info: ServerInfo, rate: number, durationS: number): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });
  const total = Math.round(rate * durationS);
  const latencies: number[] = [];
  let sent = 0;
  let done = 0;
  let failed = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const finish = () => {
      done++;
      if (done === total) resolve();
    };
    const fire = (scheduledAt: number) => {
      const request = http.get({ host: '127.0.0.1', port: info.port, path: info.path, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - scheduledAt);
          else failed++;
          finish();
        });
      });
      request.on('error', () => {
        failed++;
        finish();
      });
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (sent < due) fire(start + (sent++ * 1000) / rate);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  const elapsedS = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    p50: Math.round(quantile(latencies, 0.5) * 10) / 10,
    p99: Math.round(quantile(latencies, 0.99) * 10) / 10,
    achieved: latencies.length / elapsedS,
    failed,
  };
}

/** Starts a server, checks one page by hand, warms it up, then measures one run. */
async function measure(args: ServeArgs): Promise<{ figures: Figures; bytes: number }> {
  const server = await startChild<ServerInfo>('bench/status.ts', ['serve', JSON.stringify(args)], {}, [
    '--import',
    'tsx',
  ]);
  try {
    const probe = await fetch(`http://127.0.0.1:${server.info.port}${server.info.path}`);
    const body = await probe.text();
    if (probe.status !== 200)
      throw new Error(`GET ${server.info.path} answered ${probe.status}: ${body.slice(0, 300)}`);
    await load(server.info, Math.max(1, Math.round(RATE / 5)), 3);
    return { figures: await load(server.info, RATE, DURATION_S), bytes: Buffer.byteLength(body) };
  } finally {
    await server.stop();
  }
}

export async function benchStatus(): Promise<void> {
  console.log(
    `status: GET /status/<slug> (10 components × 90 days, 5 incidents, 2 windows), paced at ${fmt(RATE)} req/s for ${DURATION_S} s (latency from each request's scheduled instant); peer: plain Fastify, a static page of the same size`,
  );
  console.log(`machine: ${machine()}`);
  const rows: string[] = [];
  for (const engine of ENGINES) {
    let url: string | null = null;
    let drop: (() => Promise<void>) | null = null;
    if (engine === 'postgres') {
      if (!postgresAvailable) {
        console.log(`postgres${postgresSkipReason}`);
        continue;
      }
      const db = await createPostgresDatabase();
      await db.migrate();
      url = db.appUrl;
      drop = db.drop;
    }
    try {
      const ours = await measure({ kind: 'opsbook', url });
      const peer = await measure({ kind: 'plain', url: null, bytes: ours.bytes });
      const o = ours.figures;
      const p = peer.figures;
      const met = o.p99 <= 20 && o.achieved >= 0.95 * RATE && o.failed === 0;
      rows.push(
        `| ${engine} | ${fmt(ours.bytes / 1024, 1)} KiB | ${o.p50} | ${o.p99} | ${fmt(o.achieved)} | ${p.p50} | ${p.p99} | ${fmt(p.achieved)} | ${fmt(o.p99 / Math.max(p.p99, 1), 2)}× | ${o.failed + p.failed} | ${met ? 'met' : 'NOT met'} |`,
      );
    } finally {
      await drop?.();
    }
  }
  console.log(
    '\n| engine | page | Opsbook p50 ms | p99 ms | req/s achieved | plain p50 ms | p99 ms | req/s achieved | p99 ratio | failed | goal p99 ≤ 20 ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv[2] === 'serve'
) {
  await serve(JSON.parse(process.argv[3] ?? '{}') as ServeArgs);
}
