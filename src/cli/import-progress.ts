/**
 * What `opsbook import-contacts` shows, apart from the network: the progress of one import (a bar redrawn
 * on a terminal, a line per tenth otherwise) and the server's report as text. Pure but for the view, which
 * only remembers what it drew last.
 */

export interface ImportProblem {
  readonly line: number;
  readonly column?: string;
  readonly value?: string;
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

/** The server's report (the import route's answer). */
export interface ImportReport {
  readonly dryRun: boolean;
  readonly imported: boolean;
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly suspended: number;
  readonly fatal: ImportProblem | null;
  readonly problems: readonly ImportProblem[];
}

/** One line of the server's NDJSON answer. */
export type ServerLine =
  | { readonly phase: 'checking' }
  | { readonly phase: 'writing'; readonly rows: number; readonly done: number; readonly total: number }
  | { readonly phase: 'done'; readonly report: ImportReport }
  | { readonly phase: 'failed'; readonly problem: Record<string, unknown> };

export type Step =
  | { readonly step: 'uploading'; readonly sent: number; readonly total: number }
  | { readonly step: 'waiting' }
  | { readonly step: 'checking' }
  | { readonly step: 'writing'; readonly done: number; readonly total: number };

const count = new Intl.NumberFormat('en');

/** `820 kB`, `3.2 MB` (decimal units, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000_000) return `${count.format(Math.ceil(bytes / 1_000))} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** What a step says, and how far along it is (null: a step that cannot say, like checking the file). */
export function describeStep(s: Step): { readonly text: string; readonly fraction: number | null } {
  switch (s.step) {
    case 'uploading':
      return {
        text: `Uploading ${formatBytes(s.sent)} of ${formatBytes(s.total)}`,
        fraction: s.total === 0 ? 1 : s.sent / s.total,
      };
    case 'waiting':
      return { text: 'Uploaded; waiting for the server…', fraction: null };
    case 'checking':
      return { text: 'Checking the file…', fraction: null };
    case 'writing':
      return {
        text: `Importing ${count.format(s.done)} of ${count.format(s.total)} contacts`,
        fraction: s.total === 0 ? 1 : s.done / s.total,
      };
  }
}

const BAR_WIDTH = 24;

/** A terminal's line: `[#########---------------]  38% Uploading 3.2 MB of 8.0 MB`. */
export function barLine(s: Step): string {
  const { text, fraction } = describeStep(s);
  if (fraction === null) return `[${'.'.repeat(BAR_WIDTH)}]      ${text}`;
  const filled = Math.round(Math.min(1, fraction) * BAR_WIDTH);
  const percent = `${Math.floor(Math.min(1, fraction) * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent} ${text}`;
}

/** A log's line, and the key that says whether it is new: a step's kind and tenth. */
export function plainLine(s: Step): { readonly key: string; readonly line: string } {
  const { text, fraction } = describeStep(s);
  if (fraction === null) return { key: s.step, line: text };
  const tenth = Math.floor(Math.min(1, fraction) * 10);
  return { key: `${s.step}:${tenth}`, line: `${tenth * 10}%: ${text}` };
}

/** Draws the steps as they come, skipping what would repeat the last thing drawn. */
export class ProgressView {
  readonly #tty: boolean;
  readonly #write: (text: string) => void;
  #last = '';
  #drawn = false;
  constructor(tty: boolean, write: (text: string) => void) {
    this.#tty = tty;
    this.#write = write;
  }

  show(s: Step): void {
    if (this.#tty) {
      const line = barLine(s);
      if (line === this.#last) return;
      this.#last = line;
      this.#drawn = true;
      this.#write(`\r${line}\x1b[K`);
      return;
    }
    const { key, line } = plainLine(s);
    if (key === this.#last) return;
    this.#last = key;
    this.#write(`${line}\n`);
  }

  /** Ends the bar's line, so what follows starts on its own. */
  finish(): void {
    if (this.#drawn) this.#write('\n');
    this.#drawn = false;
  }
}

function problemLine(p: ImportProblem): string {
  const where = [`line ${p.line}`, p.column && `${p.column}${p.value === undefined ? '' : ` "${p.value}"`}`]
    .filter(Boolean)
    .join(', ');
  return `  ${where}: ${p.message} (${p.code})\n      ${p.hint}\n`;
}

/** The report as a person reads it: what happened to the file, the counts, then each problem by line. */
export function formatReport(file: string, r: ImportReport): string {
  if (r.fatal) return `${file}: refused, nothing was imported.\n${problemLine(r.fatal)}`;
  const n = (value: number) => count.format(value);
  const counts = r.imported
    ? `${n(r.rows)} rows: ${n(r.created)} created, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged, ${n(r.suspended)} suspended.`
    : `${n(r.rows)} rows: ${n(r.created)} to create, ${n(r.updated)} to update, ${n(r.unchanged)} unchanged, ${n(r.suspended)} to suspend.`;
  if (r.problems.length > 0) {
    const problems = `${n(r.problems.length)} problem${r.problems.length === 1 ? '' : 's'}`;
    return `${file}: refused, nothing was imported: ${problems}.\n${counts}\n${r.problems.map(problemLine).join('')}`;
  }
  if (r.imported) return `Imported ${file}.\n${counts}\n`;
  return `Dry run of ${file}: nothing was written.\n${counts}\nRun it again without --dry-run to import it.\n`;
}

/** A problem document (problem+json) as one sentence, with its code and any field errors. */
export function describeProblem(problem: Record<string, unknown>): string {
  const text = (key: string) => {
    const value = problem[key];
    return typeof value === 'string' ? value : '';
  };
  const errors = Array.isArray(problem.errors)
    ? (problem.errors as { message?: unknown }[])
        .map((e) => (typeof e.message === 'string' ? e.message : ''))
        .filter(Boolean)
    : [];
  const said = [text('detail') || text('title'), ...errors].filter(Boolean).join(' ');
  const code = text('code') || (typeof problem.status === 'number' ? `HTTP ${problem.status}` : '');
  return [code, said || 'The server refused the import.'].filter(Boolean).join(': ');
}
