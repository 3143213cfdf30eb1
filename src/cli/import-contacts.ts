/**
 * `opsbook import-contacts <file.csv> --account <id> --workspace <id> --country <CC>`: sends a contact list
 * to a running server's import (POST …/contacts/import, docs/customers.md) with an API token, streaming the
 * file, and prints the report. Progress goes to standard error: the bytes sent, then the server's own steps
 * (it answers `Accept: application/x-ndjson` with a line per step), as a bar on a terminal and a line per
 * tenth otherwise. The import is the server's all-or-nothing transaction; this command only carries it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { processEnv } from '../config/env.js';
import {
  describeProblem,
  formatReport,
  ProgressView,
  type ImportReport,
  type ServerLine,
} from './import-progress.js';

export const IMPORT_CONTACTS_USAGE = `opsbook import-contacts <file.csv> --account <id> --workspace <id> --country <CC>
                        [--dry-run] [--suspend-absent] [--role ROLE] [--url URL] [--token TOKEN]

  Sends the file to a running Opsbook server and prints its report: rows, to create, to update,
  unchanged, to suspend, and the problems by line. All or nothing: with any problem nothing is imported.
  <file.csv>        header name,phone,unit,estate[,email,role,locale], up to 100,000 rows.
  --account         the account (estate) the people belong to, e.g. EST-7.
  --workspace       the workspace id (ws_…), shown on the web app's Admin page.
  --country         the country of numbers written without + and a country code, e.g. IN.
  --role            the role of rows that name none (default: resident).
  --dry-run         check and report only; nothing is written.
  --suspend-absent  suspend (never delete) the account's active contacts of the file's roles that are
                    not in the file.
  --url             the server (default: OPSBOOK_URL, else http://127.0.0.1:3000).
  --token           an API token of scope write or admin (default: OPSBOOK_TOKEN; prefer the variable,
                    an option shows in the process list).

Progress goes to standard error (a bar on a terminal, a line per tenth otherwise), the report to standard
output. Exit 0 when the file is good (imported, or importable on a dry run), 1 when it is refused or the
server refuses the call, 2 on bad usage.`;

export const IMPORT_CONTACTS_OPTIONS = {
  account: { type: 'string' },
  workspace: { type: 'string' },
  country: { type: 'string' },
  role: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'suspend-absent': { type: 'boolean' },
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ImportIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether standard error is a terminal (a redrawn bar) or not (a line per tenth). */
  readonly tty: boolean;
}

interface ImportCall {
  readonly file: string;
  readonly bytes: number;
  readonly url: URL;
  readonly token: string;
}

const NAME = 'opsbook import-contacts';
const IDLE_MS = 120_000;

/** Runs the command; returns its exit code (0 good file, 1 refused, 2 bad usage). */
export async function importContactsCommand(
  values: Readonly<Record<string, string | boolean | undefined>>,
  file: string,
  io: ImportIo,
): Promise<number> {
  const call = await prepare(values, file);
  if (typeof call === 'string') {
    io.err(`${NAME}: ${call}\nSee opsbook import-contacts --help.\n`);
    return 2;
  }
  const view = new ProgressView(io.tty, (text) => io.err(text));
  try {
    const { response, close } = await send(call, view);
    const outcome = await readAnswer(response, view).finally(close);
    view.finish();
    if ('problem' in outcome) {
      io.err(`${NAME}: ${describeProblem(outcome.problem)}\n`);
      return 1;
    }
    io.out(formatReport(basename(call.file), outcome.report));
    return outcome.report.fatal || outcome.report.problems.length > 0 ? 1 : 0;
  } catch (err) {
    view.finish();
    const code = (err as NodeJS.ErrnoException).code;
    io.err(
      `${NAME}: cannot reach ${call.url.origin} (${code ?? (err as Error).message}). Is \`opsbook serve\` running there? Set --url or OPSBOOK_URL.\n`,
    );
    return 1;
  }
}

/** The call to make, or what is wrong with the command line. */
async function prepare(
  values: Readonly<Record<string, string | boolean | undefined>>,
  file: string,
): Promise<ImportCall | string> {
  const env = processEnv();
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  const account = text('account');
  const workspace = text('workspace');
  const country = text('country').toUpperCase();
  const token = text('token') || (env.OPSBOOK_TOKEN ?? '').trim();
  if (!account) return '--account <id> is required.';
  if (!workspace) return '--workspace <id> is required.';
  if (!/^[A-Z]{2}$/.test(country)) return '--country <CC> is required: an ISO 3166 country code, e.g. IN.';
  if (!token) return 'an API token is required: set OPSBOOK_TOKEN (or pass --token).';
  const base = text('url') || (env.OPSBOOK_URL ?? '').trim() || 'http://127.0.0.1:3000';
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return `--url must be an http(s) address (got "${base}").`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `--url must be an http(s) address (got "${base}").`;
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) return `no file "${file}".`;
  const query = new URLSearchParams({
    country,
    dryRun: String(values['dry-run'] === true),
    suspendAbsent: String(values['suspend-absent'] === true),
    ...(text('role') ? { role: text('role') } : {}),
  });
  // Kept under the base's own path: a server behind a proxy at /opsbook/ is reached there.
  const path = `api/v1/workspaces/${encodeURIComponent(workspace)}/accounts/${encodeURIComponent(account)}/contacts/import`;
  url = new URL(`${path}?${query.toString()}`, base.endsWith('/') ? base : `${base}/`);
  return { file, bytes: found.size, url, token };
}

/**
 * Streams the file as the body and resolves with the server's answer, and `close` to call once it is read.
 * Bytes count as sent when the socket takes them; an answer that comes before the end (a file too large)
 * stops the upload and is the result.
 */
function send(
  call: ImportCall,
  view: ProgressView,
): Promise<{ response: IncomingMessage; close: () => void }> {
  return new Promise((resolve, reject) => {
    const request = (call.url.protocol === 'https:' ? https : http).request(call.url, {
      method: 'POST',
      agent: false, // one call: its own connection, closed after it
      headers: {
        'content-type': 'text/csv',
        'content-length': String(call.bytes),
        accept: 'application/x-ndjson',
        authorization: `Bearer ${call.token}`,
      },
    });
    let answered = false;
    let sent = 0;
    const file = createReadStream(call.file);
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.length;
        view.show({ step: 'uploading', sent, total: call.bytes });
        done(null, chunk);
      },
    });
    request.setTimeout(IDLE_MS, () => request.destroy(new Error(`no answer for ${IDLE_MS / 1000} s`)));
    request.on('finish', () => view.show({ step: 'waiting' }));
    request.on('response', (response) => {
      answered = true;
      if (sent < call.bytes) {
        file.unpipe();
        file.destroy();
      }
      resolve({ response, close: () => request.destroy() });
    });
    request.on('error', (err) => {
      if (!answered) reject(err);
    });
    file.on('error', (err) => request.destroy(err));
    file.pipe(counter).pipe(request);
  });
}

type Outcome = { readonly report: ImportReport } | { readonly problem: Record<string, unknown> };

/** Reads the answer: the NDJSON steps and their last line, or a plain report or problem. */
async function readAnswer(response: IncomingMessage, view: ProgressView): Promise<Outcome> {
  response.setEncoding('utf8');
  const type = String(response.headers['content-type'] ?? '');
  if (response.statusCode !== 200 || !type.startsWith('application/x-ndjson')) {
    let body = '';
    for await (const chunk of response) body += chunk as string;
    return plainAnswer(response.statusCode ?? 0, body);
  }
  let pending = '';
  let last: ServerLine | null = null;
  for await (const chunk of response) {
    const lines = (pending + (chunk as string)).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      last = JSON.parse(line) as ServerLine;
      if (last.phase === 'checking') view.show({ step: 'checking' });
      if (last.phase === 'writing') view.show({ step: 'writing', done: last.done, total: last.total });
    }
  }
  if (last?.phase === 'done') return { report: last.report };
  if (last?.phase === 'failed') return { problem: last.problem };
  return { problem: { detail: 'The server stopped answering before the end of the import.' } };
}

function plainAnswer(status: number, body: string): Outcome {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    // not JSON (a proxy's error page): the status says what happened
  }
  if (status === 200 && parsed && typeof parsed === 'object' && 'rows' in parsed)
    return { report: parsed as ImportReport };
  if (parsed && typeof parsed === 'object') return { problem: parsed as Record<string, unknown> };
  return { problem: { status, detail: `The server answered ${status}.` } };
}
