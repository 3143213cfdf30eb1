/**
 * Recurring work as an iCalendar feed (RFC 5545), for calendar apps: one VEVENT per pack schedule with an
 * RRULE from its cadence, and one per open run at its due instant. Pure: the shell passes the schedules
 * (with their first occurrence), the runs and the stamp instant. Text escaping, line folding and UTC
 * stamps are the on-call feed's (oncall-ical.ts).
 *
 * Decisions:
 * - A cadence at local midnight (the default: "the work of its day") is an all-day event (DTSTART with
 *   VALUE=DATE), which needs no time zone. A cadence at a time of day is a timed event of 30 min in the
 *   pack's zone (DTSTART;TZID=…), with a VTIMEZONE giving that zone's offsets over the feed's years
 *   (§3.6.5: one observance per offset change, no rule, so any zone is exact for those years).
 * - `every: day` on a calendar (Smart Estate's business days) is BYDAY of the weekdays it falls on; the
 *   calendar's holidays are not in the rule (a run is still not opened on them).
 * - `on: <day>` past the 28th is the last of days 28..n (BYMONTHDAY=28,…,n;BYSETPOS=-1): the cadence
 *   clamps to the month's last day, as cadence.ts does.
 * - `cron` cadences and event cadences (`on: every-commit`) have no rule: they are left out (their open
 *   runs still appear at their due instants).
 */
import type { CadenceSpec } from './cadence.js';
import { zoneOffsetMs } from './instant.js';
import { escapeText, foldLine, utcStamp } from './oncall-ical.js';

export interface ScheduleEvent {
  /** Stable across refreshes: the schedule's key, e.g. `schedule:daily@ws_…`. */
  readonly uid: string;
  readonly summary: string;
  readonly description?: string;
  readonly cadence: CadenceSpec;
  /** The schedule's first occurrence (DTSTART), an instant. */
  readonly firstMs: number;
  /** The weekdays (0 = Sunday) an `every: day` cadence on a calendar falls on; omitted: every day. */
  readonly weekdays?: readonly number[];
  readonly url?: string;
}

export interface DueEvent {
  readonly uid: string;
  readonly summary: string;
  readonly description?: string;
  readonly dueMs: number;
  readonly url?: string;
}

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const WEEKDAY: Readonly<Record<string, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const MONTHS: Readonly<Record<string, number>> = { month: 1, quarter: 3, 'half-year': 6 };
const EVENT_MS = 30 * 60_000;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The RRULE of a cadence (without `RRULE:`), or null when it has none (cron, event cadences).
 *
 * @example rruleOf({ every: 'week', on: 'mon' }) // 'FREQ=WEEKLY;BYDAY=MO'
 */
export function rruleOf(cadence: CadenceSpec, weekdays?: readonly number[]): string | null {
  if (!('every' in cadence)) return null;
  const day = DAYS[WEEKDAY[cadence.on ?? 'mon'] ?? 1]!;
  switch (cadence.every) {
    case 'day':
      return weekdays && weekdays.length < 7
        ? `FREQ=WEEKLY;BYDAY=${[...weekdays]
            .sort()
            .map((d) => DAYS[d])
            .join(',')}`
        : 'FREQ=DAILY';
    case 'week':
      return `FREQ=WEEKLY;BYDAY=${day}`;
    case 'two-weeks':
      return `FREQ=WEEKLY;INTERVAL=2;BYDAY=${day}`;
    case 'year':
      // In January, as the cadence runs: without BYMONTH a yearly BYMONTHDAY expands to every month.
      return `FREQ=YEARLY;BYMONTH=1;${monthDay(cadence.on)}`;
    default: {
      const interval = MONTHS[cadence.every];
      if (!interval) return null;
      return `FREQ=MONTHLY${interval > 1 ? `;INTERVAL=${interval}` : ''};${monthDay(cadence.on)}`;
    }
  }
}

function monthDay(on: string | undefined): string {
  const n = Math.min(Math.max(Number.parseInt(on ?? '1', 10) || 1, 1), 31);
  if (n <= 28) return `BYMONTHDAY=${n}`;
  const days = Array.from({ length: n - 27 }, (_, i) => 28 + i);
  return `BYMONTHDAY=${days.join(',')};BYSETPOS=-1`;
}

/** `20260401T090000`: the local date-time of an instant in a zone (§3.3.5, form 3 with TZID). */
const localStamp = (ms: number, timeZone: string): string => wallStamp(ms + zoneOffsetMs(ms, timeZone));

/** A wall-clock reading (ms as if UTC) written as a local DATE-TIME. */
function wallStamp(wallMs: number): string {
  const d = new Date(wallMs);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

const offsetText = (ms: number) => {
  const minutes = Math.round(ms / 60_000);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
};

/** The zone's offset changes between two instants, found a day at a time, then to the minute. */
function transitions(timeZone: string, fromMs: number, toMs: number) {
  const found: { atMs: number; from: number; to: number }[] = [];
  const DAY = 86_400_000;
  // On whole minutes, so a change is found at its minute (02:00:00, not 02:00:37).
  for (let t = Math.floor(fromMs / 60_000) * 60_000; t < toMs; t += DAY) {
    const a = zoneOffsetMs(t, timeZone);
    const b = zoneOffsetMs(t + DAY, timeZone);
    if (a === b) continue;
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (zoneOffsetMs(mid, timeZone) === a) lo = mid;
      else hi = mid;
    }
    found.push({ atMs: hi, from: a, to: b });
  }
  return found;
}

/** A VTIMEZONE for `timeZone` exact from `fromMs` to `toMs` (§3.6.5). */
export function vtimezoneOf(timeZone: string, fromMs: number, toMs: number): string[] {
  const first = zoneOffsetMs(fromMs, timeZone);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  // The onset is the local time on the clocks before the change (§3.6.5: 02:00 for a spring-forward).
  const observance = (kind: string, atMs: number, from: number, to: number) => [
    `BEGIN:${kind}`,
    `DTSTART:${wallStamp(atMs + from)}`,
    `TZOFFSETFROM:${offsetText(from)}`,
    `TZOFFSETTO:${offsetText(to)}`,
    `END:${kind}`,
  ];
  lines.push(...observance('STANDARD', fromMs, first, first));
  for (const t of transitions(timeZone, fromMs, toMs))
    lines.push(...observance(t.to > t.from ? 'DAYLIGHT' : 'STANDARD', t.atMs, t.from, t.to));
  lines.push('END:VTIMEZONE');
  return lines;
}

/**
 * A VCALENDAR of the schedules and the open runs' due instants, CRLF-terminated.
 *
 * @example checklistCalendarOf({ name: 'POS checklists', timeZone: 'UTC', stampMs, schedules, runs })
 */
export function checklistCalendarOf(input: {
  readonly name: string;
  readonly timeZone: string;
  readonly stampMs: number;
  readonly schedules: readonly ScheduleEvent[];
  readonly runs: readonly DueEvent[];
}): string {
  const { timeZone, stampMs } = input;
  const stamp = utcStamp(stampMs);
  const events: string[] = [];
  let timed = false;
  for (const s of input.schedules) {
    const rule = rruleOf(s.cadence, s.weekdays);
    if (!rule) continue;
    const local = localStamp(s.firstMs, timeZone);
    const allDay = local.endsWith('T000000');
    timed ||= !allDay;
    events.push(
      'BEGIN:VEVENT',
      `UID:${s.uid}`,
      `DTSTAMP:${stamp}`,
      allDay ? `DTSTART;VALUE=DATE:${local.slice(0, 8)}` : `DTSTART;TZID=${timeZone}:${local}`,
      allDay ? 'DURATION:P1D' : 'DURATION:PT30M',
      `RRULE:${rule}`,
      `SUMMARY:${escapeText(s.summary)}`,
      ...(s.description ? [`DESCRIPTION:${escapeText(s.description)}`] : []),
      ...(s.url ? [`URL:${s.url}`] : []),
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  for (const r of input.runs)
    events.push(
      'BEGIN:VEVENT',
      `UID:${r.uid}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utcStamp(r.dueMs)}`,
      `DTEND:${utcStamp(r.dueMs + EVENT_MS)}`,
      `SUMMARY:${escapeText(r.summary)}`,
      ...(r.description ? [`DESCRIPTION:${escapeText(r.description)}`] : []),
      ...(r.url ? [`URL:${r.url}`] : []),
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  const firsts = input.schedules.map((s) => s.firstMs);
  const fromMs = Math.min(stampMs, ...firsts) - 86_400_000;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Opsbook//Checklists//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(input.name)}`,
    ...(timed ? vtimezoneOf(timeZone, fromMs, stampMs + 3 * 366 * 86_400_000) : []),
    ...events,
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
