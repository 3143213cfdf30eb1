/**
 * One worker process of the timer benchmark (forked by timers-children.ts under tsx): connects, says
 * ready, starts its system's worker on `go`, reports how many handlers ran every 200 ms, and on `stop`
 * stops the worker and sends its figures. On PGlite it also owns the database: it loads the timers
 * before it is ready and runs the lag workload's stream itself, in the same process as the worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { scheduleTimer } from '../src/engine/timers.js';
import type { Database } from '../src/store/database.js';
import { rowsOf } from '../src/store/database.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { workspaces } from '../src/store/schema.js';
import type { ChildConfig, ChildMessage, ParentCommand } from './timers-children.js';
import type { Runner } from './timers-runners.js';
import { KIND, startGraphileWorker, startOpsbook, startPgBoss } from './timers-runners.js';
import { runStream } from './timers-stream.js';
import { WORKSPACES } from './timers-systems.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const send = (message: ChildMessage) => process.send?.(message);
const commands: ParentCommand['cmd'][] = [];
let onCommand: () => void = () => undefined;
process.on('message', (command: ParentCommand) => {
  commands.push(command.cmd);
  onCommand();
});
let finished = false;
// The parent went away (interrupted): do not linger.
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});

function command(cmd: ParentCommand['cmd']): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (commands.includes(cmd)) resolve();
      else onCommand = check;
    };
    check();
  });
}

const workspaceIds = Array.from({ length: WORKSPACES }, (_, i) => `ws_bench${i}`);

/** Loads the PGlite database: workspaces, then each one's share of due and far-future timers. */
async function loadPglite(database: Database, due: number, pending: number): Promise<void> {
  for (const [w, id] of workspaceIds.entries()) {
    const share = (n: number) => Math.floor(n / WORKSPACES) + (w < n % WORKSPACES ? 1 : 0);
    await database.inWorkspace(id, async (tx) => {
      await tx.insert(workspaces).values({ id, slug: `bench-${w}`, name: `Bench ${w}`, timeZone: 'UTC' });
      await tx.execute(sql`insert into timers (workspace_id, key, kind, subject, run_at)
        select ${id}, 'burst:' || i, ${KIND}, 'tkt_' || i, now() - interval '1 second'
        from generate_series(1, ${share(due)}::int) i`);
      await tx.execute(sql`insert into timers (workspace_id, key, kind, subject, run_at)
        select ${id}, 'pending:' || i, ${KIND}, 'tkt_' || i, now() + interval '1 day' + i * interval '1 millisecond'
        from generate_series(1, ${share(pending)}::int) i`);
    });
  }
}

async function countUnfired(database: Database, dueOnly: boolean): Promise<number> {
  let total = 0;
  for (const id of workspaceIds) {
    const result = await database.inWorkspace(id, (tx) =>
      tx.execute(sql`select count(*)::int as n from timers ${dueOnly ? sql`where run_at <= now()` : sql``}`),
    );
    total += rowsOf<{ n: number }>(result)[0]?.n ?? 0;
  }
  return total;
}

let fired = 0;
let firstMs = 0;
let lastMs = 0;
const samples: number[] = [];
function onFire(runAtMs: number): void {
  const now = Date.now();
  fired++;
  if (firstMs === 0) firstMs = now;
  lastMs = now;
  if (config.recordLag) samples.push(runAtMs, now - runAtMs);
}

async function start(database: Database | undefined): Promise<Runner> {
  switch (config.system) {
    case 'opsbook':
    case 'opsbook-pglite':
      return startOpsbook(database!, config.settings.opsbook, onFire);
    case 'graphile-worker':
      return startGraphileWorker(config.url!, config.settings.graphile, onFire);
    case 'pg-boss':
      return startPgBoss(config.url!, config.settings.pgBoss, onFire);
  }
}

async function main(): Promise<void> {
  let database: Database | undefined;
  let dataDir: string | undefined;
  let loadMs: number | undefined;
  if (config.system === 'opsbook-pglite') {
    dataDir = mkdtempSync(join(tmpdir(), 'opsbook-bench-timers-'));
    database = await openPglite({ dataDir });
    const started = Date.now();
    await loadPglite(database, config.pglite?.due ?? 0, config.pglite?.pending ?? 0);
    loadMs = Date.now() - started;
  } else if (config.system === 'opsbook') {
    database = await openPostgres({
      url: config.url!,
      poolMax: config.settings.opsbook.poolMax,
      migrate: false,
    });
  }
  send({ type: 'ready', loadMs });
  await command('go');
  const runner = await start(database);
  let scheduled = 0;
  let streamDone = false;
  let lastRunAtMs = 0;
  const progress = setInterval(
    () => send({ type: 'progress', fired, scheduled, streamDone, lastRunAtMs }),
    200,
  );
  const stream = config.pglite?.stream;
  if (stream && database) {
    const db = database;
    let seq = 0;
    const result = await runStream(
      (runAts) => {
        const workspaceId = workspaceIds[seq % WORKSPACES]!;
        return db.inWorkspace(workspaceId, async (tx) => {
          for (const runAt of runAts)
            await scheduleTimer(tx, workspaceId, {
              key: `lag:${++seq}`,
              kind: KIND,
              subject: 'tkt_lag',
              runAt,
            });
        });
      },
      stream,
      (n) => (scheduled = n),
    );
    lastRunAtMs = result.lastRunAtMs;
    streamDone = true;
  }
  await command('stop');
  clearInterval(progress);
  await runner.stop();
  const unfired =
    config.system === 'opsbook-pglite' ? await countUnfired(database!, Boolean(stream)) : undefined;
  send({ type: 'result', fired, firstMs, lastMs, errors: runner.errors(), samples, unfired });
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  finished = true;
  process.disconnect();
  // A library that keeps a handle open must not keep the process.
  setTimeout(() => process.exit(0), 2000).unref();
}

main().catch((err: unknown) => {
  console.error(`${config.system} worker failed:`, err);
  process.exit(1);
});
