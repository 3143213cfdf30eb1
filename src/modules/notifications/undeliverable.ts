/**
 * When a message cannot be delivered (a critical one dead after its retries, a webhook exhausted, an
 * endpoint gone with 410), someone must hear of it: the pack's `delivery.undeliverable` recipients, else
 * the workspace's owners and admins. They get an in-app notification and an email. Written in the
 * caller's transaction, under keys derived from the failed message, so telling happens once.
 */
import { resolveRecipients } from '../../core/notify/recipients.js';
import { enqueueMessage, messageId, type OutboxMessage } from '../../engine/outbox.js';
import { sqlNow } from '../../engine/sql-time.js';
import type { Tx } from '../../store/database.js';
import { notifications } from '../../store/schema.js';
import { directoryOf, governingPolicy } from './directory.js';

const DEFAULT_RECIPIENTS = ['role:owner', 'role:admin'];
export const UNDELIVERABLE_PREFIX = 'undeliverable:';

export async function reportUndeliverable(
  tx: Tx,
  message: OutboxMessage,
  reason: string,
  now: Date | null,
  /** What is reported, once per person: the failed message (default), or e.g. a subject and level. */
  reportKey: string = message.id,
): Promise<number> {
  // A report about a report that failed would loop; the in-app copy is already there.
  if (message.idempotencyKey.startsWith(UNDELIVERABLE_PREFIX)) return 0;
  const policy = await governingPolicy(tx, message.workspaceId, null);
  const recipients = policy?.pack.delivery?.undeliverable ?? DEFAULT_RECIPIENTS;
  // Without an active pack the workspace's owners and admins are still told.
  const directory = await directoryOf(tx, message.workspaceId, policy, {});
  const people = resolveRecipients(directory, recipients).addressees;
  const to = typeof message.payload.to === 'string' ? ` to ${message.payload.to}` : '';
  const about = typeof message.payload.subject === 'string' ? `“${message.payload.subject}”` : message.id;
  const title = `Could not deliver ${message.channel} message ${about}${to}`;
  const body = `${reason}\n\nMessage ${message.id} (${message.channel}), after ${message.attempts} attempt(s). See Admin → Deliveries.`;
  let told = 0;
  for (const person of people) {
    if (!person.userId) continue;
    const key = `${UNDELIVERABLE_PREFIX}${reportKey}:${person.userId}`;
    const inserted = await tx
      .insert(notifications)
      .values({
        id: messageId(message.workspaceId, key).replace('msg_', 'ntf_'),
        workspaceId: message.workspaceId,
        userId: person.userId,
        messageId: key,
        title: title.slice(0, 300),
        body,
        level: 'undeliverable',
        subject: aboutSubject(message),
        createdAt: sqlNow(now),
      })
      .onConflictDoNothing()
      .returning({ id: notifications.id });
    if (inserted.length === 0) continue;
    told++;
    if (person.email && message.channel !== 'email')
      await enqueueMessage(tx, message.workspaceId, {
        idempotencyKey: `${key}:email`,
        channel: 'email',
        recipient: person.recipient,
        payload: { to: person.email, name: person.name, subject: title, text: body, automatic: true },
        // Due by the dispatcher's clock (the database's when null), like everything it records.
        ...(now ? { notBefore: now } : {}),
      });
  }
  return told;
}

function aboutSubject(message: OutboxMessage): string | null {
  const context = message.payload.context as { subject?: unknown } | undefined;
  return typeof context?.subject === 'string' ? context.subject : null;
}
