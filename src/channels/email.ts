/**
 * Email over SMTP (issue 6) through nodemailer's pooled transport: connections are reused, which is what
 * lets one dispatcher reach 1,000 mails/s to a local sink. The Message-ID comes from the outbox row id, so
 * a send repeated after a crash carries the same id and the receiver can drop it. SMTP replies map onto
 * SendOutcome: 4xx and broken connections are worth another try, 5xx (a refused mailbox) is not.
 */
import { createTransport } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { NodemailerError } from 'nodemailer/lib/errors';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import { z } from 'zod';
import type { ChannelAdapter, Delivery, SendOutcome } from './types.js';

export interface EmailOptions {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (port 465). */
  readonly secure: boolean;
  /** Refuse to send unless the server upgrades with STARTTLS. */
  readonly requireTls?: boolean;
  readonly user?: string;
  readonly password?: string;
  /** `"Opsbook <notifications@example.com>"` */
  readonly from: string;
  /** The right-hand side of every Message-ID: `<msg_…@{messageIdDomain}>`. */
  readonly messageIdDomain: string;
  readonly pool?: { readonly maxConnections: number; readonly maxMessages: number };
  readonly tls?: { readonly rejectUnauthorized?: boolean };
  /** Bounds connecting and the server's greeting; default 10 s. */
  readonly connectionTimeoutMs?: number;
}

/** C0 and C1 controls, DEL and the Unicode line separators: nothing that may split a header line. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const ERROR_MAX_CHARS = 500;

/** One header line of plain text: controls become a space, so "a\r\nBcc: x" stays inside one header. */
export function headerSafe(value: string): string {
  return value.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

const emailSchema = z.email();

/**
 * Null when `address` is one plain mailbox (`asha@example.com`), else what is wrong and how to write it.
 *
 * @example validateEmailAddress('asha@') // '"asha@" is not an email address: …'
 */
export function validateEmailAddress(address: string): string | null {
  const shown = JSON.stringify(address.length > 80 ? `${address.slice(0, 80)}…` : address);
  const fix = 'write one address like asha@example.com';
  if (address.trim() === '') return `The email address is empty: ${fix}.`;
  if (address !== address.trim()) return `${shown} has spaces around it: remove them.`;
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(address)) return `${shown} contains control characters: ${fix}.`;
  if (address.length > 254) return `${shown} is longer than the 254 characters an email address may have.`;
  if (/[<>]/.test(address))
    return `${shown} has a display name or angle brackets: give the bare address only.`;
  if (/[,;\s]/.test(address)) return `${shown} looks like several addresses or has spaces inside: ${fix}.`;
  const at = address.lastIndexOf('@');
  if (at < 0) return `${shown} is not an email address: the @ is missing; ${fix}.`;
  if (at === 0) return `${shown} is not an email address: nothing before the @; ${fix}.`;
  if (at === address.length - 1)
    return `${shown} is not an email address: the domain after the @ is missing.`;
  if (at > 64) return `${shown} has a part before the @ longer than 64 characters.`;
  if (!address.slice(at + 1).includes('.')) {
    return `${shown} has no dot in its domain ("${address.slice(at + 1)}"): use a full domain like example.com.`;
  }
  if (!emailSchema.safeParse(address).success) return `${shown} is not a valid email address: ${fix}.`;
  return null;
}

/** `<id@domain>` for a bare id, `<id>` for one that already names its domain (a received Message-ID). */
function angleId(id: string, domain: string): string {
  const bare = id.replace(CONTROL, '').replace(/[<>\s]/g, '');
  return `<${bare.includes('@') ? bare : `${bare}@${domain}`}>`;
}

function unsubscribeProblem(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (['https:', 'http:', 'mailto:'].includes(parsed.protocol)) return null;
  } catch {
    // Reported below.
  }
  return `The unsubscribe link ${JSON.stringify(url.slice(0, 200))} is not an https or mailto URL: fix the journey's unsubscribe link.`;
}

/** The nodemailer message for one delivery; every value that lands in a header is one safe line. */
export function composeEmail(delivery: Delivery, options: EmailOptions): SendMailOptions {
  const headers: Record<string, string> = { 'X-Opsbook-Workspace': headerSafe(delivery.workspaceId) };
  if (delivery.automatic) {
    headers['Auto-Submitted'] = 'auto-generated'; // RFC 3834: no vacation replies to rule-sent mail
    headers['X-Auto-Response-Suppress'] = 'All';
  }
  if (delivery.unsubscribeUrl) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'; // RFC 8058
  if (delivery.sensitive) headers['X-Opsbook-Sensitive'] = 'yes'; // the built-in mailbox hides its text
  const references = (delivery.references ?? []).map((id) => angleId(id, options.messageIdDomain));
  const name = delivery.target.name ? headerSafe(delivery.target.name) : '';
  return {
    from: options.from,
    to: name ? { name, address: delivery.target.address } : delivery.target.address,
    subject: headerSafe(delivery.subject ?? ''),
    messageId: angleId(delivery.id, options.messageIdDomain),
    ...(references.length > 0 ? { inReplyTo: references.at(-1), references } : {}),
    text: delivery.text,
    ...(delivery.html !== undefined ? { html: delivery.html } : {}),
    headers,
    ...(delivery.unsubscribeUrl ? { list: { unsubscribe: delivery.unsubscribeUrl } } : {}),
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * An SMTP adapter with a connection pool. `send` never throws: each failure is returned with whether a
 * later try may succeed.
 *
 * @example createEmailAdapter({ host: '127.0.0.1', port: 2525, secure: false, from: 'Opsbook <n@example.com>', messageIdDomain: 'example.com' })
 */
export function createEmailAdapter(options: EmailOptions): ChannelAdapter {
  assertEmailOptions(options);
  const timeoutMs = options.connectionTimeoutMs ?? 10_000;
  const where = `SMTP server ${options.host}:${options.port}`;
  const transport = createTransport({
    pool: true,
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.requireTls ?? false,
    ...(options.user ? { auth: { user: options.user, pass: options.password ?? '' } } : {}),
    maxConnections: options.pool?.maxConnections ?? 5,
    maxMessages: options.pool?.maxMessages ?? 1000,
    tls: { rejectUnauthorized: options.tls?.rejectUnauthorized ?? true },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // An idle pooled socket or a stalled reply is dropped rather than kept open for nodemailer's 10 minutes.
    socketTimeout: Math.max(timeoutMs * 3, 30_000),
    allowInternalNetworkInterfaces: true,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
  const redact = secretRedactor(options);

  const timedOut = (): SendOutcome => ({
    ok: false,
    retryable: true,
    error: `timed out: ${where} did not accept the message before the send's deadline; it will be tried again`,
  });

  async function send(delivery: Delivery, signal: AbortSignal): Promise<SendOutcome> {
    const invalid = validateEmailAddress(delivery.target.address);
    if (invalid) return { ok: false, retryable: false, error: invalid };
    const badLink = delivery.unsubscribeUrl ? unsubscribeProblem(delivery.unsubscribeUrl) : null;
    if (badLink) return { ok: false, retryable: false, error: badLink };
    if (signal.aborted) return timedOut();

    let stopWaiting = (): void => undefined;
    // nodemailer drops the connection on abort; the race makes sure we never wait past the signal anyway.
    const aborted = new Promise<SendOutcome>((resolve) => {
      const onAbort = () => resolve(timedOut());
      signal.addEventListener('abort', onAbort, { once: true });
      stopWaiting = () => signal.removeEventListener('abort', onAbort);
    });
    const sent = transport.sendMail({ ...composeEmail(delivery, options), signal }).then(
      (info): SendOutcome => {
        const code = Number(/^\d{3}/.exec(info.response ?? '')?.[0] ?? 250);
        const queueId = /queued as ([\w.-]+)/i.exec(info.response ?? '')?.[1];
        return { ok: true, providerId: queueId ?? info.messageId, code };
      },
      (err: unknown): SendOutcome =>
        signal.aborted ? timedOut() : describeFailure(err as NodemailerError, where, redact),
    );
    try {
      return await Promise.race([sent, aborted]);
    } finally {
      stopWaiting();
    }
  }

  return {
    kind: 'email',
    send,
    async close() {
      transport.close();
    },
  };
}

/** Settings are checked once, at start-up, so a typo fails there and not at 3 a.m. during an incident. */
function assertEmailOptions(options: EmailOptions): void {
  const senders = addressparser(options.from, { flatten: true });
  const sender = senders.length === 1 ? senders[0]!.address : '';
  const problem = sender ? validateEmailAddress(sender) : 'it must name exactly one address';
  if (problem) {
    throw new Error(`Email setting "from" (${JSON.stringify(options.from)}) is not usable: ${problem}`);
  }
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(options.messageIdDomain)) {
    throw new Error(
      `Email setting messageIdDomain ${JSON.stringify(options.messageIdDomain)} is not a domain: use the sending domain, like example.com.`,
    );
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new Error(
      `Email setting port ${options.port} is not a TCP port (1-65535): usually 587, or 465 with secure.`,
    );
  }
}

/** Error codes that no retry can cure: a configuration or message problem, not the server's mood. */
const PERMANENT_CODES = new Set([
  'ENOAUTH',
  'EAUTH',
  'ECONFIG',
  'EENVELOPE',
  'EMESSAGE',
  'EFILEACCESS',
  'EURLACCESS',
  'EMAXRECIPIENTS',
  'EREQUIRETLS',
]);

function describeFailure(err: NodemailerError, where: string, redact: (s: string) => string): SendOutcome {
  const code = err.responseCode;
  const cut = (s: string) => redact(s).replace(CONTROL, ' ').slice(0, ERROR_MAX_CHARS);
  if (typeof code === 'number' && code >= 400) {
    // RFC 5321: 4yz is transient, 5yz permanent; 503 (bad sequence) is a session fault a new one cures.
    const retryable = code < 500 || code === 503;
    const step = err.command ? ` to ${err.command.split(' ').slice(0, 2).join(' ')}` : '';
    const rcpt = err.recipient ?? err.rejected?.[0];
    const about = rcpt ? ` for ${rcpt}` : '';
    const reply = err.response ?? err.message;
    return { ok: false, retryable, code, error: cut(`${where} answered ${code}${step}${about}: ${reply}`) };
  }
  if (err.code === 'EABORT') {
    return { ok: false, retryable: true, error: `timed out: ${where} did not finish before the deadline` };
  }
  const retryable = !PERMANENT_CODES.has(err.code ?? '');
  const detail = err.originalCode && err.originalCode !== err.code ? `${err.originalCode}, ` : '';
  const hint = retryable ? '' : '; check the SMTP settings';
  return {
    ok: false,
    retryable,
    error: cut(`${where}: ${err.message} (${detail}${err.code ?? 'no code'})${hint}`),
  };
}

/** Removes the password (plain and as AUTH PLAIN/LOGIN would carry it in base64) from any text. */
function secretRedactor(options: EmailOptions): (text: string) => string {
  const password = options.password ?? '';
  if (password === '') return (text) => text;
  const forms = [
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\u0000${options.user ?? ''}\u0000${password}`).toString('base64'),
  ];
  return (text) => forms.reduce((acc, form) => acc.split(form).join('[redacted]'), text);
}
