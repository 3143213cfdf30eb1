/** Help-desk setup: support addresses, agents (tiers, shifts), knowledge-base articles (issue 7). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addAddress, listAddresses, removeAddress } from '../../modules/support/addresses.js';
import { getAgent, putAgent } from '../../modules/support/agents.js';
import { SLUG_PATTERN } from '../../modules/support/article-text.js';
import {
  createArticle,
  deleteArticle,
  getArticle,
  listArticles,
  updateArticle,
  type ArticleRow,
} from '../../modules/support/knowledge.js';
import type { SupportContext } from '../../modules/support/ticket-store.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const Key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes');
// A practical check, not RFC 5322: one @, a dotted domain, no spaces or angle brackets.
const Email = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/, 'an email address such as support@example.com');

const Agent = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  tiers: z.array(z.string()),
  onShift: z.boolean(),
  openTickets: z.number(),
});
const Address = z.object({ address: z.string(), channel: z.string(), createdAt: z.string() });
const ArticleFields = {
  slug: z.string().regex(SLUG_PATTERN, 'lowercase letters, digits and dashes, up to 80').optional(),
  title: z.string().trim().min(1).max(200),
  body: z.string().max(100_000).describe('Markdown.'),
  category: z.string().trim().min(1).max(80).describe('The help-centre section it is listed under.'),
  ticketCategories: z.array(Key).max(20).optional().describe('Ticket categories of the pack it answers.'),
  published: z.boolean().optional(),
};
const Article = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  body: z.string(),
  category: z.string(),
  ticketCategories: z.array(z.string()),
  published: z.boolean(),
  views: z.number(),
  helpful: z.number(),
  notHelpful: z.number(),
  url: z.string().describe('Its public address (answers 404 while it is a draft).'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const ArticleSummary = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  category: z.string(),
  excerpt: z.string(),
  ticketCategories: z.array(z.string()),
  published: z.boolean(),
  url: z.string(),
  updatedAt: z.string(),
});

export function supportAdminRoutes(app: FastifyInstance, deps: AppDeps, support: SupportContext): void {
  agentRoutes(app, deps);
  addressRoutes(app, deps);
  articleRoutes(app, deps, support);
}

function agentRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const Params = W.extend({ userId: Id });

  r.get(
    '/api/v1/workspaces/:workspaceId/support/agents/:userId',
    {
      schema: {
        tags: ['support'],
        summary: "A member's support tiers and shift",
        params: Params,
        response: { 200: Agent },
      },
      config: { access: 'support.manage' },
    },
    async (request) => getAgent(deps.database, request.params.workspaceId, request.params.userId),
  );

  r.put(
    '/api/v1/workspaces/:workspaceId/support/agents/:userId',
    {
      schema: {
        tags: ['support'],
        summary:
          "Set a member's support tiers and whether they are on shift (automatic assignment uses both)",
        params: Params,
        body: z.strictObject({
          tiers: z.array(Key).max(20).describe('Tiers of the active pack (e.g. l1-support).'),
          onShift: z.boolean(),
        }),
        response: { 200: Agent },
      },
      config: { access: 'support.manage' },
    },
    async (request) =>
      putAgent(
        deps.database,
        request.params.workspaceId,
        request.params.userId,
        request.body,
        accessOf(request).actor,
        deps.now(),
      ),
  );
}

function addressRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const view = (a: { address: string; channel: string; createdAt: Date }) => ({
    ...a,
    createdAt: a.createdAt.toISOString(),
  });

  r.get(
    '/api/v1/workspaces/:workspaceId/support/addresses',
    {
      schema: {
        tags: ['support'],
        summary: 'The email addresses whose mail becomes tickets of this workspace',
        params: W,
        response: { 200: z.object({ items: z.array(Address) }) },
      },
      config: { access: 'support.manage' },
    },
    async (request) => ({
      items: (await listAddresses(deps.database, request.params.workspaceId)).map(view),
    }),
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/support/addresses',
    {
      schema: {
        tags: ['support'],
        summary: 'Register a support address (201; 200 when it is registered here already)',
        params: W,
        body: z.strictObject({
          address: Email,
          channel: Key.optional().describe(
            "A customer channel of the pack; the pack's email channel if left out.",
          ),
        }),
        response: { 200: Address, 201: Address },
      },
      config: { access: 'support.manage' },
    },
    async (request, reply) => {
      const { address, created } = await addAddress(
        deps.database,
        request.params.workspaceId,
        request.body,
        accessOf(request).actor,
        deps.now(),
      );
      return reply.code(created ? 201 : 200).send(view(address));
    },
  );

  r.delete(
    '/api/v1/workspaces/:workspaceId/support/addresses/:address',
    {
      schema: {
        tags: ['support'],
        summary: 'Remove a support address (its mail no longer becomes tickets here)',
        params: W.extend({ address: z.string().min(3).max(254) }),
        response: { 204: z.null() },
      },
      config: { access: 'support.manage' },
    },
    async (request, reply) => {
      await removeAddress(
        deps.database,
        request.params.workspaceId,
        request.params.address,
        accessOf(request).actor,
        deps.now(),
      );
      return reply.code(204).send(null);
    },
  );
}

function articleRoutes(app: FastifyInstance, deps: AppDeps, support: SupportContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const Params = W.extend({ articleId: Id });
  /** The public address, by the workspace's slug when the caller's session knows it (tokens: its id). */
  const urlOf = (request: FastifyRequest, workspaceId: string, slug: string) =>
    `${support.publicUrl.replace(/\/+$/, '')}/help/${encodeURIComponent(accessOf(request).workspace?.slug ?? workspaceId)}/articles/${encodeURIComponent(slug)}`;
  const view = (request: FastifyRequest, a: ArticleRow) => ({
    id: a.id,
    slug: a.slug,
    title: a.title,
    body: a.body,
    category: a.category,
    ticketCategories: a.ticketCategories,
    published: a.published,
    views: a.views,
    helpful: a.helpful,
    notHelpful: a.notHelpful,
    url: urlOf(request, a.workspaceId, a.slug),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  });

  r.get(
    '/api/v1/workspaces/:workspaceId/knowledge/articles',
    {
      schema: {
        tags: ['support'],
        summary: 'Help-centre articles, drafts included; with `q`, searched and best match first',
        params: W,
        querystring: z.strictObject({
          q: z.string().max(200).optional(),
          category: z.string().max(80).optional(),
          published: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: z.object({ items: z.array(ArticleSummary) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const { q, category, published } = request.query;
      const rows = await listArticles(deps.database, workspaceId, {
        q,
        category,
        ...(published ? { published: published === 'true' } : {}),
      });
      return {
        items: rows.map((a) => ({
          id: a.id,
          slug: a.slug,
          title: a.title,
          category: a.category,
          excerpt: a.excerpt,
          ticketCategories: a.ticketCategories,
          published: a.published,
          url: urlOf(request, workspaceId, a.slug),
          updatedAt: a.updatedAt.toISOString(),
        })),
      };
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/knowledge/articles',
    {
      schema: {
        tags: ['support'],
        summary: 'Write an article (a draft unless `published`)',
        params: W,
        body: z.strictObject(ArticleFields),
        response: { 201: Article },
      },
      config: { access: 'knowledge.write' },
    },
    async (request, reply) => {
      const row = await createArticle(deps.database, request.params.workspaceId, request.body, deps.now());
      return reply.code(201).send(view(request, row));
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/knowledge/articles/:articleId',
    {
      schema: { tags: ['support'], summary: 'An article', params: Params, response: { 200: Article } },
      config: { access: 'records.read' },
    },
    async (request) =>
      view(request, await getArticle(deps.database, request.params.workspaceId, request.params.articleId)),
  );

  r.patch(
    '/api/v1/workspaces/:workspaceId/knowledge/articles/:articleId',
    {
      schema: {
        tags: ['support'],
        summary:
          'Change an article; `published: true` puts it in the public help centre, `false` takes it out',
        params: Params,
        body: z.strictObject(ArticleFields).partial(),
        response: { 200: Article },
      },
      config: { access: 'knowledge.write' },
    },
    async (request) =>
      view(
        request,
        await updateArticle(
          deps.database,
          request.params.workspaceId,
          request.params.articleId,
          request.body,
          deps.now(),
        ),
      ),
  );

  r.delete(
    '/api/v1/workspaces/:workspaceId/knowledge/articles/:articleId',
    {
      schema: {
        tags: ['support'],
        summary: 'Delete an article',
        params: Params,
        response: { 204: z.null() },
      },
      config: { access: 'knowledge.write' },
    },
    async (request, reply) => {
      await deleteArticle(deps.database, request.params.workspaceId, request.params.articleId);
      return reply.code(204).send(null);
    },
  );
}
