/**
 * The embedded engine: PostgreSQL compiled to WebAssembly, in this process, data in a folder.
 *
 * Durability: PGlite on Node does not fsync. A write acknowledged after commit survives the process
 * being killed (the data reached the OS), not an OS crash or power loss. Use PostgreSQL in production.
 *
 * One process owns a data folder: a lock file with our pid refuses a second live owner.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
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

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** The process's start time in clock ticks since boot (/proc), telling a reused pid from its owner. */
  readonly started: string | null;
}

function processStarted(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isRunning(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStarted(owner.pid);
  return owner.started === null || started === null || started === owner.started;
}

function readOwner(lockFile: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null;
  }
}

const openHere = new Set<string>();

/**
 * Takes the folder's lock: the lock file is created exclusively and names its owner (host, pid, process
 * start time). A lock whose owner is gone from this host is stale and taken over; a live owner, or one on
 * another host (a shared volume), is refused with OPS_DATA_DIR_LOCKED. Returns the release.
 */
function lockDataDir(dataDir: string): () => void {
  const locked = (detail: string) => new OpsError('OPS_DATA_DIR_LOCKED', detail);
  if (openHere.has(dataDir)) throw locked(`The data folder ${dataDir} is already open in this process.`);
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'opsbook.lock');
  const me: LockOwner = { pid: process.pid, host: hostname(), started: processStarted(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside, then linked into place: link() fails if the lock exists, and a lock that exists is
    // never half-written.
    const draft = `${lockFile}.${process.pid}`;
    writeFileSync(draft, JSON.stringify(me));
    try {
      linkSync(draft, lockFile);
      openHere.add(dataDir);
      return () => {
        openHere.delete(dataDir);
        if (readOwner(lockFile)?.pid === me.pid) rmSync(lockFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(draft, { force: true });
    }
    const owner = readOwner(lockFile);
    if (owner && owner.host !== me.host) {
      throw locked(
        `The data folder ${dataDir} is locked by process ${owner.pid} on host "${owner.host}". If that host no longer runs Opsbook, delete ${lockFile}.`,
      );
    }
    if (owner && isRunning(owner))
      throw locked(`The data folder ${dataDir} is used by process ${owner.pid}.`);
    // The owner is gone from this host (or the file is not ours to read): take it over.
    rmSync(lockFile, { force: true });
  }
  throw locked(`Could not take the lock ${lockFile}: another process keeps taking it.`);
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
    loginCanBypassRls: true,
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
