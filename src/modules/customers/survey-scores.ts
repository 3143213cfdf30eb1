/**
 * What a survey's answers add up to, without I/O. NPS (0-10) is the share of promoters (9-10) minus the
 * share of detractors (0-6), from -100 to 100: ShopSmart's "NPS Score | ≥40" (SOP-001) and its bands
 * "9-10 (Promoters)", "7-8 (Passives)", "0-6 (Detractors)". CSAT (1-5) is the share of 4s and 5s
 * ("satisfied"), the usual reading (Zendesk counts good ratings over all ratings), with the mean beside it.
 */
import type { SurveyScale } from '../../store/schema-customers.js';

export interface ScaleRange {
  readonly min: number;
  readonly max: number;
}

export const SCALES: Readonly<Record<SurveyScale, ScaleRange>> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
};

/** Null when `score` is a whole number on the scale; else what is wrong, in words for the person. */
export function scoreProblem(scale: SurveyScale, score: unknown): string | null {
  const { min, max } = SCALES[scale];
  if (typeof score === 'number' && Number.isInteger(score) && score >= min && score <= max) return null;
  return `a ${scale.toUpperCase()} answer is a whole number from ${min} to ${max}`;
}

export type NpsBand = 'promoter' | 'passive' | 'detractor';

export function npsBand(score: number): NpsBand {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export interface ScoreSummary {
  readonly answers: number;
  /** NPS (-100..100) or CSAT (% satisfied, 0..100), rounded to a whole number; null without answers. */
  readonly score: number | null;
  /** The mean answer, one decimal; null without answers. */
  readonly mean: number | null;
  /** Answers per score, from the scale's lowest to its highest. */
  readonly distribution: number[];
  /** NPS only: promoters, passives, detractors. */
  readonly bands?: Readonly<Record<NpsBand, number>>;
}

/** Sums the answers (each a whole number on the scale; others are ignored). */
export function summarise(scale: SurveyScale, scores: readonly number[]): ScoreSummary {
  const { min, max } = SCALES[scale];
  const distribution = Array.from({ length: max - min + 1 }, () => 0);
  let sum = 0;
  let n = 0;
  for (const s of scores) {
    if (scoreProblem(scale, s) !== null) continue;
    distribution[s - min]!++;
    sum += s;
    n++;
  }
  const mean = n === 0 ? null : Math.round((sum / n) * 10) / 10;
  if (scale === 'csat') {
    const satisfied = distribution[3]! + distribution[4]!;
    return { answers: n, score: n === 0 ? null : Math.round((100 * satisfied) / n), mean, distribution };
  }
  const bands = { promoter: 0, passive: 0, detractor: 0 };
  distribution.forEach((count, i) => (bands[npsBand(i)] += count));
  const score = n === 0 ? null : Math.round((100 * (bands.promoter - bands.detractor)) / n);
  return { answers: n, score, mean, distribution, bands };
}
