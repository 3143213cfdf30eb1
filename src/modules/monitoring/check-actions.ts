/**
 * What an admin does to a health check besides changing its settings: pause it (no runs, no alerts; an
 * open alert is resolved and the paused time does not count against its uptime), resume it, run it now,
 * delete it with its history.
 */
import { and, eq } from 'drizzle-orm';
import type { MonitorStatus } from '../../core/monitoring.js';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { checkDays, checkResults, checkStatusChanges, healthChecks } from '../../store/schema-incidents.js';
import { appendAudit } from '../access/audit.js';
import { reconcileAlert } from './alerting.js';
import { checkSummary } from './check-summary.js';
import { checkView, lockCheck, type CheckRow, type CheckView } from './checks.js';
import type { MonitoringContext } from './context.js';

/** Resolves the check's alert and gives back its component, if it held them (pause, delete). */
async function standDown(ctx: MonitoringContext, tx: Tx, workspaceId: string, row: CheckRow, now: Date) {
  if (!row.alerting) return;
  await reconcileAlert(ctx, tx, workspaceId, { ...checkSummary(row), down: false, alerting: true }, [], now);
}

/**
 * Pauses a check (no runs, no alerts; an open alert is resolved, and the paused time does not count
 * against its uptime) or resumes it (status unknown again, running at once).
 */
export async function setCheckPaused(
  ctx: MonitoringContext,
  workspaceId: string,
  checkId: string,
  paused: boolean,
  actor: string,
): Promise<CheckView> {
  const now = ctx.now();
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await lockCheck(tx, workspaceId, checkId);
    if (current.enabled !== paused) return checkView(current);
    if (paused) await standDown(ctx, tx, workspaceId, current, now);
    const status: MonitorStatus = paused ? 'paused' : 'unknown';
    const [row] = await tx
      .update(healthChecks)
      .set({
        enabled: !paused,
        status,
        consecutiveFailures: 0,
        consecutiveSuccesses: 0,
        alerting: false,
        lastChangeAt: now,
        ...(paused ? {} : { nextRunAt: now }),
        lockedBy: null,
        lockedUntil: null,
      })
      .where(and(eq(healthChecks.workspaceId, workspaceId), eq(healthChecks.id, checkId)))
      .returning();
    const reason = `${paused ? 'paused' : 'resumed'} by ${actor}`;
    await tx.insert(checkStatusChanges).values({ workspaceId, checkId, status, at: now, reason });
    await appendAudit(tx, now, {
      actor,
      action: paused ? 'check.paused' : 'check.resumed',
      target: `check:${checkId}`,
    });
    return checkView(row!);
  });
}

/** Runs a check as soon as the scheduler looks (within a second); its slots follow from then. */
export async function runCheckNow(
  ctx: MonitoringContext,
  workspaceId: string,
  checkId: string,
  actor: string,
): Promise<CheckView> {
  const now = ctx.now();
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await lockCheck(tx, workspaceId, checkId);
    if (!current.enabled)
      throw new OpsError('OPS_CONFLICT', `${current.name} is paused: resume it (POST …/resume) to run it.`);
    const [row] = await tx
      .update(healthChecks)
      .set({ nextRunAt: now })
      .where(and(eq(healthChecks.workspaceId, workspaceId), eq(healthChecks.id, checkId)))
      .returning();
    await appendAudit(tx, now, { actor, action: 'check.run-requested', target: `check:${checkId}` });
    return checkView(row!);
  });
}

/** Deletes a check with its history; an open alert is resolved and its component given back. */
export async function deleteCheck(
  ctx: MonitoringContext,
  workspaceId: string,
  checkId: string,
  actor: string,
): Promise<void> {
  const now = ctx.now();
  await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await lockCheck(tx, workspaceId, checkId);
    await standDown(ctx, tx, workspaceId, current, now);
    const mine = <T extends typeof checkResults | typeof checkStatusChanges | typeof checkDays>(t: T) =>
      and(eq(t.workspaceId, workspaceId), eq(t.checkId, checkId));
    await tx.delete(checkResults).where(mine(checkResults));
    await tx.delete(checkStatusChanges).where(mine(checkStatusChanges));
    await tx.delete(checkDays).where(mine(checkDays));
    await tx
      .delete(healthChecks)
      .where(and(eq(healthChecks.workspaceId, workspaceId), eq(healthChecks.id, checkId)));
    await appendAudit(tx, now, {
      actor,
      action: 'check.deleted',
      target: `check:${checkId}`,
      data: { name: current.name },
    });
  });
}
