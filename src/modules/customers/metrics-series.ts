/**
 * The customer dashboard's series (issue 9): per week of the period, new accounts, NPS, churn and payment
 * failures, for the charts. Weeks are 7 × 24 h from the period's start (the last one ends with the period,
 * so it may be shorter); a period longer than MAX_SERIES_POINTS weeks gets buckets of several weeks.
 * Each point uses the period figures' definitions (metrics.ts): NPS of the week's answers, churn as the
 * week's cancellations over the customers created by its end, failures over the week's payments.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { percentOf as rate } from './metrics-onboarding.js';

const DAY_MS = 86_400_000;

/** The accounts that count as customers for churn's base. */
export const CUSTOMER_STATES = sql`state in ('active', 'trialing', 'past-due', 'suspended', 'cancelled')`;

/** A long period's series keeps at most this many points: its buckets grow by whole weeks. */
export const MAX_SERIES_POINTS = 104;

export interface SeriesPoint {
  readonly from: string;
  readonly to: string;
  readonly newAccounts: number;
  readonly npsAnswers: number;
  readonly nps: number | null;
  readonly cancelled: number;
  readonly churnRate: number | null;
  readonly paymentsFailed: number;
  readonly paymentsSucceeded: number;
  readonly failureRate: number | null;
}

/**
 * The series' buckets: 7 days from the period's start (the last one ends with the period), or whole
 * multiples of 7 days when more than MAX_SERIES_POINTS weeks would be needed.
 */
export function seriesBuckets(period: { readonly from: Date; readonly to: Date }): {
  bucketDays: number;
  buckets: { from: Date; to: Date }[];
} {
  const fromMs = period.from.getTime();
  const toMs = period.to.getTime();
  const weeks = Math.ceil((toMs - fromMs) / (7 * DAY_MS));
  const bucketDays = 7 * Math.max(1, Math.ceil(weeks / MAX_SERIES_POINTS));
  const buckets: { from: Date; to: Date }[] = [];
  for (let start = fromMs; start < toMs; start += bucketDays * DAY_MS)
    buckets.push({ from: new Date(start), to: new Date(Math.min(start + bucketDays * DAY_MS, toMs)) });
  return { bucketDays, buckets };
}

/** Per bucket index (-1: before the period), the counts the series is made of. */
export interface SeriesCounts {
  readonly created: number;
  readonly customers: number;
  readonly answers: number;
  readonly promoters: number;
  readonly detractors: number;
  readonly cancelled: number;
  readonly failed: number;
  readonly succeeded: number;
}

/** The series' points from its counts: churn's base accumulates the customers created up to each bucket. */
export function seriesPoints(
  buckets: readonly { from: Date; to: Date }[],
  counts: ReadonlyMap<number, Partial<SeriesCounts>>,
): SeriesPoint[] {
  let base = counts.get(-1)?.customers ?? 0;
  return buckets.map((b, i) => {
    const c = counts.get(i) ?? {};
    base += c.customers ?? 0;
    const answers = c.answers ?? 0;
    const failed = c.failed ?? 0;
    const succeeded = c.succeeded ?? 0;
    return {
      from: b.from.toISOString(),
      to: b.to.toISOString(),
      newAccounts: c.created ?? 0,
      npsAnswers: answers,
      nps: answers > 0 ? Math.round((100 * ((c.promoters ?? 0) - (c.detractors ?? 0))) / answers) : null,
      cancelled: c.cancelled ?? 0,
      churnRate: rate(c.cancelled ?? 0, base),
      paymentsFailed: failed,
      paymentsSucceeded: succeeded,
      failureRate: rate(failed, failed + succeeded),
    };
  });
}

async function seriesCounts(
  q: Queryable,
  workspaceId: string,
  period: { readonly from: Date; readonly to: Date },
  bucketDays: number,
): Promise<Map<number, Partial<SeriesCounts>>> {
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const index = (at: SQL) =>
    sql`floor(extract(epoch from (${at} - ${from}::timestamptz)) / ${bucketDays * 86_400}::float8)::int`;
  const score = sql`(case when jsonb_typeof(data->'score') = 'number' then (data->>'score')::float8 end)`;
  const rows = [
    ...rowsOf<{ i: number } & Partial<SeriesCounts>>(
      await q.execute(sql`
        select case when created_at < ${from}::timestamptz then -1 else ${index(sql`created_at`)} end as i,
               count(*) filter (where created_at >= ${from}::timestamptz)::int as created,
               count(*) filter (where ${CUSTOMER_STATES})::int as customers
          from accounts where workspace_id = ${workspaceId} and created_at < ${to}::timestamptz
         group by 1`),
    ),
    ...rowsOf<{ i: number } & Partial<SeriesCounts>>(
      await q.execute(sql`
        select ${index(sql`occurred_at`)} as i,
               count(*) filter (where type = 'payment.failed')::int as failed,
               count(*) filter (where type in ('payment.succeeded', 'payment.confirmed'))::int as succeeded,
               count(*) filter (where type = 'survey.answered')::int as answers,
               count(*) filter (where type = 'survey.answered' and ${score} >= 9)::int as promoters,
               count(*) filter (where type = 'survey.answered' and ${score} < 7)::int as detractors
          from timeline_events
         where workspace_id = ${workspaceId}
           and occurred_at >= ${from}::timestamptz and occurred_at < ${to}::timestamptz
           and ((subject like 'account:%' and type in ('payment.failed', 'payment.succeeded', 'payment.confirmed'))
             or (type = 'survey.answered' and data->>'survey' ilike '%nps%' and jsonb_typeof(data->'score') = 'number'))
         group by 1`),
    ),
    ...rowsOf<{ i: number } & Partial<SeriesCounts>>(
      await q.execute(sql`
        select ${index(sql`at`)} as i, count(distinct subject)::int as cancelled
          from effects
         where workspace_id = ${workspaceId} and subject like 'account:%' and type = 'transition'
           and data->>'to' = 'cancelled' and at >= ${from}::timestamptz and at < ${to}::timestamptz
         group by 1`),
    ),
  ];
  const out = new Map<number, Partial<SeriesCounts>>();
  for (const { i, ...counts } of rows) out.set(i, { ...out.get(i), ...counts });
  return out;
}

/**
 * The weekly series of the period.
 *
 * @example weeklySeries(tx, ws, { from: d('2026-03-01'), to: d('2026-03-31') })
 *   // → { bucketDays: 7, points: [5 points, the last of 2 days] }
 */
export async function weeklySeries(
  q: Queryable,
  workspaceId: string,
  period: { readonly from: Date; readonly to: Date },
): Promise<{ bucketDays: number; points: SeriesPoint[] }> {
  const { bucketDays, buckets } = seriesBuckets(period);
  return {
    bucketDays,
    points: seriesPoints(buckets, await seriesCounts(q, workspaceId, period, bucketDays)),
  };
}
