/**
 * The text of an Opsbook dump, apart from any I/O: the header that describes it, the statements around the
 * data, the checksum trailer, and the strict reading of each of them back. Pure: the writer and the reader
 * (dump-write.ts, dump-read.ts) do the streaming.
 *
 * A dump is what `pg_dump --data-only --disable-triggers` writes for our tables, so a PostgreSQL user can
 * also load it with `psql` into a database migrated to the same level:
 *
 *   -- Opsbook data dump                      header comment: format, versions, tables with row counts
 *   SET …;                                    the session settings the COPY text was written under
 *   COPY public.t (a, b) FROM stdin;          per table, parents before children (foreign keys)
 *   <COPY text rows>
 *   \.
 *   SELECT pg_catalog.setval('public.s', 42, true);   every sequence (identity columns)
 *   -- SHA-256: <hex>                          SHA-256 of every byte above this line
 *
 * `opsbook restore` never executes the dump's SQL: it accepts only the lines this file writes, and builds
 * its own statements from names it checked against the target database.
 */

/** Bumped when the layout changes so that an older build could not read it. */
export const DUMP_FORMAT_VERSION = 1;

export interface DumpTable {
  /** The table's name in schema public, unquoted. */
  readonly name: string;
  /** The column list as written in COPY: quoted where PostgreSQL needs it, comma-separated. */
  readonly columns: string;
  readonly rows: number;
}

export interface DumpHeader {
  readonly formatVersion: number;
  readonly opsbookVersion: string;
  /** Migrations applied to the source database, and the newest one's tag (e.g. 17, `0016_checklist_runs`). */
  readonly migrationCount: number;
  readonly migrationTag: string;
  readonly engine: string;
  readonly createdAt: string;
  /** Ids of the master keys that wrap the dump's data keys: the restored database needs them. */
  readonly masterKeys: readonly string[];
  readonly tables: readonly DumpTable[];
}

/** The session settings the data is written and read under (as pg_dump sets them), one statement a line. */
export const DUMP_SETTINGS = [
  'SET statement_timeout = 0;',
  'SET lock_timeout = 0;',
  "SET client_encoding = 'UTF8';",
  'SET standard_conforming_strings = on;',
  "SET TimeZone = 'UTC';",
  "SET DateStyle = 'ISO';",
  "SET IntervalStyle = 'postgres';",
  'SET extra_float_digits = 3;',
  "SET bytea_output = 'hex';",
  'SET row_security = off;',
  // Like pg_dump --disable-triggers: the append-only and wake-up triggers must not fire on a reload.
  'SET session_replication_role = replica;',
] as const;

const count = new Intl.NumberFormat('en');

export function formatMigrationLevel(migrationCount: number, migrationTag: string): string {
  return `${migrationCount} (${migrationTag})`;
}

/** The header comment and the settings, up to the first table's data. */
export function renderHeader(h: DumpHeader): string {
  const rows = h.tables.reduce((sum, t) => sum + t.rows, 0);
  const width = Math.max(...h.tables.map((t) => t.name.length), 5);
  return [
    '--',
    `-- Opsbook data dump, format ${h.formatVersion}`,
    '-- PostgreSQL data only, as pg_dump --data-only writes it: `opsbook restore --from <file>` loads it,',
    '-- or psql as a superuser into an empty database migrated to the same level.',
    '--',
    `-- Opsbook version: ${h.opsbookVersion}`,
    `-- Migration level: ${formatMigrationLevel(h.migrationCount, h.migrationTag)}`,
    `-- Engine: ${h.engine}`,
    `-- Created at: ${h.createdAt}`,
    `-- Master keys: ${h.masterKeys.length > 0 ? h.masterKeys.join(', ') : '(none)'}`,
    `-- Tables: ${h.tables.length}, rows: ${count.format(rows)}`,
    ...h.tables.map((t) => `--   ${t.name.padEnd(width)} ${t.rows}`),
    '--',
    '',
    ...DUMP_SETTINGS,
    '',
    '',
  ].join('\n');
}

/** The lines that open one table's data. */
export function renderCopyStart(table: DumpTable): string {
  return [
    '--',
    `-- Data for Name: ${table.name}; Type: TABLE DATA; Schema: public; Owner: -`,
    '--',
    '',
    `COPY public.${quoteName(table.name)} (${table.columns}) FROM stdin;`,
    '',
  ].join('\n');
}

export const COPY_END = '\\.\n\n\n';

export function renderSetval(sequence: string, value: string, isCalled: boolean): string {
  return `SELECT pg_catalog.setval('public.${sequence}', ${value}, ${isCalled});\n`;
}

/** The checksum's line: always the file's last 77 bytes. */
export function renderTrailer(sha256Hex: string): string {
  return `-- SHA-256: ${sha256Hex}\n`;
}

export const TRAILER_BYTES = renderTrailer('0'.repeat(64)).length;

/** The body's SHA-256 from the trailer bytes, or null when they are not a trailer (a truncated file). */
export function parseTrailer(text: string): string | null {
  return /^-- SHA-256: ([0-9a-f]{64})\n$/.exec(text)?.[1] ?? null;
}

/** Quotes a table name the way pg_dump does: only when it is not a plain lower-case identifier. */
export function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** The header read back, or what is wrong with it. */
export function parseHeader(text: string): DumpHeader | { readonly problem: string } {
  const lines = text.split('\n');
  const field = (name: string) => {
    const prefix = `-- ${name}: `;
    return lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
  };
  const format = /^-- Opsbook data dump, format (\d+)$/.exec(lines[1] ?? '');
  if (lines[0] !== '--' || !format)
    return { problem: 'it does not start with the header of an Opsbook data dump' };
  const level = /^(\d+) \(([0-9a-z_]+)\)$/.exec(field('Migration level') ?? '');
  const summary = /^(\d+), rows: [\d,]+$/.exec(field('Tables') ?? '');
  const version = field('Opsbook version');
  const createdAt = field('Created at');
  const engine = field('Engine');
  const keys = field('Master keys');
  if (!level || !summary || !version || !createdAt || !engine || keys === undefined)
    return { problem: 'its header lacks a field (Migration level, Tables, Opsbook version, Created at)' };
  const start = lines.findIndex((l) => l.startsWith('-- Tables: ')) + 1;
  const tables: DumpTable[] = [];
  for (const line of lines.slice(start, start + Number(summary[1]))) {
    const row = /^-- {3}([a-z_][a-z0-9_]*) +(\d+)$/.exec(line);
    if (!row) return { problem: `its header's table list has an unreadable line "${line.slice(0, 80)}"` };
    tables.push({ name: row[1]!, columns: '', rows: Number(row[2]) });
  }
  return {
    formatVersion: Number(format[1]),
    opsbookVersion: version,
    migrationCount: Number(level[1]),
    migrationTag: level[2]!,
    engine,
    createdAt,
    masterKeys: keys === '(none)' ? [] : keys.split(', '),
    tables,
  };
}

/** A line outside the data, read back: what it is, or null when the writer never writes such a line. */
export type DumpLine =
  | { readonly kind: 'skip' }
  | { readonly kind: 'copy'; readonly table: string; readonly columns: readonly string[] }
  | {
      readonly kind: 'setval';
      readonly sequence: string;
      readonly value: string;
      readonly isCalled: boolean;
    };

const SETTINGS = new Set<string>(DUMP_SETTINGS);

export function parseDumpLine(line: string): DumpLine | null {
  if (line === '' || line.startsWith('--') || SETTINGS.has(line)) return { kind: 'skip' };
  const copy = /^COPY public\.([a-z_][a-z0-9_]*) \((.+)\) FROM stdin;$/.exec(line);
  if (copy) return { kind: 'copy', table: copy[1]!, columns: copy[2]!.split(', ') };
  const setval =
    /^SELECT pg_catalog\.setval\('public\.([a-z_][a-z0-9_]*)', (\d{1,19}), (true|false)\);$/.exec(line);
  if (setval)
    return { kind: 'setval', sequence: setval[1]!, value: setval[2]!, isCalled: setval[3] === 'true' };
  return null;
}

/**
 * Orders tables so that each comes after the tables its foreign keys point to (pg_dump's order), by name
 * among equals. References to itself are ignored; a cycle, which our schema does not have, keeps the rest
 * of its tables in name order at the end (the restore loads with triggers off, so order is a courtesy to
 * psql users, not a requirement).
 */
export function orderByForeignKeys(
  tables: readonly string[],
  references: readonly { readonly from: string; readonly to: string }[],
): string[] {
  const needs = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const r of references) if (r.from !== r.to && needs.has(r.to)) needs.get(r.from)?.add(r.to);
  const ordered: string[] = [];
  const done = new Set<string>();
  const pending = [...tables].sort();
  while (pending.length > 0) {
    const next = pending.findIndex((t) => [...needs.get(t)!].every((n) => done.has(n)));
    const [table] = pending.splice(next === -1 ? 0 : next, 1);
    ordered.push(table!);
    done.add(table!);
  }
  return ordered;
}
