/**
 * Calendar days and wall-clock times in a time zone (the dashboards' ranges, on-call's schedules), with the
 * browser's Intl only: a zone's clock reading of an instant, the instant a wall time names there, and day
 * arithmetic.
 */

const DAY_MS = 86_400_000;

/** The zone's clock reading (year, month, day, hour, minute, second) of the instant `ms`. */
export function partsIn(ms: number, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const out: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** How far `timeZone` is ahead of UTC at the instant `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant the zone's clocks read the wall time `wallMs` (as UTC fields), twice corrected for DST. */
export function wallToInstant(wallMs: number, timeZone: string): Date {
  const first = wallMs - offsetMs(wallMs, timeZone);
  return new Date(wallMs - offsetMs(first, timeZone));
}

/** The instant the day `YYYY-MM-DD` starts in `timeZone`. */
export function dayStartIn(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return wallToInstant(Date.UTC(y!, m! - 1, d), timeZone);
}

/** The day (`YYYY-MM-DD`) of the instant `ms` in `timeZone`. */
export function dateIn(ms: number, timeZone: string): string {
  const p = partsIn(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** `date` moved by whole days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to` inclusive, at most `max`. */
export function daysBetween(from: string, to: string, max = 366): string[] {
  const days: string[] = [];
  for (let day = from; day <= to && days.length < max; day = addDays(day, 1)) days.push(day);
  return days;
}
