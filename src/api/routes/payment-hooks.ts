/**
 * Payment webhooks over HTTP (issue 9): their setup (`customers.manage`) and the public endpoint a billing
 * provider posts to. The endpoint is public but every delivery must carry the provider's signature over
 * the exact body, so its JSON is kept as received (a plugin of its own parses it as text) and verified
 * before anything is read. What a delivery does: src/modules/customers/payment-webhooks.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseClock } from '../../engine/clock.js';
import { Engine, NoActivePackError } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import {
  createPaymentWebhook,
  deletePaymentWebhook,
  listPaymentWebhooks,
  PaymentDeliveryRefused,
  receivePayment,
  rotatePaymentWebhook,
  type PaymentContext,
} from '../../modules/customers/payment-webhooks.js';
import type { AppDeps } from '../deps.js';

const TAGS = ['customers'];
const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const H = W.extend({ webhookId: Id });
const Webhook = z.object({
  id: z.string(),
  kind: z.enum(['stripe', 'generic']),
  name: z.string(),
  enabled: z.boolean(),
  secrets: z.number().describe('How many signing secrets are accepted (more than one while rotating).'),
  url: z.string().describe('The URL to give the provider.'),
  createdAt: z.string(),
  lastDeliveryAt: z.string().nullable(),
});
const Created = z.object({
  webhook: Webhook,
  secret: z.string().optional().describe('A generic endpoint’s signing secret: shown this once.'),
});

/** The body as received, for the signature. */
class RawJson {
  constructor(readonly text: string) {}
}

export function paymentHookRoutes(app: FastifyInstance, deps: AppDeps): void {
  const ctx: PaymentContext = {
    database: deps.database,
    keys: deps.keys,
    engine: new Engine(deps.database, databaseClock),
    now: deps.now,
    publicUrl: deps.config.publicUrl,
  };
  setupRoutes(app, ctx);
  void app.register(async (scope) => deliveryRoute(scope, ctx));
}

function setupRoutes(app: FastifyInstance, ctx: PaymentContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/payment-webhooks';
  r.get(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'The payment webhooks (no secrets)',
        params: W,
        response: { 200: z.object({ items: z.array(Webhook) }) },
      },
      config: { access: 'customers.manage' },
    },
    async (request) => ({ items: await listPaymentWebhooks(ctx, request.params.workspaceId) }),
  );
  r.post(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'Add a payment webhook: Stripe (paste its signing secret) or generic (a secret is made)',
        params: W,
        body: z.strictObject({
          kind: z.enum(['stripe', 'generic']),
          name: z.string().trim().min(1).max(100),
          secret: z
            .string()
            .trim()
            .max(300)
            .optional()
            .describe('Stripe: the endpoint signing secret (whsec_…).'),
        }),
        response: { 201: Created },
      },
      config: { access: 'customers.manage' },
    },
    async (request, reply) =>
      reply.code(201).send(await createPaymentWebhook(ctx, request.params.workspaceId, request.body)),
  );
  r.post(
    `${base}/:webhookId/rotate`,
    {
      schema: {
        tags: TAGS,
        summary: 'Rotate the signing secret: add one (both accepted), then drop the old ones',
        params: H,
        body: z.strictObject({
          action: z.enum(['add', 'drop-old']),
          secret: z.string().trim().max(300).optional().describe('Stripe: the new signing secret.'),
        }),
        response: { 200: Created },
      },
      config: { access: 'customers.manage' },
    },
    async (request) =>
      rotatePaymentWebhook(ctx, request.params.workspaceId, request.params.webhookId, request.body),
  );
  r.delete(
    `${base}/:webhookId`,
    {
      schema: { tags: TAGS, summary: 'Remove a payment webhook', params: H, response: { 204: z.null() } },
      config: { access: 'customers.manage' },
    },
    async (request, reply) => {
      await deletePaymentWebhook(ctx, request.params.workspaceId, request.params.webhookId);
      return reply.code(204).send(null);
    },
  );
}

function deliveryRoute(app: FastifyInstance, ctx: PaymentContext): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 512 * 1024 },
    (_request, body, done) => done(null, new RawJson(body as string)),
  );
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/hooks/payments/:workspaceId/:webhookId',
    {
      schema: {
        tags: TAGS,
        summary: 'A payment provider’s delivery (Stripe-signed, or Standard Webhooks for the generic shape)',
        description:
          'Verified before anything is read. Answers 200 with what became of it: `applied` (the engine was told), `ignored` (an event type with nothing to do), `duplicate` (a redelivery, or the same payment as another event), `out-of-order` (older than the newest payment event applied to the account). A bad signature answers 403, a malformed event 400; neither records anything.',
        params: H,
        response: {
          200: z.object({
            outcome: z.enum(['applied', 'ignored', 'duplicate', 'out-of-order']),
            account: z.string().nullable(),
            type: z.string().nullable(),
            reason: z.string(),
          }),
        },
      },
      config: { access: 'public', rateLimit: { max: 1200, timeWindow: 60_000 } },
    },
    async (request) => {
      if (!(request.body instanceof RawJson))
        throw new OpsError(
          'OPS_UNSUPPORTED_MEDIA_TYPE',
          'Send the event as JSON (Content-Type: application/json).',
        );
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [
          k.toLowerCase(),
          Array.isArray(v) ? v.join(',') : v,
        ]),
      );
      try {
        return await receivePayment(
          ctx,
          request.params.workspaceId,
          request.params.webhookId,
          request.body.text,
          headers,
        );
      } catch (err) {
        if (err instanceof NoActivePackError)
          throw new OpsError(
            'OPS_NO_ACTIVE_PACK',
            'No pack governs this workspace: activate one, then resend.',
          );
        if (!(err instanceof PaymentDeliveryRefused)) throw err;
        const detail = `${err.message}: ${err.hint}.`;
        if (err.code === 'PAYLOAD_INVALID')
          throw new OpsError('OPS_VALIDATION', `The event was refused: ${detail}`);
        throw new OpsError('OPS_SIGNATURE_INVALID', `The delivery was refused: ${detail}`);
      }
    },
  );
}
