/**
 * On-call schedule maths at fixed instants (hand-offs across London's and New York's DST changes, a
 * hand-off in a skipped and in a repeated hour, weekly turns, restrictions falling through to the layer
 * below, overrides) and, as a property, against a brute-force oracle that shares no code with it: it
 * walks minute by minute, reads each minute's wall clock from Intl, keeps the highest reading so far, and
 * counts hand-offs and restriction hours on that reading with plain arithmetic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  onCallAt,
  onCallUntil,
  scheduleProblems,
  shiftsBetween,
  type OnCallLayer,
  type OnCallOverride,
  type OnCallSchedule,
  type Shift,
} from './oncall.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const who = (s: OnCallSchedule, t: string, overrides: OnCallOverride[] = []) =>
  onCallAt(s, overrides, at(t))?.userId ?? null;
const brief = (shifts: readonly Shift[]) =>
  shifts.map((s) => `${s.userId} ${iso(s.startMs)} ${iso(s.endMs)}`);

const daily = (
  users: string[],
  handoffTime: string,
  startsAt: string,
  extra: Partial<OnCallLayer> = {},
): OnCallLayer => ({ users, handoff: 'daily', handoffTime, startsAt, ...extra });

describe('on-call at fixed instants', () => {
  const london = (layers: OnCallLayer[]): OnCallSchedule => ({ timeZone: 'Europe/London', layers });

  it('keeps a daily 09:00 hand-off at 09:00 local across the spring-forward (a 23-hour turn)', () => {
    // 2026-03-29: London clocks go from 01:00 GMT to 02:00 BST.
    const s = london([daily(['ann', 'bob', 'cat'], '09:00', '2026-03-27T09:00:00Z')]);
    expect(brief(shiftsBetween(s, [], at('2026-03-27T09:00:00Z'), at('2026-03-31T00:00:00Z')))).toEqual([
      'ann 2026-03-27T09:00:00.000Z 2026-03-28T09:00:00.000Z',
      'bob 2026-03-28T09:00:00.000Z 2026-03-29T08:00:00.000Z',
      'cat 2026-03-29T08:00:00.000Z 2026-03-30T08:00:00.000Z',
      'ann 2026-03-30T08:00:00.000Z 2026-03-31T00:00:00.000Z',
    ]);
    expect(who(s, '2026-03-29T07:59:00Z')).toBe('bob');
    expect(who(s, '2026-03-29T08:00:00Z')).toBe('cat');
  });

  it('keeps it at 09:00 local across the fall-back (a 25-hour turn)', () => {
    // 2026-10-25: London clocks go from 02:00 BST back to 01:00 GMT.
    const s = london([daily(['ann', 'bob'], '09:00', '2026-10-23T08:00:00Z')]);
    expect(brief(shiftsBetween(s, [], at('2026-10-24T00:00:00Z'), at('2026-10-26T12:00:00Z')))).toEqual([
      'ann 2026-10-24T00:00:00.000Z 2026-10-24T08:00:00.000Z',
      'bob 2026-10-24T08:00:00.000Z 2026-10-25T09:00:00.000Z',
      'ann 2026-10-25T09:00:00.000Z 2026-10-26T09:00:00.000Z',
      'bob 2026-10-26T09:00:00.000Z 2026-10-26T12:00:00.000Z',
    ]);
  });

  it('hands off at the jump when the hand-off time is skipped, and once when it is repeated', () => {
    const skipped = london([daily(['ann', 'bob'], '01:30', '2026-03-27T12:00:00Z')]);
    // 01:30 does not exist on 2026-03-29: the clocks leap from 01:00 to 02:00 at 01:00 UTC.
    expect(who(skipped, '2026-03-28T01:30:00Z')).toBe('bob');
    expect(who(skipped, '2026-03-29T00:59:00Z')).toBe('bob');
    expect(who(skipped, '2026-03-29T01:00:00Z')).toBe('ann');
    const repeated = london([daily(['ann', 'bob'], '01:30', '2026-10-23T12:00:00Z')]);
    // 01:30 happens twice on 2026-10-25 (00:30 UTC in BST, 01:30 UTC in GMT): the first counts.
    expect(who(repeated, '2026-10-25T00:29:00Z')).toBe('bob');
    expect(who(repeated, '2026-10-25T00:30:00Z')).toBe('ann');
    expect(who(repeated, '2026-10-25T01:45:00Z')).toBe('ann');
    expect(who(repeated, '2026-10-26T01:29:00Z')).toBe('ann');
    expect(who(repeated, '2026-10-26T01:30:00Z')).toBe('bob');
  });

  it('follows New York across its spring-forward at 02:00', () => {
    const s: OnCallSchedule = {
      timeZone: 'America/New_York',
      layers: [daily(['ann', 'bob'], '08:00', '2026-03-06T13:00:00Z')],
    };
    // EST (-05:00) until 2026-03-08 07:00 UTC, then EDT (-04:00).
    expect(who(s, '2026-03-07T12:59:00Z')).toBe('ann');
    expect(who(s, '2026-03-07T13:00:00Z')).toBe('bob');
    expect(who(s, '2026-03-08T11:59:00Z')).toBe('bob');
    expect(who(s, '2026-03-08T12:00:00Z')).toBe('ann');
  });

  it('rotates weekly on the hand-off day, the first turn running from startsAt', () => {
    const s: OnCallSchedule = {
      timeZone: 'Asia/Kolkata',
      layers: [
        {
          users: ['ann', 'bob'],
          handoff: 'weekly',
          handoffDay: 1,
          handoffTime: '10:00',
          startsAt: '2026-03-04T10:00:00+05:30', // a Wednesday
        },
      ],
    };
    expect(who(s, '2026-03-04T04:29:00Z')).toBeNull();
    expect(who(s, '2026-03-09T04:29:00Z')).toBe('ann'); // Mon 09:59 IST
    expect(who(s, '2026-03-09T04:30:00Z')).toBe('bob'); // Mon 10:00 IST
    expect(who(s, '2026-03-16T04:30:00Z')).toBe('ann');
    expect(who(s, '2027-03-15T04:30:00Z')).toBe('ann'); // 53 weeks on
  });

  it('lets a restricted layer cover its hours only, the layer below the rest', () => {
    const s = london([
      daily(['night'], '00:00', '2026-01-01T00:00:00Z'),
      daily(['ann', 'bob'], '09:00', '2026-01-05T09:00:00Z', { restrict: { from: '09:00', to: '18:00' } }),
    ]);
    expect(brief(shiftsBetween(s, [], at('2026-01-05T06:00:00Z'), at('2026-01-06T12:00:00Z')))).toEqual([
      'night 2026-01-05T06:00:00.000Z 2026-01-05T09:00:00.000Z',
      'ann 2026-01-05T09:00:00.000Z 2026-01-05T18:00:00.000Z',
      'night 2026-01-05T18:00:00.000Z 2026-01-06T09:00:00.000Z',
      'bob 2026-01-06T09:00:00.000Z 2026-01-06T12:00:00.000Z',
    ]);
    const overnight = london([
      daily(['ann'], '09:00', '2026-01-01T00:00:00Z', { restrict: { from: '22:00', to: '06:00' } }),
    ]);
    expect(who(overnight, '2026-01-05T23:00:00Z')).toBe('ann');
    expect(who(overnight, '2026-01-06T05:59:00Z')).toBe('ann');
    expect(who(overnight, '2026-01-06T06:00:00Z')).toBeNull();
  });

  it('puts overrides first, the last listed winning, and says until when someone is on call', () => {
    const s = london([daily(['ann', 'bob'], '09:00', '2026-01-05T09:00:00Z')]);
    const overrides = [
      { userId: 'cat', startsAtMs: at('2026-01-05T12:00:00Z'), endsAtMs: at('2026-01-05T15:00:00Z') },
      { userId: 'dan', startsAtMs: at('2026-01-05T13:00:00Z'), endsAtMs: at('2026-01-05T14:00:00Z') },
    ];
    expect(who(s, '2026-01-05T12:30:00Z', overrides)).toBe('cat');
    expect(who(s, '2026-01-05T13:30:00Z', overrides)).toBe('dan');
    expect(who(s, '2026-01-05T14:30:00Z', overrides)).toBe('cat');
    expect(who(s, '2026-01-05T15:00:00Z', overrides)).toBe('ann');
    expect(onCallAt(s, overrides, at('2026-01-05T13:30:00Z'))?.layer).toBeNull();
    const until = onCallUntil(s, overrides, 'ann', at('2026-01-05T15:00:00Z'), 7 * DAY);
    expect(iso(until!)).toBe('2026-01-06T09:00:00.000Z');
    expect(onCallUntil(s, overrides, 'bob', at('2026-01-05T15:00:00Z'), 7 * DAY)).toBeNull();
  });

  it('lists what is wrong with a schedule, field by field', () => {
    const problems = scheduleProblems({
      timeZone: 'Mars/Olympus',
      layers: [
        { users: [], handoff: 'daily', handoffTime: '24:00', startsAt: 'soon', handoffDay: 2 },
        {
          users: ['a'],
          handoff: 'weekly',
          handoffTime: '09:00',
          handoffDay: 8,
          startsAt: '2026-01-01T00:00:00Z',
          restrict: { from: '09:00', to: '09:00' },
        },
      ],
    });
    expect(problems.map((p) => p.pointer)).toEqual([
      '/timeZone',
      '/layers/0/users',
      '/layers/0/handoffTime',
      '/layers/0/handoffDay',
      '/layers/0/startsAt',
      '/layers/1/handoffDay',
      '/layers/1/restrict',
    ]);
    expect(scheduleProblems({ timeZone: 'UTC', layers: [] })).toEqual([
      { pointer: '/layers', message: 'a schedule needs at least one layer' },
    ]);
  });
});

// --- The oracle ---------------------------------------------------------------------------------------

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall-clock reading of an instant, as ms since the local epoch, straight from Intl. */
function wallOf(zone: string, ms: number): number {
  let f = wallFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    wallFormats.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute);
}

/** The highest wall reading reached at each minute of `[from, to)` (a fall-back's repeat does not lower it). */
function maxWalls(zone: string, from: number, to: number): Float64Array {
  const out = new Float64Array((to - from) / MIN);
  // A day before is enough to have seen any repeated hour's first pass.
  let max = -Infinity;
  for (let t = from - DAY; t < from; t += MIN) max = Math.max(max, wallOf(zone, t));
  for (let i = 0; i < out.length; i++) {
    max = Math.max(max, wallOf(zone, from + i * MIN));
    out[i] = max;
  }
  return out;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Hand-off local date-times up to wall reading `w`, counted from an arbitrary origin. */
function handoffsUpTo(layer: OnCallLayer, zone: string, w: number): number {
  const offset = minutes(layer.handoffTime) * MIN;
  if (layer.handoff === 'daily') return Math.floor((w - offset) / DAY);
  const startDay = Math.floor(wallOf(zone, Date.parse(layer.startsAt)) / DAY);
  const isoDay = layer.handoffDay ?? ((((startDay + 3) % 7) + 7) % 7) + 1;
  // Day 0 (1970-01-01) was a Thursday; the first hand-off day on or after it:
  const first = (((isoDay - 4) % 7) + 7) % 7;
  return Math.floor((w - offset - first * DAY) / (7 * DAY));
}

function oracle(
  s: OnCallSchedule,
  overrides: readonly OnCallOverride[],
  from: number,
  to: number,
): (string | null)[] {
  const walls = maxWalls(s.timeZone, from, to);
  const startWalls = s.layers.map((l) => {
    const start = Date.parse(l.startsAt);
    return maxWalls(s.timeZone, start, start + MIN)[0]!;
  });
  const out: (string | null)[] = [];
  for (let i = 0; i < walls.length; i++) {
    const t = from + i * MIN;
    const w = walls[i]!;
    let found: string | null = null;
    for (const o of overrides) if (o.startsAtMs <= t && t < o.endsAtMs) found = o.userId;
    for (let l = s.layers.length - 1; l >= 0 && found === null; l--) {
      const layer = s.layers[l]!;
      if (t < Date.parse(layer.startsAt)) continue;
      if (layer.restrict) {
        const m = Math.floor((((w % DAY) + DAY) % DAY) / MIN);
        const a = minutes(layer.restrict.from);
        const b = minutes(layer.restrict.to);
        if (!(a < b ? a <= m && m < b : m >= a || m < b)) continue;
      }
      const turn = handoffsUpTo(layer, s.timeZone, w) - handoffsUpTo(layer, s.timeZone, startWalls[l]!);
      found = layer.users[turn % layer.users.length]!;
    }
    out.push(found);
  }
  return out;
}

// --- Properties ---------------------------------------------------------------------------------------

const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Lord_Howe', // a 30-minute DST change
  'Pacific/Chatham', // +12:45 / +13:45
  'America/Santiago', // changes at midnight
  'America/Havana', // changes at midnight
  'Asia/Kolkata',
  'UTC',
];

/** Each zone's offset changes in 2025-2027, found by scanning hours (the instants are what matters). */
const TRANSITIONS: { zone: string; t: number; localMinute: number }[] = (() => {
  const found: { zone: string; t: number; localMinute: number }[] = [];
  const offset = (zone: string, t: number) => wallOf(zone, t) - Math.floor(t / MIN) * MIN;
  for (const zone of ZONES) {
    let previous = offset(zone, Date.UTC(2025, 0, 1));
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 11, 31); t += HOUR) {
      const current = offset(zone, t);
      if (current !== previous) {
        // The change to the minute, and the local time just before it (where gaps and repeats sit).
        let m = t - HOUR;
        while (offset(zone, m + MIN) === previous) m += MIN;
        found.push({ zone, t: m + MIN, localMinute: Math.floor((wallOf(zone, m) % DAY) / MIN) });
      }
      previous = current;
    }
  }
  return found;
})();

const clock = (minute: number) => {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};
/** A local time: anywhere, or (mostly) within 90 minutes of the local time of a DST change. */
const hhmmNear = (localMinute: number | null) =>
  fc.oneof(
    fc.integer({ min: 0, max: 1439 }).map(clock),
    ...(localMinute === null
      ? []
      : [
          fc.integer({ min: -90, max: 90 }).map((d) => clock(localMinute + d)),
          fc.integer({ min: -2, max: 2 }).map((d) => clock(localMinute + d * 30)),
        ]),
  );
const layerOf = (anchor: number, localMinute: number | null) =>
  fc
    .record(
      {
        users: fc.array(fc.constantFrom('ann', 'bob', 'cat', 'dan'), { minLength: 1, maxLength: 4 }),
        handoff: fc.constantFrom('daily', 'weekly'),
        handoffTime: hhmmNear(localMinute),
        handoffDay: fc.integer({ min: 1, max: 7 }),
        startsBefore: fc.integer({ min: -1440, max: 60 * 1440 }),
        restrict: fc.tuple(hhmmNear(localMinute), hhmmNear(localMinute)).filter(([a, b]) => a !== b),
      },
      { requiredKeys: ['users', 'handoff', 'handoffTime', 'startsBefore'] },
    )
    .map((r): OnCallLayer => ({
      users: r.users,
      handoff: r.handoff,
      handoffTime: r.handoffTime,
      ...(r.handoff === 'weekly' && r.handoffDay !== undefined ? { handoffDay: r.handoffDay } : {}),
      startsAt: iso(anchor - r.startsBefore * MIN),
      ...(r.restrict ? { restrict: { from: r.restrict[0], to: r.restrict[1] } } : {}),
    }));
/** Mostly a range around a DST change of the schedule's zone; sometimes any zone, any time in 2025-2027. */
const placement = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRANSITIONS) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 3 * 365 * 1440 }))
      .map(([zone, m]) => ({ zone, t: Date.UTC(2025, 0, 1) + m * MIN, localMinute: null })),
  },
);
const scenario = placement.chain(({ zone, t, localMinute }) =>
  fc.integer({ min: -2 * 1440, max: 1440 }).chain((shift) => {
    const from = t + shift * MIN;
    return fc.record({
      from: fc.constant(from),
      lengthMinutes: fc.integer({ min: 1, max: 3 * 1440 }),
      schedule: fc.record({
        timeZone: fc.constant(zone),
        layers: fc.array(layerOf(from, localMinute), { minLength: 1, maxLength: 3 }),
      }),
      overrides: fc.array(
        fc
          .tuple(
            fc.constantFrom('eve', 'fay', 'ann'),
            fc.integer({ min: -600, max: 3 * 1440 }),
            fc.integer({ min: 1, max: 1440 }),
          )
          .map(([userId, start, length]) => ({
            userId,
            startsAtMs: from + start * MIN,
            endsAtMs: from + (start + length) * MIN,
          })),
        { maxLength: 3 },
      ),
    });
  }),
);

describe('on-call against the minute-by-minute oracle', () => {
  it('agrees on who is on call at every minute of a range, and on every shift boundary', () => {
    fc.assert(
      fc.property(scenario, ({ from, lengthMinutes, schedule, overrides }) => {
        expect(scheduleProblems(schedule)).toEqual([]);
        const to = from + lengthMinutes * MIN;
        const expected = oracle(schedule, overrides, from, to);
        const shifts = shiftsBetween(schedule, overrides, from, to);
        const actual: (string | null)[] = [];
        let previous: Shift | undefined;
        for (const s of shifts) {
          expect(s.startMs).toBeLessThan(s.endMs);
          if (previous) {
            expect(s.startMs).toBeGreaterThanOrEqual(previous.endMs);
            // Merged: the same user from the same source never continues in a second shift.
            if (s.startMs === previous.endMs)
              expect(s.userId !== previous.userId || s.layer !== previous.layer).toBe(true);
          }
          previous = s;
        }
        for (let t = from; t < to; t += MIN) {
          const covering = shifts.find((s) => s.startMs <= t && t < s.endMs);
          actual.push(covering?.userId ?? null);
        }
        const firstDiff = actual.findIndex((a, i) => a !== expected[i]);
        expect(firstDiff === -1 ? null : `${iso(from + firstDiff * MIN)}: ${actual[firstDiff]}`).toBe(
          firstDiff === -1 ? null : `${iso(from + firstDiff * MIN)}: ${expected[firstDiff]}`,
        );
        // And the point query agrees with the range at its first minute.
        expect(onCallAt(schedule, overrides, from)?.userId ?? null).toBe(expected[0]);
      }),
      { numRuns: 120 },
    );
  });
});
