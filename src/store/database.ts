/**
 * The storage port: one PostgreSQL dialect, two engines (embedded PGlite, or a PostgreSQL server).
 * Everything above this file talks to `Database` and never knows which engine it has; the store
 * contract suite (test/store/contract.ts) runs the same tests against both.
 *
 * Every query runs as the non-superuser role `opsbook_app`, so row-level security always applies.
 * Tenant rows are reachable only inside `inWorkspace`, which sets the workspace for one transaction.
 */
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { Schema } from './schema.js';

export type Engine = 'pglite' | 'postgres';
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** What a use case runs its statements on: the database itself or an open transaction. */
export type Queryable = Db | Tx;

export interface TxContext {
  /** The signed-in person, for policies that let people see their own memberships and workspaces. */
  readonly userId?: string | undefined;
  /**
   * A report of several statements: one snapshot for all of them (REPEATABLE READ), read only, so its
   * figures agree with each other while tickets keep changing.
   */
  readonly report?: boolean;
}

export interface Database {
  readonly engine: Engine;
  /**
   * Whether the login behind the connections could leave `opsbook_app` (SET ROLE) for a role that
   * bypasses row-level security. Always true on PGlite (its only user is a superuser; the process owns
   * the data folder anyway); on PostgreSQL true only when DATABASE_URL names a superuser or BYPASSRLS login.
   */
  readonly loginCanBypassRls: boolean;
  /** The Drizzle handle, running as opsbook_app with no workspace set: tenant tables read empty. */
  readonly db: Db;
  /**
   * Runs `fn` in one transaction scoped to a workspace: state, timeline, timers and outbox rows written
   * inside commit together or not at all.
   *
   * @example await database.inWorkspace('ws_1', (tx) => appendTimeline(tx, {...}))
   */
  inWorkspace<T>(workspaceId: string, fn: (tx: Tx) => Promise<T>, context?: TxContext): Promise<T>;
  /** Runs `fn` in one transaction with no workspace (global tables, or the person's own memberships). */
  transaction<T>(fn: (tx: Tx) => Promise<T>, context?: TxContext): Promise<T>;
  /** Calls `onNotify` for each NOTIFY on `channel` (delivered at commit). Returns an unsubscribe. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The rows of a raw `execute()` result; both drivers return `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** The SQLSTATE of a driver error, also when Drizzle wrapped it (`cause`). */
export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}
