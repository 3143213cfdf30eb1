/**
 * What the agents' desk reads besides tickets: the reply composer's templates rendered for a ticket, the
 * agents, and the help-desk metrics (JSON and CSV). Registered by ticketRoutes (tickets.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAgents } from '../../modules/support/agents.js';
import { composerTemplates } from '../../modules/support/composer.js';
import { deskMetrics, type MetricsQuery } from '../../modules/support/metrics.js';
import { metricsCsv } from '../../modules/support/metrics-csv.js';
import type { SupportContext } from '../../modules/support/ticket-store.js';
import { Id, Slug, TicketNumber, W } from './ticket-schemas.js';
import { periodOf } from '../period.js';

const BASE = '/api/v1/workspaces/:workspaceId/support';

const Instant = z.iso.datetime({ offset: true });
const MetricsQuerystring = z.strictObject({
  from: Instant.optional().describe('Tickets created at or after (default: 30 days before `to`).'),
  to: Instant.optional().describe('Tickets created before (default: now).'),
  tier: Slug.optional().describe('A tier id, or `untiered`.'),
  channel: Slug.optional(),
  agent: Id.optional().describe('A user id: the tickets assigned to them.'),
});

const Durations = z.object({
  avgMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
  count: z.number(),
});
const Compliance = z.object({
  met: z.number(),
  breached: z.number(),
  percent: z.number().nullable(),
  target: z.number().nullable(),
});
const Metrics = z.object({
  from: z.string(),
  to: z.string(),
  tickets: z.number(),
  firstResponse: Durations,
  resolution: Durations,
  slaCompliance: z.array(
    z.object({
      priority: z.string(),
      target: z.number().nullable().describe('The first-response target, percent on time.'),
      firstResponse: Compliance,
      resolution: Compliance,
    }),
  ),
  firstContactResolution: z.object({
    percent: z.number().nullable(),
    target: z.number().nullable(),
    count: z.number(),
  }),
  csat: z.object({ average: z.number().nullable(), responses: z.number(), target: z.number().nullable() }),
  reopenRate: z.object({ percent: z.number().nullable(), count: z.number() }),
  backlogByTier: z.array(z.object({ tier: z.string(), open: z.number() })),
  volumeByChannel: z.array(z.object({ channel: z.string(), count: z.number() })),
  perAgent: z.array(
    z.object({
      userId: z.string(),
      name: z.string().nullable(),
      assigned: z.number(),
      resolved: z.number(),
      firstResponseP50Ms: z.number().nullable(),
      csat: z.number().nullable(),
    }),
  ),
  volumeByDay: z.array(z.object({ day: z.string(), count: z.number() })),
});

function period(q: z.output<typeof MetricsQuerystring>, now: Date): MetricsQuery {
  return { ...periodOf(q, now), tier: q.tier, channel: q.channel, agent: q.agent };
}

export function supportDeskRoutes(app: FastifyInstance, support: SupportContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    `${BASE}/templates`,
    {
      schema: {
        tags: ['tickets'],
        summary: "The pack's customer templates rendered for a ticket (the reply composer)",
        description: 'Values the ticket cannot give are left as `[variable]` blanks, listed in `blanks`.',
        params: W,
        querystring: z.strictObject({ ticket: TicketNumber }),
        response: {
          200: z.array(
            z.object({
              id: z.string(),
              label: z.string(),
              channel: z.string(),
              locale: z.string(),
              subject: z.string().nullable(),
              text: z.string(),
              blanks: z.array(z.string()),
            }),
          ),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => composerTemplates(support, request.params.workspaceId, request.query.ticket),
  );

  r.get(
    `${BASE}/agents`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'The members set up as support agents: tiers, shift, open tickets',
        params: W,
        response: {
          200: z.array(
            z.object({
              userId: z.string(),
              name: z.string(),
              email: z.string(),
              tiers: z.array(z.string()),
              onShift: z.boolean(),
              openTickets: z.number(),
            }),
          ),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => listAgents(support.database, request.params.workspaceId),
  );

  r.get(
    `${BASE}/metrics`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Help-desk figures over the tickets created in a period (each one a /tickets filter)',
        params: W,
        querystring: MetricsQuerystring,
        response: { 200: Metrics },
      },
      config: { access: 'records.read' },
    },
    async (request) =>
      deskMetrics(support.database, request.params.workspaceId, period(request.query, support.now())),
  );

  r.get(
    `${BASE}/metrics.csv`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'The same figures as CSV: section, item, measure, value',
        params: W,
        querystring: MetricsQuerystring,
      },
      config: { access: 'records.read' },
    },
    async (request, reply) => {
      const q = period(request.query, support.now());
      const metrics = await deskMetrics(support.database, request.params.workspaceId, q);
      const day = (d: Date) => d.toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="helpdesk-metrics-${day(q.from)}-to-${day(q.to)}.csv"`,
        )
        .header('cache-control', 'private, no-store')
        .send(metricsCsv(metrics));
    },
  );
}
