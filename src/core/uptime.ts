/**
 * Uptime of a status-page component, per day in the workspace's zone, from the record of every status it
 * took (component_status_changes). Pure: the changes, the zone and "now" are passed in.
 *
 * How the statuses count (the status page's rule, docs/status-page.md):
 * - major outage: down;
 * - partial outage: down at 30 % weight (a partial outage hurts some users, not all — Statuspage's and
 *   Instatus's convention, so figures compare with theirs);
 * - degraded performance: up (slower, but working); shown yellow;
 * - maintenance: announced, planned work is left out of the measured time (neither up nor down), as SLAs
 *   leave out scheduled maintenance; shown blue;
 * - before the component's first recorded status: no data (grey), also left out.
 *
 * Day boundaries are local midnights in the zone, so a DST day has 23 or 25 hours.
 */
import { localToInstant, zoneOffsetMs } from './instant.js';

export type UptimeStatus = 'operational' | 'degraded' | 'partial-outage' | 'major-outage' | 'maintenance';
export type DayLevel = UptimeStatus | 'no-data';

/** The weight of partial-outage time in the downtime (major outage: 1). */
export const PARTIAL_OUTAGE_WEIGHT = 0.3;
export const UPTIME_DAYS = 90;

export interface StatusChange {
  readonly status: UptimeStatus;
  readonly atMs: number;
}

export interface UptimeDay {
  /** The local date, `YYYY-MM-DD`. */
  readonly day: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly majorSeconds: number;
  readonly partialSeconds: number;
  readonly degradedSeconds: number;
  readonly maintenanceSeconds: number;
  /** Time that counts (known, not maintenance), up to now. */
  readonly measuredSeconds: number;
  /** The worst status the component was in that day (its bar's colour). */
  readonly level: DayLevel;
  /** Null when nothing of the day was measured. */
  readonly percent: number | null;
}

export interface Uptime {
  readonly days: readonly UptimeDay[];
  readonly measuredSeconds: number;
  /** Major outage seconds plus weighted partial-outage seconds. */
  readonly downSeconds: number;
  /** Over the whole window; null when nothing was measured. */
  readonly percent: number | null;
}

const SEVERITY: Record<DayLevel, number> = {
  'no-data': 0,
  operational: 1,
  maintenance: 2,
  degraded: 3,
  'partial-outage': 4,
  'major-outage': 5,
};

/** The worse of two day levels (a bar shows the worst status of its day). */
export const worseLevel = (a: DayLevel, b: DayLevel): DayLevel => (SEVERITY[b] > SEVERITY[a] ? b : a);

const pad = (n: number) => String(n).padStart(2, '0');

/** The local date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(ms: number, timeZone: string): string {
  const local = new Date(ms + zoneOffsetMs(ms, timeZone));
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

/** The date `days` after (or before) a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(y, m - 1, d + days));
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
}

/** The instant a local date starts in a zone (its local midnight). */
export function dayStartMs(date: string, timeZone: string): number {
  return localToInstant(`${date}T00:00`, timeZone)!;
}

/** The last `days` local days up to and including today: their dates and [start, end) instants. */
export function uptimeWindow(
  nowMs: number,
  timeZone: string,
  days = UPTIME_DAYS,
): { day: string; startMs: number; endMs: number }[] {
  const today = localDate(nowMs, timeZone);
  const window: { day: string; startMs: number; endMs: number }[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = addDays(today, -i);
    window.push({ day, startMs: dayStartMs(day, timeZone), endMs: dayStartMs(addDays(day, 1), timeZone) });
  }
  return window;
}

interface Span {
  readonly status: UptimeStatus | null;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The statuses as spans over [fromMs, toMs): null before the first change. */
function spansOf(changes: readonly StatusChange[], fromMs: number, toMs: number): Span[] {
  const sorted = [...changes].sort((a, b) => a.atMs - b.atMs);
  const spans: Span[] = [];
  let status: UptimeStatus | null = null;
  let cursor = fromMs;
  for (const change of sorted) {
    if (change.atMs <= fromMs) {
      status = change.status; // a change before the window: the status the window starts with
      continue;
    }
    if (change.atMs >= toMs) break;
    spans.push({ status, fromMs: cursor, toMs: change.atMs });
    status = change.status;
    cursor = change.atMs;
  }
  spans.push({ status, fromMs: cursor, toMs });
  return spans.filter((s) => s.toMs > s.fromMs);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Per-day uptime for the `days` local days up to now, and the total.
 *
 * @example computeUptime([{ status: 'operational', atMs: created }], now.getTime(), 'Asia/Kolkata')
 */
export function computeUptime(
  changes: readonly StatusChange[],
  nowMs: number,
  timeZone: string,
  days = UPTIME_DAYS,
  // The days' instants cost a few ms to work out: a caller computing many components passes them once.
  window: readonly { day: string; startMs: number; endMs: number }[] = uptimeWindow(nowMs, timeZone, days),
): Uptime {
  const spans = spansOf(changes, window[0]!.startMs, nowMs);
  let measuredTotal = 0;
  let downTotal = 0;
  const result = window.map(({ day, startMs, endMs }) => {
    const seconds: Record<UptimeStatus, number> = {
      operational: 0,
      degraded: 0,
      'partial-outage': 0,
      'major-outage': 0,
      maintenance: 0,
    };
    let level: DayLevel = 'no-data';
    for (const span of spans) {
      const from = Math.max(span.fromMs, startMs);
      const to = Math.min(span.toMs, endMs);
      if (to <= from || span.status === null) continue;
      seconds[span.status] += (to - from) / 1000;
      level = worseLevel(level, span.status);
    }
    const measured =
      seconds.operational + seconds.degraded + seconds['partial-outage'] + seconds['major-outage'];
    const down = seconds['major-outage'] + PARTIAL_OUTAGE_WEIGHT * seconds['partial-outage'];
    measuredTotal += measured;
    downTotal += down;
    return {
      day,
      startMs,
      endMs,
      majorSeconds: Math.round(seconds['major-outage']),
      partialSeconds: Math.round(seconds['partial-outage']),
      degradedSeconds: Math.round(seconds.degraded),
      maintenanceSeconds: Math.round(seconds.maintenance),
      measuredSeconds: Math.round(measured),
      level,
      percent: measured > 0 ? round2Down(100 * (1 - down / measured)) : null,
    };
  });
  return {
    days: result,
    measuredSeconds: Math.round(measuredTotal),
    downSeconds: round2(downTotal),
    percent: measuredTotal > 0 ? round2Down(100 * (1 - downTotal / measuredTotal)) : null,
  };
}

/**
 * Two decimals, rounded down, so any downtime shows: 99.996 % reads 99.99 %, never 100 %. (A hair under
 * the next hundredth is floating-point noise, not downtime: 99.99 stays 99.99.)
 */
export function round2Down(percent: number): number {
  return Math.floor(percent * 100 + 1e-9) / 100;
}

/**
 * Whether an uptime meets its target. The target is exceeded, not merely reached: SofaCover's
 * "Uptime: Target >99.9%" (002#24).
 */
export function meetsTarget(percent: number | null, target: number | null): boolean | null {
  if (percent === null || target === null) return null;
  return percent > target;
}
