/**
 * The vendor register's arithmetic (ShopSmart SOP-006), pure and with time passed in: the weighted score of
 * a scorecard, when a contract ends, when a review falls due, and when the owner is reminded of each.
 */
import type { CadenceSpec } from './cadence.js';
import { nextOccurrence } from './cadence.js';
import { localToInstant, zoneOffsetMs } from './instant.js';

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** A scorecard's scores: every criterion from 1 to 5 (SOP-006 "Vendor Evaluation Criteria"). */
export const SCORE_MIN = 1;
export const SCORE_MAX = 5;

/**
 * Days before a contract ends that its owner is told. The SOP names contract end dates (000#145-000#149)
 * but no lead time: 60 days leaves a quarter's review cycle to renegotiate or replace, 30 days is the last
 * call. Opsbook's default, named in packs/shopsmart-pro/README.md.
 */
export const CONTRACT_LEAD_DAYS: readonly number[] = [60, 30];

export interface Criterion {
  readonly id: string;
  readonly weightPercent: number;
}

/** One problem of a scorecard, with the JSON pointer of the field it is about. */
export interface ScoreProblem {
  readonly pointer: string;
  readonly message: string;
}

/**
 * Every problem of `scores` against the pack's criteria: each criterion required, whole numbers 1-5 (no
 * half points: the seed scores on a 5-point scale and a half point would be a precision nobody measured),
 * no criterion the pack does not have.
 *
 * @example checkScores(criteria, { cost: 6 }) // [{ pointer: '/body/scores/cost', … }, missing …]
 */
export function checkScores(
  criteria: readonly Criterion[],
  scores: Readonly<Record<string, unknown>>,
): ScoreProblem[] {
  const problems: ScoreProblem[] = [];
  const known = new Set(criteria.map((c) => c.id));
  const names = criteria.map((c) => c.id).join(', ');
  for (const c of criteria) {
    const pointer = `/body/scores/${c.id}`;
    const value = scores[c.id];
    if (value === undefined)
      problems.push({ pointer, message: `score ${c.id} (weight ${c.weightPercent} %): a whole number 1-5` });
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < SCORE_MIN || value > SCORE_MAX)
      problems.push({
        pointer,
        message: `${JSON.stringify(value)} is not a score: give a whole number from ${SCORE_MIN} to ${SCORE_MAX} (no half points)`,
      });
  }
  for (const name of Object.keys(scores))
    if (!known.has(name))
      problems.push({
        pointer: `/body/scores/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        message: `the pack has no criterion "${name}"; its criteria are ${names}`,
      });
  return problems;
}

/** Σ score × weight / 100, rounded to two places: all 5s make 5.00 when the weights sum to 100. */
export function weightedScore(
  criteria: readonly Criterion[],
  scores: Readonly<Record<string, number>>,
): number {
  const sum = criteria.reduce((total, c) => total + (scores[c.id] ?? 0) * c.weightPercent, 0);
  return Math.round(sum) / 100;
}

/** The local calendar date of an instant in a zone, as [year, month (1-12), day]. */
function localDate(ms: number, timeZone: string): [number, number, number] {
  const d = new Date(ms + zoneOffsetMs(ms, timeZone));
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function localTime(ms: number, timeZone: string): string {
  const d = new Date(ms + zoneOffsetMs(ms, timeZone));
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Midnight (local) of a date, months and days later, the day clamped to the month's last. */
function shiftDate(
  date: readonly [number, number, number],
  months: number,
  days: number,
  time: string,
  timeZone: string,
): number | null {
  const [y, m, d] = date;
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const shifted = new Date(Date.UTC(year, month - 1, Math.min(d, last)) + days * DAY_MS);
  const local = `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}T${time}`;
  return localToInstant(local, timeZone);
}

const MONTHS: Readonly<Record<string, number>> = { month: 1, quarter: 3, 'half-year': 6, year: 12 };
const DAYS: Readonly<Record<string, number>> = { day: 1, week: 7, 'two-weeks': 14 };

/**
 * One cadence after `fromMs`, at the same local time: a quarterly review 3 calendar months after the last
 * (SOP-006: Critical quarterly, Important semi-annually, Supporting annually, 000#142-000#144), the day
 * clamped to the month's end. A cron cadence takes its next occurrence; an event cadence never falls.
 */
export function afterCadence(cadence: CadenceSpec, fromMs: number, timeZone: string): number | null {
  if ('cron' in cadence) return nextOccurrence(cadence, fromMs, timeZone);
  if (!('every' in cadence)) return null;
  const time = localTime(fromMs, timeZone);
  const date = localDate(fromMs, timeZone);
  const months = MONTHS[cadence.every];
  if (months !== undefined) return shiftDate(date, months, 0, time, timeZone);
  const days = DAYS[cadence.every];
  return days === undefined ? null : shiftDate(date, 0, days, time, timeZone);
}

/**
 * The instant a contract has ended, or null for a rolling one: the end of its last day in the pack's zone.
 * `2024-12` runs through 31 December, since the seed gives months only and no day (000#150).
 */
export function contractEndsAt(contractEnd: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(contractEnd);
  if (!m) return null;
  const [year, month] = [+m[1]!, +m[2]!];
  if (m[3] !== undefined) return shiftDate([year, month, +m[3]], 0, 1, '00:00', timeZone);
  return shiftDate([year, month, 1], 1, 0, '00:00', timeZone);
}

/** The instant `days` calendar days before `endMs` (same local time). */
export function daysBefore(endMs: number, days: number, timeZone: string): number | null {
  return shiftDate(localDate(endMs, timeZone), 0, -days, localTime(endMs, timeZone), timeZone);
}

/** Whole calendar days from `nowMs` to `endMs` (negative once it has passed), in the zone. */
export function daysUntil(endMs: number, nowMs: number, timeZone: string): number {
  const [y1, m1, d1] = localDate(nowMs, timeZone);
  const [y2, m2, d2] = localDate(endMs, timeZone);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY_MS);
}
