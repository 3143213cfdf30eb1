/** Raw MIME messages for the mail intake tests, written out by hand as a mail client would send them. */
import { randomBytes } from 'node:crypto';

export interface MailSpec {
  readonly from?: string | null;
  readonly to?: string;
  readonly subject?: string;
  /** With brackets; a fresh one when left out, none when null. */
  readonly messageId?: string | null;
  readonly inReplyTo?: string;
  readonly references?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly {
    filename: string;
    contentType: string;
    data: Buffer;
    inlineId?: string;
  }[];
}

export const freshId = (domain = 'shop.test') => `<${randomBytes(8).toString('hex')}@${domain}>`;

const base64Lines = (data: Buffer) => (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** A message as bytes: text, or text and HTML, and attachments (inline ones with a Content-ID). */
export function mime(spec: MailSpec): Buffer {
  const head: string[] = [];
  if (spec.from !== null) head.push(`From: ${spec.from ?? 'Ravi Kumar <ravi@shop.test>'}`);
  head.push(`To: ${spec.to ?? 'shopsmart@support.localhost'}`);
  head.push(`Subject: ${spec.subject ?? 'App crashes on login'}`);
  if (spec.messageId !== null) head.push(`Message-ID: ${spec.messageId ?? freshId()}`);
  if (spec.inReplyTo) head.push(`In-Reply-To: ${spec.inReplyTo}`);
  if (spec.references) head.push(`References: ${spec.references}`);
  head.push('Date: Mon, 02 Mar 2026 09:30:00 +0530', 'MIME-Version: 1.0');
  for (const [k, v] of Object.entries(spec.headers ?? {})) head.push(`${k}: ${v}`);
  const text = spec.text ?? 'The app crashes when I log in.';
  const attachments = spec.attachments ?? [];
  if (!spec.html && attachments.length === 0) {
    head.push('Content-Type: text/plain; charset=utf-8');
    return Buffer.from(`${head.join('\r\n')}\r\n\r\n${text}\r\n`);
  }
  const b = `b-${randomBytes(6).toString('hex')}`;
  const parts: string[] = [];
  parts.push(`Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`);
  if (spec.html) parts.push(`Content-Type: text/html; charset=utf-8\r\n\r\n${spec.html}`);
  for (const a of attachments) {
    const disposition = a.inlineId ? 'inline' : 'attachment';
    parts.push(
      [
        `Content-Type: ${a.contentType}; name="${a.filename}"`,
        `Content-Disposition: ${disposition}; filename="${a.filename}"`,
        ...(a.inlineId ? [`Content-ID: <${a.inlineId}>`] : []),
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(a.data),
      ].join('\r\n'),
    );
  }
  head.push(`Content-Type: multipart/mixed; boundary="${b}"`);
  const body = parts.map((p) => `--${b}\r\n${p}\r\n`).join('') + `--${b}--\r\n`;
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** A bounce (RFC 3464) of a message whose Message-ID was `returnedId` (with brackets). */
export function bounce(returnedId: string, to = 'shopsmart@support.localhost'): Buffer {
  const b = `r-${randomBytes(6).toString('hex')}`;
  return Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.shop.test>',
      `To: ${to}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: ${freshId('mx.shop.test')}`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered: mailbox full.',
      `--${b}`,
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.shop.test',
      '',
      'Final-Recipient: rfc822; gone@shop.test',
      'Action: failed',
      'Status: 5.2.2',
      `--${b}`,
      'Content-Type: text/rfc822-headers',
      '',
      'From: ShopSmart Support <support@opsbook.localhost>',
      `Message-ID: ${returnedId}`,
      'Subject: We received your request',
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}
