/**
 * WhatsApp and SMS messages customers send to the workspace's provider number (issue 7, SOP-002 "Support
 * Channels": WhatsApp 9 AM - 9 PM, < 15 min). The provider posts each one to our inbound webhook; it
 * becomes a message on the sender's open ticket on that channel, or else a new ticket. Pictures and voice
 * notes stay at the provider: their URLs are kept as links, never fetched.
 */
import { and, desc, eq, isNull, notInArray } from 'drizzle-orm';
import { z } from 'zod';
import { normalisePhone } from '../../core/phone.js';
import type { FieldError } from '../../errors/catalog.js';
import { ticketMessages, tickets } from '../../store/schema.js';
import { activePolicy, packChannelOf, titleOf } from './chat.js';
import { addMessage } from './tickets.js';
import type { SupportContext } from './ticket-store.js';
import { createTicket } from './ticket-create.js';

export interface InboundMedia {
  readonly url: string;
  readonly contentType: string | null;
}

export interface InboundMessage {
  /** The provider's id of the message: a redelivery carries the same one. */
  readonly messageSid: string;
  readonly kind: 'whatsapp' | 'sms';
  /** E.164. */
  readonly from: string;
  readonly to: string | null;
  readonly text: string;
  /** The sender's WhatsApp profile name. */
  readonly profileName: string | null;
  readonly media: readonly InboundMedia[];
}

/** A provider allows 10 media per message. */
const MAX_MEDIA = 10;

const Params = z.looseObject({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{10,64}$/, 'a provider message id (SM…, MM…)'),
  From: z.string().min(1).max(80),
  To: z.string().max(80).optional(),
  Body: z.string().max(4096).default(''),
  ProfileName: z.string().max(200).optional(),
  NumMedia: z.coerce.number().int().min(0).max(MAX_MEDIA).default(0),
});

/** Only web links: a `javascript:` URL must never reach an agent's screen as a link. */
const MediaUrl = z.url({ protocol: /^https?$/ }).max(2000);

/**
 * Reads the provider's form fields (Twilio's names: `MessageSid`, `From: whatsapp:+91…`, `Body`,
 * `MediaUrl0`…). Returns precise field errors for what cannot be used.
 */
export function readInbound(
  params: Readonly<Record<string, string>>,
): { ok: true; message: InboundMessage } | { ok: false; errors: FieldError[] } {
  const parsed = Params.safeParse(params);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ pointer: `/body/${i.path.join('/')}`, message: i.message })),
    };
  const p = parsed.data;
  const kind = /^whatsapp:/i.test(p.From) ? 'whatsapp' : 'sms';
  const phone = normalisePhone(p.From);
  if (!phone.ok) return { ok: false, errors: [{ pointer: '/body/From', message: phone.error }] };
  const media: InboundMedia[] = [];
  for (let i = 0; i < p.NumMedia; i++) {
    const url = MediaUrl.safeParse(params[`MediaUrl${i}`]);
    if (!url.success)
      return {
        ok: false,
        errors: [{ pointer: `/body/MediaUrl${i}`, message: 'an http(s) URL is expected' }],
      };
    const type = params[`MediaContentType${i}`];
    media.push({ url: url.data, contentType: type && type.length <= 100 ? type : null });
  }
  if (!p.Body.trim() && media.length === 0)
    return {
      ok: false,
      errors: [{ pointer: '/body/Body', message: 'the message has no text and no media' }],
    };
  return {
    ok: true,
    message: {
      messageSid: p.MessageSid,
      kind,
      from: phone.e164,
      to: p.To ? p.To.replace(/^whatsapp:/i, '') : null,
      text: p.Body,
      profileName: p.ProfileName?.trim() || null,
      media,
    },
  };
}

export type InboundOutcome =
  { readonly outcome: 'created' | 'appended'; readonly number: number } | { readonly outcome: 'duplicate' };

/**
 * One sender's messages are taken one at a time (within this process), so a burst ("hi", "app crashes",
 * a screenshot) threads into one ticket instead of racing to open several.
 */
const senderQueues = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = senderQueues.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.catch(() => undefined);
  senderQueues.set(key, settled);
  void settled.then(() => {
    if (senderQueues.get(key) === settled) senderQueues.delete(key);
  });
  return run;
}

/** The `ticket_messages.email_message_id` of a provider message: unique per workspace, so redeliveries dedupe. */
export const inboundMessageKey = (messageSid: string) => `twilio:${messageSid}`;

/**
 * Records an inbound message: on the sender's open (not resolved) ticket of that channel, else on a new
 * ticket. A message already recorded (the provider retried) changes nothing.
 */
export async function receiveInbound(
  ctx: SupportContext,
  workspaceId: string,
  message: InboundMessage,
): Promise<InboundOutcome> {
  return oneAtATime(`${workspaceId}:${message.from}`, () => receive(ctx, workspaceId, message));
}

async function receive(
  ctx: SupportContext,
  workspaceId: string,
  message: InboundMessage,
): Promise<InboundOutcome> {
  const key = inboundMessageKey(message.messageSid);
  const found = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const [seen] = await tx
      .select({ id: ticketMessages.id })
      .from(ticketMessages)
      .where(and(eq(ticketMessages.workspaceId, workspaceId), eq(ticketMessages.emailMessageId, key)))
      .limit(1);
    if (seen) return 'duplicate' as const;
    const ep = await activePolicy(ctx, tx, workspaceId);
    const channel = (ep && packChannelOf(ep, message.kind)) ?? message.kind;
    const [open] = await tx
      .select({ number: tickets.number })
      .from(tickets)
      .where(
        and(
          eq(tickets.workspaceId, workspaceId),
          eq(tickets.requesterPhone, message.from),
          eq(tickets.channel, channel),
          isNull(tickets.mergedInto),
          isNull(tickets.resolvedAt),
          notInArray(tickets.status, ['resolved', 'closed']),
        ),
      )
      .orderBy(desc(tickets.createdAt))
      .limit(1);
    return { channel, open: open?.number ?? null };
  });
  if (found === 'duplicate') return { outcome: 'duplicate' };
  const text =
    message.text.trim() || `(${message.media.length} attachment${message.media.length === 1 ? '' : 's'})`;
  const data = {
    provider: { messageSid: message.messageSid, ...(message.to ? { to: message.to } : {}) },
    ...(message.media.length ? { media: message.media } : {}),
  };
  if (found.open !== null) {
    const added = await addMessage(ctx, workspaceId, found.open, {
      kind: 'reply',
      author: { type: 'customer', ...(message.profileName ? { name: message.profileName } : {}) },
      text,
      actor: 'twilio',
      channel: found.channel,
      emailMessageId: key,
      data,
    });
    if (added.followUp) return { outcome: 'created', number: added.followUp.ticket.number };
    return added.message ? { outcome: 'appended', number: found.open } : { outcome: 'duplicate' };
  }
  const label = message.kind === 'whatsapp' ? 'WhatsApp' : 'SMS';
  const created = await createTicket(ctx, workspaceId, {
    title: titleOf(message.text, `${label} message from ${message.from}`),
    text,
    channel: found.channel,
    requester: { phone: message.from, ...(message.profileName ? { name: message.profileName } : {}) },
    actor: 'twilio',
    author: { type: 'customer' },
    emailMessageId: key,
    data,
  });
  return created.created ? { outcome: 'created', number: created.ticket.number } : { outcome: 'duplicate' };
}
