/**
 * Part a of `npm run bench -- support`: customers' mail through the help desk's SMTP listener
 * (startSupportSmtp, as `opsbook serve` starts it, in this process) into ShopSmart tickets: parsed, triaged,
 * SLA clocks started, assigned round-robin, acknowledged through the outbox, 250 answered after commit.
 * A child process sends with nodemailer's pooled transport (CONNECTIONS connections, two messages in
 * flight per connection); mails/s = N / (first send → last 250), and the tickets are counted after.
 * Peer (the ceiling on this machine): a bare smtp-server with the same options, postal-mime, and one
 * INSERT per mail into a plain table on the same database and pool size, same sender.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { and, count, eq, gte } from 'drizzle-orm';
import pg from 'pg';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config/config.js';
import { startSupportSmtp } from '../src/intake/support-smtp.js';
import { supportContext } from '../src/modules/support/context.js';
import { tickets } from '../src/store/schema.js';
import type { RawQuery, SupportEngine } from './support-engine.js';

export const MAIL_DOMAIN = 'support.bench.test';

/** The sender: nodemailer's pool, customers' mails of a few kinds (each triage rule, and none). */
const SENDER_SOURCE = `
const { createTransport } = require('nodemailer');
const KINDS = [
  ['App down since this morning', 'Hi, the app is down since 9:40, nothing loads after the splash screen. We run a sale today.'],
  ['Checkout not working on Android', 'Checkout is not working: the pay button spins and then shows an error. Android 14, app 5.2.1.'],
  ['How do I export my orders?', 'Hello, how do I export last month\\'s orders to a spreadsheet for my accountant?'],
  ['Suggestion for the seller app', 'Feature request: please add a dark mode to the seller app, we work late.'],
  ['Invoice for order 48213', 'Could you send me the invoice for order 48213 again? The link in the mail has expired.'],
];
const FILLER = ' Regards, a customer. Sent from my phone.'.repeat(8);
process.on('message', async (job) => {
  const transport = createTransport({ pool: true, host: '127.0.0.1', port: job.port, secure: false,
    ignoreTLS: true, maxConnections: job.connections, maxMessages: Infinity, logger: false });
  let next = 0, sent = 0, failed = 0, firstError = null;
  const started = performance.now();
  const worker = async () => {
    while (next < job.n) {
      const i = next++;
      const [subject, text] = KINDS[i % KINDS.length];
      try {
        await transport.sendMail({
          from: '"Customer ' + i + '" <customer' + i + '.' + job.tag + '@example.test>',
          to: job.to, subject: subject + ' (' + job.tag + '-' + i + ')',
          text: text + FILLER, html: '<p>' + text + '</p><p>' + FILLER + '</p>',
          messageId: '<' + job.tag + '-' + i + '@example.test>',
        });
        sent++;
      } catch (err) {
        failed++;
        firstError = firstError || String(err && err.message);
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections * 2 }, worker));
  const ms = performance.now() - started;
  transport.close();
  process.send({ sent, failed, firstError, ms });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
`;

export interface SendResult {
  readonly sent: number;
  readonly failed: number;
  readonly firstError: string | null;
  readonly ms: number;
}

export interface Sender {
  send(job: { port: number; to: string; n: number; connections: number; tag: string }): Promise<SendResult>;
  stop(): Promise<void>;
}

export async function startSender(): Promise<Sender> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SENDER_SOURCE], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: fileURLToPath(new URL('..', import.meta.url)), // where node_modules/nodemailer is
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T>() =>
    Promise.race([
      new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T))),
      exited.then(() => Promise.reject(new Error('the sender process exited'))),
    ]);
  await next();
  return {
    async send(job) {
      const answer = next<SendResult>();
      child.send(job);
      return answer;
    },
    async stop() {
      child.disconnect();
      await exited;
    },
  };
}

export interface Listener {
  readonly port: number;
  /** Mails stored since the listener started (tickets or peer rows). */
  stored(): Promise<number>;
  stop(): Promise<void>;
}

const silent = { info() {}, warn() {}, error() {}, debug() {} };

/** Our listener for the demo ShopSmart workspace: mail to `shopsmart@support.bench.test`. */
export async function startOurs(engine: SupportEngine, workspaceId: string): Promise<Listener> {
  const since = new Date();
  const config = loadConfig({ LOG_LEVEL: 'silent', OPSBOOK_SUPPORT_DOMAIN: MAIL_DOMAIN });
  const smtp = await startSupportSmtp({
    support: supportContext({ database: engine.database, now: () => new Date(), config }),
    log: silent,
    host: '127.0.0.1',
    port: 0,
    domain: MAIL_DOMAIN,
    maxBytes: config.supportMaxBytes,
  });
  return {
    port: smtp.port,
    async stored() {
      const [row] = await engine.database.inWorkspace(workspaceId, (tx) =>
        tx
          .select({ n: count() })
          .from(tickets)
          .where(
            and(
              eq(tickets.workspaceId, workspaceId),
              eq(tickets.channel, 'email'),
              gte(tickets.createdAt, since),
            ),
          ),
      );
      return Number(row?.n ?? 0);
    },
    stop: () => smtp.stop(),
  };
}

const PEER_TABLE = `create table if not exists bench_mail (id bigserial primary key, message_id text,
  from_address text, subject text, body text, received_at timestamptz not null default now());
  grant select, insert on bench_mail to opsbook_app; grant usage on sequence bench_mail_id_seq to opsbook_app`;

/** The peer: smtp-server, postal-mime, one INSERT per mail on a pool of the app's size (10). */
export async function startPeer(engine: SupportEngine): Promise<Listener> {
  await engine.asOwner(async (q) => {
    for (const statement of PEER_TABLE.split(';')) await q(statement);
  });
  let insert: RawQuery;
  let end = async () => undefined as void;
  if (engine.appUrl) {
    const pool = new pg.Pool({ connectionString: engine.appUrl, max: 10 });
    insert = async (text, params) => (await pool.query<Record<string, unknown>>(text, params)).rows;
    end = () => pool.end();
  } else {
    const client = (engine.database.db as unknown as { $client: PGlite }).$client;
    insert = async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows;
  }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    maxClients: 200,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        void PostalMime.parse(Buffer.concat(chunks))
          .then((mail) =>
            insert(
              'insert into bench_mail (message_id, from_address, subject, body) values ($1, $2, $3, $4)',
              [mail.messageId ?? null, mail.from?.address ?? null, mail.subject ?? '', mail.text ?? ''],
            ),
          )
          .then(
            () => callback(null, 'OK'),
            (err: unknown) => callback(Object.assign(new Error(String(err)), { responseCode: 451 })),
          );
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const [before] = await insert('select count(*)::int as n from bench_mail');
  const base = Number(before?.n ?? 0);
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    async stored() {
      const [row] = await insert('select count(*)::int as n from bench_mail');
      return Number(row?.n ?? 0) - base;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await end();
    },
  };
}
