/**
 * Subscribing to a status page, as the public does it: an email address or a webhook URL.
 *
 * - Double opt-in: a new (or lapsed) subscriber gets one confirmation message with a link; nothing else is
 *   sent until the link's form is posted. An email gets a confirmation email; a webhook gets a signed
 *   `status.subscription.confirm` POST carrying the link (like Amazon SNS), and its signing secret is shown
 *   to whoever confirms, so only the endpoint's owner learns it.
 * - Anti-enumeration: the answer is the same whether the address was subscribed, pending or new; an
 *   active subscriber gets nothing, and a pending one no new confirmation while one went out in the current
 *   or the previous 10-minute slot (so the form cannot be used to flood an inbox).
 * - Unsubscribing acts with the random token of the message whose link was used (every message carries one,
 *   with List-Unsubscribe and List-Unsubscribe-Post for RFC 8058 one-click).
 */
import { randomBytes } from 'node:crypto';
import { sameSecret } from '../../security/link-tokens.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { checkOutboundUrl, describeUrl } from '../../channels/outbound-http.js';
import { newWebhookSecret } from '../../channels/standard-webhooks.js';
import { enqueueMessage, messageId } from '../../engine/outbox.js';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { destinations, outbox } from '../../store/schema.js';
import { statusSubscribers, type SubscriberKind } from '../../store/schema-incidents.js';
import { hashToken } from '../access/tokens.js';
import { pageUrl, subscriberDestination, type StatusContext } from './context.js';

export interface PageWorkspace {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

export type SubscribeInput =
  | { readonly kind: 'email'; readonly address: string }
  | { readonly kind: 'webhook'; readonly address: string };

const RESEND_BUCKET_MS = 10 * 60_000;

// A practical check, not RFC 5322: one @, a dotted domain, no spaces or angle brackets.
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** The form's fields as a subscription: exactly one of an email address or a webhook URL. */
export function subscribeInputOf(body: {
  readonly email?: string | undefined;
  readonly webhook?: string | undefined;
}): { readonly input: SubscribeInput } | { readonly problem: { pointer: string; message: string } } {
  const { email, webhook } = body;
  if (email !== undefined && webhook === undefined) {
    const address = email.trim().toLowerCase();
    if (address.length <= 254 && EMAIL.test(address)) return { input: { kind: 'email', address } };
    return {
      problem: { pointer: '/body/email', message: 'That is not an email address (like name@example.com).' },
    };
  }
  if (webhook !== undefined && email === undefined)
    return { input: { kind: 'webhook', address: webhook.trim() } };
  return { problem: { pointer: '/body', message: 'Give either an email address or a webhook URL.' } };
}

export const newToken = (): string => randomBytes(32).toString('base64url');

/** The link's `t`, compared in constant time with the one stored on the message. */
function sameToken(expected: unknown, given: string): boolean {
  return typeof expected === 'string' && sameSecret(expected, given);
}

/** A webhook URL the outbound client will reach (SSRF rules, src/core/ip-ranges.ts); throws a 400 otherwise. */
export async function checkWebhookUrl(ctx: StatusContext, url: string, pointer: string): Promise<void> {
  const verdict = await checkOutboundUrl(url, ctx.outboundAllow, ctx.lookup);
  if (!verdict.ok) throw new OpsError('OPS_VALIDATION', verdict.error, [{ pointer, message: verdict.error }]);
  if (!url.startsWith('https://') && ctx.outboundAllow.length === 0)
    throw new OpsError('OPS_VALIDATION', 'A webhook URL starts with https://.', [
      { pointer, message: 'use an https:// URL' },
    ]);
}

/** Seals a webhook subscriber's URL and a new signing secret into its destination row's values. */
async function sealedDestination(ctx: StatusContext, workspaceId: string, subscriberId: string, url: string) {
  const id = subscriberDestination(subscriberId);
  const place = (field: string) => ({ field, recordId: id });
  return {
    workspaceId,
    id,
    kind: 'webhook',
    urlSealed: await ctx.keys.seal(workspaceId, url, place('destinations.url')),
    urlHint: `${describeUrl(url)}/…${url.slice(-4)}`,
    secretsSealed: await ctx.keys.seal(
      workspaceId,
      JSON.stringify([newWebhookSecret()]),
      place('destinations.secrets'),
    ),
    disabledAt: null,
    disabledReason: null,
    updatedAt: ctx.now(),
  };
}

async function findSubscriber(tx: Tx, workspaceId: string, kind: SubscriberKind, address: string) {
  const [row] = await tx
    .select()
    .from(statusSubscribers)
    .where(
      and(
        eq(statusSubscribers.workspaceId, workspaceId),
        eq(statusSubscribers.kind, kind),
        eq(statusSubscribers.address, address),
      ),
    )
    .for('update');
  return row ?? null;
}

/** The confirmation message: an email, or a signed webhook to the new endpoint. */
async function enqueueConfirmation(
  tx: Tx,
  ctx: StatusContext,
  ws: PageWorkspace,
  subscriber: { id: string; kind: SubscriberKind; address: string },
  key: string,
  token: string,
): Promise<void> {
  const base = pageUrl(ctx.publicUrl, ws.slug);
  const confirmUrl = `${base}/confirm?t=${token}`;
  const unsubscribeToken = newToken();
  const unsubscribeUrl = `${base}/unsubscribe/${messageId(ws.id, key)}?t=${unsubscribeToken}`;
  const subject = `Confirm your subscription to ${ws.name} status updates`;
  const text = `Someone (we hope you) asked to receive ${ws.name} status updates ${subscriber.kind === 'email' ? 'at this address' : 'at this webhook endpoint'}.\n\nConfirm: ${confirmUrl}\n\nNothing more is sent unless you confirm. If this was not you, ignore this message.\n\nStatus page: ${base}\n`;
  const common = {
    kind: 'status',
    subscriberId: subscriber.id,
    unsubscribeToken,
    subject,
    text,
    automatic: true,
    // The link confirms for the subscriber: the delivery log and the built-in mailbox do not show it.
    sensitive: true,
  };
  await enqueueMessage(tx, ws.id, {
    idempotencyKey: key,
    channel: subscriber.kind,
    recipient: `subscriber:${subscriber.id}`,
    payload:
      subscriber.kind === 'email'
        ? { ...common, to: subscriber.address, unsubscribeUrl }
        : {
            ...common,
            to: subscriberDestination(subscriber.id),
            context: {
              eventType: 'status.subscription.confirm',
              subject: `subscriber:${subscriber.id}`,
              url: confirmUrl,
              fields: { confirm_url: confirmUrl, page_url: base, unsubscribe_url: unsubscribeUrl },
            },
          },
  });
}

/**
 * Asks to subscribe; always answers the same (nothing tells whether the address was known). Throws a 400
 * only for a webhook URL the SSRF rules refuse.
 */
export async function subscribe(ctx: StatusContext, ws: PageWorkspace, input: SubscribeInput): Promise<void> {
  const address = input.kind === 'email' ? input.address.trim().toLowerCase() : input.address.trim();
  if (input.kind === 'webhook') await checkWebhookUrl(ctx, address, '/body/webhook');
  const nowMs = ctx.now().getTime();
  const existing = await ctx.database.inWorkspace(ws.id, (tx) =>
    findSubscriber(tx, ws.id, input.kind, address),
  );
  if (existing?.confirmedAt && !existing.unsubscribedAt) return; // active already: nothing to send
  const subscriberId = existing?.id ?? newId('sub', nowMs);
  // Sealed before the transaction opens (the key service's rule on PGlite).
  const destination =
    input.kind === 'webhook' ? await sealedDestination(ctx, ws.id, subscriberId, address) : null;
  // One confirmation per 10-minute slot: none while one went out in this slot or the one before.
  const slot = Math.floor(nowMs / RESEND_BUCKET_MS);
  const keyOf = (id: string, n: number) => `status:confirm:${id}:${n}`;
  await ctx.database.inWorkspace(ws.id, async (tx) => {
    await tx
      .insert(statusSubscribers)
      .values({
        id: subscriberId,
        workspaceId: ws.id,
        kind: input.kind,
        address,
        tokenHash: `pending:${subscriberId}`,
      })
      .onConflictDoNothing();
    const row = await findSubscriber(tx, ws.id, input.kind, address);
    if (!row || (row.confirmedAt && !row.unsubscribedAt)) return;
    // Someone who unsubscribed and subscribes again starts over at once; a pending address waits its turn.
    const key = row.unsubscribedAt
      ? `status:confirm:${row.id}:renewed:${row.unsubscribedAt.getTime()}`
      : keyOf(row.id, slot);
    if (!row.unsubscribedAt) {
      const [sent] = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            eq(outbox.workspaceId, ws.id),
            inArray(outbox.idempotencyKey, [keyOf(row.id, slot), keyOf(row.id, slot - 1)]),
          ),
        );
      if (sent) return; // a confirmation went out minutes ago: its link still works
    }
    const token = newToken();
    await tx
      .update(statusSubscribers)
      .set({ tokenHash: hashToken(token), confirmedAt: null, unsubscribedAt: null })
      .where(and(eq(statusSubscribers.workspaceId, ws.id), eq(statusSubscribers.id, row.id)));
    if (destination && row.id === subscriberId)
      await tx
        .insert(destinations)
        .values(destination)
        .onConflictDoUpdate({ target: [destinations.workspaceId, destinations.id], set: destination });
    await enqueueConfirmation(tx, ctx, ws, row, key, token);
  });
}

/** The subscriber a confirmation link's token names, in the page's workspace; null when it names none. */
async function subscriberByToken(ctx: StatusContext, ws: PageWorkspace, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [found] = rowsOf<{ id: string; workspace_id: string }>(
    await ctx.database.db.execute(sql`select * from opsbook_subscriber_by_token(${hashToken(token)})`),
  );
  return found && found.workspace_id === ws.id ? found.id : null;
}

export type ConfirmOutcome =
  | { readonly outcome: 'invalid' }
  | { readonly outcome: 'pending' | 'already'; readonly kind: SubscriberKind }
  | { readonly outcome: 'confirmed'; readonly kind: SubscriberKind; readonly secret: string | null };

/**
 * Confirms the subscription a link names (`dryRun`: only says whether it would). A webhook's signing
 * secret is returned once, on confirming.
 */
export async function confirmSubscription(
  ctx: StatusContext,
  ws: PageWorkspace,
  token: string,
  options: { readonly dryRun?: boolean } = {},
): Promise<ConfirmOutcome> {
  const id = await subscriberByToken(ctx, ws, token);
  if (!id) return { outcome: 'invalid' };
  const result = await ctx.database.inWorkspace(ws.id, async (tx) => {
    const [row] = await tx
      .select()
      .from(statusSubscribers)
      .where(and(eq(statusSubscribers.workspaceId, ws.id), eq(statusSubscribers.id, id)))
      .for('update');
    if (!row || row.unsubscribedAt) return { outcome: 'invalid' as const };
    if (row.confirmedAt) return { outcome: 'already' as const, kind: row.kind };
    if (options.dryRun) return { outcome: 'pending' as const, kind: row.kind };
    await tx
      .update(statusSubscribers)
      .set({ confirmedAt: ctx.now() })
      .where(and(eq(statusSubscribers.workspaceId, ws.id), eq(statusSubscribers.id, id)));
    const [destination] =
      row.kind === 'webhook'
        ? await tx
            .select({ secretsSealed: destinations.secretsSealed })
            .from(destinations)
            .where(and(eq(destinations.workspaceId, ws.id), eq(destinations.id, subscriberDestination(id))))
        : [];
    return { outcome: 'confirmed' as const, kind: row.kind, sealed: destination?.secretsSealed ?? null };
  });
  if (result.outcome !== 'confirmed') return result;
  const secret = result.sealed
    ? ((
        JSON.parse(
          await ctx.keys.open(ws.id, result.sealed, {
            field: 'destinations.secrets',
            recordId: subscriberDestination(id),
          }),
        ) as string[]
      )[0] ?? null)
    : null;
  return { outcome: 'confirmed', kind: result.kind, secret };
}

/**
 * Unsubscribes the subscriber a message was sent to, with the token of that message's link (`dryRun`: only
 * checks it). `invalid` for any mismatch, so links cannot be probed.
 */
export async function unsubscribeByMessage(
  ctx: StatusContext,
  ws: PageWorkspace,
  messageIdOfLink: string,
  token: string,
  options: { readonly dryRun?: boolean } = {},
): Promise<'unsubscribed' | 'valid' | 'invalid'> {
  if (!/^msg_[A-Za-z0-9_-]{1,60}$/.test(messageIdOfLink)) return 'invalid';
  return ctx.database.inWorkspace(ws.id, async (tx) => {
    const [message] = await tx
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.workspaceId, ws.id), eq(outbox.id, messageIdOfLink)));
    const payload = message?.payload as {
      kind?: unknown;
      subscriberId?: unknown;
      unsubscribeToken?: unknown;
    };
    if (payload?.kind !== 'status' || typeof payload.subscriberId !== 'string') return 'invalid';
    if (!sameToken(payload.unsubscribeToken, token)) return 'invalid';
    if (options.dryRun) return 'valid';
    const subscriberId = payload.subscriberId;
    await tx
      .update(statusSubscribers)
      .set({ unsubscribedAt: ctx.now() })
      .where(
        and(
          eq(statusSubscribers.workspaceId, ws.id),
          eq(statusSubscribers.id, subscriberId),
          sql`${statusSubscribers.unsubscribedAt} is null`,
        ),
      );
    await tx
      .delete(destinations)
      .where(
        and(eq(destinations.workspaceId, ws.id), eq(destinations.id, subscriberDestination(subscriberId))),
      );
    return 'unsubscribed';
  });
}
