/**
 * Maintenance windows (issue 8): planned work, announced on the status page and to subscribers when it is
 * scheduled, starts and completes. While a window runs its components show `maintenance` (and the alert
 * intake suppresses their alerts: `inMaintenance` in components.ts reads the same table). Two durable timers
 * per window (`<id>:start`, `<id>:end`, kind MAINTENANCE_TIMER) do the switching, so a restart or a worker
 * on another machine changes nothing about when it happens.
 *
 * Decisions (docs/status-page.md): a window naming no component covers every component. A component in a
 * partial or major outage when a window starts keeps showing the outage (it matters more to the reader than
 * planned work). When a window ends, a component still in maintenance goes back to the status it had
 * before, unless another window still covers it.
 */
import { and, asc, desc, eq, gt, isNull, lte, ne, sql } from 'drizzle-orm';
import { scheduleTimers } from '../../engine/timers.js';
import type { TimerHandler } from '../../engine/worker.js';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import {
  componentStatusChanges,
  maintenanceWindows,
  statusComponents,
  type ComponentStatus,
} from '../../store/schema-incidents.js';
import { appendAudit } from '../access/audit.js';
import { setComponentStatus } from './components.js';
import type { StatusContext } from './context.js';
import { invalidateStatusPage, statusChangedIn } from './invalidate.js';
import { notifySubscribersIn } from './notify.js';

export const MAINTENANCE_TIMER = 'status.maintenance';

export type MaintenanceRow = typeof maintenanceWindows.$inferSelect;

export interface MaintenanceView {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly components: string[];
  readonly phase: 'scheduled' | 'in-progress' | 'completed' | 'cancelled';
  readonly createdBy: string;
  readonly createdAt: string;
  readonly cancelledAt: string | null;
}

export interface MaintenanceInput {
  readonly title: string;
  readonly body?: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** Component ids; empty or absent: every component. */
  readonly components?: readonly string[];
}

export function maintenanceView(row: MaintenanceRow, now: Date): MaintenanceView {
  const nowMs = now.getTime();
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    components: row.components,
    phase: row.cancelledAt
      ? 'cancelled'
      : row.startsAt.getTime() > nowMs
        ? 'scheduled'
        : row.endsAt.getTime() > nowMs
          ? 'in-progress'
          : 'completed',
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
  };
}

const invalid = (pointer: string, message: string) =>
  new OpsError('OPS_VALIDATION', message, [{ pointer, message }]);

async function checkComponents(tx: Tx, workspaceId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx
    .select({ id: statusComponents.id })
    .from(statusComponents)
    .where(eq(statusComponents.workspaceId, workspaceId));
  const known = new Set(rows.map((r) => r.id));
  ids.forEach((id, i) => {
    if (!known.has(id))
      throw invalid(
        `/body/components/${i}`,
        `no component "${id}" on this status page (GET …/status/components)`,
      );
  });
}

function checkTimes(startsAt: Date, endsAt: Date, now: Date): void {
  if (endsAt.getTime() <= startsAt.getTime())
    throw invalid('/body/endsAt', 'the window must end after it starts');
  if (endsAt.getTime() <= now.getTime()) throw invalid('/body/endsAt', 'the window must end in the future');
}

/** (Re)schedules the window's timers; a window already started keeps its start as it happened. */
export async function scheduleWindow(
  tx: Tx,
  workspaceId: string,
  row: Pick<MaintenanceRow, 'id' | 'startsAt' | 'endsAt'>,
  started = false,
): Promise<void> {
  const timer = (phase: 'start' | 'end', runAt: Date) => ({
    key: `${row.id}:${phase}`,
    kind: MAINTENANCE_TIMER,
    subject: `maintenance:${row.id}`,
    runAt,
    payload: { maintenanceId: row.id, phase },
  });
  await scheduleTimers(tx, workspaceId, [
    ...(started ? [] : [timer('start', row.startsAt)]),
    timer('end', row.endsAt),
  ]);
}

async function lockedWindow(tx: Tx, workspaceId: string, id: string): Promise<MaintenanceRow> {
  const [row] = await tx
    .select()
    .from(maintenanceWindows)
    .where(and(eq(maintenanceWindows.workspaceId, workspaceId), eq(maintenanceWindows.id, id)))
    .for('update');
  if (!row || row.cancelledAt)
    throw new OpsError('OPS_NOT_FOUND', `No maintenance window "${id}" on this status page.`);
  return row;
}

export async function listMaintenance(ctx: StatusContext, workspaceId: string): Promise<MaintenanceView[]> {
  const rows = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(maintenanceWindows)
      .where(eq(maintenanceWindows.workspaceId, workspaceId))
      .orderBy(desc(maintenanceWindows.startsAt))
      .limit(500),
  );
  const now = ctx.now();
  return rows.map((r) => maintenanceView(r, now));
}

/** Schedules a window; subscribers hear of it now, unless it starts at once (then they hear it started). */
export async function createMaintenance(
  ctx: StatusContext,
  workspaceId: string,
  input: MaintenanceInput,
  actor: string,
): Promise<MaintenanceView> {
  const now = ctx.now();
  checkTimes(input.startsAt, input.endsAt, now);
  const row = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const components = [...new Set(input.components ?? [])];
    await checkComponents(tx, workspaceId, components);
    const [created] = await tx
      .insert(maintenanceWindows)
      .values({
        id: newId('mnt', now.getTime()),
        workspaceId,
        title: input.title,
        body: input.body ?? '',
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        components,
        createdBy: actor,
        createdAt: now,
      })
      .returning();
    await scheduleWindow(tx, workspaceId, created!);
    if (input.startsAt.getTime() > now.getTime())
      await notifySubscribersIn(tx, workspaceId, { maintenanceId: created!.id, event: 'scheduled' }, ctx);
    await appendAudit(tx, now, { actor, action: 'maintenance.scheduled', target: created!.id, data: {} });
    await statusChangedIn(tx, workspaceId);
    return created!;
  });
  invalidateStatusPage(workspaceId);
  return maintenanceView(row, now);
}

/**
 * Changes a window. Once it has started only its title, text and end may change (moving the start or the
 * components of running work would leave components in the wrong state); once over, nothing.
 */
export async function updateMaintenance(
  ctx: StatusContext,
  workspaceId: string,
  id: string,
  patch: Partial<MaintenanceInput>,
  actor: string,
): Promise<MaintenanceView> {
  const now = ctx.now();
  const row = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await lockedWindow(tx, workspaceId, id);
    if (current.endsAt.getTime() <= now.getTime())
      throw new OpsError('OPS_CONFLICT', 'This maintenance window is over; schedule a new one.');
    const started = current.startsAt.getTime() <= now.getTime();
    if (started && (patch.startsAt !== undefined || patch.components !== undefined))
      throw new OpsError(
        'OPS_CONFLICT',
        'This window has started: only its title, text and end can change. Cancel it to end it now.',
      );
    const startsAt = patch.startsAt ?? current.startsAt;
    const endsAt = patch.endsAt ?? current.endsAt;
    checkTimes(startsAt, endsAt, now);
    const components = patch.components ? [...new Set(patch.components)] : current.components;
    await checkComponents(tx, workspaceId, components);
    const [saved] = await tx
      .update(maintenanceWindows)
      .set({
        title: patch.title ?? current.title,
        body: patch.body ?? current.body,
        startsAt,
        endsAt,
        components,
      })
      .where(and(eq(maintenanceWindows.workspaceId, workspaceId), eq(maintenanceWindows.id, id)))
      .returning();
    await scheduleWindow(tx, workspaceId, saved!, started);
    await appendAudit(tx, now, { actor, action: 'maintenance.updated', target: id, data: {} });
    await statusChangedIn(tx, workspaceId);
    return saved!;
  });
  invalidateStatusPage(workspaceId);
  return maintenanceView(row, now);
}

/** Cancels a window; one under way ends now (its components come back, subscribers hear it completed). */
export async function cancelMaintenance(
  ctx: StatusContext,
  workspaceId: string,
  id: string,
  actor: string,
): Promise<void> {
  const now = ctx.now();
  await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await lockedWindow(tx, workspaceId, id);
    if (current.endsAt.getTime() <= now.getTime())
      throw new OpsError('OPS_CONFLICT', 'This maintenance window is over already; it stays in the history.');
    await tx
      .update(maintenanceWindows)
      .set({ cancelledAt: now })
      .where(and(eq(maintenanceWindows.workspaceId, workspaceId), eq(maintenanceWindows.id, id)));
    await scheduleTimers(
      tx,
      workspaceId,
      (['start', 'end'] as const).map((phase) => ({
        key: `${id}:${phase}`,
        kind: MAINTENANCE_TIMER,
        subject: `maintenance:${id}`,
        runAt: now,
        mode: 'cancel' as const,
      })),
    );
    if (current.startsAt.getTime() <= now.getTime()) {
      await endWindowIn(tx, workspaceId, current, now);
      await notifySubscribersIn(tx, workspaceId, { maintenanceId: id, event: 'completed' }, ctx);
    }
    await appendAudit(tx, now, { actor, action: 'maintenance.cancelled', target: id, data: {} });
    await statusChangedIn(tx, workspaceId);
  });
  invalidateStatusPage(workspaceId);
}

async function coveredComponents(tx: Tx, workspaceId: string, window: MaintenanceRow) {
  return tx
    .select({ id: statusComponents.id, status: statusComponents.status })
    .from(statusComponents)
    .where(
      window.components.length
        ? and(
            eq(statusComponents.workspaceId, workspaceId),
            sql`${statusComponents.id} in (select jsonb_array_elements_text(${JSON.stringify(window.components)}::jsonb))`,
          )
        : eq(statusComponents.workspaceId, workspaceId),
    );
}

/** Puts the window's components into maintenance (not those in an outage). */
async function startWindowIn(tx: Tx, workspaceId: string, window: MaintenanceRow, now: Date): Promise<void> {
  for (const c of await coveredComponents(tx, workspaceId, window)) {
    if (c.status === 'operational' || c.status === 'degraded')
      await setComponentStatus(tx, workspaceId, c.id, 'maintenance', `maintenance:${window.id}`, now);
  }
}

/** The status a component had before its maintenance began (operational when nothing says otherwise). */
async function statusBeforeMaintenance(
  tx: Tx,
  workspaceId: string,
  componentId: string,
): Promise<ComponentStatus> {
  const [row] = await tx
    .select({ status: componentStatusChanges.status })
    .from(componentStatusChanges)
    .where(
      and(
        eq(componentStatusChanges.workspaceId, workspaceId),
        eq(componentStatusChanges.componentId, componentId),
        ne(componentStatusChanges.status, 'maintenance'),
      ),
    )
    .orderBy(desc(componentStatusChanges.at), desc(componentStatusChanges.id))
    .limit(1);
  return row?.status ?? 'operational';
}

/** Brings the window's components out of maintenance, unless another window running covers them. */
async function endWindowIn(tx: Tx, workspaceId: string, window: MaintenanceRow, now: Date): Promise<void> {
  const others = await tx
    .select({ components: maintenanceWindows.components })
    .from(maintenanceWindows)
    .where(
      and(
        eq(maintenanceWindows.workspaceId, workspaceId),
        ne(maintenanceWindows.id, window.id),
        isNull(maintenanceWindows.cancelledAt),
        lte(maintenanceWindows.startsAt, now),
        gt(maintenanceWindows.endsAt, now),
      ),
    )
    .orderBy(asc(maintenanceWindows.startsAt));
  const stillCovered = (id: string) =>
    others.some((o) => o.components.length === 0 || o.components.includes(id));
  for (const c of await coveredComponents(tx, workspaceId, window)) {
    if (c.status !== 'maintenance' || stillCovered(c.id)) continue;
    const before = await statusBeforeMaintenance(tx, workspaceId, c.id);
    await setComponentStatus(tx, workspaceId, c.id, before, `maintenance:${window.id}`, now);
  }
}

async function databaseNow(tx: Tx): Promise<Date> {
  const [row] = rowsOf<{ now: Date | string }>(await tx.execute(sql`select clock_timestamp() as now`));
  return new Date(row!.now);
}

/**
 * The timer handler: starts or ends a window, tells subscribers, refreshes the page. Register it with the
 * worker under MAINTENANCE_TIMER (`timerHandlers: { [MAINTENANCE_TIMER]: maintenanceTimerHandler(…) }`).
 */
export function maintenanceTimerHandler(links: { readonly publicUrl: string }): TimerHandler {
  return async (tx, timer, context) => {
    const id = typeof timer.payload.maintenanceId === 'string' ? timer.payload.maintenanceId : '';
    const phase = timer.payload.phase === 'end' ? 'end' : 'start';
    const now = context?.now ?? (await databaseNow(tx));
    const [window] = await tx
      .select()
      .from(maintenanceWindows)
      .where(and(eq(maintenanceWindows.workspaceId, timer.workspaceId), eq(maintenanceWindows.id, id)))
      .for('update');
    if (!window || window.cancelledAt) return;
    if (phase === 'start') {
      if (window.endsAt.getTime() <= now.getTime()) return; // fired late, after the end: nothing to start
      await startWindowIn(tx, timer.workspaceId, window, now);
      await notifySubscribersIn(tx, timer.workspaceId, { maintenanceId: id, event: 'started' }, links);
    } else {
      await endWindowIn(tx, timer.workspaceId, window, now);
      await notifySubscribersIn(tx, timer.workspaceId, { maintenanceId: id, event: 'completed' }, links);
    }
    await statusChangedIn(tx, timer.workspaceId);
  };
}
