import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads the ways the seeds write durations', () => {
    expect(parseDuration('15 min')).toEqual({ ok: true, ms: 900_000 });
    expect(parseDuration('15m')).toEqual({ ok: true, ms: 900_000 });
    expect(parseDuration('4 hours')).toEqual({ ok: true, ms: 14_400_000 });
    expect(parseDuration('48 hrs')).toEqual({ ok: true, ms: 172_800_000 });
    expect(parseDuration('1 week')).toEqual({ ok: true, ms: 604_800_000 });
    expect(parseDuration('1h30m')).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseDuration('1h 30m')).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseDuration('Immediate')).toEqual({ ok: true, ms: 0 });
    expect(parseDuration('30s')).toEqual({ ok: true, ms: 30_000 });
  });

  it('says what is wrong with a misspelt or unitless duration', () => {
    expect(parseDuration('15 minuets')).toEqual({
      ok: false,
      message: expect.stringContaining('unknown unit "minuets"'),
    });
    expect(parseDuration('15')).toEqual({
      ok: false,
      message: expect.stringContaining('a number and a unit'),
    });
    expect(parseDuration('soon')).toMatchObject({ ok: false });
    expect(parseDuration('')).toMatchObject({ ok: false });
  });

  it('round-trips through its canonical form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        const ms = seconds * 1000;
        const parsed = parseDuration(formatDuration(ms));
        return parsed.ok && parsed.ms === ms;
      }),
    );
  });
});
