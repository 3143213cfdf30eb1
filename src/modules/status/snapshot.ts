/**
 * What the public status page shows, read in one read-only snapshot of the database: components with their
 * 90-day uptime, incidents that have a published public update (and only those updates), maintenance
 * windows, and the overall status. The cache (status-cache.ts) keeps one per workspace and renders the
 * pages and feeds from it; nothing here renders.
 *
 * What is public (docs/status-page.md): an incident appears once it has an update with audience `public`
 * and a `published_at` (a security incident's waits for the comms lead's approval, SOP-008). A restricted
 * (security) incident shows its published updates only: not its internal title, severity or components.
 */
import { and, asc, eq, gte, isNull, sql } from 'drizzle-orm';
import {
  computeUptime,
  UPTIME_DAYS,
  uptimeWindow,
  type StatusChange,
  type Uptime,
  type UptimeStatus,
} from '../../core/uptime.js';
import type { Database, Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { workspaces } from '../../store/schema.js';
import { maintenanceWindows, statusComponents, type ComponentStatus } from '../../store/schema-incidents.js';
import { readPublicIncidents, severityLevels, type Impact, type PublicIncident } from './public-incidents.js';

export type { Impact, PublicIncident, PublicUpdate } from './public-incidents.js';
export { RESTRICTED_TITLE } from './public-incidents.js';

export type Indicator = Impact | 'maintenance';
export type MaintenancePhase = 'scheduled' | 'in-progress' | 'completed';

export interface PublicWorkspace {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly timeZone: string;
}

export interface PublicComponent {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly group: string | null;
  readonly status: ComponentStatus;
  readonly uptimeTarget: number | null;
  readonly uptime: Uptime;
}

export interface PublicMaintenance {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** Names; empty: everything. */
  readonly components: readonly string[];
  readonly phase: MaintenancePhase;
  readonly createdAt: Date;
}

export interface StatusSnapshot {
  readonly workspace: PublicWorkspace;
  readonly builtAt: Date;
  readonly components: readonly PublicComponent[];
  /** Not resolved, newest first. */
  readonly activeIncidents: readonly PublicIncident[];
  /** Resolved within the 90-day window, newest first. */
  readonly pastIncidents: readonly PublicIncident[];
  /** Not cancelled and not over more than 90 days ago, by start. */
  readonly maintenance: readonly PublicMaintenance[];
  readonly overall: { readonly indicator: Indicator; readonly description: string };
  /** When what it shows changes by the clock alone (a window starts or ends, a new day): rebuild by then. */
  readonly changesByClockAt: number;
  /** What changes whenever something shown changes (fingerprint below): a TTL check compares only this. */
  readonly fingerprint: string;
}

const DAY_MS = 86_400_000;
const MAX_INCIDENTS = 200;

/**
 * A cheap summary of everything the page reads: the latest change of each table (and the components'
 * count, as one may be deleted). When the TTL runs out the cache reads only this, and rebuilds only when it
 * moved: a writer that forgot to announce its change is caught without rebuilding every few seconds.
 */
async function fingerprintIn(tx: Tx, workspaceId: string): Promise<string> {
  const [row] = rowsOf<{ fingerprint: string }>(
    await tx.execute(sql`select concat_ws('|',
      (select concat(max(updated_at), '/', count(*)) from status_components where workspace_id = ${workspaceId}),
      (select max(at) from component_status_changes where workspace_id = ${workspaceId}),
      (select concat(max(updated_at), '/', max(resolved_at)) from incidents where workspace_id = ${workspaceId}),
      (select max(published_at) from incident_updates where workspace_id = ${workspaceId}),
      (select concat(max(created_at), '/', max(cancelled_at), '/', max(ends_at), '/', count(*))
        from maintenance_windows where workspace_id = ${workspaceId}),
      (select concat(name, '/', slug, '/', time_zone) from workspaces where id = ${workspaceId})
    ) as fingerprint`),
  );
  return row?.fingerprint ?? '';
}

/** The fingerprint of a workspace's page now (see fingerprintIn). */
export function readFingerprint(database: Database, workspaceId: string): Promise<string> {
  return database.inWorkspace(workspaceId, (tx) => fingerprintIn(tx, workspaceId));
}

/** The workspace's name and zone, by id; null when there is none. */
async function readWorkspace(tx: Tx, workspaceId: string): Promise<PublicWorkspace | null> {
  const [row] = await tx
    .select({
      id: workspaces.id,
      slug: workspaces.slug,
      name: workspaces.name,
      timeZone: workspaces.timeZone,
    })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return row ?? null;
}

async function readComponents(
  tx: Tx,
  workspaceId: string,
  nowMs: number,
  timeZone: string,
  window: ReturnType<typeof uptimeWindow>,
) {
  const rows = await tx
    .select()
    .from(statusComponents)
    .where(eq(statusComponents.workspaceId, workspaceId))
    .orderBy(asc(statusComponents.position), asc(statusComponents.name));
  const windowStart = new Date(window[0]!.startMs);
  // The changes inside the window, and each component's last one before it (its status as the window opens).
  const changes = rowsOf<{ component_id: string; status: UptimeStatus; at: Date | string }>(
    await tx.execute(sql`
      (select distinct on (component_id) component_id, status, at from component_status_changes
        where workspace_id = ${workspaceId} and at < ${windowStart.toISOString()}::timestamptz
        order by component_id, at desc)
      union all
      (select component_id, status, at from component_status_changes
        where workspace_id = ${workspaceId} and at >= ${windowStart.toISOString()}::timestamptz
        order by at)`),
  );
  const byComponent = new Map<string, StatusChange[]>();
  for (const c of changes) {
    const list = byComponent.get(c.component_id) ?? [];
    list.push({ status: c.status, atMs: new Date(c.at).getTime() });
    byComponent.set(c.component_id, list);
  }
  return rows.map((row): PublicComponent => {
    const recorded = (byComponent.get(row.id) ?? []).sort((a, b) => a.atMs - b.atMs);
    // A component created without a recorded first status was operational (the column's default) until
    // its first change, or has been in its status since it was created.
    const createdMs = row.createdAt.getTime();
    const first = recorded[0];
    const implied: StatusChange[] =
      !first || first.atMs > createdMs
        ? [{ status: first ? 'operational' : row.status, atMs: createdMs }]
        : [];
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      group: row.groupName,
      status: row.status,
      uptimeTarget: row.uptimeTarget,
      uptime: computeUptime([...implied, ...recorded], nowMs, timeZone, UPTIME_DAYS, window),
    };
  });
}

async function readMaintenance(
  tx: Tx,
  workspaceId: string,
  since: Date,
  nowMs: number,
  componentNames: ReadonlyMap<string, string>,
): Promise<PublicMaintenance[]> {
  const rows = await tx
    .select()
    .from(maintenanceWindows)
    .where(
      and(
        eq(maintenanceWindows.workspaceId, workspaceId),
        isNull(maintenanceWindows.cancelledAt),
        gte(maintenanceWindows.endsAt, since),
      ),
    )
    .orderBy(asc(maintenanceWindows.startsAt))
    .limit(MAX_INCIDENTS);
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    body: row.body,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    components: row.components.flatMap((c) => {
      const name = componentNames.get(c);
      return name ? [name] : [];
    }),
    phase:
      row.startsAt.getTime() > nowMs
        ? 'scheduled'
        : row.endsAt.getTime() > nowMs
          ? 'in-progress'
          : 'completed',
    createdAt: row.createdAt,
  }));
}

const INDICATOR_RANK: Record<Indicator, number> = {
  none: 0,
  maintenance: 1,
  minor: 2,
  major: 3,
  critical: 4,
};
const DESCRIPTION: Record<Indicator, string> = {
  none: 'All systems operational',
  maintenance: 'Maintenance in progress',
  minor: 'Minor service disruption',
  major: 'Partial system outage',
  critical: 'Major system outage',
};

/**
 * The banner: the worst of the components' statuses (major outage: critical, partial: major, degraded:
 * minor, maintenance), a window in progress, and the open incidents' impact (an open incident is at
 * least minor).
 */
export function overallStatus(
  components: readonly { status: ComponentStatus }[],
  active: readonly { impact: Impact }[],
  maintenanceInProgress = false,
): { indicator: Indicator; description: string } {
  const fromComponent: Record<ComponentStatus, Indicator> = {
    operational: 'none',
    maintenance: 'maintenance',
    degraded: 'minor',
    'partial-outage': 'major',
    'major-outage': 'critical',
  };
  let indicator: Indicator = 'none';
  const raise = (next: Indicator) => {
    if (INDICATOR_RANK[next] > INDICATOR_RANK[indicator]) indicator = next;
  };
  if (maintenanceInProgress) raise('maintenance');
  for (const c of components) raise(fromComponent[c.status]);
  for (const i of active) raise(i.impact === 'none' ? 'minor' : i.impact);
  return { indicator, description: DESCRIPTION[indicator] };
}

/** Reads the whole page's data for a workspace; null when the workspace does not exist. */
export async function buildSnapshot(
  database: Database,
  workspaceId: string,
  now: Date,
): Promise<StatusSnapshot | null> {
  const nowMs = now.getTime();
  return database.inWorkspace(
    workspaceId,
    async (tx) => {
      const workspace = await readWorkspace(tx, workspaceId);
      if (!workspace) return null;
      const window = uptimeWindow(nowMs, workspace.timeZone);
      const since = new Date(window[0]!.startMs);
      const components = await readComponents(tx, workspaceId, nowMs, workspace.timeZone, window);
      const names = new Map(components.map((c) => [c.id, c.name]));
      const scales = await severityLevels(tx, workspaceId);
      const all = await readPublicIncidents(tx, workspaceId, { since }, names, scales);
      const maintenance = await readMaintenance(tx, workspaceId, since, nowMs, names);
      const activeIncidents = all.filter((i) => !i.resolved);
      const boundaries = maintenance
        .flatMap((m) => [m.startsAt.getTime(), m.endsAt.getTime()])
        .filter((t) => t > nowMs);
      return {
        workspace,
        builtAt: now,
        components,
        activeIncidents,
        pastIncidents: all.filter((i) => i.resolved),
        maintenance,
        overall: overallStatus(
          components,
          activeIncidents,
          maintenance.some((m) => m.phase === 'in-progress'),
        ),
        changesByClockAt: Math.min(window.at(-1)!.endMs, ...boundaries, nowMs + DAY_MS),
        fingerprint: await fingerprintIn(tx, workspaceId),
      };
    },
    { report: true },
  );
}

/** One incident's page data, also for an incident older than the window; null when it is not public. */
export async function buildIncident(
  database: Database,
  workspaceId: string,
  incidentId: string,
  components: readonly PublicComponent[],
): Promise<PublicIncident | null> {
  return database.inWorkspace(
    workspaceId,
    async (tx) => {
      const scales = await severityLevels(tx, workspaceId);
      const names = new Map(components.map((c) => [c.id, c.name]));
      const [incident] = await readPublicIncidents(tx, workspaceId, { id: incidentId }, names, scales);
      return incident ?? null;
    },
    { report: true },
  );
}
