import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCalendar, wallClockCalendar, type CalendarSpec, type WeeklyHoursSpec } from './calendar.js';
import { oracleAdd, oracleElapsed, oracleIsOpen, oracleNextOpen } from './calendar-oracle.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

const whatsapp = compileCalendar({
  id: 'whatsapp',
  timeZone: 'Asia/Kolkata',
  hours: { daily: ['09:00-21:00'] },
});
const office = compileCalendar({
  id: 'office',
  timeZone: 'Europe/London',
  hours: { weekdays: ['09:00-13:00', '14:00-18:00'] },
  holidays: [{ date: '2025-12-25', name: 'Christmas Day' }],
});

describe('compileCalendar: fixed instants', () => {
  it('carries a WhatsApp SLA over the night in Asia/Kolkata', () => {
    // Fri 20:50 IST: 10 min until 21:00, the rest from 09:00 on Saturday.
    expect(iso(whatsapp.add(at('2025-01-10T20:50:00+05:30'), 15 * MIN))).toBe(
      iso(at('2025-01-11T09:05:00+05:30')),
    );
    expect(iso(whatsapp.add(at('2025-01-10T20:50:00+05:30'), 20 * MIN))).toBe(
      iso(at('2025-01-11T09:10:00+05:30')),
    );
    expect(iso(whatsapp.add(at('2025-01-10T20:55:00+05:30'), 15 * MIN))).toBe(
      iso(at('2025-01-11T09:10:00+05:30')),
    );
    expect(whatsapp.elapsed(at('2025-01-10T20:50:00+05:30'), at('2025-01-11T09:10:00+05:30'))).toBe(20 * MIN);
    expect(whatsapp.isOpen(at('2025-01-10T21:00:00+05:30'))).toBe(false);
    expect(whatsapp.isOpen(at('2025-01-10T20:59:59.999+05:30'))).toBe(true);
    expect(whatsapp.nextOpen(at('2025-01-10T23:00:00+05:30'))).toBe(at('2025-01-11T09:00:00+05:30'));
  });

  it('skips the lunch break and the weekend with several intervals a day', () => {
    const friday = at('2025-01-10T12:30:00Z');
    expect(iso(office.add(friday, HOUR))).toBe(iso(at('2025-01-10T14:30:00Z')));
    expect(iso(office.add(friday, 6 * HOUR))).toBe(iso(at('2025-01-13T10:30:00Z')));
    expect(office.elapsed(friday, at('2025-01-13T10:30:00Z'))).toBe(6 * HOUR);
    expect(office.closedSpans(friday, at('2025-01-13T10:30:00Z'))).toEqual([
      { fromMs: at('2025-01-10T13:00:00Z'), toMs: at('2025-01-10T14:00:00Z') },
      { fromMs: at('2025-01-10T18:00:00Z'), toMs: at('2025-01-13T09:00:00Z') },
    ]);
  });

  it('treats open/close boundaries as half-open and ends a duration exactly at closing time', () => {
    const open = at('2025-01-13T09:00:00Z');
    expect(office.isOpen(open)).toBe(true);
    expect(office.isOpen(at('2025-01-13T13:00:00Z'))).toBe(false);
    expect(office.add(open, 4 * HOUR)).toBe(at('2025-01-13T13:00:00Z'));
    expect(office.add(at('2025-01-13T13:00:00Z'), MIN)).toBe(at('2025-01-13T14:01:00Z'));
    expect(office.add(open, 0)).toBe(open);
    expect(office.add(open, -5)).toBe(open);
    expect(office.elapsed(open, open)).toBe(0);
    expect(office.elapsed(open + HOUR, open)).toBe(0);
    expect(office.nextOpen(open)).toBe(open);
  });

  it('closes a holiday for the whole local date and names it', () => {
    const eve = at('2025-12-24T17:00:00Z');
    expect(office.isOpen(at('2025-12-25T10:00:00Z'))).toBe(false);
    expect(iso(office.add(eve, 2 * HOUR))).toBe(iso(at('2025-12-26T10:00:00Z')));
    expect(office.closedSpans(eve, at('2025-12-26T10:00:00Z'))).toEqual([
      { fromMs: at('2025-12-24T18:00:00Z'), toMs: at('2025-12-26T09:00:00Z'), holiday: 'Christmas Day' },
    ]);
  });

  it('counts 23- and 25-hour days in Europe/London and America/New_York', () => {
    const london = compileCalendar({
      id: 'l',
      timeZone: 'Europe/London',
      hours: { daily: ['00:00-24:00'] },
      holidays: [{ date: '2020-01-01', name: 'x' }],
    });
    expect(london.elapsed(at('2025-03-30T00:00:00Z'), at('2025-03-30T23:00:00Z'))).toBe(23 * HOUR);
    expect(london.elapsed(at('2025-10-25T23:00:00Z'), at('2025-10-27T00:00:00Z'))).toBe(25 * HOUR);
    const ny = compileCalendar({ id: 'ny', timeZone: 'America/New_York', hours: { sun: ['00:00-24:00'] } });
    expect(ny.elapsed(at('2025-03-01T00:00:00Z'), at('2025-03-20T00:00:00Z'))).toBe(
      23 * HOUR + 24 * HOUR * 2,
    );
    expect(ny.elapsed(at('2025-11-02T04:00:00Z'), at('2025-11-03T05:00:00Z'))).toBe(25 * HOUR);
  });

  it('maps intervals crossing the DST change: gaps move forward, overlaps take the earlier instant', () => {
    const ny = compileCalendar({ id: 'ny', timeZone: 'America/New_York', hours: { sun: ['01:00-03:00'] } });
    // Spring forward (2025-03-09): 01:00 EST to 03:00 EDT is one hour.
    expect(ny.elapsed(at('2025-03-09T00:00:00Z'), at('2025-03-10T00:00:00Z'))).toBe(HOUR);
    expect(ny.add(at('2025-03-09T06:00:00Z'), HOUR)).toBe(at('2025-03-09T07:00:00Z'));
    // Fall back (2025-11-02): 01:00 EDT to 03:00 EST is three hours.
    expect(ny.elapsed(at('2025-11-02T00:00:00Z'), at('2025-11-03T00:00:00Z'))).toBe(3 * HOUR);
    expect(ny.nextOpen(at('2025-11-02T00:00:00Z'))).toBe(at('2025-11-02T05:00:00Z'));
    // A start inside the gap (02:30, which does not exist) moves forward by the gap to 03:30 EDT.
    const gap = compileCalendar({ id: 'g', timeZone: 'America/New_York', hours: { sun: ['02:30-04:00'] } });
    expect(gap.closedSpans(at('2025-03-09T07:00:00Z'), at('2025-03-09T09:00:00Z'))).toEqual([
      { fromMs: at('2025-03-09T07:00:00Z'), toMs: at('2025-03-09T07:30:00Z') },
      { fromMs: at('2025-03-09T08:00:00Z'), toMs: at('2025-03-09T09:00:00Z') },
    ]);
    // An ambiguous start (01:30 on the fall-back day) is the first 01:30 (EDT).
    const overlap = compileCalendar({
      id: 'o',
      timeZone: 'America/New_York',
      hours: { sun: ['01:30-02:00'] },
    });
    expect(overlap.elapsed(at('2025-11-02T00:00:00Z'), at('2025-11-03T00:00:00Z'))).toBe(90 * MIN);
    expect(overlap.nextOpen(at('2025-11-02T00:00:00Z'))).toBe(at('2025-11-02T05:30:00Z'));
  });

  it('joins 24:00 with the next 00:00 into one open span', () => {
    const nights = compileCalendar({
      id: 'n',
      timeZone: 'UTC',
      hours: { mon: ['20:00-24:00'], tue: ['00:00-06:00'] },
    });
    expect(nights.closedSpans(at('2025-01-13T19:00:00Z'), at('2025-01-14T07:00:00Z'))).toEqual([
      { fromMs: at('2025-01-13T19:00:00Z'), toMs: at('2025-01-13T20:00:00Z') },
      { fromMs: at('2025-01-14T06:00:00Z'), toMs: at('2025-01-14T07:00:00Z') },
    ]);
    expect(nights.add(at('2025-01-13T23:00:00Z'), 2 * HOUR)).toBe(at('2025-01-14T01:00:00Z'));
  });

  it('answers Infinity when the calendar never opens', () => {
    const never = compileCalendar({ id: 'never', timeZone: 'UTC', hours: {} });
    expect(never.add(at('2025-01-01T00:00:00Z'), MIN)).toBe(Infinity);
    expect(never.nextOpen(at('2025-01-01T00:00:00Z'))).toBe(Infinity);
    expect(never.isOpen(at('2025-01-01T00:00:00Z'))).toBe(false);
    expect(never.elapsed(at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'))).toBe(0);
  });

  it('short-circuits 24/7 and the wall clock', () => {
    const alwaysSpec: CalendarSpec = { id: 'always', timeZone: 'Europe/London', hours: '24/7' };
    const always = compileCalendar(alwaysSpec);
    const wall = wallClockCalendar('Asia/Kolkata');
    for (const calendar of [always, wall]) {
      expect(calendar.alwaysOpen).toBe(true);
      expect(calendar.add(1_000, 5_000)).toBe(6_000);
      expect(calendar.elapsed(1_000, 6_000)).toBe(5_000);
      expect(calendar.closedSpans(1_000, 6_000)).toEqual([]);
      expect(calendar.nextOpen(42)).toBe(42);
    }
    expect(wall.id).toBe('wall-clock');
    const withHoliday = compileCalendar({
      ...alwaysSpec,
      holidays: [{ date: '2025-01-01', name: 'New Year' }],
    });
    expect(withHoliday.alwaysOpen).toBe(false);
    expect(withHoliday.elapsed(at('2024-12-31T00:00:00Z'), at('2025-01-03T00:00:00Z'))).toBe(2 * DAY);
  });

  it('counts across years and decades', () => {
    const start = at('2024-12-31T16:00:00Z');
    expect(office.add(start, 3 * HOUR)).toBe(at('2025-01-01T10:00:00Z'));
    const weekday = compileCalendar({ id: 'w', timeZone: 'UTC', hours: { weekdays: ['00:00-24:00'] } });
    expect(weekday.elapsed(at('1970-01-05T00:00:00Z'), at('2199-12-30T00:00:00Z')) % (5 * DAY)).toBe(0);
    const far = weekday.add(at('2199-01-01T00:00:00Z'), 100 * DAY);
    expect(weekday.elapsed(at('2199-01-01T00:00:00Z'), far)).toBe(100 * DAY);
  });

  it('throws precise errors for bad specs', () => {
    const base: CalendarSpec = { id: 'bad', timeZone: 'UTC', hours: {} };
    expect(() => compileCalendar({ ...base, hours: { mon: ['9-17'] } })).toThrow(/"9-17" as an interval/);
    expect(() => compileCalendar({ ...base, hours: { mon: ['17:00-09:00'] } })).toThrow(
      /must start before it ends/,
    );
    expect(() => compileCalendar({ ...base, hours: { mon: ['09:00-24:30'] } })).toThrow(
      /latest end is 24:00/,
    );
    expect(() => compileCalendar({ ...base, timeZone: 'Mars/Olympus' })).toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
    expect(() => compileCalendar({ ...base, holidays: [{ date: '2025-02-30', name: 'x' }] })).toThrow(
      /YYYY-MM-DD/,
    );
    const unknownDay = { funday: ['09:00-10:00'] } as unknown as WeeklyHoursSpec;
    expect(() => compileCalendar({ ...base, hours: unknownDay })).toThrow(/unknown day "funday"/);
  });

  it('lets named days override weekdays, which override daily', () => {
    const c = compileCalendar({
      id: 'c',
      timeZone: 'UTC',
      hours: { daily: ['10:00-11:00'], weekdays: ['09:00-17:00'], fri: ['09:00-12:00'] },
    });
    expect(c.elapsed(at('2025-01-13T00:00:00Z'), at('2025-01-20T00:00:00Z'))).toBe((4 * 8 + 3 + 2) * HOUR);
  });
});

// --- Properties against the minute-by-minute oracle -------------------------------------------------

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A boundary on a quarter hour, except in 01:00-03:00 where DST gaps and overlaps sit in these zones: only
 * whole hours there, where wall-time reading (the oracle) and "compatible" mapping agree.
 */
const boundary = fc
  .tuple(fc.integer({ min: 0, max: 24 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => (h === 24 || h === 1 || h === 2 ? h * 60 : h * 60 + m));
const interval = fc
  .tuple(boundary, boundary)
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => {
    const [from, to] = a < b ? [a, b] : [b, a];
    return `${pad(Math.floor(from / 60))}:${pad(from % 60)}-${pad(Math.floor(to / 60))}:${pad(to % 60)}`;
  });
const dayHours = fc.array(interval, { minLength: 0, maxLength: 3 });
const weeklyHours: fc.Arbitrary<WeeklyHoursSpec> = fc.oneof(
  fc.record(
    Object.fromEntries(DAYS.map((d) => [d, dayHours])) as Record<(typeof DAYS)[number], typeof dayHours>,
  ),
  fc.record({ weekdays: dayHours, sat: dayHours }),
  fc.record({ daily: dayHours }, { requiredKeys: [] }),
);
/** 2024-2026, with extra weight near the DST changes of the three DST zones. */
const RANGE_START = Date.UTC(2024, 0, 1);
const DST_DAYS = ['2025-03-09', '2025-03-30', '2025-04-06', '2025-10-05', '2025-10-26', '2025-11-02'].map(
  (d) => Date.parse(`${d}T00:00:00Z`),
);
const instant = fc.oneof(
  fc.integer({ min: 0, max: (3 * 365 * DAY) / MIN }).map((m) => RANGE_START + m * MIN),
  fc
    .tuple(fc.constantFrom(...DST_DAYS), fc.integer({ min: (-3 * DAY) / MIN, max: (3 * DAY) / MIN }))
    .map(([day, m]) => day + m * MIN),
);
const holidays = fc.array(
  fc.integer({ min: 0, max: 3 * 365 }).map((d) => ({
    date: new Date(RANGE_START + d * DAY).toISOString().slice(0, 10),
    name: `holiday ${d}`,
  })),
  { maxLength: 4 },
);
const spec: fc.Arbitrary<CalendarSpec> = fc.record({
  id: fc.constant('random'),
  timeZone: fc.constantFrom(...ZONES),
  hours: weeklyHours,
  holidays: fc.oneof(
    holidays,
    // Holidays on the DST days themselves.
    fc.subarray(DST_DAYS.map((d) => ({ date: new Date(d).toISOString().slice(0, 10), name: 'dst' }))),
  ),
});
const minutes = (max: number) => fc.integer({ min: 0, max }).map((m) => m * MIN);
const RUNS = { numRuns: 100 };

describe('compileCalendar against the oracle', () => {
  it('agrees on isOpen and nextOpen', () => {
    fc.assert(
      fc.property(spec, instant, (s, t) => {
        const calendar = compileCalendar(s);
        expect(calendar.isOpen(t)).toBe(oracleIsOpen(s, t));
        const next = oracleNextOpen(s, t, 21 * DAY);
        if (next !== Infinity) expect(calendar.nextOpen(t)).toBe(next);
        else expect(calendar.nextOpen(t)).toBeGreaterThanOrEqual(t + 21 * DAY);
      }),
      RUNS,
    );
  });

  it('agrees on elapsed', () => {
    fc.assert(
      fc.property(spec, instant, minutes(3 * 1440), (s, from, length) => {
        expect(compileCalendar(s).elapsed(from, from + length)).toBe(oracleElapsed(s, from, from + length));
      }),
      RUNS,
    );
  });

  it('agrees on add', () => {
    fc.assert(
      fc.property(spec, instant, minutes(2 * 1440), (s, from, duration) => {
        const expected = oracleAdd(s, from, duration, 21 * DAY);
        const actual = compileCalendar(s).add(from, duration);
        if (expected !== Infinity) expect(iso(actual)).toBe(iso(expected));
        else expect(actual).toBeGreaterThanOrEqual(from + 21 * DAY);
      }),
      RUNS,
    );
  });

  it('inverts add with elapsed and grows add with the duration', () => {
    fc.assert(
      fc.property(
        spec,
        instant,
        fc.integer({ min: 1, max: 40 * DAY }),
        fc.integer({ min: 0, max: 40 * DAY }),
        (s, from, d1, d2) => {
          const calendar = compileCalendar(s);
          const end = calendar.add(from, d1);
          if (end !== Infinity) {
            expect(calendar.elapsed(from, end)).toBe(d1);
            expect(calendar.isOpen(end - 1)).toBe(true);
          }
          const [small, large] = d1 < d2 ? [d1, d2] : [d2, d1];
          expect(calendar.add(from, small)).toBeLessThanOrEqual(calendar.add(from, large));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns closed spans that are the complement of the open time', () => {
    fc.assert(
      fc.property(spec, instant, minutes(10 * 1440), (s, from, length) => {
        const calendar = compileCalendar(s);
        const spans = calendar.closedSpans(from, from + length);
        const closed = spans.reduce((sum, span) => sum + span.toMs - span.fromMs, 0);
        expect(closed + calendar.elapsed(from, from + length)).toBe(length);
        for (const span of spans) {
          expect(calendar.elapsed(span.fromMs, span.toMs)).toBe(0);
          expect(span.toMs === from + length || calendar.isOpen(span.toMs)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
