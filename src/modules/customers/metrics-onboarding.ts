/**
 * ShopSmart's onboarding success metrics (SOP-001, 000#31-000#34): D1 activation, D7 active, D30 retention
 * and Day 3 call completion, over the users (registered contacts) of a period.
 *
 * The seed names them and their targets but defines none of them (000#35; the pack's README leaves them
 * open). Opsbook's definitions, each read from the SOP's own checks where it has one:
 * - **cohort**: a metric of day N counts the users whose day N (registration + N × 24 h) fell in the
 *   period and has passed, so every figure is final and any period has one (a cohort "registered in the
 *   period" would leave D30 empty for the default 30-day period);
 * - **D1 activation**: the Day 1 check (000#13-000#14, reading A): `customers_added` ≥ 1 by T+24h;
 * - **D7 active**: the Day 7 review's engagement check, whose failure sends the re-engagement campaign
 *   (000#25-000#26): `app_opens` ≥ 3 by T+7d;
 * - **D30 retention** (the seed has no check to read): a usage fact of the account changed in the 7 days up
 *   to T+30d, i.e. the shop still used the app in its fifth week;
 * - a fact **reached** a value by an instant when Opsbook recorded it for the user's account (or the user)
 *   by then (`fact.set` on the timeline, what the journey's own checks read), or the account's current
 *   value was observed by the SaaS (`at`) by then. "≥" and "by" include the bound, as 000#26 reads "≥";
 * - **Day 3 call completion**: of the outbound calls the onboarding journey raised in the period (the
 *   first task of step `day-3-call`; the second is the CRM note after it), the share whose task is marked
 *   done, and done on time: by the task's due instant, else within 24 h of being raised (the seed says
 *   only "T+72h": the 24 h is Opsbook's).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';

const DAY_MS = 86_400_000;

/** A share in per cent with one decimal, null when there is nothing to share. */
export const percentOf = (part: number, whole: number): number | null =>
  whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;

export interface CohortShare {
  /** Users whose day N fell in the period. */
  readonly cohort: number;
  /** Of them, those who met the definition. */
  readonly count: number;
  readonly rate: number | null;
}

export interface CallCompletion {
  readonly raised: number;
  readonly done: number;
  readonly onTime: number;
  readonly rate: number | null;
  readonly onTimeRate: number | null;
}

export interface OnboardingMetrics {
  readonly d1Activation: CohortShare;
  readonly d7Active: CohortShare;
  readonly d30Retention: CohortShare;
  readonly day3Calls: CallCompletion;
}

/** The definitions above, in one place (the pack's fact names: its README, "Not stated"). */
export const ONBOARDING_DEFINITIONS = {
  d1Activation: { day: 1, fact: 'customers_added', atLeast: 1 },
  d7Active: { day: 7, fact: 'app_opens', atLeast: 3 },
  d30Retention: { day: 30, activeWithinDays: 7 },
  day3Call: { step: 'day-3-call', action: 0, onTimeMs: DAY_MS },
} as const;

/**
 * The registrations whose day `day` fell in the period and has passed by `nowMs`: [from, to) shifted back
 * by `day` days; null when none can have.
 *
 * @example cohortOf({ from: d('2026-03-10'), to: d('2026-03-20') }, d('2026-04-01').getTime(), 7)
 *   // → registered in [2026-03-03, 2026-03-13)
 */
export function cohortOf(
  period: { readonly from: Date; readonly to: Date },
  nowMs: number,
  day: number,
): { readonly from: Date; readonly to: Date } | null {
  const endMs = Math.min(period.to.getTime(), nowMs);
  if (endMs <= period.from.getTime()) return null;
  return { from: new Date(period.from.getTime() - day * DAY_MS), to: new Date(endMs - day * DAY_MS) };
}

const numberOf = (json: SQL) =>
  sql`(case when jsonb_typeof(${json}) = 'number' then (${json} #>> '{}')::float8 end)`;

/** `c.registered_at + days` as SQL (24-hour days: the pack's `7d` is 168 h). */
const dayOf = (day: number) => sql`(c.registered_at + ${day * 86_400}::float8 * interval '1 second')`;

/** A `fact.set` recorded for the user's account or the user, matching `more`. */
const factSet = (workspaceId: string, more: SQL) => sql`exists (
  select 1 from timeline_events e
   where e.workspace_id = ${workspaceId} and e.subject in ('account:' || c.account_id, 'user:' || c.id)
     and e.type = 'fact.set' and ${more})`;

function reachedBy(workspaceId: string, fact: string, atLeast: number, by: SQL): SQL {
  const current = sql`a.facts -> ${fact}::text`;
  return sql`(${factSet(
    workspaceId,
    sql`e.data->>'name' = ${fact}::text and e.occurred_at <= ${by}
        and ${numberOf(sql`e.data->'value'`)} >= ${atLeast}::float8`,
  )}
    or (${numberOf(current)} >= ${atLeast}::float8
        and (a.facts_at->>${fact}::text)::float8 <= extract(epoch from ${by}) * 1000))`;
}

function usedWithin(workspaceId: string, from: SQL, to: SQL): SQL {
  return sql`(${factSet(workspaceId, sql`e.occurred_at > ${from} and e.occurred_at <= ${to}`)}
    or exists (select 1 from jsonb_each_text(a.facts_at) f
                where f.value::float8 > extract(epoch from ${from}) * 1000
                  and f.value::float8 <= extract(epoch from ${to}) * 1000))`;
}

async function cohortShare(
  q: Queryable,
  workspaceId: string,
  cohort: { readonly from: Date; readonly to: Date } | null,
  met: SQL,
): Promise<CohortShare> {
  if (!cohort) return { cohort: 0, count: 0, rate: null };
  const [row] = rowsOf<{ cohort: number; count: number }>(
    await q.execute(sql`
      select count(*)::int as cohort, count(*) filter (where ${met})::int as count
        from account_contacts c
        join accounts a on a.workspace_id = c.workspace_id and a.id = c.account_id
       where c.workspace_id = ${workspaceId}
         and c.registered_at >= ${cohort.from.toISOString()}::timestamptz
         and c.registered_at < ${cohort.to.toISOString()}::timestamptz`),
  );
  const r = row ?? { cohort: 0, count: 0 };
  return { ...r, rate: percentOf(r.count, r.cohort) };
}

async function day3Calls(
  q: Queryable,
  workspaceId: string,
  period: { readonly from: Date; readonly to: Date },
  nowMs: number,
): Promise<CallCompletion> {
  const { step, action, onTimeMs } = ONBOARDING_DEFINITIONS.day3Call;
  const endMs = Math.min(period.to.getTime(), nowMs);
  const [row] = rowsOf<{ raised: number; done: number; onTime: number }>(
    await q.execute(sql`
      select count(*)::int as raised,
             count(t.id) filter (where t.status = 'done')::int as done,
             count(t.id) filter (where t.status = 'done' and t.completed_at
               <= coalesce(t.due_at, e.at + ${onTimeMs / 1000}::float8 * interval '1 second'))::int as "onTime"
        from effects e
        left join tasks t on t.workspace_id = e.workspace_id and t.key = e.key
       where e.workspace_id = ${workspaceId} and e.type = 'task'
         and e.data->>'rule' like ${`journey:%:${step}`}::text
         and e.key = e.subject || ':' || (e.data->>'rule') || ${`:${action}`}::text
         and e.at >= ${period.from.toISOString()}::timestamptz
         and e.at < ${new Date(Math.max(endMs, period.from.getTime())).toISOString()}::timestamptz`),
  );
  const r = row ?? { raised: 0, done: 0, onTime: 0 };
  return { ...r, rate: percentOf(r.done, r.raised), onTimeRate: percentOf(r.onTime, r.raised) };
}

/**
 * D1 activation, D7 active, D30 retention and Day 3 call completion of the period (definitions above).
 * `nowMs` keeps days that have not come yet out of the cohorts.
 */
export async function onboardingMetrics(
  q: Queryable,
  workspaceId: string,
  period: { readonly from: Date; readonly to: Date },
  nowMs: number,
): Promise<OnboardingMetrics> {
  const { d1Activation: d1, d7Active: d7, d30Retention: d30 } = ONBOARDING_DEFINITIONS;
  const d30Day = dayOf(d30.day);
  const d30From = sql`(${d30Day} - ${d30.activeWithinDays * 86_400}::float8 * interval '1 second')`;
  return {
    d1Activation: await cohortShare(
      q,
      workspaceId,
      cohortOf(period, nowMs, d1.day),
      reachedBy(workspaceId, d1.fact, d1.atLeast, dayOf(d1.day)),
    ),
    d7Active: await cohortShare(
      q,
      workspaceId,
      cohortOf(period, nowMs, d7.day),
      reachedBy(workspaceId, d7.fact, d7.atLeast, dayOf(d7.day)),
    ),
    d30Retention: await cohortShare(
      q,
      workspaceId,
      cohortOf(period, nowMs, d30.day),
      usedWithin(workspaceId, d30From, d30Day),
    ),
    day3Calls: await day3Calls(q, workspaceId, period, nowMs),
  };
}
