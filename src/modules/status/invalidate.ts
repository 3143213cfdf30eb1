/**
 * Telling every cached status page that something it shows changed. Two ways, because a page may be
 * cached in several processes:
 * - `statusChangedIn(tx, workspaceId)` inside the writer's transaction: a `pg_notify` PostgreSQL delivers
 *   at commit (never for a rollback) to every process listening (status-cache.ts), this one included;
 * - `invalidateStatusPage(workspaceId)` after a commit, in this process only, for writers that cannot
 *   send the NOTIFY (or want the page fresh before the notification comes round).
 * A short TTL in the cache catches anything that changed without either.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../../store/database.js';

/** The NOTIFY channel; the payload is the workspace id ('' from a reconnect: every workspace). */
export const STATUS_CHANNEL = 'opsbook_status';

/** What a cache must do when told (status-cache.ts registers itself). */
export interface Invalidatable {
  invalidate(workspaceId: string | null): void;
}

const caches = new Set<Invalidatable>();

/** Registers a cache of this process; returns the unregister. */
export function registerStatusCache(cache: Invalidatable): () => void {
  caches.add(cache);
  return () => caches.delete(cache);
}

/**
 * Drops the workspace's page in every cache of this process (the last snapshot is kept only to be shown,
 * marked stale, while the database is down). Call it after the change committed.
 */
export function invalidateStatusPage(workspaceId: string): void {
  for (const cache of caches) cache.invalidate(workspaceId);
}

/**
 * Records, in the writer's transaction, that the workspace's status page changed: every process drops its
 * page when the transaction commits.
 *
 * @example await database.inWorkspace(ws, async (tx) => { await setComponentStatus(tx, …); await statusChangedIn(tx, ws); })
 */
export async function statusChangedIn(tx: Tx, workspaceId: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${STATUS_CHANNEL}, ${workspaceId})`);
}
