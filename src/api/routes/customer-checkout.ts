/**
 * Hosted checkout over HTTP (issue 9): open a checkout for an account and list its checkouts
 * (`accounts.write` / `records.read`), and the sandbox provider's own page and its Pay / Decline, public
 * with the link's token. How a checkout is confirmed: src/modules/customers/checkout.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Engine } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import { sandboxCheckoutPage, sandboxResultPage } from '../../modules/customers/checkout-pages.js';
import {
  accountCheckouts,
  checkoutForLink,
  completeSandboxCheckout,
  INVALID_CHECKOUT_LINK,
  openCheckout,
  type CheckoutContext,
} from '../../modules/customers/checkout.js';
import { PaymentDeliveryRefused } from '../../modules/customers/payment-webhooks.js';
import { invalidPage, notFoundPage } from '../../modules/support/help-pages.js';
import { findPublicWorkspace } from '../../modules/support/public-workspace.js';
import type { AppDeps } from '../deps.js';
import { acceptFormPosts, sendPage, wantsHtml } from '../html-page.js';
import { A, TAGS } from './customer-schemas.js';

const CheckoutId = z.string().regex(/^cs_[0-9a-z]{10,40}$/, 'a checkout id (cs_…)');
const Token = z.string().max(200);

const Checkout = z.object({
  id: z.string(),
  accountId: z.string(),
  webhookId: z.string(),
  provider: z.string(),
  amount: z.number(),
  currency: z.string(),
  description: z.string().nullable(),
  status: z.enum(['open', 'paid', 'expired']),
  createdAt: z.string(),
  expiresAt: z.string(),
  completedAt: z.string().nullable(),
});

export function checkoutRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  const ctx: CheckoutContext = {
    database: deps.database,
    keys: deps.keys,
    engine,
    now: deps.now,
    publicUrl: deps.config.publicUrl,
    sandbox: deps.config.paymentsSandbox,
  };
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    `${base}/:accountId/checkout`,
    {
      schema: {
        tags: TAGS,
        summary: 'Open a hosted checkout for the account: the link the customer pays on',
        description:
          'The provider confirms through the payment webhook named (the sandbox provider through a generic one), as a signed delivery: only that marks the payment confirmed. A checkout lasts 24 hours.',
        params: A,
        body: z.strictObject({
          webhookId: z.string().min(1).max(64),
          amount: z.number().positive().max(1e12),
          currency: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as INR'),
          description: z.string().trim().min(1).max(200).optional(),
          provider: z.string().min(1).max(40).optional().describe('`sandbox` (the default).'),
        }),
        response: { 201: z.object({ checkout: Checkout, url: z.string() }) },
      },
      config: { access: 'payments.confirm' },
    },
    async (request, reply) => {
      const { workspaceId, accountId } = request.params;
      return reply.code(201).send(await openCheckout(ctx, workspaceId, accountId, request.body));
    },
  );

  r.get(
    `${base}/:accountId/checkouts`,
    {
      schema: {
        tags: TAGS,
        summary: "The account's hosted checkouts, newest first",
        params: A,
        response: { 200: z.object({ items: z.array(Checkout) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      const items = await deps.database.inWorkspace(workspaceId, (tx) =>
        accountCheckouts(tx, workspaceId, accountId, deps.now().getTime()),
      );
      return { items };
    },
  );

  void app.register(async (scope) => {
    // The sandbox page's buttons post form-encoded bodies; only this plugin accepts them.
    acceptFormPosts(scope, 4 * 1024);
    sandboxRoutes(scope, deps, ctx);
  });
}

function sandboxRoutes(app: FastifyInstance, deps: AppDeps, ctx: CheckoutContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const actionOf = (workspaceId: string, id: string) =>
    `/api/v1/checkout/sandbox/${encodeURIComponent(workspaceId)}/${id}`;

  r.get(
    '/checkout/sandbox/:workspace/:checkoutId',
    {
      schema: {
        hide: true,
        params: z.strictObject({ workspace: z.string().min(1).max(64), checkoutId: z.string().max(64) }),
        querystring: z.strictObject({ t: Token.optional() }),
      },
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const token = request.query.t ?? '';
      const ws = await findPublicWorkspace(deps.database, request.params.workspace);
      const checkout =
        ws && token && CheckoutId.safeParse(request.params.checkoutId).success
          ? await checkoutForLink(ctx, ws.id, request.params.checkoutId, token)
          : null;
      if (!ws || !checkout) return sendPage(reply, 404, notFoundPage(null, INVALID_CHECKOUT_LINK));
      return sendPage(
        reply,
        200,
        sandboxCheckoutPage({
          action: actionOf(ws.id, checkout.id),
          token,
          workspaceName: ws.name,
          checkout,
          expired: checkout.expiresAt.getTime() <= deps.now().getTime(),
        }),
      );
    },
  );

  r.post(
    '/api/v1/checkout/sandbox/:workspaceId/:checkoutId',
    {
      schema: {
        tags: TAGS,
        summary: "The sandbox provider's Pay or Decline, with the checkout link's token",
        description:
          "Pay delivers a signed `payment.confirmed` (method `hosted-checkout`) to the checkout's generic payment webhook and marks the checkout paid; Decline delivers a `payment.failed` and leaves it open. A paid checkout answers 409, an expired one 410, a wrong token 404; none of them delivers anything.",
        params: z.strictObject({ workspaceId: z.string().min(1).max(64), checkoutId: CheckoutId }),
        body: z.strictObject({ t: Token, outcome: z.enum(['pay', 'decline']) }),
        response: {
          200: z.object({
            checkout: Checkout,
            delivery: z.object({ outcome: z.string(), reason: z.string() }),
          }),
        },
      },
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { workspaceId, checkoutId } = request.params;
      const { t, outcome } = request.body;
      const ws = workspaceId.startsWith('ws_') ? await findPublicWorkspace(deps.database, workspaceId) : null;
      try {
        if (!ws) throw new OpsError('OPS_NOT_FOUND', INVALID_CHECKOUT_LINK);
        const done = await completeSandboxCheckout(ctx, ws.id, checkoutId, t, outcome);
        if (wantsHtml(request)) {
          const row = await checkoutForLink(ctx, ws.id, checkoutId, t);
          return sendPage(reply, 200, sandboxResultPage(outcome, row!));
        }
        return {
          checkout: done.checkout,
          delivery: { outcome: done.delivery.outcome, reason: done.delivery.reason },
        };
      } catch (error) {
        // The webhook refused its own provider's delivery (it was disabled, or its secret changed mid-way).
        const failure =
          error instanceof PaymentDeliveryRefused
            ? new OpsError('OPS_CONFLICT', `The payment webhook refused the confirmation: ${error.message}.`)
            : error;
        if (!(failure instanceof OpsError) || !wantsHtml(request)) throw failure;
        if (failure.code === 'OPS_NOT_FOUND')
          return sendPage(reply, 404, notFoundPage(null, INVALID_CHECKOUT_LINK));
        return sendPage(reply, failure.spec.status, invalidPage(failure.message));
      }
    },
  );
}
