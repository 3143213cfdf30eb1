/**
 * Business calendars: weekly opening hours in an IANA zone, minus holidays, compiled to per-year tables of
 * open intervals (epoch ms, half-open) with prefix sums of open time, so `add` and `elapsed` are binary
 * searches whatever the SLA length. Year tables are built lazily from Intl-derived UTC offsets.
 *
 * DST follows Temporal's "compatible" disambiguation: a wall time in a spring-forward gap moves forward
 * by the gap, an ambiguous fall-back wall time takes the earlier instant. So "00:00-24:00" is 23 h of open
 * time on a 23-hour day and 25 h on a 25-hour day.
 *
 * @example
 * const whatsapp = compileCalendar({ id: 'whatsapp', timeZone: 'Asia/Kolkata', hours: { daily: ['09:00-21:00'] } });
 * whatsapp.add(Date.parse('2025-01-10T20:50:00+05:30'), 15 * 60_000); // Sat 2025-01-11 09:05 IST
 */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** As in the pack schema: per-day lists of 'HH:MM-HH:MM' (end may be '24:00'); 'weekdays' = mon-fri and 'daily' = every day are shorthands that named days override; a day not listed is closed. */
export type WeeklyHoursSpec = Partial<Record<Weekday | 'weekdays' | 'daily', readonly string[]>>;
export interface CalendarSpec {
  readonly id: string;
  readonly timeZone: string; // IANA
  readonly hours: '24/7' | WeeklyHoursSpec;
  /** Whole closed local dates ('YYYY-MM-DD' in the calendar's zone). */
  readonly holidays?: readonly { readonly date: string; readonly name: string }[];
}
export interface ClosedSpan {
  readonly fromMs: number;
  readonly toMs: number;
  readonly holiday?: string;
}
export interface BusinessCalendar {
  readonly id: string;
  readonly timeZone: string;
  readonly alwaysOpen: boolean;
  /** Open intervals are half-open [start, end). */
  isOpen(atMs: number): boolean;
  /** `atMs` if open, else the start of the next open interval; Infinity if never. */
  nextOpen(atMs: number): number;
  /** The earliest t with elapsed(startMs, t) === businessMs (a duration ending at closing time returns the closing instant); startMs when businessMs <= 0; Infinity if never. */
  add(startMs: number, businessMs: number): number;
  /** Open ms in [fromMs, toMs); 0 when toMs <= fromMs. */
  elapsed(fromMs: number, toMs: number): number;
  /** Maximal closed spans inside [fromMs, toMs), clipped, in order; `holiday` names the holiday(s) it covers. */
  closedSpans(fromMs: number, toMs: number): ClosedSpan[];
}

/** Weekday names by `Date#getUTCDay()` index. */
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const AVERAGE_YEAR_MS = 365.2425 * DAY_MS;
/** Tables exist for local years FIRST_YEAR..LAST_YEAR; searches past LAST_YEAR answer Infinity. */
const FIRST_YEAR = 1800;
const LAST_YEAR = 2399;
const INTERVAL = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes of the local day, [start, end), sorted and merged; index = getUTCDay(). */
type Week = readonly (readonly (readonly [number, number])[])[];

interface YearTable {
  readonly year: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** cum[i] = open ms in intervals 0..i-1; cum[count] = total. */
  readonly cum: Float64Array;
  readonly total: number;
  readonly holidays: readonly { readonly fromMs: number; readonly toMs: number; readonly name: string }[];
}

/** Index of the last element <= x in arr[0..n), or -1. */
function lastAtOrBefore(arr: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * UTC offsets of one zone, read from Intl once per day (at UTC midnight) and bisected to the second where
 * they change, cached per UTC year; shared by every calendar in the zone.
 */
class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  /** Per UTC year: the instants where an offset starts (the first is the year start) and the offsets. */
  private readonly years = new Map<number, { readonly at: Float64Array; readonly offsets: Float64Array }>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** local - UTC in ms at `atMs`, from the cached transitions. */
  offsetAt(atMs: number): number {
    const year = new Date(atMs).getUTCFullYear();
    let table = this.years.get(year);
    if (!table) this.years.set(year, (table = this.buildYear(year)));
    return table.offsets[Math.max(0, lastAtOrBefore(table.at, table.at.length, atMs))]!;
  }

  /** The instant of a local wall time (given as if it were UTC): gap -> forward by the gap, overlap -> earlier. */
  localToUtc(localMs: number): number {
    const before = this.offsetAt(localMs - DAY_MS);
    const after = this.offsetAt(localMs + DAY_MS);
    if (before === after) return localMs - before;
    const early = localMs - before;
    const late = localMs - after;
    const earlyValid = this.offsetAt(early) === before;
    const lateValid = this.offsetAt(late) === after;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (lateValid) return late;
    // Valid with the earlier offset, or in a gap: the earlier offset moves it forward by the gap.
    return early;
  }

  /** Slow: one Intl call. */
  private read(atMs: number): number {
    const second = Math.floor(atMs / 1000) * 1000;
    const match = /(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)/.exec(this.format.format(second));
    if (!match) throw new Error(`cannot read the local time in ${this.timeZone}`);
    const [mo, d, y, h, mi, s] = match.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const local = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
    local.setUTCFullYear(y);
    return local.getTime() - second;
  }

  private buildYear(year: number): { at: Float64Array; offsets: Float64Array } {
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    const at = [start];
    const offsets = [this.read(start)];
    let previousMs = start;
    for (let sample = start + DAY_MS; sample <= end; sample += DAY_MS) {
      const offset = this.read(sample);
      if (offset !== offsets[offsets.length - 1]) {
        // Bisect (in seconds) for the first instant with the new offset.
        let lo = previousMs;
        let hi = sample;
        while (hi - lo > 1000) {
          const mid = Math.floor((lo + hi) / 2000) * 1000;
          if (this.read(mid) === offset) hi = mid;
          else lo = mid;
        }
        if (hi < end) {
          at.push(hi);
          offsets.push(offset);
        }
      }
      previousMs = sample;
    }
    return { at: Float64Array.from(at), offsets: Float64Array.from(offsets) };
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The shared offsets of a zone; throws a precise error for an unknown zone. */
function zoneOffsets(timeZone: string, owner: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (!zone) {
    try {
      zone = new ZoneOffsets(timeZone);
    } catch {
      throw new Error(`${owner}: unknown time zone "${timeZone}"; use an IANA name such as "Europe/London"`);
    }
    zones.set(timeZone, zone);
  }
  return zone;
}

function parseInterval(text: string, where: string): [number, number] {
  const match = INTERVAL.exec(text.trim());
  if (!match)
    throw new Error(
      `${where}: cannot read "${text}" as an interval; write 'HH:MM-HH:MM', e.g. '09:00-17:00'`,
    );
  const [sh, sm, eh, em] = match.slice(1).map(Number) as [number, number, number, number];
  if (sh > 23 || sm > 59) throw new Error(`${where}: "${text}" starts at a time that does not exist`);
  if ((eh > 23 || em > 59) && !(eh === 24 && em === 0)) {
    throw new Error(`${where}: "${text}" ends at a time that does not exist (the latest end is 24:00)`);
  }
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  if (start >= end) throw new Error(`${where}: "${text}" must start before it ends`);
  return [start, end];
}

function mergeMinutes(intervals: [number, number][]): [number, number][] {
  intervals.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of intervals) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Weekly hours to minutes per weekday: a named day overrides 'weekdays', which overrides 'daily'. */
export function parseWeeklyHours(hours: CalendarSpec['hours'], calendarId: string): Week {
  const spec: WeeklyHoursSpec = hours === '24/7' ? { daily: ['00:00-24:00'] } : hours;
  for (const key of Object.keys(spec)) {
    if (key !== 'weekdays' && key !== 'daily' && !WEEKDAYS.includes(key as Weekday)) {
      throw new Error(
        `calendar "${calendarId}": unknown day "${key}" in hours; use mon..sun, weekdays or daily`,
      );
    }
  }
  return WEEKDAYS.map((day, index) => {
    const texts = spec[day] ?? (index >= 1 && index <= 5 ? spec.weekdays : undefined) ?? spec.daily ?? [];
    const where = `calendar "${calendarId}" hours for ${day}`;
    return mergeMinutes(texts.map((text) => parseInterval(text, where)));
  });
}

/** Holiday dates to names; several names on one date are joined. */
export function parseHolidays(spec: CalendarSpec): Map<string, string> {
  const byDate = new Map<string, string>();
  for (const { date, name } of spec.holidays ?? []) {
    const match = DATE.exec(date);
    const [y, m, d] = match ? match.slice(1).map(Number) : [NaN, NaN, NaN];
    const ms = Date.UTC(y!, m! - 1, d);
    if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
      throw new Error(
        `calendar "${spec.id}": holiday "${name}" has date "${date}"; write a real date as YYYY-MM-DD`,
      );
    }
    const previous = byDate.get(date);
    byDate.set(date, previous === undefined || previous === name ? name : `${previous}, ${name}`);
  }
  return byDate;
}

class AlwaysOpenCalendar implements BusinessCalendar {
  readonly alwaysOpen = true;
  constructor(
    readonly id: string,
    readonly timeZone: string,
  ) {}
  isOpen(): boolean {
    return true;
  }
  nextOpen(atMs: number): number {
    return atMs;
  }
  add(startMs: number, businessMs: number): number {
    return businessMs <= 0 ? startMs : startMs + businessMs;
  }
  elapsed(fromMs: number, toMs: number): number {
    return toMs <= fromMs ? 0 : toMs - fromMs;
  }
  closedSpans(): ClosedSpan[] {
    return [];
  }
}

class TableCalendar implements BusinessCalendar {
  readonly alwaysOpen = false;
  private readonly tables: (YearTable | undefined)[] = [];
  private readonly neverOpen: boolean;
  private lastTable: YearTable | undefined;

  constructor(
    readonly id: string,
    readonly timeZone: string,
    private readonly week: Week,
    private readonly holidays: ReadonlyMap<string, string>,
    private readonly zone: ZoneOffsets,
  ) {
    this.neverOpen = week.every((day) => day.length === 0);
  }

  isOpen(atMs: number): boolean {
    const table = this.tableAt(atMs);
    const i = lastAtOrBefore(table.starts, table.count, atMs);
    return i >= 0 && atMs < table.ends[i]!;
  }

  nextOpen(atMs: number): number {
    if (this.neverOpen || atMs === Infinity) return Infinity;
    let table = this.tableAt(atMs);
    const i = lastAtOrBefore(table.starts, table.count, atMs);
    if (i >= 0 && atMs < table.ends[i]!) return atMs;
    if (i + 1 < table.count) return table.starts[i + 1]!;
    for (;;) {
      if (table.year >= LAST_YEAR) return Infinity;
      table = this.table(table.year + 1);
      if (table.count > 0) return table.starts[0]!;
    }
  }

  add(startMs: number, businessMs: number): number {
    if (businessMs <= 0) return startMs;
    if (this.neverOpen || startMs === Infinity || businessMs === Infinity) return Infinity;
    let table = this.tableAt(startMs);
    let target = openBefore(table, startMs) + businessMs;
    while (target > table.total) {
      if (table.year >= LAST_YEAR) return Infinity;
      target -= table.total;
      table = this.table(table.year + 1);
    }
    // The first interval whose running total reaches the target (so an exact fit ends at its close).
    let lo = 1;
    let hi = table.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (table.cum[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    const i = lo - 1;
    return table.starts[i]! + (target - table.cum[i]!);
  }

  elapsed(fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return 0;
    let table = this.tableAt(fromMs);
    let sum = -openBefore(table, fromMs);
    while (toMs > table.endMs) {
      sum += table.total;
      table = this.table(table.year + 1);
    }
    return sum + openBefore(table, toMs);
  }

  closedSpans(fromMs: number, toMs: number): ClosedSpan[] {
    if (toMs <= fromMs) return [];
    const spans: { fromMs: number; toMs: number }[] = [];
    const holidays: YearTable['holidays'][number][] = [];
    let cursor = fromMs;
    let table = this.tableAt(fromMs);
    let i = Math.max(0, lastAtOrBefore(table.starts, table.count, fromMs));
    for (;;) {
      holidays.push(...table.holidays);
      for (; i < table.count && table.starts[i]! < toMs; i++) {
        if (table.starts[i]! > cursor) spans.push({ fromMs: cursor, toMs: table.starts[i]! });
        cursor = Math.max(cursor, table.ends[i]!);
      }
      if (toMs <= table.endMs) break;
      table = this.table(table.year + 1);
      i = 0;
    }
    if (cursor < toMs) spans.push({ fromMs: cursor, toMs });
    return spans.map((span) => {
      const names = holidays.filter((h) => h.fromMs < span.toMs && h.toMs > span.fromMs).map((h) => h.name);
      return names.length > 0 ? { ...span, holiday: names.join(', ') } : span;
    });
  }

  /** The table of the local year containing `atMs`. */
  private tableAt(atMs: number): YearTable {
    const last = this.lastTable;
    if (last && atMs >= last.startMs && atMs < last.endMs) return last;
    if (!Number.isFinite(atMs)) throw new RangeError(`calendar "${this.id}": ${atMs} is not an instant`);
    // An estimate of the year (no allocation on the hot path), corrected by the table boundaries.
    let table = this.table(1970 + Math.floor(atMs / AVERAGE_YEAR_MS));
    while (atMs < table.startMs) table = this.table(table.year - 1);
    while (atMs >= table.endMs) table = this.table(table.year + 1);
    this.lastTable = table;
    return table;
  }

  private table(year: number): YearTable {
    if (year < FIRST_YEAR || year > LAST_YEAR + 1) {
      throw new RangeError(`calendar "${this.id}": year ${year} is outside ${FIRST_YEAR}-${LAST_YEAR}`);
    }
    return (this.tables[year - FIRST_YEAR] ??= this.buildYear(year));
  }

  private buildYear(year: number): YearTable {
    const toUtc = (localMs: number) => this.zone.localToUtc(localMs);
    const firstDay = Date.UTC(year, 0, 1);
    const nextYear = Date.UTC(year + 1, 0, 1);
    const pairs: [number, number][] = [];
    const holidays: { fromMs: number; toMs: number; name: string }[] = [];
    for (let day = firstDay; day < nextYear; day += DAY_MS) {
      const name = this.holidays.get(new Date(day).toISOString().slice(0, 10));
      if (name !== undefined) {
        holidays.push({ fromMs: toUtc(day), toMs: toUtc(day + DAY_MS), name });
        continue;
      }
      for (const [start, end] of this.week[new Date(day).getUTCDay()]!) {
        const from = toUtc(day + start * MINUTE_MS);
        const to = toUtc(day + end * MINUTE_MS);
        // A start inside a spring-forward gap can land after an end just past it: no open time then.
        if (to > from) pairs.push([from, to]);
      }
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [from, to] of pairs) {
      if (starts.length > 0 && from <= ends[ends.length - 1]!) {
        ends[ends.length - 1] = Math.max(ends[ends.length - 1]!, to);
      } else {
        starts.push(from);
        ends.push(to);
      }
    }
    const cum = new Float64Array(starts.length + 1);
    for (let i = 0; i < starts.length; i++) cum[i + 1] = cum[i]! + (ends[i]! - starts[i]!);
    return {
      year,
      startMs: toUtc(firstDay),
      endMs: toUtc(nextYear),
      count: starts.length,
      starts: Float64Array.from(starts),
      ends: Float64Array.from(ends),
      cum,
      total: cum[starts.length]!,
      holidays,
    };
  }
}

/** Open ms from the table's year start to `atMs` (which lies within the year or at its end). */
function openBefore(table: YearTable, atMs: number): number {
  const i = lastAtOrBefore(table.starts, table.count, atMs);
  if (i < 0) return 0;
  return table.cum[i]! + Math.min(atMs, table.ends[i]!) - table.starts[i]!;
}

/**
 * Compiles a calendar spec; throws on a bad interval, an unknown day or zone, or a bad holiday date
 * (the pack loader validates first, so a throw here is a programming error).
 */
export function compileCalendar(spec: CalendarSpec): BusinessCalendar {
  const zone = zoneOffsets(spec.timeZone, `calendar "${spec.id}"`);
  const week = parseWeeklyHours(spec.hours, spec.id);
  const holidays = parseHolidays(spec);
  if (spec.hours === '24/7' && holidays.size === 0) return new AlwaysOpenCalendar(spec.id, spec.timeZone);
  return new TableCalendar(spec.id, spec.timeZone, week, holidays, zone);
}

/** Plain elapsed time (24/7), for clocks that are not on a business calendar. */
export function wallClockCalendar(timeZone: string): BusinessCalendar {
  zoneOffsets(timeZone, 'wall-clock calendar');
  return new AlwaysOpenCalendar('wall-clock', timeZone);
}
