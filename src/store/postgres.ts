/**
 * The server engine: a node-postgres pool. Any number of API and worker processes may share one database;
 * they coordinate only through it (row locks, SKIP LOCKED, LISTEN/NOTIFY).
 *
 * Migrations run on their own connection as the schema owner (`migrationUrl`, else `url`) under an
 * advisory lock, so processes starting together migrate once. Pooled connections log in with `url` and
 * start as `opsbook_app` (the `role` startup option), so row-level security applies to every query. For
 * RLS to hold even against injected SQL, `url`'s login must itself be unprivileged: a member of
 * opsbook_app that is neither superuser nor BYPASSRLS (docs/operations.md shows how).
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
  /** The schema owner's URL, for migrations only; defaults to `url`. */
  readonly migrationUrl?: string | undefined;
  readonly poolMax?: number;
  readonly migrate?: boolean;
  /** Reports errors of idle connections (a restarted server); they must never crash the process. */
  readonly onError?: (err: Error) => void;
}

const MIGRATION_LOCK = 7_311_907_021; // any constant shared by all Opsbook processes

/**
 * Applies pending migrations as the URL's user, once even when several processes start together. With
 * `grantTo` (the application's login, when it differs from the owner), also grants it the opsbook_app
 * role, so operators only have to create that login.
 */
export async function migratePostgres(url: string, options: { grantTo?: string } = {}): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    const login = options.grantTo;
    if (login) {
      const granted = await client.query<{ ok: boolean }>('select pg_has_role($1, $2, $3) as ok', [
        login,
        'opsbook_app',
        'MEMBER',
      ]);
      if (!granted.rows[0]?.ok) await client.query(`GRANT opsbook_app TO ${pg.escapeIdentifier(login)}`);
    }
  } finally {
    await client.end();
  }
}

/** The user name of a postgres:// URL (libpq's default, the OS user, is not guessed here). */
function loginOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).username) || undefined;
  } catch {
    return undefined;
  }
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  if (options.migrate !== false) {
    const separateOwner = options.migrationUrl !== undefined && options.migrationUrl !== options.url;
    await migratePostgres(
      options.migrationUrl ?? options.url,
      separateOwner ? { grantTo: loginOf(options.url) } : {},
    );
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    options: '-c role=opsbook_app',
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', (err) => options.onError?.(err));
  // A connection checked out when the server dies emits 'error' itself (the pool only listens on idle
  // ones); unheard, that would crash the process. The query in flight fails and the caller retries.
  pool.on('connect', (client) => client.on('error', (err) => options.onError?.(err)));
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  // Unknown (the server is down) counts as privileged: the flag only decides whether to warn.
  const privileged = await pool
    .query<{ privileged: boolean }>(
      'select coalesce(bool_or(rolsuper or rolbypassrls), false) as privileged from pg_roles where rolname = session_user',
    )
    .then((r) => r.rows[0]?.privileged ?? true)
    .catch(() => true);
  const listeners = new Set<{ close(): Promise<void> }>();
  return {
    engine: 'postgres',
    loginCanBypassRls: privileged,
    db,
    ...scopedTransactions(db),
    async listen(channel, onNotify) {
      const listener = await listenWithReconnect(options, channel, onNotify);
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.close();
      };
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.close()));
      listeners.clear();
      await pool.end();
    },
  };
}

/**
 * LISTEN on a dedicated connection (it holds its session for as long as it listens) that comes back when
 * PostgreSQL restarts or drops it: reconnects with back-off up to 30 s, and on each reconnect calls
 * `onNotify('')` once, since notifications sent while it was away are lost.
 */
async function listenWithReconnect(
  options: PostgresOptions,
  channel: string,
  onNotify: (payload: string) => void,
): Promise<{ close(): Promise<void> }> {
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 500;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async () => {
    const c = new pg.Client({ connectionString: options.url, options: '-c role=opsbook_app' });
    c.on('error', (err) => options.onError?.(err));
    c.on('notification', (msg) => {
      if (msg.channel === channel) onNotify(msg.payload ?? '');
    });
    await c.connect();
    await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    c.once('end', () => {
      if (!closed) scheduleReconnect();
    });
    client = c;
    retryMs = 500;
  };
  const scheduleReconnect = () => {
    client = null;
    retryTimer = setTimeout(() => {
      connect().then(
        () => onNotify(''),
        (err: Error) => {
          options.onError?.(err);
          retryMs = Math.min(retryMs * 2, 30_000);
          if (!closed) scheduleReconnect();
        },
      );
    }, retryMs);
    retryTimer.unref();
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await client?.end().catch(() => undefined);
    },
  };
}
