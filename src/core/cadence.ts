/**
 * When recurring work falls: the next occurrence of a pack cadence after an instant, in a zone. `every`
 * cadences run at `at` local time (default 00:00: a run is the work of its day, week or month, and opens
 * as it starts): `day` on every day the cadence's calendar is open at that time (every day without a
 * calendar), `week` and `two-weeks` on `on` (default Monday; two-weeks on even ISO weeks), `month` on day
 * `on` (default 1; clamped to the month's last day), `quarter`, `half-year` and `year` on day `on` of
 * their first month. `cron` cadences use croner in the zone. Cadences that are events
 * (`on: every-commit`, `before-release`, …) have no next instant.
 */
import { Cron } from 'croner';
import type { BusinessCalendar } from './calendar.js';
import { localToInstant, zoneOffsetMs } from './instant.js';

export type CadenceSpec =
  | { readonly every: string; readonly at?: string; readonly on?: string; readonly calendar?: string }
  | { readonly cron: string; readonly calendar?: string }
  | { readonly on: string };

const WEEKDAY: Readonly<Record<string, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIRST_MONTHS: Readonly<Record<string, readonly number[]>> = {
  month: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  quarter: [1, 4, 7, 10],
  'half-year': [1, 7],
  year: [1],
};
const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** The next instant strictly after `afterMs`, or null when the cadence is an event or never falls. */
export function nextOccurrence(
  cadence: CadenceSpec,
  afterMs: number,
  timeZone: string,
  calendar?: BusinessCalendar,
): number | null {
  if ('cron' in cadence) {
    const next = new Cron(cadence.cron, { timezone: timeZone }).nextRun(new Date(afterMs));
    return next ? next.getTime() : null;
  }
  if (!('every' in cadence)) return null;
  const at = cadence.at ?? '00:00';
  // Walk local dates from the day of `afterMs`; a year of days is enough for any `every`.
  const localDay = Math.floor((afterMs + zoneOffsetMs(afterMs, timeZone)) / DAY_MS);
  for (let day = localDay; day <= localDay + 400; day++) {
    const date = new Date(day * DAY_MS);
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    if (!falls(cadence, day, y, m, d)) continue;
    const instant = localToInstant(`${y}-${pad(m)}-${pad(d)}T${at}`, timeZone);
    if (instant === null || instant <= afterMs) continue;
    if (cadence.every === 'day' && calendar && !calendar.isOpen(instant)) continue;
    return instant;
  }
  return null;
}

function falls(
  cadence: { every: string; on?: string },
  day: number,
  y: number,
  m: number,
  d: number,
): boolean {
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
  switch (cadence.every) {
    case 'day':
      return true;
    case 'week':
      return weekday === (WEEKDAY[cadence.on ?? 'mon'] ?? 1);
    case 'two-weeks': {
      if (weekday !== (WEEKDAY[cadence.on ?? 'mon'] ?? 1)) return false;
      return Math.floor((day + 3) / 7) % 2 === 0;
    }
    default: {
      const months = FIRST_MONTHS[cadence.every];
      if (!months?.includes(m)) return false;
      const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
      const wanted = Math.min(Number.parseInt(cadence.on ?? '1', 10) || 1, lastDay);
      return d === wanted;
    }
  }
}
