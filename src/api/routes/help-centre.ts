/**
 * The public help centre and the CSAT survey (issue 7): no sign-in, rate limited per address. Pages are
 * HTML under `/help/…` (plain forms, no JavaScript, a strict CSP); `/api/v1/help/…` answers JSON. Only
 * published articles are ever shown; a survey acts only with the token of the link that was sent.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import {
  articlePage,
  indexPage,
  invalidPage,
  notFoundPage,
  renderArticleHtml,
  searchPage,
  surveyPage,
  surveyThanksPage,
  type HelpSite,
} from '../../modules/support/help-pages.js';
import { listPublishedArticles, publishedArticle, recordFeedback } from '../../modules/support/knowledge.js';
import { findPublicWorkspace, type PublicWorkspace } from '../../modules/support/public-workspace.js';
import { answerSurvey, ticketForCustomer } from '../../modules/support/tickets.js';
import type { SupportContext } from '../../modules/support/ticket-store.js';
import type { AppDeps } from '../deps.js';
import { acceptFormPosts, sendPage, wantsHtml } from '../html-page.js';

const Ref = z.string().min(1).max(64);
const ArticleSlug = z.string().min(1).max(80);
const TicketNumber = z.string().regex(/^[1-9][0-9]{0,8}$/, 'a ticket number');
const Token = z.string().max(200);
const PAGE = { access: 'public' as const, rateLimit: { max: 300, timeWindow: '1 minute' } };

const siteOf = (ws: PublicWorkspace): HelpSite => ({
  name: ws.name,
  basePath: `/help/${encodeURIComponent(ws.slug)}`,
});

/** An HTML page under the help centre's own CSP (stricter than the app's: no scripts at all). */
const html = (reply: FastifyReply, status: number, page: string, cache: 'public' | 'private' = 'public') =>
  sendPage(reply, status, page, cache);

export function helpCentreRoutes(app: FastifyInstance, deps: AppDeps, support: SupportContext): void {
  void app.register(async (scope) => {
    // The pages' forms post form-encoded bodies; only this plugin accepts them.
    acceptFormPosts(scope);
    helpPages(scope, deps);
    surveyRoutes(scope, deps, support);
  });
}

function helpPages(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const workspaceOr404 = async (ref: string, reply: FastifyReply) => {
    const ws = await findPublicWorkspace(deps.database, ref);
    if (!ws) void html(reply, 404, notFoundPage(null, 'There is no help centre at this address.'));
    return ws;
  };

  r.get(
    '/help/:workspace',
    {
      schema: { hide: true, params: z.strictObject({ workspace: Ref }) },
      config: PAGE,
    },
    async (request, reply) => {
      const ws = await workspaceOr404(request.params.workspace, reply);
      if (!ws) return reply;
      const articles = await listPublishedArticles(deps.database, ws.id);
      return html(reply, 200, indexPage(siteOf(ws), articles));
    },
  );

  r.get(
    '/help/:workspace/search',
    {
      schema: {
        hide: true,
        params: z.strictObject({ workspace: Ref }),
        querystring: z.strictObject({ q: z.string().max(200).optional() }),
      },
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const ws = await workspaceOr404(request.params.workspace, reply);
      if (!ws) return reply;
      const q = request.query.q?.trim() ?? '';
      const hits = q ? await listPublishedArticles(deps.database, ws.id, { q, limit: 50 }) : [];
      return html(reply, 200, searchPage(siteOf(ws), q, hits));
    },
  );

  const ArticleParams = z.strictObject({ workspace: Ref, articleSlug: ArticleSlug });
  const missingArticle = (ws: PublicWorkspace, reply: FastifyReply) =>
    html(reply, 404, notFoundPage(siteOf(ws), 'This article does not exist or is no longer published.'));

  r.get(
    '/help/:workspace/articles/:articleSlug',
    { schema: { hide: true, params: ArticleParams }, config: PAGE },
    async (request, reply) => {
      const ws = await workspaceOr404(request.params.workspace, reply);
      if (!ws) return reply;
      const article = await publishedArticle(deps.database, ws.id, request.params.articleSlug, {
        countView: true,
      });
      if (!article) return missingArticle(ws, reply);
      return html(reply, 200, articlePage(siteOf(ws), { ...article, html: renderArticleHtml(article.body) }));
    },
  );

  // "Was this helpful?": a plain form post; the answer is the article again, with thanks.
  r.post(
    '/help/:workspace/articles/:articleSlug/feedback',
    {
      schema: {
        hide: true,
        params: ArticleParams,
        body: z.strictObject({ helpful: z.enum(['yes', 'no']) }),
      },
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const ws = await workspaceOr404(request.params.workspace, reply);
      if (!ws) return reply;
      const { articleSlug } = request.params;
      const counted = await recordFeedback(deps.database, ws.id, articleSlug, request.body.helpful === 'yes');
      const article = counted ? await publishedArticle(deps.database, ws.id, articleSlug) : null;
      if (!article) return missingArticle(ws, reply);
      return html(
        reply,
        200,
        articlePage(siteOf(ws), { ...article, html: renderArticleHtml(article.body), answered: true }),
        'private',
      );
    },
  );

  r.get(
    '/api/v1/help/:workspaceSlug/articles',
    {
      schema: {
        tags: ['support'],
        summary: "The published articles of a workspace's help centre (search with `q`, best match first)",
        params: z.strictObject({ workspaceSlug: Ref }),
        querystring: z.strictObject({
          q: z.string().max(200).optional(),
          category: z.string().max(80).optional(),
        }),
        response: {
          200: z.object({
            workspace: z.object({ name: z.string(), url: z.string() }),
            items: z.array(
              z.object({
                slug: z.string(),
                title: z.string(),
                category: z.string(),
                excerpt: z.string(),
                url: z.string(),
                updatedAt: z.string(),
              }),
            ),
          }),
        },
      },
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
    },
    async (request) => {
      const ws = await findPublicWorkspace(deps.database, request.params.workspaceSlug);
      if (!ws) throw new OpsError('OPS_NOT_FOUND', 'There is no help centre at this address.');
      const base = `${deps.config.publicUrl.replace(/\/+$/, '')}${siteOf(ws).basePath}`;
      const hits = await listPublishedArticles(deps.database, ws.id, {
        q: request.query.q,
        category: request.query.category,
        limit: 100,
      });
      return {
        workspace: { name: ws.name, url: base },
        items: hits.map((h) => ({
          slug: h.slug,
          title: h.title,
          category: h.category,
          excerpt: h.excerpt,
          url: `${base}/articles/${encodeURIComponent(h.slug)}`,
          updatedAt: h.updatedAt.toISOString(),
        })),
      };
    },
  );
}

function surveyRoutes(app: FastifyInstance, deps: AppDeps, support: SupportContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const INVALID = 'This survey link is not valid: use the link from the latest message. Nothing was changed.';
  const actionOf = (workspaceId: string, number: number) =>
    `/api/v1/help/${encodeURIComponent(workspaceId)}/csat/${number}`;

  // A link scanner may open the link: the page only shows the form; the form's POST answers.
  r.get(
    '/help/:workspace/csat/:number',
    {
      schema: {
        hide: true,
        params: z.strictObject({ workspace: Ref, number: TicketNumber }),
        querystring: z.strictObject({ t: Token.optional(), score: z.string().max(2).optional() }),
      },
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const number = Number(request.params.number);
      const token = request.query.t ?? '';
      const ws = await findPublicWorkspace(deps.database, request.params.workspace);
      const ticket = ws && token ? await ticketForCustomer(deps.database, ws.id, number, token) : null;
      if (!ws || !ticket) return html(reply, 404, notFoundPage(null, INVALID), 'private');
      const score = Number(request.query.score);
      return html(
        reply,
        200,
        surveyPage({
          action: actionOf(ws.id, number),
          token,
          number,
          ticketTitle: ticket.title,
          workspaceName: ws.name,
          score: Number.isInteger(score) && score >= 1 && score <= 5 ? score : undefined,
          answered:
            ticket.csatScore !== null ? { score: ticket.csatScore, comment: ticket.csatComment } : undefined,
        }),
        'private',
      );
    },
  );

  r.post(
    '/api/v1/help/:workspaceId/csat/:number',
    {
      schema: {
        tags: ['support'],
        summary: "Answer the satisfaction survey of a resolved ticket (JSON, or the survey page's form)",
        description:
          'With the token of the survey link (`t`). A browser (Accept: text/html) gets a thank-you page; other clients JSON. A wrong token answers 404 and changes nothing.',
        params: z.strictObject({ workspaceId: Ref, number: TicketNumber }),
        body: z.strictObject({
          t: Token.optional(),
          score: z
            .union([z.number(), z.string().max(10)])
            .optional()
            .describe('1 (very dissatisfied) to 5.'),
          comment: z.string().max(2000).optional(),
        }),
        response: {
          200: z.object({ number: z.number(), score: z.number(), comment: z.string().nullable() }),
        },
      },
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const number = Number(request.params.number);
      const { t, comment } = request.body;
      const score = Number(request.body.score);
      if (!(Number.isInteger(score) && score >= 1 && score <= 5)) {
        if (wantsHtml(request))
          return html(reply, 400, invalidPage('Choose a rating from 1 to 5.'), 'private');
        throw new OpsError('OPS_VALIDATION', 'The score is a whole number from 1 to 5.', [
          { pointer: '/body/score', message: 'a whole number from 1 to 5' },
        ]);
      }
      const ws = workspaceId.startsWith('ws_') ? await findPublicWorkspace(deps.database, workspaceId) : null;
      const ticket = ws && t ? await ticketForCustomer(deps.database, ws.id, number, t) : null;
      if (!ws || !ticket || !t) {
        if (wantsHtml(request)) return html(reply, 404, notFoundPage(null, INVALID), 'private');
        throw new OpsError('OPS_NOT_FOUND', INVALID);
      }
      const text = comment?.trim() ? comment.trim() : undefined;
      const answered = await answerSurvey(support, ws.id, number, { token: t, score, comment: text });
      if (wantsHtml(request)) return html(reply, 200, surveyThanksPage(ws.name, score), 'private');
      return { number, score: answered.csatScore ?? score, comment: answered.csatComment };
    },
  );
}
