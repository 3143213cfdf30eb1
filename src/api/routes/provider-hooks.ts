/**
 * Callbacks from the SMS / voice provider (public, but every request must carry the provider's signature
 * over the exact URL and parameters, made with the workspace's auth token), and a person's own
 * notification preferences.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { verifyTwilioSignature } from '../../channels/twilio-signature.js';
import { readTwilioStatus } from '../../channels/twilio-status.js';
import { quietHoursProblem } from '../../core/notify/quiet-hours.js';
import { OpsError } from '../../errors/catalog.js';
import { recordProviderStatus } from '../../modules/notifications/provider-status.js';
import { unsubscribe } from '../../modules/notifications/unsubscribe.js';
import type { Targets } from '../../modules/notifications/targets.js';
import { users } from '../../store/schema.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const Id = z.string().min(1).max(64);

/**
 * The callbacks that come as HTML forms (the SMS provider's status, a mail client's one-click unsubscribe)
 * live in their own plugin, so only they accept `application/x-www-form-urlencoded`: every other route
 * still answers 415 to it.
 */
export function providerHookRoutes(app: FastifyInstance, deps: AppDeps, targets: Targets): void {
  void app.register(async (scope) => publicFormRoutes(scope, deps, targets));
  personalNotificationRoutes(app, deps);
}

function publicFormRoutes(app: FastifyInstance, deps: AppDeps, targets: Targets): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Providers post form-encoded bodies.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  r.post(
    '/api/v1/hooks/twilio/:workspaceId/status',
    {
      schema: {
        tags: ['notifications'],
        summary: "The SMS / voice provider's delivery status callback (signed with X-Twilio-Signature)",
        params: z.strictObject({ workspaceId: Id }),
        body: z.record(z.string().max(64), z.string().max(2000)),
        response: { 204: z.null() },
      },
      config: { access: 'public', rateLimit: { max: 1200, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const refused = () => new OpsError('OPS_UNAUTHENTICATED', 'The callback signature does not match.');
      const provider = await targets.provider(workspaceId).catch(() => null);
      // No provider, nothing that could have called back: the same answer as an unknown workspace.
      if (!provider)
        throw new OpsError('OPS_NOT_FOUND', `No SMS provider is set up for workspace "${workspaceId}".`);
      const url = `${deps.config.publicUrl.replace(/\/+$/, '')}${request.url}`;
      const signature = request.headers['x-twilio-signature'];
      if (
        !verifyTwilioSignature(
          provider.authToken,
          url,
          request.body,
          typeof signature === 'string' ? signature : undefined,
        )
      )
        throw refused();
      const status = readTwilioStatus(request.body);
      if (status) await recordProviderStatus(deps.database, workspaceId, status, deps.now());
      return reply.code(204).send(null);
    },
  );

  const page = (title: string, body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
  const Unsub = {
    params: z.strictObject({ workspaceId: Id, messageId: Id }),
    querystring: z.strictObject({ t: z.string().max(100).optional() }),
  };
  const invalid = page(
    'This link does not work',
    '<p>The unsubscribe link is not valid. Nothing was changed.</p>',
  );
  /** A person's browser gets a page; a mail client's one-click POST or an API client, problem+json. */
  const answer = (request: FastifyRequest, reply: FastifyReply, html: string, json: object) => {
    if (!request.headers.accept?.includes('text/html')) return json;
    return reply.type('text/html; charset=utf-8').send(html);
  };
  const refuse = (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.headers.accept?.includes('text/html'))
      throw new OpsError('OPS_NOT_FOUND', 'This unsubscribe link is not valid; nothing was changed.');
    return reply.code(404).type('text/html; charset=utf-8').send(invalid);
  };

  // A link scanner may open the link: GET only asks; the button (or a mail client's one-click POST) acts.
  r.get(
    '/api/v1/unsubscribe/:workspaceId/:messageId',
    {
      schema: { tags: ['notifications'], summary: 'The unsubscribe page a journey email links to', ...Unsub },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const { workspaceId, messageId } = request.params;
      const check = await unsubscribe(
        deps.database,
        workspaceId,
        messageId,
        request.query.t ?? '',
        deps.now(),
        {
          dryRun: true,
        },
      );
      if (check === 'invalid') return refuse(request, reply);
      return answer(
        request,
        reply,
        page(
          'Unsubscribe',
          '<p>Stop receiving onboarding and other journey emails at this address? Messages about your service (incidents, tickets) still come.</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>',
        ),
        { unsubscribed: false },
      );
    },
  );

  r.post(
    '/api/v1/unsubscribe/:workspaceId/:messageId',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Unsubscribe from journey mail (RFC 8058 one-click: `List-Unsubscribe=One-Click`)',
        ...Unsub,
        body: z.record(z.string().max(64), z.string().max(200)).optional(),
      },
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { workspaceId, messageId } = request.params;
      const result = await unsubscribe(
        deps.database,
        workspaceId,
        messageId,
        request.query.t ?? '',
        deps.now(),
      );
      if (result === 'invalid') return refuse(request, reply);
      return answer(
        request,
        reply,
        page('You are unsubscribed', '<p>This address will get no more journey emails.</p>'),
        { unsubscribed: true },
      );
    },
  );
}

function personalNotificationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/me/notification-settings',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your language for messages and your quiet hours',
        response: {
          200: z.object({
            locale: z.string().nullable(),
            quietHours: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }).nullable(),
          }),
        },
      },
      config: { access: 'session' },
    },
    async (request) => {
      const session = accessOf(request).session;
      if (!session) throw new OpsError('OPS_UNAUTHENTICATED');
      const [row] = await deps.database.transaction(
        (tx) =>
          tx
            .select({ locale: users.locale, quietHours: users.quietHours })
            .from(users)
            .where(eq(users.id, session.user.id)),
        { userId: session.user.id },
      );
      return { locale: row?.locale ?? null, quietHours: row?.quietHours ?? null };
    },
  );

  r.put(
    '/api/v1/me/notification-settings',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your language for messages and your quiet hours (non-urgent messages wait until they end)',
        body: z.strictObject({
          locale: z
            .string()
            .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as hi or en-IN')
            .nullable(),
          quietHours: z
            .strictObject({ from: z.string(), to: z.string(), timeZone: z.string().min(1).max(64) })
            .nullable(),
        }),
        response: { 204: z.null() },
      },
      config: { access: 'session' },
    },
    async (request, reply) => {
      const session = accessOf(request).session;
      if (!session) throw new OpsError('OPS_UNAUTHENTICATED');
      const { locale, quietHours } = request.body;
      const problem = quietHours ? quietHoursProblem(quietHours) : null;
      if (problem)
        throw new OpsError('OPS_VALIDATION', problem, [{ pointer: '/body/quietHours', message: problem }]);
      await deps.database.transaction(
        (tx) => tx.update(users).set({ locale, quietHours }).where(eq(users.id, session.user.id)),
        { userId: session.user.id },
      );
      return reply.code(204).send(null);
    },
  );
}
