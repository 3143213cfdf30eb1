/**
 * Payment webhooks (issue 9): the endpoints a billing provider posts to, and what a delivery does.
 *
 * - Setup (`customers.manage`): a Stripe endpoint keeps the signing secret Stripe shows (`whsec_…`, pasted
 *   in); a generic endpoint gets a Standard Webhooks secret made here, shown once. Secrets are sealed;
 *   a second secret may be added while rotating.
 * - A delivery is verified (payment-events.ts) before anything is read or written; a forged, tampered or
 *   stale one is refused and recorded nowhere. A verified one is recorded once per provider event id, and:
 *   - a redelivery answers `duplicate` and applies nothing;
 *   - Stripe's two success events for one invoice are one payment (same account, type and reference;
 *     failures are not merged, each attempt fails on its own);
 *   - one that happened before the newest payment event already applied to the account is recorded
 *     `out-of-order` and not applied, so a late `payment.failed` cannot undo the payment that followed it;
 *   - otherwise the engine is told (`payment.failed`, `payment.succeeded`, …) on `account:<id>` in the same
 *     transaction, and the account's lifecycle moves as the pack says (POS dunning).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { newWebhookSecret } from '../../channels/standard-webhooks.js';
import type { Engine } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import type { KeyService } from '../../security/keys.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { pgCode } from '../../store/database.js';
import {
  accounts,
  paymentDeliveries,
  paymentWebhooks,
  type PaymentOutcome,
  type PaymentWebhookKind,
} from '../../store/schema-customers.js';
import { ACCOUNT_ID, ensureAccount, lockAccount } from './accounts.js';
import {
  mapStripeEvent,
  verifyGeneric,
  verifyStripe,
  type Mapped,
  type PaymentEvent,
  type Verified,
} from './payment-events.js';

/** How far ahead of our clock a provider's event may be dated (clock skew). */
const MAX_AHEAD_MS = 5 * 60_000;

const place = (id: string) => ({ field: 'payment_webhooks.secrets', recordId: id });

export interface PaymentWebhookView {
  readonly id: string;
  readonly kind: PaymentWebhookKind;
  readonly name: string;
  readonly enabled: boolean;
  readonly secrets: number;
  readonly url: string;
  readonly createdAt: string;
  readonly lastDeliveryAt: string | null;
}

export interface PaymentContext {
  readonly database: Database;
  readonly keys: KeyService;
  readonly engine: Engine;
  readonly now: () => Date;
  readonly publicUrl: string;
}

export const hookPath = (workspaceId: string, id: string) => `/api/v1/hooks/payments/${workspaceId}/${id}`;

function view(
  ctx: PaymentContext,
  row: typeof paymentWebhooks.$inferSelect,
  secrets: number,
): PaymentWebhookView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    enabled: row.enabled,
    secrets,
    url: `${ctx.publicUrl.replace(/\/+$/, '')}${hookPath(row.workspaceId, row.id)}`,
    createdAt: row.createdAt.toISOString(),
    lastDeliveryAt: row.lastDeliveryAt?.toISOString() ?? null,
  };
}

const STRIPE_SECRET = /^whsec_[A-Za-z0-9+/=_-]{8,200}$/;

function checkStripeSecret(secret: string | undefined): string {
  if (secret && STRIPE_SECRET.test(secret)) return secret;
  throw new OpsError('OPS_VALIDATION', 'A Stripe endpoint needs its signing secret.', [
    {
      pointer: '/body/secret',
      message:
        "Paste the endpoint's signing secret from Stripe (Developers → Webhooks → the endpoint → Signing secret; it starts with whsec_).",
    },
  ]);
}

/** Creates an endpoint; a generic one's secret is made here and returned once. */
export async function createPaymentWebhook(
  ctx: PaymentContext,
  workspaceId: string,
  input: { readonly kind: PaymentWebhookKind; readonly name: string; readonly secret?: string },
): Promise<{ webhook: PaymentWebhookView; secret?: string }> {
  const now = ctx.now();
  const id = newId('pwh', now.getTime());
  const secret = input.kind === 'stripe' ? checkStripeSecret(input.secret) : newWebhookSecret();
  const secretsSealed = await ctx.keys.seal(workspaceId, JSON.stringify([secret]), place(id));
  const [row] = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx
      .insert(paymentWebhooks)
      .values({ id, workspaceId, kind: input.kind, name: input.name, secretsSealed, createdAt: now })
      .returning(),
  );
  return { webhook: view(ctx, row!, 1), ...(input.kind === 'generic' ? { secret } : {}) };
}

export async function secretsOf(
  ctx: PaymentContext,
  row: typeof paymentWebhooks.$inferSelect,
): Promise<string[]> {
  return JSON.parse(await ctx.keys.open(row.workspaceId, row.secretsSealed, place(row.id))) as string[];
}

export async function listPaymentWebhooks(
  ctx: PaymentContext,
  workspaceId: string,
): Promise<PaymentWebhookView[]> {
  const rows = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx.select().from(paymentWebhooks).orderBy(paymentWebhooks.createdAt),
  );
  return Promise.all(rows.map(async (r) => view(ctx, r, (await secretsOf(ctx, r)).length)));
}

const webhookNotFound = (id: string) => new OpsError('OPS_NOT_FOUND', `No payment webhook "${id}" here.`);

/**
 * Rotation: `add` keeps the current secrets and adds one (Stripe's "roll secret" with an overlap, or a new
 * generic one, returned once); `drop-old` keeps only the newest.
 */
export async function rotatePaymentWebhook(
  ctx: PaymentContext,
  workspaceId: string,
  id: string,
  input: { readonly action: 'add' | 'drop-old'; readonly secret?: string },
): Promise<{ webhook: PaymentWebhookView; secret?: string }> {
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const [row] = await tx.select().from(paymentWebhooks).where(eq(paymentWebhooks.id, id)).for('update');
    if (!row) throw webhookNotFound(id);
    const current = await secretsOf(ctx, row);
    let added: string | undefined;
    let next: string[];
    if (input.action === 'add') {
      added = row.kind === 'stripe' ? checkStripeSecret(input.secret) : newWebhookSecret();
      next = [...current, added].slice(-3);
    } else next = current.slice(-1);
    const secretsSealed = await ctx.keys.seal(workspaceId, JSON.stringify(next), place(id));
    const [updated] = await tx
      .update(paymentWebhooks)
      .set({ secretsSealed })
      .where(eq(paymentWebhooks.id, id))
      .returning();
    return {
      webhook: view(ctx, updated!, next.length),
      ...(row.kind === 'generic' && added ? { secret: added } : {}),
    };
  });
}

export async function deletePaymentWebhook(
  ctx: PaymentContext,
  workspaceId: string,
  id: string,
): Promise<void> {
  const deleted = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx.delete(paymentWebhooks).where(eq(paymentWebhooks.id, id)).returning({ id: paymentWebhooks.id }),
  );
  if (deleted.length === 0) throw webhookNotFound(id);
}

export interface DeliveryAnswer {
  readonly outcome: PaymentOutcome;
  readonly account: string | null;
  readonly type: string | null;
  readonly reason: string;
}

/** A refused delivery: the provider is told why (400, or 401 for a signature), and nothing is written. */
export class PaymentDeliveryRefused extends Error {
  constructor(
    readonly code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'SIGNATURE_EXPIRED' | 'PAYLOAD_INVALID',
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'PaymentDeliveryRefused';
  }
}

function unwrap<T>(verified: Verified<T>): T {
  if (!verified.ok) throw new PaymentDeliveryRefused(verified.code, verified.message, verified.hint);
  return verified.value;
}

/** The Stripe customer id of an event's object, to find the account whose `custom.stripe_customer` it is. */
function customerOf(event: unknown): string | null {
  const object = (event as { data?: { object?: Record<string, unknown> } } | null)?.data?.object;
  const customer = object?.object === 'customer' ? object.id : object?.customer;
  if (typeof customer === 'string') return customer;
  const expanded = (customer as { id?: unknown } | null)?.id;
  return typeof expanded === 'string' ? expanded : null;
}

/** Verifies and applies one delivery; throws PaymentDeliveryRefused or OPS_NOT_FOUND. */
export async function receivePayment(
  ctx: PaymentContext,
  workspaceId: string,
  webhookId: string,
  rawBody: string,
  headers: Record<string, string | undefined>,
): Promise<DeliveryAnswer> {
  const nowMs = ctx.now().getTime();
  const [row] = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx.select().from(paymentWebhooks).where(eq(paymentWebhooks.id, webhookId)),
  );
  if (!row || !row.enabled) throw webhookNotFound(webhookId);
  const secrets = await secretsOf(ctx, row);
  let mapped: Mapped;
  if (row.kind === 'stripe') {
    const event = unwrap(verifyStripe(rawBody, headers['stripe-signature'], secrets, nowMs));
    const customer = customerOf(event);
    const linked = customer ? await accountOfStripeCustomer(ctx.database, workspaceId, customer) : null;
    mapped = unwrap(mapStripeEvent(event, () => linked));
  } else {
    mapped = { kind: 'event', event: unwrap(verifyGeneric(rawBody, headers, secrets, nowMs)) };
  }
  if (mapped.kind === 'event' && mapped.event.occurredAtMs > nowMs + MAX_AHEAD_MS)
    throw new PaymentDeliveryRefused(
      'PAYLOAD_INVALID',
      `the event is dated ${new Date(mapped.event.occurredAtMs).toISOString()}, in the future`,
      'date it when it happened; an event from the future would make every later one look out of order',
    );
  if (mapped.kind === 'event' && !ACCOUNT_ID.test(mapped.event.account))
    throw new PaymentDeliveryRefused(
      'PAYLOAD_INVALID',
      `account "${mapped.event.account}" is not an account id`,
      "use the SaaS's own id: letters, digits and _ - . : (up to 64)",
    );
  try {
    return await applyDelivery(ctx, workspaceId, webhookId, mapped);
  } catch (err) {
    // The same delivery was being recorded concurrently (a provider retry racing the first attempt): the
    // second pass finds it and answers `duplicate`.
    // A deadlock with a concurrent engine decision on the account (40P01) is run again the same way.
    const code = pgCode(err);
    if (code !== '23505' && code !== '40P01') throw err;
    return applyDelivery(ctx, workspaceId, webhookId, mapped);
  }
}

async function accountOfStripeCustomer(
  database: Database,
  workspaceId: string,
  customer: string,
): Promise<string | null> {
  const [row] = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(sql`${accounts.custom}->>'stripe_customer' = ${customer}`)
      .limit(1),
  );
  return row?.id ?? null;
}

async function applyDelivery(
  ctx: PaymentContext,
  workspaceId: string,
  webhookId: string,
  mapped: Mapped,
): Promise<DeliveryAnswer> {
  const deliveryId = mapped.kind === 'event' ? mapped.event.deliveryId : mapped.deliveryId;
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const now = ctx.now();
    await tx.update(paymentWebhooks).set({ lastDeliveryAt: now }).where(eq(paymentWebhooks.id, webhookId));
    const [seen] = await tx
      .select()
      .from(paymentDeliveries)
      .where(and(eq(paymentDeliveries.webhookId, webhookId), eq(paymentDeliveries.deliveryId, deliveryId)));
    if (seen)
      return { outcome: 'duplicate', account: seen.account, type: seen.type, reason: 'already received' };
    const record = (outcome: PaymentOutcome, reason: string, event?: PaymentEvent) =>
      tx.insert(paymentDeliveries).values({
        workspaceId,
        webhookId,
        deliveryId,
        type: event?.type ?? null,
        account: event?.account ?? null,
        reference: typeof event?.fields.reference === 'string' ? event.fields.reference : null,
        occurredAt: event ? new Date(event.occurredAtMs) : null,
        outcome,
        reason,
        receivedAt: now,
      });
    if (mapped.kind === 'ignored') {
      await record('ignored', mapped.reason);
      return { outcome: 'ignored', account: null, type: null, reason: mapped.reason };
    }
    const event = mapped.event;
    const answer = (outcome: PaymentOutcome, reason: string): DeliveryAnswer => ({
      outcome,
      account: event.account,
      type: event.type,
      reason,
    });
    await ensureAccount(tx, workspaceId, event.account, now);
    const account = (await lockAccount(tx, workspaceId, event.account))!;
    if (await samePayment(tx, event)) {
      await record('duplicate', 'the same payment arrived as another event');
      return answer('duplicate', 'the same payment arrived as another event');
    }
    if (account.billingEventAt && event.occurredAtMs < account.billingEventAt.getTime()) {
      const reason = `happened before the newest payment event applied (${account.billingEventAt.toISOString()})`;
      await record('out-of-order', reason, event);
      return answer('out-of-order', reason);
    }
    await record('applied', '', event);
    await tx
      .update(accounts)
      .set({ billingEventAt: new Date(event.occurredAtMs) })
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, event.account)));
    const actor = `payment-webhook:${webhookId}`;
    // A hosted checkout's confirmation on an approved signup activates the estate: what going live starts
    // (the hand-off, the admin's account) is the engine's activation observer's, in this transaction.
    await ctx.engine.handleIn(tx, workspaceId, {
      type: event.type,
      subject: `account:${event.account}`,
      // A verified delivery is the provider's own word: a hosted checkout's confirmation carries the
      // method and the verification the pack's guard reads (Smart Estate 004#27).
      data: {
        account: event.account,
        ...event.fields,
        ...(event.type === 'payment.confirmed'
          ? { payment_method: event.fields.method ?? 'hosted-checkout', provider_reference_verified: true }
          : {}),
      },
      actor,
    });
    return answer('applied', '');
  });
}

/**
 * Whether this success was already applied under another event id (Stripe's `invoice.paid` and
 * `invoice.payment_succeeded` for one invoice). Failures are not merged: each attempt of an invoice fails
 * on its own.
 */
async function samePayment(tx: Tx, event: PaymentEvent): Promise<boolean> {
  const reference = event.fields.reference;
  if (typeof reference !== 'string') return false;
  if (event.type !== 'payment.succeeded' && event.type !== 'payment.confirmed') return false;
  const [row] = await tx
    .select({ id: paymentDeliveries.deliveryId })
    .from(paymentDeliveries)
    .where(
      and(
        eq(paymentDeliveries.account, event.account),
        eq(paymentDeliveries.type, event.type),
        eq(paymentDeliveries.reference, reference),
        eq(paymentDeliveries.outcome, 'applied'),
      ),
    )
    .orderBy(desc(paymentDeliveries.receivedAt))
    .limit(1);
  return row !== undefined;
}
