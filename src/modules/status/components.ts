/**
 * Status-page components as other modules change them: an incident marks the components it affects, a
 * health check going down marks its component, a maintenance window marks its components. Every change is
 * kept (component_status_changes), so uptime bars are computed from the record, not from samples.
 */
import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../../store/database.js';
import { statusChangedIn } from './invalidate.js';
import {
  componentStatusChanges,
  maintenanceWindows,
  statusComponents,
  type ComponentStatus,
} from '../../store/schema-incidents.js';

export const COMPONENT_STATUSES: readonly ComponentStatus[] = [
  'operational',
  'degraded',
  'partial-outage',
  'major-outage',
  'maintenance',
];

/**
 * Sets a component's status and records the change; a no-op when it already has that status. Unknown
 * components are ignored (a check may name a component the status page no longer lists). Returns whether
 * anything changed.
 */
export async function setComponentStatus(
  tx: Tx,
  workspaceId: string,
  componentId: string,
  status: ComponentStatus,
  cause: string,
  at: Date,
): Promise<boolean> {
  const changed = await tx
    .update(statusComponents)
    .set({ status, updatedAt: at })
    .where(
      and(
        eq(statusComponents.workspaceId, workspaceId),
        eq(statusComponents.id, componentId),
        sql`${statusComponents.status} <> ${status}`,
      ),
    )
    .returning({ id: statusComponents.id });
  if (changed.length === 0) return false;
  await tx.insert(componentStatusChanges).values({ workspaceId, componentId, status, at, cause });
  await statusChangedIn(tx, workspaceId);
  return true;
}

/** The maintenance windows in force at `at` (not cancelled), with the components they cover. */
export async function activeMaintenance(
  tx: Tx,
  workspaceId: string,
  at: Date,
): Promise<{ id: string; title: string; components: string[]; endsAt: Date }[]> {
  return tx
    .select({
      id: maintenanceWindows.id,
      title: maintenanceWindows.title,
      components: maintenanceWindows.components,
      endsAt: maintenanceWindows.endsAt,
    })
    .from(maintenanceWindows)
    .where(
      and(
        eq(maintenanceWindows.workspaceId, workspaceId),
        lte(maintenanceWindows.startsAt, at),
        gt(maintenanceWindows.endsAt, at),
        isNull(maintenanceWindows.cancelledAt),
      ),
    );
}

/** Whether a component (or, with none named, anything) is under maintenance at `at`. */
export async function inMaintenance(
  tx: Tx,
  workspaceId: string,
  component: string | null,
  at: Date,
): Promise<boolean> {
  const windows = await activeMaintenance(tx, workspaceId, at);
  return windows.some(
    (w) => w.components.length === 0 || (component !== null && w.components.includes(component)),
  );
}
