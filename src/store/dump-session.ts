/**
 * One privileged connection for `opsbook backup` and `opsbook restore`, on either engine, with streaming
 * COPY both ways. Everything else in Opsbook runs as `opsbook_app` under row-level security; a dump has to
 * read and write every workspace's rows and load past the append-only triggers, so this connection does not.
 *
 * - PGlite: opened with `openPglite` (so the data folder's lock holds: a running server refuses us with
 *   OPS_DATA_DIR_LOCKED, and the dump needs it stopped), then `SET ROLE NONE` back to PGlite's own
 *   superuser. PGlite has no COPY TO STDOUT stream; it has `COPY … TO '/dev/blob'`, which hands back the
 *   whole output as one Blob. So a table is copied out in slices of its heap, `WHERE ctid >= '(p,0)' AND
 *   ctid < '(p+n,0)'` (a TID range scan, PostgreSQL 14+), each slice one bounded Blob, all in one snapshot.
 *   The text is PostgreSQL's own COPY output, byte for byte what pg_dump writes, and memory stays at one
 *   slice (8 MB of heap) whatever the table's size. Loading goes the same way: `COPY … FROM '/dev/blob'`
 *   with slices of whole lines. Row-by-row reads through a cursor were the alternative: they would need
 *   our own re-implementation of every type's output function, slower and easier to get wrong.
 * - PostgreSQL: a plain node-postgres client on OPSBOOK_MIGRATION_DATABASE_URL (else DATABASE_URL), streaming
 *   with pg-copy-streams (COPY TO STDOUT / FROM STDIN). Row-level security is forced on every tenant table,
 *   even for its owner, so backup needs a login that bypasses it (superuser or BYPASSRLS, as pg_dump does),
 *   and restore a superuser (session_replication_role, as pg_restore --disable-triggers does).
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Config } from '../config/config.js';
import { OpsError } from '../errors/catalog.js';
import type { Engine } from './database.js';
import { quoteName } from './dump-format.js';
import { openDatabase } from './open.js';
import { openPglite } from './pglite.js';

export type DumpPurpose = 'backup' | 'restore';

/** Where COPY data goes, chunk by chunk; `write` resolves when more may be written. */
export interface CopySink {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
  /** Abandons the COPY (nothing of it is kept); never throws. */
  abort(): Promise<void>;
}

export interface DumpSession {
  readonly engine: Engine;
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Streams a table's rows in COPY text format to `sink`, in the session's current snapshot. */
  copyOut(table: string, columns: string, sink: (chunk: Buffer) => Promise<void>): Promise<void>;
  /** Opens `COPY table (columns) FROM` for whole lines of COPY text. */
  copyIn(table: string, columns: string): Promise<CopySink>;
  close(): Promise<void>;
}

type DumpConfig = Pick<
  Config,
  'databaseUrl' | 'migrationDatabaseUrl' | 'dataDir' | 'databasePoolMax' | 'embeddedSharedBuffersMb'
>;

/** PGlite slices: 1024 pages of 8 kB. */
const SLICE_PAGES = 1024;
/** PGlite loads: whole lines up to about this many bytes per COPY FROM. */
const LOAD_SLICE_BYTES = 8 * 1024 * 1024;

export async function openDumpSession(config: DumpConfig, purpose: DumpPurpose): Promise<DumpSession> {
  return config.databaseUrl ? openPostgresSession(config, purpose) : openPgliteSession(config, purpose);
}

async function openPgliteSession(config: DumpConfig, purpose: DumpPurpose): Promise<DumpSession> {
  let database;
  try {
    // A backup reads the folder as it is; a restore brings it to this build's level first (an empty
    // folder becomes a migrated database).
    database = await openPglite({
      dataDir: config.dataDir,
      migrate: purpose === 'restore',
      sharedBuffersMb: config.embeddedSharedBuffersMb,
    });
  } catch (err) {
    if (err instanceof OpsError && err.code === 'OPS_DATA_DIR_LOCKED')
      throw new OpsError(
        'OPS_DATA_DIR_LOCKED',
        `${err.detail ?? err.message} The embedded database has one owner: stop \`opsbook serve\` before \`opsbook ${purpose}\`, then run it again.`,
      );
    throw err;
  }
  const client = (database.db as unknown as { $client: PGlite }).$client;
  await client.exec('SET ROLE NONE');
  const query = async <T>(text: string, params: readonly unknown[] = []) =>
    (await client.query<T>(text, [...params])).rows;
  return {
    engine: 'pglite',
    query,
    async copyOut(table, columns, sink) {
      const [size] = await query<{ pages: number }>(
        `select (pg_relation_size($1::regclass) / current_setting('block_size')::int)::int as pages`,
        [`public.${quoteName(table)}`],
      );
      const pages = size?.pages ?? 0;
      for (let page = 0; page === 0 || page < pages; page += SLICE_PAGES) {
        // The last slice is open-ended, so no row past the size read above can be missed.
        const upper = page + SLICE_PAGES < pages ? ` AND ctid < '(${page + SLICE_PAGES},0)'::tid` : '';
        const result = await client.query(
          `COPY (SELECT ${columns} FROM public.${quoteName(table)} WHERE ctid >= '(${page},0)'::tid${upper}) TO '/dev/blob'`,
        );
        if (result.blob && result.blob.size > 0) await sink(Buffer.from(await result.blob.arrayBuffer()));
      }
    },
    async copyIn(table, columns) {
      let pending: Buffer[] = [];
      let bytes = 0;
      const flush = async () => {
        if (bytes === 0) return;
        const blob = new Blob(pending);
        pending = [];
        bytes = 0;
        await client.query(`COPY public.${quoteName(table)} (${columns}) FROM '/dev/blob'`, [], { blob });
      };
      return {
        async write(chunk) {
          pending.push(chunk);
          bytes += chunk.length;
          if (bytes >= LOAD_SLICE_BYTES) await flush();
        },
        end: flush,
        async abort() {
          pending = [];
          bytes = 0;
        },
      };
    },
    close: () => database.close(),
  };
}

function loginOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || '(the OS user)';
  } catch {
    return '(unknown)';
  }
}

async function openPostgresSession(config: DumpConfig, purpose: DumpPurpose): Promise<DumpSession> {
  const url = config.migrationDatabaseUrl ?? config.databaseUrl ?? '';
  const variable = config.migrationDatabaseUrl ? 'OPSBOOK_MIGRATION_DATABASE_URL' : 'DATABASE_URL';
  if (purpose === 'restore') {
    // Migrates as every process does on start (owner URL, grant to the application's login): a new
    // database becomes one at this build's level, ready to load.
    const database = await openDatabase(config, { migrate: true });
    await database.close();
  }
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // a dropped connection fails the statement in flight instead
  await client.connect();
  try {
    const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      'select rolsuper, rolbypassrls from pg_roles where rolname = current_user',
    );
    const role = rows[0];
    const allowed = purpose === 'backup' ? role?.rolsuper || role?.rolbypassrls : role?.rolsuper;
    if (!allowed) {
      const needs =
        purpose === 'backup'
          ? 'a login that bypasses row-level security (superuser or BYPASSRLS)'
          : 'a superuser (it loads with triggers off, as pg_restore --disable-triggers does)';
      throw new OpsError(
        'OPS_BACKUP_PRIVILEGE',
        `${purpose} connects with ${variable}, whose login "${loginOf(url)}" is neither superuser${purpose === 'backup' ? ' nor BYPASSRLS' : ''}: row-level security is forced on Opsbook's tables, so ${purpose} needs ${needs}.`,
      );
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  const query = async <T>(text: string, params: readonly unknown[] = []) =>
    (await client.query(text, [...params])).rows as T[];
  return {
    engine: 'postgres',
    query,
    async copyOut(table, columns, sink) {
      const stream = client.query(copyTo(`COPY public.${quoteName(table)} (${columns}) TO STDOUT`));
      for await (const chunk of stream) await sink(chunk as Buffer);
    },
    async copyIn(table, columns) {
      const stream = client.query(copyFrom(`COPY public.${quoteName(table)} (${columns}) FROM STDIN`));
      // An error before the end (a bad row) is kept and thrown by the next write or end.
      let failure: Error | null = null;
      stream.on('error', (err: Error) => (failure ??= err));
      return {
        async write(chunk) {
          if (failure) throw failure;
          if (!stream.write(chunk)) await once(stream, 'drain');
        },
        async end() {
          if (failure) throw failure;
          stream.end();
          await finished(stream);
        },
        async abort() {
          // pg-copy-streams answers destroy() with CopyFail, which ends the COPY on the server.
          stream.destroy(new Error('restore abandoned'));
          await finished(stream).catch(() => undefined);
        },
      };
    },
    close: () => client.end(),
  };
}
