/**
 * The far end of the email channel in tests: a real SMTP server (smtp-server) on 127.0.0.1 that parses what
 * it accepts with postal-mime and can misbehave the way real ones do (test/channels/contract.ts). It owns
 * its listening socket so it can stop listening ('refuse') and listen again on the same port, and hold a
 * connection without a greeting ('hang'). Pooled client connections opened earlier see the same mode at
 * their next command, so a reused connection cannot slip past a failure.
 */
import net from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerError, SMTPServerSession } from 'smtp-server';
import type { ReceiverMode, Received } from './contract.js';

/** One accepted message as parsed on arrival. */
export interface ReceivedMail extends Received {
  readonly subject: string;
  readonly html: string | undefined;
  /** Every header, names in lower case, each value in order of appearance. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
}

export interface SmtpReceiver {
  readonly host: string;
  readonly port: number;
  received(): ReceivedMail[];
  behave(mode: ReceiverMode): void;
  /** Resolves once a mode change that re-listens has bound the port again. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const SLOW_MS = 300;

function smtpError(message: string, responseCode: number): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts the receiver on an ephemeral port in mode 'ok'.
 *
 * @example const rx = await startSmtpReceiver(); rx.behave('gone'); …; await rx.close();
 */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  let mode: ReceiverMode = 'ok';
  const accepted: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();
  let listener: net.Server | null = null;
  let pending: Promise<void> = Promise.resolve();

  const record = async (raw: Buffer, session: SMTPServerSession): Promise<void> => {
    const email = await PostalMime.parse(raw);
    const headers: Record<string, string[]> = {};
    for (const h of email.headers) (headers[h.key] ??= []).push(h.value);
    const from = session.envelope.mailFrom;
    accepted.push({
      id: email.messageId ?? '',
      text: email.text ?? '',
      subject: email.subject ?? '',
      html: email.html,
      headers,
      envelope: { from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
    });
  };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    banner: 'Opsbook test receiver',
    onMailFrom(_address, _session, callback) {
      if (mode === 'hang') return; // never answers: the client's deadline has to end it
      if (mode === 'throttle') return callback(smtpError('Too many messages, try again later', 421));
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (mode === 'gone') return callback(smtpError('Mailbox unavailable', 550));
      callback();
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          if (mode === 'hang') return; // holds the DATA reply forever
          if (mode === 'error') return callback(smtpError('Temporary local problem', 451));
          if (mode === 'slow') await new Promise((r) => setTimeout(r, SLOW_MS));
          await record(raw, session);
          callback(null, `OK: queued as Q${accepted.length}`);
        })
        .catch((err: unknown) => callback(smtpError(`Receiver could not read it: ${String(err)}`, 451)));
    },
  });
  smtp.on('error', () => undefined); // a client dropping its socket is expected in these tests

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
        if (mode === 'hang') return; // accepted, never greeted
        smtp.connect(socket);
      });
      server.once('error', reject);
      server.listen(port, HOST, () => {
        listener = server;
        resolve((server.address() as net.AddressInfo).port);
      });
    });

  const stopListening = (): Promise<void> => {
    const server = listener;
    listener = null;
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  };

  const port = await listen(0);

  return {
    host: HOST,
    port,
    received: () => [...accepted],
    behave(next) {
      const wasRefusing = mode === 'refuse';
      mode = next;
      if (next === 'refuse' && !wasRefusing) pending = pending.then(stopListening);
      if (next !== 'refuse' && wasRefusing) pending = pending.then(() => listen(port).then(() => undefined));
    },
    settled: () => pending,
    async close() {
      await pending.catch(() => undefined);
      mode = 'refuse';
      await stopListening();
    },
  };
}
