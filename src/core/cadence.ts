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
import { wallTimeToInstant, zoneOffsetMs } from './instant.js';

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
  const [hour, minute] = (cadence.at ?? '00:00').split(':').map(Number) as [number, number];
  const localDay = Math.floor((afterMs + zoneOffsetMs(afterMs, timeZone)) / DAY_MS);
  const months = FIRST_MONTHS[cadence.every];
  if (months) {
    // Month-like cadences fall on one day of their months: try those days, month by month.
    const { y, m } = civilOf(localDay);
    for (let ahead = 0; ahead <= 24; ahead++) {
      const index = m - 1 + ahead;
      const year = y + Math.floor(index / 12);
      const month = (index % 12) + 1;
      if (!months.includes(month)) continue;
      const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
      const day = Math.min(Number.parseInt(cadence.on ?? '1', 10) || 1, lastDay);
      const instant = wallTimeToInstant(year, month, day, hour, minute, 0, timeZone);
      if (instant > afterMs) return instant;
    }
    return null;
  }
  // Walk local dates from the day of `afterMs`; two weeks are enough for the other cadences.
  for (let day = localDay; day <= localDay + 400; day++) {
    const { y, m, d } = civilOf(day);
    if (!falls(cadence, day, y, m, d)) continue;
    const instant = wallTimeToInstant(y, m, d, hour, minute, 0, timeZone);
    if (instant <= afterMs) continue;
    if (cadence.every === 'day' && calendar && !calendar.isOpen(instant)) continue;
    return instant;
  }
  return null;
}

/**
 * The calendar date of a day number (days since 1970-01-01), by arithmetic: walking a year of days one
 * `Date` at a time was a sixth of the time of opening a year of checklists. (H. Hinnant's civil_from_days.)
 */
function civilOf(days: number): { y: number; m: number; d: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
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
