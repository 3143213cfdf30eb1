/**
 * The embedded engine: PostgreSQL compiled to WebAssembly, in this process, data in a folder.
 *
 * Durability: PGlite on Node does not fsync. A write acknowledged after commit survives the process
 * being killed (the data reached the OS), not an OS crash or power loss. Use PostgreSQL in production.
 *
 * One process owns a data folder: a lock file with our pid refuses a second live owner.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { OpsError } from '../errors/catalog.js';
import type { Database, Db } from './database.js';
import { MIGRATIONS_FOLDER } from './migrate.js';
import { schema } from './schema.js';
import { scopedTransactions } from './tenancy.js';

export interface PgliteOptions {
  /** Folder for the data; omitted means in memory (tests). */
  readonly dataDir?: string | undefined;
  /** Apply pending migrations before use (default true). */
  readonly migrate?: boolean;
  /** PostgreSQL's buffer cache in MiB (default 16): the bulk of an embedded process's memory. */
  readonly sharedBuffersMb?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const openHere = new Set<string>();

/** Takes the folder's lock, or throws OPS_DATA_DIR_LOCKED naming the live owner. Returns its release. */
function lockDataDir(dataDir: string): () => void {
  if (openHere.has(dataDir)) {
    throw new OpsError('OPS_DATA_DIR_LOCKED', `The data folder ${dataDir} is already open in this process.`);
  }
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'opsbook.lock');
  let owner = NaN;
  try {
    owner = Number(readFileSync(lockFile, 'utf8').trim());
  } catch {
    // no lock file: the folder is free
  }
  if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
    throw new OpsError('OPS_DATA_DIR_LOCKED', `The data folder ${dataDir} is used by process ${owner}.`);
  }
  writeFileSync(lockFile, String(process.pid));
  openHere.add(dataDir);
  return () => {
    openHere.delete(dataDir);
    rmSync(lockFile, { force: true });
  };
}

/** Opens (and by default migrates) an embedded database. */
export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(options.dataDir ? { dataDir: join(options.dataDir, 'pglite') } : {}),
      // One backend serves the whole process, so shared memory for 100 connections would be wasted.
      postgresqlconf: [`shared_buffers=${options.sharedBuffersMb ?? 16}MB`, 'max_connections=3'],
    });
  } catch (err) {
    release();
    throw err;
  }
  try {
    if (options.migrate !== false)
      await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    // PGlite's own user is a superuser, for which row-level security silently does nothing. Only a
    // never-migrated folder (opened with migrate: false to report its status) lacks the role, and it
    // has no tenant tables to protect.
    const role = await client.query(`select 1 from pg_roles where rolname = 'opsbook_app'`);
    if (role.rows.length > 0 || options.migrate !== false) await client.exec('SET ROLE opsbook_app');
  } catch (err) {
    await client.close();
    release();
    throw err;
  }
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    engine: 'pglite',
    db,
    ...scopedTransactions(db),
    async listen(channel, onNotify) {
      const unsubscribe = await client.listen(channel, onNotify);
      return () => unsubscribe();
    },
    async ping() {
      await client.query('select 1');
    },
    async close() {
      if (!client.closed) await client.close();
      release();
    },
  };
}
