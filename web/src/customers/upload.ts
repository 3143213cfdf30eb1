/**
 * Sending a contact list to the import (POST …/contacts/import, docs/customers.md) with its progress:
 * XMLHttpRequest, because fetch cannot tell how much of a body is sent, then the server's own steps, which
 * it streams as NDJSON when asked (`{"phase":"checking"}`, `{"phase":"writing",…}`, then the report or a
 * problem). Errors are the ApiError of `request` (api.ts), so forms show them the same way.
 */
import { ApiError, type Problem } from '../api';

export interface ImportProblem {
  readonly line: number;
  readonly column?: string;
  readonly value?: string;
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

export interface ImportReport {
  readonly dryRun: boolean;
  /** Whether the file was written (never with a problem, never on a dry run). */
  readonly imported: boolean;
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly suspended: number;
  /** A problem with the whole file (header, encoding, size): nothing else was checked. */
  readonly fatal: ImportProblem | null;
  readonly problems: readonly ImportProblem[];
}

export interface ImportOptions {
  /** ISO 3166 code of numbers written without + and a country code. */
  readonly country: string;
  /** The role of rows that name none (the server's default: resident). */
  readonly role?: string | undefined;
  readonly suspendAbsent: boolean;
  readonly dryRun: boolean;
}

/** Where an import is: sending the file, waiting for the server, checking it, writing the contacts. */
export type ImportStep =
  | { readonly step: 'uploading'; readonly sent: number; readonly total: number }
  | { readonly step: 'waiting' }
  | { readonly step: 'checking' }
  | { readonly step: 'writing'; readonly done: number; readonly total: number };

type ServerLine =
  | { readonly phase: 'checking' }
  | { readonly phase: 'writing'; readonly done: number; readonly total: number }
  | { readonly phase: 'done'; readonly report: ImportReport }
  | { readonly phase: 'failed'; readonly problem: Problem };

const NDJSON = 'application/x-ndjson';

function importPath(workspaceId: string, accountId: string, options: ImportOptions): string {
  const query = new URLSearchParams({
    country: options.country,
    suspendAbsent: String(options.suspendAbsent),
    dryRun: String(options.dryRun),
    ...(options.role ? { role: options.role } : {}),
  });
  return `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/accounts/${encodeURIComponent(accountId)}/contacts/import?${query.toString()}`;
}

/** The problem a failed answer carries, or its status line when it is not JSON (a proxy's error page). */
function problemOf(xhr: XMLHttpRequest): Problem {
  try {
    return JSON.parse(xhr.responseText) as Problem;
  } catch {
    return { status: xhr.status, title: xhr.statusText };
  }
}

/**
 * Imports `file` into the account, telling `onStep` how far it is; resolves with the server's report.
 * @example await importContactsFile(ws, 'EST-7', file, { country: 'IN', suspendAbsent: false, dryRun: true }, csrf, setStep);
 */
export function importContactsFile(
  workspaceId: string,
  accountId: string,
  file: File,
  options: ImportOptions,
  csrfToken: string,
  onStep: (step: ImportStep) => void,
): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let read = 0;
    let last: ServerLine | null = null;
    const streaming = () =>
      xhr.status === 200 && (xhr.getResponseHeader('content-type') ?? '').startsWith(NDJSON);
    // The lines that arrived since the last call; a line is whole once its newline is there.
    const readLines = () => {
      const text = xhr.responseText;
      for (let end = text.indexOf('\n', read); end !== -1; end = text.indexOf('\n', read)) {
        const line = text.slice(read, end).trim();
        read = end + 1;
        if (line === '') continue;
        last = JSON.parse(line) as ServerLine;
        if (last.phase === 'checking') onStep({ step: 'checking' });
        if (last.phase === 'writing') onStep({ step: 'writing', done: last.done, total: last.total });
      }
    };
    const finish = () => {
      if (xhr.status !== 200) return reject(new ApiError(xhr.status, problemOf(xhr)));
      if (!streaming()) return resolve(JSON.parse(xhr.responseText) as ImportReport);
      readLines();
      if (last?.phase === 'done') return resolve(last.report);
      if (last?.phase === 'failed') return reject(new ApiError(last.problem.status ?? 500, last.problem));
      reject(
        new ApiError(502, { status: 502, detail: 'The server stopped answering before the import ended.' }),
      );
    };

    xhr.open('POST', importPath(workspaceId, accountId, options));
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('accept', NDJSON);
    xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) =>
      onStep({ step: 'uploading', sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.upload.onload = () => onStep({ step: 'waiting' });
    xhr.onprogress = () => {
      if (streaming()) readLines();
    };
    xhr.onload = () => {
      try {
        finish();
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    // As fetch does: a network failure is a TypeError, which describeError words as "could not reach".
    xhr.onerror = () => reject(new TypeError('The upload failed: the server could not be reached.'));
    xhr.onabort = () => reject(new TypeError('The upload was stopped.'));
    onStep({ step: 'uploading', sent: 0, total: file.size });
    xhr.send(file);
  });
}
