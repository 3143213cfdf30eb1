/** SQL for "now" as the engine's clock sees it: the injected instant, or the database's own clock. */
import { sql, type SQL } from 'drizzle-orm';

/** The instant as a timestamptz parameter (NULL when the database's clock is meant). */
export function sqlInstant(now: Date | null): SQL {
  return sql`${now ? now.toISOString() : null}::timestamptz`;
}

/** The engine's "now" inside a statement. */
export function sqlNow(now: Date | null): SQL {
  return sql`coalesce(${sqlInstant(now)}, clock_timestamp())`;
}
