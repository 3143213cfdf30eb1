/**
 * Alerts as people see and handle them: the list (open by default, newest first, by cursor), one alert,
 * and acknowledging or resolving one by hand, which goes through the same intake as the sender's own
 * events (so a resolve by hand also resolves the incident alerts opened, when it was the last alert).
 */
import { and, desc, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { alerts, incidents, type AlertStatus } from '../../store/schema-incidents.js';
import { FLAP_REFIRES } from './alert-plan.js';
import { inAlertTransaction, ingestAlertsIn } from './alerts.js';
import type { IncidentsContext } from './context.js';

export const ALERT_LIST_STATUSES = ['open', 'firing', 'acknowledged', 'resolved', 'all'] as const;
export type AlertListStatus = (typeof ALERT_LIST_STATUSES)[number];

export interface AlertFilter {
  readonly status?: AlertListStatus | undefined;
  readonly source?: string | undefined;
  readonly severity?: string | undefined;
  readonly service?: string | undefined;
  readonly incident?: number | undefined;
  readonly dedupKey?: string | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

export interface AlertView {
  readonly id: string;
  readonly source: string;
  readonly dedupKey: string;
  readonly status: AlertStatus;
  readonly severity: string;
  readonly summary: string;
  readonly service: string | null;
  readonly labels: Record<string, string>;
  readonly details: Record<string, unknown>;
  readonly count: number;
  readonly flaps: number;
  readonly flapping: boolean;
  /** Null also when it is a restricted (security) incident the viewer may not see. */
  readonly incident: { readonly id: string; readonly number: number } | null;
  readonly startedAt: Date;
  readonly lastSeenAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly createdAt: Date;
}

const columns = {
  id: alerts.id,
  source: alerts.source,
  dedupKey: alerts.dedupKey,
  status: alerts.status,
  severity: alerts.severity,
  summary: alerts.summary,
  service: alerts.service,
  labels: alerts.labels,
  details: alerts.details,
  count: alerts.count,
  flaps: alerts.flaps,
  incidentId: alerts.incidentId,
  incidentNumber: incidents.number,
  restricted: incidents.restricted,
  startedAt: alerts.startedAt,
  lastSeenAt: alerts.lastSeenAt,
  acknowledgedAt: alerts.acknowledgedAt,
  resolvedAt: alerts.resolvedAt,
  createdAt: alerts.createdAt,
};
type Row = { [K in keyof typeof columns]: (typeof columns)[K]['_']['data'] | null } & {
  id: string;
  status: AlertStatus;
  labels: Record<string, string>;
  details: Record<string, unknown>;
};

function viewOf(row: Row, seesRestricted: boolean): AlertView {
  const { incidentId, incidentNumber, restricted, ...rest } = row;
  const visible = incidentId !== null && incidentNumber !== null && (!restricted || seesRestricted);
  return {
    ...(rest as Omit<AlertView, 'incident' | 'flapping'>),
    flapping: (row.flaps ?? 0) >= FLAP_REFIRES,
    incident: visible ? { id: incidentId, number: incidentNumber } : null,
  };
}

/**
 * An alert of a restricted (security) incident is as hidden as the incident from whoever may not read
 * security incidents: its summary is often the incident's title (SOP-008). (The people on the incident see
 * its alerts in the room.)
 */
const visible = (seesRestricted: boolean): SQL | undefined =>
  seesRestricted ? undefined : or(isNull(incidents.id), eq(incidents.restricted, false));

const query = (tx: Tx) =>
  tx
    .select(columns)
    .from(alerts)
    .leftJoin(
      incidents,
      and(eq(incidents.workspaceId, alerts.workspaceId), eq(incidents.id, alerts.incidentId)),
    );

function statusWhere(status: AlertListStatus): SQL | undefined {
  if (status === 'all') return undefined;
  if (status === 'open') return sql`${alerts.status} <> 'resolved'`;
  return eq(alerts.status, status);
}

/** `createdAt|id` of the last alert of a page, opaque to clients. */
const encodeCursor = (row: { createdAt: Date; id: string }) =>
  Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const instant = new Date(at ?? '');
  if (!id || Number.isNaN(instant.getTime()))
    throw new OpsError('OPS_VALIDATION', 'The cursor is not one this list gave.', [
      { pointer: '/querystring/cursor', message: 'use the `next` value of the previous page' },
    ]);
  return { at: instant, id };
}

/** A page of alerts, newest first; `next` is the cursor of the following page, null at the end. */
export async function listAlerts(
  ctx: IncidentsContext,
  workspaceId: string,
  filter: AlertFilter,
  seesRestricted: boolean,
): Promise<{ items: AlertView[]; next: string | null }> {
  const limit = filter.limit ?? 50;
  const where: (SQL | undefined)[] = [
    eq(alerts.workspaceId, workspaceId),
    statusWhere(filter.status ?? 'open'),
    visible(seesRestricted),
  ];
  if (filter.source) where.push(eq(alerts.source, filter.source));
  if (filter.severity) where.push(eq(alerts.severity, filter.severity));
  if (filter.service) where.push(eq(alerts.service, filter.service));
  if (filter.dedupKey) where.push(eq(alerts.dedupKey, filter.dedupKey));
  if (filter.incident !== undefined) where.push(eq(incidents.number, filter.incident));
  if (filter.cursor) {
    const { at, id } = decodeCursor(filter.cursor);
    where.push(or(lt(alerts.createdAt, at), and(eq(alerts.createdAt, at), lt(alerts.id, id))));
  }
  const rows = (await ctx.database.inWorkspace(workspaceId, (tx) =>
    query(tx)
      .where(and(...where))
      .orderBy(desc(alerts.createdAt), desc(alerts.id))
      .limit(limit + 1),
  )) as Row[];
  const items = rows.slice(0, limit).map((r) => viewOf(r, seesRestricted));
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? encodeCursor(last) : null };
}

async function alertIn(tx: Tx, workspaceId: string, alertId: string, seesRestricted: boolean): Promise<Row> {
  const [row] = (await query(tx).where(
    and(eq(alerts.workspaceId, workspaceId), eq(alerts.id, alertId), visible(seesRestricted)),
  )) as Row[];
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No alert "${alertId}" in this workspace.`);
  return row;
}

export async function getAlert(
  ctx: IncidentsContext,
  workspaceId: string,
  alertId: string,
  seesRestricted: boolean,
): Promise<AlertView> {
  return viewOf(
    await ctx.database.inWorkspace(workspaceId, (tx) => alertIn(tx, workspaceId, alertId, seesRestricted)),
    seesRestricted,
  );
}

/**
 * Acknowledges or resolves one alert by hand, as its sender would: an alert resolved already cannot be
 * acknowledged (409); resolving it again changes nothing.
 */
export async function actOnAlert(
  ctx: IncidentsContext,
  workspaceId: string,
  alertId: string,
  action: 'acknowledge' | 'resolve',
  actor: string,
  seesRestricted: boolean,
): Promise<AlertView> {
  const row = await inAlertTransaction(ctx, workspaceId, async (tx) => {
    const alert = await alertIn(tx, workspaceId, alertId, seesRestricted);
    if (alert.status === 'resolved') {
      if (action === 'resolve') return alert;
      throw new OpsError(
        'OPS_CONFLICT',
        `Alert ${alertId} is resolved already; there is nothing to acknowledge.`,
      );
    }
    await ingestAlertsIn(ctx, tx, workspaceId, alert.source!, [{ action, dedupKey: alert.dedupKey! }], actor);
    return alertIn(tx, workspaceId, alertId, seesRestricted);
  });
  return viewOf(row, seesRestricted);
}
