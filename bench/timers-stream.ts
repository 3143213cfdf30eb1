/**
 * The lag workload's steady stream: every 50 ms, schedule a slice of `perSecond` timers, each due 1-2 s
 * later (spread at random), for `seconds`. Ticks keep to a fixed grid, so a slow insert is caught up.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface StreamOptions {
  readonly seconds: number;
  readonly perSecond: number;
}

export interface StreamResult {
  readonly scheduled: number;
  /** The latest instant a scheduled timer is due. */
  readonly lastRunAtMs: number;
}

const TICK_MS = 50;

export async function runStream(
  schedule: (runAts: readonly Date[]) => Promise<void>,
  options: StreamOptions,
  onScheduled: (scheduled: number) => void = () => undefined,
): Promise<StreamResult> {
  const perTick = (options.perSecond * TICK_MS) / 1000;
  const ticks = Math.round((options.seconds * 1000) / TICK_MS);
  const startMs = Date.now();
  let scheduled = 0;
  let lastRunAtMs = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const waitMs = startMs + tick * TICK_MS - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    const now = Date.now();
    const runAts = Array.from({ length: perTick }, () => new Date(now + 1000 + Math.random() * 1000));
    await schedule(runAts);
    scheduled += runAts.length;
    lastRunAtMs = Math.max(lastRunAtMs, ...runAts.map((d) => d.getTime()));
    onScheduled(scheduled);
  }
  return { scheduled, lastRunAtMs };
}
