/**
 * The help desk's figures over the tickets created in a period (ShopSmart SOP-002 "Quality Metrics",
 * SofaCover's "Success Metrics"): first response and resolution times (mean, p50, p90), SLA compliance per
 * priority from each ticket's clock verdicts, first-contact resolution, CSAT, the reopen rate, volume per
 * channel, per day and per agent. One scan of the period computes them all (GROUPING SETS), so they stay
 * consistent with each other and cheap at a million tickets; the backlog is a second, small query over
 * open work. Merged duplicates are not counted. Every figure matches a /tickets filter (drill-down).
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

/** One row per grouping set: `grp` says which (all, priority, channel, day, agent). */
interface FigureRow {
  grp: 'all' | 'priority' | 'channel' | 'day' | 'agent';
  key: string | null;
  total: number | string;
  fr_count: number | string;
  fr_avg: number | string | null;
  fr_p: (number | string | null)[] | string | null;
  res_count: number | string;
  res_avg: number | string | null;
  res_p: (number | string | null)[] | string | null;
  fr_met: number | string;
  fr_breached: number | string;
  res_met: number | string;
  res_breached: number | string;
  fcr: number | string;
  csat_avg: number | string | null;
  csat_count: number | string;
  reopened: number | string;
  ever_resolved: number | string;
}

const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
const int = (v: number | string | null | undefined) => Number(v ?? 0);
const round = (v: number | null) => (v === null ? null : Math.round(v));
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

/** `{0.5,0.9}` from a driver that does not parse float8[] (and the parsed array from one that does). */
function percentiles(v: FigureRow['fr_p']): [number | null, number | null] {
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

async function figures(
  tx: Tx,
  workspaceId: string,
  q: MetricsQuery,
  fcrTag: string | null,
  timeZone: string,
) {
  const where = and(...ticketConditions(workspaceId, metricsFilters(q)));
  const since = (column: SQL) => sql`extract(epoch from (${column} - ${tickets.createdAt})) * 1000`;
  const fcr: SQL = fcrTag
    ? sql`${tickets.resolvedAt} is not null and ${tickets.tags} @> ${JSON.stringify([fcrTag])}::jsonb`
    : sql`false`;
  return rowsOf<FigureRow>(
    await tx.execute(sql`
      with t as (
        select ${tickets.priority} as priority, ${tickets.channel} as channel, ${tickets.assigneeId} as agent,
          to_char(${tickets.createdAt} at time zone ${timeZone}, 'YYYY-MM-DD') as day,
          ${since(sql`${tickets.firstResponseAt}`)} as fr_ms,
          ${since(sql`${tickets.resolvedAt}`)} as res_ms,
          ${clockVerdict('first-response', 'met')} as fr_met,
          ${clockVerdict('first-response', 'breached')} as fr_breached,
          ${clockVerdict('resolution', 'met')} as res_met,
          ${clockVerdict('resolution', 'breached')} as res_breached,
          ${fcr} as fcr,
          ${tickets.csatScore} as csat,
          ${tickets.reopenedInWindow} as reopened,
          ${tickets.resolvedAt} is not null or ${tickets.reopenedCount} > 0 as ever_resolved
        from ${tickets} where ${where}
      )
      select
        case when grouping(priority) = 0 then 'priority' when grouping(channel) = 0 then 'channel'
             when grouping(day) = 0 then 'day' when grouping(agent) = 0 then 'agent' else 'all' end as grp,
        coalesce(priority, channel, day, agent) as key,
        count(*) as total,
        count(fr_ms) as fr_count, avg(fr_ms) as fr_avg,
        percentile_cont(array[0.5, 0.9]) within group (order by fr_ms) as fr_p,
        count(res_ms) as res_count, avg(res_ms) as res_avg,
        percentile_cont(array[0.5, 0.9]) within group (order by res_ms) as res_p,
        count(*) filter (where fr_met) as fr_met, count(*) filter (where fr_breached) as fr_breached,
        count(*) filter (where res_met) as res_met, count(*) filter (where res_breached) as res_breached,
        count(*) filter (where fcr) as fcr,
        avg(csat) as csat_avg, count(csat) as csat_count,
        count(*) filter (where reopened) as reopened, count(*) filter (where ever_resolved) as ever_resolved
      from t
      group by grouping sets ((), (priority), (channel), (day), (agent))
    `),
  );
}

const durations = (r: FigureRow | undefined, which: 'fr' | 'res'): Durations => {
  const [p50Ms, p90Ms] = percentiles(r?.[`${which}_p`] ?? null);
  return { avgMs: round(num(r?.[`${which}_avg`])), p50Ms, p90Ms, count: int(r?.[`${which}_count`]) };
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
  return database.inWorkspace(workspaceId, async (tx) => {
    const policy = await governingPolicy(tx, workspaceId, null);
    const pack = policy?.pack;
    const targets = deskTargets(pack ?? {});
    const [ws] = await tx
      .select({ timeZone: workspaces.timeZone })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId));
    // One analytical statement per request: its sorts (percentiles, grouping sets) fit in memory at a
    // month of a busy desk, and compiling it (JIT) costs more than it saves. Local to this transaction.
    await tx.execute(sql`select set_config('work_mem', '32MB', true), set_config('jit', 'off', true)`);
    const rows = await figures(
      tx,
      workspaceId,
      q,
      pack?.desk?.firstContactResolution?.tag ?? null,
      ws?.timeZone ?? 'UTC',
    );
    const of = (grp: FigureRow['grp']) => rows.filter((r) => r.grp === grp);
    const all = of('all')[0];
    const resolved = int(all?.res_count);
    const levels = (pack?.scales ?? []).find((s) => s.for === 'ticket')?.levels.map((l) => l.id) ?? [];
    const byPriority = new Map(of('priority').map((r) => [r.key ?? '', r]));
    const priorities = [...levels, ...[...byPriority.keys()].filter((p) => !levels.includes(p)).sort()];
    const agents = of('agent').filter((r) => r.key !== null);
    const names = agents.length
      ? await tx
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(
            inArray(
              users.id,
              agents.map((a) => a.key!),
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
    return {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      tickets: int(all?.total),
      firstResponse: durations(all, 'fr'),
      resolution: durations(all, 'res'),
      slaCompliance: priorities.map((priority) => {
        const r = byPriority.get(priority);
        const target = targets.sla.get(priority) ?? { firstResponse: null, resolution: null };
        return {
          priority,
          target: target.firstResponse,
          firstResponse: compliance(int(r?.fr_met), int(r?.fr_breached), target.firstResponse),
          resolution: compliance(int(r?.res_met), int(r?.res_breached), target.resolution),
        };
      }),
      firstContactResolution: {
        // Measured by the desk's tag (ShopSmart: "Manual tag"); a pack without one cannot say.
        percent: pack?.desk?.firstContactResolution ? percent(int(all?.fcr), resolved) : null,
        target: targets.firstContactResolution,
        count: int(all?.fcr),
      },
      csat: {
        average:
          all?.csat_avg === null || all?.csat_avg === undefined
            ? null
            : Math.round(Number(all.csat_avg) * 100) / 100,
        responses: int(all?.csat_count),
        target: targets.csat,
      },
      reopenRate: {
        percent: percent(int(all?.reopened), int(all?.ever_resolved)),
        count: int(all?.reopened),
      },
      backlogByTier: backlog.map((b) => ({ tier: b.tier, open: b.open })),
      volumeByChannel: of('channel')
        .map((r) => ({ channel: r.key ?? '', count: int(r.total) }))
        .sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel)),
      perAgent: agents
        .map((r) => ({
          userId: r.key!,
          name: nameOf.get(r.key!) ?? null,
          assigned: int(r.total),
          resolved: int(r.res_count),
          firstResponseP50Ms: percentiles(r.fr_p)[0],
          csat: r.csat_avg === null ? null : Math.round(Number(r.csat_avg) * 100) / 100,
        }))
        .sort((a, b) => b.assigned - a.assigned || a.userId.localeCompare(b.userId)),
      volumeByDay: of('day')
        .map((r) => ({ day: r.key ?? '', count: int(r.total) }))
        .sort((a, b) => a.day.localeCompare(b.day)),
    };
  });
}
