/**
 * Hosted checkout (Smart Estate 004: "payment by hosted checkout … verify provider reference through the
 * configured provider workflow"): a page at the provider where the customer pays, opened for an account,
 * and confirmed **only by the provider's signed webhook** through the workspace's payment webhook, the same
 * path a real provider's delivery takes (payment-webhooks.ts). The checkout row records what was asked and
 * how it ended; the payment itself is whatever the verified delivery applied.
 *
 * Providers implement `CheckoutProvider`. `sandbox` is Opsbook's own, for trying the flow end to end
 * without a provider account (as Stripe's test mode does): its page offers "Pay" and "Decline", and its
 * confirmation is a Standard-Webhooks-signed generic event (`payment.confirmed`, method `hosted-checkout`,
 * reference = the checkout id) delivered to the chosen generic webhook. A checkout lives 24 hours, as a
 * Stripe Checkout Session does by default; a declined card leaves it open for another try.
 */
import { and, desc, eq } from 'drizzle-orm';
import { signWebhook } from '../../channels/standard-webhooks.js';
import { OpsError } from '../../errors/catalog.js';
import { hashLinkToken, matchesLinkToken, newLinkToken } from '../../security/link-tokens.js';
import { newId } from '../../shared/ids.js';
import type { Queryable } from '../../store/database.js';
import { checkoutSessions, paymentDeliveries, paymentWebhooks } from '../../store/schema-customers.js';
import { getAccount } from './accounts.js';
import { receivePayment, secretsOf, type DeliveryAnswer, type PaymentContext } from './payment-webhooks.js';

export type CheckoutRow = typeof checkoutSessions.$inferSelect;

const LIFETIME_MS = 24 * 3_600_000;

/** Where the customer pays: a provider makes the page for a checkout Opsbook recorded. */
export interface CheckoutProvider {
  readonly id: string;
  /** The webhook kind its confirmations arrive as. */
  readonly webhookKind: 'generic' | 'stripe';
  pageUrl(publicUrl: string, checkout: CheckoutRow, token: string): string;
}

export const SANDBOX: CheckoutProvider = {
  id: 'sandbox',
  webhookKind: 'generic',
  pageUrl: (publicUrl, c, token) =>
    `${publicUrl}/checkout/sandbox/${encodeURIComponent(c.workspaceId)}/${c.id}?t=${token}`,
};

const PROVIDERS: Readonly<Record<string, CheckoutProvider>> = { sandbox: SANDBOX };

export interface CheckoutView {
  readonly id: string;
  readonly accountId: string;
  readonly webhookId: string;
  readonly provider: string;
  readonly amount: number;
  readonly currency: string;
  readonly description: string | null;
  readonly status: 'open' | 'paid' | 'expired';
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly completedAt: string | null;
}

export function checkoutView(row: CheckoutRow, nowMs: number): CheckoutView {
  const expired = row.status === 'open' && row.expiresAt.getTime() <= nowMs;
  return {
    id: row.id,
    accountId: row.accountId,
    webhookId: row.webhookId,
    provider: row.provider,
    amount: row.amount,
    currency: row.currency,
    description: row.description,
    status: expired ? 'expired' : row.status,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

/** The payment context, and whether this server offers the sandbox provider (OPSBOOK_PAYMENTS_SANDBOX). */
export interface CheckoutContext extends PaymentContext {
  readonly sandbox: boolean;
}

const SANDBOX_OFF =
  'The sandbox checkout provider is off on this server: its page lets anyone with the link "pay" for nothing. Turn it on only on a test or demo server (OPSBOOK_PAYMENTS_SANDBOX=true).';

export interface CheckoutInput {
  readonly webhookId: string;
  readonly amount: number;
  readonly currency: string;
  readonly description?: string | undefined;
  readonly provider?: string | undefined;
}

/** Opens a checkout for an account; returns it and the page to send the customer to. */
export async function openCheckout(
  ctx: CheckoutContext,
  workspaceId: string,
  accountId: string,
  input: CheckoutInput,
): Promise<{ checkout: CheckoutView; url: string }> {
  const provider = PROVIDERS[input.provider ?? 'sandbox'];
  if (!provider)
    throw new OpsError('OPS_VALIDATION', `No checkout provider "${input.provider}".`, [
      { pointer: '/body/provider', message: `one of: ${Object.keys(PROVIDERS).join(', ')}` },
    ]);
  if (provider === SANDBOX && !ctx.sandbox) throw new OpsError('OPS_CONFLICT', SANDBOX_OFF);
  const now = ctx.now();
  const token = newLinkToken();
  const row = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    if (!(await getAccount(tx, workspaceId, accountId)))
      throw new OpsError('OPS_NOT_FOUND', `No account "${accountId}" in this workspace.`);
    const [hook] = await tx.select().from(paymentWebhooks).where(eq(paymentWebhooks.id, input.webhookId));
    if (!hook || !hook.enabled || hook.kind !== provider.webhookKind)
      throw new OpsError(
        'OPS_VALIDATION',
        `The ${provider.id} checkout confirms through an enabled ${provider.webhookKind} payment webhook; "${input.webhookId}" is ${hook ? (hook.enabled ? `a ${hook.kind} one` : 'disabled') : 'not one of this workspace'}.`,
        [
          {
            pointer: '/body/webhookId',
            message: `create a ${provider.webhookKind} payment webhook and use its id`,
          },
        ],
      );
    const [created] = await tx
      .insert(checkoutSessions)
      .values({
        id: newId('cs', now.getTime()),
        workspaceId,
        accountId,
        webhookId: hook.id,
        provider: provider.id,
        amount: input.amount,
        currency: input.currency.toUpperCase(),
        description: input.description ?? null,
        tokenHash: hashLinkToken(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + LIFETIME_MS),
      })
      .returning();
    return created!;
  });
  return { checkout: checkoutView(row, now.getTime()), url: provider.pageUrl(ctx.publicUrl, row, token) };
}

export async function accountCheckouts(
  q: Queryable,
  workspaceId: string,
  accountId: string,
  nowMs: number,
): Promise<CheckoutView[]> {
  const rows = await q
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.workspaceId, workspaceId), eq(checkoutSessions.accountId, accountId)))
    .orderBy(desc(checkoutSessions.createdAt))
    .limit(100);
  return rows.map((r) => checkoutView(r, nowMs));
}

export const INVALID_CHECKOUT_LINK = 'This checkout link is not valid. Nothing was charged.';

/** The checkout a sandbox page link opens, or null for a wrong id or token (the same either way). */
export async function checkoutForLink(
  ctx: PaymentContext,
  workspaceId: string,
  id: string,
  token: string,
): Promise<CheckoutRow | null> {
  const [row] = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(checkoutSessions)
      .where(and(eq(checkoutSessions.workspaceId, workspaceId), eq(checkoutSessions.id, id))),
  );
  return row && row.provider === SANDBOX.id && matchesLinkToken(row.tokenHash, token) ? row : null;
}

/**
 * The sandbox customer pays or declines. The provider's confirmation is delivered first, signed, through
 * the payment webhook (idempotent by its event id, so a second click is a `duplicate` there); then the
 * checkout is marked paid. A paid checkout answers 409, an expired one 410; neither delivers anything.
 */
export async function completeSandboxCheckout(
  ctx: CheckoutContext,
  workspaceId: string,
  id: string,
  token: string,
  outcome: 'pay' | 'decline',
): Promise<{ checkout: CheckoutView; delivery: DeliveryAnswer }> {
  const row = await checkoutForLink(ctx, workspaceId, id, token);
  if (!row) throw new OpsError('OPS_NOT_FOUND', INVALID_CHECKOUT_LINK);
  if (!ctx.sandbox) throw new OpsError('OPS_CONFLICT', SANDBOX_OFF);
  const now = ctx.now();
  if (row.status === 'paid')
    throw new OpsError(
      'OPS_CONFLICT',
      `This checkout was paid on ${row.completedAt?.toISOString() ?? 'an earlier visit'}; nothing was charged again.`,
    );
  if (row.expiresAt.getTime() <= now.getTime())
    throw new OpsError('OPS_GONE', 'This checkout expired (checkouts last 24 hours); ask for a new link.');
  const [hook] = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx.select().from(paymentWebhooks).where(eq(paymentWebhooks.id, row.webhookId)),
  );
  if (!hook) throw new OpsError('OPS_CONFLICT', 'The payment webhook of this checkout was deleted.');
  const eventId = outcome === 'pay' ? `evt_${row.id}_paid` : `evt_${row.id}_declined_${now.getTime()}`;
  const body = JSON.stringify({
    id: eventId,
    type: outcome === 'pay' ? 'payment.confirmed' : 'payment.failed',
    account: row.accountId,
    occurredAt: now.toISOString(),
    amount: row.amount,
    currency: row.currency,
    reference: row.id,
    ...(outcome === 'pay' ? { method: 'hosted-checkout' } : { permanent: false }),
  });
  const seconds = Math.floor(now.getTime() / 1000);
  const delivery = await receivePayment(ctx, workspaceId, hook.id, body, {
    'webhook-id': eventId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signWebhook(await secretsOf(ctx, hook), eventId, seconds, body),
  });
  if (outcome === 'decline') return { checkout: checkoutView(row, now.getTime()), delivery };
  // Paid only when the confirmation was applied, by this click or an earlier one: one recorded
  // out-of-order (or refused by the pack's account) leaves the checkout open and says why.
  const [recorded] = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({ outcome: paymentDeliveries.outcome, reason: paymentDeliveries.reason })
      .from(paymentDeliveries)
      .where(and(eq(paymentDeliveries.webhookId, hook.id), eq(paymentDeliveries.deliveryId, eventId))),
  );
  if (recorded?.outcome !== 'applied')
    throw new OpsError(
      'OPS_CONFLICT',
      `The provider's confirmation was recorded as ${recorded?.outcome ?? 'nothing'}${recorded?.reason ? ` (${recorded.reason})` : ''}, not applied: the checkout stays open and nothing was charged.`,
    );
  const paid = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const [updated] = await tx
      .update(checkoutSessions)
      .set({ status: 'paid', completedAt: now })
      .where(and(eq(checkoutSessions.id, row.id), eq(checkoutSessions.status, 'open')))
      .returning();
    // A concurrent click marked it first: answer the row as it stands.
    if (updated) return updated;
    const [current] = await tx.select().from(checkoutSessions).where(eq(checkoutSessions.id, row.id));
    return current ?? row;
  });
  return { checkout: checkoutView(paid, now.getTime()), delivery };
}
