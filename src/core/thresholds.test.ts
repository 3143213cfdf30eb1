import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySample, crosses, seriesLabels, type SeriesState, type Threshold } from './thresholds.js';

const cpu: Threshold = { id: 'cpu-usage', metric: 'cpu_usage_percent', op: '>', value: 80 };
const errorRate: Threshold = { id: 'error-rate', metric: 'error_rate', op: '>=', value: 0.1 };
const MIN = 60_000;

/** Feeds samples in order; returns each outcome. */
function run(threshold: Threshold, samples: [value: number, atMs: number][]) {
  let state: SeriesState | null = null;
  return samples.map(([value, atMs]) => {
    const next = applySample(threshold, state, { value, atMs });
    state = next.state;
    return next.outcome;
  });
}

describe('crosses', () => {
  it('reads the boundaries as written: > 80 is not crossed by exactly 80 (001#51), >= 0.1 is (002#26)', () => {
    expect(crosses('>', 80, 80)).toBe(false);
    expect(crosses('>', 80.0001, 80)).toBe(true);
    expect(crosses('>=', 0.1, 0.1)).toBe(true);
    expect(crosses('>=', 0.0999, 0.1)).toBe(false);
    expect(crosses('<', 90, 90)).toBe(false);
    expect(crosses('<=', 99.9, 99.9)).toBe(true);
  });

  it('is the exact complement of the opposite comparison for every value', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (value, limit) => {
        expect(crosses('>', value, limit)).toBe(!crosses('<=', value, limit));
        expect(crosses('<', value, limit)).toBe(!crosses('>=', value, limit));
      }),
    );
  });
});

describe('applySample', () => {
  it('fires on the first sample over the threshold when nothing is sustained (CPU 81 % alerts, 80 % does not)', () => {
    expect(
      run(cpu, [
        [80, 0],
        [81, MIN],
        [95, 2 * MIN],
        [80, 3 * MIN],
        [80, 4 * MIN],
      ]),
    ).toEqual(['none', 'fire', 'repeat', 'resolve', 'none']);
  });

  it('fires only once the breach has lasted sustainedFor, and a dip restarts the wait', () => {
    const sustained = { ...errorRate, sustainedForMs: 5 * MIN };
    expect(
      run(sustained, [
        [0.1, 0],
        [0.2, 4 * MIN],
        [0.05, 4.5 * MIN], // back inside: the wait starts over
        [0.3, 5 * MIN],
        [0.3, 9 * MIN],
        [0.3, 10 * MIN], // 5 minutes since 5m
        [0.3, 11 * MIN],
      ]),
    ).toEqual(['none', 'none', 'none', 'none', 'none', 'fire', 'repeat']);
  });

  it('ignores a sample older than the last one (state unchanged)', () => {
    const first = applySample(cpu, null, { value: 90, atMs: 10 * MIN });
    const late = applySample(cpu, first.state, { value: 10, atMs: 5 * MIN });
    expect(late).toEqual({ state: first.state, outcome: 'stale' });
  });

  it('never resolves what did not fire, never fires twice in a row, for any sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 200, noNaN: true }), fc.integer({ min: 0, max: 60 })), {
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 10 }),
        (steps, sustainMin) => {
          let atMs = 0;
          const outcomes = run(
            { ...cpu, sustainedForMs: sustainMin * MIN },
            steps.map(([value, gapS]) => [value, (atMs += gapS * 1000)]),
          );
          let firing = false;
          for (const outcome of outcomes) {
            if (outcome === 'fire') expect(firing).toBe(false);
            if (outcome === 'resolve' || outcome === 'repeat') expect(firing).toBe(true);
            if (outcome === 'fire') firing = true;
            if (outcome === 'resolve') firing = false;
          }
        },
      ),
    );
  });
});

describe('seriesLabels', () => {
  it('names a series by its sorted labels in Prometheus notation', () => {
    expect(seriesLabels(undefined)).toBe('{}');
    expect(seriesLabels({ region: 'eu', host: 'web-1' })).toBe('{host="web-1",region="eu"}');
    expect(seriesLabels({ host: 'web-1', region: 'eu' })).toBe(seriesLabels({ region: 'eu', host: 'web-1' }));
    expect(seriesLabels({ q: 'a"b' })).toBe('{q="a\\"b"}');
  });
});
