/**
 * The built-in mailbox (issue 6): in embedded demo mode with no SMTP server configured, mail goes to a real
 * SMTP server inside the process, on loopback, and lands in the `mailbox` table the web app shows, so the
 * email path is the production one. An SMTP 250 is sent only after the row committed (RELIABILITY: a 250
 * means stored): a crash before it makes the sender try again rather than lose the mail. Whatever arrives
 * is untrusted bytes: every failure is an SMTP answer, never a crash.
 */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import PostalMime from 'postal-mime';
import type { Address, Email } from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerError, SMTPServerSession } from 'smtp-server';
import type { Log } from '../engine/log.js';
import { newId } from '../shared/ids.js';
import { pgCode } from '../store/database.js';
import type { Database, Queryable, Tx } from '../store/database.js';
import { mailbox, workspaces } from '../store/schema.js';

export type MailboxEntry = typeof mailbox.$inferSelect;

export interface MailboxOptions {
  readonly database: Database;
  readonly log: Pick<Log, 'warn' | 'error'>;
  /** Larger messages are refused with 552; default 10 MiB. */
  readonly maxMessageBytes?: number;
}

export interface RunningMailbox {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const WORKSPACE_HEADER = 'x-opsbook-workspace';
const MAX_HEADERS = 100;
const MAX_HEADER_CHARS = 2000;

function reply(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/** PostgreSQL text and jsonb cannot hold NUL; a hostile message must not turn into a retry loop. */
function clean(value: string): string {
  return value.replaceAll('\u0000', '');
}

/** Reads the DATA stream to its end, keeping at most `limit` bytes; null when the message was larger. */
async function collect(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    total += bytes.length;
    if (total <= limit) chunks.push(bytes); // past the limit the rest is drained, not kept
  }
  return total > limit || stream.sizeExceeded ? null : Buffer.concat(chunks);
}

function formatAddress(address: Address | undefined): string | undefined {
  if (!address) return undefined;
  if (address.group) return address.name || address.group.map((m) => m.address).join(', ');
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

/** The first value of each header name (lower case), at most 100 names of at most 2,000 characters. */
function flatHeaders(email: Email): Record<string, string> {
  const first = new Map<string, string>();
  for (const h of email.headers) {
    if (first.size >= MAX_HEADERS) break;
    const key = clean(h.key).slice(0, 200);
    if (!first.has(key)) first.set(key, clean(h.value).slice(0, MAX_HEADER_CHARS));
  }
  return Object.fromEntries(first); // defines "__proto__" as a plain key, never as a prototype
}

/** Plain text for mail that only has HTML: tags out, the usual entities decoded, blank runs squeezed. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

type Row = typeof mailbox.$inferInsert;

function toRow(email: Email, raw: Buffer, session: SMTPServerSession, workspaceId: string): Row {
  const mailFrom = session.envelope.mailFrom;
  return {
    // IdPrefix has no 'mail' yet: the 'msg' id's time and random parts under the mailbox's own prefix.
    id: newId('mail', Date.now()),
    workspaceId,
    messageId: email.messageId ? clean(email.messageId).slice(0, 1000) : null,
    from: clean(formatAddress(email.from) ?? (mailFrom ? mailFrom.address : '')),
    to: session.envelope.rcptTo.map((r) => clean(r.address)),
    subject: clean(email.subject ?? ''),
    text: clean(email.text ?? (email.html ? htmlToText(email.html) : '')),
    html: email.html === undefined ? null : clean(email.html),
    headers: flatHeaders(email),
    sizeBytes: raw.length,
  };
}

async function parse(raw: Buffer): Promise<Email> {
  try {
    return await PostalMime.parse(raw);
  } catch (err) {
    throw reply(550, `Message refused: it is not readable MIME (${String((err as Error).message ?? err)})`);
  }
}

/** Decides one message: stores it and says 250, or says why not with the SMTP code that fits. */
async function receive(
  options: MailboxOptions,
  limit: number,
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
): Promise<string> {
  const raw = await collect(stream, limit);
  if (!raw) throw reply(552, `Message refused: larger than the mailbox limit of ${limit} bytes`);
  const email = await parse(raw);
  const header = email.headers.find((h) => h.key === WORKSPACE_HEADER)?.value.trim();
  if (!header) {
    throw reply(
      550,
      'Message refused: no X-Opsbook-Workspace header; the built-in mailbox keeps Opsbook mail only',
    );
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(header)) {
    throw reply(550, `Message refused: X-Opsbook-Workspace "${header.slice(0, 64)}" is not a workspace id`);
  }
  const row = toRow(email, raw, session, header);
  let stored: boolean;
  try {
    stored = await options.database.inWorkspace(header, async (tx) => {
      const [known] = await tx
        .select({ id: workspaces.id })
        .from(workspaces)
        .where(eq(workspaces.id, header))
        .limit(1);
      if (!known) return false;
      await tx.insert(mailbox).values(row);
      return true;
    });
  } catch (err) {
    if (pgCode(err) === '23503')
      stored = false; // the workspace went away between the check and the insert
    else {
      options.log.error({ err, workspaceId: header }, 'built-in mailbox could not store a message');
      throw reply(451, 'Message not stored: the mailbox database failed; try again later');
    }
  }
  if (!stored) throw reply(550, `Message refused: no workspace "${header}" in this Opsbook`);
  return `OK: stored as ${row.id}`;
}

/**
 * Starts the mailbox on 127.0.0.1 on a port the system picks.
 *
 * @example const box = await startMailbox({ database, log }); // point the email adapter at box.port
 */
export async function startMailbox(options: MailboxOptions): Promise<RunningMailbox> {
  const limit = options.maxMessageBytes ?? 10 * 1024 * 1024;
  const server = new SMTPServer({
    name: 'opsbook-mailbox',
    banner: 'Opsbook built-in mailbox (loopback only)',
    // Loopback only, so no TLS or AUTH: nothing crosses a network.
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    size: limit,
    closeTimeout: 2000,
    logger: false,
    onData(stream, session, callback) {
      receive(options, limit, stream, session).then(
        (message) => callback(null, message),
        (err: unknown) => {
          const known = typeof (err as SMTPServerError).responseCode === 'number';
          if (!known) options.log.error({ err }, 'built-in mailbox failed on a message');
          else options.log.warn({ reason: (err as Error).message }, 'built-in mailbox refused a message');
          callback(
            known ? (err as SMTPServerError) : reply(451, 'Message not stored: mailbox error; try again'),
          );
        },
      );
    },
  });
  server.on('error', (err) => options.log.warn({ err }, 'built-in mailbox connection error'));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, HOST, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: HOST,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The mailbox of the workspace `q` is scoped to (a transaction of `database.inWorkspace`), newest first.
 *
 * @example await database.inWorkspace(ws, (tx) => readMailbox(tx, { limit: 20 }))
 */
export async function readMailbox(
  q: Queryable,
  options: { limit?: number; before?: Date } = {},
): Promise<MailboxEntry[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
  const conditions: SQL[] = [];
  if (options.before) conditions.push(lt(mailbox.receivedAt, options.before));
  return q
    .select()
    .from(mailbox)
    .where(and(...conditions))
    .orderBy(desc(mailbox.receivedAt), desc(mailbox.id))
    .limit(limit);
}

/** Empties the mailbox of the workspace `tx` is scoped to; returns how many messages went. */
export async function clearMailbox(tx: Tx): Promise<number> {
  const gone = await tx.delete(mailbox).returning({ id: mailbox.id });
  return gone.length;
}
