/**
 * A week as sets of minutes: open hours of calendars are compared as half-open spans of minutes from
 * Monday 00:00, so "is anyone reachable at every hour?" becomes union and complement of spans. Calendars in
 * different zones are brought to one by the zones' offsets at the moment the lint runs (`now`): exact
 * except for the hours a DST change shifts.
 */

/** `[start, end)` in minutes from Monday 00:00; 0 ≤ start < end ≤ WEEK_MINUTES. */
export type Span = readonly [start: number, end: number];

export const DAY_MINUTES = 24 * 60;
export const WEEK_MINUTES = 7 * DAY_MINUTES;
export const ALL_WEEK: Span[] = [[0, WEEK_MINUTES]];
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Sorted, with overlapping and touching spans merged. */
export function normalize(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The minutes of the week not in `spans`. */
export function complement(spans: readonly Span[]): Span[] {
  const gaps: Span[] = [];
  let cursor = 0;
  for (const [start, end] of normalize(spans)) {
    if (start > cursor) gaps.push([cursor, start]);
    cursor = end;
  }
  if (cursor < WEEK_MINUTES) gaps.push([cursor, WEEK_MINUTES]);
  return gaps;
}

export function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const [as, ae] of normalize(a)) {
    for (const [bs, be] of normalize(b)) {
      const start = Math.max(as, bs);
      const end = Math.min(ae, be);
      if (end > start) out.push([start, end]);
    }
  }
  return normalize(out);
}

/** Moves spans later by `minutes` (negative: earlier), wrapping around the end of the week. */
export function shift(spans: readonly Span[], minutes: number): Span[] {
  const by = ((minutes % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  const out: Span[] = [];
  for (const [start, end] of spans) {
    const s = start + by;
    const e = end + by;
    if (s >= WEEK_MINUTES) out.push([s - WEEK_MINUTES, e - WEEK_MINUTES]);
    else if (e > WEEK_MINUTES) out.push([s, WEEK_MINUTES], [0, e - WEEK_MINUTES]);
    else out.push([s, e]);
  }
  return normalize(out);
}

export function totalMinutes(spans: readonly Span[]): number {
  return spans.reduce((sum, [s, e]) => sum + e - s, 0);
}

/**
 * Spans as people read them, a span across Sunday midnight shown as one.
 *
 * @example formatSpans([[1260, 2000]]) // 'Mon 21:00-Tue 09:20'
 */
export function formatSpans(spans: readonly Span[], limit = 3): string {
  const merged = joinAcrossWeekEnd(normalize(spans));
  if (merged.length === 1 && merged[0]![1] - merged[0]![0] >= WEEK_MINUTES) return 'all week';
  const shown = merged.slice(0, limit).map(formatSpan);
  const rest = merged.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** `[Sun 21:00, 24:00)` and `[Mon 00:00, 09:00)` are one closed night: end may pass WEEK_MINUTES. */
function joinAcrossWeekEnd(spans: Span[]): Span[] {
  const first = spans[0];
  const last = spans.at(-1);
  if (!first || !last || spans.length < 2 || first[0] !== 0 || last[1] !== WEEK_MINUTES) return spans;
  return [...spans.slice(1, -1), [last[0], WEEK_MINUTES + first[1]]];
}

function formatSpan([start, end]: Span): string {
  const startDay = Math.floor(start / DAY_MINUTES);
  if (Math.floor((end - 1) / DAY_MINUTES) === startDay) {
    return `${dayName(startDay)} ${clock(start - startDay * DAY_MINUTES)}-${clock(end - startDay * DAY_MINUTES)}`;
  }
  const endDay = Math.floor(end / DAY_MINUTES);
  return `${dayName(startDay)} ${clock(start % DAY_MINUTES)}-${dayName(endDay)} ${clock(end % DAY_MINUTES)}`;
}

function dayName(day: number): string {
  return DAY_NAMES[day % 7]!;
}

function clock(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** `84 h`, `1 h 30 min`. */
export function formatHours(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : hours === 0 ? `${rest} min` : `${hours} h ${rest} min`;
}

/**
 * Minutes the zone is ahead of UTC at `at`; 0 for a zone this runtime does not know.
 *
 * @example zoneOffsetMinutes('Asia/Kolkata', new Date('2026-11-23T00:00:00Z')) // 330
 */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const wall = wallClock(timeZone, at);
  if (!wall) return 0;
  const utc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return Math.round((utc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The date at `at` in the zone, `YYYY-MM-DD`; the UTC date for a zone this runtime does not know.
 *
 * @example dateInZone('Asia/Kolkata', new Date('2026-11-22T20:00:00Z')) // '2026-11-23'
 */
export function dateInZone(timeZone: string, at: Date): string {
  const wall = wallClock(timeZone, at);
  if (!wall) return at.toISOString().slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

type Wall = { year: number; month: number; day: number; hour: number; minute: number };

function wallClock(timeZone: string, at: Date): Wall | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(at);
  } catch {
    return undefined;
  }
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  };
}
