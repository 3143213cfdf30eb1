/**
 * When a pack's review becomes overdue: the first instant after its last on-time day, in the pack's time
 * zone (`review.by` 2024-07 → 2024-08-01 00:00 there; `review.every` counted from the latest effective or
 * changelog date). Pure: the server schedules a timer at this instant to raise the owner's task.
 */
import { addMonths, CADENCE_MONTHS, firstDayOf, lastDayOf } from './lint/review.js';
import type { Pack } from './schema/pack.js';
import { localToInstant } from '../core/instant.js';

/** The last day (YYYY-MM-DD) on which the review is still on time; null for event-based reviews. */
export function reviewDueDay(pack: Pack): string | null {
  const { review, effective, changelog } = pack.pack;
  if ('by' in review) return lastDayOf(review.by);
  if ('every' in review) {
    const last = [effective, ...changelog.map((c) => c.date)].map(firstDayOf).sort().at(-1)!;
    return addMonths(last, CADENCE_MONTHS[review.every]);
  }
  return null;
}

/** Midnight at the start of a local date in a zone, as a UTC instant. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return new Date(localToInstant(`${date}T00:00`, timeZone) ?? Number.NaN);
}

/** The instant the review becomes overdue, or null when the pack's review is tied to an event. */
export function reviewOverdueAt(pack: Pack): Date | null {
  const day = reviewDueDay(pack);
  return day === null ? null : startOfLocalDay(nextDay(day), pack.pack.timeZone);
}

function nextDay(date: string): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}
