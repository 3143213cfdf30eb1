/**
 * The slow, obviously correct business calendar that tests and the benchmark check `compileCalendar`
 * against. It shares no code with it: it walks minute by minute, asks Intl for the local weekday, date
 * and time of each minute, and counts the minute as open when that wall time lies in one of the day's
 * intervals and the date is not a holiday. Interval boundaries and DST changes fall on whole minutes, so a
 * minute is all open or all closed and partial minutes are counted exactly.
 *
 * The two definitions agree except for an interval boundary strictly inside a DST gap or overlap (e.g.
 * 02:30 on a New York spring-forward day), where `compileCalendar` follows Temporal's "compatible" rule
 * and this wall-time reading cannot; generate boundaries outside those hours when comparing.
 */
import type { CalendarSpec, WeeklyHoursSpec } from './calendar.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DEFAULT_LIMIT_MS = 60 * DAY_MS;
const DAY_NAMES: Record<string, string> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};
const WORKING_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

interface Oracle {
  readonly format: Intl.DateTimeFormat;
  readonly hours: WeeklyHoursSpec;
  readonly holidays: ReadonlySet<string>;
  /** Per UTC day: 1440 minutes, -1 not read yet, 0 closed, 1 open. */
  readonly days: Map<number, Int8Array>;
}

const oracles = new WeakMap<CalendarSpec, Oracle>();

function oracleFor(spec: CalendarSpec): Oracle {
  let oracle = oracles.get(spec);
  if (!oracle) {
    oracle = {
      format: new Intl.DateTimeFormat('en-US', {
        timeZone: spec.timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      }),
      hours: spec.hours === '24/7' ? { daily: ['00:00-24:00'] } : spec.hours,
      holidays: new Set((spec.holidays ?? []).map((h) => h.date)),
      days: new Map(),
    };
    oracles.set(spec, oracle);
  }
  return oracle;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Reads the wall clock of one minute with Intl and checks it against the day's intervals. */
function readMinute(oracle: Oracle, minuteMs: number): boolean {
  const text = oracle.format.format(minuteMs); // "Wed, 12/31/1969, 19:00"
  const match = /^(\w{3}), (\d{2})\/(\d{2})\/(\d+), (\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new Error(`oracle cannot read "${text}"`);
  const [, weekday, month, day, year, hour, minute] = match;
  if (oracle.holidays.has(`${year}-${month}-${day}`)) return false;
  const name = DAY_NAMES[weekday!]! as keyof WeeklyHoursSpec;
  const list =
    oracle.hours[name] ??
    (WORKING_DAYS.includes(name) ? oracle.hours.weekdays : undefined) ??
    oracle.hours.daily;
  const wall = Number(hour) * 60 + Number(minute);
  return (list ?? []).some((interval) => {
    const [from, to] = interval.split('-');
    return wall >= minutes(from!) && wall < minutes(to!);
  });
}

/** Whether the whole minute starting at `minuteMs` is open (memoised per UTC day). */
function minuteOpen(oracle: Oracle, minuteMs: number): boolean {
  const dayIndex = Math.floor(minuteMs / DAY_MS);
  let day = oracle.days.get(dayIndex);
  if (!day) oracle.days.set(dayIndex, (day = new Int8Array(1440).fill(-1)));
  const slot = (minuteMs - dayIndex * DAY_MS) / MINUTE_MS;
  if (day[slot] === -1) day[slot] = readMinute(oracle, minuteMs) ? 1 : 0;
  return day[slot] === 1;
}

const minuteStart = (atMs: number) => Math.floor(atMs / MINUTE_MS) * MINUTE_MS;

export function oracleIsOpen(spec: CalendarSpec, atMs: number): boolean {
  return minuteOpen(oracleFor(spec), minuteStart(atMs));
}

/** Open ms in [fromMs, toMs). */
export function oracleElapsed(spec: CalendarSpec, fromMs: number, toMs: number): number {
  const oracle = oracleFor(spec);
  let sum = 0;
  for (let at = fromMs; at < toMs;) {
    const minute = minuteStart(at);
    const next = Math.min(minute + MINUTE_MS, toMs);
    if (minuteOpen(oracle, minute)) sum += next - at;
    at = next;
  }
  return sum;
}

/** The earliest t with oracleElapsed(startMs, t) === businessMs; Infinity when not found within `limitMs`. */
export function oracleAdd(
  spec: CalendarSpec,
  startMs: number,
  businessMs: number,
  limitMs = DEFAULT_LIMIT_MS,
): number {
  if (businessMs <= 0) return startMs;
  const oracle = oracleFor(spec);
  let sum = 0;
  for (let at = startMs; at < startMs + limitMs;) {
    const minute = minuteStart(at);
    const next = minute + MINUTE_MS;
    if (minuteOpen(oracle, minute)) {
      if (sum + (next - at) >= businessMs) return at + (businessMs - sum);
      sum += next - at;
    }
    at = next;
  }
  return Infinity;
}

/** `atMs` when open, else the first open minute after it; Infinity when none within `limitMs`. */
export function oracleNextOpen(spec: CalendarSpec, atMs: number, limitMs = DEFAULT_LIMIT_MS): number {
  const oracle = oracleFor(spec);
  if (minuteOpen(oracle, minuteStart(atMs))) return atMs;
  for (let minute = minuteStart(atMs) + MINUTE_MS; minute < atMs + limitMs; minute += MINUTE_MS) {
    if (minuteOpen(oracle, minute)) return minute;
  }
  return Infinity;
}
