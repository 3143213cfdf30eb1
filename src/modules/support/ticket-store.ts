/**
 * What every help-desk use case shares (issue 7): the context, the workspace transaction that retries on a
 * subject conflict, message rows, the ticket row by number, an assignment told to the engine, and the
 * fields the engine reads from a ticket.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Fields } from '../../core/decide/types.js';
import type { Engine } from '../../engine/engine.js';
import { SubjectConflictError } from '../../engine/subjects.js';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { ticketAttachments, ticketMessages, tickets } from '../../store/schema.js';
import type { TicketRow } from './outbound.js';
import { ticketSubject } from './mirror.js';

export type MessageRow = typeof ticketMessages.$inferSelect;

export interface SupportContext {
  readonly database: Database;
  readonly engine: Engine;
  /** Wall-clock time for ids and survey delays (the engine takes its own from the database). */
  readonly now: () => Date;
  /** Where customers open links (CSAT survey, help centre). */
  readonly publicUrl: string;
}

export interface AttachmentInput {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export interface Requester {
  readonly name?: string | undefined;
  /** Lower-cased by the intake. */
  readonly email?: string | undefined;
  /** E.164. */
  readonly phone?: string | undefined;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Runs a use case in a workspace transaction, retried when another transaction moved the subject first. */
export async function inTicketTx<T>(
  ctx: SupportContext,
  workspaceId: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.database.inWorkspace(workspaceId, fn);
    } catch (err) {
      if (!(err instanceof SubjectConflictError) || attempt >= 3) throw err;
    }
  }
}

export interface NewMessage {
  readonly kind: string;
  readonly direction: 'in' | 'out' | 'internal';
  readonly authorType: 'customer' | 'agent' | 'bot' | 'system';
  readonly authorId?: string | undefined;
  readonly authorName?: string | undefined;
  readonly channel: string;
  readonly text: string;
  readonly html?: string | undefined;
  readonly emailMessageId?: string | undefined;
  readonly data?: Record<string, unknown> | undefined;
  readonly attachments?: readonly AttachmentInput[] | undefined;
}

/**
 * Writes messages of a ticket (and their attachments) in one statement each; returns each message's row,
 * or null for one whose email Message-ID was already recorded (a redelivery). The ticket's message count
 * and last-message times are the caller's: `insertMessage` keeps them, a new ticket is inserted with them.
 */
export async function insertMessages(
  tx: Tx,
  ticket: Pick<TicketRow, 'id' | 'workspaceId'>,
  nowMs: number,
  inputs: readonly NewMessage[],
): Promise<(MessageRow | null)[]> {
  const values = inputs.map((input) => ({
    id: newId('tm', nowMs),
    workspaceId: ticket.workspaceId,
    ticketId: ticket.id,
    kind: input.kind,
    direction: input.direction,
    authorType: input.authorType,
    authorId: input.authorId ?? null,
    authorName: input.authorName ?? null,
    channel: input.channel,
    bodyText: input.text,
    bodyHtml: input.html ?? null,
    emailMessageId: input.emailMessageId ?? null,
    data: input.data ?? {},
    createdAt: new Date(nowMs),
  }));
  const rows = await tx.insert(ticketMessages).values(values).onConflictDoNothing().returning();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const written = values.map((v) => byId.get(v.id) ?? null);
  const attachments = inputs.flatMap((input, i) =>
    (written[i] ? (input.attachments ?? []) : []).map((a) => ({
      id: newId('att', nowMs),
      workspaceId: ticket.workspaceId,
      ticketId: ticket.id,
      messageId: written[i]!.id,
      filename: a.filename,
      contentType: a.contentType,
      sizeBytes: a.data.length,
      sha256: createHash('sha256').update(a.data).digest('hex'),
      data: a.data,
    })),
  );
  if (attachments.length) await tx.insert(ticketAttachments).values(attachments);
  return written;
}

/** One message on an existing ticket, counted on the ticket; null for a redelivered email. */
export async function insertMessage(
  tx: Tx,
  ticket: TicketRow,
  nowMs: number,
  input: NewMessage,
): Promise<MessageRow | null> {
  const [message] = await insertMessages(tx, ticket, nowMs, [input]);
  if (!message) return null;
  const fromCustomer = input.authorType === 'customer';
  await tx
    .update(tickets)
    .set({
      messageCount: sql`${tickets.messageCount} + 1`,
      lastMessageAt: new Date(nowMs),
      ...(fromCustomer ? { lastCustomerMessageAt: new Date(nowMs) } : {}),
    })
    .where(and(eq(tickets.workspaceId, ticket.workspaceId), eq(tickets.id, ticket.id)));
  return message;
}

/** Fields the engine and its notifications read: the customer's address, name and language. */
export function subjectFields(t: TicketRow, extra: Record<string, unknown> = {}): Fields {
  const out: Record<string, string | number | boolean | null> = {
    priority: t.priority,
    channel: t.channel,
    subject: t.title,
    number: t.number,
  };
  const put = (k: string, v: string | null) => v !== null && (out[k] = v);
  put('category', t.category);
  put('tier', t.tier);
  put('account', t.account);
  put('plan', t.plan);
  put('locale', t.locale);
  put('customer_name', t.requesterName);
  put('customer_email', t.requesterEmail);
  put('customer_phone', t.requesterPhone);
  for (const [k, v] of Object.entries(extra))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}

export async function assign(
  ctx: SupportContext,
  tx: Tx,
  ticket: TicketRow,
  userId: string,
  actor: string,
): Promise<TicketRow> {
  const [row] = await tx
    .update(tickets)
    .set({ assigneeId: userId })
    .where(and(eq(tickets.workspaceId, ticket.workspaceId), eq(tickets.id, ticket.id)))
    .returning();
  await ctx.engine.handleIn(tx, ticket.workspaceId, {
    type: 'ticket.assigned',
    subject: ticketSubject(ticket.number),
    data: { assignee: `user:${userId}` },
    actor,
  });
  return row!;
}

export async function readTicket(tx: Tx, workspaceId: string, number: number): Promise<TicketRow | null> {
  const [row] = await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, number)))
    .limit(1);
  return row ?? null;
}

export async function ticketForUpdate(tx: Tx, workspaceId: string, number: number): Promise<TicketRow> {
  const [row] = await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, number)))
    .for('update')
    .limit(1);
  if (!row) throw new OpsError('OPS_NOT_FOUND', `Ticket #${number} does not exist in this workspace.`);
  if (row.mergedInto)
    throw new OpsError(
      'OPS_CONFLICT',
      `Ticket #${number} was merged into another ticket; work on that one (${row.mergedInto}).`,
    );
  return row;
}

/** The ticket and message an email (by Message-ID) was already recorded as, if it was. */
export async function findByEmailMessageId(
  tx: Tx,
  workspaceId: string,
  emailMessageId: string,
): Promise<{ ticket: TicketRow; message: MessageRow } | null> {
  const [row] = await tx
    .select({ ticket: tickets, message: ticketMessages })
    .from(ticketMessages)
    .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
    .where(
      and(eq(ticketMessages.workspaceId, workspaceId), eq(ticketMessages.emailMessageId, emailMessageId)),
    )
    .limit(1);
  return row ?? null;
}
