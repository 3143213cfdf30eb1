/**
 * Record first, send after. A decision's messages are inserted in its transaction with an idempotency key;
 * the dispatcher (dispatcher.ts) sends them later and records the result. The message id is derived from the
 * key, so a retried send carries the same id and receivers can deduplicate.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../store/database.js';
import { outbox } from '../store/schema.js';

export interface MessageInput {
  /** Unique per effect within the workspace, e.g. `"tkt_1:first-response:breach:email"`. */
  readonly idempotencyKey: string;
  readonly channel: string;
  readonly payload: Record<string, unknown>;
  /** Do not send before this instant. */
  readonly notBefore?: Date;
  /** A delivery: the notification it was expanded from, and who it is for. */
  readonly parentId?: string;
  readonly recipient?: string;
  readonly critical?: boolean;
}

export interface OutboxMessage {
  readonly id: string;
  readonly workspaceId: string;
  readonly idempotencyKey: string;
  readonly channel: string;
  readonly payload: Record<string, unknown>;
  /** 1 on the first try. */
  readonly attempts: number;
  /** About the most urgent level: when it cannot be delivered, someone is told. */
  readonly critical?: boolean;
}

/** The outbox channel of notifications the engine recorded, before they are expanded into deliveries. */
export const NOTIFY_CHANNEL = 'notify';

/** The stable id of the message for an effect: `msg_` and 26 base64url characters of its SHA-256. */
export function messageId(workspaceId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${workspaceId}\u0000${idempotencyKey}`).digest('base64url');
  return `msg_${digest.slice(0, 26)}`;
}

/**
 * Records messages in one statement; returns the idempotency keys that were new (a key recorded before,
 * or twice in `inputs`, is recorded once).
 */
export async function enqueueMessages(
  tx: Tx,
  workspaceId: string,
  inputs: readonly MessageInput[],
): Promise<Set<string>> {
  if (inputs.length === 0) return new Set();
  const rows = await tx
    .insert(outbox)
    .values(
      inputs.map((input) => ({
        id: messageId(workspaceId, input.idempotencyKey),
        workspaceId,
        idempotencyKey: input.idempotencyKey,
        channel: input.channel,
        payload: input.payload,
        ...(input.notBefore ? { nextAttemptAt: input.notBefore } : {}),
        ...(input.parentId ? { parentId: input.parentId } : {}),
        ...(input.recipient ? { recipient: input.recipient } : {}),
        ...(input.critical ? { critical: true } : {}),
      })),
    )
    .onConflictDoNothing()
    .returning({ key: outbox.idempotencyKey });
  return new Set(rows.map((r) => r.key));
}

/** Records a message; recording the same idempotency key again changes nothing. */
export async function enqueueMessage(
  tx: Tx,
  workspaceId: string,
  input: MessageInput,
): Promise<{ id: string; created: boolean }> {
  const created = await enqueueMessages(tx, workspaceId, [input]);
  return { id: messageId(workspaceId, input.idempotencyKey), created: created.has(input.idempotencyKey) };
}
