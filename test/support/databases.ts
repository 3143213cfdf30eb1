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
import { openPostgres } from '../../src/store/postgres.js';

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

/** Creates an empty database on the test server; returns its URL and a drop function. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `opsbook_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
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
      const { url, drop } = await createPostgresDatabase();
      const database = await openPostgres({ url, poolMax: 5 });
      const others: Database[] = [];
      return {
        database,
        async second() {
          const other = await openPostgres({ url, poolMax: 5, migrate: false });
          others.push(other);
          return other;
        },
        async close() {
          await Promise.all(others.map((o) => o.close()));
          await database.close();
          await drop();
        },
      };
    },
  },
];
