/**
 * Where the engine reads "now". Live processes use the database's clock (`now()` returns null and the SQL
 * reads `clock_timestamp()`), so two processes with skewed clocks never disagree about what is due.
 * Tests and the simulator inject a ManualClock and move time themselves.
 */

export interface Clock {
  /** The instant to treat as now, or null to let PostgreSQL use its own clock. */
  now(): Date | null;
}

export const databaseClock: Clock = { now: () => null };

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  private currentMs: number;

  constructor(start: Date | string) {
    this.currentMs = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.currentMs);
  }

  set(instant: Date | string): void {
    this.currentMs = new Date(instant).getTime();
  }

  advance(ms: number): void {
    this.currentMs += ms;
  }
}

/** The process's own view of time, for noticing that the wall clock was stepped (NTP, an operator). */
export interface SystemTime {
  /** Wall-clock milliseconds since the epoch; they jump when the clock is stepped. */
  wallMs(): number;
  /** Milliseconds from an arbitrary origin that only ever advance steadily. */
  monotonicMs(): number;
}

// The one adapter onto the OS clocks: the engine reads them only to detect steps, never to decide.
export const systemTime: SystemTime = {
  // eslint-disable-next-line no-restricted-syntax
  wallMs: () => Date.now(),
  // eslint-disable-next-line no-restricted-syntax
  monotonicMs: () => performance.now(),
};

/** Wall-clock milliseconds as the worker's clock sees them (the system's, for the database clock). */
export function wallMsOf(clock: Clock, system: SystemTime): number {
  return clock.now()?.getTime() ?? system.wallMs();
}

/**
 * Calls `onStep` when the wall clock (as `clock` sees it) moves against the monotonic clock by at least
 * `thresholdMs` between two checks: a clock stepped forward makes timers overdue at once, and a sleeping
 * worker must look now rather than at the end of a sleep computed under the old time.
 */
export function watchClockSteps(
  clock: Clock,
  system: SystemTime,
  onStep: (stepMs: number) => void,
  options: { intervalMs?: number; thresholdMs?: number } = {},
): { stop(): void } {
  const thresholdMs = options.thresholdMs ?? 1000;
  const offset = () => wallMsOf(clock, system) - system.monotonicMs();
  let last = offset();
  const timer = setInterval(() => {
    const current = offset();
    const stepMs = current - last;
    last = current;
    if (Math.abs(stepMs) >= thresholdMs) onStep(stepMs);
  }, options.intervalMs ?? 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
