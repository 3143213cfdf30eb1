import { describe, expect, it } from 'vitest';
import { afterCadence, contractEndsAt, daysBefore, daysUntil } from './vendors.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('vendor review and contract instants', () => {
  it('adds calendar months at the same local time, the day clamped to the month end', () => {
    // 31 Aug 10:00 IST + a quarter = 30 Nov 10:00 IST (000#142: Critical, quarterly).
    expect(iso(afterCadence({ every: 'quarter' }, at('2026-08-31T04:30:00Z'), 'Asia/Kolkata'))).toBe(
      '2026-11-30T04:30:00.000Z',
    );
    expect(iso(afterCadence({ every: 'half-year' }, at('2026-03-02T04:30:00Z'), 'Asia/Kolkata'))).toBe(
      '2026-09-02T04:30:00.000Z',
    );
    expect(iso(afterCadence({ every: 'year' }, at('2028-02-29T12:00:00Z'), 'UTC'))).toBe(
      '2029-02-28T12:00:00.000Z',
    );
    // Across a DST change the local time holds: 09:00 London in March is 09:00 in June (BST).
    expect(iso(afterCadence({ every: 'quarter' }, at('2026-03-02T09:00:00Z'), 'Europe/London'))).toBe(
      '2026-06-02T08:00:00.000Z',
    );
    expect(afterCadence({ on: 'as-needed' }, 0, 'UTC')).toBeNull();
  });

  it('ends a month-only contract at the end of its last day, in the zone', () => {
    expect(iso(contractEndsAt('2024-12', 'Asia/Kolkata'))).toBe('2024-12-31T18:30:00.000Z');
    expect(iso(contractEndsAt('2025-03-15', 'UTC'))).toBe('2025-03-16T00:00:00.000Z');
    expect(contractEndsAt('rolling', 'UTC')).toBeNull();
  });

  it('counts reminder instants and days left in calendar days', () => {
    const end = at('2026-06-30T18:30:00Z'); // 1 July 00:00 IST
    expect(iso(daysBefore(end, 60, 'Asia/Kolkata'))).toBe('2026-05-01T18:30:00.000Z');
    expect(iso(daysBefore(end, 30, 'Asia/Kolkata'))).toBe('2026-05-31T18:30:00.000Z');
    expect(daysUntil(end, at('2026-06-30T12:00:00Z'), 'Asia/Kolkata')).toBe(1);
    expect(daysUntil(end, at('2026-07-02T12:00:00Z'), 'Asia/Kolkata')).toBe(-1);
  });
});
