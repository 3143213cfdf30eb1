import { describe, expect, it } from 'vitest';
import { checklistCalendarOf, rruleOf, vtimezoneOf } from './checklist-ical.js';

const STAMP = Date.parse('2026-04-01T06:00:00Z');

describe('rruleOf', () => {
  it('writes each pack cadence as its RRULE', () => {
    expect(rruleOf({ every: 'day' })).toBe('FREQ=DAILY');
    expect(rruleOf({ every: 'day', calendar: 'business-hours' }, [1, 2, 3, 4, 5])).toBe(
      'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    );
    expect(rruleOf({ every: 'week' })).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(rruleOf({ every: 'week', on: 'fri' })).toBe('FREQ=WEEKLY;BYDAY=FR');
    expect(rruleOf({ every: 'two-weeks', on: 'tue' })).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU');
    expect(rruleOf({ every: 'month', on: '1' })).toBe('FREQ=MONTHLY;BYMONTHDAY=1');
    expect(rruleOf({ every: 'quarter' })).toBe('FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1');
    expect(rruleOf({ every: 'half-year', on: '15' })).toBe('FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15');
    expect(rruleOf({ every: 'year' })).toBe('FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1');
  });

  it('clamps a day past the 28th to the month’s last day, as the cadence does', () => {
    expect(rruleOf({ every: 'month', on: '31' })).toBe('FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1');
    expect(rruleOf({ every: 'month', on: '30' })).toBe('FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1');
  });

  it('has none for event and cron cadences', () => {
    expect(rruleOf({ on: 'every-commit' })).toBeNull();
    expect(rruleOf({ on: 'before-release' })).toBeNull();
    expect(rruleOf({ cron: '0 9 * * 1' })).toBeNull();
  });
});

describe('checklistCalendarOf', () => {
  const text = checklistCalendarOf({
    name: 'ShopSmart, checklists',
    timeZone: 'Asia/Kolkata',
    stampMs: STAMP,
    schedules: [
      {
        uid: 'schedule:backup-verification/restore-test-sample@ws_1',
        summary: 'Backup Verification (SOP-004): Restore test (sample)',
        cadence: { every: 'week' },
        firstMs: Date.parse('2026-04-05T18:30:00Z'),
      },
      {
        uid: 'schedule:daily-operations@ws_1',
        summary: 'Daily operations; review signups, payments',
        cadence: { every: 'day', at: '09:00', calendar: 'business-hours' },
        firstMs: Date.parse('2026-04-01T03:30:00Z'),
        weekdays: [1, 2, 3, 4, 5],
      },
      { uid: 'schedule:ci@ws_1', summary: 'Unit tests', cadence: { on: 'every-commit' }, firstMs: STAMP },
    ],
    runs: [
      {
        uid: 'ckr_1@ws_1',
        summary: 'Due: Backup Verification (SOP-004): Full restore drill',
        dueMs: Date.parse('2026-03-31T18:30:00Z'),
        url: 'https://ops.example/checklists/ckr_1',
      },
    ],
  });
  const lines = text.split('\r\n');

  it('is CRLF-terminated with every line at most 75 octets, continuations starting with a space', () => {
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });

  it('writes a midnight cadence as an all-day recurring event and a timed one in the pack’s zone', () => {
    const unfolded = text.replace(/\r\n /g, '');
    expect(unfolded).toContain(
      'UID:schedule:backup-verification/restore-test-sample@ws_1\r\nDTSTAMP:20260401T060000Z\r\nDTSTART;VALUE=DATE:20260406\r\nDURATION:P1D\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n',
    );
    expect(unfolded).toContain(
      'DTSTART;TZID=Asia/Kolkata:20260401T090000\r\nDURATION:PT30M\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\n',
    );
    // Escaped text (§3.3.11) and no event for a cadence without a rule.
    expect(unfolded).toContain('SUMMARY:Daily operations\\; review signups\\, payments');
    expect(unfolded).not.toContain('schedule:ci@ws_1');
  });

  it('puts each open run at its due instant, and a VTIMEZONE for the timed events', () => {
    const unfolded = text.replace(/\r\n /g, '');
    expect(unfolded).toContain('DTSTART:20260331T183000Z\r\nDTEND:20260331T190000Z\r\n');
    expect(unfolded).toContain('URL:https://ops.example/checklists/ckr_1');
    expect(unfolded).toContain('BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\nBEGIN:STANDARD\r\n');
    expect(unfolded).toContain('TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(3);
  });
});

describe('vtimezoneOf', () => {
  it('gives each offset change of a zone with summer time', () => {
    const lines = vtimezoneOf(
      'Europe/Berlin',
      Date.parse('2026-01-01T00:00:00Z'),
      Date.parse('2027-01-01T00:00:00Z'),
    );
    const text = lines.join('\n');
    // 29 March 2026 02:00 CET → 03:00 CEST; 25 October 03:00 CEST → 02:00 CET.
    expect(text).toContain('BEGIN:DAYLIGHT\nDTSTART:20260329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200');
    expect(text).toContain('BEGIN:STANDARD\nDTSTART:20261025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100');
  });
});
