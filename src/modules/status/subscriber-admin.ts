/**
 * The status page's subscribers as the workspace sees them (`incidents.manage`): list, add, remove. An
 * email added here still gets the confirmation link (consent is the subscriber's to give); a webhook added
 * here is confirmed at once and its signing secret is returned once, since whoever adds it owns it.
 */
import { and, desc, eq } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import { destinations, workspaces } from '../../store/schema.js';
import { statusSubscribers, type SubscriberKind } from '../../store/schema-incidents.js';
import { appendAudit } from '../access/audit.js';
import { hashToken } from '../access/tokens.js';
import { subscriberDestination, type StatusContext } from './context.js';
import { checkWebhookUrl, newToken, subscribe } from './subscribe.js';
import { newWebhookSecret } from '../../channels/standard-webhooks.js';
import { describeUrl } from '../../channels/outbound-http.js';

export interface SubscriberView {
  readonly id: string;
  readonly kind: SubscriberKind;
  readonly address: string;
  readonly state: 'pending' | 'confirmed' | 'unsubscribed';
  readonly createdAt: string;
  readonly confirmedAt: string | null;
  readonly unsubscribedAt: string | null;
}

type SubscriberRow = typeof statusSubscribers.$inferSelect;

const view = (row: SubscriberRow): SubscriberView => ({
  id: row.id,
  kind: row.kind,
  address: row.address,
  state: row.unsubscribedAt ? 'unsubscribed' : row.confirmedAt ? 'confirmed' : 'pending',
  createdAt: row.createdAt.toISOString(),
  confirmedAt: row.confirmedAt?.toISOString() ?? null,
  unsubscribedAt: row.unsubscribedAt?.toISOString() ?? null,
});

export async function listSubscribers(ctx: StatusContext, workspaceId: string): Promise<SubscriberView[]> {
  const rows = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(statusSubscribers)
      .where(eq(statusSubscribers.workspaceId, workspaceId))
      .orderBy(desc(statusSubscribers.createdAt))
      .limit(10_000),
  );
  return rows.map(view);
}

async function findByAddress(ctx: StatusContext, workspaceId: string, kind: SubscriberKind, address: string) {
  const [row] = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(statusSubscribers)
      .where(
        and(
          eq(statusSubscribers.workspaceId, workspaceId),
          eq(statusSubscribers.kind, kind),
          eq(statusSubscribers.address, address),
        ),
      ),
  );
  return row ?? null;
}

/** Adds an email subscriber: the confirmation link goes out as if they had used the form. */
export async function addEmailSubscriber(
  ctx: StatusContext,
  workspaceId: string,
  email: string,
  actor: string,
): Promise<SubscriberView> {
  const [ws] = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId)),
  );
  if (!ws) throw new OpsError('OPS_NOT_FOUND', `No workspace "${workspaceId}".`);
  const address = email.trim().toLowerCase();
  await subscribe(ctx, ws, { kind: 'email', address });
  const row = await findByAddress(ctx, workspaceId, 'email', address);
  await ctx.database.inWorkspace(workspaceId, (tx) =>
    appendAudit(tx, ctx.now(), {
      actor,
      action: 'status.subscriber.added',
      target: row!.id,
      data: { kind: 'email' },
    }),
  );
  return view(row!);
}

/** Adds a webhook subscriber, confirmed; its signing secret is in the answer and nowhere else readable. */
export async function addWebhookSubscriber(
  ctx: StatusContext,
  workspaceId: string,
  url: string,
  actor: string,
): Promise<{ subscriber: SubscriberView; secret: string }> {
  const address = url.trim();
  await checkWebhookUrl(ctx, address, '/body/url');
  if (await findByAddress(ctx, workspaceId, 'webhook', address))
    throw new OpsError(
      'OPS_CONFLICT',
      'This webhook URL is a subscriber already; remove it first to add it again.',
    );
  const now = ctx.now();
  const id = newId('sub', now.getTime());
  const destinationId = subscriberDestination(id);
  const secret = newWebhookSecret();
  const place = (field: string) => ({ field, recordId: destinationId });
  const urlSealed = await ctx.keys.seal(workspaceId, address, place('destinations.url'));
  const secretsSealed = await ctx.keys.seal(
    workspaceId,
    JSON.stringify([secret]),
    place('destinations.secrets'),
  );
  const row = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const [created] = await tx
      .insert(statusSubscribers)
      .values({
        id,
        workspaceId,
        kind: 'webhook',
        address,
        tokenHash: hashToken(newToken()),
        confirmedAt: now,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!created)
      throw new OpsError(
        'OPS_CONFLICT',
        'This webhook URL is a subscriber already; remove it first to add it again.',
      );
    await tx.insert(destinations).values({
      workspaceId,
      id: destinationId,
      kind: 'webhook',
      urlSealed,
      urlHint: `${describeUrl(address)}/…${address.slice(-4)}`,
      secretsSealed,
      updatedAt: now,
    });
    await appendAudit(tx, now, {
      actor,
      action: 'status.subscriber.added',
      target: id,
      data: { kind: 'webhook' },
    });
    return created;
  });
  return { subscriber: view(row), secret };
}

export async function removeSubscriber(
  ctx: StatusContext,
  workspaceId: string,
  id: string,
  actor: string,
): Promise<void> {
  await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const deleted = await tx
      .delete(statusSubscribers)
      .where(and(eq(statusSubscribers.workspaceId, workspaceId), eq(statusSubscribers.id, id)))
      .returning({ id: statusSubscribers.id });
    if (deleted.length === 0)
      throw new OpsError('OPS_NOT_FOUND', `No subscriber "${id}" on this status page.`);
    await tx
      .delete(destinations)
      .where(and(eq(destinations.workspaceId, workspaceId), eq(destinations.id, subscriberDestination(id))));
    await appendAudit(tx, ctx.now(), { actor, action: 'status.subscriber.removed', target: id, data: {} });
  });
}
