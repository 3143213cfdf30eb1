/**
 * The public status page (issue 8), no sign-in: `/status/<workspace-slug>` and its history, incident
 * pages, RSS and Atom feeds, a JSON summary (`…/api/v2/summary.json`, Statuspage's shape), and the
 * subscription forms. Pages come from the in-memory snapshot (src/modules/status/status-cache.ts) with an
 * ETag and Last-Modified, answered 304 when unchanged; while the database is down the last snapshot is
 * served, marked stale (RELIABILITY R11). HTML works without JavaScript and allows none (STATUS_CSP).
 *
 * Page views are not rate-limited: they cost a map lookup, less than the limiter would. The forms are.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import type { StatusContext } from '../../modules/status/context.js';
import { escapeHtml } from '../../modules/status/format.js';
import { atomFeed, rssFeed, summaryJson } from '../../modules/status/page-feeds.js';
import { historyPage, incidentPage, indexPage, siteOf } from '../../modules/status/page-html.js';
import { messagePage, STATUS_CSP } from '../../modules/status/page-layout.js';
import { notModified } from '../../modules/status/conditional.js';
import { StatusPageCache, type Served } from '../../modules/status/status-cache.js';
import {
  confirmSubscription,
  subscribe,
  subscribeInputOf,
  unsubscribeByMessage,
  type PageWorkspace,
} from '../../modules/status/subscribe.js';
import {
  confirmedPage,
  confirmFormPage,
  invalidInputPage,
  invalidLinkPage,
  subscribeAnswerPage,
  unsubscribedPage,
  unsubscribeFormPage,
} from '../../modules/status/subscription-pages.js';
import type { AppDeps } from '../deps.js';
import { acceptFormPosts, wantsHtml } from '../html-page.js';
import { statusAdminRoutes } from './status-admin.js';

const Slug = z.string().min(1).max(200);
const P = z.strictObject({ slug: Slug });
const PAGE = { access: 'public' as const };
const FRESH = 'public, max-age=30, stale-while-revalidate=30, stale-if-error=86400';
const STALE = 'public, max-age=5';

type Kind = 'html' | 'rss' | 'atom' | 'json';
const TYPES: Record<Kind, string> = {
  html: 'text/html; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function htmlReply(reply: FastifyReply, status: number, page: string, cache = 'no-store') {
  return reply
    .code(status)
    .header('content-security-policy', STATUS_CSP)
    .header('cache-control', cache)
    .type(TYPES.html)
    .send(page);
}

function sendRendered(
  request: FastifyRequest,
  reply: FastifyReply,
  served: Served,
  key: string,
  kind: Kind,
  make: () => string,
) {
  const rendered = served.render(key, make);
  // Pages compress about tenfold; the gzipped bytes are made once per rendering.
  const gzip = /\bgzip\b(?!;\s*q=0(\.0*)?\b)/.test(request.headers['accept-encoding'] ?? '');
  const etag = gzip ? `${rendered.etag.slice(0, -1)}-gz"` : rendered.etag;
  void reply
    .header('etag', etag)
    .header('last-modified', rendered.lastModified.toUTCString())
    .header('cache-control', served.staleSince ? STALE : FRESH)
    .header('vary', 'accept-encoding');
  if (kind === 'html') void reply.header('content-security-policy', STATUS_CSP);
  if (kind === 'json') void reply.header('access-control-allow-origin', '*');
  if (served.staleSince) void reply.header('x-opsbook-stale-since', served.staleSince.toISOString());
  const conditional = {
    ifNoneMatch: request.headers['if-none-match'],
    ifModifiedSince: request.headers['if-modified-since'],
  };
  if (notModified(conditional, { etag, lastModified: rendered.lastModified })) return reply.code(304).send();
  if (gzip) void reply.header('content-encoding', 'gzip');
  return reply
    .code(200)
    .type(TYPES[kind])
    .send(gzip ? rendered.gzipped() : rendered.body);
}

const NOT_FOUND = 'There is no status page at this address.';

/** The status page and its setup: the public pages here, the admin API in status-admin.ts. */
export function statusRoutes(app: FastifyInstance, deps: AppDeps): void {
  const ctx: StatusContext = {
    database: deps.database,
    keys: deps.keys,
    now: deps.now,
    publicUrl: deps.config.publicUrl,
    outboundAllow: deps.config.outboundAllow,
  };
  statusPageRoutes(app, deps, ctx);
  statusAdminRoutes(app, ctx);
}

function statusPageRoutes(app: FastifyInstance, deps: AppDeps, ctx: StatusContext): void {
  void app.register(async (scope) => {
    const cache = new StatusPageCache({ database: deps.database, now: deps.now, log: deps.logger });
    await cache.start();
    scope.addHook('onClose', () => cache.close());
    // The forms post form-encoded bodies (a mail client's one-click unsubscribe may post multipart, whose
    // content is ignored: the link's token acts); only this plugin accepts them.
    acceptFormPosts(scope);
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_r, _b, done) => done(null, {}),
    );
    pageRoutes(scope, deps, cache);
    subscriptionRoutes(scope, ctx, cache);
  });
}

/**
 * The page data for a request, or the answer already sent: 404 for an unknown page, 503 when the database
 * cannot be reached and nothing of this page was ever read.
 */
export async function servedOr(
  cache: StatusPageCache,
  slug: string,
  reply: FastifyReply,
  kind: Kind,
): Promise<Served | null> {
  let served: Served | null;
  try {
    served = await cache.get(slug);
  } catch {
    if (kind !== 'html') throw new OpsError('OPS_DATABASE_UNAVAILABLE');
    void htmlReply(
      reply.header('retry-after', '30'),
      503,
      messagePage(
        null,
        'Status unavailable',
        '<p>The status page cannot be loaded right now. Try again in a minute.</p>',
      ),
    );
    return null;
  }
  if (served) return served;
  if (kind !== 'html') throw new OpsError('OPS_NOT_FOUND', NOT_FOUND);
  void htmlReply(reply, 404, messagePage(null, 'Not found', `<p>${escapeHtml(NOT_FOUND)}</p>`));
  return null;
}

function pageRoutes(app: FastifyInstance, deps: AppDeps, cache: StatusPageCache): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const origin = deps.config.publicUrl;
  const options = (served: Served) => ({ staleSince: served.staleSince });
  const opts = { schema: { hide: true, params: P }, config: PAGE };
  /** A route answering one rendering of the snapshot. */
  const rendering =
    (key: string, kind: Kind, make: (served: Served) => string) =>
    async (request: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply) => {
      const served = await servedOr(cache, request.params.slug, reply, kind);
      if (!served) return reply;
      return sendRendered(request, reply, served, key, kind, () => make(served));
    };

  r.get(
    '/status/:slug',
    opts,
    rendering('index', 'html', (s) => indexPage(s.snapshot, options(s))),
  );
  r.get(
    '/status/:slug/history',
    opts,
    rendering('history', 'html', (s) => historyPage(s.snapshot, options(s))),
  );
  r.get(
    '/status/:slug/history.rss',
    opts,
    rendering('rss', 'rss', (s) => rssFeed(s.snapshot, origin)),
  );
  r.get(
    '/status/:slug/history.atom',
    opts,
    rendering('atom', 'atom', (s) => atomFeed(s.snapshot, origin)),
  );
  r.get(
    '/status/:slug/api/v2/summary.json',
    opts,
    rendering('summary', 'json', (s) => JSON.stringify(summaryJson(s.snapshot, origin, s.staleSince))),
  );
  r.get(
    '/status/:slug/api/v2/status.json',
    opts,
    rendering('status', 'json', (s) => {
      const { page, status, stale, stale_since } = summaryJson(s.snapshot, origin, s.staleSince);
      return JSON.stringify({ page, status, stale, stale_since });
    }),
  );

  r.get(
    '/status/:slug/incidents/:incidentId',
    {
      schema: { hide: true, params: P.extend({ incidentId: z.string().min(1).max(64) }) },
      // An incident older than the snapshot is read from the database: bounded per client address.
      config: { access: 'public' as const, rateLimit: { max: 600, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const served = await servedOr(cache, request.params.slug, reply, 'html');
      if (!served) return reply;
      const { incidentId } = request.params;
      const incident = /^inc_[a-z0-9]{1,40}$/.test(incidentId) ? await served.incident(incidentId) : null;
      if (!incident) {
        const page = messagePage(
          siteOf(served.snapshot),
          'Not found',
          '<p>There is no such incident on this page.</p>',
        );
        return htmlReply(reply, 404, page);
      }
      return sendRendered(request, reply, served, `incident:${incident.id}`, 'html', () =>
        incidentPage(served.snapshot, incident, options(served)),
      );
    },
  );
}

/** A browser (Accept: text/html) gets pages; scripts and mail clients get JSON or problem+json. */

const FORMS = {
  subscribe: { access: 'public' as const, rateLimit: { max: 10, timeWindow: '10 minutes' } },
  link: { access: 'public' as const, rateLimit: { max: 30, timeWindow: '1 minute' } },
};

const pageWorkspace = (served: Served): PageWorkspace => served.snapshot.workspace;

function subscriptionRoutes(app: FastifyInstance, ctx: StatusContext, cache: StatusPageCache): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const workspaceOf = async (request: FastifyRequest, slug: string, reply: FastifyReply) =>
    servedOr(cache, slug, reply, wantsHtml(request) ? 'html' : 'json');

  r.post(
    '/status/:slug/subscribe',
    {
      schema: {
        hide: true,
        params: P,
        body: z.strictObject({
          email: z.string().max(320).optional(),
          webhook: z.string().max(2048).optional(),
        }),
      },
      config: FORMS.subscribe,
    },
    async (request, reply) => {
      const served = await workspaceOf(request, request.params.slug, reply);
      if (!served) return reply;
      const site = siteOf(served.snapshot);
      const parsed = subscribeInputOf(request.body);
      if ('problem' in parsed) {
        if (wantsHtml(request)) return htmlReply(reply, 400, invalidInputPage(site, parsed.problem.message));
        throw new OpsError('OPS_VALIDATION', parsed.problem.message, [parsed.problem]);
      }
      const { input } = parsed;
      try {
        await subscribe(ctx, pageWorkspace(served), input);
      } catch (err) {
        if (err instanceof OpsError && err.code === 'OPS_VALIDATION' && wantsHtml(request))
          return htmlReply(
            reply,
            400,
            invalidInputPage(site, err.detail ?? 'That webhook URL cannot be used.'),
          );
        throw err;
      }
      if (wantsHtml(request))
        return htmlReply(reply, 202, subscribeAnswerPage(site, input.kind, input.address));
      return reply.code(202).send({
        status: 'confirmation-sent-if-new',
        message: 'If this address is not subscribed yet, a confirmation link was sent to it.',
      });
    },
  );

  const Token = z.string().max(200);
  r.get(
    '/status/:slug/confirm',
    {
      schema: { hide: true, params: P, querystring: z.strictObject({ t: Token.optional() }) },
      config: FORMS.link,
    },
    async (request, reply) => {
      const served = await servedOr(cache, request.params.slug, reply, 'html');
      if (!served) return reply;
      const site = siteOf(served.snapshot);
      const token = request.query.t ?? '';
      const check = await confirmSubscription(ctx, pageWorkspace(served), token, { dryRun: true });
      void reply.header('x-robots-tag', 'noindex');
      if (check.outcome === 'invalid') return htmlReply(reply, 404, invalidLinkPage(site, 'confirmation'));
      if (check.outcome === 'already') return htmlReply(reply, 200, confirmedPage(site, null, true));
      return htmlReply(reply, 200, confirmFormPage(site, token));
    },
  );

  r.post(
    '/status/:slug/confirm',
    {
      schema: {
        hide: true,
        params: P,
        querystring: z.strictObject({ t: Token.optional() }),
        body: z.strictObject({ t: Token.optional() }).nullish(),
      },
      config: FORMS.link,
    },
    async (request, reply) => {
      const served = await workspaceOf(request, request.params.slug, reply);
      if (!served) return reply;
      const site = siteOf(served.snapshot);
      const token = request.body?.t ?? request.query.t ?? '';
      const result = await confirmSubscription(ctx, pageWorkspace(served), token);
      if (result.outcome === 'invalid') {
        if (wantsHtml(request)) return htmlReply(reply, 404, invalidLinkPage(site, 'confirmation'));
        throw new OpsError('OPS_NOT_FOUND', 'This confirmation link is not valid; nothing was changed.');
      }
      const secret = result.outcome === 'confirmed' ? result.secret : null;
      const already = result.outcome !== 'confirmed';
      if (wantsHtml(request)) return htmlReply(reply, 200, confirmedPage(site, secret, already));
      return { confirmed: true, already, kind: result.kind, ...(secret ? { secret } : {}) };
    },
  );

  const U = P.extend({ messageId: z.string().min(1).max(80) });
  r.get(
    '/status/:slug/unsubscribe/:messageId',
    {
      schema: { hide: true, params: U, querystring: z.strictObject({ t: Token.optional() }) },
      config: FORMS.link,
    },
    async (request, reply) => {
      const served = await servedOr(cache, request.params.slug, reply, 'html');
      if (!served) return reply;
      const site = siteOf(served.snapshot);
      const { messageId } = request.params;
      const token = request.query.t ?? '';
      const check = await unsubscribeByMessage(ctx, pageWorkspace(served), messageId, token, {
        dryRun: true,
      });
      void reply.header('x-robots-tag', 'noindex');
      if (check === 'invalid') return htmlReply(reply, 404, invalidLinkPage(site, 'unsubscribe'));
      const action = `${site.basePath}/unsubscribe/${encodeURIComponent(messageId)}?t=${encodeURIComponent(token)}`;
      return htmlReply(reply, 200, unsubscribeFormPage(site, action));
    },
  );

  // RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to the List-Unsubscribe URL; the form does too.
  r.post(
    '/status/:slug/unsubscribe/:messageId',
    {
      schema: {
        hide: true,
        params: U,
        querystring: z.strictObject({ t: Token.optional() }),
        body: z.record(z.string().max(64), z.string().max(200)).nullish(),
      },
      config: FORMS.link,
    },
    async (request, reply) => {
      const served = await workspaceOf(request, request.params.slug, reply);
      if (!served) return reply;
      const site = siteOf(served.snapshot);
      const result = await unsubscribeByMessage(
        ctx,
        pageWorkspace(served),
        request.params.messageId,
        request.query.t ?? '',
      );
      if (result === 'invalid') {
        if (wantsHtml(request)) return htmlReply(reply, 404, invalidLinkPage(site, 'unsubscribe'));
        throw new OpsError('OPS_NOT_FOUND', 'This unsubscribe link is not valid; nothing was changed.');
      }
      if (wantsHtml(request)) return htmlReply(reply, 200, unsubscribedPage(site));
      return { unsubscribed: true };
    },
  );
}
