/**
 * The help desk API for agents (issue 7): the inbox (filters, search, keyset pages, queues, a live
 * stream), a ticket's detail, and working it — create (also a logged phone call), change (overrides are
 * audited), reply / note / call, escalate, resolve, reopen, merge, bulk changes, attachments. Each route
 * checks its input against the pack and calls one use case of src/modules/support/tickets.ts.
 * Reads need `records.read`, changes `tickets.write`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import { checkNewTicket, checkTicketInput } from '../../modules/support/agent-input.js';
import { readAttachment, ticketDetail } from '../../modules/support/detail.js';
import { phoneChannel } from '../../modules/support/field-checks.js';
import { readTicketView } from '../../modules/support/queries.js';
import { ticketView } from '../../modules/support/ticket-view.js';
import { sanitizeMailHtml } from '../../modules/support/sanitize.js';
import {
  addMessage,
  escalateTicket,
  mergeTickets,
  reopenTicket,
  resolveTicket,
  updateTicket,
} from '../../modules/support/tickets.js';
import type { SupportContext } from '../../modules/support/ticket-store.js';
import { createTicket } from '../../modules/support/ticket-create.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';
import { createTicketStream } from '../ticket-stream.js';
import { inboxRoutes } from './ticket-inbox.js';
import {
  CreateBody,
  EscalateBody,
  MergeBody,
  Message,
  MessageBody,
  N,
  PatchBody,
  ResolveBody,
  TicketDetail,
  TicketView,
} from './ticket-schemas.js';
import { supportDeskRoutes } from './support-desk.js';

const BASE = '/api/v1/workspaces/:workspaceId/tickets';

/** The person (or token) working the ticket, as a message's author. */
export function agentOf(request: FastifyRequest): { type: 'agent'; id?: string; name: string } {
  const session = accessOf(request).session;
  return session
    ? { type: 'agent', id: session.user.id, name: session.user.name }
    : { type: 'agent', name: 'API' };
}

/** The ticket as the API shows it, read after a use case committed. */
async function viewOf(support: SupportContext, workspaceId: string, number: number) {
  const view = await support.database.inWorkspace(workspaceId, (tx) =>
    readTicketView(tx, workspaceId, number),
  );
  if (!view) throw new OpsError('OPS_NOT_FOUND', `Ticket #${number} does not exist in this workspace.`);
  return view;
}

export function ticketRoutes(app: FastifyInstance, deps: AppDeps, support: SupportContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const stream = createTicketStream(deps.database, deps.logger);
  app.addHook('onClose', () => stream.close());
  inboxRoutes(app, support, stream);
  supportDeskRoutes(app, support);

  r.post(
    BASE,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Open a ticket (with `call`: a logged phone call); triage fills what is not given',
        params: N.pick({ workspaceId: true }),
        body: CreateBody,
        response: { 201: TicketView },
      },
      config: { access: 'tickets.write' },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const b = request.body;
      const agent = agentOf(request);
      const created = await createTicket(support, workspaceId, async (tx, { ep }) => {
        await checkNewTicket(
          tx,
          workspaceId,
          ep.policy,
          { priority: b.priority, category: b.category, tier: b.tier, channel: b.channel },
          b.assigneeId ? { '/body/assigneeId': [b.assigneeId] } : {},
        );
        return {
          title: b.title,
          text: b.text,
          channel: b.channel ?? (b.call ? phoneChannel(ep.policy.pack) : 'api'),
          requester: b.requester,
          account: b.account,
          plan: b.plan,
          locale: b.locale,
          priority: b.priority,
          category: b.category,
          tier: b.tier,
          tags: b.tags,
          assigneeId: b.assigneeId,
          actor: accessOf(request).actor,
          // A call's first message is the agent's log of it; otherwise the customer's words, typed in.
          author: b.call
            ? agent
            : { type: 'customer', ...(b.requester.name ? { name: b.requester.name } : {}) },
          messageKind: b.call ? 'call' : 'reply',
          ...(b.call ? { data: { call: b.call } } : {}),
        };
      });
      return reply.code(201).send(ticketView(created.ticket, created.assigneeName ?? null));
    },
  );

  r.get(
    `${BASE}/:number`,
    {
      schema: {
        tags: ['tickets'],
        summary:
          'A ticket: conversation, first checks for its category, manual escalations, timeline, live clocks',
        params: N,
        response: { 200: TicketDetail },
      },
      config: { access: 'records.read' },
    },
    async (request) => ticketDetail(support, request.params.workspaceId, request.params.number),
  );

  r.patch(
    `${BASE}/:number`,
    {
      schema: {
        tags: ['tickets'],
        summary:
          'Change a ticket; overriding triage (priority, category, tier) is audited and re-targets clocks',
        params: N,
        body: PatchBody,
        response: { 200: TicketView },
      },
      config: { access: 'tickets.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const b = request.body;
      await checkTicketInput(support, workspaceId, number, {
        values: { priority: b.priority, category: b.category, tier: b.tier },
        people: b.assigneeId ? { '/body/assigneeId': [b.assigneeId] } : {},
      });
      await updateTicket(
        support,
        workspaceId,
        number,
        {
          ...(b.priority !== undefined ? { priority: b.priority } : {}),
          ...(b.category !== undefined ? { category: b.category } : {}),
          ...(b.tier !== undefined ? { tier: b.tier } : {}),
          ...(b.status !== undefined ? { status: b.status } : {}),
          ...(b.tags !== undefined ? { tags: b.tags } : {}),
          ...(b.assigneeId !== undefined ? { assigneeId: b.assigneeId } : {}),
          ...(b.title !== undefined ? { title: b.title } : {}),
          ...(b.incident !== undefined ? { incident: b.incident } : {}),
        },
        accessOf(request).actor,
      );
      return viewOf(support, workspaceId, number);
    },
  );

  r.post(
    `${BASE}/:number/messages`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Reply to the customer (sent over the ticket channel), add an internal note, or log a call',
        params: N,
        body: MessageBody,
        response: { 201: z.object({ message: Message, ticket: TicketView }) },
      },
      config: { access: 'tickets.write' },
    },
    async (request, reply) => {
      const { workspaceId, number } = request.params;
      const b = request.body;
      await checkTicketInput(support, workspaceId, number, {
        template: b.template,
        people: b.mentions?.length ? { '/body/mentions': b.mentions } : {},
      });
      const author = agentOf(request);
      const added = await addMessage(support, workspaceId, number, {
        kind: b.kind,
        author,
        text: b.text,
        html: sanitizeMailHtml(b.html),
        actor: accessOf(request).actor,
        ...(b.call ? { data: { call: b.call } } : {}),
        ...(b.mentions?.length ? { mentions: [...new Set(b.mentions)] } : {}),
        ...(b.template ? { template: b.template } : {}),
      });
      const m = added.message;
      if (!m) throw new OpsError('OPS_CONFLICT', 'The message was already recorded.');
      return reply.code(201).send({
        message: {
          id: m.id,
          kind: m.kind,
          direction: m.direction,
          author: { type: m.authorType, id: m.authorId, name: m.authorName },
          channel: m.channel,
          text: m.bodyText,
          html: m.bodyHtml,
          createdAt: m.createdAt.toISOString(),
          data: m.data,
          attachments: [],
        },
        ticket: await viewOf(support, workspaceId, number),
      });
    },
  );

  r.post(
    `${BASE}/:number/escalate`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Escalate by hand, to a tier or a target of the escalation matrix, for a reason',
        params: N,
        body: EscalateBody,
        response: { 200: TicketView },
      },
      config: { access: 'tickets.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      await checkTicketInput(support, workspaceId, number, { values: { escalateTo: request.body.to } });
      await escalateTicket(support, workspaceId, number, request.body, accessOf(request).actor);
      return viewOf(support, workspaceId, number);
    },
  );

  r.post(
    `${BASE}/:number/resolve`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Resolve: clocks stop with their verdicts, the CSAT survey is recorded to go',
        params: N,
        body: ResolveBody,
        response: { 200: TicketView },
      },
      config: { access: 'tickets.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      await resolveTicket(
        support,
        workspaceId,
        number,
        { firstContact: request.body.firstContact === true },
        accessOf(request).actor,
      );
      return viewOf(support, workspaceId, number);
    },
  );

  r.post(
    `${BASE}/:number/reopen`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Reopen a resolved ticket (counts toward the reopen rate within the pack window)',
        params: N,
        response: { 200: TicketView },
      },
      config: { access: 'tickets.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      await reopenTicket(support, workspaceId, number, accessOf(request).actor);
      return viewOf(support, workspaceId, number);
    },
  );

  r.post(
    `${BASE}/:number/merge`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Merge this ticket into another: its conversation moves there, it is resolved',
        params: N,
        body: MergeBody,
        response: { 200: TicketView },
      },
      config: { access: 'tickets.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const target = await mergeTickets(
        support,
        workspaceId,
        number,
        request.body.into,
        accessOf(request).actor,
      );
      return viewOf(support, workspaceId, target.number);
    },
  );

  r.get(
    `${BASE}/:number/attachments/:attachmentId`,
    {
      schema: {
        tags: ['tickets'],
        summary: 'Download an attachment (always as a download, never rendered by the browser)',
        params: N.extend({ attachmentId: z.string().min(1).max(64) }),
      },
      config: { access: 'records.read' },
    },
    async (request, reply) => {
      const { workspaceId, number, attachmentId } = request.params;
      const file = await readAttachment(support, workspaceId, number, attachmentId);
      return reply
        .header('content-type', safeContentType(file.contentType))
        .header('content-disposition', contentDisposition(file.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('cache-control', 'private, no-store')
        .send(file.data);
    },
  );
}

/** Types a browser shows inline without running anything; anything else is served as bytes. */
const SAFE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
]);

export function safeContentType(stored: string): string {
  const type = stored.split(';')[0]!.trim().toLowerCase();
  if (!SAFE_TYPES.has(type)) return 'application/octet-stream';
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}

/** `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987); no header injection. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_').slice(0, 150) || 'attachment';
  const encoded = encodeURIComponent(filename.slice(0, 200)).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
