/**
 * Forward-only migrations: the SQL files in ./migrations, applied in order by Drizzle's migrator under
 * the connecting (owner) role, and recorded in drizzle.__drizzle_migrations.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Queryable } from './database.js';
import { pgCode, rowsOf } from './database.js';

/** The folder of committed migrations; the same path from src/ (tests) and dist/ (built). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../src/store/migrations', import.meta.url));

export interface MigrationStatus {
  readonly applied: number;
  readonly expected: number;
  readonly current: boolean;
}

/** The migrations this build knows, newest last. */
export function knownMigrations() {
  return readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
}

/** Whether the database has every migration this build expects (for /readyz). */
export async function migrationStatus(db: Queryable): Promise<MigrationStatus> {
  const known = knownMigrations();
  const newest = known.at(-1)?.folderMillis ?? 0;
  let applied = 0;
  let last = 0;
  try {
    const rows = rowsOf<{ n: string | number; last: string | number | null }>(
      await db.execute(sql`select count(*) as n, max(created_at) as last from drizzle.__drizzle_migrations`),
    );
    applied = Number(rows[0]?.n ?? 0);
    last = Number(rows[0]?.last ?? 0);
  } catch (err) {
    // 42P01 / 3F000: the table or its schema does not exist yet, i.e. nothing is migrated.
    const code = pgCode(err);
    if (code !== '42P01' && code !== '3F000') throw err;
  }
  return { applied, expected: known.length, current: applied >= known.length && last >= newest };
}
