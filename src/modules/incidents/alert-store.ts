/**
 * The statements of an alert batch (alerts.ts), a fixed number whatever its size: lock its keys and
 * groups; read, in one statement, the keys' open alerts and recent firings, the incidents they may touch
 * and the maintenance in force; then one UPDATE for the stored alerts and one INSERT … ON CONFLICT for the
 * new ones. Rows travel as one JSON document (jsonb_to_recordset), so 10,000 alerts are one parameter,
 * not 190,000.
 */
import { sql } from 'drizzle-orm';
import { newId } from '../../shared/ids.js';
import { rowsOf, type Tx } from '../../store/database.js';
import {
  FLAP_WINDOW_MS,
  type KeyHistory,
  type KnownIncident,
  type Plan,
  type PlannedAlert,
} from './alert-plan.js';

const json = (value: unknown) => JSON.stringify(value);

/**
 * One batch's keys and groups are locked for the rest of the transaction (sorted, so two batches never
 * wait on each other in a cycle): what is read next stays true until the plan is written. The group locks
 * are the ones declareIncidentIn takes.
 */
export async function lockKeysAndGroups(
  tx: Tx,
  workspaceId: string,
  keys: readonly string[],
  groups: readonly string[],
): Promise<void> {
  const names = [
    ...keys.map((k) => `${workspaceId}|alert|${k}`),
    ...groups.map((g) => `${workspaceId}/${g}`),
  ];
  await tx.execute(sql`
    select count(pg_advisory_xact_lock(h)) from (
      select distinct hashtextextended(v, 8) as h from jsonb_array_elements_text(${json(names)}::jsonb) v
      order by 1) s`);
}

/**
 * The groups of the open incidents that these keys' open alerts belong to: a batch that may resolve an
 * incident's last alert locks its group too, so an alert of that group arriving at the same moment waits
 * and then sees the incident resolved (and opens a new one) instead of joining it as it resolves.
 */
export async function groupsOfResolving(
  tx: Tx,
  workspaceId: string,
  keys: readonly string[],
): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = rowsOf<{ group_key: string }>(
    await tx.execute(sql`
      select distinct i.group_key from alerts a
        join incidents i on i.workspace_id = a.workspace_id and i.id = a.incident_id
       where a.workspace_id = ${workspaceId} and a.status <> 'resolved'
         and a.dedup_key = any(array(select jsonb_array_elements_text(${json(keys)}::jsonb)))
         and i.resolved_at is null and i.group_key is not null`),
  );
  return rows.map((r) => r.group_key);
}

interface HistoryRow {
  id: string;
  dedup_key: string;
  status: 'firing' | 'acknowledged' | 'resolved';
  incident_id: string | null;
  flaps: number;
}
interface IncidentRow {
  id: string;
  number: number;
  group_key: string | null;
  open: boolean;
  by_alerts: boolean;
  open_alerts: number | null;
}

export interface BatchState {
  readonly histories: Map<string, KeyHistory>;
  readonly incidents: Map<string, KnownIncident>;
  /** The components of each maintenance window in force (empty: all of them). */
  readonly windows: string[][];
}

/** A json column as either driver returns it. */
const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * What a batch resolves: its keys with a resolve event, and the groups their triggers join. Only the
 * incidents of these can lose their last open alert in the batch, so only theirs are counted.
 */
export interface Resolving {
  readonly keys: readonly string[];
  readonly groups: readonly string[];
}

/** Open alerts of an incident that is not counted: more than any batch can resolve. */
const UNCOUNTED = Number.MAX_SAFE_INTEGER;

/**
 * In one statement: each key's alerts that fired within the flapping window (its open one among them),
 * the incidents the batch may touch (open ones of its groups, those of its keys' recent alerts; the open
 * alerts counted of those it may resolve) and, when an alert may page, the maintenance windows in force
 * (as status/components.ts activeMaintenance reads them).
 */
export async function readBatchState(
  tx: Tx,
  workspaceId: string,
  keys: readonly string[],
  groups: readonly string[],
  resolving: Resolving,
  now: Date,
): Promise<BatchState> {
  const since = new Date(now.getTime() - FLAP_WINDOW_MS).toISOString();
  const at = now.toISOString();
  const [row] = rowsOf<{ histories: unknown; incidents: unknown; windows: unknown }>(
    await tx.execute(sql`
      with h as (
        select id, dedup_key, status, incident_id, flaps, created_at from alerts
         where workspace_id = ${workspaceId}
           and dedup_key = any(array(select jsonb_array_elements_text(${json(keys)}::jsonb)))
           and (resolved_at is null or resolved_at > ${since}::timestamptz)),
      i as (
        select i.id, i.number, i.group_key, i.resolved_at is null as open,
               jsonb_exists(i.fields, 'alertSource') as by_alerts,
               case when i.id in (select incident_id from h
                                   where dedup_key = any(array(select jsonb_array_elements_text(${json(resolving.keys)}::jsonb))))
                      or i.group_key = any(array(select jsonb_array_elements_text(${json(resolving.groups)}::jsonb)))
                    then (select count(*)::int from alerts a
                           where a.workspace_id = i.workspace_id and a.incident_id = i.id
                             and a.status <> 'resolved') end as open_alerts
          from incidents i
         where i.workspace_id = ${workspaceId}
           and ((i.resolved_at is null
                 and i.group_key = any(array(select jsonb_array_elements_text(${json(groups)}::jsonb))))
                or i.id in (select incident_id from h))),
      m as (
        select components from maintenance_windows
         where workspace_id = ${workspaceId} and ${groups.length > 0}::boolean
           and starts_at <= ${at}::timestamptz and ends_at > ${at}::timestamptz and cancelled_at is null)
      select (select coalesce(json_agg(h order by h.dedup_key, h.created_at, h.id), '[]') from h) as histories,
             (select coalesce(json_agg(i), '[]') from i) as incidents,
             (select coalesce(json_agg(m.components), '[]') from m) as windows`),
  );
  const histories = new Map<string, KeyHistory>();
  for (const h of parsed<HistoryRow[]>(row?.histories ?? [])) {
    const before = histories.get(h.dedup_key);
    const open =
      h.status === 'resolved'
        ? null
        : { id: h.id, status: h.status, incidentId: h.incident_id, flaps: h.flaps };
    histories.set(h.dedup_key, {
      open: open ?? before?.open ?? null,
      firingsInWindow: (before?.firingsInWindow ?? 0) + 1,
      lastIncidentId: h.incident_id,
    });
  }
  const incidents = new Map(
    parsed<IncidentRow[]>(row?.incidents ?? []).map((r) => [
      r.id,
      {
        id: r.id,
        number: r.number,
        open: r.open,
        byAlerts: r.by_alerts,
        openAlerts: r.open_alerts ?? UNCOUNTED,
        groupKey: r.group_key,
      },
    ]),
  );
  return { histories, incidents, windows: parsed<string[][]>(row?.windows ?? []) };
}

/** Ids for the batch's new alerts, sorted, so alerts created in one millisecond keep the batch's order. */
export function orderedIds(count: number, nowMs: number): () => string {
  const ids = Array.from({ length: count }, () => newId('alr', nowMs)).sort();
  let next = 0;
  return () => ids[next++] ?? newId('alr', nowMs);
}

function rowOf(alert: PlannedAlert, incidentIds: ReadonlyMap<string, string>, now: Date) {
  const last = alert.last;
  const incident = alert.incident === null ? null : (incidentIds.get(alert.incident) ?? alert.incident);
  return {
    id: alert.id,
    source: alert.source,
    dedup_key: alert.dedupKey,
    status: alert.status,
    count: alert.count,
    flaps: alert.flaps,
    severity: last?.classification.severity ?? null,
    summary: last?.event.summary ?? null,
    service: last ? (last.event.service ?? null) : null,
    labels: last ? (last.event.labels ?? {}) : null,
    details: last ? (last.event.details ?? {}) : null,
    triggered: last !== null,
    incident_id: alert.incidentSet ? incident : null,
    started_at: alert.startedAt.toISOString(),
    last_seen_at: last ? now.toISOString() : null,
    acknowledged_at: alert.acknowledgedAt?.toISOString() ?? null,
    resolved_at: alert.resolvedAt?.toISOString() ?? null,
  };
}

const RECORD = sql.raw(`(id text, source text, dedup_key text, status text, count int, flaps int,
  severity text, summary text, service text, labels jsonb, details jsonb, triggered boolean, incident_id text,
  started_at timestamptz, last_seen_at timestamptz, acknowledged_at timestamptz, resolved_at timestamptz)`);

/** Stored alerts first (a resolve frees its key for a new alert of the same batch), then new ones. */
export async function writeAlerts(
  tx: Tx,
  workspaceId: string,
  plan: Plan,
  incidentIds: ReadonlyMap<string, string>,
  now: Date,
): Promise<void> {
  const stored = plan.alerts.filter((a) => a.stored).map((a) => rowOf(a, incidentIds, now));
  const fresh = plan.alerts.filter((a) => !a.stored).map((a) => rowOf(a, incidentIds, now));
  if (stored.length > 0) {
    await tx.execute(sql`
      update alerts a set
        status = u.status,
        count = a.count + u.count,
        severity = coalesce(u.severity, a.severity),
        summary = coalesce(u.summary, a.summary),
        service = case when u.triggered then u.service else a.service end,
        labels = coalesce(u.labels, a.labels),
        details = coalesce(u.details, a.details),
        incident_id = coalesce(u.incident_id, a.incident_id),
        last_seen_at = coalesce(u.last_seen_at, a.last_seen_at),
        acknowledged_at = coalesce(u.acknowledged_at, a.acknowledged_at),
        resolved_at = u.resolved_at
       from jsonb_to_recordset(${json(stored)}::jsonb) as u${RECORD}
      where a.workspace_id = ${workspaceId} and a.id = u.id`);
  }
  if (fresh.length > 0) {
    // ON CONFLICT: should another writer have opened the key meanwhile, this is a repeat of its alert.
    await tx.execute(sql`
      insert into alerts (id, workspace_id, source, dedup_key, status, severity, summary, service, labels,
                          details, count, flaps, incident_id, started_at, last_seen_at, acknowledged_at,
                          resolved_at, created_at)
      select r.id, ${workspaceId}, r.source, r.dedup_key, r.status, r.severity, r.summary, r.service, r.labels,
             r.details, r.count, r.flaps, r.incident_id, r.started_at, r.last_seen_at, r.acknowledged_at,
             r.resolved_at, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${json(fresh)}::jsonb) as r${RECORD}
      on conflict (workspace_id, dedup_key) where status <> 'resolved' do update set
        count = alerts.count + excluded.count,
        severity = excluded.severity,
        summary = excluded.summary,
        labels = excluded.labels,
        details = excluded.details,
        last_seen_at = excluded.last_seen_at`);
  }
}
