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
