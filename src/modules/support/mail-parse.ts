/**
 * Raw MIME → what the help desk keeps of a customer's mail (issue 7). Whatever arrives is untrusted
 * bytes: every way a message can be broken ends as a refusal with a reason, never as an exception, and
 * nothing PostgreSQL cannot store (NUL characters) or the web app must not render (unsanitised HTML)
 * gets through. The work is bounded before it starts (RELIABILITY S11): a message with more parts or
 * lines than a support mail has is refused as too complex, the parser stops at 50 levels of nesting and
 * 256 KiB of headers, and HTML too large or too tag-dense to sanitise quickly is kept as a downloadable
 * `message.html` instead of being rendered (sanitising is synchronous: 2 MB of nested tags blocked the
 * event loop for minutes in our measurements).
 */
import { createHash } from 'node:crypto';
import PostalMime from 'postal-mime';
import type { Address, Email } from 'postal-mime';
import {
  automationOf,
  htmlTagCount,
  isDeliveryReport,
  mimeShapeOf,
  normaliseMessageId,
  parseMessageIds,
  reportedMessageIds,
  safeContentType,
  safeFilename,
  textOfHtml,
  type Automation,
} from '../../core/support/mail-rules.js';
import { mailAuthOf, type MailAuth } from './mail-auth.js';
import { sanitizeMailHtml } from './sanitize.js';
import type { AttachmentInput } from './ticket-store.js';

export interface InboundMail {
  /** The From address, lower-cased, and its display name. */
  readonly from: { readonly address: string; readonly name?: string };
  readonly subject: string;
  readonly text: string;
  /** Sanitised (src/modules/support/sanitize.ts). */
  readonly html?: string;
  /** Without angle brackets; made from the message's hash when it had none, so a resend is the same. */
  readonly messageId: string;
  /** The conversation it answers: In-Reply-To first, then References from the newest. */
  readonly replyTo: readonly string[];
  /** For a delivery report: the Message-IDs of the returned message. */
  readonly reportedIds: readonly string[];
  readonly report: boolean;
  readonly automation: Automation;
  /** The relay's DMARC/DKIM verdict (src/modules/support/mail-auth.ts); `none` unless a trusted one said. */
  readonly auth: MailAuth;
  /** First value of each header (lower-cased names; at most 100, each at most 2,000 characters). */
  readonly headers: Readonly<Record<string, string>>;
  readonly attachments: readonly AttachmentInput[];
  readonly sizeBytes: number;
}

/**
 * A refusal says why; `limit` when the message broke a size or complexity limit (SMTP 554) rather than
 * not being a readable mail at all (550).
 */
export type ReadMail = { ok: true; mail: InboundMail } | { ok: false; reason: string; limit: boolean };

export interface ReadMailOptions {
  /** Authserv-ids whose `Authentication-Results` are believed (OPSBOOK_SUPPORT_AUTHSERV_IDS). */
  readonly trustedAuthservIds?: readonly string[];
}

const MAX_HEADERS = 100;
const MAX_HEADER_CHARS = 2000;
const MAX_TEXT_CHARS = 1_000_000;
export const MAX_ATTACHMENTS = 100;
/** Part delimiters: 100 attachments, their alternatives and related parts fit several times over. */
export const MAX_PARTS = 500;
/**
 * Lines: a 25 MB attachment in base64 is 340,000 lines. The parser's cost is per line (tens of
 * microseconds each on Node 20), so this bounds a message's parse time to seconds, not minutes.
 */
export const MAX_LINES = 500_000;
/** HTML sanitised inline at most; larger or denser HTML is kept as an attachment (see the module note). */
export const MAX_INLINE_HTML_CHARS = 512 * 1024;
export const MAX_HTML_TAGS = 10_000;
/** Only the start of a report is searched for the returned message's headers. */
const MAX_REPORT_SCAN = 2 * 1024 * 1024;
const EMAIL = /^[^\s@<>()",;:\\[\]]{1,64}@[^\s@<>()",;:\\[\]]{1,255}$/;

/** PostgreSQL text and jsonb cannot hold NUL. */
const clean = (value: string) => value.replaceAll('\u0000', '');

function flatHeaders(email: Email): Record<string, string> {
  const first = new Map<string, string>();
  for (const h of email.headers) {
    if (first.size >= MAX_HEADERS) break;
    const key = clean(h.key).slice(0, 200);
    if (!first.has(key)) first.set(key, clean(h.value).slice(0, MAX_HEADER_CHARS));
  }
  return Object.fromEntries(first); // defines "__proto__" as a plain key, never as a prototype
}

function sender(address: Address | undefined): InboundMail['from'] | string {
  if (!address) return 'it has no From address';
  if (address.group) return 'its From is a group of addresses, not one sender';
  const email = clean(address.address ?? '')
    .trim()
    .toLowerCase();
  if (!EMAIL.test(email)) return `its From address "${email.slice(0, 100)}" is not an email address`;
  const name = clean(address.name ?? '')
    .trim()
    .slice(0, 200);
  return name ? { address: email, name } : { address: email };
}

function attachmentsOf(email: Email): AttachmentInput[] {
  return email.attachments.map((a, i) => {
    const contentType = safeContentType(a.mimeType);
    const data =
      typeof a.content === 'string'
        ? Buffer.from(a.content, a.encoding === 'base64' ? 'base64' : 'utf8')
        : Buffer.from(a.content instanceof ArrayBuffer ? new Uint8Array(a.content) : a.content);
    return { filename: safeFilename(a.filename, i + 1, contentType), contentType, data };
  });
}

/** The body of the raw message after its header block, as text, for a report's quoted headers. */
function bodyOf(raw: Buffer): string {
  const text = raw.subarray(0, MAX_REPORT_SCAN).toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  return end ? text.slice(end.index + end[0].length) : '';
}

/**
 * Reads one message. Refuses (with the reason an SMTP answer or a problem document can carry) what is not
 * MIME at all, or has no single sender.
 *
 * @example const read = await readMail(Buffer.from('From: a@b.test\r\nSubject: Hi\r\n\r\nHello'))
 */
export async function readMail(raw: Buffer, options: ReadMailOptions = {}): Promise<ReadMail> {
  const shape = mimeShapeOf(raw);
  if (shape.parts > MAX_PARTS)
    return { ok: false, limit: true, reason: `it has more than ${MAX_PARTS} MIME parts (${shape.parts})` };
  if (shape.lines > MAX_LINES)
    return { ok: false, limit: true, reason: `it has more than ${MAX_LINES} lines (${shape.lines})` };
  let email: Email;
  try {
    email = await PostalMime.parse(raw, {
      maxNestingDepth: 50,
      maxHeadersSize: 256 * 1024,
      maxRfc822NestingDepth: 3,
    });
  } catch (err) {
    const why = clean(err instanceof Error ? err.message : String(err)).slice(0, 200);
    // postal-mime's own limits (nesting, header size) say "Maximum …".
    const limit = why.startsWith('Maximum ');
    return {
      ok: false,
      limit,
      reason: limit ? `it is too complex (${why})` : `the message is not readable MIME (${why})`,
    };
  }
  const from = sender(email.from);
  if (typeof from === 'string') return { ok: false, limit: false, reason: from };
  if (email.attachments.length > MAX_ATTACHMENTS)
    return {
      ok: false,
      limit: true,
      reason: `it has more than ${MAX_ATTACHMENTS} attachments (${email.attachments.length}); send them in several mails`,
    };
  const headers = flatHeaders(email);
  const contentType = headers['content-type'] ?? 'text/plain';
  const report = isDeliveryReport(contentType);
  const html = email.html === undefined ? undefined : clean(email.html);
  // Too large or dense to sanitise without blocking: kept whole as a download, shown as its text.
  const htmlTooHeavy =
    html !== undefined && (html.length > MAX_INLINE_HTML_CHARS || htmlTagCount(html) > MAX_HTML_TAGS);
  const text = clean(email.text ?? (html ? textOfHtml(html) : ''))
    .trimEnd()
    .slice(0, MAX_TEXT_CHARS);
  const given = normaliseMessageId(email.messageId ? clean(email.messageId) : undefined);
  const references = parseMessageIds(email.references ? clean(email.references) : undefined).reverse();
  const inReplyTo = parseMessageIds(email.inReplyTo ? clean(email.inReplyTo) : undefined);
  const sanitized = htmlTooHeavy ? undefined : sanitizeMailHtml(html);
  const attachments = attachmentsOf(email);
  if (htmlTooHeavy)
    attachments.push({ filename: 'message.html', contentType: 'text/html', data: Buffer.from(html, 'utf8') });
  return {
    ok: true,
    mail: {
      from,
      subject: clean(email.subject ?? '')
        .replace(/\s+/g, ' ')
        .trim(),
      text,
      ...(sanitized !== undefined ? { html: sanitized } : {}),
      messageId:
        given ?? `${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@no-message-id.invalid`,
      replyTo: [...new Set([...inReplyTo, ...references])],
      reportedIds: report ? reportedMessageIds(bodyOf(raw)).filter((id) => id !== given) : [],
      report,
      automation: automationOf(headers, from.address, contentType),
      auth: mailAuthOf(email.headers, from.address, options.trustedAuthservIds ?? []),
      headers,
      attachments,
      sizeBytes: raw.length,
    },
  };
}
