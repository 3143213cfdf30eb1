/**
 * Signed webhooks out (issue 6): one JSON POST per delivery, signed per Standard Webhooks so receivers can
 * verify it and drop repeats by `webhook-id` (the outbox id, the same on every retry; RELIABILITY: a crash
 * between send and record may repeat a send once). Per the spec any non-2xx answer is a failure to retry,
 * except 410, which disables the endpoint. Also holds the answer-to-outcome helpers the other HTTP adapters
 * (Slack, SMS providers) share.
 */
import { describeUrl, OutboundError } from './outbound-http.js';
import { signWebhook } from './standard-webhooks.js';
import type { ChannelAdapter, Delivery, HttpAnswer, HttpPost, SendOutcome } from './types.js';

type Failure = Extract<SendOutcome, { ok: false }>;

/**
 * The wait a 429 or 503 asked for: `Retry-After` in seconds or as an HTTP date. `undefined` when absent or
 * unreadable.
 *
 * @example parseRetryAfterMs('7', now) // 7000
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** How an adapter reports a send that got no answer: a bad or forbidden URL will not heal, the rest may. */
export function outboundFailure(error: unknown): Failure {
  if (!(error instanceof OutboundError)) {
    return { ok: false, retryable: true, error: `Unexpected failure: ${String(error)}` };
  }
  const permanent = ['invalid-url', 'forbidden-address', 'too-large'].includes(error.kind);
  return { ok: false, retryable: !permanent, error: error.message };
}

/**
 * A short, single-line extract of an error answer for the delivery log, with the URL's path and query
 * blanked: many servers echo them ("Cannot POST /services/T0/B0/secret") and they are the hook's secret.
 */
export function answerSnippet(body: string, url: string, maxChars = 200): string {
  let text = body.replace(/\s+/g, ' ').trim();
  try {
    const { pathname, search } = new URL(url);
    for (const secret of [`${pathname}${search}`, pathname, search.slice(1)]) {
      if (secret.length > 1) text = text.split(secret).join('/…');
    }
  } catch {
    return '';
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

/** `https://hooks.example.com answered 500: upstream down` (never the path). */
export function describeAnswer(url: string, answer: HttpAnswer): string {
  const where = describeUrl(url);
  if (answer.status >= 300 && answer.status < 400) {
    const { location } = answer.headers;
    const readable = location !== undefined && URL.canParse(location, url);
    const to = readable ? describeUrl(new URL(location, url)) : 'no readable location';
    return `${where} answered ${answer.status}: redirect to ${to} not followed (redirects never are)`;
  }
  const snippet = answerSnippet(answer.body, url);
  return `${where} answered ${answer.status}${snippet ? `: ${snippet}` : ''}`;
}

/** 429 and 503 may say when to come back; any other status leaves the wait to the dispatcher's backoff. */
export function throttled(url: string, answer: HttpAnswer, nowMs: number): Failure {
  const retryAfterMs = parseRetryAfterMs(answer.headers['retry-after'], nowMs);
  return {
    ok: false,
    retryable: true,
    code: answer.status,
    error: describeAnswer(url, answer),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

export interface WebhookAdapterOptions {
  readonly http: HttpPost;
  readonly now: () => Date;
}

/** The JSON body: the pack's own when given, else Standard Webhooks' `{ type, timestamp, data }`. */
export function webhookBody(delivery: Delivery, now: Date): Readonly<Record<string, unknown>> {
  if (delivery.body) return delivery.body;
  const context = delivery.context;
  return {
    type: context?.eventType ?? 'opsbook.notification',
    timestamp: now.toISOString(),
    data: {
      id: delivery.id,
      subject: delivery.subject,
      text: delivery.text,
      level: context?.level,
      about: context?.subject,
      url: context?.url,
      fields: context?.fields,
    },
  };
}

function outcomeOf(url: string, answer: HttpAnswer, nowMs: number): SendOutcome {
  const { status } = answer;
  if (status >= 200 && status < 300) return { ok: true, code: status };
  if (status === 410) {
    const error = `${describeAnswer(url, answer)}; the endpoint is gone, so it is disabled`;
    return { ok: false, retryable: false, disable: true, code: status, error };
  }
  if (status === 429 || status === 503) return throttled(url, answer, nowMs);
  // 3xx, 4xx and 5xx alike: the spec counts any non-2xx as a failed attempt to retry with backoff.
  return { ok: false, retryable: true, code: status, error: describeAnswer(url, answer) };
}

/**
 * @example createWebhookAdapter({ http: createOutboundHttp({ allow }), now: () => clock.now() })
 */
export function createWebhookAdapter(options: WebhookAdapterOptions): ChannelAdapter {
  return {
    kind: 'webhook',
    async send(delivery, signal) {
      const url = delivery.target.address;
      const secrets = delivery.target.secrets ?? [];
      if (secrets.length === 0) {
        const error = `The webhook endpoint ${describeUrl(url)} has no signing secret; add one (whsec_…) to it`;
        return { ok: false, retryable: false, error };
      }
      const now = options.now();
      const timestampSeconds = Math.floor(now.getTime() / 1000);
      const body = JSON.stringify(webhookBody(delivery, now));
      let signature: string;
      try {
        signature = signWebhook(secrets, delivery.id, timestampSeconds, body);
      } catch (cause) {
        const error = `The webhook endpoint ${describeUrl(url)} has a malformed signing secret: ${(cause as Error).message}`;
        return { ok: false, retryable: false, error };
      }
      const headers = {
        'content-type': 'application/json',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': signature,
      };
      try {
        const answer = await options.http(url, { headers, body, signal });
        return outcomeOf(url, answer, now.getTime());
      } catch (error) {
        return outboundFailure(error);
      }
    },
  };
}
