/** The iCalendar feed's text: RFC 5545 escaping, UTC instants and folding at 75 octets. */
import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, icalendarOf, utcStamp } from './oncall-ical.js';

const octets = (s: string) => new TextEncoder().encode(s).length;

describe('iCalendar', () => {
  it('writes instants in UTC and escapes text', () => {
    expect(utcStamp(Date.parse('2026-03-29T08:00:00.250Z'))).toBe('20260329T080000Z');
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });

  it('folds long lines at 75 octets without splitting a character, and unfolds to the original', () => {
    const line = `SUMMARY:${'On call: अनन्या शर्मा (Incident Commander) '.repeat(4)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(octets(part)).toBeLessThanOrEqual(75);
    for (const part of parts.slice(1)) expect(part.startsWith(' ')).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine('SHORT:line')).toBe('SHORT:line');
  });

  it('writes a calendar with one VEVENT per shift, CRLF throughout', () => {
    const text = icalendarOf({
      name: 'Incident Commander, on call',
      stampMs: Date.parse('2026-03-01T00:00:00Z'),
      events: [
        {
          uid: 'onc_1-20260302T090000Z-usr_a@opsbook',
          startMs: Date.parse('2026-03-02T09:00:00Z'),
          endMs: Date.parse('2026-03-03T09:00:00Z'),
          summary: 'On call: Ann; Incident Commander',
        },
      ],
    });
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'X-WR-CALNAME:Incident Commander\\, on call',
        'BEGIN:VEVENT',
        'UID:onc_1-20260302T090000Z-usr_a@opsbook',
        'DTSTAMP:20260301T000000Z',
        'DTSTART:20260302T090000Z',
        'DTEND:20260303T090000Z',
        'SUMMARY:On call: Ann\\; Incident Commander',
        'END:VEVENT',
      ]),
    );
    expect(lines.filter((l) => l.startsWith('PRODID:'))).toHaveLength(1);
  });
});
