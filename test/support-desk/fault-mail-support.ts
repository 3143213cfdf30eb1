/**
 * Shared by the mail fault tests (R7, R8): an SMTP sender that behaves like a sending MTA (one message at
 * a time per connection, a retry after a dropped connection or a 4xx), the listener as a child process,
 * and a workspace with a pack to send to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { eq } from 'drizzle-orm';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { workspaces } from '../../src/store/schema.js';
import { createWorkspace } from '../support/fixtures.js';

export const DOMAIN = 'support.localhost';

/** One SMTP reply: its code and its last line's text. */
export interface SmtpReply {
  readonly code: number;
  readonly text: string;
}

/** The connection died (reset, closed, timed out) before the reply came. */
export class ConnectionLost extends Error {}

/** A client connection that sends one command at a time (no pipelining) and reads each reply. */
export class SmtpSender {
  #socket: Socket;
  #buffer = '';
  #pending: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void } | null = null;
  #dead: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.#read(chunk));
    const die = (why: string) => {
      this.#dead ??= new ConnectionLost(why);
      this.#pending?.reject(this.#dead);
      this.#pending = null;
    };
    socket.on('error', (err) => die(err.message));
    socket.on('close', () => die('closed'));
  }

  /** Connects, reads the greeting and says EHLO; rejects with ConnectionLost when any of it fails. */
  static async open(port: number, timeoutMs = 20_000): Promise<SmtpSender> {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timed out')));
    const sender = new SmtpSender(socket);
    const greeting = await sender.#next();
    if (greeting.code !== 220) throw new ConnectionLost(`greeting ${greeting.code} ${greeting.text}`);
    const ehlo = await sender.command('EHLO sender.test');
    if (ehlo.code !== 250) throw new ConnectionLost(`EHLO ${ehlo.code} ${ehlo.text}`);
    return sender;
  }

  #read(chunk: string) {
    this.#buffer += chunk;
    for (;;) {
      const end = this.#buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const m = /^(\d{3})([ -])(.*)$/.exec(line);
      if (m && m[2] === ' ' && this.#pending) {
        const pending = this.#pending;
        this.#pending = null;
        pending.resolve({ code: Number(m[1]), text: m[3]! });
      }
    }
  }

  #next(): Promise<SmtpReply> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise((resolve, reject) => (this.#pending = { resolve, reject }));
  }

  command(line: string): Promise<SmtpReply> {
    const reply = this.#next();
    this.#socket.write(`${line}\r\n`);
    return reply;
  }

  /**
   * Sends one message; the reply that decided it (250 after DATA, or the first refusal). After a refusal
   * the transaction is reset, so the connection can carry the next attempt.
   */
  async send(from: string, to: string, raw: Buffer): Promise<SmtpReply> {
    for (const step of [`MAIL FROM:<${from}>`, `RCPT TO:<${to}>`]) {
      const r = await this.command(step);
      if (r.code !== 250) return this.#reset(r);
    }
    const go = await this.command('DATA');
    if (go.code !== 354) return this.#reset(go);
    const body = raw.toString('latin1').replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const reply = this.#next();
    this.#socket.write(`${body.endsWith('\r\n') ? body : `${body}\r\n`}.\r\n`, 'latin1');
    const done = await reply;
    return done.code === 250 ? done : this.#reset(done);
  }

  async #reset(reply: SmtpReply): Promise<SmtpReply> {
    await this.command('RSET').catch(() => undefined);
    return reply;
  }

  close(): void {
    this.#socket.destroy();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ListenerChild {
  readonly process: ChildProcess;
  readonly port: number;
  readonly exited: Promise<void>;
  /** The last 4,000 characters it wrote to stderr. */
  stderr(): string;
}

/** Starts test/fixtures/support-smtp-child.ts on `port` and waits until it listens. */
export async function startListenerChild(url: string, port: number): Promise<ListenerChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/support-smtp-child.ts', url, String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line === 'ready' && resolve());
    void exited.then(() => reject(new Error(`the listener exited before it was ready: ${stderr}`)));
  });
  return { process: child, port, exited, stderr: () => stderr };
}

export async function killHard(child: ListenerChild): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

export async function stopChild(child: ListenerChild): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}

/** A workspace running the SofaCover pack (email channel, acknowledgements); its support address. */
export async function mailWorkspace(
  database: Database,
  name: string,
): Promise<{ ws: string; address: string }> {
  const ws = await createWorkspace(database, name);
  const loaded = await loadPack('packs/sofacover-pro');
  if (!loaded.ok) throw new Error('packs/sofacover-pro does not load');
  await activatePack(database, ws, loaded, 'test', new Date());
  const [row] = await database.inWorkspace(ws, (tx) =>
    tx.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, ws)),
  );
  return { ws, address: `${row!.slug}@${DOMAIN}` };
}
