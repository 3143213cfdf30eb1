/**
 * The two engines the store and engine suites run on. PGlite always; PostgreSQL when a server answers at
 * OPSBOOK_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres). Each opened database is fresh:
 * in-memory PGlite, or a new PostgreSQL database dropped afterwards. With OPSBOOK_TEST_REQUIRE_PG=1 (CI),
 * an unreachable server fails the run instead of skipping.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { migratePostgres, openPostgres } from '../../src/store/postgres.js';

export const PG_ADMIN_URL = process.env.OPSBOOK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const probeError = await probe();
if (probeError && process.env.OPSBOOK_TEST_REQUIRE_PG === '1') {
  throw new Error(
    `OPSBOOK_TEST_REQUIRE_PG=1 but PostgreSQL at ${PG_ADMIN_URL} is unreachable: ${probeError}`,
  );
}
export const postgresAvailable = probeError === null;
export const postgresSkipReason = probeError
  ? ` (skipped: no PostgreSQL at ${PG_ADMIN_URL}: ${probeError})`
  : '';

const APP_LOGIN = 'opsbook_test_login';

/**
 * Creates an empty database on the test server. `url` is the owner's (the admin's) URL, used to migrate;
 * `appUrl` logs in as an unprivileged member of opsbook_app, as docs/operations.md tells operators to run
 * the application. `migrate()` creates that login if needed and migrates, which grants it its role.
 */
export async function createPostgresDatabase(): Promise<{
  url: string;
  appUrl: string;
  migrate: () => Promise<void>;
  drop: () => Promise<void>;
}> {
  const name = `opsbook_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const appUrl = new URL(url);
  appUrl.username = APP_LOGIN;
  appUrl.password = '';
  return {
    url: url.toString(),
    appUrl: appUrl.toString(),
    async migrate() {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        // Roles are shared by the cluster: parallel test files may race to create it.
        await c.query(`DO $$ BEGIN CREATE ROLE ${APP_LOGIN} LOGIN NOSUPERUSER NOBYPASSRLS;
                       EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
      } finally {
        await c.end();
      }
      await migratePostgres(url.toString(), { grantTo: APP_LOGIN });
    },
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface EngineUnderTest {
  readonly name: 'pglite' | 'postgres';
  readonly available: boolean;
  readonly title: string;
  /** Opens a fresh, migrated database; `second()` opens another handle on the same data (PostgreSQL only). */
  open(): Promise<OpenedDatabase>;
}

export interface OpenedDatabase {
  readonly database: Database;
  /** Another independent connection pool to the same database (PostgreSQL), for multi-process tests. */
  second(): Promise<Database>;
  close(): Promise<void>;
}

export const ENGINES: readonly EngineUnderTest[] = [
  {
    name: 'pglite',
    available: true,
    title: 'pglite',
    async open() {
      const database = await openPglite();
      return {
        database,
        second: () => Promise.reject(new Error('PGlite is one process: no second handle')),
        close: () => database.close(),
      };
    },
  },
  {
    name: 'postgres',
    available: postgresAvailable,
    title: `postgres${postgresSkipReason}`,
    async open() {
      const created = await createPostgresDatabase();
      await created.migrate();
      const database = await openPostgres({ url: created.appUrl, poolMax: 5, migrate: false });
      const others: Database[] = [];
      return {
        database,
        async second() {
          const other = await openPostgres({ url: created.appUrl, poolMax: 5, migrate: false });
          others.push(other);
          return other;
        },
        async close() {
          await Promise.all(others.map((o) => o.close()));
          await database.close();
          await created.drop();
        },
      };
    },
  },
];
