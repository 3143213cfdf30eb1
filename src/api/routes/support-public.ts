/** What customers reach without signing in: the help centre, the chat widget, the CSAT survey, inbound provider webhooks (issue 7). */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyTwilioSignature } from '../../channels/twilio-signature.js';
import { NoActivePackError } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import {
  conversationSince,
  customerMessage,
  messageTimeMs,
  openConversation,
  rateConversation,
  readConversation,
  startConversation,
} from '../../modules/support/chat.js';
import { readInbound, receiveInbound } from '../../modules/support/messaging-intake.js';
import type { SupportContext } from '../../modules/support/ticket-store.js';
import { WIDGET_SOURCE } from '../../modules/support/widget/widget-source.js';
import { createTargets, type Targets } from '../../modules/notifications/targets.js';
import { createChatStream } from '../chat-stream.js';
import { helpCentreRoutes } from './help-centre.js';
import type { AppDeps } from '../deps.js';

export function supportPublicRoutes(app: FastifyInstance, deps: AppDeps, support: SupportContext): void {
  helpCentreRoutes(app, deps, support);
  void app.register(async (scope) => chatRoutes(scope, deps, support));
  const targets = createTargets(deps.database, deps.keys, () => deps.now().getTime());
  void app.register(async (scope) => inboundRoutes(scope, deps, support, targets));
  widgetRoute(app);
}

const Id = z.string().min(1).max(64);
const TicketNumber = z.coerce.number().int().min(1).max(2_147_483_647);
/** A missing or wrong token is answered like an unknown conversation (404), never told apart. */
const Token = z.string().max(128);
const MessageText = z.string().trim().min(1, 'write a message').max(4000);
const W = z.strictObject({ workspaceId: Id });
const C = z.strictObject({ workspaceId: Id, number: TicketNumber });

const ChatMessage = z.object({
  id: z.string(),
  from: z.enum(['customer', 'agent', 'bot', 'system']),
  name: z.string().nullable(),
  text: z.string(),
  createdAt: z.string(),
  articles: z.array(z.object({ title: z.string(), url: z.string() })).optional(),
});
const ChatState = z.object({
  number: z.number(),
  status: z.string(),
  resolved: z.boolean(),
  csat: z.object({ score: z.number() }).nullable(),
});

/** Per client address: a visitor chats at a person's pace; more is a script. */
const LIMITS = {
  start: { max: 10, timeWindow: '10 minutes' },
  write: { max: 60, timeWindow: '1 minute' },
  read: { max: 120, timeWindow: '1 minute' },
  stream: { max: 60, timeWindow: '1 minute' },
  rate: { max: 10, timeWindow: '1 minute' },
} as const;

/**
 * The widget runs on the customer's own site, so any origin may call the chat API; no credentials are
 * involved (the conversation token travels in the request), so no cookie of ours is ever sent or read.
 */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'retry-after',
  'cross-origin-resource-policy': 'cross-origin',
} as const;

async function chatRoutes(app: FastifyInstance, deps: AppDeps, support: SupportContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const stream = await createChatStream(
    deps.database,
    (workspaceId, ticketId, sinceMs) => conversationSince(deps.database, workspaceId, ticketId, sinceMs),
    deps.logger,
  );
  app.addHook('onClose', () => stream.close());
  app.addHook('onRequest', async (_request, reply) => {
    void reply.headers(CORS);
  });

  r.options(
    '/api/v1/chat/*',
    { schema: { hide: true }, config: { access: 'public', rateLimit: LIMITS.read } },
    async (_request, reply) =>
      reply
        .code(204)
        .headers({
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': '86400',
        })
        .send(),
  );

  r.post(
    '/api/v1/chat/:workspaceId/conversations',
    {
      schema: {
        tags: ['support'],
        summary: "Starts a chat from the widget: a ticket on the pack's in-app chat channel; the bot answers",
        params: W,
        body: z.strictObject({
          text: MessageText,
          name: z.string().trim().min(1).max(100).optional(),
          email: z.email().max(254).optional(),
          locale: z
            .string()
            .max(35)
            .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i, 'a language tag such as en or hi-IN')
            .optional(),
        }),
        response: { 201: z.object({ number: z.number(), token: z.string() }) },
      },
      bodyLimit: 16 * 1024,
      config: { access: 'public', rateLimit: LIMITS.start },
    },
    async (request, reply) => {
      const { text, name, email, locale } = request.body;
      const started = await startConversation(support, request.params.workspaceId, {
        text,
        name,
        email: email?.toLowerCase(),
        locale,
      });
      if (started.botError !== undefined)
        request.log.error({ err: started.botError }, 'the chat bot could not answer in full');
      return reply.code(201).send({ number: started.number, token: started.token });
    },
  );

  r.get(
    '/api/v1/chat/:workspaceId/conversations/:number',
    {
      schema: {
        tags: ['support'],
        summary: 'The conversation as its visitor sees it (with its token `t`): state and latest messages',
        params: C,
        querystring: z.object({ t: Token.optional() }),
        response: { 200: ChatState.extend({ messages: z.array(ChatMessage) }) },
      },
      config: { access: 'public', rateLimit: LIMITS.read },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      return readConversation(support, workspaceId, number, request.query.t ?? '');
    },
  );

  r.post(
    '/api/v1/chat/:workspaceId/conversations/:number/messages',
    {
      schema: {
        tags: ['support'],
        summary:
          "The visitor writes again (a resolved chat reopens); `number` is a follow-up's when one opened",
        params: C,
        body: z.strictObject({ t: Token, text: MessageText }),
        response: { 201: z.object({ number: z.number(), message: ChatMessage.nullable() }) },
      },
      bodyLimit: 16 * 1024,
      config: { access: 'public', rateLimit: LIMITS.write },
    },
    async (request, reply) => {
      const { workspaceId, number } = request.params;
      const { t, text } = request.body;
      return reply.code(201).send(await customerMessage(support, workspaceId, number, t, text));
    },
  );

  r.get(
    '/api/v1/chat/:workspaceId/conversations/:number/stream',
    {
      schema: {
        tags: ['support'],
        summary:
          'Server-sent events: `message` (a visible message, its id as the event id) and `status` (state changes)',
        params: C,
        querystring: z.object({ t: Token.optional(), after: Id.optional() }),
      },
      config: { access: 'public', rateLimit: LIMITS.stream },
    },
    async (request, reply) => {
      const { workspaceId, number } = request.params;
      const ticket = await openConversation(support, workspaceId, number, request.query.t ?? '');
      const header = request.headers['last-event-id'];
      const lastId =
        (typeof header === 'string' && header.length <= 64 ? header : undefined) ?? request.query.after;
      const nowMs = deps.now().getTime();
      const sinceMs = lastId
        ? ((await messageTimeMs(deps.database, workspaceId, ticket.id, lastId)) ?? nowMs)
        : nowMs;
      reply.hijack();
      stream.subscribe(workspaceId, ticket.id, { sinceMs, lastId }, reply);
    },
  );

  r.post(
    '/api/v1/chat/:workspaceId/conversations/:number/csat',
    {
      schema: {
        tags: ['support'],
        summary: 'The visitor rates the help (1-5) once the conversation is resolved',
        params: C,
        body: z.strictObject({
          t: Token,
          score: z.number().int().min(1).max(5),
          comment: z.string().trim().max(2000).optional(),
        }),
        response: { 200: ChatState },
      },
      config: { access: 'public', rateLimit: LIMITS.rate },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const { t, score, comment } = request.body;
      return rateConversation(support, workspaceId, number, t, { score, ...(comment ? { comment } : {}) });
    },
  );
}

/** What the provider expects back: an empty TwiML document (no automatic answer). */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * WhatsApp and SMS messages the provider forwards (form-encoded, signed with the workspace's auth token).
 * In its own plugin so only this route accepts `application/x-www-form-urlencoded`.
 */
async function inboundRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  support: SupportContext,
  targets: Targets,
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  r.post(
    '/api/v1/hooks/twilio/:workspaceId/inbound',
    {
      schema: {
        tags: ['support'],
        summary:
          'An inbound WhatsApp or SMS message from the provider (signed with X-Twilio-Signature): a ticket message',
        params: W,
        body: z.record(z.string().max(64), z.string().max(5000)),
      },
      config: { access: 'public', rateLimit: { max: 1200, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const provider = await targets.provider(workspaceId).catch(() => null);
      // No provider, nothing that could have sent this: the same answer as an unknown workspace.
      if (!provider)
        throw new OpsError(
          'OPS_NOT_FOUND',
          `No messaging provider is set up for workspace "${workspaceId}".`,
        );
      const url = `${deps.config.publicUrl.replace(/\/+$/, '')}${request.url}`;
      const signature = request.headers['x-twilio-signature'];
      const signed = typeof signature === 'string' ? signature : undefined;
      if (!verifyTwilioSignature(provider.authToken, url, request.body, signed))
        throw new OpsError(
          'OPS_SIGNATURE_INVALID',
          `X-Twilio-Signature ${signed ? 'does not match' : 'is missing'}: the provider must sign ${url} with the workspace's auth token.`,
        );
      const read = readInbound(request.body);
      if (!read.ok) throw new OpsError('OPS_VALIDATION', 'The inbound message cannot be used.', read.errors);
      try {
        const result = await receiveInbound(support, workspaceId, read.message);
        request.log.info({ workspaceId, ...result, kind: read.message.kind }, 'inbound message');
      } catch (err) {
        if (err instanceof NoActivePackError) throw new OpsError('OPS_NO_ACTIVE_PACK');
        throw err;
      }
      return reply.type('text/xml; charset=utf-8').send(EMPTY_TWIML);
    },
  );
}

/**
 * GET /widget.js: cached for a day by browsers and CDNs and revalidated by its ETag afterwards, so a new
 * version reaches every site within a day without a version in the URL customers pasted.
 */
function widgetRoute(app: FastifyInstance): void {
  const etag = `"${createHash('sha256').update(WIDGET_SOURCE).digest('base64url').slice(0, 27)}"`;
  const headers = {
    ...CORS,
    'cache-control': 'public, max-age=86400, stale-while-revalidate=604800',
    etag,
  };
  app.get('/widget.js', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const match = request.headers['if-none-match'];
    if (match && (match === '*' || match.split(',').some((m) => m.trim().replace(/^W\//, '') === etag)))
      return reply.code(304).headers(headers).send();
    return reply.headers(headers).type('text/javascript; charset=utf-8').send(WIDGET_SOURCE);
  });
}
