/**
 * SLA and deadline clocks as immutable values: start, pause, resume, stop and retarget return a new state;
 * reading one against its business calendar says how much time is used, when it is due and whether it was
 * met or breached. Retargeting keeps the start and the pauses, so the new target counts from the start
 * (Zendesk semantics).
 *
 * @example
 * const clock = startClock({ id: 'first-response', targetMs: 15 * 60_000, calendarId: 'whatsapp' }, nowMs);
 * readClock(clock, whatsapp, laterMs); // { phase: 'running', elapsedMs, remainingMs, dueMs, breachedAtMs: null }
 */
import type { BusinessCalendar, ClosedSpan } from './calendar.js';

export interface ClockPause {
  readonly fromMs: number;
  readonly toMs: number | null;
  readonly reason: string;
}
export interface ClockRetarget {
  readonly atMs: number;
  /** The new target and calendar. */
  readonly targetMs: number;
  readonly calendarId: string | null;
  readonly reason: string;
  /** The target and calendar it replaced. */
  readonly fromTargetMs?: number;
  readonly fromCalendarId?: string | null;
}
export interface ClockState {
  readonly id: string;
  readonly label?: string;
  /** Business time allowed, counted on the calendar. */
  readonly targetMs: number;
  /** null = wall-clock time (24/7). */
  readonly calendarId: string | null;
  readonly startedAtMs: number;
  readonly pauses: readonly ClockPause[];
  readonly stoppedAtMs: number | null;
  readonly retargets: readonly ClockRetarget[];
}
export type ClockPhase = 'running' | 'paused' | 'met' | 'breached';
export interface ClockReading {
  readonly phase: ClockPhase;
  /** Business ms consumed up to atMs (or the stop), pauses excluded. */
  readonly elapsedMs: number;
  /** target - elapsed (negative once breached). */
  readonly remainingMs: number;
  /** When the target is reached if it keeps running (null while paused); for a stopped clock, the due it had at the stop. */
  readonly dueMs: number | null;
  readonly breachedAtMs: number | null;
}

export function startClock(
  input: { id: string; label?: string; targetMs: number; calendarId: string | null },
  nowMs: number,
): ClockState {
  return {
    id: input.id,
    ...(input.label === undefined ? {} : { label: input.label }),
    targetMs: input.targetMs,
    calendarId: input.calendarId,
    startedAtMs: nowMs,
    pauses: [],
    stoppedAtMs: null,
    retargets: [],
  };
}

const isPaused = (state: ClockState) => state.pauses.at(-1)?.toMs === null;

/** No-op when already paused or stopped. */
export function pauseClock(state: ClockState, nowMs: number, reason: string): ClockState {
  if (state.stoppedAtMs !== null || isPaused(state)) return state;
  return { ...state, pauses: [...state.pauses, { fromMs: nowMs, toMs: null, reason }] };
}

/** No-op unless paused. */
export function resumeClock(state: ClockState, nowMs: number): ClockState {
  if (state.stoppedAtMs !== null || !isPaused(state)) return state;
  return { ...state, pauses: closeOpenPause(state.pauses, nowMs) };
}

/** Closes an open pause; no-op when already stopped. */
export function stopClock(state: ClockState, nowMs: number): ClockState {
  if (state.stoppedAtMs !== null) return state;
  return {
    ...state,
    stoppedAtMs: nowMs,
    pauses: isPaused(state) ? closeOpenPause(state.pauses, nowMs) : state.pauses,
  };
}

function closeOpenPause(pauses: readonly ClockPause[], nowMs: number): ClockPause[] {
  return pauses.map((pause, i) =>
    i === pauses.length - 1 ? { ...pause, toMs: Math.max(nowMs, pause.fromMs) } : pause,
  );
}

/** Keeps the start and pauses: the new target counts from the start. No-op on a stopped clock. */
export function retargetClock(
  state: ClockState,
  target: { targetMs: number; calendarId: string | null },
  nowMs: number,
  reason: string,
): ClockState {
  if (state.stoppedAtMs !== null) return state;
  const record: ClockRetarget = {
    atMs: nowMs,
    targetMs: target.targetMs,
    calendarId: target.calendarId,
    reason,
    fromTargetMs: state.targetMs,
    fromCalendarId: state.calendarId,
  };
  return {
    ...state,
    targetMs: target.targetMs,
    calendarId: target.calendarId,
    retargets: [...state.retargets, record],
  };
}

/** The clock as of `atMs`: its running spans (pauses cut out) and whether it is stopped or paused then. */
interface Timeline {
  readonly spans: readonly (readonly [number, number])[];
  readonly stopped: boolean;
  readonly paused: boolean;
  /** Where counting would continue from if the clock kept running. */
  readonly endMs: number;
}

function timeline(state: ClockState, atMs: number): Timeline {
  const stopped = state.stoppedAtMs !== null && state.stoppedAtMs <= atMs;
  const endMs = Math.max(state.startedAtMs, stopped ? state.stoppedAtMs : atMs);
  const spans: [number, number][] = [];
  let cursor = state.startedAtMs;
  let paused = false;
  for (const pause of state.pauses) {
    if (pause.fromMs >= endMs) break;
    if (pause.fromMs > cursor) spans.push([cursor, pause.fromMs]);
    if (pause.toMs === null || pause.toMs > endMs) {
      paused = !stopped;
      cursor = endMs;
      break;
    }
    cursor = Math.max(cursor, pause.toMs);
  }
  if (cursor < endMs) spans.push([cursor, endMs]);
  return { spans, stopped, paused, endMs };
}

function consumed(calendar: BusinessCalendar, spans: Timeline['spans']): number {
  return spans.reduce((sum, [from, to]) => sum + calendar.elapsed(from, to), 0);
}

/**
 * The instant `businessMs` of the target is consumed: within the recorded spans, or else by running on
 * from the timeline's end (null when that is not allowed, e.g. while paused).
 */
function reachAt(
  calendar: BusinessCalendar,
  line: Timeline,
  businessMs: number,
  runOn: boolean,
): number | null {
  if (businessMs <= 0) return line.spans[0]?.[0] ?? line.endMs;
  let used = 0;
  for (const [from, to] of line.spans) {
    const open = calendar.elapsed(from, to);
    if (used + open >= businessMs) return calendar.add(from, businessMs - used);
    used += open;
  }
  return runOn ? calendar.add(line.endMs, businessMs - used) : null;
}

const lastRetargetAt = (state: ClockState, atMs: number) =>
  state.retargets.reduce((latest, r) => (r.atMs <= atMs ? Math.max(latest, r.atMs) : latest), -Infinity);

export function readClock(state: ClockState, calendar: BusinessCalendar, atMs: number): ClockReading {
  const line = timeline(state, atMs);
  const elapsedMs = consumed(calendar, line.spans);
  const dueMs = line.paused ? null : reachAt(calendar, line, state.targetMs, true);
  const breached = line.stopped ? elapsedMs > state.targetMs : elapsedMs >= state.targetMs;
  // A target lowered below the time already used breaches at the retarget, not before it existed.
  const reached = breached ? reachAt(calendar, line, state.targetMs, false) : null;
  const breachedAtMs = reached === null ? null : Math.max(reached, lastRetargetAt(state, atMs));
  const phase: ClockPhase = breached ? 'breached' : line.stopped ? 'met' : line.paused ? 'paused' : 'running';
  return { phase, elapsedMs, remainingMs: state.targetMs - elapsedMs, dueMs, breachedAtMs };
}

/** The instant `fraction` of the target is consumed if it keeps running; null while paused or stopped, or past the due. */
export function warnAt(
  state: ClockState,
  calendar: BusinessCalendar,
  atMs: number,
  fraction: number,
): number | null {
  const line = timeline(state, atMs);
  if (line.paused || line.stopped) return null;
  const dueMs = reachAt(calendar, line, state.targetMs, true)!;
  const reached = reachAt(calendar, line, Math.round(state.targetMs * fraction), true)!;
  const warnMs = Math.max(reached, lastRetargetAt(state, atMs));
  return warnMs > dueMs ? null : warnMs;
}

export interface Derivation {
  readonly dueMs: number | null;
  readonly targetMs: number;
  readonly calendarId: string | null;
  /** Closed time between the start and the due (or now, while paused). */
  readonly closed: readonly ClosedSpan[];
  readonly paused: readonly ClockPause[];
  readonly retargets: readonly ClockRetarget[];
  readonly text: string;
}

const MAX_LISTED_SPANS = 3;

/**
 * The explanation shown in the API and UI, e.g. "due Sat 09:13 IST: 15 min on calendar whatsapp, closed
 * Fri 21:00-Sat 09:00, paused 25 min waiting on customer". Times are in `timeZone`, with the date when
 * more than three days from `atMs`.
 */
export function deriveDue(
  state: ClockState,
  calendar: BusinessCalendar,
  atMs: number,
  timeZone: string,
): Derivation {
  const reading = readClock(state, calendar, atMs);
  const line = timeline(state, atMs);
  const untilMs = reading.dueMs !== null && Number.isFinite(reading.dueMs) ? reading.dueMs : line.endMs;
  const closed = calendar.closedSpans(state.startedAtMs, untilMs);
  const time = (ms: number, zone = false) => formatDueTime(ms, timeZone, atMs, zone);

  const head =
    reading.dueMs === null
      ? 'no due while paused'
      : reading.dueMs === Infinity
        ? 'never due (the calendar never opens)'
        : `due ${time(reading.dueMs, true)}`;
  const outcome = reading.phase === 'met' || reading.phase === 'breached' ? ` (${reading.phase})` : '';
  const on = state.calendarId === null ? 'of wall-clock time' : `on calendar ${state.calendarId}`;
  const parts = [`${head}${outcome}: ${formatDurationMs(state.targetMs)} ${on}`];

  if (closed.length > 0) {
    const listed = closed.slice(0, MAX_LISTED_SPANS).map((span) => {
      const holiday = span.holiday === undefined ? '' : ` (${span.holiday})`;
      return `${time(span.fromMs)}-${time(span.toMs)}${holiday}`;
    });
    const more = closed.length > MAX_LISTED_SPANS ? ` and ${closed.length - MAX_LISTED_SPANS} more` : '';
    parts.push(`closed ${listed.join(', ')}${more}`);
  }
  const pausedText = describePauses(state.pauses, line.endMs);
  if (pausedText) parts.push(pausedText + (reading.phase === 'paused' ? ' (paused now)' : ''));
  for (const r of state.retargets) {
    const from = r.fromTargetMs === undefined ? '' : ` from ${formatDurationMs(r.fromTargetMs)}`;
    parts.push(`retargeted${from} to ${formatDurationMs(r.targetMs)} at ${time(r.atMs)} (${r.reason})`);
  }
  return {
    dueMs: reading.dueMs,
    targetMs: state.targetMs,
    calendarId: state.calendarId,
    closed,
    paused: state.pauses,
    retargets: state.retargets,
    text: parts.join(', '),
  };
}

/** "paused 25 min waiting on customer, 10 min vendor": wall time per reason, in order of first use. */
function describePauses(pauses: readonly ClockPause[], endMs: number): string {
  const byReason = new Map<string, number>();
  for (const pause of pauses) {
    const length = Math.max(0, (pause.toMs ?? endMs) - pause.fromMs);
    byReason.set(pause.reason, (byReason.get(pause.reason) ?? 0) + length);
  }
  const listed = [...byReason].map(([reason, ms]) => `${formatDurationMs(ms)} ${reason}`.trim());
  return listed.length === 0 ? '' : `paused ${listed.join(', ')}`;
}

/** "15 min", "4 h", "1 h 30 min", "2 d", "45 s"; negative durations get a minus sign. */
export function formatDurationMs(ms: number): string {
  if (ms < 0) return `-${formatDurationMs(-ms)}`;
  if (ms === Infinity) return 'forever';
  if (ms === 0) return '0 min';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ');
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(
  timeZone: string,
  locale: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${timeZone}|${locale}|${Object.keys(options).join()}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.DateTimeFormat(locale, { timeZone, ...options })));
  return format;
}

/** A short name such as EST, BST, IST or AEDT: the first English locale that has one, else "GMT+5:30". */
export function zoneAbbreviation(atMs: number, timeZone: string): string {
  // Zones change names on the hour (or half hour): one lookup per zone and half hour is enough.
  const key = `${timeZone}|${Math.floor(atMs / 1_800_000)}`;
  let name = abbreviations.get(key);
  if (name === undefined) abbreviations.set(key, (name = lookUpAbbreviation(atMs, timeZone)));
  return name;
}

const abbreviations = new Map<string, string>();

function lookUpAbbreviation(atMs: number, timeZone: string): string {
  let fallback = '';
  for (const locale of ['en-US', 'en-GB', 'en-IN', 'en-AU']) {
    const parts = formatter(timeZone, locale, { timeZoneName: 'short' }).formatToParts(atMs);
    const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
    if (!/^GMT[+-]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

/** "Mon 09:15", with "2025-01-06" after the weekday when more than three days from `nearMs`, and the zone on request. */
export function formatDueTime(ms: number, timeZone: string, nearMs: number, withZone: boolean): string {
  const format = formatter(timeZone, 'en-US', {
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const read = (at: number) => {
    const [, weekday, month, day, year, hm] =
      /^(\w+), (\d+)\/(\d+)\/(\d+), (\d+:\d+)$/.exec(format.format(at)) ?? [];
    return { weekday, date: `${year}-${month}-${day}`, hm };
  };
  const local = read(ms);
  const days = Math.abs(Date.parse(local.date) - Date.parse(read(nearMs).date)) / 86_400_000;
  const date = days > 3 ? ` ${local.date}` : '';
  const zone = withZone ? ` ${zoneAbbreviation(ms, timeZone)}` : '';
  return `${local.weekday}${date} ${local.hm}${zone}`;
}
