import { describe, expect, it } from 'vitest';
import {
  addDays,
  computeUptime,
  localDate,
  meetsTarget,
  round2Down,
  uptimeWindow,
  type StatusChange,
} from './uptime.js';

const at = (iso: string) => new Date(iso).getTime();
const change = (status: StatusChange['status'], iso: string): StatusChange => ({ status, atMs: at(iso) });
const HOUR = 3600;

describe('uptime per day', () => {
  it('cuts days at local midnight in the workspace zone (Asia/Kolkata, +05:30)', () => {
    // 18:00-19:00 UTC is 23:30-00:30 IST: half an hour on each of two IST days.
    const changes = [
      change('operational', '2025-01-01T00:00:00Z'),
      change('major-outage', '2025-03-10T18:00:00Z'),
      change('operational', '2025-03-10T19:00:00Z'),
    ];
    const uptime = computeUptime(changes, at('2025-03-12T06:00:00Z'), 'Asia/Kolkata');
    const byDay = new Map(uptime.days.map((d) => [d.day, d]));
    expect(byDay.get('2025-03-10')!.majorSeconds).toBe(1800);
    expect(byDay.get('2025-03-11')!.majorSeconds).toBe(1800);
    expect(byDay.get('2025-03-10')!.level).toBe('major-outage');
    expect(byDay.get('2025-03-09')!.level).toBe('operational');
    expect(byDay.get('2025-03-10')!.startMs).toBe(at('2025-03-09T18:30:00Z'));
    // In UTC the same hour is one day's.
    const utc = computeUptime(changes, at('2025-03-12T06:00:00Z'), 'UTC');
    expect(utc.days.find((d) => d.day === '2025-03-10')!.majorSeconds).toBe(HOUR);
    expect(utc.days.find((d) => d.day === '2025-03-11')!.majorSeconds).toBe(0);
  });

  it('splits an outage spanning midnight between the two days', () => {
    const changes = [
      change('operational', '2025-01-01T00:00:00Z'),
      change('major-outage', '2025-03-10T23:00:00Z'),
      change('operational', '2025-03-11T01:30:00Z'),
    ];
    const uptime = computeUptime(changes, at('2025-03-12T12:00:00Z'), 'UTC');
    const day10 = uptime.days.find((d) => d.day === '2025-03-10')!;
    const day11 = uptime.days.find((d) => d.day === '2025-03-11')!;
    expect([day10.majorSeconds, day11.majorSeconds]).toEqual([HOUR, 1.5 * HOUR]);
    expect(day10.percent).toBe(round2Down(100 * (1 - 1 / 24)));
    expect(day11.percent).toBe(round2Down(100 * (1 - 1.5 / 24)));
    expect(uptime.downSeconds).toBe(2.5 * HOUR);
  });

  it('starts the window with the status of the last change before it', () => {
    const now = at('2025-06-30T12:00:00Z');
    // Down since 100 days ago: the whole window is down, though no change falls inside it.
    const down = computeUptime(
      [
        change('operational', '2024-01-01T00:00:00Z'),
        { status: 'major-outage', atMs: now - 100 * 86_400_000 },
      ],
      now,
      'UTC',
    );
    expect(down.days).toHaveLength(90);
    expect(down.days.every((d) => d.level === 'major-outage')).toBe(true);
    expect(down.percent).toBe(0);
    // Recovered 95 days ago: the window is all up, and every day has data.
    const up = computeUptime(
      [
        { status: 'major-outage', atMs: now - 100 * 86_400_000 },
        { status: 'operational', atMs: now - 95 * 86_400_000 },
      ],
      now,
      'UTC',
    );
    expect(up.days.every((d) => d.level === 'operational')).toBe(true);
    expect(up.percent).toBe(100);
  });

  it('has no data before the first status, and leaves it out of the percentage', () => {
    const now = at('2025-06-30T12:00:00Z');
    const uptime = computeUptime(
      [change('operational', '2025-06-28T00:00:00Z'), change('major-outage', '2025-06-30T06:00:00Z')],
      now,
      'UTC',
    );
    expect(uptime.days.filter((d) => d.level === 'no-data')).toHaveLength(87);
    expect(uptime.days.at(-1)!.measuredSeconds).toBe(12 * HOUR); // today, up to now
    expect(uptime.measuredSeconds).toBe(60 * HOUR);
    expect(uptime.percent).toBe(round2Down(100 * (1 - 6 / 60)));
    expect(computeUptime([], now, 'UTC').percent).toBeNull();
  });

  it('weighs partial outage at 30 %, counts degraded as up and leaves maintenance out', () => {
    const changes = [
      change('operational', '2025-03-01T00:00:00Z'),
      change('partial-outage', '2025-03-10T00:00:00Z'),
      change('degraded', '2025-03-10T10:00:00Z'),
      change('maintenance', '2025-03-10T12:00:00Z'),
      change('operational', '2025-03-10T18:00:00Z'),
    ];
    const day = computeUptime(changes, at('2025-03-11T00:00:00Z'), 'UTC').days.find(
      (d) => d.day === '2025-03-10',
    )!;
    expect(day).toMatchObject({
      partialSeconds: 10 * HOUR,
      degradedSeconds: 2 * HOUR,
      maintenanceSeconds: 6 * HOUR,
      measuredSeconds: 18 * HOUR,
      level: 'partial-outage',
    });
    // 10 h partial = 3 h down, over 18 h measured.
    expect(day.percent).toBe(round2Down(100 * (1 - 3 / 18)));
  });

  it('gives a DST day its 23 or 25 hours', () => {
    const window = uptimeWindow(at('2025-03-15T12:00:00Z'), 'America/New_York', 10);
    const spring = window.find((d) => d.day === '2025-03-09')!;
    expect(spring.endMs - spring.startMs).toBe(23 * HOUR * 1000);
    const fall = uptimeWindow(at('2025-11-05T12:00:00Z'), 'America/New_York', 10).find(
      (d) => d.day === '2025-11-02',
    )!;
    expect(fall.endMs - fall.startMs).toBe(25 * HOUR * 1000);
  });

  it('reads dates in the zone and steps them across months', () => {
    expect(localDate(at('2025-03-10T20:00:00Z'), 'Asia/Kolkata')).toBe('2025-03-11');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });

  it('rounds down so downtime always shows, and meets a target only above it (002#24: > 99.9 %)', () => {
    expect(round2Down(99.996)).toBe(99.99);
    expect(round2Down(99.99)).toBe(99.99);
    expect(round2Down(100)).toBe(100);
    expect(meetsTarget(99.9, 99.9)).toBe(false);
    expect(meetsTarget(99.95, 99.9)).toBe(true);
    expect(meetsTarget(null, 99.9)).toBeNull();
    expect(meetsTarget(100, null)).toBeNull();
  });
});
