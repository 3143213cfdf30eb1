/**
 * Health checks and heartbeats, decided (issue 8 "Detect"): whether one run of a check passed, the up/down
 * state machine with its failure and recovery thresholds, when a check runs next without drifting, when a
 * heartbeat is late or down, and uptime from a record of status changes. Pure: instants come in as epoch
 * milliseconds; the shell (src/intake/health-checks.ts, src/modules/monitoring/) does the I/O.
 */
import { Cron } from 'croner';

export type CheckKind = 'http' | 'tcp';
export type MonitorStatus = 'unknown' | 'up' | 'down' | 'paused';
export type HeartbeatStatus = 'new' | 'up' | 'started' | 'late' | 'down' | 'paused';
export type PingKind = 'success' | 'start' | 'fail' | 'log';

// ---------------------------------------------------------------------------------------------------------
// Checks

export interface CheckExpectation {
  readonly kind: CheckKind;
  /** Accepted HTTP statuses; empty: any 2xx. */
  readonly expectStatus: readonly number[];
  /** Text the body must contain (case-sensitive), or null. */
  readonly keyword: string | null;
  /** Slower than this fails the run; exactly this passes. */
  readonly latencyThresholdMs: number | null;
}

/** What a probe saw. `error` is set when no answer came (refused, timed out, a forbidden address, DNS). */
export interface ProbeOutcome {
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly body: string | null;
  readonly error: string | null;
}

export interface RunVerdict {
  readonly ok: boolean;
  /** Why it failed, in words an on-call engineer reads in the alert. */
  readonly error: string | null;
}

const fail = (error: string): RunVerdict => ({ ok: false, error });

/**
 * @example evaluateRun({ kind: 'http', expectStatus: [], keyword: 'ok', latencyThresholdMs: 2000 },
 *   { statusCode: 200, latencyMs: 40, body: 'ok', error: null }) // { ok: true, error: null }
 */
export function evaluateRun(expect: CheckExpectation, outcome: ProbeOutcome): RunVerdict {
  if (outcome.error !== null) return fail(outcome.error);
  if (expect.kind === 'http') {
    const code = outcome.statusCode ?? 0;
    const accepted =
      expect.expectStatus.length === 0 ? code >= 200 && code <= 299 : expect.expectStatus.includes(code);
    if (!accepted) {
      const wanted = expect.expectStatus.length === 0 ? 'a 2xx status' : expect.expectStatus.join(' or ');
      return fail(`HTTP ${code}, expected ${wanted}`);
    }
    if (expect.keyword !== null && !(outcome.body ?? '').includes(expect.keyword))
      return fail(`the answer does not contain "${expect.keyword}"`);
  }
  if (expect.latencyThresholdMs !== null && outcome.latencyMs > expect.latencyThresholdMs)
    return fail(`answered in ${outcome.latencyMs} ms, over the ${expect.latencyThresholdMs} ms threshold`);
  return { ok: true, error: null };
}

export interface CheckCounters {
  readonly status: MonitorStatus;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
}

export interface CheckThresholds {
  /** Consecutive failed runs that take a check down (1: the first failure). */
  readonly failureThreshold: number;
  /** Consecutive passed runs that bring a down check back up. */
  readonly recoveryThreshold: number;
}

/**
 * The state after one run. A new check (`unknown`) is up at its first pass, and down after
 * `failureThreshold` failures in a row; a down check needs `recoveryThreshold` passes in a row. A paused
 * check's run (one in flight when it was paused) changes nothing.
 */
export function applyRun(
  state: CheckCounters,
  ok: boolean,
  thresholds: CheckThresholds,
): { readonly next: CheckCounters; readonly change: 'up' | 'down' | null } {
  if (state.status === 'paused') return { next: state, change: null };
  if (ok) {
    const successes = state.consecutiveSuccesses + 1;
    const rises =
      state.status === 'unknown' || (state.status === 'down' && successes >= thresholds.recoveryThreshold);
    const status = rises ? 'up' : state.status;
    return {
      next: { status, consecutiveFailures: 0, consecutiveSuccesses: successes },
      change: rises ? 'up' : null,
    };
  }
  const failures = state.consecutiveFailures + 1;
  const falls = state.status !== 'down' && failures >= thresholds.failureThreshold;
  return {
    next: {
      status: falls ? 'down' : state.status,
      consecutiveFailures: failures,
      consecutiveSuccesses: 0,
    },
    change: falls ? 'down' : null,
  };
}

/**
 * The slot after `slotMs` (the instant the run was due), on the grid `slotMs + k × interval`, so a
 * schedule never drifts by the time runs take. A check that fell more than an interval behind skips to
 * the first slot not before `nowMs`, and the slots passed over are `missed`.
 *
 * @example nextRunAfter(0, 30_000, 200) // { nextRunMs: 30_000, missed: 0 }
 * @example nextRunAfter(0, 30_000, 45_000) // { nextRunMs: 60_000, missed: 1 }
 */
export function nextRunAfter(
  slotMs: number,
  intervalMs: number,
  nowMs: number,
): { readonly nextRunMs: number; readonly missed: number } {
  const behindMs = nowMs - slotMs;
  const missed = behindMs > intervalMs ? Math.ceil(behindMs / intervalMs) - 1 : 0;
  return { nextRunMs: slotMs + (missed + 1) * intervalMs, missed };
}

// ---------------------------------------------------------------------------------------------------------
// Heartbeats (Healthchecks.io's model)

export interface HeartbeatSchedule {
  /** A ping is expected this long after the previous one… */
  readonly periodMs: number | null;
  /** …or at the first tick of this cron expression after it, read in `timeZone`. */
  readonly cron: string | null;
  readonly timeZone: string;
  /** How late a ping may be before the heartbeat is down; also how long a started job may run. */
  readonly graceMs: number;
}

export interface HeartbeatState {
  readonly status: HeartbeatStatus;
  readonly lastPingMs: number | null;
  readonly lastStartMs: number | null;
  /** When it goes down if no ping comes; null when nothing is expected (new, paused, down). */
  readonly downAtMs: number | null;
}

export interface HeartbeatDecision {
  readonly state: HeartbeatState;
  /** When to look again (late, then down), or null: nothing can happen before the next ping. */
  readonly wakeAtMs: number | null;
  /** From the `/start` signal to this ping, when there was one. */
  readonly durationMs: number | null;
}

/** When the ping after one at `afterMs` is expected, or null when the cron never fires again. */
export function expectedPingAfter(schedule: HeartbeatSchedule, afterMs: number): number | null {
  if (schedule.cron !== null) {
    const next = new Cron(schedule.cron, { timezone: schedule.timeZone }).nextRun(new Date(afterMs));
    return next ? next.getTime() : null;
  }
  return schedule.periodMs === null ? null : afterMs + schedule.periodMs;
}

/** The instant a timer should wake the heartbeat: late at the expected ping, down after the grace. */
export function heartbeatWakeAt(schedule: HeartbeatSchedule, state: HeartbeatState): number | null {
  if (state.downAtMs === null) return null;
  if (state.status === 'up') return state.downAtMs - schedule.graceMs;
  if (state.status === 'late' || state.status === 'started') return state.downAtMs;
  return null;
}

function decided(schedule: HeartbeatSchedule, state: HeartbeatState, durationMs: number | null) {
  return { state, wakeAtMs: heartbeatWakeAt(schedule, state), durationMs };
}

/**
 * A ping arrived. `success` makes it up and expects the next one; `fail` makes it down at once; `start`
 * marks a run in progress, which must succeed within the grace (a down heartbeat stays down until a
 * success); `log` only records. Any signal but `log` resumes a paused heartbeat.
 */
export function onPing(
  schedule: HeartbeatSchedule,
  state: HeartbeatState,
  kind: PingKind,
  nowMs: number,
): HeartbeatDecision {
  switch (kind) {
    case 'log':
      return decided(schedule, state, null);
    case 'start': {
      if (state.status === 'down') return decided(schedule, { ...state, lastStartMs: nowMs }, null);
      const running = state.status === 'up' || state.status === 'late' || state.status === 'started';
      const deadline = nowMs + schedule.graceMs;
      const downAtMs = running && state.downAtMs !== null ? Math.min(state.downAtMs, deadline) : deadline;
      return decided(schedule, { ...state, status: 'started', lastStartMs: nowMs, downAtMs }, null);
    }
    case 'success':
    case 'fail': {
      const durationMs = state.lastStartMs === null ? null : Math.max(0, nowMs - state.lastStartMs);
      const expected = kind === 'success' ? expectedPingAfter(schedule, nowMs) : null;
      const next: HeartbeatState = {
        status: kind === 'success' ? 'up' : 'down',
        lastPingMs: nowMs,
        lastStartMs: null,
        downAtMs: expected === null ? null : expected + schedule.graceMs,
      };
      return decided(schedule, next, durationMs);
    }
  }
}

/** A timer woke the heartbeat: late once the expected ping is past, down once the grace is too. */
export function onWake(schedule: HeartbeatSchedule, state: HeartbeatState, nowMs: number): HeartbeatDecision {
  const waiting = state.status === 'up' || state.status === 'late' || state.status === 'started';
  if (!waiting || state.downAtMs === null) return decided(schedule, state, null);
  if (nowMs >= state.downAtMs) return decided(schedule, { ...state, status: 'down' }, null);
  if (state.status === 'up' && nowMs >= state.downAtMs - schedule.graceMs)
    return decided(schedule, { ...state, status: 'late' }, null);
  return decided(schedule, state, null);
}

/** Why a cron expression or zone cannot be used, or null when croner reads it and it fires at least once. */
export function cronProblem(cron: string, timeZone: string, nowMs: number): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    return `"${timeZone}" is not a time zone; use an IANA name such as Europe/London`;
  }
  try {
    const next = new Cron(cron, { timezone: timeZone }).nextRun(new Date(nowMs));
    return next ? null : 'the schedule never fires';
  } catch (error) {
    return `not a cron expression (${(error as Error).message}); e.g. "0 2 * * *" for 02:00 daily`;
  }
}

/** A pack cadence (`{ every: day, at: '02:00' }`) as a cron expression, or null when it has none. */
export function cadenceCron(cadence: {
  readonly every?: string;
  readonly at?: string;
  readonly on?: string;
  readonly cron?: string;
}): string | null {
  if (cadence.cron !== undefined) return cadence.cron;
  const [hour, minute] = (cadence.at ?? '00:00').split(':').map(Number) as [number, number];
  const time = `${minute} ${hour}`;
  const day = /^\d{1,2}$/.test(cadence.on ?? '') ? cadence.on! : '1';
  switch (cadence.every) {
    case 'day':
      return `${time} * * *`;
    case 'week':
      return `${time} * * ${(cadence.on ?? 'mon').slice(0, 3).toUpperCase()}`;
    case 'month':
      return `${time} ${day} * *`;
    case 'quarter':
      return `${time} ${day} 1,4,7,10 *`;
    case 'half-year':
      return `${time} ${day} 1,7 *`;
    case 'year':
      return `${time} ${day} 1 *`;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Uptime

export interface CheckStatusChange {
  readonly status: MonitorStatus;
  readonly atMs: number;
}

export interface UptimeFigure {
  readonly upMs: number;
  readonly downMs: number;
  /** up / (up + down); null when the check was never up or down in the window (new, paused). */
  readonly ratio: number | null;
}

/**
 * Uptime over [fromMs, toMs) from status changes in time order: time spent up against time up or down.
 * Time unknown or paused counts for neither, so a paused check's window is not held against it.
 * `before` is the status in force at `fromMs` (the last change before it), if any.
 */
export function uptimeOver(
  changes: readonly CheckStatusChange[],
  before: MonitorStatus | null,
  fromMs: number,
  toMs: number,
): UptimeFigure {
  let upMs = 0;
  let downMs = 0;
  let status = before;
  let since = fromMs;
  const close = (untilMs: number) => {
    const spanMs = Math.max(0, Math.min(untilMs, toMs) - since);
    if (status === 'up') upMs += spanMs;
    else if (status === 'down') downMs += spanMs;
  };
  for (const change of changes) {
    if (change.atMs >= toMs) break;
    if (change.atMs > since) {
      close(change.atMs);
      since = change.atMs;
    }
    status = change.status;
  }
  close(toMs);
  const total = upMs + downMs;
  return { upMs, downMs, ratio: total === 0 ? null : upMs / total };
}
