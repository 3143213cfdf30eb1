/**
 * Customer metrics of a period (issue 9), from the accounts' rows and the engine's timeline: customers by
 * state and by plan (now), trials started and converted, churn, payment failures, revenue received, and
 * NPS from the survey answers, each beside the pack's target when it has one (ShopSmart: "NPS Score | ≥40";
 * POS names its business metrics without targets, 003#76).
 *
 * Definitions (the seeds do not state them; docs/customers.md):
 * - a trial **converted** when its account was upgraded, activated or paid after the trial started;
 * - **churn** is the accounts whose lifecycle moved to cancelled in the period (by the customer or after
 *   30 days suspended) over the accounts that were customers by its end (active, trialing, past due,
 *   suspended or cancelled now, created before its end);
 * - **revenue** is the sum of successful and confirmed payments' amounts, per currency;
 * - **NPS** is % promoters (9-10) minus % detractors (0-6) of the period's NPS answers.
 */
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';

export interface CustomerMetrics {
  readonly from: string;
  readonly to: string;
  readonly byState: { state: string; count: number }[];
  readonly byPlan: { plan: string | null; count: number }[];
  readonly trials: { started: number; converted: number; rate: number | null };
  readonly churn: { cancelled: number; base: number; rate: number | null };
  readonly payments: { failed: number; succeeded: number; failureRate: number | null };
  readonly revenue: { currency: string | null; amount: number }[];
  readonly nps: {
    answers: number;
    promoters: number;
    passives: number;
    detractors: number;
    score: number | null;
    target: { op: string; value: number } | null;
  };
}

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

export async function customerMetrics(
  q: Queryable,
  workspaceId: string,
  period: { readonly from: Date; readonly to: Date },
  npsTarget: { op: string; value: number } | null,
): Promise<CustomerMetrics> {
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const inPeriod = sql`workspace_id = ${workspaceId} and subject like 'account:%' and occurred_at >= ${from}::timestamptz and occurred_at < ${to}::timestamptz`;
  const byState = rowsOf<{ state: string; count: number }>(
    await q.execute(sql`select state, count(*)::int as count from accounts where workspace_id = ${workspaceId}
                          group by state order by count desc, state`),
  );
  const byPlan = rowsOf<{ plan: string | null; count: number }>(
    await q.execute(sql`select plan, count(*)::int as count from accounts where workspace_id = ${workspaceId}
                          group by plan order by count desc, plan nulls last`),
  );
  const [trials] = rowsOf<{ started: number; converted: number }>(
    await q.execute(sql`
      with started as (
        select subject, min(occurred_at) as at from timeline_events where ${inPeriod} and type = 'trial.started'
         group by subject)
      select count(*)::int as started,
             count(*) filter (where exists (
               select 1 from timeline_events e where e.workspace_id = ${workspaceId} and e.subject = started.subject
                  and e.occurred_at >= started.at
                  and e.type in ('subscription.upgraded', 'subscription.activated', 'payment.succeeded', 'payment.confirmed')
             ))::int as converted
        from started`),
  );
  const [counts] = rowsOf<{ cancelled: number; failed: number; succeeded: number }>(
    await q.execute(sql`
      select (select count(distinct subject)::int from effects
                where workspace_id = ${workspaceId} and subject like 'account:%' and type = 'transition'
                  and data->>'to' = 'cancelled' and at >= ${from}::timestamptz and at < ${to}::timestamptz) as cancelled,
             count(*) filter (where type = 'payment.failed')::int as failed,
             count(*) filter (where type in ('payment.succeeded', 'payment.confirmed'))::int as succeeded
        from timeline_events where ${inPeriod}`),
  );
  const [base] = rowsOf<{ n: number }>(
    await q.execute(sql`select count(*)::int as n from accounts where workspace_id = ${workspaceId}
                          and state in ('active', 'trialing', 'past-due', 'suspended', 'cancelled')
                          and created_at < ${to}::timestamptz`),
  );
  const revenue = rowsOf<{ currency: string | null; amount: number }>(
    await q.execute(sql`
      select data->>'currency' as currency, coalesce(sum((data->>'amount')::float8), 0)::float8 as amount
        from timeline_events
       where ${inPeriod} and type in ('payment.succeeded', 'payment.confirmed')
         and jsonb_typeof(data->'amount') = 'number'
       group by 1 order by 1 nulls first`),
  );
  const [nps] = rowsOf<{ answers: number; promoters: number; passives: number; detractors: number }>(
    await q.execute(sql`
      select count(*)::int as answers,
             count(*) filter (where (data->>'score')::float8 >= 9)::int as promoters,
             count(*) filter (where (data->>'score')::float8 >= 7 and (data->>'score')::float8 < 9)::int as passives,
             count(*) filter (where (data->>'score')::float8 < 7)::int as detractors
        from timeline_events
       where workspace_id = ${workspaceId} and type = 'survey.answered'
         and occurred_at >= ${from}::timestamptz and occurred_at < ${to}::timestamptz
         and data->>'survey' ilike '%nps%' and jsonb_typeof(data->'score') = 'number'`),
  );
  const t = trials ?? { started: 0, converted: 0 };
  const c = counts ?? { cancelled: 0, failed: 0, succeeded: 0 };
  const n = nps ?? { answers: 0, promoters: 0, passives: 0, detractors: 0 };
  return {
    from,
    to,
    byState,
    byPlan,
    trials: { ...t, rate: rate(t.converted, t.started) },
    churn: { cancelled: c.cancelled, base: base?.n ?? 0, rate: rate(c.cancelled, base?.n ?? 0) },
    payments: {
      failed: c.failed,
      succeeded: c.succeeded,
      failureRate: rate(c.failed, c.failed + c.succeeded),
    },
    revenue,
    nps: {
      ...n,
      score: n.answers > 0 ? Math.round((100 * (n.promoters - n.detractors)) / n.answers) : null,
      target: npsTarget,
    },
  };
}
