/**
 * A person's quiet hours (PagerDuty's "low-urgency notifications wait"): a message that is not urgent waits
 * until they end. Quiet hours are a business calendar open outside them, so the DST and midnight rules are
 * the calendars' own, tested there.
 */
import { compileCalendar, type BusinessCalendar } from '../calendar.js';

export interface QuietHours {
  /** Local `HH:MM` the quiet hours start, e.g. `22:00`. */
  readonly from: string;
  /** Local `HH:MM` they end, e.g. `07:00` (the next morning when earlier than `from`). */
  readonly to: string;
  readonly timeZone: string;
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Why these quiet hours are not usable, or null: checked when a person saves them. */
export function quietHoursProblem(quiet: QuietHours): string | null {
  if (!HH_MM.test(quiet.from)) return `quiet hours start "${quiet.from}" is not a time HH:MM, e.g. 22:00`;
  if (!HH_MM.test(quiet.to)) return `quiet hours end "${quiet.to}" is not a time HH:MM, e.g. 07:00`;
  if (quiet.from === quiet.to) return 'quiet hours start and end at the same time; leave them out instead';
  try {
    calendarOf(quiet);
  } catch {
    return `"${quiet.timeZone}" is not a time zone this server knows; use an IANA name such as Asia/Kolkata`;
  }
  return null;
}

function calendarOf(quiet: QuietHours): BusinessCalendar {
  // Open outside the quiet hours: 22:00-07:00 quiet is open 07:00-22:00 every day.
  const open =
    quiet.from > quiet.to
      ? [`${quiet.to}-${quiet.from}`]
      : [`00:00-${quiet.from}`, `${quiet.to}-24:00`].filter((i) => !i.startsWith('00:00-00:00'));
  return compileCalendar({ id: 'quiet-hours', timeZone: quiet.timeZone, hours: { daily: open } });
}

/**
 * When a non-urgent message to this person may go out: `atMs` itself outside quiet hours, else the instant
 * they end.
 *
 * @example quietUntil({ from: '22:00', to: '07:00', timeZone: 'Asia/Kolkata' }, Date.parse('2026-12-01T17:00:00Z'))
 * // 2026-12-01T01:30:00Z (07:00 IST the next morning)
 */
export function quietUntil(quiet: QuietHours | null | undefined, atMs: number): number {
  if (!quiet || quietHoursProblem(quiet)) return atMs;
  const next = calendarOf(quiet).nextOpen(atMs);
  return Number.isFinite(next) ? Math.max(atMs, next) : atMs;
}
