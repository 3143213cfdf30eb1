/**
 * The help desk's SMTP listener (issue 7): mail to a workspace's support address becomes a ticket, or a
 * message on one. RCPT TO is checked while the client waits, so mail for an address no workspace owns is
 * refused (550) and never accepted then bounced. 250 is answered only after the ticket's transaction
 * committed (RELIABILITY: a 250 means stored); a database failure answers 451, and a full disk 452
 * (RELIABILITY R7), so the sender's server tries again. Whatever arrives is untrusted bytes: every failure
 * is an SMTP answer, never a crash; a message too large is refused with 552 and one too complex to parse
 * in bounded time with 554 (S11).
 *
 * No STARTTLS and no AUTH: it is meant for loopback or a private network behind a relay (Postfix, a
 * provider's inbound route) that does TLS, spam filtering and retries.
 */
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerError, SMTPServerSession } from 'smtp-server';
import type { Log } from '../engine/log.js';
import { storeFailureReply } from '../core/support/mail-rules.js';
import { OpsError } from '../errors/catalog.js';
import { findMailTarget, intakeMail, type MailTarget } from '../modules/support/mail-intake.js';
import { readMail } from '../modules/support/mail-parse.js';
import type { SupportContext } from '../modules/support/ticket-store.js';

export interface SupportSmtpOptions {
  readonly support: SupportContext;
  readonly log: Pick<Log, 'info' | 'warn' | 'error'>;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** `<slug>@<domain>` reaches a workspace. */
  readonly domain: string;
  /** Larger messages are refused with 552 (advertised as SIZE). */
  readonly maxBytes: number;
  /** Authserv-ids of the relay whose `Authentication-Results` count (OPSBOOK_SUPPORT_AUTHSERV_IDS). */
  readonly trustedAuthservIds?: readonly string[];
}

export interface RunningSupportSmtp {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Recipients of one message; more is a mailing, not a support request. */
const MAX_RECIPIENTS = 50;

function reply(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/** The first error code along an error's causes (Drizzle wraps the driver's error, which has the SQLSTATE). */
function failureCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
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

/** The workspaces this session's recipients resolved to at RCPT time, by address. */
const targetsOf = new WeakMap<SMTPServerSession, Map<string, MailTarget>>();

async function acceptRecipient(options: SupportSmtpOptions, address: string, session: SMTPServerSession) {
  if (session.envelope.rcptTo.length >= MAX_RECIPIENTS)
    throw reply(452, `Too many recipients: at most ${MAX_RECIPIENTS} per message`);
  let target: MailTarget | null;
  try {
    target = await findMailTarget(options.support.database, address, options.domain);
  } catch (err) {
    options.log.error({ err }, 'support mail: could not look up a recipient');
    throw reply(451, 'Recipient not checked: the help desk database failed; try again later');
  }
  if (!target)
    throw reply(
      550,
      `No help desk receives mail at <${address.slice(0, 200)}>: use <workspace-slug>@${options.domain} or a registered support address`,
    );
  const targets = targetsOf.get(session) ?? new Map<string, MailTarget>();
  targets.set(target.address, target);
  targetsOf.set(session, targets);
}

/** Decides one message: stores it for each workspace it was sent to and says 250, or says why not. */
async function receive(
  options: SupportSmtpOptions,
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
): Promise<string> {
  const raw = await collect(stream, options.maxBytes);
  if (!raw) throw reply(552, `Message refused: larger than the limit of ${options.maxBytes} bytes`);
  const read = await readMail(raw, { trustedAuthservIds: options.trustedAuthservIds ?? [] });
  if (!read.ok) throw reply(read.limit ? 554 : 550, `Message refused: ${read.reason}`);
  const known = targetsOf.get(session) ?? new Map<string, MailTarget>();
  // One ticket per workspace, however many of its addresses the mail was sent to.
  const byWorkspace = new Map<string, MailTarget>();
  for (const rcpt of session.envelope.rcptTo) {
    const target = known.get(rcpt.address.trim().toLowerCase());
    if (target && !byWorkspace.has(target.workspaceId)) byWorkspace.set(target.workspaceId, target);
  }
  if (byWorkspace.size === 0) throw reply(554, 'Message refused: no valid recipients');
  const stored: string[] = [];
  for (const target of byWorkspace.values()) {
    let result;
    try {
      result = await intakeMail(options.support, target, read.mail, 'smtp');
    } catch (err) {
      if (err instanceof OpsError && err.code === 'OPS_NO_ACTIVE_PACK')
        throw reply(
          451,
          `Message not stored: the help desk at <${target.address}> is not set up yet; try again later`,
        );
      options.log.error({ err, workspaceId: target.workspaceId }, 'support mail could not be stored');
      // Workspaces stored before this one see the same Message-ID again on the retry: no duplicates.
      const failed = storeFailureReply(failureCode(err));
      throw reply(failed.code, failed.message);
    }
    stored.push(
      result.outcome === 'stored'
        ? `#${result.ticket}${result.created ? '' : ' (already stored)'}`
        : `quarantined (${result.reason})`,
    );
  }
  options.log.info({ stored, sizeBytes: raw.length }, 'support mail received');
  return `OK: ${stored.join(', ')}`;
}

function answer(options: SupportSmtpOptions, err: unknown): SMTPServerError {
  const known = typeof (err as SMTPServerError).responseCode === 'number';
  if (known) {
    options.log.warn({ reason: (err as Error).message }, 'support mail refused');
    return err as SMTPServerError;
  }
  options.log.error({ err }, 'support mail failed');
  return reply(451, 'Message not stored: help desk error; try again later');
}

/**
 * Starts the listener.
 *
 * @example const smtp = await startSupportSmtp({ support, log, host: '127.0.0.1', port: 2525, domain: 'support.localhost', maxBytes: 25 * 1024 * 1024 })
 */
export async function startSupportSmtp(options: SupportSmtpOptions): Promise<RunningSupportSmtp> {
  const server = new SMTPServer({
    name: 'opsbook-support',
    banner: 'Opsbook help desk',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    size: options.maxBytes,
    maxClients: 200,
    closeTimeout: 2000,
    logger: false,
    onRcptTo(address, session, callback) {
      acceptRecipient(options, address.address, session).then(
        () => callback(),
        (err: unknown) => callback(answer(options, err)),
      );
    },
    onData(stream, session, callback) {
      receive(options, stream, session).then(
        (message) => callback(null, message),
        (err: unknown) => {
          // An exception before the stream ended: drain it, or the client waits for an answer forever.
          stream.resume();
          callback(answer(options, err));
        },
      );
    },
  });
  server.on('error', (err) => options.log.warn({ err }, 'support SMTP connection error'));

  await new Promise<void>((resolve, reject) => {
    const refused = (err: NodeJS.ErrnoException) =>
      reject(
        Object.assign(
          new Error(
            `the support SMTP listener cannot use ${options.host}:${options.port} (${err.message}): set OPSBOOK_SUPPORT_SMTP_PORT to a free port, or to off`,
          ),
          { code: err.code },
        ),
      );
    server.server.once('error', refused);
    server.listen(options.port, options.host, () => {
      server.server.off('error', refused);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    host: options.host,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
