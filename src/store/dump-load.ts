/**
 * Replaces a database's data with a verified dump, in ONE transaction: truncate every Opsbook table, load
 * each table's COPY data, set every sequence, check the file still hashes to what was verified, commit.
 * Any problem rolls everything back, so the target is either the dump's or unchanged.
 *
 * Triggers are off while loading (`session_replication_role = replica`, as pg_restore --disable-triggers):
 * the append-only logs refuse TRUNCATE by trigger, and the wake-up triggers would NOTIFY once per row.
 * Rows go back byte for byte, so the audit log's hash chains verify after a restore as before it.
 */
import { createHash } from 'node:crypto';
import { OpsError } from '../errors/catalog.js';
import { listSequences, listTables } from './dump-catalog.js';
import { DUMP_SETTINGS, parseDumpLine, quoteName } from './dump-format.js';
import { corrupt, parseBody, readBody, type VerifiedDump } from './dump-read.js';
import type { CopySink, DumpSession } from './dump-session.js';
import { countLines } from './dump-write.js';
import { pgCode } from './database.js';

export interface LoadProgress {
  readonly table: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface LoadResult {
  readonly tables: number;
  readonly rows: number;
  readonly sequences: number;
}

function sameSet(a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b);
  return a.filter((x) => !other.has(x));
}

/**
 * Refuses (OPS_BACKUP_INCOMPATIBLE) when the dump's tables are not the target's: at one migration level
 * they always are, so a difference means a hand-changed schema on one side.
 */
function checkTables(dump: VerifiedDump, target: readonly string[]): void {
  const names = dump.header.tables.map((t) => t.name);
  const missing = sameSet(names, target);
  const extra = sameSet(target, names);
  if (missing.length > 0 || extra.length > 0)
    throw new OpsError(
      'OPS_BACKUP_INCOMPATIBLE',
      `${dump.file}: its tables differ from the target database's at the same migration level (${[
        missing.length > 0 ? `only in the dump: ${missing.join(', ')}` : '',
        extra.length > 0 ? `only in the target: ${extra.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')}). Restore into a database that no one changed by hand. Nothing was changed.`,
    );
}

export async function loadDump(
  session: DumpSession,
  dump: VerifiedDump,
  onProgress: (p: LoadProgress) => void = () => undefined,
): Promise<LoadResult> {
  const targetTables = new Map((await listTables(session)).map((t) => [t.name, t.columns]));
  const targetSequences = new Set(await listSequences(session));
  checkTables(dump, [...targetTables.keys()]);
  const expectedRows = new Map(dump.header.tables.map((t) => [t.name, t.rows]));
  const file = dump.file;

  const loaded = new Set<string>();
  let table = '';
  let sink: CopySink | null = null;
  let tableRows = 0;
  let rows = 0;
  let sequences = 0;
  let bytesDone = 0;
  const hash = createHash('sha256');

  async function* hashed(): AsyncIterable<Buffer> {
    for await (const chunk of readBody(file, dump.bodyBytes)) {
      hash.update(chunk);
      bytesDone += chunk.length;
      onProgress({ table, bytesDone, bytesTotal: dump.bodyBytes });
      yield chunk;
    }
  }

  const startCopy = async (name: string, columns: readonly string[], lineNo: number) => {
    const target = targetTables.get(name);
    if (target === undefined || !expectedRows.has(name))
      throw corrupt(file, `line ${lineNo}: data for the table "${name}", which its header does not list`);
    if (loaded.has(name)) throw corrupt(file, `line ${lineNo}: a second copy of the table "${name}"`);
    const differs = [...sameSet(columns, target.split(', ')), ...sameSet(target.split(', '), columns)];
    if (differs.length > 0)
      throw new OpsError(
        'OPS_BACKUP_INCOMPATIBLE',
        `${file}, line ${lineNo}: the table "${name}" has other columns in the dump than in the target (${differs.join(', ')}). Nothing was changed.`,
      );
    loaded.add(name);
    table = name;
    tableRows = 0;
    // The dump's own column order, with names it was checked to share with the target.
    sink = await session.copyIn(name, columns.join(', '));
  };

  await session.query('BEGIN');
  try {
    for (const setting of DUMP_SETTINGS) await session.query(setting);
    const all = [...targetTables.keys()].map((t) => `public.${quoteName(t)}`).join(', ');
    await session.query(`TRUNCATE TABLE ${all} RESTART IDENTITY`);
    await parseBody(file, hashed(), {
      async line(text, lineNo) {
        const parsed = parseDumpLine(text);
        if (!parsed)
          throw corrupt(file, `line ${lineNo} is not a line opsbook backup writes: "${text.slice(0, 80)}"`);
        if (parsed.kind === 'copy') {
          await startCopy(parsed.table, parsed.columns, lineNo);
          return true;
        }
        if (parsed.kind === 'setval') {
          if (!targetSequences.has(parsed.sequence))
            throw corrupt(file, `line ${lineNo}: the sequence "${parsed.sequence}" is not in the target`);
          await session.query('select pg_catalog.setval($1::regclass, $2::bigint, $3)', [
            `public.${quoteName(parsed.sequence)}`,
            parsed.value,
            parsed.isCalled,
          ]);
          sequences++;
        }
        return false;
      },
      async data(chunk) {
        tableRows += countLines(chunk);
        await sink!.write(chunk);
      },
      async endCopy(lineNo) {
        await sink!.end();
        sink = null;
        if (tableRows !== expectedRows.get(table))
          throw corrupt(
            file,
            `line ${lineNo}: the table "${table}" has ${tableRows} rows but the header says ${expectedRows.get(table)}`,
          );
        rows += tableRows;
      },
    });
    const unloaded = [...expectedRows.keys()].filter((t) => !loaded.has(t));
    if (unloaded.length > 0)
      throw corrupt(file, `the header lists tables with no data in the file: ${unloaded.join(', ')}`);
    if (hash.digest('hex') !== dump.bodySha256)
      throw corrupt(file, 'the file changed while it was being restored');
    await session.query('COMMIT');
    return { tables: loaded.size, rows, sequences };
  } catch (err) {
    // A COPY still open holds the connection: end it (CopyFail) before the ROLLBACK can run.
    await (sink as CopySink | null)?.abort();
    await session.query('ROLLBACK').catch(() => undefined);
    // Class 22 (data exception) or 23 (integrity): PostgreSQL refused a row the checksum vouched for,
    // i.e. a dump edited and summed again. Anything else (a lost connection) is not the file's fault.
    if (/^2[23]/.test(pgCode(err) ?? ''))
      throw corrupt(file, `PostgreSQL refused the data of the table "${table}": ${(err as Error).message}`);
    throw err;
  }
}
