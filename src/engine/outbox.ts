/**
 * Record first, send after. A decision's messages are inserted in its transaction with an idempotency key;
 * the dispatcher (worker.ts) sends them later and records the result. The message id is derived from the
 * key, so a retried send carries the same id and receivers can deduplicate.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../store/database.js';
import { rowsOf } from '../store/database.js';
import { sqlInstant } from './sql-time.js';
import { outbox } from '../store/schema.js';

export interface MessageInput {
  /** Unique per effect within the workspace, e.g. `"tkt_1:first-response:breach:email"`. */
  readonly idempotencyKey: string;
  readonly channel: string;
  readonly payload: Record<string, unknown>;
  /** Do not send before this instant. */
  readonly notBefore?: Date;
}

export interface OutboxMessage {
  readonly id: string;
  readonly workspaceId: string;
  readonly idempotencyKey: string;
  readonly channel: string;
  readonly payload: Record<string, unknown>;
  /** 1 on the first try. */
  readonly attempts: number;
}

/** The stable id of the message for an effect: `msg_` and 26 base64url characters of its SHA-256. */
export function messageId(workspaceId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${workspaceId}\u0000${idempotencyKey}`).digest('base64url');
  return `msg_${digest.slice(0, 26)}`;
}

/** Records a message; recording the same idempotency key again changes nothing. */
export async function enqueueMessage(
  tx: Tx,
  workspaceId: string,
  input: MessageInput,
): Promise<{ id: string; created: boolean }> {
  const id = messageId(workspaceId, input.idempotencyKey);
  const rows = await tx
    .insert(outbox)
    .values({
      id,
      workspaceId,
      idempotencyKey: input.idempotencyKey,
      channel: input.channel,
      payload: input.payload,
      ...(input.notBefore ? { nextAttemptAt: input.notBefore } : {}),
    })
    .onConflictDoNothing()
    .returning({ id: outbox.id });
  return { id, created: rows.length > 0 };
}

interface ClaimedMessageRow {
  id: string;
  workspace_id: string;
  idempotency_key: string;
  channel: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Claims up to `limit` pending messages that are due, across workspaces, under a lease. */
export async function claimDueMessages(
  database: Database,
  workerId: string,
  limit: number,
  leaseSeconds: number,
  now: Date | null,
): Promise<OutboxMessage[]> {
  const result = await database.db.execute(
    sql`select * from opsbook_claim_outbox(${workerId}, ${limit}, ${leaseSeconds}, ${sqlInstant(now)})`,
  );
  return rowsOf<ClaimedMessageRow>(result).map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    idempotencyKey: r.idempotency_key,
    channel: r.channel,
    payload: r.payload,
    attempts: r.attempts,
  }));
}
