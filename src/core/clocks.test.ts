import { describe, expect, it } from 'vitest';
import { compileCalendar, wallClockCalendar } from './calendar.js';
import {
  deriveDue,
  formatDurationMs,
  pauseClock,
  readClock,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  warnAt,
  type ClockState,
} from './clocks.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ist = (local: string) => Date.parse(`${local}+05:30`);
const whatsapp = compileCalendar({
  id: 'whatsapp',
  timeZone: 'Asia/Kolkata',
  hours: { daily: ['09:00-21:00'] },
});
const wall = wallClockCalendar('UTC');
// SOP-002: first response on WhatsApp within 15 business minutes.
const firstResponse = (nowMs: number): ClockState =>
  startClock(
    { id: 'first-response', label: 'first response', targetMs: 15 * MIN, calendarId: 'whatsapp' },
    nowMs,
  );

describe('clock transitions', () => {
  it('runs over the closed night and is due the next morning', () => {
    const clock = firstResponse(ist('2025-01-10T20:50:00'));
    expect(readClock(clock, whatsapp, ist('2025-01-10T20:55:00'))).toEqual({
      phase: 'running',
      elapsedMs: 5 * MIN,
      remainingMs: 10 * MIN,
      dueMs: ist('2025-01-11T09:05:00'),
      breachedAtMs: null,
    });
    expect(readClock(clock, whatsapp, ist('2025-01-11T08:00:00')).elapsedMs).toBe(10 * MIN);
  });

  it('excludes paused time, and no due while paused', () => {
    let clock = firstResponse(ist('2025-01-10T10:00:00'));
    clock = pauseClock(clock, ist('2025-01-10T10:05:00'), 'waiting on customer');
    expect(pauseClock(clock, ist('2025-01-10T10:06:00'), 'again')).toBe(clock);
    expect(readClock(clock, whatsapp, ist('2025-01-10T11:00:00'))).toEqual({
      phase: 'paused',
      elapsedMs: 5 * MIN,
      remainingMs: 10 * MIN,
      dueMs: null,
      breachedAtMs: null,
    });
    expect(warnAt(clock, whatsapp, ist('2025-01-10T11:00:00'), 0.8)).toBeNull();
    clock = resumeClock(clock, ist('2025-01-10T11:00:00'));
    expect(resumeClock(clock, ist('2025-01-10T11:01:00'))).toBe(clock);
    const reading = readClock(clock, whatsapp, ist('2025-01-10T11:02:00'));
    expect(reading).toMatchObject({
      phase: 'running',
      elapsedMs: 7 * MIN,
      dueMs: ist('2025-01-10T11:10:00'),
    });
    // 80 % of 15 min = 12 min: 5 before the pause, 7 after it.
    expect(warnAt(clock, whatsapp, ist('2025-01-10T11:02:00'), 0.8)).toBe(ist('2025-01-10T11:07:00'));
    expect(warnAt(clock, whatsapp, ist('2025-01-10T11:02:00'), 1.5)).toBeNull();
  });

  it('is met when stopped exactly at the due, breached one ms later', () => {
    const clock = firstResponse(ist('2025-01-10T20:50:00'));
    const due = ist('2025-01-11T09:05:00');
    const met = stopClock(clock, due);
    expect(readClock(met, whatsapp, due + HOUR)).toEqual({
      phase: 'met',
      elapsedMs: 15 * MIN,
      remainingMs: 0,
      dueMs: due,
      breachedAtMs: null,
    });
    expect(stopClock(met, due + HOUR)).toBe(met);
    expect(pauseClock(met, due + HOUR, 'x')).toBe(met);
    const late = stopClock(clock, due + 1);
    expect(readClock(late, whatsapp, due + HOUR)).toMatchObject({
      phase: 'breached',
      breachedAtMs: due,
      dueMs: due,
    });
  });

  it('breaches while running at the due and stays breached when paused', () => {
    let clock = firstResponse(ist('2025-01-10T10:00:00'));
    expect(readClock(clock, whatsapp, ist('2025-01-10T10:14:59')).phase).toBe('running');
    expect(readClock(clock, whatsapp, ist('2025-01-10T10:15:00'))).toMatchObject({
      phase: 'breached',
      breachedAtMs: ist('2025-01-10T10:15:00'),
    });
    clock = pauseClock(clock, ist('2025-01-10T10:20:00'), 'waiting on customer');
    expect(readClock(clock, whatsapp, ist('2025-01-10T12:00:00'))).toEqual({
      phase: 'breached',
      elapsedMs: 20 * MIN,
      remainingMs: -5 * MIN,
      dueMs: null,
      breachedAtMs: ist('2025-01-10T10:15:00'),
    });
  });

  it('stopping while paused closes the pause', () => {
    let clock = pauseClock(firstResponse(ist('2025-01-10T10:00:00')), ist('2025-01-10T10:05:00'), 'customer');
    clock = stopClock(clock, ist('2025-01-10T11:00:00'));
    expect(clock.pauses).toEqual([
      { fromMs: ist('2025-01-10T10:05:00'), toMs: ist('2025-01-10T11:00:00'), reason: 'customer' },
    ]);
    expect(readClock(clock, whatsapp, ist('2025-01-10T12:00:00'))).toMatchObject({
      phase: 'met',
      elapsedMs: 5 * MIN,
    });
  });

  it('retargets up and down keeping the time already used', () => {
    const start = Date.parse('2025-01-10T10:00:00Z');
    const clock = startClock({ id: 'resolution', targetMs: 4 * HOUR, calendarId: null }, start);
    const up = retargetClock(
      clock,
      { targetMs: 8 * HOUR, calendarId: null },
      start + HOUR,
      'priority lowered',
    );
    expect(readClock(up, wall, start + 2 * HOUR)).toMatchObject({
      phase: 'running',
      dueMs: start + 8 * HOUR,
    });
    expect(up.retargets).toEqual([
      {
        atMs: start + HOUR,
        targetMs: 8 * HOUR,
        calendarId: null,
        reason: 'priority lowered',
        fromTargetMs: 4 * HOUR,
        fromCalendarId: null,
      },
    ]);
    const down = retargetClock(
      clock,
      { targetMs: 2 * HOUR, calendarId: null },
      start + HOUR,
      'priority raised',
    );
    expect(readClock(down, wall, start + HOUR)).toMatchObject({ phase: 'running', dueMs: start + 2 * HOUR });
    // Below the time already used: breached at the retarget, not when 30 min had passed.
    const below = retargetClock(clock, { targetMs: 30 * MIN, calendarId: null }, start + HOUR, 'P1');
    expect(readClock(below, wall, start + HOUR)).toMatchObject({
      phase: 'breached',
      dueMs: start + 30 * MIN,
      breachedAtMs: start + HOUR,
    });
    expect(warnAt(below, wall, start + HOUR, 0.8)).toBeNull();
    const stopped = stopClock(clock, start + HOUR);
    expect(retargetClock(stopped, { targetMs: HOUR, calendarId: null }, start + 2 * HOUR, 'late')).toBe(
      stopped,
    );
  });

  it('counts a 25-hour day on the wall clock and on a 24-hour London calendar', () => {
    const london = compileCalendar({
      id: 'london',
      timeZone: 'Europe/London',
      hours: { daily: ['00:00-24:00'] },
    });
    const start = Date.parse('2025-10-25T23:00:00Z'); // Sun 26 Oct 00:00 BST
    const clock = startClock({ id: 'c', targetMs: 24 * HOUR, calendarId: 'london' }, start);
    expect(readClock(clock, london, start).dueMs).toBe(start + 24 * HOUR);
    const weekdays = compileCalendar({ id: 'w', timeZone: 'Europe/London', hours: { sun: ['00:00-24:00'] } });
    // Sunday 26 Oct has 25 hours: 24 h of target ends at 23:00 GMT that day.
    expect(readClock(clock, weekdays, start).dueMs).toBe(Date.parse('2025-10-26T23:00:00Z'));
    expect(readClock(clock, weekdays, Date.parse('2025-10-27T00:00:00Z')).elapsedMs).toBe(25 * HOUR);
  });
});

describe('deriveDue', () => {
  it('explains the WhatsApp due with the closed night and the pause', () => {
    let clock = firstResponse(ist('2025-01-10T20:50:00'));
    clock = pauseClock(clock, ist('2025-01-10T20:52:00'), 'waiting on customer');
    clock = resumeClock(clock, ist('2025-01-10T21:17:00'));
    const derivation = deriveDue(clock, whatsapp, ist('2025-01-10T21:30:00'), 'Asia/Kolkata');
    expect(derivation.text).toBe(
      'due Sat 09:13 IST: 15 min on calendar whatsapp, closed Fri 21:00-Sat 09:00, paused 25 min waiting on customer',
    );
    expect(derivation).toMatchObject({
      dueMs: ist('2025-01-11T09:13:00'),
      targetMs: 15 * MIN,
      calendarId: 'whatsapp',
      closed: [{ fromMs: ist('2025-01-10T21:00:00'), toMs: ist('2025-01-11T09:00:00') }],
    });
  });

  it('writes the date when far away, the outcome, retargets and holidays', () => {
    const calendar = compileCalendar({
      id: 'office',
      timeZone: 'America/New_York',
      hours: { weekdays: ['09:00-17:00'] },
      holidays: [{ date: '2025-12-25', name: 'Christmas Day' }],
    });
    const start = Date.parse('2025-12-24T16:00:00-05:00');
    let clock = startClock({ id: 'resolution', targetMs: 8 * HOUR, calendarId: 'office' }, start);
    clock = retargetClock(clock, { targetMs: 4 * HOUR, calendarId: 'office' }, start + HOUR, 'P2');
    expect(deriveDue(clock, calendar, start, 'America/New_York').text).toBe(
      'due Fri 12:00 EST: 4 h on calendar office, closed Wed 17:00-Fri 09:00 (Christmas Day), retargeted from 8 h to 4 h at Wed 17:00 (P2)',
    );
    const stopped = stopClock(clock, Date.parse('2025-12-26T10:00:00-05:00'));
    expect(
      deriveDue(stopped, calendar, Date.parse('2026-01-05T10:00:00-05:00'), 'Europe/London').text,
    ).toMatch(
      /^due Fri 2025-12-26 17:00 GMT \(met\): 4 h on calendar office, closed Wed 2025-12-24 22:00-Fri 2025-12-26 14:00 \(Christmas Day\)/,
    );
  });
});

describe('formatDurationMs', () => {
  it('writes durations the way people read them', () => {
    expect(formatDurationMs(15 * MIN)).toBe('15 min');
    expect(formatDurationMs(4 * HOUR)).toBe('4 h');
    expect(formatDurationMs(90 * MIN)).toBe('1 h 30 min');
    expect(formatDurationMs(48 * HOUR)).toBe('2 d');
    expect(formatDurationMs(-5 * MIN)).toBe('-5 min');
    expect(formatDurationMs(45_000)).toBe('45 s');
    expect(formatDurationMs(0)).toBe('0 min');
  });
});
