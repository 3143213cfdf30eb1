/**
 * What people read: their in-app notifications (the bell), the workspace's dashboard feed, and the log of
 * every message and delivery attempt (who, what, when, channel, result, provider id, error).
 */
import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { Database } from '../../store/database.js';
import { deliveryAttempts, notifications, outbox } from '../../store/schema.js';
import { appendAudit } from '../access/audit.js';

export interface NotificationView {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly level: string | null;
  readonly subject: string | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}

const toView = (n: typeof notifications.$inferSelect): NotificationView => ({
  id: n.id,
  title: n.title,
  body: n.body,
  level: n.level,
  subject: n.subject,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
});

/** A person's notifications (userId) or the dashboard feed (null), newest first. */
export async function listNotifications(
  database: Database,
  workspaceId: string,
  userId: string | null,
  options: { readonly unreadOnly?: boolean; readonly limit?: number; readonly before?: Date } = {},
): Promise<{ items: NotificationView[]; unread: number }> {
  const who = userId === null ? isNull(notifications.userId) : eq(notifications.userId, userId);
  return database.inWorkspace(workspaceId, async (tx) => {
    const conditions: SQL[] = [who];
    if (options.unreadOnly) conditions.push(isNull(notifications.readAt));
    if (options.before) conditions.push(lt(notifications.createdAt, options.before));
    const rows = await tx
      .select()
      .from(notifications)
      .where(and(...conditions))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(options.limit ?? 50);
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(who, isNull(notifications.readAt)));
    return { items: rows.map(toView), unread: Number(count?.n ?? 0) };
  });
}

/** Marks some (or all) of a person's notifications read; returns how many changed. */
export async function markRead(
  database: Database,
  workspaceId: string,
  userId: string,
  ids: readonly string[] | 'all',
  now: Date,
): Promise<number> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const conditions: SQL[] = [eq(notifications.userId, userId), isNull(notifications.readAt)];
    if (ids !== 'all') conditions.push(inArray(notifications.id, [...ids]));
    const rows = await tx
      .update(notifications)
      .set({ readAt: now })
      .where(and(...conditions))
      .returning({ id: notifications.id });
    return rows.length;
  });
}

/** What the log shows instead of a message that holds a secret. */
export const HIDDEN = '(hidden: this message holds a secret, such as a sign-in code or an invitation link)';

export interface DeliveryView {
  readonly id: string;
  readonly channel: string;
  readonly status: string;
  readonly recipient: string | null;
  readonly to: string | null;
  readonly subject: string | null;
  readonly text: string | null;
  readonly parentId: string | null;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly providerId: string | null;
  readonly providerStatus: string | null;
  readonly lastError: string | null;
  readonly critical: boolean;
}

function deliveryView(row: typeof outbox.$inferSelect): DeliveryView {
  const p = row.payload as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const to = row.channel === 'notify' ? `${str(p.channel) ?? ''}` : str(p.to);
  // A sign-in code or an invitation link must not be readable by whoever may read the log.
  const hidden = p.sensitive === true ? HIDDEN : null;
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    recipient: row.recipient ?? (Array.isArray(p.to) ? p.to.join(', ') : null),
    to,
    subject: str(p.subject),
    text: hidden ?? str(p.text),
    parentId: row.parentId,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    providerId: row.providerId,
    providerStatus: row.providerStatus,
    lastError: row.lastError,
    critical: row.critical,
  };
}

/** Messages newest first, filtered by status and channel, paged by `before` (a creation instant). */
export async function listDeliveries(
  database: Database,
  workspaceId: string,
  filter: {
    readonly status?: string;
    readonly channel?: string;
    readonly before?: Date;
    /** With `before`: the last id of the previous page, for rows created at the same instant. */
    readonly beforeId?: string;
    readonly limit?: number;
  },
): Promise<DeliveryView[]> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(outbox.status, filter.status as 'pending'));
  if (filter.channel) conditions.push(eq(outbox.channel, filter.channel));
  if (filter.before)
    conditions.push(
      filter.beforeId
        ? or(
            lt(outbox.createdAt, filter.before),
            and(eq(outbox.createdAt, filter.before), lt(outbox.id, filter.beforeId)),
          )!
        : lt(outbox.createdAt, filter.before),
    );
  const rows = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(outbox)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(desc(outbox.createdAt), desc(outbox.id))
      .limit(filter.limit ?? 100),
  );
  return rows.map(deliveryView);
}

export interface AttemptView {
  readonly attempt: number;
  readonly at: string;
  readonly durationMs: number;
  readonly outcome: string;
  readonly code: number | null;
  readonly providerId: string | null;
  readonly error: string | null;
}

/** One message with every attempt, and the deliveries it was expanded into. */
export async function deliveryDetail(
  database: Database,
  workspaceId: string,
  id: string,
): Promise<{ delivery: DeliveryView; attempts: AttemptView[]; children: DeliveryView[] }> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const [row] = await tx.select().from(outbox).where(eq(outbox.id, id));
    if (!row) throw new OpsError('OPS_NOT_FOUND', `No message "${id}" in this workspace.`);
    const attempts = await tx
      .select()
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.messageId, id))
      .orderBy(deliveryAttempts.id);
    const children = await tx.select().from(outbox).where(eq(outbox.parentId, id)).orderBy(outbox.createdAt);
    return {
      delivery: deliveryView(row),
      attempts: attempts.map((a) => ({
        attempt: a.attempt,
        at: a.at.toISOString(),
        durationMs: a.durationMs,
        outcome: a.outcome,
        code: a.code,
        providerId: a.providerId,
        error: a.error,
      })),
      children: children.map(deliveryView),
    };
  });
}

/** Sends a dead message again, with a fresh retry schedule (after the endpoint or provider was fixed). */
export async function retryDelivery(
  database: Database,
  workspaceId: string,
  id: string,
  actor: string,
  now: Date,
): Promise<DeliveryView> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const [row] = await tx
      .update(outbox)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lockedBy: null, lockedUntil: null })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'dead')))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, id));
      if (!exists) throw new OpsError('OPS_NOT_FOUND', `No message "${id}" in this workspace.`);
      throw new OpsError(
        'OPS_CONFLICT',
        `Message "${id}" is ${exists.status}: only a dead message is retried.`,
      );
    }
    await appendAudit(tx, now, {
      actor,
      action: 'delivery.retried',
      target: id,
      data: { channel: row.channel },
    });
    return deliveryView(row);
  });
}
