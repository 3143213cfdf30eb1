/**
 * What a dump is made of, read from the database's own catalog rather than from our Drizzle schema, so a
 * dump always matches the database it came from: Opsbook's tables in schema public (columns in order,
 * generated columns left out as pg_dump does), their foreign keys, sequences, and the migration level
 * (drizzle.__drizzle_migrations, named by the migration journal's tags).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DumpSession } from './dump-session.js';
import { MIGRATIONS_FOLDER } from './migrate.js';

export interface CatalogTable {
  readonly name: string;
  /** Quoted where needed (PostgreSQL's quote_ident), comma-separated, in column order. */
  readonly columns: string;
}

export interface MigrationLevel {
  readonly count: number;
  readonly tag: string;
}

interface JournalEntry {
  readonly when: number;
  readonly tag: string;
}

function journal(): readonly JournalEntry[] {
  const path = join(MIGRATIONS_FOLDER, 'meta', '_journal.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { entries: JournalEntry[] }).entries;
}

/** The level this build migrates to, and so the only one it restores. */
export function buildMigrationLevel(): MigrationLevel {
  const entries = journal();
  return { count: entries.length, tag: entries.at(-1)?.tag ?? 'none' };
}

/** The level of the session's database: how many migrations it has, and the newest one's tag. */
export async function databaseMigrationLevel(session: DumpSession): Promise<MigrationLevel> {
  const [exists] = await session.query<{ ok: boolean }>(
    `select to_regclass('drizzle.__drizzle_migrations') is not null as ok`,
  );
  if (!exists?.ok) return { count: 0, tag: 'none' };
  const [row] = await session.query<{ n: number; last: string | null }>(
    'select count(*)::int as n, max(created_at)::text as last from drizzle.__drizzle_migrations',
  );
  const last = Number(row?.last ?? 0);
  return {
    count: row?.n ?? 0,
    tag: journal().find((e) => e.when === last)?.tag ?? (last === 0 ? 'none' : `unknown_${last}`),
  };
}

export async function listTables(session: DumpSession): Promise<CatalogTable[]> {
  return session.query<CatalogTable>(
    `select c.relname as name, string_agg(quote_ident(a.attname), ', ' order by a.attnum) as columns
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      where n.nspname = 'public' and c.relkind = 'r'
      group by c.relname
      order by c.relname`,
  );
}

export async function listForeignKeys(
  session: DumpSession,
): Promise<{ readonly from: string; readonly to: string }[]> {
  return session.query(
    `select f.relname as "from", t.relname as "to"
       from pg_constraint k
       join pg_class f on f.oid = k.conrelid
       join pg_class t on t.oid = k.confrelid
       join pg_namespace n on n.oid = f.relnamespace
      where k.contype = 'f' and n.nspname = 'public'`,
  );
}

export async function listSequences(session: DumpSession): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'S' order by c.relname`,
  );
  return rows.map((r) => r.name);
}
