/**
 * The help desk's use cases (issue 7): every change to a ticket is one transaction that writes the ticket
 * and message rows, asks the engine to decide (clocks, escalations, notifications) and records what goes
 * out (replies, acknowledgements, surveys) in the outbox, so nothing is sent for a change that did not
 * commit and nothing committed is lost. Intake (mail, WhatsApp, the chat widget, the API) and the web app
 * all come through here.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { enqueueMessage } from '../../engine/outbox.js';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { ticketAttachments, ticketMessages, tickets, type TicketTriage } from '../../store/schema.js';
import { appendAudit } from '../access/audit.js';
import { autoAssign } from './assignment.js';
import { renderForCustomer, sendToCustomer, transportOf, type TicketRow } from './outbound.js';
import { ticketSubject } from './mirror.js';
import { createTicket, type CreatedTicket } from './ticket-create.js';
import {
  assign,
  inTicketTx,
  insertMessage,
  readTicket,
  sha256,
  ticketForUpdate,
  type AttachmentInput,
  type MessageRow,
  type SupportContext,
} from './ticket-store.js';

export interface MessageInput {
  /** `reply` (public), `note` (internal), `call` (a logged phone call), `bot`. */
  readonly kind: 'reply' | 'note' | 'call' | 'bot';
  readonly author: {
    readonly type: 'customer' | 'agent' | 'bot';
    readonly id?: string;
    readonly name?: string;
  };
  readonly text: string;
  readonly html?: string | undefined;
  readonly actor: string;
  readonly channel?: string | undefined;
  readonly emailMessageId?: string | undefined;
  readonly attachments?: readonly AttachmentInput[];
  /** Call duration and outcome. */
  readonly data?: Record<string, unknown>;
  /** Users @mentioned in a note: each is told in the app. */
  readonly mentions?: readonly string[];
  /** A template the agent chose (its text is `text`, already filled). */
  readonly template?: string;
}

export interface AddedMessage {
  readonly ticket: TicketRow;
  /** Null when the same email was already recorded. */
  readonly message: MessageRow | null;
  /** The customer wrote to a ticket resolved longer ago than the pack's reopen window: a new ticket. */
  readonly followUp?: CreatedTicket;
}

/**
 * A message on a ticket. From the customer: resumes a paused ticket, and reopens a resolved one (within
 * the reopen window; later, it opens a follow-up ticket instead, as Zendesk does for closed tickets). From
 * an agent: a public reply is sent back over the ticket's channel and is the ticket's (first) response.
 */
export async function addMessage(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  input: MessageInput,
): Promise<AddedMessage> {
  const outcome = await inTicketTx(
    ctx,
    workspaceId,
    async (tx): Promise<AddedMessage | { late: TicketRow }> => {
      const ticket = await ticketForUpdate(tx, workspaceId, number);
      const nowMs = ctx.now().getTime();
      const subject = ticketSubject(number);
      const { ep } = await ctx.engine.policyFor(tx, workspaceId, subject);
      const fromCustomer = input.author.type === 'customer';
      const resolved =
        ticket.resolvedAt !== null || ticket.status === 'resolved' || ticket.status === 'closed';
      if (fromCustomer && resolved) {
        const windowMs = ep.policy.pack.desk?.reopenWindow;
        const since = ticket.resolvedAt?.getTime() ?? nowMs;
        if (windowMs !== undefined && nowMs - since > windowMs) return { late: ticket };
      }
      let outboxId: string | null = null;
      if (input.kind === 'reply' && input.author.type === 'agent') {
        const references = await threadReferences(tx, ticket);
        outboxId = await sendToCustomer(tx, ep, ticket, {
          key: `ticket:${ticket.id}:reply:${newId('tm', nowMs)}`,
          text: input.text,
          ...(input.html ? { html: input.html } : {}),
          automatic: false,
          references,
        });
      }
      const message = await insertMessage(tx, ticket, nowMs, {
        kind: input.kind,
        direction: input.kind === 'note' ? 'internal' : fromCustomer ? 'in' : 'out',
        authorType: input.author.type,
        authorId: input.author.id,
        authorName: input.author.name,
        channel: input.channel ?? ticket.channel,
        text: input.text,
        html: input.html,
        emailMessageId: input.emailMessageId ?? outboxId ?? undefined,
        data: {
          ...input.data,
          ...(outboxId ? { outbox: outboxId } : {}),
          ...(input.template ? { template: input.template } : {}),
          ...(input.mentions?.length ? { mentions: input.mentions } : {}),
        },
        attachments: input.attachments,
      });
      if (!message) return { ticket, message: null };
      if (fromCustomer) {
        if (resolved) await reopenIn(ctx, tx, ticket, input.actor, nowMs);
        await ctx.engine.handleIn(tx, workspaceId, {
          type: 'ticket.replied',
          subject,
          data: { by: 'customer' },
          actor: input.actor,
        });
      } else if ((input.kind === 'reply' || input.kind === 'call') && input.author.type === 'agent') {
        await ctx.engine.handleIn(tx, workspaceId, {
          type: 'ticket.replied',
          subject,
          data: { by: 'agent', ...(input.kind === 'call' ? { via: 'phone' } : {}) },
          actor: input.actor,
        });
      }
      for (const userId of input.mentions ?? []) {
        await enqueueMessage(tx, workspaceId, {
          idempotencyKey: `mention:${message.id}:${userId}`,
          channel: 'in-app',
          recipient: userId,
          payload: {
            to: userId,
            subject: `${input.author.name ?? 'Someone'} mentioned you on ticket #${number}`,
            text: input.text.slice(0, 500),
            automatic: true,
            context: { subject, eventType: 'ticket.mention' },
          },
        });
      }
      return { ticket: (await readTicket(tx, workspaceId, number))!, message };
    },
  );
  if (!('late' in outcome)) return outcome;
  // Too late to reopen: the customer's words open a follow-up ticket that links back.
  const late = outcome.late;
  const followUp = await createTicket(ctx, workspaceId, {
    title: late.title,
    text: input.text,
    html: input.html,
    channel: late.channel,
    requester: {
      name: late.requesterName ?? undefined,
      email: late.requesterEmail ?? undefined,
      phone: late.requesterPhone ?? undefined,
    },
    account: late.account ?? undefined,
    plan: late.plan ?? undefined,
    locale: late.locale ?? undefined,
    actor: input.actor,
    author: { type: 'customer', ...(input.author.name ? { name: input.author.name } : {}) },
    emailMessageId: input.emailMessageId,
    attachments: input.attachments ?? [],
    data: { followUpOf: late.number },
  });
  return { ticket: late, message: null, followUp };
}

/** The Message-IDs of the ticket's mail, oldest first (at most the last 10): `References` of a reply. */
async function threadReferences(tx: Tx, ticket: TicketRow): Promise<string[]> {
  const rows = await tx
    .select({ id: ticketMessages.emailMessageId })
    .from(ticketMessages)
    .where(
      and(
        eq(ticketMessages.workspaceId, ticket.workspaceId),
        eq(ticketMessages.ticketId, ticket.id),
        sql`${ticketMessages.emailMessageId} is not null`,
      ),
    )
    .orderBy(sql`${ticketMessages.createdAt} desc`)
    .limit(10);
  return rows.map((r) => r.id!).reverse();
}

async function reopenIn(ctx: SupportContext, tx: Tx, ticket: TicketRow, actor: string, nowMs: number) {
  const windowMs = (await ctx.engine.policyFor(tx, ticket.workspaceId, ticketSubject(ticket.number))).ep
    .policy.pack.desk?.reopenWindow;
  const since = ticket.resolvedAt?.getTime() ?? nowMs;
  const inWindow = windowMs === undefined || nowMs - since <= windowMs;
  await tx
    .update(tickets)
    .set({
      reopenedCount: sql`${tickets.reopenedCount} + 1`,
      ...(inWindow ? { reopenedInWindow: true } : {}),
    })
    .where(and(eq(tickets.workspaceId, ticket.workspaceId), eq(tickets.id, ticket.id)));
  await ctx.engine.handleIn(tx, ticket.workspaceId, {
    type: 'ticket.reopened',
    subject: ticketSubject(ticket.number),
    data: {},
    actor,
  });
}

export interface TicketChanges {
  readonly priority?: string;
  readonly category?: string;
  readonly tier?: string;
  /** open | pending | waiting | on-hold (resolve and reopen have their own use cases). */
  readonly status?: string;
  readonly tags?: readonly string[];
  /** A user id, or null to unassign. */
  readonly assigneeId?: string | null;
  readonly title?: string;
  readonly incident?: string | null;
}

/**
 * An agent's change. Overriding what triage decided (priority, category, tier) is recorded on the ticket
 * and in the audit log; a priority change re-targets the running clocks (the engine's `ticket.priority`).
 */
export async function updateTicket(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  changes: TicketChanges,
  actor: string,
): Promise<TicketRow> {
  return inTicketTx(ctx, workspaceId, async (tx) => {
    const ticket = await ticketForUpdate(tx, workspaceId, number);
    const now = ctx.now();
    const subject = ticketSubject(number);
    const overrides: TicketTriage['overrides'][number][] = [];
    for (const field of ['priority', 'category', 'tier'] as const) {
      const to = changes[field];
      if (to === undefined || to === ticket[field]) continue;
      overrides.push({ field, from: ticket[field], to, by: actor, at: now.toISOString() });
    }
    if (changes.priority !== undefined) {
      const { ep } = await ctx.engine.policyFor(tx, workspaceId, subject);
      const scale = (ep.policy.pack.scales ?? []).find((s) => s.for === 'ticket');
      if (scale && !scale.levels.some((l) => l.id === changes.priority))
        throw new OpsError(
          'OPS_VALIDATION',
          `Priority "${changes.priority}" is not a level of ${scale.label}.`,
          [
            {
              pointer: '/body/priority',
              message: `use one of: ${scale.levels.map((l) => l.id).join(', ')}`,
            },
          ],
        );
    }
    await tx
      .update(tickets)
      .set({
        ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
        ...(changes.category !== undefined ? { category: changes.category } : {}),
        ...(changes.tier !== undefined ? { tier: changes.tier } : {}),
        ...(changes.tags !== undefined ? { tags: [...new Set(changes.tags)] } : {}),
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.incident !== undefined ? { incident: changes.incident } : {}),
        ...(overrides.length
          ? { triage: { ...ticket.triage, overrides: [...ticket.triage.overrides, ...overrides] } }
          : {}),
        updatedAt: now,
      })
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, ticket.id)));
    for (const o of overrides)
      await appendAudit(tx, now, {
        actor,
        action: `ticket.${o.field}.overridden`,
        target: subject,
        data: { from: o.from, to: o.to },
      });
    if (changes.priority !== undefined && changes.priority !== ticket.priority)
      await ctx.engine.handleIn(tx, workspaceId, {
        type: 'ticket.priority',
        subject,
        data: { priority: changes.priority },
        actor,
      });
    if (changes.status !== undefined && changes.status !== ticket.status)
      await ctx.engine.handleIn(tx, workspaceId, {
        type: 'ticket.status',
        subject,
        data: { status: changes.status },
        actor,
      });
    if (changes.assigneeId !== undefined && changes.assigneeId !== ticket.assigneeId) {
      if (changes.assigneeId === null)
        await tx
          .update(tickets)
          .set({ assigneeId: null })
          .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, ticket.id)));
      else await assign(ctx, tx, ticket, changes.assigneeId, actor);
    }
    return (await readTicket(tx, workspaceId, number))!;
  });
}

/** Escalates by hand, for a reason of the pack's escalation matrix: notifies through its routes. */
export async function escalateTicket(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  input: { readonly to: string; readonly reason?: string | undefined },
  actor: string,
): Promise<TicketRow> {
  return inTicketTx(ctx, workspaceId, async (tx) => {
    const ticket = await ticketForUpdate(tx, workspaceId, number);
    await ctx.engine.handleIn(tx, workspaceId, {
      type: 'ticket.escalated',
      subject: ticketSubject(number),
      data: { to: input.to, ...(input.reason ? { reason: input.reason } : {}) },
      actor,
    });
    const after = (await readTicket(tx, workspaceId, number))!;
    // Escalated to another tier: its queue's assignment takes it from here.
    if (after.tier !== ticket.tier) {
      await tx
        .update(tickets)
        .set({ assigneeId: null })
        .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, ticket.id)));
      const { ep } = await ctx.engine.policyFor(tx, workspaceId, ticketSubject(number));
      const chosen = await autoAssign(tx, ep, { ...after, assigneeId: null }, ctx.now().getTime());
      if (chosen) return assign(ctx, tx, after, chosen, 'engine:assignment');
    }
    return (await readTicket(tx, workspaceId, number))!;
  });
}

/**
 * Resolves: the clocks stop with their verdicts, and the pack's CSAT survey is recorded to go (after its
 * delay) over the ticket's channel. `firstContact` tags it with the pack's first-contact-resolution tag.
 */
export async function resolveTicket(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  input: { readonly firstContact?: boolean },
  actor: string,
): Promise<TicketRow> {
  return inTicketTx(ctx, workspaceId, async (tx) => {
    const ticket = await ticketForUpdate(tx, workspaceId, number);
    if (ticket.resolvedAt) return ticket;
    const now = ctx.now();
    const subject = ticketSubject(number);
    const { ep } = await ctx.engine.policyFor(tx, workspaceId, subject);
    const desk = ep.policy.pack.desk;
    const fcrTag = desk?.firstContactResolution?.tag;
    if (input.firstContact && fcrTag && !ticket.tags.includes(fcrTag))
      await tx
        .update(tickets)
        .set({ tags: [...ticket.tags, fcrTag] })
        .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, ticket.id)));
    await ctx.engine.handleIn(tx, workspaceId, { type: 'ticket.resolved', subject, data: {}, actor });
    const resolved = (await readTicket(tx, workspaceId, number))!;
    if (desk?.csat && ticket.csatScore === null) await sendSurvey(ctx, tx, ep, resolved, now);
    return (await readTicket(tx, workspaceId, number))!;
  });
}

/** The survey link's token: a new one per resolution, only its hash kept. */
async function sendSurvey(ctx: SupportContext, tx: Tx, ep: EnginePolicy, ticket: TicketRow, now: Date) {
  const csat = ep.policy.pack.desk!.csat!;
  const token = randomBytes(24).toString('base64url');
  const url = `${ctx.publicUrl}/help/${encodeURIComponent(ticket.workspaceId)}/csat/${ticket.number}?t=${token}`;
  const rendered = renderForCustomer(ep, csat.template, ticket, { survey_url: url });
  if (!rendered || 'error' in rendered) return;
  const notBeforeMs = now.getTime() + (csat.delay ?? 0);
  // A chat's visitor rates in the widget with the conversation's token: a new one would lock them out.
  const keepsToken = transportOf(ep, ticket.channel) === null && ticket.requesterTokenHash !== null;
  await tx
    .update(tickets)
    .set({
      ...(keepsToken ? {} : { requesterTokenHash: sha256(token) }),
      csatSentAt: new Date(notBeforeMs),
    })
    .where(and(eq(tickets.workspaceId, ticket.workspaceId), eq(tickets.id, ticket.id)));
  const transport = ticket.channel;
  const outboxId = await sendToCustomer(tx, ep, ticket, {
    key: `ticket:${ticket.id}:csat:${ticket.reopenedCount}`,
    text: rendered.text,
    ...(rendered.subject ? { subject: rendered.subject } : {}),
    automatic: true,
    notBefore: new Date(notBeforeMs),
  });
  await insertMessage(tx, ticket, now.getTime(), {
    kind: 'event',
    direction: 'out',
    authorType: 'system',
    channel: transport,
    text: rendered.text,
    data: { csat: 'sent', ...(outboxId ? { outbox: outboxId } : { inWidget: true }) },
  });
}

/** The customer answers the survey (1-5, a comment), with the link's token. */
export async function answerSurvey(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  input: { readonly token: string; readonly score: number; readonly comment?: string | undefined },
): Promise<TicketRow> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5)
    throw new OpsError('OPS_VALIDATION', `A CSAT score is a whole number from 1 to 5, not ${input.score}.`, [
      { pointer: '/body/score', message: 'use 1, 2, 3, 4 or 5' },
    ]);
  return inTicketTx(ctx, workspaceId, async (tx) => {
    const ticket = await readTicket(tx, workspaceId, number);
    if (!ticket || !ticket.requesterTokenHash || ticket.requesterTokenHash !== sha256(input.token))
      throw new OpsError(
        'OPS_NOT_FOUND',
        'This survey link is not valid: use the link from the latest message.',
      );
    const now = ctx.now();
    await tx
      .update(tickets)
      .set({ csatScore: input.score, csatComment: input.comment ?? null, csatAt: now })
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, ticket.id)));
    return (await readTicket(tx, workspaceId, number))!;
  });
}

/** Checks a customer's conversation token (chat widget, survey link). */
export async function ticketForCustomer(
  database: Database,
  workspaceId: string,
  number: number,
  token: string,
): Promise<TicketRow | null> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const ticket = await readTicket(tx, workspaceId, number);
    return ticket && ticket.requesterTokenHash === sha256(token) ? ticket : null;
  });
}

/** Reopens by hand (an agent), counting toward the reopen rate when within the pack's window. */
export async function reopenTicket(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  actor: string,
): Promise<TicketRow> {
  return inTicketTx(ctx, workspaceId, async (tx) => {
    const ticket = await ticketForUpdate(tx, workspaceId, number);
    if (!ticket.resolvedAt) return ticket;
    await reopenIn(ctx, tx, ticket, actor, ctx.now().getTime());
    return (await readTicket(tx, workspaceId, number))!;
  });
}

/**
 * Merges a duplicate into a target: its messages move to the target, the duplicate is resolved and
 * points at the target. Both must be in the workspace (RLS makes any other unreachable anyway).
 */
export async function mergeTickets(
  ctx: SupportContext,
  workspaceId: string,
  from: number,
  into: number,
  actor: string,
): Promise<TicketRow> {
  if (from === into) throw new OpsError('OPS_VALIDATION', 'A ticket cannot be merged into itself.');
  return inTicketTx(ctx, workspaceId, async (tx) => {
    const source = await ticketForUpdate(tx, workspaceId, from);
    const target = await ticketForUpdate(tx, workspaceId, into);
    const nowMs = ctx.now().getTime();
    await tx
      .update(ticketMessages)
      .set({ ticketId: target.id })
      .where(and(eq(ticketMessages.workspaceId, workspaceId), eq(ticketMessages.ticketId, source.id)));
    await tx
      .update(ticketAttachments)
      .set({ ticketId: target.id })
      .where(and(eq(ticketAttachments.workspaceId, workspaceId), eq(ticketAttachments.ticketId, source.id)));
    if (!source.resolvedAt)
      await ctx.engine.handleIn(tx, workspaceId, {
        type: 'ticket.resolved',
        subject: ticketSubject(from),
        data: { reason: 'merged' },
        actor,
      });
    await tx
      .update(tickets)
      .set({ mergedInto: target.id, messageCount: 0 })
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, source.id)));
    await tx
      .update(tickets)
      .set({ messageCount: sql`${tickets.messageCount} + ${source.messageCount}` })
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, target.id)));
    await insertMessage(tx, target, nowMs, {
      kind: 'event',
      direction: 'internal',
      authorType: 'system',
      channel: target.channel,
      text: `Ticket #${from} was merged into this ticket.`,
      data: { merged: from, by: actor },
    });
    await appendAudit(tx, new Date(nowMs), {
      actor,
      action: 'ticket.merged',
      target: ticketSubject(into),
      data: { from: ticketSubject(from) },
    });
    return (await readTicket(tx, workspaceId, into))!;
  });
}
