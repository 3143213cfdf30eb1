/**
 * What the incident room and its lists read: incidents a person may see (restricted security incidents
 * only with `security-incidents.read` or a role on them), one incident whole, and the metrics by
 * severity (MTTD, MTTA, MTTR, counts, overdue action items).
 */
import { and, asc, desc, eq, gte, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import { readEffects } from '../../engine/effects.js';
import { readTimeline } from '../../engine/timeline.js';
import type { Tx } from '../../store/database.js';
import { tasks, tickets } from '../../store/schema.js';
import { alerts, incidentUpdates, incidents } from '../../store/schema-incidents.js';
import type { IncidentsContext } from './context.js';
import { scaleOfPolicy } from './incidents.js';
import { incidentSubject } from './mirror.js';
import { listActionItems, readReview, reviewSections } from './review.js';
import { DEFAULT_ROLES, stagesOf } from './room.js';

export interface Viewer {
  readonly userId: string | null;
  /** Holds `security-incidents.read`. */
  readonly seesRestricted: boolean;
}

/** Restricted incidents are visible to whoever may read them, and to the people on them. */
function visibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.seesRestricted) return undefined;
  const conditions = [eq(incidents.restricted, false)];
  if (viewer.userId) {
    // Roles are `{ role: userId }`: the viewer holds one when a value is theirs.
    conditions.push(
      sql`exists (select 1 from jsonb_each_text(${incidents.roles}) r where r.value = ${viewer.userId})`,
    );
    conditions.push(eq(incidents.declaredBy, `user:${viewer.userId}`));
  }
  return or(...conditions);
}

export type IncidentRow = typeof incidents.$inferSelect;

/**
 * What declaring needs to offer in a form: the active pack's incident scale (most severe first) and its
 * incident types.
 */
export async function declareOptions(ctx: IncidentsContext, workspaceId: string) {
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const { ep } = await ctx.engine.activePolicyIn(tx, workspaceId);
    const scale = scaleOfPolicy(ep);
    return {
      scale: scale && {
        id: scale.id,
        levels: scale.levels.map((id) => ({ id, label: scale.labels[id] ?? id })),
      },
      types: (ep.policy.pack.incidents?.types ?? []).map((t) => ({ id: t.id, label: t.label })),
    };
  });
}

export async function listIncidents(
  ctx: IncidentsContext,
  workspaceId: string,
  viewer: Viewer,
  filter: { state: 'open' | 'resolved' | 'all'; severity?: string; limit: number },
): Promise<IncidentRow[]> {
  return ctx.database.inWorkspace(workspaceId, (tx) => {
    const conditions: (SQL | undefined)[] = [eq(incidents.workspaceId, workspaceId), visibleTo(viewer)];
    if (filter.state === 'open') conditions.push(isNull(incidents.resolvedAt));
    if (filter.state === 'resolved') conditions.push(isNotNull(incidents.resolvedAt));
    if (filter.severity) conditions.push(eq(incidents.severity, filter.severity));
    return tx
      .select()
      .from(incidents)
      .where(and(...conditions))
      .orderBy(desc(incidents.detectedAt))
      .limit(filter.limit);
  });
}

/** The incident by number, if the viewer may see it (else not found: its existence is not disclosed). */
export async function incidentByNumber(
  tx: Tx,
  workspaceId: string,
  number: number,
  viewer: Viewer,
): Promise<IncidentRow> {
  const [row] = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.number, number), visibleTo(viewer)));
  if (!row) throw new OpsError('OPS_NOT_FOUND', `incident INC-${number} does not exist in this workspace`);
  return row;
}

/** Everything the incident room shows. */
export async function incidentDetail(
  ctx: IncidentsContext,
  workspaceId: string,
  number: number,
  viewer: Viewer,
) {
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const incident = await incidentByNumber(tx, workspaceId, number, viewer);
    const subject = incidentSubject(number);
    const { ep } = await ctx.engine.policyFor(tx, workspaceId, subject);
    const [updates, timeline, effects, linkedAlerts, linkedTickets, review, actionItems, stages] =
      await Promise.all([
        tx
          .select()
          .from(incidentUpdates)
          .where(
            and(eq(incidentUpdates.workspaceId, workspaceId), eq(incidentUpdates.incidentId, incident.id)),
          )
          .orderBy(asc(incidentUpdates.createdAt)),
        readTimeline(tx, subject, { limit: 1000 }),
        readEffects(tx, { subject, limit: 1000 }),
        tx
          .select()
          .from(alerts)
          .where(and(eq(alerts.workspaceId, workspaceId), eq(alerts.incidentId, incident.id)))
          .orderBy(desc(alerts.lastSeenAt))
          .limit(200),
        tx
          .select({ number: tickets.number, title: tickets.title, status: tickets.status })
          .from(tickets)
          .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.incident, subject)))
          .limit(200),
        readReview(tx, workspaceId, incident.id),
        listActionItems(tx, workspaceId, incident.id),
        stagesOf(ctx, tx, workspaceId, incident),
      ]);
    const section = ep.policy.pack.incidents;
    return {
      incident,
      scale: scaleOfPolicy(ep),
      roles: (section?.commandRoles ?? DEFAULT_ROLES.map((role) => ({ role, responsibility: '' }))).map(
        (r) => ({ role: r.role, responsibility: r.responsibility, holder: incident.roles[r.role] ?? null }),
      ),
      stages: stages.map((s) => ({
        ...s,
        steps: s.steps.map((step, i) => ({
          ...step,
          done:
            (incident.fields.checklist as Record<string, { by: string; at: string }> | undefined)?.[
              `${s.id}/${i}`
            ] ?? null,
        })),
        reachedAt: incident.stages.find((r) => r.id === s.id)?.at ?? null,
        clock: incident.clocks.find((c) => c.id === `stage:${s.id}`) ?? null,
      })),
      regulatory: incident.clocks
        .filter((c) => c.id.startsWith('regulatory:'))
        .map((c) => {
          const id = c.id.slice('regulatory:'.length);
          const spec = section?.regulatory?.find((r) => r.id === id);
          return { ...c, label: spec?.label ?? id, authority: spec?.authority ?? id };
        }),
      reports: Array.isArray(incident.fields.reports)
        ? (incident.fields.reports as {
            clock: string;
            at: string;
            by: string;
            reference?: string;
            note?: string;
          }[])
        : [],
      updates,
      timeline,
      tasks: effects
        .filter((e) => e.type === 'task')
        .map((e) => {
          const data = e.data as Record<string, unknown>;
          return {
            key: e.key,
            title: typeof data.title === 'string' ? data.title : '',
            assignee: typeof data.assignee === 'string' ? data.assignee : '',
            dueAt: typeof data.dueMs === 'number' ? new Date(data.dueMs).toISOString() : null,
          };
        }),
      notifications: effects.filter((e) => e.type === 'notify').length,
      alerts: linkedAlerts,
      tickets: linkedTickets,
      review: review && {
        ...review,
        template: reviewSections(ep),
      },
      actionItems,
      rules: section?.rules ?? [],
    };
  });
}

interface SeverityFigures {
  severity: string;
  count: number;
  open: number;
  /** Mean minutes from the problem's start to detection (incidents whose start is known). */
  mttdMinutes: number | null;
  mttaMinutes: number | null;
  mttrMinutes: number | null;
  breached: number;
}

/**
 * Incident metrics over a period (by detection time): per severity the count, MTTD (start → detection),
 * MTTA (detection → first acknowledgement), MTTR (detection → resolution), breached deadlines; and the
 * action items overdue now. One read-only snapshot.
 */
export async function incidentMetrics(
  ctx: IncidentsContext,
  workspaceId: string,
  viewer: Viewer,
  period: { from: Date; to: Date },
): Promise<{ bySeverity: SeverityFigures[]; total: number; actionItemsOverdue: number }> {
  return ctx.database.inWorkspace(
    workspaceId,
    async (tx) => {
      const minutes = (a: SQL, b: SQL) => sql`avg(extract(epoch from (${a} - ${b})) / 60)`;
      const rows = await tx
        .select({
          severity: incidents.severity,
          count: sql<number>`count(*)::int`,
          open: sql<number>`count(*) filter (where ${incidents.resolvedAt} is null)::int`,
          mttd: sql<
            number | null
          >`${minutes(sql`${incidents.detectedAt}`, sql`${incidents.startedAt}`)}::float8`,
          mtta: sql<
            number | null
          >`${minutes(sql`${incidents.acknowledgedAt}`, sql`${incidents.detectedAt}`)}::float8`,
          mttr: sql<
            number | null
          >`${minutes(sql`${incidents.resolvedAt}`, sql`${incidents.detectedAt}`)}::float8`,
          breached: sql<number>`count(*) filter (where ${incidents.breached})::int`,
        })
        .from(incidents)
        .where(
          and(
            eq(incidents.workspaceId, workspaceId),
            gte(incidents.detectedAt, period.from),
            lt(incidents.detectedAt, period.to),
            visibleTo(viewer),
          ),
        )
        .groupBy(incidents.severity);
      const { ep } = await ctx.engine.activePolicyIn(tx, workspaceId);
      const order = scaleOfPolicy(ep)?.levels ?? [];
      const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
      const [overdue] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(tasks)
        .where(
          and(
            eq(tasks.workspaceId, workspaceId),
            eq(tasks.status, 'open'),
            sql`${tasks.key} like 'incident:%:action:%'`,
            lte(tasks.dueAt, ctx.now()),
          ),
        );
      const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
      return {
        bySeverity: rows
          .sort((a, b) => rank(a.severity) - rank(b.severity))
          .map((r) => ({
            severity: r.severity,
            count: r.count,
            open: r.open,
            mttdMinutes: round(r.mttd),
            mttaMinutes: round(r.mtta),
            mttrMinutes: round(r.mttr),
            breached: r.breached,
          })),
        total: rows.reduce((n, r) => n + r.count, 0),
        actionItemsOverdue: overdue?.n ?? 0,
      };
    },
    { report: true },
  );
}
