/**
 * The databases of `npm run bench -- support`: embedded PGlite, or a PostgreSQL database created for the
 * run and dropped after it, each migrated and loaded with the demo (ShopSmart runs shopsmart-pro, its
 * agents are on shift, so tickets are triaged and assigned round-robin as in `opsbook serve --demo`).
 */
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { DEMO_ADMIN_EMAIL, loadDemo } from '../src/modules/admin/demo.js';
import { listMyWorkspaces } from '../src/modules/admin/workspaces.js';
import { rowsOf, type Database } from '../src/store/database.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';

/** A statement runner: the rows of `text` with `$1…` bound to `params`. */
export type RawQuery = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export interface SupportEngine {
  readonly name: 'pglite' | 'postgres';
  readonly database: Database;
  /** PostgreSQL: the application's login (no superuser), for the child servers and the peers. */
  readonly appUrl: string | null;
  /** The demo workspaces by slug, and the demo administrator. */
  readonly workspaces: ReadonlyMap<string, string>;
  readonly adminId: string;
  /**
   * Runs statements in one transaction as the database owner (a superuser), with triggers off
   * (`session_replication_role = replica`): bench data loads and the peers' tables, outside row-level
   * security and without one NOTIFY per bulk-loaded ticket.
   */
  asOwner<T>(fn: (q: RawQuery) => Promise<T>): Promise<T>;
  /** Runs one statement as the owner outside any transaction (VACUUM cannot run inside one). */
  ownerExec(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function demoOf(database: Database) {
  await loadDemo(database, new Date());
  const [admin] = rowsOf<{ id: string }>(
    await database.db.execute(sql`select id from users where email = ${DEMO_ADMIN_EMAIL}`),
  );
  if (!admin) throw new Error('the demo administrator is missing');
  const listed = await listMyWorkspaces(database, admin.id);
  return { adminId: admin.id, workspaces: new Map(listed.map((w) => [w.slug, w.id])) };
}

async function openPgliteEngine(): Promise<SupportEngine> {
  const database = await openPglite();
  const client = (database.db as unknown as { $client: PGlite }).$client;
  return {
    name: 'pglite',
    database,
    appUrl: null,
    ...(await demoOf(database)),
    asOwner: (fn) =>
      client.transaction(async (tx) => {
        // PGlite's session user is a superuser; the connection runs as opsbook_app (SET ROLE).
        await tx.exec('set local role postgres; set local session_replication_role = replica');
        return fn(async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows);
      }),
    async ownerExec(text) {
      // One statement per exec: several in one string run as a transaction block, which VACUUM refuses.
      await client.exec('set role postgres');
      try {
        await client.exec(text);
      } finally {
        await client.exec('set role opsbook_app');
      }
    },
    close: () => database.close(),
  };
}

async function openPostgresEngine(): Promise<SupportEngine> {
  const created = await createPostgresDatabase();
  await created.migrate();
  const database = await openPostgres({ url: created.appUrl, poolMax: 10, migrate: false });
  const owner = new pg.Client({ connectionString: created.url });
  await owner.connect();
  return {
    name: 'postgres',
    database,
    appUrl: created.appUrl,
    ...(await demoOf(database)),
    async asOwner(fn) {
      await owner.query('begin');
      try {
        await owner.query('set local session_replication_role = replica');
        const result = await fn(
          async (text, params) => (await owner.query<Record<string, unknown>>(text, params)).rows,
        );
        await owner.query('commit');
        return result;
      } catch (err) {
        await owner.query('rollback');
        throw err;
      }
    },
    async ownerExec(text) {
      await owner.query(text);
    },
    async close() {
      await owner.end();
      await database.close();
      await created.drop();
    },
  };
}

/** The engine, or why it is skipped. */
export async function openEngine(name: string): Promise<SupportEngine | string> {
  if (name === 'pglite') return openPgliteEngine();
  if (name !== 'postgres') return `unknown engine (pglite or postgres)`;
  if (!postgresAvailable) return postgresSkipReason.trim().replace(/^\(|\)$/g, '');
  return openPostgresEngine();
}
