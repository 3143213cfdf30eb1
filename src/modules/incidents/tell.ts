/**
 * A message to one member of the team about an incident (an action item's nag, an approval waiting):
 * an in-app notification and an email, recorded in the caller's transaction. Person-directed, so it does
 * not need a pack channel: the seeds' packs name channels for routes (Slack, SMS), not for nagging one
 * owner.
 */
import { and, eq } from 'drizzle-orm';
import { enqueueMessages } from '../../engine/outbox.js';
import type { Tx } from '../../store/database.js';
import { memberships, users } from '../../store/schema.js';

export async function tellMember(
  tx: Tx,
  workspaceId: string,
  userId: string,
  message: { key: string; subject: string; text: string; record: string; level?: string },
): Promise<void> {
  const [member] = await tx
    .select({ email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  if (!member) return;
  const context = {
    subject: message.record,
    eventType: 'notify',
    ...(message.level ? { level: message.level } : {}),
  };
  await enqueueMessages(tx, workspaceId, [
    {
      idempotencyKey: `${message.key}:in-app`,
      channel: 'in-app',
      recipient: `user:${userId}`,
      payload: { to: userId, userId, subject: message.subject, text: message.text, automatic: true, context },
    },
    {
      idempotencyKey: `${message.key}:email`,
      channel: 'email',
      recipient: member.email,
      payload: {
        to: member.email,
        ...(member.name ? { name: member.name } : {}),
        userId,
        subject: message.subject,
        text: message.text,
        automatic: true,
        context,
      },
    },
  ]);
}
