/**
 * One interface for every way Opsbook tells someone something (issue 6). The dispatcher hands an adapter one
 * rendered message for one address; the adapter speaks its transport (SMTP, an incoming webhook, a
 * Twilio-compatible REST API, a signed webhook, the in-app store) and says what happened. Adapters never
 * touch the outbox: recording the result, retries and dead letters are the dispatcher's.
 *
 * Every adapter passes the shared contract suite (test/channels/contract.ts) against a local receiver.
 */

import type { DeliveryKind } from '../core/notify/kinds.js';

export { DELIVERY_KINDS, type DeliveryKind } from '../core/notify/kinds.js';

/** Where a delivery goes, with any secret it needs opened in memory only (never stored in the payload). */
export interface DeliveryTarget {
  /** An email address, an E.164 number, a user id, or an https URL (Slack, webhook). */
  readonly address: string;
  /** Standard Webhooks secrets (`whsec_…`), the current first; two while a rotation is under way. */
  readonly secrets?: readonly string[];
  /** A display name for email (`"Asha Rao" <asha@…>`). */
  readonly name?: string;
}

/** One rendered message for one address: what the outbox row's payload holds, plus its target. */
export interface Delivery {
  /** The outbox row's id (`msg_…`): the `Message-ID` / `webhook-id`, the same on every retry. */
  readonly id: string;
  readonly workspaceId: string;
  /** 1 on the first try. */
  readonly attempt: number;
  readonly kind: DeliveryKind;
  readonly target: DeliveryTarget;
  /** Email subject, Slack/in-app title. */
  readonly subject?: string;
  /** The message as plain text (SMS body, the words a voice call speaks, the email's text part). */
  readonly text: string;
  /** The email's HTML part, when the template gives one. */
  readonly html?: string;
  /** BCP 47 tag of the language the text is in (`hi`, `en`); voice calls speak it. */
  readonly locale?: string;
  /** Sent by a rule, not typed by a person: email gets `Auto-Submitted: auto-generated`. */
  readonly automatic: boolean;
  /** Journey and marketing mail: List-Unsubscribe (RFC 2369) and one-click (RFC 8058). */
  readonly unsubscribeUrl?: string;
  /** Ticket replies thread: the Message-IDs this answers, oldest first. */
  readonly references?: readonly string[];
  /** What it is about, for Slack blocks and webhook bodies: `ticket:T1`, its type and level. */
  readonly context?: {
    readonly subject?: string;
    readonly eventType?: string;
    readonly level?: string;
    readonly url?: string;
    readonly fields?: Readonly<Record<string, string>>;
  };
  /** It holds a secret (a sign-in code, an invitation link): logs and the built-in mailbox hide its text. */
  readonly sensitive?: boolean;
  /** A webhook's JSON body (`{ type, timestamp, data }`); built from the message when left out. */
  readonly body?: Readonly<Record<string, unknown>>;
}

export type SendOutcome =
  | {
      readonly ok: true;
      /** The provider's id (Twilio SID, SMTP queue id), to match status callbacks and for the log. */
      readonly providerId?: string;
      /** The HTTP status or SMTP reply code the far end answered. */
      readonly code?: number;
    }
  | {
      readonly ok: false;
      /** What went wrong, for the delivery log; never holds a secret. */
      readonly error: string;
      /** A later try may succeed (timeouts, 5xx, 429, refused connections, SMTP 4xx). */
      readonly retryable: boolean;
      /** The far end asked for this wait (HTTP 429 / 503 `Retry-After`). */
      readonly retryAfterMs?: number;
      /** The far end said the address is gone for good (HTTP 410): stop sending to it. */
      readonly disable?: boolean;
      readonly code?: number;
    };

/** One transport. `send` never throws for a failure it can describe; it returns it. */
export interface ChannelAdapter {
  readonly kind: DeliveryKind;
  send(delivery: Delivery, signal: AbortSignal): Promise<SendOutcome>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}

/** An HTTP answer as the outbound client reads it (the body cut at its size limit). */
export interface HttpAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * POSTs over the SSRF-safe outbound client (src/channels/outbound-http.ts): the host is resolved and every
 * address it connects to is checked against the private ranges at connect time, redirects are never
 * followed, and `signal` bounds the whole exchange. Throws `OutboundError` when no answer came.
 */
export type HttpPost = (
  url: string,
  init: {
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
    readonly signal: AbortSignal;
  },
) => Promise<HttpAnswer>;
