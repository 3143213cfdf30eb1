/**
 * The timer benchmark's systems on PostgreSQL, as the parent sees them: install into a fresh database,
 * bulk-load due or far-future timers with one SQL statement (not timed), schedule the steady stream
 * through each system's own API, and count what is left, so "all fired exactly once" can be checked.
 */
import pg from 'pg';
import { runMigrations } from 'graphile-worker';
import PgBoss from 'pg-boss';
import { scheduleTimer } from '../src/engine/timers.js';
import { openPostgres } from '../src/store/postgres.js';
import { errorsOnly, KIND } from './timers-runners.js';

export type PgSystem = 'opsbook' | 'graphile-worker' | 'pg-boss';

/** Timers are spread over this many workspaces (ours); peers have no tenants. */
export const WORKSPACES = 20;

export interface CreatedDatabase {
  /** The owner's (superuser's) URL. */
  readonly url: string;
  /** The unprivileged application login. */
  readonly appUrl: string;
  migrate(): Promise<void>;
}

export interface SystemDatabase {
  readonly name: PgSystem;
  /** The URL the worker processes log in with. */
  readonly workerUrl: string;
  /** Inserts `n` timers due one second ago. */
  insertDue(n: number): Promise<void>;
  /** Inserts `n` timers due a day or more from now. */
  insertPending(n: number): Promise<void>;
  /** Schedules timers due at these instants through the system's API. */
  schedule(runAts: readonly Date[]): Promise<void>;
  /** Timers not fired yet; with `dueOnly`, only those already due. */
  unfired(dueOnly: boolean): Promise<number>;
  /** Jobs the system keeps as completed (pg-boss), or null when fired timers are deleted. */
  completed(): Promise<number | null>;
  /** Deletes every timer (job), e.g. what a burst left unfired at its timeout, before the next workload. */
  clear(): Promise<void>;
  /** VACUUM ANALYZE of the system's table: fresh planner statistics after a bulk load, for everyone. */
  vacuum(): Promise<void>;
  close(): Promise<void>;
}

async function adminClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function count(client: pg.Client, text: string, values: unknown[] = []): Promise<number> {
  const result = await client.query<{ n: string }>(text, values);
  return Number(result.rows[0]?.n ?? 0);
}

async function openOpsbook(db: CreatedDatabase): Promise<SystemDatabase> {
  await db.migrate();
  const admin = await adminClient(db.url);
  await admin.query(
    `insert into workspaces (id, slug, name, time_zone)
     select 'ws_bench' || i, 'bench-' || i, 'Bench ' || i, 'UTC' from generate_series(0, $1::int - 1) i`,
    [WORKSPACES],
  );
  // The stream goes through the product's own path: scheduleTimer in a workspace transaction.
  const app = await openPostgres({ url: db.appUrl, poolMax: 2, migrate: false });
  let seq = 0;
  const insert = (n: number, prefix: string, runAt: string) =>
    admin.query(
      `insert into timers (workspace_id, key, kind, subject, run_at)
       select 'ws_bench' || (i % $2::int), '${prefix}:' || i, $3, 'tkt_' || i, ${runAt}
       from generate_series(1, $1::int) i`,
      [n, WORKSPACES, KIND],
    );
  return {
    name: 'opsbook',
    workerUrl: db.appUrl,
    insertDue: async (n) => void (await insert(n, 'burst', `now() - interval '1 second'`)),
    insertPending: async (n) =>
      void (await insert(n, 'pending', `now() + interval '1 day' + i * interval '1 millisecond'`)),
    async schedule(runAts) {
      const workspaceId = `ws_bench${seq % WORKSPACES}`;
      await app.inWorkspace(workspaceId, async (tx) => {
        for (const runAt of runAts)
          await scheduleTimer(tx, workspaceId, {
            key: `lag:${++seq}`,
            kind: KIND,
            subject: 'tkt_lag',
            runAt,
          });
      });
    },
    unfired: (dueOnly) =>
      count(admin, `select count(*) as n from timers${dueOnly ? ' where run_at <= now()' : ''}`),
    completed: () => Promise.resolve(null),
    clear: async () => void (await admin.query('delete from timers')),
    vacuum: async () => void (await admin.query('vacuum analyze timers')),
    async close() {
      await app.close();
      await admin.end();
    },
  };
}

async function openGraphileWorker(db: CreatedDatabase): Promise<SystemDatabase> {
  await runMigrations({ connectionString: db.url, logger: errorsOnly });
  const admin = await adminClient(db.url);
  // graphile_worker.add_jobs, the function behind its addJobs(), in chunks of one array each.
  const addJobs = (runAt: string, from: string, values: unknown[]) =>
    admin.query(
      `select count(*) from graphile_worker.add_jobs(array(
         select row($1, null, null, ${runAt}, null, null, null, null)::graphile_worker.job_spec ${from}))`,
      [KIND, ...values],
    );
  const bulk = async (n: number, runAt: string) => {
    for (let from = 1; from <= n; from += 100_000) {
      const to = Math.min(n, from + 99_999);
      await addJobs(runAt, 'from generate_series($2::int, $3::int) i', [from, to]);
    }
  };
  return {
    name: 'graphile-worker',
    workerUrl: db.url,
    insertDue: (n) => bulk(n, `now() - interval '1 second'`),
    insertPending: (n) => bulk(n, `now() + interval '1 day' + i * interval '1 millisecond'`),
    schedule: async (runAts) =>
      void (await addJobs('t', 'from unnest($2::timestamptz[]) t', [runAts.map((d) => d.toISOString())])),
    unfired: (dueOnly) =>
      count(
        admin,
        `select count(*) as n from graphile_worker._private_jobs${dueOnly ? ' where run_at <= now()' : ''}`,
      ),
    completed: () => Promise.resolve(null),
    clear: async () => void (await admin.query('delete from graphile_worker._private_jobs')),
    vacuum: async () => void (await admin.query('vacuum analyze graphile_worker._private_jobs')),
    close: () => admin.end(),
  };
}

async function openPgBoss(db: CreatedDatabase): Promise<SystemDatabase> {
  const boss = new PgBoss({ connectionString: db.url, max: 2, supervise: false, schedule: false });
  boss.on('error', (err) => console.error(`pg-boss: ${err.message}`));
  await boss.start();
  await boss.createQueue(KIND);
  const admin = await adminClient(db.url);
  const insert = (n: number, startAfter: string) =>
    admin.query(
      `insert into pgboss.job (name, data, start_after)
       select $2, '{}'::jsonb, ${startAfter} from generate_series(1, $1::int) i`,
      [n, KIND],
    );
  return {
    name: 'pg-boss',
    workerUrl: db.url,
    insertDue: async (n) => void (await insert(n, `now() - interval '1 second'`)),
    insertPending: async (n) =>
      void (await insert(n, `now() + interval '1 day' + i * interval '1 millisecond'`)),
    schedule: (runAts) => boss.insert(runAts.map((startAfter) => ({ name: KIND, startAfter }))),
    unfired: (dueOnly) =>
      count(
        admin,
        `select count(*) as n from pgboss.job where state < 'active'${dueOnly ? ' and start_after <= now()' : ''}`,
      ),
    completed: () => count(admin, `select count(*) as n from pgboss.job where state = 'completed'`),
    clear: async () => void (await admin.query('delete from pgboss.job')),
    vacuum: async () => void (await admin.query('vacuum analyze pgboss.job')),
    async close() {
      await boss.stop({ graceful: false, wait: true });
      await admin.end();
    },
  };
}

export function openSystem(name: PgSystem, db: CreatedDatabase): Promise<SystemDatabase> {
  switch (name) {
    case 'opsbook':
      return openOpsbook(db);
    case 'graphile-worker':
      return openGraphileWorker(db);
    case 'pg-boss':
      return openPgBoss(db);
  }
}
