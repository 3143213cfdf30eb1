/**
 * The agents' inbox: the ticket list (filters, search, keyset pages), the queues per tier, the live
 * stream of changes, and bulk changes. Registered by ticketRoutes (tickets.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import { checkBulkValue } from '../../modules/support/agent-input.js';
import { bulkChange } from '../../modules/support/bulk.js';
import { activePolicy } from '../../modules/support/detail.js';
import { SETTABLE_STATUSES } from '../../modules/support/field-checks.js';
import { listTickets, ticketQueues, type TicketFilters } from '../../modules/support/queries.js';
import type { SupportContext } from '../../modules/support/ticket-store.js';
import { governingPolicy } from '../../modules/notifications/directory.js';
import { accessOf } from '../session.js';
import type { TicketStream } from '../ticket-stream.js';
import { BulkBody, ListQuery, TicketView, W } from './ticket-schemas.js';

const BASE = '/api/v1/workspaces/:workspaceId/tickets';

type ListQueryOut = z.output<typeof ListQuery>;

const invalid = (pointer: string, message: string) =>
  new OpsError('OPS_VALIDATION', message, [{ pointer, message }]);

/** The query's filters; `me` is the signed-in person, `fcr` the active pack's first-contact tag. */
async function filtersOf(
  support: SupportContext,
  request: FastifyRequest,
  workspaceId: string,
  q: ListQueryOut,
): Promise<TicketFilters> {
  let assignee: TicketFilters['assignee'];
  if (q.assignee === 'none') assignee = { none: true };
  else if (q.assignee === 'me') {
    const session = accessOf(request).session;
    if (!session) throw invalid('/querystring/assignee', '`me` needs a signed-in person, not an API token');
    assignee = { userId: session.user.id };
  } else if (q.assignee) assignee = { userId: q.assignee };
  let tag: string | undefined;
  if (q.fcr) {
    const policy = await support.database.inWorkspace(workspaceId, (tx) =>
      governingPolicy(tx, workspaceId, null),
    );
    tag = policy?.pack.desk?.firstContactResolution?.tag;
    if (!tag) throw invalid('/querystring/fcr', 'the active pack has no first-contact-resolution tag');
  }
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to))
    throw invalid('/querystring/to', '`to` must be after `from`');
  return {
    ...(q.status ? { statuses: q.status.includes('all') ? null : q.status } : {}),
    ...(q.tier?.length ? { tiers: q.tier.map((t) => (t === 'untiered' ? null : t)) } : {}),
    ...(q.priority?.length ? { priorities: q.priority } : {}),
    ...(assignee ? { assignee } : {}),
    ...(q.channel?.length ? { channels: q.channel } : {}),
    ...(q.category?.length ? { categories: q.category } : {}),
    ...(q.breached !== undefined ? { breached: q.breached } : {}),
    ...(q.q !== undefined ? { q: q.q } : {}),
    ...(q.from ? { from: new Date(q.from) } : {}),
    ...(q.to ? { to: new Date(q.to) } : {}),
    ...(q.clock && q.verdict ? { clock: { group: q.clock, verdict: q.verdict } } : {}),
    ...(q.reopened !== undefined ? { reopened: q.reopened } : {}),
    ...(tag ? { tag } : {}),
    ...(q.csat !== undefined ? { csat: q.csat } : {}),
  };
}

export function inboxRoutes(app: FastifyInstance, support: SupportContext, stream: TicketStream): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    BASE,
    {
      schema: {
        tags: ['tickets'],
        summary: 'The inbox: tickets by filters and search, a page at a time (`nextCursor`)',
        description:
          'Default: open work (not resolved, closed or merged), soonest due first. A drill-down filter (from, to, clock, reopened, fcr, csat) lists every status unless `status` says otherwise; `status=all` lists every status.',
        params: W,
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(TicketView), nextCursor: z.string().nullable() }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const q = request.query;
      return listTickets(support.database, workspaceId, await filtersOf(support, request, workspaceId, q), {
        sort: q.sort,
        limit: q.limit,
        cursor: q.cursor,
      });
    },
  );

  r.get(
    `${BASE}/queues`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Open work per tier of the active pack (and `untiered`): open, breached, unassigned',
        params: W,
        response: {
          200: z.array(
            z.object({
              tier: z.string(),
              label: z.string(),
              open: z.number(),
              breached: z.number(),
              unassigned: z.number(),
            }),
          ),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      return support.database.inWorkspace(workspaceId, async (tx) => {
        const policy = await governingPolicy(tx, workspaceId, null);
        const tiers = (policy?.pack.tiers ?? []).map((t) => ({ id: t.id, label: t.label }));
        return ticketQueues(tx, workspaceId, tiers);
      });
    },
  );

  r.get(
    `${BASE}/stream`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Server-sent events: `ticket` with `{ number, id }` whenever a ticket changes',
        params: W,
      },
      config: { access: 'records.read' },
    },
    async (request, reply) => {
      reply.hijack();
      await stream.subscribe(request.params.workspaceId, reply);
    },
  );

  r.post(
    `${BASE}/bulk`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'One change to many tickets: assign, resolve, priority, status or tag',
        params: W,
        body: BulkBody,
        response: {
          200: z.object({
            done: z.array(z.number()),
            failed: z.array(z.object({ number: z.number(), detail: z.string() })),
          }),
        },
      },
      config: { access: 'tickets.write' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const { numbers, action } = request.body;
      const value = request.body.value ?? null;
      if (action === 'resolve' && value !== null) throw invalid('/body/value', 'resolve takes no value');
      if (action !== 'resolve' && action !== 'assign' && value === null)
        throw invalid('/body/value', `${action} needs a value`);
      if (action === 'status' && !(SETTABLE_STATUSES as readonly string[]).includes(value!))
        throw invalid('/body/value', `a status is one of: ${SETTABLE_STATUSES.join(', ')}`);
      if (action === 'tag' && !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(value!))
        throw invalid('/body/value', 'a tag is lowercase letters, digits and dashes');
      if (action === 'priority' || action === 'assign')
        await checkBulkValue(
          support,
          workspaceId,
          action === 'priority' ? { priority: value! } : {},
          action === 'assign' && value ? { '/body/value': [value] } : {},
        );
      else await support.database.inWorkspace(workspaceId, (tx) => activePolicy(tx, workspaceId));
      return bulkChange(support, workspaceId, numbers, action, value, accessOf(request).actor);
    },
  );
}
