/**
 * Pure rules of the help desk's mail intake (issue 7): which mail is automated and must never get an
 * acknowledgement (RFC 3834 and the headers mailers and lists actually send), how a reply names the
 * conversation it belongs to (Message-IDs, the `[#1042]` subject token), and what is safe to keep of an
 * attachment's name and type. No I/O: the intake (src/modules/support/mail-intake.ts) reads the database.
 */

/** Why a message counts as automated; any one is enough to send no acknowledgement. */
export type AutomationReason =
  | 'auto-submitted'
  | 'auto-reply-header'
  | 'precedence'
  | 'mailing-list'
  | 'system-sender'
  | 'suppress-auto-response'
  | 'delivery-report';

export interface Automation {
  readonly reasons: readonly AutomationReason[];
  /**
   * An answer a machine wrote in place of a person (a vacation reply, a bounce): on an existing ticket it
   * is an internal note, so it neither reopens the ticket nor counts as the customer replying.
   */
  readonly machineReply: boolean;
}

/** Local parts of senders that are systems, not people (RFC 3834 §3.1.7; common practice). */
const SYSTEM_SENDER =
  /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?)([+\-_.].*)?$/i;

/** The value of a header before its parameters, trimmed and lower-cased. */
const token = (value: string | undefined) => (value ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * Tells automated mail apart. `headers` holds the first value of each header, keys lower-cased.
 *
 * @example automationOf({ 'auto-submitted': 'auto-replied' }, 'ravi@shop.test', 'text/plain')
 *   // { reasons: ['auto-submitted'], machineReply: true }
 */
export function automationOf(
  headers: Readonly<Record<string, string>>,
  fromAddress: string,
  contentType: string,
): Automation {
  const reasons: AutomationReason[] = [];
  let machineReply = false;
  // RFC 3834 §5: any value but "no" marks mail a machine sent.
  const autoSubmitted = token(headers['auto-submitted']);
  if (autoSubmitted !== '' && autoSubmitted !== 'no') {
    reasons.push('auto-submitted');
    if (autoSubmitted === 'auto-replied') machineReply = true;
  }
  if ('x-autoreply' in headers || 'x-autorespond' in headers) {
    reasons.push('auto-reply-header');
    machineReply = true;
  }
  const precedence = token(headers.precedence);
  if (['bulk', 'list', 'junk', 'auto_reply'].includes(precedence)) {
    reasons.push('precedence');
    if (precedence === 'auto_reply') machineReply = true;
  }
  if ('list-id' in headers || 'list-unsubscribe' in headers) reasons.push('mailing-list');
  const local = fromAddress.slice(0, Math.max(fromAddress.lastIndexOf('@'), 0));
  if (SYSTEM_SENDER.test(local)) reasons.push('system-sender');
  // Exchange's own "do not auto-respond to this" (All, or AutoReply among its values).
  if (/\b(all|autoreply)\b/i.test(headers['x-auto-response-suppress'] ?? ''))
    reasons.push('suppress-auto-response');
  if (isDeliveryReport(contentType)) {
    reasons.push('delivery-report');
    machineReply = true;
  }
  return { reasons, machineReply };
}

/**
 * A report a mail system wrote about an earlier message (RFC 6522): a bounce (`report-type=
 * delivery-status`, RFC 3464) or a read receipt (`disposition-notification`, RFC 8098).
 */
export function isDeliveryReport(contentType: string): boolean {
  return contentType.trim().toLowerCase().startsWith('multipart/report');
}

/** At most this many acknowledgements per sender per hour (the pack's `desk.autoReply`). */
export function acknowledgementAllowed(input: {
  readonly automated: boolean;
  readonly sentInLastHour: number;
  readonly maxPerSenderPerHour: number;
}): boolean {
  return !input.automated && input.sentInLastHour < input.maxPerSenderPerHour;
}

const MAX_IDS = 50;
const MAX_ID_CHARS = 500;

/** One Message-ID as stored: no angle brackets, no spaces or control characters; null when empty. */
export function normaliseMessageId(raw: string | undefined): string | null {
  if (!raw) return null;
  // eslint-disable-next-line no-control-regex
  const bare = raw.replace(/[\u0000-\u001f\u007f<>\s]/g, '');
  return bare === '' ? null : bare.slice(0, MAX_ID_CHARS);
}

/**
 * The Message-IDs of an `In-Reply-To` or `References` header, in order, without brackets (at most 50).
 *
 * @example parseMessageIds('<a@x> <b@y>') // ['a@x', 'b@y']
 */
export function parseMessageIds(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!);
  const raw = bracketed.length > 0 ? bracketed : value.split(/[\s,]+/).filter((v) => v.includes('@'));
  const ids: string[] = [];
  for (const r of raw) {
    const id = normaliseMessageId(r);
    if (id && !ids.includes(id)) ids.push(id);
    if (ids.length >= MAX_IDS) break;
  }
  return ids;
}

/** `msg_<26 base64url>`: the outbox id our mail carries as its Message-ID, left of the @. */
const OUTBOX_ID = /^msg_[A-Za-z0-9_-]{26}$/;

/** The outbox id a Message-ID names when it is one of ours (`msg_…@domain`), else null. */
export function outboxIdOf(messageId: string): string | null {
  const at = messageId.lastIndexOf('@');
  const local = at < 0 ? messageId : messageId.slice(0, at);
  return OUTBOX_ID.test(local) ? local : null;
}

/**
 * The ids a Message-ID may be stored under: as received, and for our own outbound mail also the bare
 * outbox id (outbound messages keep `msg_…` without the domain).
 */
export function storedIdCandidates(messageId: string): string[] {
  const own = outboxIdOf(messageId);
  return own && own !== messageId ? [messageId, own] : [messageId];
}

/**
 * The ticket number of a `[#1042]` token in a subject (the first one), or null.
 *
 * @example threadTokenOf('Re: [#1042] Cannot log in') // 1042
 */
export function threadTokenOf(subject: string): number | null {
  const match = /\[#([1-9][0-9]{0,8})\]/.exec(subject);
  return match ? Number(match[1]) : null;
}

/**
 * The Message-IDs a delivery report quotes: the `Message-ID` headers of the returned message (or its
 * headers part) in the body of the report. `body` is the report without its own header block.
 */
export function reportedMessageIds(body: string): string[] {
  const ids: string[] = [];
  for (const m of body.matchAll(/^(?:x-original-|original-)?message-id:[ \t]*(<[^<>\r\n]{1,500}>)/gim)) {
    const id = normaliseMessageId(m[1]);
    if (id && !ids.includes(id)) ids.push(id);
    if (ids.length >= MAX_IDS) break;
  }
  return ids;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/csv': 'csv',
  'message/rfc822': 'eml',
  'message/delivery-status': 'txt',
  'text/rfc822-headers': 'txt',
};

/** `type/subtype` in lower case when well formed, else `application/octet-stream`. */
export function safeContentType(value: string | undefined): string {
  const lower = (value ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(lower)
    ? lower
    : 'application/octet-stream';
}

/**
 * A file name safe to store and to offer for download: no folders, no control or reserved characters,
 * no leading dots, at most 200 characters (the extension kept); `attachment-<n>.<ext>` when none is left.
 *
 * @example safeFilename('../../etc/passwd', 1, 'text/plain') // 'passwd'
 */
export function safeFilename(name: string | null | undefined, index: number, contentType: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (cleaned === '') return `attachment-${index}.${EXTENSIONS[contentType] ?? 'bin'}`;
  if (cleaned.length <= 200) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, 200 - ext.length) + ext;
}

/** What a raw message is made of, counted in one linear pass before the MIME parser sees it. */
export interface MimeShape {
  readonly lines: number;
  /** Delimiter lines of the multipart boundaries the message declares (≈ its parts). */
  readonly parts: number;
}

const BOUNDARY = /\bboundary\*?\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s";]{1,200}))/gi;

/**
 * Counts lines and MIME part delimiters, so that a message too complex to parse in reasonable time is
 * refused before parsing: the parser's limits bound nesting and header bytes, not breadth (postal-mime's
 * README: "a single multipart part with a very large number of children is still expensive").
 *
 * @example mimeShapeOf(new TextEncoder().encode('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n'))
 *   // { lines: 6, parts: 2 }
 */
export function mimeShapeOf(raw: Uint8Array): MimeShape {
  // latin1 keeps one character per byte, so positions in the text are positions in the bytes.
  const text = new TextDecoder('latin1').decode(raw);
  const boundaries = new Set<string>();
  for (const m of text.matchAll(BOUNDARY)) boundaries.add(m[1] ?? m[2]!);
  let lines = 0;
  let parts = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lines++;
    if (text.charCodeAt(start) === 45 && text.charCodeAt(start + 1) === 45 && boundaries.size > 0) {
      // `--boundary`, `--boundary--`, trailing spaces allowed (RFC 2046 §5.1.1).
      const rest = text.slice(start + 2, Math.min(end, start + 2 + 210)).replace(/[\s]+$/, '');
      if (boundaries.has(rest) || (rest.endsWith('--') && boundaries.has(rest.slice(0, -2)))) parts++;
    }
    start = end + 1;
  }
  return { lines, parts };
}

/** Tags in an HTML text (anything `<` followed by a letter, `/` or `!`); what sanitising costs grows with. */
export function htmlTagCount(html: string): number {
  let n = 0;
  for (let i = html.indexOf('<'); i >= 0; i = html.indexOf('<', i + 1)) {
    const c = html.charCodeAt(i + 1);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 47 || c === 33) n++;
  }
  return n;
}

const BLOCK_TAG = /^\/?(br|p|div|li|tr|h[1-6]|table|blockquote|pre|hr)\b/i;
const ENTITIES: Readonly<Record<string, string>> = {
  '&nbsp;': ' ',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&amp;': '&',
};

/**
 * The text of an HTML body, for mail with no text part, in time linear in its length whatever it holds
 * (unclosed tags, `<<<<`, thousands of `<script>`): regular expressions that look for a closing tag from
 * every opening one take quadratic time on such input.
 *
 * @example textOfHtml('<p>Hello<script>x()</script></p><p>World &amp; co</p>') // 'Hello\nWorld & co'
 */
export function textOfHtml(html: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out.push(html.slice(i));
      break;
    }
    out.push(html.slice(i, lt));
    const gt = html.indexOf('>', lt);
    if (gt < 0) break; // an unterminated tag: the rest is not text
    const tag = html.slice(lt + 1, Math.min(gt, lt + 12));
    i = gt + 1;
    const hidden = /^(script|style)\b/i.exec(tag);
    if (hidden) {
      const close = new RegExp(`</${hidden[1]}\\s*>`, 'gi');
      close.lastIndex = i;
      const found = close.exec(html);
      if (!found) break; // never closed: everything after it is script
      i = found.index + found[0].length;
    }
    out.push(BLOCK_TAG.test(tag) ? '\n' : ' ');
  }
  return out
    .join('')
    .replace(/&(nbsp|lt|gt|quot|#39|amp);/g, (e) => ENTITIES[e]!)
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n')
    .trim();
}

/** The SMTP answer to a mail the database could not store: always temporary, so the sender retries. */
export interface StoreFailureReply {
  readonly code: 451 | 452;
  readonly message: string;
}

/**
 * 452 (RFC 5321 "insufficient system storage") when the database is out of disk (SQLSTATE 53100
 * `disk_full`, class 53 insufficient resources, or a file system's ENOSPC); 451 ("local error") for
 * anything else, such as a database that is down. Both are temporary: RELIABILITY R7, a full disk never
 * answers 250 and never loses mail the sender was told we have.
 *
 * @example storeFailureReply('53100').code // 452
 */
export function storeFailureReply(code: string | undefined): StoreFailureReply {
  if (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    (code !== undefined && /^53[0-9A-Z]{3}$/.test(code) && code !== '53300')
  )
    return {
      code: 452,
      message: "Message not stored: the help desk's storage is full; try again later",
    };
  return { code: 451, message: 'Message not stored: the help desk database failed; try again later' };
}
