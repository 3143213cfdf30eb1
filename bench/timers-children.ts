/**
 * The parent's side of the timer benchmark's worker processes: forks `timers-child.ts` (under tsx) with
 * its configuration, and speaks a small IPC protocol with it (ready → go → progress… → stop → result).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PgSystem } from './timers-systems.js';
import type { Settings } from './timers-runners.js';
import type { StreamOptions } from './timers-stream.js';

export type ChildSystem = PgSystem | 'opsbook-pglite';

export interface ChildConfig {
  readonly system: ChildSystem;
  /** PostgreSQL systems: the URL to log in with. */
  readonly url?: string;
  readonly settings: Settings;
  /** Keep (run_at, lag) samples (the lag workload). */
  readonly recordLag: boolean;
  /** PGlite: the child owns the database, so it loads the timers and runs the stream itself. */
  readonly pglite?: { readonly due: number; readonly pending: number; readonly stream?: StreamOptions };
}

export interface ChildResult {
  readonly fired: number;
  /** Date.now() of the first and last handler start (0 when none fired). */
  readonly firstMs: number;
  readonly lastMs: number;
  readonly errors: number;
  /** Flat pairs: run_at (ms), lag (ms). */
  readonly samples: number[];
  /** PGlite: what is left unfired (due ones only after the lag workload). */
  readonly unfired?: number;
}

export type ChildMessage =
  | { readonly type: 'ready'; readonly loadMs?: number }
  | {
      readonly type: 'progress';
      readonly fired: number;
      readonly scheduled?: number;
      readonly streamDone?: boolean;
      readonly lastRunAtMs?: number;
    }
  | ({ readonly type: 'result' } & ChildResult);

export type ParentCommand = { readonly cmd: 'go' } | { readonly cmd: 'stop' };

const CHILD_SCRIPT = fileURLToPath(new URL('./timers-child.ts', import.meta.url));

export class WorkerProcess {
  readonly ready: Promise<{ loadMs?: number }>;
  fired = 0;
  scheduled = 0;
  streamDone = false;
  lastRunAtMs = 0;
  private readonly child: ChildProcess;
  private readonly result: Promise<ChildResult>;

  constructor(config: ChildConfig) {
    this.child = fork(CHILD_SCRIPT, [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<never>((_, reject) =>
      this.child.once('exit', (code) => reject(new Error(`${config.system} worker exited (${code})`))),
    );
    exited.catch(() => undefined);
    let onReady: (info: { loadMs?: number }) => void = () => undefined;
    let onResult: (result: ChildResult) => void = () => undefined;
    this.ready = Promise.race([new Promise<{ loadMs?: number }>((r) => (onReady = r)), exited]);
    this.result = Promise.race([new Promise<ChildResult>((r) => (onResult = r)), exited]);
    this.child.on('message', (message: ChildMessage) => {
      switch (message.type) {
        case 'ready':
          onReady({ loadMs: message.loadMs });
          return;
        case 'progress':
          this.fired = message.fired;
          this.scheduled = message.scheduled ?? this.scheduled;
          this.streamDone = message.streamDone ?? this.streamDone;
          this.lastRunAtMs = message.lastRunAtMs ?? this.lastRunAtMs;
          return;
        case 'result':
          onResult(message);
          return;
      }
    });
  }

  go(): void {
    this.send({ cmd: 'go' });
  }

  /** Stops the worker (it finishes what it holds) and returns its figures. */
  async stop(): Promise<ChildResult> {
    this.send({ cmd: 'stop' });
    return this.result;
  }

  /** Waits for the process to exit after `stop()`, killing it after `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private send(command: ParentCommand): void {
    this.child.send(command);
  }
}
