/**
 * The customer dashboard's pure parts, on fixed instants: the onboarding cohorts (day N in the period and
 * passed), KPIs beside the pack's targets ("≥" includes the bound), and the weekly series' buckets and
 * points (churn's base accumulating, the last week shorter, long periods in multi-week buckets).
 */
import { describe, expect, it } from 'vitest';
import { type CustomerDashboard, kpiReadings, meetsTarget, type PackKpi } from './metrics.js';
import { cohortOf, percentOf } from './metrics-onboarding.js';
import { MAX_SERIES_POINTS, seriesBuckets, seriesPoints } from './metrics-series.js';

const d = (iso: string) => new Date(iso);
const DAY = 86_400_000;

describe('onboarding cohorts', () => {
  const period = { from: d('2026-03-10T00:00:00Z'), to: d('2026-03-20T00:00:00Z') };

  it('counts the users whose day N fell in the period: registrations shifted back N days', () => {
    expect(cohortOf(period, d('2026-05-01T00:00:00Z').getTime(), 7)).toEqual({
      from: d('2026-03-03T00:00:00Z'),
      to: d('2026-03-13T00:00:00Z'),
    });
    expect(cohortOf(period, d('2026-05-01T00:00:00Z').getTime(), 30)).toEqual({
      from: d('2026-02-08T00:00:00Z'),
      to: d('2026-02-18T00:00:00Z'),
    });
  });

  it('leaves out the days that have not come yet, and has none before the period starts', () => {
    const now = d('2026-03-15T12:00:00Z').getTime();
    expect(cohortOf(period, now, 1)).toEqual({
      from: d('2026-03-09T00:00:00Z'),
      to: d('2026-03-14T12:00:00Z'),
    });
    expect(cohortOf(period, period.from.getTime(), 1)).toBeNull();
    expect(cohortOf(period, period.from.getTime() - DAY, 1)).toBeNull();
  });

  it('gives shares in per cent with one decimal, null of nothing', () => {
    expect(percentOf(2, 3)).toBe(66.7);
    expect(percentOf(0, 4)).toBe(0);
    expect(percentOf(0, 0)).toBeNull();
  });
});

describe('KPIs beside the pack targets', () => {
  it('meets a target by its operator, the bound included for ≥ and ≤', () => {
    expect(meetsTarget(60, { op: '>=', value: 60 })).toBe(true);
    expect(meetsTarget(59.9, { op: '>=', value: 60 })).toBe(false);
    expect(meetsTarget(80, { op: '>', value: 80 })).toBe(false);
    expect(meetsTarget(5, { op: '<', value: 5 })).toBe(false);
    expect(meetsTarget(5, { op: '<=', value: 5 })).toBe(true);
    expect(meetsTarget(3, { op: '=', value: 3 })).toBe(true);
    expect(meetsTarget(null, { op: '>=', value: 60 })).toBeNull();
    expect(meetsTarget(70, null)).toBeNull();
  });

  const figures = {
    from: '2026-03-01T00:00:00.000Z',
    to: '2026-03-31T00:00:00.000Z',
    byState: [],
    byPlan: [],
    trials: { started: 4, converted: 1, rate: 25 },
    churn: { cancelled: 1, base: 20, rate: 5 },
    payments: { failed: 1, succeeded: 9, failureRate: 10 },
    revenue: [],
    nps: { answers: 10, promoters: 5, passives: 3, detractors: 2, score: 30, target: null },
    onboarding: {
      d1Activation: { cohort: 5, count: 3, rate: 60 },
      d7Active: { cohort: 5, count: 1, rate: 20 },
      d30Retention: { cohort: 0, count: 0, rate: null },
      day3Calls: { raised: 4, done: 4, onTime: 3, rate: 100, onTimeRate: 75 },
    },
  } satisfies Omit<CustomerDashboard, 'kpis' | 'series' | 'mrr'>;
  // ShopSmart's SOP-001 success metrics (registers.yaml), and one KPI the dashboard does not read.
  const shopsmart: PackKpi[] = [
    { id: 'd1-activation-rate', label: 'D1 Activation Rate', target: { op: '>=', value: 60, unit: '%' } },
    { id: 'd7-active-rate', label: 'D7 Active Rate', target: { op: '>=', value: 40, unit: '%' } },
    { id: 'd30-retention', label: 'D30 Retention', target: { op: '>=', value: 25, unit: '%' } },
    {
      id: 'day-3-call-completion',
      label: 'Day 3 Call Completion',
      target: { op: '>=', value: 80, unit: '%' },
    },
    { id: 'nps-score', label: 'NPS Score', target: { op: '>=', value: 40, unit: 'score' } },
    { id: 'csat-score', label: 'CSAT Score', target: { op: '>', value: 4.5, unit: '/5' } },
  ];

  it("sets each metric beside the pack's target, with whether it is met", () => {
    const byId = new Map(kpiReadings(figures, shopsmart).map((k) => [k.id, k]));
    expect(byId.get('d1-activation-rate')).toEqual({
      id: 'd1-activation-rate',
      label: 'D1 Activation Rate',
      value: 60,
      unit: '%',
      of: 5,
      target: { op: '>=', value: 60, unit: '%' },
      met: true,
    });
    expect(byId.get('d7-active-rate')).toMatchObject({ value: 20, met: false });
    expect(byId.get('d30-retention')).toMatchObject({ value: null, of: 0, met: null });
    expect(byId.get('day-3-call-completion')).toMatchObject({ value: 100, of: 4, met: true });
    expect(byId.get('nps-score')).toMatchObject({ value: 30, of: 10, unit: 'score', met: false });
    // Metrics the pack sets no target for keep our label and no verdict.
    expect(byId.get('churn-rate')).toMatchObject({
      label: 'Churn',
      value: 5,
      of: 20,
      target: null,
      met: null,
    });
    expect(byId.get('trial-conversion-rate')).toMatchObject({ value: 25, of: 4, target: null });
    expect(byId.get('payment-failure-rate')).toMatchObject({ value: 10, of: 10, target: null });
    expect(byId.has('csat-score')).toBe(false);
  });

  it('reads without a pack: every metric, no target', () => {
    const readings = kpiReadings(figures, []);
    expect(readings).toHaveLength(8);
    expect(readings.every((k) => k.target === null && k.met === null)).toBe(true);
  });
});

describe('weekly series', () => {
  it('cuts the period into weeks from its start, the last one ending with it', () => {
    const { bucketDays, buckets } = seriesBuckets({
      from: d('2026-03-01T00:00:00Z'),
      to: d('2026-03-31T00:00:00Z'),
    });
    expect(bucketDays).toBe(7);
    expect(buckets.map((b) => b.from.toISOString().slice(0, 10))).toEqual([
      '2026-03-01',
      '2026-03-08',
      '2026-03-15',
      '2026-03-22',
      '2026-03-29',
    ]);
    expect(buckets.at(-1)!.to).toEqual(d('2026-03-31T00:00:00Z'));
  });

  it('keeps a long period to at most MAX_SERIES_POINTS points in whole weeks', () => {
    const from = d('2020-01-01T00:00:00Z');
    const { bucketDays, buckets } = seriesBuckets({ from, to: new Date(from.getTime() + 1000 * DAY) });
    expect(bucketDays).toBe(14);
    expect(buckets.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    const exact = seriesBuckets({ from, to: new Date(from.getTime() + MAX_SERIES_POINTS * 7 * DAY) });
    expect(exact).toMatchObject({ bucketDays: 7 });
    expect(exact.buckets).toHaveLength(MAX_SERIES_POINTS);
  });

  it('makes points from the counts: NPS, churn over the customers by then, failure rate', () => {
    const { buckets } = seriesBuckets({ from: d('2026-03-01T00:00:00Z'), to: d('2026-03-15T00:00:00Z') });
    const points = seriesPoints(
      buckets,
      new Map([
        [-1, { customers: 8 }],
        [0, { created: 2, customers: 2, answers: 4, promoters: 2, detractors: 1, cancelled: 1, failed: 1 }],
        [1, { succeeded: 3, failed: 1 }],
      ]),
    );
    expect(points).toEqual([
      {
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-08T00:00:00.000Z',
        newAccounts: 2,
        npsAnswers: 4,
        nps: 25,
        cancelled: 1,
        churnRate: 10,
        paymentsFailed: 1,
        paymentsSucceeded: 0,
        failureRate: 100,
      },
      {
        from: '2026-03-08T00:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        newAccounts: 0,
        npsAnswers: 0,
        nps: null,
        cancelled: 0,
        churnRate: 0,
        paymentsFailed: 1,
        paymentsSucceeded: 3,
        failureRate: 25,
      },
    ]);
  });
});
