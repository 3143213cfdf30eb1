/**
 * Writes a dump (format in dump-format.ts) of the session's database to a file, streaming: table by table,
 * chunk by chunk, so memory stays flat whatever the database's size. Everything is read in one REPEATABLE
 * READ, READ ONLY transaction, so the dump is one consistent instant even while a PostgreSQL server keeps
 * serving (row counts in the header are taken in that same snapshot, and checked against the rows written).
 *
 * The file is written as `<file>.partial`, synced, and renamed into place only when whole, so a failed
 * backup never replaces a good one; then the sidecar `<file>.sha256` is written in `sha256sum` format.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { basename } from 'node:path';
import { finished } from 'node:stream/promises';
import {
  COPY_END,
  DUMP_FORMAT_VERSION,
  DUMP_SETTINGS,
  orderByForeignKeys,
  renderCopyStart,
  renderHeader,
  renderSetval,
  renderTrailer,
  type DumpHeader,
  type DumpTable,
} from './dump-format.js';
import { databaseMigrationLevel, listForeignKeys, listSequences, listTables } from './dump-catalog.js';
import { quoteName } from './dump-format.js';
import type { DumpSession } from './dump-session.js';

export interface DumpProgress {
  readonly table: string;
  readonly rowsDone: number;
  readonly rowsTotal: number;
  readonly bytes: number;
}

export interface DumpResult {
  readonly file: string;
  readonly header: DumpHeader;
  readonly rows: number;
  readonly bytes: number;
  /** SHA-256 of the whole file (what the sidecar and `sha256sum` say). */
  readonly sha256: string;
}

/** Counts rows in COPY text: one line each, newlines inside values being escaped as `\n`. */
export function countLines(chunk: Buffer): number {
  let lines = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  return lines;
}

/** The dump's sink: the file, both hashes and a byte count, with back-pressure. */
function openSink(path: string) {
  const stream = createWriteStream(path, { flags: 'w', mode: 0o600 });
  const body = createHash('sha256');
  const whole = createHash('sha256');
  let bytes = 0;
  const put = async (data: Buffer | string) => {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    whole.update(buf);
    bytes += buf.length;
    if (!stream.write(buf)) await once(stream, 'drain');
  };
  return {
    bytes: () => bytes,
    async write(data: Buffer | string) {
      body.update(data);
      await put(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    },
    /** Writes the trailer, closes the file and returns the whole file's SHA-256. */
    async close(): Promise<string> {
      await put(renderTrailer(body.digest('hex')));
      stream.end();
      await finished(stream);
      return whole.digest('hex');
    },
    destroy: () => stream.destroy(),
  };
}

async function describe(session: DumpSession, meta: DumpMeta): Promise<DumpHeader> {
  const level = await databaseMigrationLevel(session);
  const found = await listTables(session);
  const order = orderByForeignKeys(
    found.map((t) => t.name),
    await listForeignKeys(session),
  );
  const byName = new Map(found.map((t) => [t.name, t]));
  const tables: DumpTable[] = [];
  for (const name of order) {
    const [row] = await session.query<{ n: string }>(
      `select count(*)::text as n from public.${quoteName(name)}`,
    );
    tables.push({ name, columns: byName.get(name)!.columns, rows: Number(row?.n ?? 0) });
  }
  const keys = byName.has('data_keys')
    ? await session.query<{ id: string }>(
        `select distinct split_part(wrapped, '.', 2) as id from public.data_keys order by 1`,
      )
    : [];
  return {
    formatVersion: DUMP_FORMAT_VERSION,
    opsbookVersion: meta.opsbookVersion,
    migrationCount: level.count,
    migrationTag: level.tag,
    engine: session.engine,
    createdAt: meta.createdAt.toISOString(),
    masterKeys: keys.map((k) => k.id).filter((id) => id !== ''),
    tables,
  };
}

export interface DumpMeta {
  readonly opsbookVersion: string;
  readonly createdAt: Date;
}

/** Dumps the session's database to `file`; `onProgress` is called after each chunk. */
export async function writeDump(
  session: DumpSession,
  file: string,
  meta: DumpMeta,
  onProgress: (p: DumpProgress) => void = () => undefined,
): Promise<DumpResult> {
  const partial = `${file}.partial`;
  await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  const sink = openSink(partial);
  try {
    // All but session_replication_role, which is for loading (and needs a superuser).
    for (const setting of DUMP_SETTINGS.slice(0, -1)) await session.query(setting);
    const header = await describe(session, meta);
    const rowsTotal = header.tables.reduce((sum, t) => sum + t.rows, 0);
    let rowsDone = 0;
    await sink.write(renderHeader(header));
    for (const table of header.tables) {
      await sink.write(renderCopyStart(table));
      let tableRows = 0;
      await session.copyOut(table.name, table.columns, async (chunk) => {
        await sink.write(chunk);
        const lines = countLines(chunk);
        tableRows += lines;
        rowsDone += lines;
        onProgress({ table: table.name, rowsDone, rowsTotal, bytes: sink.bytes() });
      });
      if (tableRows !== table.rows)
        throw new Error(`${table.name}: ${tableRows} rows written but ${table.rows} counted`);
      await sink.write(COPY_END);
    }
    for (const sequence of await listSequences(session)) {
      const [row] = await session.query<{ value: string; called: boolean }>(
        `select last_value::text as value, is_called as called from public.${quoteName(sequence)}`,
      );
      await sink.write(renderSetval(sequence, row!.value, row!.called));
    }
    await sink.write('\n');
    await session.query('COMMIT');
    const sha256 = await sink.close();
    // Synced before the rename, so a crash never leaves a whole-looking file with missing bytes.
    const handle = await open(partial, 'r+');
    await handle.sync().finally(() => handle.close());
    // The previous backup's sidecar goes first: a crash before the new one is written leaves a dump whose
    // own last line still carries its checksum, never a good dump beside a stale sidecar.
    await rm(`${file}.sha256`, { force: true });
    await rename(partial, file);
    await writeFile(`${file}.sha256.partial`, `${sha256}  ${basename(file)}\n`, { mode: 0o600 });
    await rename(`${file}.sha256.partial`, `${file}.sha256`);
    return { file, header, rows: rowsDone, bytes: sink.bytes(), sha256 };
  } catch (err) {
    sink.destroy();
    await session.query('ROLLBACK').catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
}
