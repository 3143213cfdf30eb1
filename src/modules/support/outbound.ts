/**
 * Messages to a ticket's customer, over the channel the ticket came from (email back to email, WhatsApp
 * back to WhatsApp; a chat's customer reads replies in the widget). Recorded in the caller's transaction
 * as outbox deliveries, so a reply is sent exactly when its message commits.
 */
import { renderTemplate } from '../../core/templates.js';
import { enqueueMessage } from '../../engine/outbox.js';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Tx } from '../../store/database.js';
import type { tickets } from '../../store/schema.js';

export type TicketRow = typeof tickets.$inferSelect;

/** The transport a pack channel's customer messages go out on, or null (chat, phone: none to send). */
export function transportOf(ep: EnginePolicy, channelId: string): 'email' | 'sms' | 'whatsapp' | null {
  const kind = ep.policy.pack.channels?.find((c) => c.id === channelId)?.kind ?? channelId;
  if (kind === 'email' || kind === 'sms' || kind === 'whatsapp') return kind;
  return null;
}

/** `[#1042] Cannot log in`: the token threads a reply whose headers were lost. */
export const threadSubject = (ticket: Pick<TicketRow, 'number' | 'title'>) =>
  `[#${ticket.number}] ${ticket.title.replace(/^\s*(re|fwd?|aw|sv):\s*/i, '')}`;

export interface CustomerMessage {
  /** Unique per message: the outbox idempotency key. */
  readonly key: string;
  readonly text: string;
  readonly html?: string;
  readonly subject?: string;
  /** Sent by a rule (acknowledgement, survey), not typed by an agent. */
  readonly automatic: boolean;
  /** Message-IDs this answers, oldest first (email threading). */
  readonly references?: readonly string[];
  /** Not before this instant (a survey's delay). */
  readonly notBefore?: Date;
}

/** The customer's address on the ticket's channel, and the transport: null when nothing can reach them. */
export function recipientOf(
  ep: EnginePolicy,
  ticket: Pick<TicketRow, 'channel' | 'requesterEmail' | 'requesterPhone'>,
): { transport: 'email' | 'sms' | 'whatsapp'; to: string } | null {
  const transport = transportOf(ep, ticket.channel);
  const to = transport === 'email' ? ticket.requesterEmail : transport ? ticket.requesterPhone : null;
  return transport && to ? { transport, to } : null;
}

type Addressed = Pick<
  TicketRow,
  | 'workspaceId'
  | 'number'
  | 'title'
  | 'channel'
  | 'requesterName'
  | 'requesterEmail'
  | 'requesterPhone'
  | 'locale'
>;

/**
 * Records one message to the ticket's customer. Returns the outbox id (`msg_…`, also the email's
 * Message-ID left of the @) or null when the channel has no transport or the customer no address there.
 */
export async function sendToCustomer(
  tx: Tx,
  ep: EnginePolicy,
  ticket: Addressed,
  message: CustomerMessage,
): Promise<string | null> {
  const recipient = recipientOf(ep, ticket);
  if (!recipient) return null;
  const { transport, to } = recipient;
  const { id } = await enqueueMessage(tx, ticket.workspaceId, {
    idempotencyKey: message.key,
    channel: transport,
    recipient: to,
    ...(message.notBefore ? { notBefore: message.notBefore } : {}),
    payload: {
      to,
      ...(ticket.requesterName ? { name: ticket.requesterName } : {}),
      subject: message.subject ?? threadSubject(ticket),
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      automatic: message.automatic,
      ...(ticket.locale ? { locale: ticket.locale } : {}),
      ...(message.references?.length ? { references: message.references } : {}),
      context: { subject: `ticket:${ticket.number}`, eventType: 'ticket.reply' },
    },
  });
  return id;
}

/** Renders a pack template for the ticket's customer, in their language; null if the pack lacks it. */
export function renderForCustomer(
  ep: EnginePolicy,
  templateId: string,
  ticket: Pick<TicketRow, 'number' | 'title' | 'requesterName' | 'locale'>,
  values: Readonly<Record<string, string>>,
): { subject: string | null; text: string } | { error: string } | null {
  const template = ep.policy.pack.templates?.find((t) => t.id === templateId);
  if (!template) return null;
  const rendered = renderTemplate(template, {
    preferred: [ticket.locale, ...(ep.policy.pack.pack.locales ?? [])],
    mode: 'deliver',
    values: {
      ticket_number: String(ticket.number),
      ticket_title: ticket.title,
      customer_name: ticket.requesterName ?? '',
      ...values,
    },
  });
  if (!rendered.ok) return { error: rendered.error };
  return { subject: rendered.subject ?? null, text: rendered.text };
}
