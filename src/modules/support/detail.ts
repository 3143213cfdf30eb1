/**
 * One ticket as the agent works it: the conversation with its attachments (metadata only), the pack's
 * first checks for its category (Smart Estate: "User cannot log in → phone number, account status, role,
 * OTP provider mode"), the manual escalation options of the pack's matrix, the engine's timeline and live
 * clocks (each due time with its derivation), and help-centre articles for its category.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import { governingPolicy } from '../notifications/directory.js';
import type { Policy } from '../../packs/compile.js';
import type { Tx } from '../../store/database.js';
import {
  kbArticles,
  ticketAttachments,
  ticketMessages,
  timelineEvents,
  workspaces,
} from '../../store/schema.js';
import { ticketSubject } from './mirror.js';
import { readTicketView } from './queries.js';
import type { SupportContext } from './ticket-store.js';
import type { TicketView } from './ticket-view.js';

export interface MessageView {
  readonly id: string;
  readonly kind: string;
  readonly direction: string;
  readonly author: { readonly type: string; readonly id: string | null; readonly name: string | null };
  readonly channel: string;
  readonly text: string;
  readonly html: string | null;
  readonly createdAt: string;
  readonly data: Record<string, unknown>;
  readonly attachments: AttachmentMeta[];
}

export interface AttachmentMeta {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly sizeBytes: number;
}

export interface TicketDetail extends TicketView {
  readonly messages: MessageView[];
  readonly knowledge: { id: string; issue: string; firstChecks: string[] }[];
  readonly escalations: { id: string; label: string; from: string; to: string; reason: string }[];
  readonly timeline: { at: string; type: string; actor: string; data: unknown }[];
  readonly suggestedArticles: { slug: string; title: string; url: string }[];
}

const MESSAGE_LIMIT = 1000;
const TIMELINE_LIMIT = 500;
const ARTICLE_LIMIT = 5;

export const notFound = (number: number) =>
  new OpsError('OPS_NOT_FOUND', `Ticket #${number} does not exist in this workspace.`);

/** The workspace's active pack, or OPS_NO_ACTIVE_PACK. */
export async function activePolicy(tx: Tx, workspaceId: string): Promise<Policy> {
  const policy = await governingPolicy(tx, workspaceId, null);
  if (!policy)
    throw new OpsError(
      'OPS_NO_ACTIVE_PACK',
      'This workspace has no active pack: activate one to work tickets.',
    );
  return policy;
}

/** The pack version a ticket runs under (its engine subject's), for checking what an agent sets on it. */
export async function ticketPolicy(ctx: SupportContext, tx: Tx, workspaceId: string, number: number) {
  return (await ctx.engine.policyFor(tx, workspaceId, ticketSubject(number))).ep.policy;
}

export async function messagesOf(tx: Tx, workspaceId: string, ticketId: string): Promise<MessageView[]> {
  const rows = await tx
    .select()
    .from(ticketMessages)
    .where(and(eq(ticketMessages.workspaceId, workspaceId), eq(ticketMessages.ticketId, ticketId)))
    .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id))
    .limit(MESSAGE_LIMIT);
  const files = rows.length
    ? await tx
        .select({
          id: ticketAttachments.id,
          messageId: ticketAttachments.messageId,
          filename: ticketAttachments.filename,
          contentType: ticketAttachments.contentType,
          sizeBytes: ticketAttachments.sizeBytes,
        })
        .from(ticketAttachments)
        .where(
          and(
            eq(ticketAttachments.workspaceId, workspaceId),
            inArray(
              ticketAttachments.messageId,
              rows.map((r) => r.id),
            ),
          ),
        )
        .orderBy(asc(ticketAttachments.id))
    : [];
  return rows.map((m) => ({
    id: m.id,
    kind: m.kind,
    direction: m.direction,
    author: { type: m.authorType, id: m.authorId, name: m.authorName },
    channel: m.channel,
    text: m.bodyText,
    html: m.bodyHtml,
    createdAt: m.createdAt.toISOString(),
    data: m.data,
    attachments: files
      .filter((f) => f.messageId === m.id)
      .map((f) => ({ id: f.id, filename: f.filename, contentType: f.contentType, sizeBytes: f.sizeBytes })),
  }));
}

/** The workspace's slug and name: help-centre links and the `workspace_name` of templates. */
export async function workspaceNaming(tx: Tx, workspaceId: string) {
  const [row] = await tx
    .select({ slug: workspaces.slug, name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  return row ?? { slug: workspaceId, name: '' };
}

export async function ticketDetail(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
): Promise<TicketDetail> {
  const subject = ticketSubject(number);
  const found = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const ticket = await readTicketView(tx, workspaceId, number);
    if (!ticket) return null;
    const pack = (await ticketPolicy(ctx, tx, workspaceId, number)).pack;
    const messages = await messagesOf(tx, workspaceId, ticket.id);
    const timeline = await tx
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.workspaceId, workspaceId), eq(timelineEvents.subject, subject)))
      .orderBy(asc(timelineEvents.id))
      .limit(TIMELINE_LIMIT);
    const { slug } = await workspaceNaming(tx, workspaceId);
    const articles = ticket.category
      ? await tx
          .select({ slug: kbArticles.slug, title: kbArticles.title })
          .from(kbArticles)
          .where(
            and(
              eq(kbArticles.workspaceId, workspaceId),
              eq(kbArticles.published, true),
              sql`${kbArticles.ticketCategories} @> ${JSON.stringify([ticket.category])}::jsonb`,
            ),
          )
          .orderBy(asc(kbArticles.title))
          .limit(ARTICLE_LIMIT)
      : [];
    const helpBase = `${ctx.publicUrl}/help/${encodeURIComponent(slug)}/articles/`;
    return {
      ...ticket,
      messages,
      knowledge: (pack.knowledge ?? [])
        .filter((k) => ticket.category !== null && (k.categories ?? []).includes(ticket.category))
        .map((k) => ({ id: k.id, issue: k.issue, firstChecks: [...k.firstChecks] })),
      escalations: (pack.escalations ?? []).flatMap((e) =>
        'manual' in e.trigger
          ? [{ id: e.id, label: e.label ?? e.id, from: e.from, to: e.to, reason: e.trigger.manual }]
          : [],
      ),
      timeline: timeline.map((t) => ({
        at: t.occurredAt.toISOString(),
        type: t.type,
        actor: t.actor,
        data: t.data,
      })),
      suggestedArticles: articles.map((a) => ({
        slug: a.slug,
        title: a.title,
        url: `${helpBase}${encodeURIComponent(a.slug)}`,
      })),
    };
  });
  if (!found) throw notFound(number);
  // The clocks as they read now (a running clock past due shows as breached before its timer fires).
  const live = await ctx.engine.describe(workspaceId, subject);
  return live
    ? {
        ...found,
        clocks: live.clocks.map((c) => ({ id: c.id, phase: c.phase, due: c.due, derivation: c.derivation })),
      }
    : found;
}

/** An attachment of a ticket with its bytes; OPS_NOT_FOUND unless it belongs to that ticket. */
export async function readAttachment(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  attachmentId: string,
) {
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const ticket = await readTicketView(tx, workspaceId, number);
    if (!ticket) throw notFound(number);
    const [file] = await tx
      .select()
      .from(ticketAttachments)
      .where(
        and(
          eq(ticketAttachments.workspaceId, workspaceId),
          eq(ticketAttachments.id, attachmentId),
          eq(ticketAttachments.ticketId, ticket.id),
        ),
      )
      .limit(1);
    if (!file) throw new OpsError('OPS_NOT_FOUND', `Ticket #${number} has no attachment "${attachmentId}".`);
    return file;
  });
}
