/**
 * Slack through an incoming-webhook URL per destination (issue 6): the message as Block Kit (a header, the
 * text, the level and what it is about, a link to Opsbook) with a plain `text` for notifications and screen
 * readers. The outbox id travels in a context line and in message metadata so a repeat after a crash is
 * recognisable. The URL itself is the credential, so errors show only its scheme and host.
 */
import type { ChannelAdapter, Delivery, HttpAnswer, HttpPost, SendOutcome } from './types.js';
import { describeAnswer, outboundFailure, throttled } from './webhook.js';

// Block Kit limits (api.slack.com/reference/block-kit/blocks): beyond them Slack rejects the whole message.
const HEADER_MAX_CHARS = 150;
const SECTION_MAX_CHARS = 3000;
const FIELD_MAX_CHARS = 2000;
const FIELDS_MAX = 10;
const TEXT_MAX_CHARS = 40_000;

/** Slack's mrkdwn treats `&`, `<` and `>` as control characters; everything else is shown as written. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('')}…`;
}

/** `<https://…|label>`: a `|` in the URL would end it early, so it is percent-encoded. */
function link(url: string, label: string): string {
  return `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label)}>`;
}

/** The fields section: level, what it is about, then the template's own fields, up to Slack's ten. */
function fieldsOf(delivery: Delivery): { type: 'mrkdwn'; text: string }[] {
  const context = delivery.context;
  const pairs: [string, string | undefined][] = [
    ['Level', context?.level],
    ['About', context?.subject],
    ...Object.entries(context?.fields ?? {}),
  ];
  return pairs
    .filter((pair): pair is [string, string] => Boolean(pair[1]))
    .slice(0, FIELDS_MAX)
    .map(([name, value]) => ({
      type: 'mrkdwn',
      text: cut(`*${escapeMrkdwn(name)}*\n${escapeMrkdwn(value)}`, FIELD_MAX_CHARS),
    }));
}

/**
 * The incoming-webhook payload. The link to Opsbook is a mrkdwn link rather than a button: a button on a
 * message from an app without interactivity shows a warning when clicked.
 *
 * @example slackPayload(delivery) // { text, blocks: [header, section, fields, link, context], metadata }
 */
export function slackPayload(delivery: Delivery): Record<string, unknown> {
  const { subject, text, context } = delivery;
  const blocks: Record<string, unknown>[] = [];
  if (subject) {
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: cut(subject, HEADER_MAX_CHARS), emoji: true },
    });
  }
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: cut(escapeMrkdwn(text), SECTION_MAX_CHARS) },
  });
  const fields = fieldsOf(delivery);
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  if (context?.url) {
    const label = context.subject ? `Open ${context.subject} in Opsbook` : 'Open in Opsbook';
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: link(context.url, label) } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `ref ${delivery.id}` }] });
  const fallback = subject ? `${subject}: ${text}` : text;
  return {
    text: cut(escapeMrkdwn(fallback), TEXT_MAX_CHARS),
    blocks,
    metadata: { event_type: 'opsbook_notification', event_payload: { id: delivery.id } },
  };
}

/**
 * Slack answers 200 `ok`, or an error word (`invalid_payload`, `no_service`, `channel_is_archived`, …) with a
 * 4xx that no retry will change.
 */
function outcomeOf(url: string, answer: HttpAnswer, nowMs: number): SendOutcome {
  const { status } = answer;
  if (status >= 200 && status < 300) return { ok: true, code: status };
  if (status === 429 || status === 503) return throttled(url, answer, nowMs);
  const error = describeAnswer(url, answer);
  if (status === 410) {
    return {
      ok: false,
      retryable: false,
      disable: true,
      code: status,
      error: `${error}; the destination is disabled`,
    };
  }
  // A redirect is not Slack's answer to a post: it comes from a proxy or a moved front door in between.
  // It is never followed, but retried, so delivery heals when the redirect goes; the retry limit bounds it.
  if (status >= 300 && status < 400) return { ok: false, retryable: true, code: status, error };
  if (status >= 400 && status < 500) {
    return {
      ok: false,
      retryable: false,
      code: status,
      error: `${error}; check the Slack webhook URL and channel`,
    };
  }
  return { ok: false, retryable: true, code: status, error };
}

export interface SlackAdapterOptions {
  readonly http: HttpPost;
  /** For a `Retry-After` given as a date; Slack sends seconds, so the wall clock is a fine default. */
  readonly now?: () => Date;
}

/**
 * @example createSlackAdapter({ http: createOutboundHttp({ allow }) })
 */
export function createSlackAdapter(options: SlackAdapterOptions): ChannelAdapter {
  const now = options.now ?? (() => new Date());
  return {
    kind: 'slack',
    async send(delivery, signal) {
      const url = delivery.target.address;
      const body = JSON.stringify(slackPayload(delivery));
      const headers = { 'content-type': 'application/json; charset=utf-8' };
      try {
        return outcomeOf(url, await options.http(url, { headers, body, signal }), now().getTime());
      } catch (error) {
        return outboundFailure(error);
      }
    },
  };
}
