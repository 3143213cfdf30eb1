/**
 * What `opsbook backup` and `opsbook restore` show while they run and when they end: a bar on standard
 * error when it is a terminal (rows for a backup, whose size is unknown until the end; bytes for a
 * restore), nothing when it is not (logs of scheduled backups stay clean), then a one-line summary.
 */
import type { DumpProgress } from '../store/dump-write.js';
import type { LoadProgress } from '../store/dump-load.js';
import { formatBytes } from './import-progress.js';

const BAR_WIDTH = 24;
const count = new Intl.NumberFormat('en');

/** `[#########---------------]  38% Backing up audit_log: 12,000 of 31,000 rows, 3.2 MB`. */
export function progressLine(fraction: number, text: string): string {
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(f * BAR_WIDTH);
  const percent = `${Math.floor(f * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent} ${text}`;
}

export function backupLine(p: DumpProgress): { readonly key: string; readonly line: string } {
  const fraction = p.rowsTotal === 0 ? 1 : p.rowsDone / p.rowsTotal;
  const text = `Backing up ${p.table}: ${count.format(p.rowsDone)} of ${count.format(p.rowsTotal)} rows, ${formatBytes(p.bytes)}`;
  return { key: `${p.table}:${Math.floor(fraction * 100)}`, line: progressLine(fraction, text) };
}

export function restoreLine(p: LoadProgress): { readonly key: string; readonly line: string } {
  const fraction = p.bytesTotal === 0 ? 1 : p.bytesDone / p.bytesTotal;
  const where = p.table === '' ? 'Restoring' : `Restoring ${p.table}`;
  const text = `${where}: ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`;
  return { key: `${p.table}:${Math.floor(fraction * 100)}`, line: progressLine(fraction, text) };
}

/** Redraws the bar when its table or whole percent changes; draws nothing off a terminal. */
export class BarView {
  readonly #tty: boolean;
  readonly #write: (text: string) => void;
  #last = '';
  constructor(tty: boolean, write: (text: string) => void) {
    this.#tty = tty;
    this.#write = write;
  }

  show(drawn: { readonly key: string; readonly line: string }): void {
    if (!this.#tty || drawn.key === this.#last) return;
    this.#last = drawn.key;
    this.#write(`\r${drawn.line}\x1b[K`);
  }

  /** Ends the bar's line, so what follows starts on its own. */
  finish(): void {
    if (this.#last !== '') this.#write('\n');
    this.#last = '';
  }
}

export interface Throughput {
  readonly bytes: number;
  readonly seconds: number;
}

/** `4.2 MB in 1.3 s (3.2 MB/s)`. */
export function describeThroughput(t: Throughput): string {
  return `${formatBytes(t.bytes)} in ${t.seconds.toFixed(1)} s (${megabytesPerSecond(t).toFixed(1)} MB/s)`;
}

export function megabytesPerSecond(t: Throughput): number {
  return t.seconds > 0 ? t.bytes / 1_000_000 / t.seconds : 0;
}

export function plural(n: number, one: string, many: string): string {
  return `${count.format(n)} ${n === 1 ? one : many}`;
}
