/**
 * `opsbook backup --out <file>` and `opsbook restore --from <file> [--yes]`: Opsbook's own data (issue 10,
 * "Backups and recovery": "`opsbook backup` / `opsbook restore` … with a progress bar and a checksum").
 *
 * The format is a plain SQL data dump as `pg_dump --data-only --disable-triggers` writes it (header
 * comment, then per table `COPY … FROM stdin;` with COPY text rows and `\.`, then the sequences), ending
 * with a `-- SHA-256:` line over everything above it; a sidecar `<file>.sha256` in `sha256sum` format
 * covers the whole file. Why this and not the alternatives:
 * - one format for both engines, so an embedded installation moves to PostgreSQL by backup and restore,
 *   and a PostgreSQL user can read or load a dump with the tools they know (psql, grep, sha256sum);
 * - data only, not schema: the schema is the migrations', and a dump records its migration level, so a
 *   restore loads into a database migrated by the same build and refuses any other level;
 * - not PGlite's `dumpDataDir()` (a tarball of the data folder held in memory, engine- and
 *   version-specific) nor pg_dump itself (a binary to install, and no PGlite);
 * - streamed both ways (dump-session.ts says how on each engine), so 1 GB needs no more memory than 1 MB.
 *
 * The embedded database has one owner: backup and restore of OPSBOOK_DATA need the server stopped
 * (OPS_DATA_DIR_LOCKED otherwise). On PostgreSQL a backup runs beside live servers (one snapshot).
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import { OpsError } from '../errors/catalog.js';
import { packageVersion } from '../shared/paths.js';
import { buildMigrationLevel, databaseMigrationLevel } from '../store/dump-catalog.js';
import { DUMP_FORMAT_VERSION, formatMigrationLevel } from '../store/dump-format.js';
import { loadDump } from '../store/dump-load.js';
import { verifyDump, type VerifiedDump } from '../store/dump-read.js';
import { openDumpSession, type DumpSession } from '../store/dump-session.js';
import { writeDump } from '../store/dump-write.js';
import {
  BarView,
  backupLine,
  describeThroughput,
  megabytesPerSecond,
  plural,
  restoreLine,
} from './backup-progress.js';

export const BACKUP_USAGE = `opsbook backup --out <file> [--json]

  Writes every workspace's data, in one consistent snapshot, as a PostgreSQL data dump (COPY blocks, as
  pg_dump --data-only writes them) ending with its SHA-256, and <file>.sha256 beside it (sha256sum -c).
  --out    the dump file to write (replaced only once the new dump is whole).
  --json   print the summary as JSON: { file, tables, rows, bytes, seconds, mbPerSecond, sha256, … }.

The embedded database (OPSBOOK_DATA) must not be in use: stop \`opsbook serve\` first. On PostgreSQL the
login of OPSBOOK_MIGRATION_DATABASE_URL (else DATABASE_URL) must be a superuser or BYPASSRLS; servers may
keep running. A progress bar goes to standard error on a terminal. Exit 0 when written, 1 when not.`;

export const RESTORE_USAGE = `opsbook restore --from <file> [--yes] [--json]

  Replaces all of the database's data with a dump written by \`opsbook backup\`, in one transaction.
  The file is checked first (its SHA-256, <file>.sha256 when present, its format and migration level):
  a damaged or incompatible dump is refused and nothing changes.
  --from   the dump file.
  --yes    replace a database that already holds workspaces or people (refused without it).
  --json   print the summary as JSON.

The embedded database (OPSBOOK_DATA) must not be in use: stop \`opsbook serve\` first; an empty folder
becomes a new database. On PostgreSQL stop the servers too; the login of OPSBOOK_MIGRATION_DATABASE_URL
(else DATABASE_URL) must be a superuser. Exit 0 when restored, 1 when refused, 2 on bad usage.`;

export const BACKUP_OPTIONS = {
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const RESTORE_OPTIONS = {
  from: { type: 'string' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface BackupIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether standard error is a terminal (a progress bar) or not (no progress). */
  readonly tty: boolean;
}

function usage(io: BackupIo, command: string, message: string): number {
  io.err(`opsbook ${command}: ${message}\nSee opsbook ${command} --help.\n`);
  return 2;
}

/** Runs `opsbook backup`; returns the exit code. */
export async function backupCommand(
  config: Config,
  input: { readonly out: string; readonly json: boolean },
  io: BackupIo,
): Promise<number> {
  const file = resolve(input.out);
  if (!existsSync(dirname(file)))
    return usage(io, 'backup', `the folder of --out "${input.out}" does not exist.`);
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'pglite'))) {
    io.err(
      `opsbook backup: there is no embedded database in ${resolve(config.dataDir)} (OPSBOOK_DATA): nothing to back up. Set OPSBOOK_DATA to the folder the server uses, or DATABASE_URL for PostgreSQL.\n`,
    );
    return 1;
  }
  const started = performance.now();
  const session = await openDumpSession(config, 'backup');
  const bar = new BarView(io.tty, (text) => io.err(text));
  try {
    const result = await writeDump(
      session,
      file,
      { opsbookVersion: packageVersion(), createdAt: new Date() },
      (p) => bar.show(backupLine(p)),
    );
    bar.finish();
    const seconds = (performance.now() - started) / 1000;
    const h = result.header;
    const summary = {
      ok: true,
      file,
      sidecar: `${file}.sha256`,
      engine: session.engine,
      migrationLevel: formatMigrationLevel(h.migrationCount, h.migrationTag),
      tables: h.tables.length,
      rows: result.rows,
      bytes: result.bytes,
      seconds: Number(seconds.toFixed(3)),
      mbPerSecond: Number(megabytesPerSecond({ bytes: result.bytes, seconds }).toFixed(1)),
      sha256: result.sha256,
    };
    io.out(
      input.json
        ? `${JSON.stringify(summary)}\n`
        : `Backed up ${plural(h.tables.length, 'table', 'tables')}, ${plural(result.rows, 'row', 'rows')}, ${describeThroughput({ bytes: result.bytes, seconds })} to ${file}; sha256 ${result.sha256}.\n`,
    );
    return 0;
  } finally {
    bar.finish();
    await session.close();
  }
}

/** Refuses a dump this build cannot load: another format, or another migration level. */
function checkCompatible(dump: VerifiedDump): void {
  const h = dump.header;
  if (h.formatVersion !== DUMP_FORMAT_VERSION)
    throw new OpsError(
      'OPS_BACKUP_INCOMPATIBLE',
      `${dump.file} is a dump of format ${h.formatVersion}, written by Opsbook ${h.opsbookVersion}; this build (${packageVersion()}) reads format ${DUMP_FORMAT_VERSION}. Nothing was changed.`,
    );
  const build = buildMigrationLevel();
  if (h.migrationCount !== build.count || h.migrationTag !== build.tag)
    throw new OpsError(
      'OPS_BACKUP_INCOMPATIBLE',
      `${dump.file} is at migration level ${formatMigrationLevel(h.migrationCount, h.migrationTag)} (Opsbook ${h.opsbookVersion}); this build (${packageVersion()}) restores level ${formatMigrationLevel(build.count, build.tag)} only. Nothing was changed.`,
    );
}

/** Refuses a target that holds workspaces or people, unless told to replace them. */
async function checkTarget(session: DumpSession, yes: boolean): Promise<void> {
  const level = await databaseMigrationLevel(session);
  const build = buildMigrationLevel();
  if (level.count !== build.count || level.tag !== build.tag)
    throw new OpsError(
      'OPS_BACKUP_INCOMPATIBLE',
      `The target database is at migration level ${formatMigrationLevel(level.count, level.tag)}, not this build's ${formatMigrationLevel(build.count, build.tag)} (a newer Opsbook migrated it). Restore with that version, or into another database. Nothing was changed.`,
    );
  if (yes) return;
  const [held] = await session.query<{ workspaces: number; users: number; names: string | null }>(
    `select (select count(*)::int from workspaces) as workspaces, (select count(*)::int from users) as users,
            (select string_agg(name, ', ' order by name) from (select name from workspaces order by name limit 5) w) as names`,
  );
  if (held && (held.workspaces > 0 || held.users > 0))
    throw new OpsError(
      'OPS_BACKUP_TARGET_NOT_EMPTY',
      `The target database holds ${plural(held.workspaces, 'workspace', 'workspaces')}${held.names ? ` (${held.names}${held.workspaces > 5 ? ', …' : ''})` : ''} and ${plural(held.users, 'person', 'people')}: the restore would replace all of them with the dump's. Run it again with --yes to replace them. Nothing was changed.`,
    );
}

/** Runs `opsbook restore`; returns the exit code. */
export async function restoreCommand(
  config: Config,
  input: { readonly from: string; readonly yes: boolean; readonly json: boolean },
  io: BackupIo,
): Promise<number> {
  const found = await stat(input.from).catch(() => null);
  if (!found?.isFile()) return usage(io, 'restore', `no file "${input.from}".`);
  const started = performance.now();
  // Checked end to end before any database is opened: a bad file changes nothing, not even a migration.
  const dump = await verifyDump(resolve(input.from));
  checkCompatible(dump);
  const session = await openDumpSession(config, 'restore');
  const bar = new BarView(io.tty, (text) => io.err(text));
  try {
    await checkTarget(session, input.yes);
    const result = await loadDump(session, dump, (p) => bar.show(restoreLine(p)));
    bar.finish();
    const seconds = (performance.now() - started) / 1000;
    const bytes = dump.bodyBytes;
    const summary = {
      ok: true,
      file: dump.file,
      sidecar: dump.sidecar,
      engine: session.engine,
      migrationLevel: formatMigrationLevel(dump.header.migrationCount, dump.header.migrationTag),
      createdAt: dump.header.createdAt,
      tables: result.tables,
      rows: result.rows,
      sequences: result.sequences,
      bytes,
      seconds: Number(seconds.toFixed(3)),
      mbPerSecond: Number(megabytesPerSecond({ bytes, seconds }).toFixed(1)),
      sha256: dump.sha256,
      masterKeys: dump.header.masterKeys,
    };
    if (input.json) io.out(`${JSON.stringify(summary)}\n`);
    else io.out(describeRestore(summary));
    return 0;
  } finally {
    bar.finish();
    await session.close();
  }
}

function describeRestore(s: {
  file: string;
  sidecar: string;
  createdAt: string;
  tables: number;
  rows: number;
  bytes: number;
  seconds: number;
  sha256: string;
  masterKeys: readonly string[];
}): string {
  const lines = [
    `Restored ${plural(s.tables, 'table', 'tables')}, ${plural(s.rows, 'row', 'rows')}, ${describeThroughput(s)} from ${s.file} (taken ${s.createdAt}); sha256 ${s.sha256}${s.sidecar === 'absent' ? ' (no .sha256 beside it: the checksum line inside matched)' : ''}.`,
  ];
  // The dump holds data keys wrapped by master keys, never the master keys themselves (docs/security.md).
  if (s.masterKeys.length > 0)
    lines.push(
      `Its secrets are sealed under the master key${s.masterKeys.length === 1 ? '' : 's'} ${s.masterKeys.join(', ')}: start Opsbook with ${s.masterKeys.length === 1 ? 'that key' : 'those keys'} (OPSBOOK_MASTER_KEY, OPSBOOK_MASTER_KEY_FILE or OPSBOOK_DATA/master.key).`,
    );
  lines.push(`Check the audit logs with \`opsbook audit verify --workspace '*'\` (and each workspace's id).`);
  return `${lines.join('\n')}\n`;
}
