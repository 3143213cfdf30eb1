/**
 * Bulk-loads help-desk history for parts c and d of `npm run bench -- support`: `n` tickets of one
 * workspace created over two years (about 1,370 a day at 1,000,000), with SQL generate_series, as the
 * owner with triggers off. The spread follows a ShopSmart desk: priorities 5 % P1, 20 % P2, 50 % P3,
 * 25 % P4 (category from the priority, as triage sets it), L1 first and technical work in L2/L3, five
 * channels, 200,000 customers who write more than once, 8 agents. Open work is what arrived in the last
 * three days (70 % of it) plus a 0.8 % stale tail: about 11,000 open or pending tickets at 1,000,000,
 * sorted by their next due time; everything else is resolved or closed with its SLA clocks' verdicts
 * (about 18 % of first responses and 40 % of resolutions late), CSAT on a fifth, the first-contact tag on
 * 60 %, 4 % reopened, 0.5 % merged. Deterministic (setseed), so runs compare.
 */
import type { RawQuery } from './support-engine.js';

const TITLES = [
  'App down since this morning',
  'Checkout not working on Android',
  'How do I export my orders?',
  'Refund not received for my order',
  'Payment stuck in pending',
  'Login OTP never arrives',
  'Feature request: dark mode',
  'Invoice shows the wrong GST number',
  'How can I change my delivery address?',
  'Coupon code is not working',
  'Lost data after the last update',
  'Where do I download my invoice?',
  'Refund request for a damaged product',
  'Order tracking page is broken',
  'Please add UPI autopay',
  'Cannot upload product images',
] as const;

const FIRST = ['Priya', 'Ravi', 'Anita', 'Arjun', 'Meera', 'Vikram', 'Sneha', 'Rahul', 'Kavya', 'Imran'];
const LAST = ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Khan', 'Nair', 'Gupta', 'Das', 'Menon', 'Singh'];
const DOMAINS = ['gmail.com', 'yahoo.co.in', 'outlook.com', 'rediffmail.com', 'shopsmart-seller.in'];

const lit = (values: readonly string[]) =>
  `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`;

/**
 * Tickets `first`..`last` (numbers) of a workspace with `total` tickets spread over `spanDays`, as one
 * INSERT … SELECT. Parameters: $1 workspace, $2 first, $3 last, $4 total, $5 span in days, $6 id prefix,
 * $7 agents (text[]), $8 pack version.
 */
const INSERT_TICKETS = `
with g as (
  select i, now() - ($5::float8 * (1 - i::float8 / $4)) * interval '1 day' - random() * interval '30 minutes' as created,
    random() as r1, random() as r2, random() as r3, random() as r4, random() as r5, random() as r6,
    (i::bigint * 48271) % 200000 as cust
  from generate_series($2::int, $3::int) i
), h as (
  select g.*,
    case when r2 < 0.05 then 'p1' when r2 < 0.25 then 'p2' when r2 < 0.75 then 'p3' else 'p4' end as priority,
    case when (created > now() - interval '3 days' and r1 < 0.7) or r1 < 0.008
      then case when r3 < 0.3 then 'pending' else 'open' end
      when created > now() - interval '7 days' or r3 < 0.1 then 'resolved' else 'closed' end as status
  from g
), s as (
  select h.*, status in ('open', 'pending') as is_open,
    case priority when 'p1' then interval '15 minutes' when 'p2' then interval '1 hour'
      when 'p3' then interval '4 hours' else interval '24 hours' end as fr_target,
    case priority when 'p1' then interval '4 hours' when 'p2' then interval '24 hours'
      when 'p3' then interval '48 hours' end as res_target,
    case when r6 < 0.08 then null when priority in ('p1', 'p2') then 'technical'
      when priority = 'p3' then 'how-to' else 'feature-request' end as category,
    case when (i * 31) % 100 < 45 then 'email' when (i * 31) % 100 < 70 then 'in-app-chat'
      when (i * 31) % 100 < 90 then 'whatsapp' when (i * 31) % 100 < 97 then 'phone' else 'api' end as channel
  from h
), t as (
  select s.*,
    case when is_open and r4 < 0.4 then null
      when created + fr_target * (0.1 + r4 * 1.1) > now() then null
      else created + fr_target * (0.1 + r4 * 1.1) end as fr_at,
    case when not is_open then least(now(), created + coalesce(res_target, interval '120 hours') * (0.05 + r5 * 1.45)) end as res_at
  from s
), v as (
  select t.*,
    case when fr_at is null then case when created + fr_target < now() then 'breached' else 'running' end
      when fr_at <= created + fr_target then 'met' else 'breached' end as fr_phase,
    case when res_target is null then null
      when res_at is null then case when created + res_target < now() then 'breached' else 'running' end
      when res_at <= created + res_target then 'met' else 'breached' end as res_phase,
    case when category = 'technical' then case when i % 10 < 6 then 'l1-support' when i % 10 < 9 then 'l2-support' else 'l3-tech' end
      when r6 < 0.11 then null else 'l1-support' end as tier,
    (${lit(FIRST)})[1 + cust % ${FIRST.length}] as first_name,
    (${lit(LAST)})[1 + (cust / ${FIRST.length}) % ${LAST.length}] as last_name
  from t
)
insert into tickets (id, workspace_id, number, title, status, priority, category, tier, channel, assignee_id,
  requester_name, requester_email, requester_phone, account, plan, locale, tags, triage, pack_id, pack_version,
  clocks, first_response_verdict, resolution_verdict, next_due_at, breached, first_response_at, resolved_at, reopened_count, reopened_in_window, merged_into,
  csat_score, csat_at, message_count, last_message_at, last_customer_message_at, created_at, updated_at)
select $6 || lpad(i::text, 10, '0'), $1, i,
  (${lit(TITLES)})[1 + (i * 7) % ${TITLES.length}] || ' (order ' || (100000 + (i::bigint * 7919) % 900000) || ')',
  case when not is_open and r6 between 0.5 and 0.505 then 'closed' else status end,
  priority, category, tier, channel,
  case when is_open and r3 > 0.7 then null else ($7::text[])[1 + i % cardinality($7::text[])] end,
  first_name || ' ' || last_name,
  lower(first_name) || '.' || lower(last_name) || cust || '@' || (${lit(DOMAINS)})[1 + cust % ${DOMAINS.length}],
  case when channel in ('whatsapp', 'phone') then '+9198' || lpad(cust::text, 8, '0') end,
  'acct-' || (cust % 20000), (array['free', 'starter', 'pro', 'enterprise'])[1 + cust % 4], 'en-IN',
  case when res_at is not null and r4 < 0.6 then '["first-contact-resolution"]'::jsonb else '[]'::jsonb end,
  jsonb_build_object('rule', null, 'set', jsonb_build_object('priority', 'default'), 'overrides', '[]'::jsonb),
  'shopsmart-pro', $8,
  jsonb_build_array(jsonb_build_object('id', 'first-response', 'phase', fr_phase, 'derivation', 'bench',
      'due', to_char((created + fr_target) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
    || case when res_phase is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('id', 'resolution',
      'phase', res_phase, 'derivation', 'bench',
      'due', to_char((created + res_target) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) end,
  case when fr_phase in ('met', 'breached') then fr_phase end,
  case when res_phase in ('met', 'breached') then res_phase end,
  case when not is_open then null when fr_at is null then created + fr_target else created + res_target end,
  fr_phase = 'breached' or coalesce(res_phase = 'breached', false),
  fr_at, res_at,
  case when res_at is not null and r6 > 0.96 then 1 else 0 end,
  res_at is not null and r6 > 0.96,
  case when not is_open and r6 between 0.5 and 0.505 then 'tkt_merged' end,
  case when res_at is not null and i % 5 = 0 then
    case when r4 < 0.05 then 1 when r4 < 0.1 then 2 when r4 < 0.2 then 3 when r4 < 0.5 then 4 else 5 end end,
  case when res_at is not null and i % 5 = 0 then res_at + interval '1 hour' end,
  2 + i % 6, greatest(created, fr_at, res_at), created, created, greatest(created, fr_at, res_at)
from v`;

/** Rows per statement: a progress line each, and no single transaction holding a million rows' WAL. */
const CHUNK = 200_000;

/**
 * Loads `total` tickets into a workspace that has none (numbers 1..total).
 *
 * @example await loadTickets(q, ws, 1_000_000, agentIds, '1.4.0', 'tkt_bench_a')
 */
export async function loadTickets(
  run: <T>(fn: (q: RawQuery) => Promise<T>) => Promise<T>,
  workspaceId: string,
  total: number,
  agents: readonly string[],
  packVersion: string,
  idPrefix: string,
  progress: (done: number) => void = () => undefined,
): Promise<void> {
  for (let first = 1; first <= total; first += CHUNK) {
    const last = Math.min(total, first + CHUNK - 1);
    await run(async (q) => {
      await q(`select setseed(${Math.floor(first / CHUNK) / 100})`);
      await q(INSERT_TICKETS, [workspaceId, first, last, total, 730, idPrefix, agents, packVersion]);
      await q(
        `insert into ticket_counters (workspace_id, last_number) values ($1, $2)
         on conflict (workspace_id) do update set last_number = greatest(ticket_counters.last_number, $2)`,
        [workspaceId, last],
      );
    });
    progress(last);
  }
}

/** A word of the titles that about one ticket in eight carries (an unselective search), and a selective one. */
export const COMMON_WORD = 'refund';
export const requesterOf = (i: number) => {
  const cust = (i * 48271) % 200000;
  const first = FIRST[cust % FIRST.length]!;
  const last = LAST[Math.floor(cust / FIRST.length) % LAST.length]!;
  return `${first.toLowerCase()}.${last.toLowerCase()}${cust}@${DOMAINS[cust % DOMAINS.length]!}`;
};
