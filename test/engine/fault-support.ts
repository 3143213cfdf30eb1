/** Shared by the fault tests: seeded randomness, worker child processes, throwaway PostgreSQL clusters. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { count, sql } from 'drizzle-orm';
import { scheduleTimers, type TimerInput } from '../../src/engine/timers.js';
import type { Database } from '../../src/store/database.js';
import { effects, timelineEvents } from '../../src/store/schema.js';

export const SOAK = process.env.OPSBOOK_SOAK === '1';

/** The run's seed: OPSBOOK_SEED to replay one, else a fresh one (printed in the RESULT line). */
export function seedOf(): number {
  return Number(process.env.OPSBOOK_SEED ?? Math.floor(Math.random() * 2 ** 31));
}

export { seeded } from '../../src/core/seeded.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WorkerChild {
  readonly id: string;
  readonly process: ChildProcess;
  /** Resolves when the child printed `line` (rejects if it exits first). */
  waitFor(line: string): Promise<void>;
  readonly exited: Promise<number | null>;
  /** Whether the child had to guard pooled connections itself (see test/fixtures/timer-worker.ts). */
  poolGuarded(): boolean;
  /** The last 4,000 characters the child wrote to stderr. */
  stderr(): string;
}

/** Starts test/fixtures/timer-worker.ts and waits until it is working. */
export async function startWorkerChild(
  target: string,
  workspaceId: string,
  id: string,
  leaseSeconds: number,
): Promise<WorkerChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/timer-worker.ts', target, workspaceId, id, String(leaseSeconds)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const seen = new Set<string>();
  const waiters = new Map<string, () => void>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    seen.add(line);
    waiters.get(line)?.();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (line: string) =>
    new Promise<void>((resolve, reject) => {
      if (seen.has(line)) return resolve();
      waiters.set(line, resolve);
      void exited.then((code) =>
        reject(new Error(`worker ${id} exited (${code}) before "${line}": ${stderr}`)),
      );
    });
  await waitFor('ready');
  return {
    id,
    process: child,
    waitFor,
    exited,
    stderr: () => stderr,
    poolGuarded: () => seen.has('pool-guard'),
  };
}

export async function killHard(child: WorkerChild): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

export async function stopChild(child: WorkerChild): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timeout = sleep(10_000).then(() => child.process.kill('SIGKILL'));
  await Promise.race([child.exited, timeout]);
  await child.exited;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const PG_BIN = '/usr/lib/postgresql/15/bin';
export const clusterAvailable = existsSync(join(PG_BIN, 'initdb'));
export const clusterSkipReason = clusterAvailable ? '' : ` (skipped: no ${PG_BIN}/initdb)`;

/** A PostgreSQL cluster of our own, to stop and start at will without touching the shared server. */
export interface ThrowawayCluster {
  readonly url: string;
  stopImmediate(): void;
  /** Starts it and returns once it accepts connections. */
  start(): void;
  destroy(): void;
}

export async function createThrowawayCluster(): Promise<ThrowawayCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbook-pg-'));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (bin: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], { stdio: 'pipe' })
      : execFileSync(join(PG_BIN, bin), args, { stdio: 'pipe' });
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
  // fsync off: an immediate stop kills the server's processes, not the OS, so no write is lost to it.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=32MB`;
  const start = () =>
    void run('pg_ctl', ['-D', dataDir, '-l', join(dir, 'log'), '-o', options, '-w', 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stopImmediate: () => void run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']),
    start,
    destroy() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Schedules `n` timers of kind `fire`, evenly spread over `spreadMs` from `startMs`. */
export async function scheduleSpread(
  database: Database,
  ws: string,
  n: number,
  startMs: number,
  spreadMs: number,
): Promise<void> {
  for (let first = 0; first < n; first += 5000) {
    const inputs: TimerInput[] = [];
    for (let i = first; i < Math.min(n, first + 5000); i++) {
      inputs.push({
        key: `t:${i}`,
        kind: 'fire',
        subject: `s:${i % 100}`,
        runAt: new Date(startMs + Math.floor((i * spreadMs) / n)),
      });
    }
    await database.inWorkspace(ws, (tx) => scheduleTimers(tx, ws, inputs));
  }
}

/** Effects recorded, timeline entries written and distinct timers among them. */
export async function tally(database: Database, ws: string) {
  return database.inWorkspace(ws, async (tx) => {
    const [e] = await tx.select({ n: count() }).from(effects);
    const [t] = await tx
      .select({ n: count(), distinct: sql<number>`count(distinct ${timelineEvents.data}->>'key')::int` })
      .from(timelineEvents);
    return { effects: e?.n ?? 0, entries: t?.n ?? 0, distinct: t?.distinct ?? 0 };
  });
}
