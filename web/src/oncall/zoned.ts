/**
 * Wall-clock times in a schedule's time zone, with the browser's Intl only: an instant as the zone's
 * clocks read it, the value of a `datetime-local` input there, and the instant such a value names. The
 * zone arithmetic is support/zoned.ts's.
 */
import { partsIn, wallToInstant } from '../support/zoned';

const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');

/** The `YYYY-MM-DDTHH:MM` a `datetime-local` input shows for the instant `ms` in `timeZone`. */
export function localValue(ms: number, timeZone: string): string {
  const p = partsIn(ms, timeZone);
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/** The instant (ISO, UTC) the zone's clocks read `YYYY-MM-DDTHH:MM`; null for what is not such a value. */
export function instantOf(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return null;
  const [y, mo, d, h, mi] = match.slice(1).map(Number);
  return wallToInstant(Date.UTC(y!, mo! - 1, d, h, mi), timeZone).toISOString();
}

/** "Mon 3 Mar, 09:00 GMT+5:30": an instant as the zone's clocks read it, with the zone. */
export function zonedWords(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    return new Date(iso).toLocaleString();
  }
}

/** Whether Intl knows the zone (the server refuses one it does not). */
export function knownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The zones to pick from: Intl's list, with `current` first when Intl does not list it. */
export function zoneChoices(current: string): readonly string[] {
  const listed =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC', current];
  const all = listed.includes('UTC') ? listed : ['UTC', ...listed];
  return current && !all.includes(current) ? [current, ...all] : all;
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
