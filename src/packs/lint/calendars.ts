/**
 * Calendars as weeks of open minutes, and the two calendar rules: a calendar that is never open (every
 * SLA clock on it would stop forever), and intervals that overlap or run backwards (usually a typo, such
 * as `12:00-18:00` meant as `13:00-18:00`, or an overnight shift written as one interval).
 */
import type { Pack } from '../schema/pack.js';
import { finding, type LintFinding } from './finding.js';
import { ALL_WEEK, DAY_MINUTES, normalize, type Span } from './week.js';

export type Calendar = NonNullable<Pack['calendars']>[number];
type WeeklyHours = Exclude<Calendar['hours'], '24/7'>;
type HoursKey = keyof WeeklyHours;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
const WEEKDAYS: readonly Day[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

interface Interval {
  readonly text: string;
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

/** The key whose intervals a day takes: the day itself, else `weekdays` (Mon-Fri), else `daily`. */
function sourceOf(hours: WeeklyHours, day: Day): HoursKey | undefined {
  if (hours[day] !== undefined) return day;
  if (hours.weekdays !== undefined && WEEKDAYS.includes(day)) return 'weekdays';
  return hours.daily !== undefined ? 'daily' : undefined;
}

/** The days each key actually supplies (a shorthand overridden on every day supplies none). */
function daysByKey(hours: WeeklyHours): Map<HoursKey, Day[]> {
  const byKey = new Map<HoursKey, Day[]>();
  for (const day of DAYS) {
    const key = sourceOf(hours, day);
    if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), day]);
  }
  return byKey;
}

/** `"09:00-21:00"` → minutes of the day; `24:00` is 1440. The schema has checked the shape. */
function parseInterval(text: string, index: number): Interval {
  const [start = 0, end = 0] = text.split('-').map((time) => {
    const [h = 0, m = 0] = time.split(':').map(Number);
    return h * 60 + m;
  });
  return { text, index, start, end };
}

function isValid(interval: Interval): boolean {
  return interval.start < interval.end && interval.end <= DAY_MINUTES;
}

/**
 * The calendar's open minutes in its own zone (`24/7`: all week); invalid intervals are left out.
 *
 * @example openSpans({ id: 'x', label: 'x', hours: { weekdays: ['09:00-17:00'] } })[0] // [540, 1020]
 */
export function openSpans(calendar: Calendar): Span[] {
  if (calendar.hours === '24/7') return ALL_WEEK;
  const hours = calendar.hours;
  const spans: Span[] = [];
  DAYS.forEach((day, dayIndex) => {
    const key = sourceOf(hours, day);
    const intervals = key === undefined ? [] : (hours[key] ?? []);
    for (const interval of intervals.map(parseInterval).filter(isValid)) {
      spans.push([dayIndex * DAY_MINUTES + interval.start, dayIndex * DAY_MINUTES + interval.end]);
    }
  });
  return normalize(spans);
}

export function calendarNeverOpen(pack: Pack): LintFinding[] {
  return (pack.calendars ?? []).flatMap((calendar, i) =>
    openSpans(calendar).length > 0
      ? []
      : [
          finding(
            'calendar-never-open',
            ['calendars', i, 'hours'],
            `calendar \`${calendar.id}\` is never open: no day has an open interval, so a clock counted on it never runs`,
            'add open intervals (e.g. `weekdays: ["09:00-17:00"]`), or write `hours: 24/7`',
          ),
        ],
  );
}

export function calendarOverlap(pack: Pack): LintFinding[] {
  return (pack.calendars ?? []).flatMap((calendar, i) => {
    const hours = calendar.hours;
    if (hours === '24/7') return [];
    return [...daysByKey(hours)].flatMap(([key, days]) => {
      const intervals = (hours[key] ?? []).map(parseInterval);
      const path = (index: number) => ['calendars', i, 'hours', key, index];
      return [
        ...intervals.filter((x) => !isValid(x)).map((x) => invalidInterval(calendar, x, path(x.index))),
        ...overlaps(intervals.filter(isValid)).map(([earlier, later]) =>
          overlapFinding(calendar, earlier, later, onDays(key, days), path(later.index)),
        ),
      ];
    });
  });
}

function invalidInterval(calendar: Calendar, interval: Interval, path: (string | number)[]): LintFinding {
  const where = `calendar \`${calendar.id}\`: interval \`${interval.text}\``;
  if (interval.end > DAY_MINUTES) {
    return finding(
      'calendar-overlap',
      path,
      `${where} ends after 24:00`,
      'end a day at `24:00` at the latest',
    );
  }
  const message = interval.start === interval.end ? `${where} is empty` : `${where} ends before it starts`;
  return finding(
    'calendar-overlap',
    path,
    message,
    'write `HH:MM-HH:MM` with the end after the start; split a night in two, e.g. `22:00-24:00` and `00:00-06:00` on the next day',
  );
}

/** Pairs (earlier, later) of intervals that share minutes, in the order they start. */
function overlaps(intervals: readonly Interval[]): [Interval, Interval][] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
  const pairs: [Interval, Interval][] = [];
  let reach: Interval | undefined;
  for (const interval of sorted) {
    if (reach && interval.start < reach.end) pairs.push([reach, interval]);
    if (!reach || interval.end > reach.end) reach = interval;
  }
  return pairs;
}

function overlapFinding(
  calendar: Calendar,
  earlier: Interval,
  later: Interval,
  days: string,
  path: (string | number)[],
): LintFinding {
  const duplicate = earlier.start === later.start && earlier.end === later.end;
  const what = duplicate
    ? `\`${later.text}\` is listed twice`
    : `\`${later.text}\` overlaps \`${earlier.text}\``;
  return finding(
    'calendar-overlap',
    path,
    `calendar \`${calendar.id}\`: ${what} ${days}`,
    duplicate ? 'remove one of them' : 'merge them into one interval, or fix the typo in one of the times',
  );
}

function onDays(key: HoursKey, days: readonly Day[]): string {
  if (key === 'daily' && days.length === 7) return 'every day';
  if (key === 'weekdays' && days.length === 5) return 'on weekdays';
  return `on ${days.join(', ')}`;
}
