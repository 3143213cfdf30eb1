/**
 * A customer's mail → a ticket or a message on one (issue 7), for the SMTP listener and the HTTP intake
 * alike. In order: a Message-ID seen before is the message already stored (redelivery changes nothing);
 * our own mail coming back is quarantined as a `loop`; a reply threads by In-Reply-To/References onto a
 * ticket of the same workspace, else by its `[#1042]` subject token, but only onto a ticket of the same
 * workspace whose requester is the sender (a forged token opens a new ticket instead of reaching someone
 * else's conversation); anything else opens a ticket. Automated mail is kept (a bounce is information)
 * but is never acknowledged, and acknowledgements are limited per sender per hour (the pack's
 * `desk.autoReply.maxPerSenderPerHour`), so two auto-responders cannot keep each other busy. The limit
 * holds under concurrency: a slot is reserved under a per-sender lock before the ticket is created.
 *
 * Mail whose sender failed DMARC (or DKIM) by a trusted relay's verdict (src/modules/support/mail-auth.ts,
 * RELIABILITY S13) may not be from whom it says: it never threads onto an existing conversation (by
 * headers or token), opens a new ticket tagged `suspected-spoof` with an internal note saying why, and
 * gets no acknowledgement (which would go to the real owner of the forged address).
 */
import { and, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import {
  acknowledgementAllowed,
  outboxIdOf,
  storedIdCandidates,
  threadTokenOf,
} from '../../core/support/mail-rules.js';
import { NoActivePackError } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import { rowsOf, type Database, type Tx } from '../../store/database.js';
import { autoReplies, mailQuarantine, outbox, ticketMessages, tickets } from '../../store/schema.js';
import type { InboundMail } from './mail-parse.js';
import { transportOf, type TicketRow } from './outbound.js';
import { addMessage } from './tickets.js';
import {
  findByEmailMessageId,
  inTicketTx,
  insertMessage,
  readTicket,
  type SupportContext,
} from './ticket-store.js';
import {
  createReservedTicket,
  reserveTicket,
  type CreateTicketInput,
  type Reservation,
} from './ticket-create.js';

/** Where mail to one address goes: the workspace and the pack channel its tickets count under. */
export interface MailTarget {
  readonly workspaceId: string;
  readonly channel: string;
  /** The address it was sent to (lower-cased), kept on the message. */
  readonly address: string;
}

export type QuarantineReason = 'loop' | 'bounce';

export type IntakeResult =
  | {
      readonly outcome: 'stored';
      readonly ticket: number;
      /** The message's id; null only when a redelivery raced the first delivery on a ticket. */
      readonly message: string | null;
      /** A new ticket or a new message (false for a redelivery). */
      readonly created: boolean;
      readonly acknowledged: boolean;
    }
  | { readonly outcome: 'quarantined'; readonly reason: QuarantineReason; readonly id: string };

const HOUR_MS = 3_600_000;

/** The tag of a ticket opened from mail that failed DMARC/DKIM (S13). */
export const SPOOF_TAG = 'suspected-spoof';

/**
 * The workspace an address belongs to (a registered support address, else `<slug>@<support domain>`),
 * or null. Runs before any workspace is known, through the database's own lookup function.
 */
export async function findMailTarget(
  database: Database,
  address: string,
  domain: string,
): Promise<MailTarget | null> {
  const lower = address.trim().toLowerCase();
  const [row] = rowsOf<{ workspace_id: string; channel: string }>(
    await database.db.execute(sql`select * from opsbook_support_workspace(${lower}, ${domain})`),
  );
  return row ? { workspaceId: row.workspace_id, channel: row.channel, address: lower } : null;
}

/** Follows merges to the ticket the conversation lives on now (merges move the messages too). */
async function current(tx: Tx, ticket: TicketRow): Promise<TicketRow> {
  let t = ticket;
  for (let hops = 0; t.mergedInto && hops < 10; hops++) {
    const [next] = await tx.select().from(tickets).where(eq(tickets.id, t.mergedInto)).limit(1);
    if (!next) break;
    t = next;
  }
  return t;
}

/** The ticket one of `ids` (oldest reference last) was sent or received as, in this workspace. */
async function threadedByHeaders(tx: Tx, ids: readonly string[]): Promise<TicketRow | null> {
  if (ids.length === 0) return null;
  const candidates = ids.flatMap(storedIdCandidates);
  const rows = await tx
    .select({ ticket: tickets, id: ticketMessages.emailMessageId })
    .from(ticketMessages)
    .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
    .where(inArray(ticketMessages.emailMessageId, candidates));
  for (const id of ids) {
    const found = rows.find((r) => r.id !== null && storedIdCandidates(id).includes(r.id));
    if (found) return current(tx, found.ticket);
  }
  return null;
}

/** A `[#n]` token threads only onto that ticket's own requester's mail. */
async function threadedByToken(tx: Tx, workspaceId: string, mail: InboundMail): Promise<TicketRow | null> {
  const number = threadTokenOf(mail.subject);
  if (number === null) return null;
  const ticket = await readTicket(tx, workspaceId, number);
  if (!ticket || ticket.requesterEmail?.toLowerCase() !== mail.from.address) return null;
  return current(tx, ticket);
}

/** The pack channel a new email ticket counts under: the address's own, else the pack's customer email. */
function emailChannel(ep: EnginePolicy, preferred: string): string {
  const channels = ep.policy.pack.channels ?? [];
  if (channels.some((c) => c.id === preferred)) return preferred;
  return channels.find((c) => c.kind === 'email' && c.audience === 'customer')?.id ?? preferred;
}

type Plan =
  | { kind: 'duplicate'; ticket: TicketRow; message: string }
  | { kind: 'loop' }
  | { kind: 'thread'; ticket: TicketRow }
  | { kind: 'bounce' }
  /** A new ticket, reserved (number, triage, assignee) in the planning transaction. */
  | { kind: 'new'; input: CreateTicketInput; reserved: Reservation; suspect: boolean };

/** The ticket a new mail opens. */
function ticketInput(
  target: MailTarget,
  mail: InboundMail,
  actor: string,
  channel: string,
  suspect: boolean,
  acknowledge: boolean,
): CreateTicketInput {
  return {
    title: mail.subject || '(no subject)',
    text: mail.text,
    html: mail.html,
    channel,
    requester: { email: mail.from.address, ...(mail.from.name ? { name: mail.from.name } : {}) },
    actor,
    author: { type: 'customer', ...(mail.from.name ? { name: mail.from.name } : {}) },
    emailMessageId: mail.messageId,
    attachments: mail.attachments,
    data: mailData(target, mail),
    acknowledge,
    ...(suspect ? { tags: [SPOOF_TAG] } : {}),
  };
}

/**
 * Decides where the mail goes, in one short transaction: a redelivery, a loop, a reply on a thread, or a
 * new ticket, whose acknowledgement slot, number and assignee are reserved here too (then committed at
 * once, so mails arriving together never wait on each other's tickets).
 */
async function plan(
  ctx: SupportContext,
  target: MailTarget,
  mail: InboundMail,
  actor: string,
): Promise<Plan> {
  const ws = target.workspaceId;
  return ctx.database.inWorkspace(ws, async (tx) => {
    const seen = await findByEmailMessageId(tx, ws, mail.messageId);
    if (seen) return { kind: 'duplicate', ticket: seen.ticket, message: seen.message.id };
    const own = outboxIdOf(mail.messageId);
    if (own && (await tx.select({ id: outbox.id }).from(outbox).where(eq(outbox.id, own)).limit(1)).length)
      return { kind: 'loop' };
    // A sender that failed authentication may be anyone: it joins no conversation.
    const suspect = mail.auth.verdict === 'fail';
    const threaded = suspect
      ? null
      : ((await threadedByHeaders(tx, [...mail.replyTo, ...mail.reportedIds])) ??
        (await threadedByToken(tx, ws, mail)));
    if (threaded) return { kind: 'thread', ticket: threaded };
    // SOP intake: a report about mail we sent that names no ticket of ours is not a customer's request.
    if (mail.report) return { kind: 'bounce' };
    let governing: Awaited<ReturnType<typeof ctx.engine.activePolicyIn>>;
    try {
      governing = await ctx.engine.activePolicyIn(tx, ws);
    } catch (err) {
      if (err instanceof NoActivePackError) throw new OpsError('OPS_NO_ACTIVE_PACK', err.message);
      throw err;
    }
    const { ep } = governing;
    const channel = emailChannel(ep, target.channel);
    const autoReply = ep.policy.pack.desk?.autoReply;
    const automated = mail.automation.reasons.length > 0;
    const acknowledge =
      !!autoReply &&
      !automated &&
      !suspect &&
      transportOf(ep, channel) === 'email' &&
      (await takeAcknowledgementSlot(
        tx,
        ws,
        mail.from.address,
        autoReply.maxPerSenderPerHour,
        ctx.now().getTime(),
      ));
    const input = ticketInput(target, mail, actor, channel, suspect, acknowledge);
    const reserved = await reserveTicket(ctx, tx, ws, input, governing);
    return { kind: 'new', input, reserved, suspect };
  });
}

/**
 * Takes one of the sender's acknowledgement slots for the last hour, or says there is none left. The
 * count and the insert run under a transaction-scoped advisory lock per (workspace, sender), so mails
 * from one sender arriving at once cannot all see "2 sent" and all send (S12: at most the pack's limit,
 * at most 5, per sender per hour). A slot taken for a ticket that then turns out to be a redelivery, or
 * whose transaction fails, stays taken: the limit errs toward fewer acknowledgements, never more.
 */
async function takeAcknowledgementSlot(
  tx: Tx,
  workspaceId: string,
  address: string,
  maxPerSenderPerHour: number,
  nowMs: number,
): Promise<boolean> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`opsbook:ack:${workspaceId}:${address}`}, 0))`,
  );
  const [sent] = await tx
    .select({ n: count() })
    .from(autoReplies)
    .where(and(eq(autoReplies.address, address), gt(autoReplies.sentAt, new Date(nowMs - HOUR_MS))));
  const allowed = acknowledgementAllowed({
    automated: false,
    sentInLastHour: sent?.n ?? 0,
    maxPerSenderPerHour,
  });
  if (allowed) await tx.insert(autoReplies).values({ workspaceId, address, sentAt: new Date(nowMs) });
  return allowed;
}

/**
 * The internal note on a `suspected-spoof` ticket, once per mail (also when a redelivery finds the ticket
 * a crash left without it): under the ticket's row lock, looked up by the mail's Message-ID.
 */
async function noteSuspectedSpoof(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  mail: InboundMail,
): Promise<void> {
  await inTicketTx(ctx, workspaceId, async (tx) => {
    const [ticket] = await tx
      .select()
      .from(tickets)
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, number)))
      .for('update')
      .limit(1);
    if (!ticket) return;
    const [noted] = await tx
      .select({ id: ticketMessages.id })
      .from(ticketMessages)
      .where(
        and(
          eq(ticketMessages.ticketId, ticket.id),
          sql`${ticketMessages.data}->>'suspectedSpoof' = ${mail.messageId}`,
        ),
      )
      .limit(1);
    if (noted) return;
    const by = mail.auth.authservId ?? 'the relay';
    await insertMessage(tx, ticket, ctx.now().getTime(), {
      kind: 'note',
      direction: 'internal',
      authorType: 'system',
      channel: ticket.channel,
      text:
        `Suspected spoof: ${by} reports ${mail.auth.reason}, so this mail may not be from ${mail.from.address}. ` +
        'It was not added to that address’s existing conversations and got no automatic reply. ' +
        'Confirm with the customer through a channel you know is theirs before acting on it.',
      data: { suspectedSpoof: mail.messageId, auth: mail.auth },
    });
  });
}

async function quarantine(
  ctx: SupportContext,
  target: MailTarget,
  mail: InboundMail,
  reason: QuarantineReason,
): Promise<IntakeResult> {
  const id = newId('qm', ctx.now().getTime());
  await ctx.database.inWorkspace(target.workspaceId, (tx) =>
    tx.insert(mailQuarantine).values({
      id,
      workspaceId: target.workspaceId,
      reason,
      from: mail.from.address,
      subject: mail.subject.slice(0, 500),
      messageId: mail.messageId,
      headers: mail.headers,
      sizeBytes: mail.sizeBytes,
    }),
  );
  return { outcome: 'quarantined', reason, id };
}

/** What the message row keeps of the envelope: where it was sent, and why it counts as automated. */
function mailData(target: MailTarget, mail: InboundMail): Record<string, unknown> {
  const automated = mail.automation.reasons;
  const auth = mail.auth.verdict === 'none' ? {} : { auth: mail.auth };
  return { mail: { to: target.address, ...(automated.length ? { automated } : {}), ...auth } };
}

/**
 * Stores one mail for one workspace recipient. Throws on database failure (the caller answers "try
 * again later"); every other outcome is a value.
 *
 * @example await intakeMail(ctx, { workspaceId, channel: 'email', address: 'shopsmart@support.localhost' }, mail, 'smtp')
 */
export async function intakeMail(
  ctx: SupportContext,
  target: MailTarget,
  mail: InboundMail,
  actor: string,
): Promise<IntakeResult> {
  const ws = target.workspaceId;
  const decided = await plan(ctx, target, mail, actor);
  switch (decided.kind) {
    case 'duplicate':
      // The first delivery may have died between its ticket and its note.
      if (mail.auth.verdict === 'fail' && decided.ticket.tags.includes(SPOOF_TAG))
        await noteSuspectedSpoof(ctx, ws, decided.ticket.number, mail);
      return {
        outcome: 'stored',
        ticket: decided.ticket.number,
        message: decided.message,
        created: false,
        acknowledged: false,
      };
    case 'loop':
      return quarantine(ctx, target, mail, 'loop');
    case 'thread': {
      // A machine's answer (a vacation reply, a bounce) is a note: it must not reopen the ticket or
      // count as the customer's reply.
      const machine = mail.automation.machineReply;
      const added = await addMessage(ctx, ws, decided.ticket.number, {
        kind: machine ? 'note' : 'reply',
        author: machine
          ? { type: 'bot', name: mail.from.name ?? mail.from.address }
          : { type: 'customer', ...(mail.from.name ? { name: mail.from.name } : {}) },
        text: mail.text,
        html: mail.html,
        actor,
        emailMessageId: mail.messageId,
        attachments: mail.attachments,
        data: mailData(target, mail),
      });
      if (added.followUp)
        return {
          outcome: 'stored',
          ticket: added.followUp.ticket.number,
          message: added.followUp.message.id,
          created: added.followUp.created,
          acknowledged: false,
        };
      const message = added.message?.id ?? null;
      return {
        outcome: 'stored',
        ticket: added.ticket.number,
        message,
        created: message !== null,
        acknowledged: false,
      };
    }
    case 'bounce':
      return quarantine(ctx, target, mail, 'bounce');
    case 'new': {
      const created = await createReservedTicket(ctx, ws, decided.input, decided.reserved);
      if (decided.suspect) await noteSuspectedSpoof(ctx, ws, created.ticket.number, mail);
      return {
        outcome: 'stored',
        ticket: created.ticket.number,
        message: created.message.id,
        created: created.created,
        acknowledged: !!decided.input.acknowledge && created.created,
      };
    }
  }
}
