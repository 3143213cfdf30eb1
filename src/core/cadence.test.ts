/** Recurring work at fixed instants: daily on business days, weekly, monthly clamped, quarterly, cron, DST. */
import { describe, expect, it } from 'vitest';
import { compileCalendar } from './calendar.js';
import { nextOccurrence } from './cadence.js';

const IST = (local: string) => Date.parse(`${local}+05:30`);
const ZONE = 'Asia/Kolkata';

describe('nextOccurrence', () => {
  it('opens at the start of the day by default, or at its time; strictly after the instant', () => {
    expect(nextOccurrence({ every: 'day' }, IST('2026-01-16T08:59:00'), ZONE)).toBe(
      IST('2026-01-17T00:00:00'),
    );
    expect(nextOccurrence({ every: 'day', at: '09:00' }, IST('2026-01-16T08:59:00'), ZONE)).toBe(
      IST('2026-01-16T09:00:00'),
    );
    expect(nextOccurrence({ every: 'day', at: '09:00' }, IST('2026-01-16T09:00:00'), ZONE)).toBe(
      IST('2026-01-17T09:00:00'),
    );
  });
  it('daily on business days skips the weekend and holidays of its calendar', () => {
    const office = compileCalendar({
      id: 'office',
      timeZone: ZONE,
      hours: { weekdays: ['09:00-18:00'] },
      holidays: [{ date: '2026-01-26', name: 'Republic Day' }],
    });
    expect(nextOccurrence({ every: 'day', at: '09:00' }, IST('2026-01-23T10:00:00'), ZONE, office)).toBe(
      IST('2026-01-27T09:00:00'),
    );
  });
  it('weekly on Monday, two-weekly, monthly on the 31st clamps to the last day, quarterly', () => {
    expect(nextOccurrence({ every: 'week', on: 'mon', at: '10:00' }, IST('2026-01-16T00:00:00'), ZONE)).toBe(
      IST('2026-01-19T10:00:00'),
    );
    const first = nextOccurrence({ every: 'two-weeks' }, IST('2026-01-01T00:00:00'), ZONE)!;
    expect(nextOccurrence({ every: 'two-weeks' }, first, ZONE)).toBe(first + 14 * 86_400_000);
    expect(nextOccurrence({ every: 'month', on: '31', at: '09:00' }, IST('2026-02-01T00:00:00'), ZONE)).toBe(
      IST('2026-02-28T09:00:00'),
    );
    expect(nextOccurrence({ every: 'quarter' }, IST('2026-01-02T00:00:00'), ZONE)).toBe(
      IST('2026-04-01T00:00:00'),
    );
  });
  it('keeps local time across DST and reads cron in the zone', () => {
    expect(
      nextOccurrence({ every: 'day', at: '09:00' }, Date.parse('2026-03-28T12:00:00Z'), 'Europe/London'),
    ).toBe(Date.parse('2026-03-29T08:00:00Z'));
    expect(
      nextOccurrence({ cron: '0 2 * * 1' }, Date.parse('2026-01-16T00:00:00Z'), 'America/New_York'),
    ).toBe(Date.parse('2026-01-19T07:00:00Z'));
  });
  it('event cadences have no next instant', () => {
    expect(nextOccurrence({ on: 'every-commit' }, 0, 'UTC')).toBeNull();
  });
});
