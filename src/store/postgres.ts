/**
 * The server engine: a node-postgres pool. Any number of API and worker processes may share one database;
 * they coordinate only through it (row locks, SKIP LOCKED, LISTEN/NOTIFY).
 *
 * Migrations run on their own connection as the URL's user (the schema owner) under an advisory lock, so
 * processes starting together migrate once. Pooled connections then start as `opsbook_app` (the `role`
 * startup option), so row-level security applies to every query the application makes.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Database, Db } from './database.js';
import { MIGRATIONS_FOLDER } from './migrate.js';
import { schema } from './schema.js';
import { scopedTransactions } from './tenancy.js';

export interface PostgresOptions {
  readonly url: string;
  readonly poolMax?: number;
  readonly migrate?: boolean;
  /** Reports errors of idle connections (a restarted server); they must never crash the process. */
  readonly onError?: (err: Error) => void;
}

const MIGRATION_LOCK = 7_311_907_021; // any constant shared by all Opsbook processes

/** Applies pending migrations as the URL's user, once even when several processes start together. */
export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  if (options.migrate !== false) await migratePostgres(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    options: '-c role=opsbook_app',
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', (err) => options.onError?.(err));
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  const listeners = new Set<pg.Client>();
  return {
    engine: 'postgres',
    db,
    ...scopedTransactions(db),
    async listen(channel, onNotify) {
      // A dedicated connection: LISTEN holds its session for as long as we listen.
      const client = new pg.Client({ connectionString: options.url, options: '-c role=opsbook_app' });
      client.on('error', (err) => options.onError?.(err));
      client.on('notification', (msg) => {
        if (msg.channel === channel) onNotify(msg.payload ?? '');
      });
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.add(client);
      return async () => {
        listeners.delete(client);
        await client.end().catch(() => undefined);
      };
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => undefined)));
      listeners.clear();
      await pool.end();
    },
  };
}
