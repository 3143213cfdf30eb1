/** Health-check verdicts, thresholds, the drift-free schedule, heartbeat due times and uptime, at their boundaries. */
import { describe, expect, it } from 'vitest';
import {
  applyRun,
  cadenceCron,
  cronProblem,
  evaluateRun,
  expectedPingAfter,
  heartbeatWakeAt,
  nextRunAfter,
  onPing,
  onWake,
  uptimeOver,
  type CheckCounters,
  type CheckExpectation,
  type HeartbeatSchedule,
  type HeartbeatState,
} from './monitoring.js';

const HTTP: CheckExpectation = { kind: 'http', expectStatus: [], keyword: null, latencyThresholdMs: null };
const answer = (statusCode: number, latencyMs = 10, body = '') => ({
  statusCode,
  latencyMs,
  body,
  error: null,
});

describe('evaluateRun', () => {
  it('accepts any 2xx by default, and only the listed statuses when some are', () => {
    expect(evaluateRun(HTTP, answer(200)).ok).toBe(true);
    expect(evaluateRun(HTTP, answer(299)).ok).toBe(true);
    expect(evaluateRun(HTTP, answer(199))).toEqual({ ok: false, error: 'HTTP 199, expected a 2xx status' });
    expect(evaluateRun(HTTP, answer(301)).ok).toBe(false);
    const listed = { ...HTTP, expectStatus: [301, 302] };
    expect(evaluateRun(listed, answer(302)).ok).toBe(true);
    expect(evaluateRun(listed, answer(200))).toEqual({ ok: false, error: 'HTTP 200, expected 301 or 302' });
  });

  it('needs the keyword in the body, case-sensitively', () => {
    const keyword = { ...HTTP, keyword: 'healthy' };
    expect(evaluateRun(keyword, answer(200, 5, '{"db":"healthy"}')).ok).toBe(true);
    expect(evaluateRun(keyword, answer(200, 5, 'Healthy'))).toEqual({
      ok: false,
      error: 'the answer does not contain "healthy"',
    });
  });

  it('passes at exactly the latency threshold and fails one millisecond over', () => {
    const slow = { ...HTTP, latencyThresholdMs: 2000 };
    expect(evaluateRun(slow, answer(200, 2000)).ok).toBe(true);
    expect(evaluateRun(slow, answer(200, 2001))).toEqual({
      ok: false,
      error: 'answered in 2001 ms, over the 2000 ms threshold',
    });
  });

  it('fails with the probe error when no answer came; a TCP connect needs no status', () => {
    const refused = { statusCode: null, latencyMs: 1, body: null, error: 'refused the connection' };
    expect(evaluateRun(HTTP, refused)).toEqual({ ok: false, error: 'refused the connection' });
    const tcp: CheckExpectation = { ...HTTP, kind: 'tcp' };
    expect(evaluateRun(tcp, { statusCode: null, latencyMs: 3, body: null, error: null }).ok).toBe(true);
  });
});

describe('applyRun', () => {
  const thresholds = { failureThreshold: 3, recoveryThreshold: 2 };
  const start: CheckCounters = { status: 'unknown', consecutiveFailures: 0, consecutiveSuccesses: 0 };
  const run = (state: CheckCounters, results: boolean[]) => {
    const changes: (string | null)[] = [];
    for (const ok of results) {
      const step = applyRun(state, ok, thresholds);
      state = step.next;
      changes.push(step.change);
    }
    return { state, changes };
  };

  it('a new check is up at its first pass', () => {
    expect(run(start, [true]).changes).toEqual(['up']);
  });

  it('goes down at exactly the failure threshold, not before, and only once', () => {
    const { state, changes } = run(start, [true, false, false, false, false]);
    expect(changes).toEqual(['up', null, null, 'down', null]);
    expect(state).toEqual({ status: 'down', consecutiveFailures: 4, consecutiveSuccesses: 0 });
  });

  it('a pass between failures starts the count again', () => {
    expect(run(start, [true, false, false, true, false, false]).state.status).toBe('up');
  });

  it('comes back at exactly the recovery threshold; a failure in between starts it again', () => {
    const down = run(start, [false, false, false]).state;
    expect(down.status).toBe('down');
    expect(run(down, [true, false, true, true]).changes).toEqual([null, null, null, 'up']);
  });

  it('a run of a paused check changes nothing', () => {
    const paused: CheckCounters = { ...start, status: 'paused' };
    expect(applyRun(paused, false, thresholds)).toEqual({ next: paused, change: null });
  });
});

describe('nextRunAfter', () => {
  it('keeps to the slot grid whatever the run took', () => {
    expect(nextRunAfter(0, 30_000, 0)).toEqual({ nextRunMs: 30_000, missed: 0 });
    expect(nextRunAfter(0, 30_000, 29_999)).toEqual({ nextRunMs: 30_000, missed: 0 });
  });

  it('one interval behind exactly is the next slot, due now; more skips and counts the missed slots', () => {
    expect(nextRunAfter(0, 30_000, 30_000)).toEqual({ nextRunMs: 30_000, missed: 0 });
    expect(nextRunAfter(0, 30_000, 30_001)).toEqual({ nextRunMs: 60_000, missed: 1 });
    expect(nextRunAfter(0, 30_000, 300_500)).toEqual({ nextRunMs: 330_000, missed: 10 });
  });
});

describe('heartbeats', () => {
  const H = 3_600_000;
  const period: HeartbeatSchedule = { periodMs: 24 * H, cron: null, timeZone: 'UTC', graceMs: H };
  const fresh: HeartbeatState = { status: 'new', lastPingMs: null, lastStartMs: null, downAtMs: null };

  it('a success expects the next ping a period later, late then, down after the grace', () => {
    const up = onPing(period, fresh, 'success', 0);
    expect(up.state).toEqual({ status: 'up', lastPingMs: 0, lastStartMs: null, downAtMs: 25 * H });
    expect(up.wakeAtMs).toBe(24 * H);
    expect(onWake(period, up.state, 24 * H - 1).state.status).toBe('up');
    const late = onWake(period, up.state, 24 * H);
    expect(late.state.status).toBe('late');
    expect(late.wakeAtMs).toBe(25 * H);
    expect(onWake(period, late.state, 25 * H - 1).state.status).toBe('late');
    const down = onWake(period, late.state, 25 * H);
    expect(down.state.status).toBe('down');
    expect(down.wakeAtMs).toBeNull();
  });

  it('a new heartbeat waits for its first ping: nothing to wake for', () => {
    expect(heartbeatWakeAt(period, fresh)).toBeNull();
    expect(onWake(period, fresh, 100 * H).state.status).toBe('new');
  });

  it('a start must be followed by a success within the grace; the success records the duration', () => {
    const up = onPing(period, fresh, 'success', 0).state;
    const started = onPing(period, up, 'start', 2 * H);
    expect(started.state.status).toBe('started');
    expect(started.state.downAtMs).toBe(3 * H);
    expect(started.wakeAtMs).toBe(3 * H);
    expect(onWake(period, started.state, 3 * H).state.status).toBe('down');
    const done = onPing(period, started.state, 'success', 2 * H + 1_500);
    expect(done.durationMs).toBe(1_500);
    expect(done.state.status).toBe('up');
  });

  it('a start never pushes the deadline of the expected ping later', () => {
    const up = onPing(period, fresh, 'success', 0).state;
    const started = onPing(period, up, 'start', 24.5 * H);
    expect(started.state.downAtMs).toBe(25 * H);
  });

  it('fail is down at once; a start keeps a down heartbeat down; the next success is up', () => {
    const failed = onPing(period, fresh, 'fail', 0);
    expect(failed.state.status).toBe('down');
    expect(failed.wakeAtMs).toBeNull();
    const started = onPing(period, failed.state, 'start', H);
    expect(started.state.status).toBe('down');
    const back = onPing(period, started.state, 'success', 2 * H);
    expect(back.state.status).toBe('up');
    expect(back.durationMs).toBe(H);
  });

  it('log only records; any other signal resumes a paused heartbeat', () => {
    const paused: HeartbeatState = { ...fresh, status: 'paused' };
    expect(onPing(period, paused, 'log', 0).state).toEqual(paused);
    expect(onPing(period, paused, 'success', 0).state.status).toBe('up');
  });

  it('a cron schedule in a zone expects the next tick in local time, across a DST change', () => {
    const ny: HeartbeatSchedule = {
      periodMs: null,
      cron: '0 9 * * *',
      timeZone: 'America/New_York',
      graceMs: H,
    };
    // Saturday 7 March 2026, 09:05 EST (UTC-5); DST starts on Sunday 8 March at 02:00.
    const saturday = Date.parse('2026-03-07T14:05:00Z');
    expect(expectedPingAfter(ny, saturday)).toBe(Date.parse('2026-03-08T13:00:00Z')); // 09:00 EDT
    expect(onPing(ny, fresh, 'success', saturday).state.downAtMs).toBe(Date.parse('2026-03-08T14:00:00Z'));
    // And back in November: 09:00 EST is 14:00 UTC again.
    expect(expectedPingAfter(ny, Date.parse('2026-10-31T13:05:00Z'))).toBe(
      Date.parse('2026-11-01T14:00:00Z'),
    );
  });

  it('refuses a cron expression or zone it cannot read', () => {
    expect(cronProblem('0 2 * * *', 'Asia/Kolkata', 0)).toBeNull();
    expect(cronProblem('0 25 * * *', 'UTC', 0)).toMatch(/not a cron expression/);
    expect(cronProblem('0 2 * * *', 'Mars/Olympus', 0)).toMatch(/not a time zone/);
  });

  it('turns pack cadences into cron expressions', () => {
    expect(cadenceCron({ every: 'day' })).toBe('0 0 * * *');
    expect(cadenceCron({ every: 'day', at: '02:30' })).toBe('30 2 * * *');
    expect(cadenceCron({ every: 'week', on: 'fri' })).toBe('0 0 * * FRI');
    expect(cadenceCron({ every: 'month', on: '15' })).toBe('0 0 15 * *');
    expect(cadenceCron({ cron: '*/5 * * * *' })).toBe('*/5 * * * *');
    expect(cadenceCron({ every: 'two-weeks' })).toBeNull();
  });
});

describe('uptimeOver', () => {
  it('counts time up against time up or down, leaving unknown and paused out', () => {
    const changes = [
      { status: 'up' as const, atMs: 0 },
      { status: 'down' as const, atMs: 90 },
      { status: 'up' as const, atMs: 100 },
      { status: 'paused' as const, atMs: 150 },
      { status: 'up' as const, atMs: 190 },
    ];
    expect(uptimeOver(changes, null, 0, 200)).toEqual({ upMs: 150, downMs: 10, ratio: 150 / 160 });
  });

  it('starts from the status in force before the window and stops at its end', () => {
    expect(uptimeOver([{ status: 'up', atMs: 50 }], 'down', 0, 100)).toEqual({
      upMs: 50,
      downMs: 50,
      ratio: 0.5,
    });
    expect(uptimeOver([{ status: 'down', atMs: 150 }], 'up', 0, 100).ratio).toBe(1);
  });

  it('has no figure for a window with no time up or down', () => {
    expect(uptimeOver([], null, 0, 100).ratio).toBeNull();
    expect(uptimeOver([], 'paused', 0, 100).ratio).toBeNull();
  });
});
