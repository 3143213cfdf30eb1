/**
 * Sets the tenant and person of one transaction. `set_config(..., true)` is transaction-local, so a pooled
 * connection never carries one request's workspace into the next.
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx, TxContext } from './database.js';

async function scope(tx: Tx, workspaceId: string | null, context: TxContext | undefined): Promise<void> {
  await tx.execute(
    sql`select set_config('opsbook.workspace_id', ${workspaceId ?? ''}, true), set_config('opsbook.user_id', ${context?.userId ?? ''}, true)`,
  );
}

/** The `inWorkspace` and `transaction` methods of Database, shared by both engines. */
export function scopedTransactions(db: Db) {
  return {
    inWorkspace<T>(workspaceId: string, fn: (tx: Tx) => Promise<T>, context?: TxContext): Promise<T> {
      if (!workspaceId) throw new Error('inWorkspace needs a workspace id');
      return db.transaction(
        async (tx) => {
          await scope(tx, workspaceId, context);
          return fn(tx);
        },
        context?.report ? { isolationLevel: 'repeatable read', accessMode: 'read only' } : undefined,
      );
    },
    transaction<T>(fn: (tx: Tx) => Promise<T>, context?: TxContext): Promise<T> {
      return db.transaction(async (tx) => {
        await scope(tx, null, context);
        return fn(tx);
      });
    },
  };
}
