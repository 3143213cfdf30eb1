/**
 * Customer metrics of a period (issue 9), from the accounts' rows and the engine's timeline: customers by
 * state and by plan (now), trials started and converted, churn, payment failures, revenue received, and
 * NPS from the survey answers, each beside the pack's target when it has one (ShopSmart: "NPS Score | ≥40";
 * POS names its business metrics without targets, 003#76). `customerDashboard` adds what the dashboard
 * page draws: ShopSmart's onboarding metrics (metrics-onboarding.ts), MRR and ARPU, every KPI beside its
 * target with whether it is met, and a weekly series for the charts (metrics-series.ts).
 *
 * Definitions (the seeds do not state them; docs/customers.md):
 * - a trial **converted** when its account was upgraded, activated or paid after the trial started;
 * - **churn** is the accounts whose lifecycle moved to cancelled in the period (by the customer or after
 *   30 days suspended) over the accounts that were customers by its end (active, trialing, past due,
 *   suspended or cancelled now, created before its end);
 * - **revenue** is the sum of successful and confirmed payments' amounts, per currency;
 * - **MRR** is the revenue of the 30 days up to the period's end, per currency (no pack prices its plans,
 *   so it is what was received, not what subscriptions are worth); **ARPU** is that over the accounts that
 *   paid in it;
 * - **NPS** is % promoters (9-10) minus % detractors (0-6) of the period's NPS answers.
 */
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { onboardingMetrics, percentOf as rate, type OnboardingMetrics } from './metrics-onboarding.js';
import { CUSTOMER_STATES, type SeriesPoint, weeklySeries } from './metrics-series.js';

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
                          and ${CUSTOMER_STATES} and created_at < ${to}::timestamptz`),
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

const DAY_MS = 86_400_000;
const MRR_WINDOW_MS = 30 * DAY_MS;

/** A KPI of the pack (`registers.yaml` `kpis`), as the dashboard reads it. */
export interface PackKpi {
  readonly id: string;
  readonly label: string;
  readonly target: { readonly op: string; readonly value: number; readonly unit?: string | undefined };
}

export interface KpiReading {
  readonly id: string;
  readonly label: string;
  readonly value: number | null;
  /** `%` or `score`. */
  readonly unit: string;
  /** What the value is counted over (users of the cohort, calls, answers, trials, customers, payments). */
  readonly of: number;
  readonly target: { readonly op: string; readonly value: number; readonly unit: string | null } | null;
  /** Whether the value meets the target; null without a value or a target. */
  readonly met: boolean | null;
}

export interface CustomerDashboard extends CustomerMetrics {
  readonly onboarding: OnboardingMetrics;
  readonly mrr: {
    readonly from: string;
    readonly to: string;
    readonly byCurrency: { currency: string | null; amount: number; payers: number; arpu: number | null }[];
  };
  readonly kpis: KpiReading[];
  readonly series: { readonly bucketDays: number; readonly points: SeriesPoint[] };
}

type Figures = Omit<CustomerDashboard, 'kpis' | 'series' | 'mrr'>;

/**
 * The dashboard's KPIs: the pack's id each is matched to (ShopSmart's SOP-001 ids; the others match a pack
 * that names them), our label when the pack has none, the unit, and where the value and its basis are.
 */
const DASHBOARD_KPIS: readonly {
  id: string;
  label: string;
  unit: string;
  read: (f: Figures) => { value: number | null; of: number };
}[] = [
  {
    id: 'd1-activation-rate',
    label: 'D1 activation',
    unit: '%',
    read: (f) => share(f.onboarding.d1Activation),
  },
  { id: 'd7-active-rate', label: 'D7 active', unit: '%', read: (f) => share(f.onboarding.d7Active) },
  { id: 'd30-retention', label: 'D30 retention', unit: '%', read: (f) => share(f.onboarding.d30Retention) },
  {
    id: 'day-3-call-completion',
    label: 'Day 3 call completion',
    unit: '%',
    read: (f) => ({ value: f.onboarding.day3Calls.rate, of: f.onboarding.day3Calls.raised }),
  },
  { id: 'nps-score', label: 'NPS', unit: 'score', read: (f) => ({ value: f.nps.score, of: f.nps.answers }) },
  {
    id: 'trial-conversion-rate',
    label: 'Trial conversion',
    unit: '%',
    read: (f) => ({ value: f.trials.rate, of: f.trials.started }),
  },
  { id: 'churn-rate', label: 'Churn', unit: '%', read: (f) => ({ value: f.churn.rate, of: f.churn.base }) },
  {
    id: 'payment-failure-rate',
    label: 'Payment failure rate',
    unit: '%',
    read: (f) => ({ value: f.payments.failureRate, of: f.payments.failed + f.payments.succeeded }),
  },
];

function share(s: { rate: number | null; cohort: number }) {
  return { value: s.rate, of: s.cohort };
}

/**
 * Whether `value` meets `target` (`>=` includes the bound: "≥60%" is met by 60); null without a value.
 *
 * @example meetsTarget(60, { op: '>=', value: 60 }) // → true
 */
export function meetsTarget(
  value: number | null,
  target: { op: string; value: number } | null,
): boolean | null {
  if (value === null || target === null) return null;
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '>':
      return value > target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
    case '=':
      return value === target.value;
    default:
      return null;
  }
}

/** Every dashboard KPI with the pack's target beside it (when the pack has one) and whether it is met. */
export function kpiReadings(figures: Figures, packKpis: readonly PackKpi[]): KpiReading[] {
  return DASHBOARD_KPIS.map((k) => {
    const pack = packKpis.find((p) => p.id === k.id);
    const { value, of } = k.read(figures);
    const target = pack
      ? { op: pack.target.op, value: pack.target.value, unit: pack.target.unit ?? null }
      : null;
    return {
      id: k.id,
      label: pack?.label ?? k.label,
      value,
      unit: k.unit,
      of,
      target,
      met: meetsTarget(value, target),
    };
  });
}

async function monthlyRevenue(
  q: Queryable,
  workspaceId: string,
  to: Date,
): Promise<CustomerDashboard['mrr']> {
  const from = new Date(to.getTime() - MRR_WINDOW_MS).toISOString();
  const rows = rowsOf<{ currency: string | null; amount: number; payers: number }>(
    await q.execute(sql`
      select data->>'currency' as currency, coalesce(sum((data->>'amount')::float8), 0)::float8 as amount,
             count(distinct subject)::int as payers
        from timeline_events
       where workspace_id = ${workspaceId} and subject like 'account:%'
         and type in ('payment.succeeded', 'payment.confirmed') and jsonb_typeof(data->'amount') = 'number'
         and occurred_at >= ${from}::timestamptz and occurred_at < ${to.toISOString()}::timestamptz
       group by 1 order by 1 nulls first`),
  );
  return {
    from,
    to: to.toISOString(),
    byCurrency: rows.map((r) => ({
      ...r,
      arpu: r.payers > 0 ? Math.round((100 * r.amount) / r.payers) / 100 : null,
    })),
  };
}

/**
 * Everything the customer dashboard shows for a period: the metrics above, the onboarding metrics, MRR
 * and ARPU, the KPIs beside the pack's targets, and the weekly series. `nowMs` keeps onboarding days that
 * have not come yet out of their cohorts.
 */
export async function customerDashboard(
  q: Queryable,
  workspaceId: string,
  period: { readonly from: Date; readonly to: Date },
  packKpis: readonly PackKpi[],
  nowMs: number,
): Promise<CustomerDashboard> {
  const nps = packKpis.find((k) => k.id === 'nps-score');
  const base = await customerMetrics(
    q,
    workspaceId,
    period,
    nps ? { op: nps.target.op, value: nps.target.value } : null,
  );
  const figures = { ...base, onboarding: await onboardingMetrics(q, workspaceId, period, nowMs) };
  return {
    ...figures,
    mrr: await monthlyRevenue(q, workspaceId, period.to),
    kpis: kpiReadings(figures, packKpis),
    series: await weeklySeries(q, workspaceId, period),
  };
}
