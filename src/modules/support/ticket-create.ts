/**
 * A new ticket (issue 7), from any intake (mail, WhatsApp, SMS, the chat widget, a logged call, the API).
 * Two transactions: a short one reserves what every new ticket of the workspace shares (the next number,
 * the agent whose turn it is) and commits at once, so concurrent intakes never wait on each other's work
 * (the mail intake reserves in the transaction that decides how to thread the mail); the second writes
 * the ticket, its first message, the acknowledgement and the engine's decision (created, then assigned)
 * as one change.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { triage } from '../../core/support/triage.js';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Fields } from '../../core/decide/types.js';
import type { PackRef } from '../../engine/subjects.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { ticketCounters, tickets, type TicketTriage } from '../../store/schema.js';
import { autoAssign } from './assignment.js';
import { ticketSubject } from './mirror.js';
import { readTicketWithAssignee } from './queries.js';
import {
  recipientOf,
  renderForCustomer,
  sendToCustomer,
  type CustomerMessage,
  type TicketRow,
} from './outbound.js';
import {
  findByEmailMessageId,
  inTicketTx,
  insertMessages,
  sha256,
  subjectFields,
  type AttachmentInput,
  type MessageRow,
  type Requester,
  type SupportContext,
} from './ticket-store.js';

export interface CreateTicketInput {
  readonly title: string;
  readonly text: string;
  /** Sanitised HTML of the first message. */
  readonly html?: string | undefined;
  /** The pack channel (`email`, `whatsapp`, `in-app-chat`, `phone`) or `api`. */
  readonly channel: string;
  readonly requester: Requester;
  readonly account?: string | undefined;
  readonly plan?: string | undefined;
  readonly locale?: string | undefined;
  /** Set by an agent or an integration: kept as given; triage fills the rest. */
  readonly priority?: string | undefined;
  readonly category?: string | undefined;
  readonly tier?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly assigneeId?: string | undefined;
  /** `user:usr_…`, `api-token:…`, `smtp`, `widget`, `twilio`. */
  readonly actor: string;
  /** Who wrote the first message: the customer (mail, chat) or an agent (a logged call, the API). */
  readonly author: { readonly type: 'customer' | 'agent'; readonly id?: string; readonly name?: string };
  /** The first message's kind: `reply` (the customer's words) or `call` (an agent's log of a call). */
  readonly messageKind?: 'reply' | 'call';
  readonly emailMessageId?: string | undefined;
  readonly attachments?: readonly AttachmentInput[];
  readonly data?: Record<string, unknown>;
  /** Hand the customer a token for this conversation (the chat widget keeps it). */
  readonly issueToken?: boolean;
  /** Send the pack's acknowledgement (`desk.autoReply`): the mail intake decides (loops, rate). */
  readonly acknowledge?: boolean;
  /** Usage facts of the account, for triage rules on `facts.<name>`. */
  readonly facts?: Fields;
}

export interface CreatedTicket {
  readonly ticket: TicketRow;
  readonly message: MessageRow;
  /** The assignee's name (for the API's view), when the ticket was created by this call. */
  readonly assigneeName?: string | null;
  /** False when the same email Message-ID was already turned into a message (a redelivered mail). */
  readonly created: boolean;
  /** The customer's conversation token, when asked for (shown once). */
  readonly token?: string;
}

/** The least urgent level of the ticket scale: a ticket nobody graded is not treated as urgent. */
function fallbackPriority(ep: EnginePolicy): string {
  const scale = (ep.policy.pack.scales ?? []).find((s) => s.for === 'ticket');
  return scale?.levels.at(-1)?.id ?? 'normal';
}

/** What a short transaction reserved for a new ticket: its number, pack version, triage and assignee. */
export interface Reservation {
  readonly number: number;
  readonly ep: EnginePolicy;
  readonly ref: PackRef;
  readonly triage: Triaged;
  /** The agent it is assigned to (given, or whose turn it is in the tier's queue), if any. */
  readonly assigneeId: string | null;
  readonly assignedBy: string;
}

type Triaged = ReturnType<typeof triage> & { readonly tier: string | null };

/**
 * Reserves a new ticket in the caller's short transaction: triage (so the tier, and with it the queue
 * whose turn is taken, is known), the round-robin turn and the number. The transaction should commit at
 * once: the counter's and the agent's row locks are then held for a few statements, not for the whole
 * creation, so concurrent intakes of one workspace do not queue behind each other (gaps in numbers or
 * turns are fine). `governing`: the active pack version, when the caller already read it.
 */
export async function reserveTicket(
  ctx: SupportContext,
  tx: Tx,
  workspaceId: string,
  input: CreateTicketInput,
  governing?: { ep: EnginePolicy; ref: PackRef },
): Promise<Reservation> {
  const { ep, ref } = governing ?? (await ctx.engine.activePolicyIn(tx, workspaceId));
  const given = {
    ...(input.priority ? { priority: input.priority } : {}),
    ...(input.category ? { category: input.category } : {}),
    ...(input.tier ? { tier: input.tier } : {}),
  };
  const decided = triage(
    ep.policy.pack.desk,
    {
      subject: input.title,
      body: input.text,
      channel: input.channel,
      plan: input.plan,
      account: input.account,
      requester: input.requester.email ?? input.requester.phone,
      ...(input.facts ? { facts: input.facts } : {}),
      given,
    },
    fallbackPriority(ep),
  );
  // As the engine does on `ticket.created`: a ticket no rule placed starts in the pack's first tier.
  const tier = decided.tier ?? ep.policy.pack.tiers?.[0]?.id ?? null;
  const chosen = input.assigneeId
    ? null
    : await autoAssign(tx, ep, { workspaceId, tier, assigneeId: null }, ctx.now().getTime());
  const [counter] = await tx
    .insert(ticketCounters)
    .values({ workspaceId, lastNumber: 1 })
    .onConflictDoUpdate({
      target: ticketCounters.workspaceId,
      set: { lastNumber: sql`${ticketCounters.lastNumber} + 1` },
    })
    .returning({ n: ticketCounters.lastNumber });
  return {
    number: counter!.n,
    ep,
    ref,
    triage: { ...decided, tier },
    assigneeId: input.assigneeId ?? chosen,
    assignedBy: input.assigneeId ? input.actor : 'engine:assignment',
  };
}

/** Raised inside the transaction to roll it back when its first message turns out to be a redelivery. */
class DuplicateIntake extends Error {
  constructor() {
    super('the message was already recorded by another transaction');
  }
}

/**
 * Builds a new ticket's input in the transaction that reserves it, against the pack version that will
 * govern it: a check that throws (an unknown priority, a non-member assignee) rolls back and changes
 * nothing, and no activation can slip in between the check and the ticket.
 */
export type TicketInputBuilder = (
  tx: Tx,
  governing: { readonly ep: EnginePolicy; readonly ref: PackRef },
) => Promise<CreateTicketInput>;

/**
 * A new ticket from any intake. Idempotent for email: the same Message-ID (a redelivered mail, or the same
 * mail to two of the workspace's addresses) answers with the ticket it already made, `created: false`.
 */
export async function createTicket(
  ctx: SupportContext,
  workspaceId: string,
  input: CreateTicketInput | TicketInputBuilder,
): Promise<CreatedTicket> {
  type Reserved =
    | { readonly existing: { ticket: TicketRow; message: MessageRow } }
    | { readonly input: CreateTicketInput; readonly reservation: Reservation };
  const reserved = await ctx.database.inWorkspace(workspaceId, async (tx): Promise<Reserved> => {
    let governing: { ep: EnginePolicy; ref: PackRef } | undefined;
    let built: CreateTicketInput;
    if (typeof input === 'function') {
      governing = await ctx.engine.activePolicyIn(tx, workspaceId);
      built = await input(tx, governing);
    } else built = input;
    const existing = built.emailMessageId
      ? await findByEmailMessageId(tx, workspaceId, built.emailMessageId)
      : null;
    if (existing) return { existing };
    return { input: built, reservation: await reserveTicket(ctx, tx, workspaceId, built, governing) };
  });
  if ('existing' in reserved) return { ...reserved.existing, created: false };
  return createReservedTicket(ctx, workspaceId, reserved.input, reserved.reservation);
}

/** Writes a reserved ticket (`reserveTicket`, committed): the second of a new ticket's transactions. */
export async function createReservedTicket(
  ctx: SupportContext,
  workspaceId: string,
  input: CreateTicketInput,
  reserved: Reservation,
): Promise<CreatedTicket> {
  try {
    return await writeTicket(ctx, workspaceId, input, reserved);
  } catch (err) {
    if (!(err instanceof DuplicateIntake) || !input.emailMessageId) throw err;
    const existing = await ctx.database.inWorkspace(workspaceId, (tx) =>
      findByEmailMessageId(tx, workspaceId, input.emailMessageId!),
    );
    if (!existing) throw err;
    return { ...existing, created: false };
  }
}

/** The pack's acknowledgement (`desk.autoReply`) for a new ticket, when asked for and deliverable. */
function acknowledgement(
  ep: EnginePolicy,
  ticket: Pick<
    TicketRow,
    'id' | 'number' | 'title' | 'requesterName' | 'requesterEmail' | 'requesterPhone' | 'locale' | 'channel'
  >,
  input: CreateTicketInput,
  publicUrl: string,
): (CustomerMessage & { readonly template: string }) | null {
  const autoReply = ep.policy.pack.desk?.autoReply;
  if (!input.acknowledge || !autoReply || !recipientOf(ep, ticket)) return null;
  const rendered = renderForCustomer(ep, autoReply.template, ticket, {
    workspace_name: '',
    portal_url: publicUrl,
  });
  if (!rendered || 'error' in rendered) return null;
  return {
    key: `ticket:${ticket.id}:ack`,
    text: rendered.text,
    ...(rendered.subject ? { subject: `[#${ticket.number}] ${rendered.subject}` } : {}),
    automatic: true,
    ...(input.emailMessageId ? { references: [input.emailMessageId] } : {}),
    template: autoReply.template,
  };
}

async function writeTicket(
  ctx: SupportContext,
  workspaceId: string,
  input: CreateTicketInput,
  reserved: Reservation,
): Promise<CreatedTicket> {
  const { number, ep, ref, triage: decided, assigneeId } = reserved;
  const subject = ticketSubject(number);
  const token = input.issueToken ? randomBytes(24).toString('base64url') : undefined;
  let attempt = 0;
  return inTicketTx(ctx, workspaceId, async (tx) => {
    // The subject is new (the number was just taken): it is written without being read first. Should
    // one exist after all (an event sent to /events under this key), the retry reads and decides on it.
    const fresh = attempt++ === 0;
    const nowMs = ctx.now().getTime();
    const draft = {
      id: newId('tkt', nowMs),
      workspaceId,
      number,
      title: input.title.slice(0, 500) || '(no subject)',
      channel: input.channel,
      requesterName: input.requester.name ?? null,
      requesterEmail: input.requester.email?.toLowerCase() ?? null,
      requesterPhone: input.requester.phone ?? null,
      locale: input.locale ?? null,
    };
    const ack = acknowledgement(ep, draft, input, ctx.publicUrl);
    const triageRecord: TicketTriage = {
      rule: decided.rule,
      ...(decided.quote !== undefined ? { quote: decided.quote } : {}),
      set: decided.set,
      overrides: [],
    };
    const [ticket] = await tx
      .insert(tickets)
      .values({
        ...draft,
        status: 'open',
        priority: decided.priority,
        category: decided.category,
        tier: decided.tier,
        assigneeId,
        requesterTokenHash: token ? sha256(token) : null,
        account: input.account ?? null,
        plan: input.plan ?? null,
        tags: [...new Set([...(input.tags ?? []), ...decided.tags])],
        triage: triageRecord,
        packId: ref.id,
        packVersion: ref.version,
        // The first message, and the acknowledgement if one goes: written below, counted here.
        messageCount: ack ? 2 : 1,
        lastMessageAt: new Date(nowMs),
        ...(input.author.type === 'customer' ? { lastCustomerMessageAt: new Date(nowMs) } : {}),
        createdAt: new Date(nowMs),
        updatedAt: new Date(nowMs),
      })
      .returning();
    const outboxId = ack ? await sendToCustomer(tx, ep, ticket!, ack) : null;
    const [message] = await insertMessages(tx, ticket!, nowMs, [
      {
        kind: input.messageKind ?? 'reply',
        direction: input.author.type === 'customer' ? 'in' : 'internal',
        authorType: input.author.type,
        authorId: input.author.id,
        authorName: input.author.name ?? input.requester.name,
        channel: input.channel,
        text: input.text,
        html: input.html,
        emailMessageId: input.emailMessageId,
        data: input.data,
        attachments: input.attachments,
      },
      ...(ack && outboxId
        ? [
            {
              kind: 'auto',
              direction: 'out' as const,
              authorType: 'system' as const,
              channel: input.channel,
              text: ack.text,
              emailMessageId: outboxId,
              data: { outbox: outboxId, template: ack.template },
            },
          ]
        : []),
    ]);
    // The same mail (or provider message) committed by another process meanwhile: undo this ticket.
    if (!message) throw new DuplicateIntake();
    await ctx.engine.handleAllIn(
      tx,
      workspaceId,
      [
        { type: 'ticket.created', subject, data: subjectFields(ticket!), actor: input.actor },
        ...(assigneeId
          ? [
              {
                type: 'ticket.assigned',
                subject,
                data: { assignee: `user:${assigneeId}` },
                actor: reserved.assignedBy,
              },
            ]
          : []),
      ],
      { fresh, version: { ep, ref } },
    );
    // The row as the engine's mirror left it (status, clocks), with the assignee's name for the API.
    const saved = await readTicketWithAssignee(tx, workspaceId, number);
    return {
      ticket: saved?.ticket ?? ticket!,
      assigneeName: saved?.assigneeName ?? null,
      message,
      created: true,
      ...(token ? { token } : {}),
    };
  });
}
