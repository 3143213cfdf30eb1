/**
 * A monitor's alert and status-page component, kept in line with its status. A down check or heartbeat
 * has its alert open (`check:<id>` / `heartbeat:<id>`, through the alert intake, which decides incidents
 * and paging by the pack's rules) and its component in major outage; a recovered one has both resolved.
 *
 * It is a reconciliation, not a reaction to one transition: the monitor's `alerting` flag says whether the
 * alert is open, and each time the monitor is looked at (every run of a check, every timer or ping of a
 * heartbeat) a difference is mended. So an alert held back by a maintenance window is raised when the
 * window ends and the check is still down, and one whose raising failed is raised on the next run.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../../store/database.js';
import { componentStatusChanges } from '../../store/schema-incidents.js';
import { ingestAlertsIn } from '../incidents/alerts.js';
import { setComponentStatus } from '../status/components.js';
import { statusChangedIn } from '../status/invalidate.js';
import type { MonitoringContext } from './context.js';
import { MONITOR_ACTOR } from './context.js';

export interface AlertSubject {
  /** `check:<id>` or `heartbeat:<id>`: the alert's source and dedup key, and the component's cause. */
  readonly key: string;
  readonly severity: string | null;
  readonly component: string | null;
  /** Whether the alert should be open: the monitor is down. */
  readonly down: boolean;
  /** Whether it is open (the monitor's `alerting` flag). */
  readonly alerting: boolean;
  /** The alert's one line: what is down and why. */
  readonly summary: string;
  readonly details?: Record<string, unknown>;
}

/** A maintenance window in force: with no components it covers everything. */
export interface WindowInForce {
  readonly components: readonly string[];
  readonly endsAt: Date;
}

/** The window that holds back this component's alerts, if any (the one ending last). */
export function coveringWindow(
  windows: readonly WindowInForce[],
  component: string | null,
): WindowInForce | null {
  const covering = windows.filter(
    (w) => w.components.length === 0 || (component !== null && w.components.includes(component)),
  );
  return covering.reduce<WindowInForce | null>((a, w) => (a && a.endsAt >= w.endsAt ? a : w), null);
}

/** Without a severity of its own, a monitor's alert is critical: "site completely down" is P0 (002#9). */
export const DEFAULT_MONITOR_SEVERITY = 'critical';

/**
 * Mends the difference between the monitor's status and its alert; returns the new `alerting` flag. Runs
 * in the caller's transaction (callers wrap it in a savepoint so a failure leaves the flag as it was).
 */
export async function reconcileAlert(
  ctx: MonitoringContext,
  tx: Tx,
  workspaceId: string,
  subject: AlertSubject,
  windows: readonly WindowInForce[],
  at: Date,
): Promise<boolean> {
  if (subject.down === subject.alerting) return subject.alerting;
  if (subject.down) {
    // Maintenance suppresses the alert; the status page shows the window's own status meanwhile.
    if (coveringWindow(windows, subject.component)) return false;
    await ingestAlertsIn(
      ctx,
      tx,
      workspaceId,
      subject.key,
      [
        {
          action: 'trigger',
          dedupKey: subject.key,
          summary: subject.summary,
          severity: subject.severity ?? DEFAULT_MONITOR_SEVERITY,
          ...(subject.component ? { component: subject.component } : {}),
          ...(subject.details ? { details: subject.details } : {}),
          startedAt: at,
        },
      ],
      MONITOR_ACTOR,
    );
    if (subject.component)
      await markComponent(tx, workspaceId, subject.component, 'major-outage', subject.key, at);
    return true;
  }
  await ingestAlertsIn(
    ctx,
    tx,
    workspaceId,
    subject.key,
    [{ action: 'resolve', dedupKey: subject.key }],
    MONITOR_ACTOR,
  );
  if (subject.component && (await lastCause(tx, workspaceId, subject.component)) === subject.key)
    await markComponent(tx, workspaceId, subject.component, 'operational', subject.key, at);
  return false;
}

/** Sets the component's status and, when it changed, tells cached status pages (at commit). */
async function markComponent(
  tx: Tx,
  workspaceId: string,
  componentId: string,
  status: 'major-outage' | 'operational',
  cause: string,
  at: Date,
): Promise<void> {
  if (await setComponentStatus(tx, workspaceId, componentId, status, cause, at))
    await statusChangedIn(tx, workspaceId);
}

/** What set the component's current status: only the monitor that marked it down marks it operational. */
async function lastCause(tx: Tx, workspaceId: string, componentId: string): Promise<string | null> {
  const [last] = await tx
    .select({ cause: componentStatusChanges.cause })
    .from(componentStatusChanges)
    .where(
      and(
        eq(componentStatusChanges.workspaceId, workspaceId),
        eq(componentStatusChanges.componentId, componentId),
      ),
    )
    .orderBy(desc(componentStatusChanges.at), desc(componentStatusChanges.id))
    .limit(1);
  return last?.cause ?? null;
}
