import { describe, expect, it } from 'vitest';
import { reviewDueDay, reviewOverdueAt, startOfLocalDay } from './review-due.js';
import { PackSchema } from './schema/pack.js';

const pack = (review: unknown, timeZone = 'Asia/Kolkata') =>
  PackSchema.parse({
    pack: {
      id: 'p',
      title: 'P',
      version: '1',
      owner: 'Ops',
      approver: 'Ops',
      effective: '2024-01',
      review,
      timeZone,
      locales: ['en'],
      changelog: [{ version: '1', date: '2026-11-23', author: 'a', changes: 'c' }],
    },
  });

describe('review due', () => {
  it('is overdue from midnight after the last on-time day, in the pack zone', () => {
    expect(reviewDueDay(pack({ by: '2027-05' }))).toBe('2027-05-31');
    expect(reviewOverdueAt(pack({ by: '2027-05' }))?.toISOString()).toBe('2027-05-31T18:30:00.000Z');
    expect(reviewOverdueAt(pack({ by: '2027-05-10' }, 'UTC'))?.toISOString()).toBe(
      '2027-05-11T00:00:00.000Z',
    );
  });

  it('counts a cadence from the latest effective or changelog date', () => {
    expect(reviewDueDay(pack({ every: 'year' }))).toBe('2027-11-23');
    expect(reviewOverdueAt(pack({ after: 'launch week 1' }))).toBeNull();
  });

  it('finds local midnight across daylight-saving changes', () => {
    // London: 2026-03-29 starts in GMT (clocks go forward at 01:00); 2026-03-30 starts in BST.
    expect(startOfLocalDay('2026-03-29', 'Europe/London').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(startOfLocalDay('2026-03-30', 'Europe/London').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(startOfLocalDay('2026-11-02', 'America/New_York').toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });
});
