/**
 * `npm run bench -- startup`: time from `npm start` to /readyz answering 200, first on an empty data
 * folder (create, migrate, load the demo) and then warm restarts on the same folder; and the server's idle
 * RSS 5 s after it became ready. Goals: warm start ≤ 3 s after the first build, idle RSS ≤ 200 MB.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../scripts/ensure-built.mjs';
import { createPostgresDatabase, postgresAvailable } from '../test/support/databases.js';
import { fmt, machine, median } from './lib.js';

const WARM_RUNS = Number(process.env.BENCH_ROUNDS ?? 5);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function children(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** The process that runs scripts/start.mjs (under npm and sh). */
function serverPid(root: number): number {
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (/node$/.test(argv[0] ?? '') && argv.some((a) => a.endsWith('scripts/start.mjs'))) return pid;
    } catch {
      continue;
    }
    queue.push(...children(pid));
  }
  throw new Error('server process not found');
}

async function startOnce(
  dataDir: string,
  measureRss: boolean,
  env: Record<string, string> = {},
): Promise<{ readyMs: number; rssMb?: number; treeRssMb?: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    env: { ...process.env, PORT: String(port), OPSBOOK_DATA: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let readyMs = -1;
  const deadline = started + 120_000;
  while (performance.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) {
        readyMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  let rss: number | undefined;
  let treeRss: number | undefined;
  if (measureRss && readyMs >= 0) {
    await new Promise((r) => setTimeout(r, 5_000));
    const server = serverPid(child.pid!);
    rss = rssMb(server);
    const tree = [child.pid!];
    for (let i = 0; i < tree.length; i++) tree.push(...children(tree[i]!));
    treeRss = tree.reduce((sum, pid) => sum + rssMb(pid), 0);
  }
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  if (readyMs < 0) throw new Error('npm start did not become ready within 120 s');
  return { readyMs, rssMb: rss, treeRssMb: treeRss };
}

export async function benchStartup(): Promise<void> {
  await ensureBuilt({ web: true });
  console.log(
    `startup: npm start → /readyz 200, embedded PGlite with the demo; ${WARM_RUNS} warm restarts (median)`,
  );
  console.log(`machine: ${machine()}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'opsbook-startup-'));
  const first = await startOnce(dataDir, false);
  const warm = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await startOnce(dataDir, i === 0));
  const readyMs = median(warm.map((w) => w.readyMs));
  const rss = warm[0]!.rssMb!;
  console.log('\n| figure | value | goal |');
  console.log('| --- | --- | --- |');
  console.log(`| first start (empty folder: create, migrate, demo) | ${fmt(first.readyMs)} ms | — |`);
  console.log(
    `| warm start, median of ${WARM_RUNS} | ${fmt(readyMs)} ms (min ${fmt(Math.min(...warm.map((w) => w.readyMs)))}, max ${fmt(Math.max(...warm.map((w) => w.readyMs)))}) | ≤ 3000 ms ${readyMs <= 3000 ? 'met' : 'NOT met'} |`,
  );
  console.log(
    `| idle RSS of the server process, 5 s after ready | ${fmt(rss)} MB | ≤ 200 MB ${rss <= 200 ? 'met' : 'NOT met'} |`,
  );
  console.log(`| idle RSS of npm + sh + server together | ${fmt(warm[0]!.treeRssMb!)} MB | — |`);
  if (postgresAvailable) {
    const db = await createPostgresDatabase();
    try {
      const env = { DATABASE_URL: db.appUrl, OPSBOOK_MIGRATION_DATABASE_URL: db.url, OPSBOOK_DEMO: 'true' };
      await db.migrate(); // creates the unprivileged login the docs recommend
      await startOnce(dataDir, false, env); // load the demo first
      const pg = await startOnce(dataDir, true, env);
      console.log(
        `| on PostgreSQL (DATABASE_URL): warm start / idle RSS of the server process | ${fmt(pg.readyMs)} ms / ${fmt(pg.rssMb!)} MB | — |`,
      );
    } finally {
      await db.drop();
    }
  }
}
