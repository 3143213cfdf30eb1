/**
 * SMTP clients for the listener tests: swaks (the real client the issue names) for whole messages, and a
 * line-by-line conversation over a socket for what swaks cannot do between commands (close the database
 * after RCPT, declare a SIZE).
 */
import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SWAKS = '/usr/bin/swaks';

/**
 * Sends with swaks and returns the server's replies (`250 OK: #12`, `550 …`), whatever swaks exits with.
 * Async on purpose: the listener runs in this process and must keep answering while swaks talks.
 */
export async function swaks(port: number, args: readonly string[]): Promise<string[]> {
  let output: string;
  try {
    const r = await run(
      SWAKS,
      ['--server', '127.0.0.1', '--port', String(port), '--suppress-data', '--timeout', '120', ...args],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    output = r.stdout + r.stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    output = (e.stdout ?? '') + (e.stderr ?? '');
  }
  return output
    .split('\n')
    .map((line) => /^\s*<(?:-|\*\*)\s+(\d{3}[ -].*)$/.exec(line)?.[1]?.trim())
    .filter((r): r is string => r !== undefined);
}

export interface Conversation {
  /** Sends one line (or the whole DATA) and resolves with the reply's last line (`250 OK`). */
  send(text: string): Promise<string>;
  close(): void;
}

/** Opens a connection and reads the greeting. */
export async function converse(port: number): Promise<{ greeting: string; talk: Conversation }> {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffer = '';
  let waiting: ((line: string) => void) | null = null;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    // A reply ends with a line whose code is followed by a space.
    const done = /(^|\r\n)(\d{3} [^\r\n]*)\r\n$/.exec(buffer);
    if (done && waiting) {
      const resolve = waiting;
      waiting = null;
      buffer = '';
      resolve(done[2]!);
    }
  });
  const next = () => new Promise<string>((resolve) => (waiting = resolve));
  const greeting = await next();
  return {
    greeting,
    talk: {
      send(text) {
        const reply = next();
        socket.write(text.endsWith('\r\n') ? text : `${text}\r\n`);
        return reply;
      },
      close: () => socket.destroy(),
    },
  };
}
