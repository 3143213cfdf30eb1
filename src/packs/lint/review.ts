/**
 * Review dates. An SOP past its review may no longer describe how the team works; the server raises a task
 * for the owner, and the author should hear it first. Dates are compared in the pack's time zone, so a
 * review due today is not yet overdue anywhere the team works. A month (`2024-07`) means its last day.
 */
import type { Pack } from '../schema/pack.js';
import { finding, type LintFinding } from './finding.js';
import { dateInZone } from './week.js';

export const CADENCE_MONTHS = { month: 1, quarter: 3, 'half-year': 6, year: 12 } as const;

/** `review: { by }` before today. */
export function reviewOverdue(pack: Pack, now: Date): LintFinding[] {
  const { review, timeZone } = pack.pack;
  if (!('by' in review)) return [];
  const today = dateInZone(timeZone, now);
  const due = lastDayOf(review.by);
  if (today <= due) return [];
  return [
    finding(
      'review-overdue',
      ['pack', 'review', 'by'],
      `the review date ${review.by} has passed (today is ${today} in ${timeZone})`,
      'review the SOP, then set the next `review.by` and add a changelog entry',
    ),
  ];
}

/** `review: { every }` elapsed since the latest of `effective` and the changelog dates. */
export function reviewCadenceOverdue(pack: Pack, now: Date): LintFinding[] {
  const { review, timeZone, effective, changelog } = pack.pack;
  if (!('every' in review)) return [];
  const last = [effective, ...changelog.map((c) => c.date)].map(firstDayOf).sort().at(-1)!;
  const due = addMonths(last, CADENCE_MONTHS[review.every]);
  const today = dateInZone(timeZone, now);
  if (today <= due) return [];
  return [
    finding(
      'review-cadence-overdue',
      ['pack', 'review', 'every'],
      `the SOP is reviewed every ${review.every}; the latest effective or changelog date is ${last}, so a review was due by ${due} (today is ${today} in ${timeZone})`,
      'review the SOP, then add a changelog entry with the date of the review',
    ),
  ];
}

export function firstDayOf(date: string): string {
  return date.length === 7 ? `${date}-01` : date;
}

export function lastDayOf(date: string): string {
  if (date.length !== 7) return date;
  const [year = 0, month = 1] = date.split('-').map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${date}-${String(days).padStart(2, '0')}`;
}

/**
 * The same day `months` later, clamped to the month's end.
 *
 * @example addMonths('2024-01-31', 1) // '2024-02-29'
 */
export function addMonths(date: string, months: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const days = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, days));
  return target.toISOString().slice(0, 10);
}
