/**
 * The help desk's figures over the tickets created in a period (ShopSmart SOP-002 "Quality Metrics",
 * SofaCover's "Success Metrics"): first response and resolution times (mean, p50, p90), SLA compliance per
 * priority from each ticket's clock verdicts, first-contact resolution, CSAT, the reopen rate, volume per
 * channel, per day and per agent. A few statements over the period (see `figures`) in one read-only
 * snapshot, so the figures agree with each other while tickets keep changing; the backlog is a small query
 * over open work now. Merged duplicates are not counted. Every figure matches a /tickets filter (drill-down).
 */
import { and, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database, Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { tickets, users, workspaces } from '../../store/schema.js';
import { eq } from 'drizzle-orm';
import { governingPolicy } from '../notifications/directory.js';
import { deskTargets } from './metrics-targets.js';
import { clockVerdict, ticketConditions, ticketQueues, type TicketFilters } from './queries.js';

export interface MetricsQuery {
  readonly from: Date;
  readonly to: Date;
  readonly tier?: string | undefined;
  readonly channel?: string | undefined;
  readonly agent?: string | undefined;
}

export interface Durations {
  readonly avgMs: number | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly count: number;
}

export interface Compliance {
  readonly met: number;
  readonly breached: number;
  readonly percent: number | null;
  readonly target: number | null;
}

export interface DeskMetrics {
  readonly from: string;
  readonly to: string;
  readonly tickets: number;
  readonly firstResponse: Durations;
  readonly resolution: Durations;
  readonly slaCompliance: {
    priority: string;
    target: number | null;
    firstResponse: Compliance;
    resolution: Compliance;
  }[];
  readonly firstContactResolution: { percent: number | null; target: number | null; count: number };
  readonly csat: { average: number | null; responses: number; target: number | null };
  readonly reopenRate: { percent: number | null; count: number };
  readonly backlogByTier: { tier: string; open: number }[];
  readonly volumeByChannel: { channel: string; count: number }[];
  readonly perAgent: {
    userId: string;
    name: string | null;
    assigned: number;
    resolved: number;
    firstResponseP50Ms: number | null;
    csat: number | null;
  }[];
  readonly volumeByDay: { day: string; count: number }[];
}

/** The sums of each (priority, channel, agent) of the period, from which every total is rolled up. */
const SUMMED = [
  'total',
  'fr_count',
  'fr_sum',
  'res_count',
  'res_sum',
  'fr_met',
  'fr_breached',
  'res_met',
  'res_breached',
  'fcr',
  'csat_sum',
  'csat_count',
  'reopened',
  'ever_resolved',
] as const;
type Totals = Record<(typeof SUMMED)[number], number>;
/** Drivers answer sums and counts as numbers or numeric text, and an empty sum as null. */
type SumRow = { priority: string; channel: string; agent: string | null } & Record<
  (typeof SUMMED)[number],
  number | string | null
>;

type Percentiles = (number | string | null)[] | string | null;

const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
const int = (v: number | string | null | undefined) => Number(v ?? 0);
const round = (v: number | null) => (v === null ? null : Math.round(v));
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

/** `{0.5,0.9}` from a driver that does not parse float8[] (and the parsed array from one that does). */
function percentiles(v: Percentiles): [number | null, number | null] {
  const list = typeof v === 'string' ? v.replace(/[{}]/g, '').split(',') : (v ?? []);
  const at = (i: number) => {
    const x = list[i];
    return x === undefined || x === null || x === 'NULL' ? null : round(Number(x));
  };
  return [at(0), at(1)];
}

/** Which tickets a request is about (a tier, a channel, an agent's), whenever created. */
function scopeFilters(q: MetricsQuery): TicketFilters {
  return {
    ...(q.tier ? { tiers: [q.tier === 'untiered' ? null : q.tier] } : {}),
    ...(q.channel ? { channels: [q.channel] } : {}),
    ...(q.agent ? { assignee: { userId: q.agent } } : {}),
  };
}

/** The filters of a metrics request as /tickets filters: the drill-down of any figure uses the same. */
export function metricsFilters(q: MetricsQuery): TicketFilters {
  return { statuses: null, from: q.from, to: q.to, ...scopeFilters(q) };
}

const ZERO = Object.fromEntries(SUMMED.map((k) => [k, 0])) as Totals;

const add = (t: Totals, r: SumRow) =>
  Object.fromEntries(SUMMED.map((k) => [k, t[k] + Number(r[k] ?? 0)])) as Totals;

/** Rolls the sums up by a key (all of them under ''), in first-seen order. */
function rollUp(rows: readonly SumRow[], keyOf: (r: SumRow) => string | null): Map<string | null, Totals> {
  const out = new Map<string | null, Totals>();
  for (const r of rows) out.set(keyOf(r), add(out.get(keyOf(r)) ?? ZERO, r));
  return out;
}

/**
 * The period's figures in four statements rather than one GROUPING SETS statement: sums per (priority,
 * channel, agent) in one pass that PostgreSQL runs in parallel (every other total is rolled up from
 * them here), tickets per day, and the exact percentiles, whose sorts are the costly part, only where
 * shown (the period's first response and resolution; each agent's first response). Durations are
 * float8 (`date_part`): `extract` answers numeric, several times slower to sum and sort at a million
 * rows (docs/benchmarks.md).
 */
async function figures(
  tx: Tx,
  workspaceId: string,
  q: MetricsQuery,
  fcrTag: string | null,
  timeZone: string,
) {
  const where = and(...ticketConditions(workspaceId, metricsFilters(q)));
  const since = (column: SQL) => sql`date_part('epoch', ${column} - ${tickets.createdAt}) * 1000`;
  const frMs = since(sql`${tickets.firstResponseAt}`);
  const resMs = since(sql`${tickets.resolvedAt}`);
  const fcr: SQL = fcrTag
    ? sql`${tickets.resolvedAt} is not null and ${tickets.tags} @> ${JSON.stringify([fcrTag])}::jsonb`
    : sql`false`;
  const sums = rowsOf<SumRow>(
    await tx.execute(sql`
      select ${tickets.priority} as priority, ${tickets.channel} as channel, ${tickets.assigneeId} as agent,
        count(*) as total,
        count(${tickets.firstResponseAt}) as fr_count, sum(${frMs}) as fr_sum,
        count(${tickets.resolvedAt}) as res_count, sum(${resMs}) as res_sum,
        count(*) filter (where ${clockVerdict('first-response', 'met')}) as fr_met,
        count(*) filter (where ${clockVerdict('first-response', 'breached')}) as fr_breached,
        count(*) filter (where ${clockVerdict('resolution', 'met')}) as res_met,
        count(*) filter (where ${clockVerdict('resolution', 'breached')}) as res_breached,
        count(*) filter (where ${fcr}) as fcr,
        sum(${tickets.csatScore}) as csat_sum, count(${tickets.csatScore}) as csat_count,
        count(*) filter (where ${tickets.reopenedInWindow}) as reopened,
        count(*) filter (where ${tickets.resolvedAt} is not null or ${tickets.reopenedCount} > 0) as ever_resolved
      from ${tickets} where ${where}
      group by 1, 2, 3
    `),
  );
  const days = rowsOf<{ day: string; count: number | string }>(
    await tx.execute(sql`
      select to_char(day, 'YYYY-MM-DD') as day, count from (
        select (${tickets.createdAt} at time zone ${timeZone})::date as day, count(*) as count
        from ${tickets} where ${where}
        group by 1
      ) d
    `),
  );
  const [overall] = rowsOf<{ fr_p: Percentiles; res_p: Percentiles }>(
    await tx.execute(sql`
      select percentile_cont(array[0.5, 0.9]) within group (order by ${frMs}) as fr_p,
        percentile_cont(array[0.5, 0.9]) within group (order by ${resMs}) as res_p
      from ${tickets} where ${where}
    `),
  );
  const byAgent = sums.some((r) => r.agent !== null)
    ? rowsOf<{ agent: string; fr_p50: number | string | null }>(
        await tx.execute(sql`
          select ${tickets.assigneeId} as agent,
            percentile_cont(0.5) within group (order by ${frMs}) as fr_p50
          from ${tickets} where ${where} and ${tickets.assigneeId} is not null
          group by 1
        `),
      )
    : [];
  return { sums, days, overall, byAgent };
}

const durations = (count: number, sum: number, p: Percentiles): Durations => {
  const [p50Ms, p90Ms] = percentiles(p);
  return { avgMs: count > 0 ? Math.round(sum / count) : null, p50Ms, p90Ms, count };
};

const compliance = (met: number, breached: number, target: number | null): Compliance => ({
  met,
  breached,
  percent: percent(met, met + breached),
  target,
});

/**
 * The figures of a period.
 *
 * @example await deskMetrics(db, ws, { from: new Date('2026-03-01'), to: new Date('2026-04-01') })
 */
export async function deskMetrics(
  database: Database,
  workspaceId: string,
  q: MetricsQuery,
): Promise<DeskMetrics> {
  return database.inWorkspace(
    workspaceId,
    async (tx) => {
      const policy = await governingPolicy(tx, workspaceId, null);
      const pack = policy?.pack;
      const targets = deskTargets(pack ?? {});
      const [ws] = await tx
        .select({ timeZone: workspaces.timeZone })
        .from(workspaces)
        .where(eq(workspaces.id, workspaceId));
      // The percentiles' sorts fit in memory at a month of a busy desk, and compiling the statements (JIT)
      // costs more than it saves. A period is read whole: with plain index scans allowed, PostgreSQL read
      // 1,000,000 tickets in agent order through tickets_assignee to skip one sort (3.5 s instead of 1.7 s);
      // index-only and bitmap scans stay allowed. Local to this transaction.
      await tx.execute(
        sql`select set_config('work_mem', '32MB', true), set_config('jit', 'off', true),
        set_config('enable_indexscan', 'off', true)`,
      );
      const { sums, days, overall, byAgent } = await figures(
        tx,
        workspaceId,
        q,
        pack?.desk?.firstContactResolution?.tag ?? null,
        ws?.timeZone ?? 'UTC',
      );
      const all = rollUp(sums, () => '').get('') ?? ZERO;
      const levels = (pack?.scales ?? []).find((s) => s.for === 'ticket')?.levels.map((l) => l.id) ?? [];
      const byPriority = rollUp(sums, (r) => r.priority);
      const priorities = [
        ...levels,
        ...[...byPriority.keys()].filter((p): p is string => p !== null && !levels.includes(p)).sort(),
      ];
      const agents = [...rollUp(sums, (r) => r.agent)].filter(
        (entry): entry is [string, Totals] => entry[0] !== null,
      );
      const p50Of = new Map(byAgent.map((r) => [r.agent, r.fr_p50]));
      const names = agents.length
        ? await tx
            .select({ id: users.id, name: users.name })
            .from(users)
            .where(
              inArray(
                users.id,
                agents.map(([id]) => id),
              ),
            )
        : [];
      const nameOf = new Map(names.map((n) => [n.id, n.name]));
      // The backlog is open work now, whenever it was created.
      const backlog = await ticketQueues(
        tx,
        workspaceId,
        (pack?.tiers ?? []).map((t) => ({ id: t.id, label: t.label })),
        scopeFilters(q),
      );
      const csatAverage = (t: Totals) =>
        t.csat_count > 0 ? Math.round((t.csat_sum / t.csat_count) * 100) / 100 : null;
      return {
        from: q.from.toISOString(),
        to: q.to.toISOString(),
        tickets: all.total,
        firstResponse: durations(all.fr_count, all.fr_sum, overall?.fr_p ?? null),
        resolution: durations(all.res_count, all.res_sum, overall?.res_p ?? null),
        slaCompliance: priorities.map((priority) => {
          const r = byPriority.get(priority) ?? ZERO;
          const target = targets.sla.get(priority) ?? { firstResponse: null, resolution: null };
          return {
            priority,
            target: target.firstResponse,
            firstResponse: compliance(r.fr_met, r.fr_breached, target.firstResponse),
            resolution: compliance(r.res_met, r.res_breached, target.resolution),
          };
        }),
        firstContactResolution: {
          // Measured by the desk's tag (ShopSmart: "Manual tag"); a pack without one cannot say.
          percent: pack?.desk?.firstContactResolution ? percent(all.fcr, all.res_count) : null,
          target: targets.firstContactResolution,
          count: all.fcr,
        },
        csat: { average: csatAverage(all), responses: all.csat_count, target: targets.csat },
        reopenRate: { percent: percent(all.reopened, all.ever_resolved), count: all.reopened },
        backlogByTier: backlog.map((b) => ({ tier: b.tier, open: b.open })),
        volumeByChannel: [...rollUp(sums, (r) => r.channel)]
          .map(([channel, t]) => ({ channel: channel ?? '', count: t.total }))
          .sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel)),
        perAgent: agents
          .map(([userId, t]) => ({
            userId,
            name: nameOf.get(userId) ?? null,
            assigned: t.total,
            resolved: t.res_count,
            firstResponseP50Ms: round(num(p50Of.get(userId))),
            csat: csatAverage(t),
          }))
          .sort((a, b) => b.assigned - a.assigned || a.userId.localeCompare(b.userId)),
        volumeByDay: days
          .map((r) => ({ day: r.day, count: int(r.count) }))
          .sort((a, b) => a.day.localeCompare(b.day)),
      };
    },
    { report: true },
  );
}
