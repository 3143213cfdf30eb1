import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { npsBand, scoreProblem, summarise } from './survey-scores.js';

describe('survey scores', () => {
  it('draws the NPS bands at the seed boundaries: 0-6, 7-8, 9-10', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsBand)).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });

  it('accepts whole numbers on the scale only', () => {
    expect(scoreProblem('nps', 0)).toBeNull();
    expect(scoreProblem('nps', 10)).toBeNull();
    expect(scoreProblem('nps', 11)).toMatch(/0 to 10/);
    expect(scoreProblem('nps', -1)).toMatch(/0 to 10/);
    expect(scoreProblem('nps', 7.5)).toMatch(/whole number/);
    expect(scoreProblem('csat', 0)).toMatch(/1 to 5/);
    expect(scoreProblem('csat', 5)).toBeNull();
    expect(scoreProblem('nps', '9')).not.toBeNull();
  });

  it('computes NPS as % promoters minus % detractors', () => {
    // 2 promoters, 1 passive, 1 detractor of 4: 50 - 25 = 25.
    const s = summarise('nps', [10, 9, 8, 3]);
    expect(s).toMatchObject({ answers: 4, score: 25, mean: 7.5 });
    expect(s.bands).toEqual({ promoter: 2, passive: 1, detractor: 1 });
    expect(s.distribution).toHaveLength(11);
    expect(summarise('nps', [])).toMatchObject({ answers: 0, score: null, mean: null });
  });

  it('computes CSAT as the share of 4 and 5', () => {
    expect(summarise('csat', [5, 4, 3, 1])).toMatchObject({ answers: 4, score: 50, mean: 3.3 });
  });

  it('agrees with a direct count for any answers (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 200 }), (scores) => {
        const s = summarise('nps', scores);
        const p = scores.filter((x) => x >= 9).length;
        const d = scores.filter((x) => x <= 6).length;
        expect(s.answers).toBe(scores.length);
        expect(s.score).toBe(Math.round((100 * (p - d)) / scores.length));
        expect(s.distribution.reduce((a, b) => a + b, 0)).toBe(scores.length);
      }),
    );
  });
});
