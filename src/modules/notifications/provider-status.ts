/**
 * The SMS / voice provider's status callbacks: `delivered`, `failed`, `no-answer`… land on the delivery
 * they are about (matched by the provider's id), so the log shows whether the message arrived, not only
 * that it was handed over. A critical message that finally failed tells the owners.
 */
import { and, eq } from 'drizzle-orm';
import type { TwilioStatus } from '../../channels/twilio-status.js';
import type { Database } from '../../store/database.js';
import { outbox } from '../../store/schema.js';
import { reportUndeliverable } from './undeliverable.js';

/** Records a status; returns false when no delivery of the workspace has that provider id. */
export async function recordProviderStatus(
  database: Database,
  workspaceId: string,
  status: TwilioStatus,
  now: Date,
): Promise<boolean> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const [row] = await tx
      .update(outbox)
      .set({
        providerStatus: status.status,
        ...(status.failed
          ? { lastError: (status.error ?? `the provider reported ${status.status}`).slice(0, 2000) }
          : {}),
      })
      .where(and(eq(outbox.workspaceId, workspaceId), eq(outbox.providerId, status.providerId)))
      .returning();
    if (!row) return false;
    if (status.final && status.failed && row.critical)
      await reportUndeliverable(
        tx,
        {
          id: row.id,
          workspaceId,
          idempotencyKey: row.idempotencyKey,
          channel: row.channel,
          payload: row.payload as Record<string, unknown>,
          attempts: row.attempts,
          critical: true,
        },
        `the provider reported ${status.status}${status.error ? ` (${status.error})` : ''}`,
        now,
      );
    return true;
  });
}
