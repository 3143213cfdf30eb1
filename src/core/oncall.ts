/**
 * On-call schedules (issue 8): who is on call at an instant, and the shifts in a range (the calendar view
 * and the iCalendar feed). Pure: the shell reads a schedule and its overrides and passes the instants in.
 *
 * A schedule has layers; each layer hands a turn from one user to the next, daily or weekly, at a local
 * time of the schedule's zone, from its `startsAt`; a layer may be restricted to local hours. Where layers
 * overlap the one listed last wins (PagerDuty's layer order); an override wins over every layer, and of two
 * overrides the one listed last (created last) wins. Restricted-out hours fall through to the layers below.
 *
 * Reading the wall clock across DST. Every boundary (a hand-off at 09:00, a restriction's 09:00-18:00) is
 * the first instant at which the zone's clocks read that local date-time or later:
 * - a daily 09:00 hand-off in Europe/London is at 09:00 GMT in winter and 09:00 BST in summer, so the
 *   turns on the days clocks change last 23 h and 25 h;
 * - a boundary in the hour skipped by a spring-forward (01:30 on a London spring-forward day) is at the
 *   jump itself, when the clocks leap from 01:00 to 02:00 (as cron runs a job of a skipped time);
 * - in the hour repeated by a fall-back the first pass counts, and nothing happens twice.
 * Equivalently: the schedule is a function of the highest wall-clock reading reached so far, which is what
 * the brute-force oracle in oncall.test.ts computes minute by minute.
 */
import { zoneOffsetMs } from './instant.js';

/** One layer of a schedule (the `oncall_schedules.layers` items). */
export interface OnCallLayer {
  /** User ids in hand-off order; the same user may appear more than once. */
  readonly users: readonly string[];
  readonly handoff: 'daily' | 'weekly';
  /** Local time of the hand-off, `HH:MM`. */
  readonly handoffTime: string;
  /** For weekly: ISO weekday 1 (Monday) … 7 (Sunday); when left out, the weekday of `startsAt`. */
  readonly handoffDay?: number;
  /** The instant the first user's first turn starts (ISO 8601); the layer covers nothing before it. */
  readonly startsAt: string;
  /** Only these local hours (`from` inclusive, `to` exclusive; `22:00`-`06:00` spans midnight). */
  readonly restrict?: { readonly from: string; readonly to: string };
}

export interface OnCallSchedule {
  /** An IANA zone (`Europe/London`). */
  readonly timeZone: string;
  /** The last listed wins where layers overlap. */
  readonly layers: readonly OnCallLayer[];
}

export interface OnCallOverride {
  readonly userId: string;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
}

/** A stretch of time one user is on call, `[startMs, endMs)`. */
export interface Shift {
  readonly userId: string;
  readonly startMs: number;
  readonly endMs: number;
  /** The layer's index, or null for an override. */
  readonly layer: number | null;
}

export interface ScheduleProblem {
  /** JSON pointer below the schedule (`/layers/0/handoffTime`). */
  readonly pointer: string;
  readonly message: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of `HH:MM`, or null. */
export function minutesOf(hhmm: string): number | null {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** What is wrong with a schedule, each with where; empty when it can be used. */
export function scheduleProblems(schedule: OnCallSchedule): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });
  if (!isTimeZone(schedule.timeZone))
    add('/timeZone', `"${schedule.timeZone}" is not a time zone: use an IANA name such as Europe/London`);
  if (schedule.layers.length === 0) add('/layers', 'a schedule needs at least one layer');
  schedule.layers.forEach((layer, i) => {
    const at = `/layers/${i}`;
    if (layer.users.length === 0) add(`${at}/users`, 'a layer needs at least one user');
    if (minutesOf(layer.handoffTime) === null)
      add(`${at}/handoffTime`, 'a local time `HH:MM`, 00:00 to 23:59');
    if (layer.handoffDay !== undefined && layer.handoff === 'daily')
      add(`${at}/handoffDay`, 'only a weekly layer has a hand-off day');
    if (
      layer.handoffDay !== undefined &&
      !(Number.isInteger(layer.handoffDay) && layer.handoffDay >= 1 && layer.handoffDay <= 7)
    )
      add(`${at}/handoffDay`, 'an ISO weekday, 1 (Monday) to 7 (Sunday)');
    if (!Number.isFinite(Date.parse(layer.startsAt)))
      add(`${at}/startsAt`, 'an instant in ISO 8601 with its offset, e.g. 2026-03-02T09:00:00+00:00');
    if (layer.restrict) {
      const from = minutesOf(layer.restrict.from);
      const to = minutesOf(layer.restrict.to);
      if (from === null) add(`${at}/restrict/from`, 'a local time `HH:MM`');
      if (to === null) add(`${at}/restrict/to`, 'a local time `HH:MM`');
      if (from !== null && from === to)
        add(`${at}/restrict`, '`from` and `to` are the same: leave `restrict` out for all day');
    }
  });
  return problems;
}

/**
 * `firstReaching` answers by zone and wall reading: a pure function of the two (and the runtime's zone
 * data), memoised because reading a zone's offset through Intl is what every query spends its time on.
 */
const reached = new Map<string, number>();
const REACHED_MAX = 50_000;

/** The zone's clocks: wall readings of instants, and the instants wall readings are first reached. */
class WallClock {
  constructor(private readonly timeZone: string) {}

  private offset(ms: number): number {
    return zoneOffsetMs(ms, this.timeZone);
  }

  /** The local day (days since 1970-01-01 on the zone's calendar) of an instant. */
  dayOf(ms: number): number {
    return Math.floor((ms + this.offset(ms)) / DAY_MS);
  }

  /**
   * The first instant at which the clocks read `wall` (a local date-time as ms since the local epoch) or
   * later: the exact instant when the reading exists (its first pass in a fall-back), else the jump of
   * the spring-forward that skipped it.
   */
  firstReaching(wall: number): number {
    const key = `${this.timeZone}\u0000${wall}`;
    let at = reached.get(key);
    if (at === undefined) {
      if (reached.size >= REACHED_MAX) reached.clear();
      at = this.search(wall);
      reached.set(key, at);
    }
    return at;
  }

  private search(wall: number): number {
    // Zones are within ±14 h of UTC, so the answer lies in [wall - 14 h, wall + 14 h]; one transition at
    // most falls in that window, and the offsets at its two ends are the candidates.
    const before = this.offset(wall - 15 * HOUR_MS);
    const after = this.offset(wall + 15 * HOUR_MS);
    let exact: number | null = null;
    for (const o of before === after ? [before] : [before, after]) {
      const t = wall - o;
      if (this.offset(t) === o && (exact === null || t < exact)) exact = t;
    }
    if (exact !== null) return exact;
    // Skipped: the transition is between wall - after and wall - before. Zones change on whole seconds.
    let lo = Math.floor((wall - Math.max(before, after)) / 1000);
    let hi = Math.ceil((wall - Math.min(before, after)) / 1000);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const t = mid * 1000;
      if (t + this.offset(t) >= wall) hi = mid;
      else lo = mid + 1;
    }
    return lo * 1000;
  }
}

/** A layer read for one zone: its hand-off dates and its restriction windows, as instants. */
class LayerClock {
  readonly startsAtMs: number;
  private readonly handoffMinutes: number;
  /** Weekly: the first local day ≥ 0 that is a hand-off day. */
  private readonly firstHandoffDay: number;
  private readonly step: 1 | 7;
  private readonly cache = new Map<number, number>();

  constructor(
    private readonly wall: WallClock,
    private readonly layer: OnCallLayer,
  ) {
    this.startsAtMs = Date.parse(layer.startsAt);
    this.handoffMinutes = minutesOf(layer.handoffTime) ?? 0;
    this.step = layer.handoff === 'weekly' ? 7 : 1;
    // Day 0 (1970-01-01) was a Thursday, ISO weekday 4.
    const isoDay = layer.handoffDay ?? isoWeekday(wall.dayOf(this.startsAtMs));
    this.firstHandoffDay = this.step === 7 ? (((isoDay - 4) % 7) + 7) % 7 : 0;
  }

  /** The instant of the hand-off on local day `day` (a hand-off day). */
  handoffAt(day: number): number {
    let at = this.cache.get(day);
    if (at === undefined) {
      at = this.wall.firstReaching(day * DAY_MS + this.handoffMinutes * 60_000);
      this.cache.set(day, at);
    }
    return at;
  }

  /** The latest hand-off day on or before `day`. */
  private handoffDayOnOrBefore(day: number): number {
    return day - ((((day - this.firstHandoffDay) % this.step) + this.step) % this.step);
  }

  /** The last hand-off day whose hand-off is at or before `ms`. */
  lastHandoffDay(ms: number): number {
    // The clocks read at most a day ahead of `ms`'s own day (a fall-back repeats hours, never a day).
    let day = this.handoffDayOnOrBefore(this.wall.dayOf(ms) + 1);
    while (this.handoffAt(day) > ms) day -= this.step;
    return day;
  }

  nextHandoffDay(day: number): number {
    return day + this.step;
  }

  /** The user index after `day`'s hand-off, counting from the turn that began at `startsAt`. */
  turnsSinceStart(day: number): number {
    return (day - this.lastHandoffDay(this.startsAtMs)) / this.step;
  }

  /** The restriction's windows that touch `[fromMs, toMs)`, in order; null when unrestricted. */
  windows(fromMs: number, toMs: number): [number, number][] | null {
    const restrict = this.layer.restrict;
    if (!restrict) return null;
    const from = minutesOf(restrict.from) ?? 0;
    const to = minutesOf(restrict.to) ?? 0;
    const out: [number, number][] = [];
    const lastDay = this.wall.dayOf(toMs) + 1;
    for (let day = this.wall.dayOf(fromMs) - 1; day <= lastDay; day++) {
      const start = this.wall.firstReaching(day * DAY_MS + from * 60_000);
      const endDay = to > from ? day : day + 1;
      const end = this.wall.firstReaching(endDay * DAY_MS + to * 60_000);
      if (end > fromMs && start < toMs && start < end) out.push([start, end]);
    }
    return out;
  }
}

function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The turns of one layer in `[fromMs, toMs)`, restricted to its windows, in order. */
function layerShifts(
  wall: WallClock,
  layer: OnCallLayer,
  index: number,
  fromMs: number,
  toMs: number,
): Shift[] {
  if (layer.users.length === 0) return [];
  const clock = new LayerClock(wall, layer);
  const start = Math.max(fromMs, clock.startsAtMs);
  if (!(start < toMs)) return [];
  const turns: Shift[] = [];
  let day = clock.lastHandoffDay(start);
  let turn = clock.turnsSinceStart(day);
  let segmentStart = start;
  for (;;) {
    const next = clock.nextHandoffDay(day);
    const end = Math.min(clock.handoffAt(next), toMs);
    const userId = layer.users[turn % layer.users.length]!;
    if (end > segmentStart) turns.push({ userId, startMs: segmentStart, endMs: end, layer: index });
    if (end >= toMs) break;
    segmentStart = end;
    day = next;
    turn++;
  }
  const windows = clock.windows(start, toMs);
  if (!windows) return turns;
  const out: Shift[] = [];
  for (const t of turns)
    for (const [ws, we] of windows) {
      const s = Math.max(t.startMs, ws);
      const e = Math.min(t.endMs, we);
      if (s < e) out.push({ ...t, startMs: s, endMs: e });
    }
  return out;
}

/**
 * Who is on call in `[fromMs, toMs)`: consecutive shifts, each of one user from one source, merged where
 * the same user continues from the same source; gaps where nobody is on call are left out.
 *
 * @example shiftsBetween({ timeZone: 'Europe/London', layers }, [], Date.parse('2026-03-28'), Date.parse('2026-04-04'))
 */
export function shiftsBetween(
  schedule: OnCallSchedule,
  overrides: readonly OnCallOverride[],
  fromMs: number,
  toMs: number,
): Shift[] {
  if (!(fromMs < toMs)) return [];
  const wall = new WallClock(schedule.timeZone);
  const layers = schedule.layers.map((layer, i) => layerShifts(wall, layer, i, fromMs, toMs));
  const covers = overrides
    .filter((o) => o.startsAtMs < toMs && o.endsAtMs > fromMs && o.startsAtMs < o.endsAtMs)
    .map((o) => ({
      userId: o.userId,
      startMs: Math.max(o.startsAtMs, fromMs),
      endMs: Math.min(o.endsAtMs, toMs),
      layer: null,
    }));
  const bounds = new Set<number>([fromMs, toMs]);
  for (const s of [...layers.flat(), ...covers]) bounds.add(s.startMs).add(s.endMs);
  const points = [...bounds].sort((a, b) => a - b);
  const cursors = layers.map(() => 0);
  const out: Shift[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const at = points[i]!;
    let who: Shift | undefined;
    for (let o = covers.length - 1; o >= 0 && !who; o--)
      if (covers[o]!.startMs <= at && at < covers[o]!.endMs) who = covers[o];
    for (let l = layers.length - 1; l >= 0; l--) {
      const list = layers[l]!;
      while (cursors[l]! < list.length && list[cursors[l]!]!.endMs <= at) cursors[l]!++;
      const s = list[cursors[l]!];
      if (!who && s && s.startMs <= at) who = s;
    }
    if (!who) continue;
    const end = points[i + 1]!;
    const last = out[out.length - 1];
    if (last && last.endMs === at && last.userId === who.userId && last.layer === who.layer)
      out[out.length - 1] = { ...last, endMs: end };
    else out.push({ userId: who.userId, startMs: at, endMs: end, layer: who.layer });
  }
  return out;
}

/** Who is on call at `atMs` (an override first, then the last layer that has someone), or null. */
export function onCallAt(
  schedule: OnCallSchedule,
  overrides: readonly OnCallOverride[],
  atMs: number,
): { readonly userId: string; readonly layer: number | null } | null {
  const [shift] = shiftsBetween(schedule, overrides, atMs, atMs + 1);
  return shift ? { userId: shift.userId, layer: shift.layer } : null;
}

/**
 * Until when `userId` stays on call from `atMs` (whatever source covers them), looking at most `horizonMs`
 * ahead; null when they are not on call at `atMs`.
 */
export function onCallUntil(
  schedule: OnCallSchedule,
  overrides: readonly OnCallOverride[],
  userId: string,
  atMs: number,
  horizonMs: number,
): number | null {
  let until: number | null = null;
  for (const s of shiftsBetween(schedule, overrides, atMs, atMs + horizonMs)) {
    if (s.userId !== userId || s.startMs !== (until ?? atMs)) break;
    until = s.endMs;
  }
  return until;
}
