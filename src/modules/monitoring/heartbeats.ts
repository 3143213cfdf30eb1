/**
 * Heartbeats (dead-man's switches, Healthchecks.io's model; issue 8 "Detect: Heartbeats"): a job pings a
 * secret URL when it runs; a ping that does not come within its period (or by its cron schedule's next
 * tick, in a zone) plus grace opens an alert. The ping URL's token is shown once, when created or
 * replaced; only its SHA-256 is stored.
 *
 * A new heartbeat waits for its first ping before anything is expected of it (Healthchecks' "new"), so
 * wiring the job up never pages anyone; a pause stops expecting pings until the next ping or a resume.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { cronProblem, expectedPingAfter, type HeartbeatStatus } from '../../core/monitoring.js';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { heartbeatPings, heartbeats, statusComponents } from '../../store/schema-incidents.js';
import { workspaces } from '../../store/schema.js';
import { appendAudit } from '../access/audit.js';
import { hashSecret } from '../admin/sessions.js';
import { reconcileAlert } from './alerting.js';
import type { MonitoringContext } from './context.js';
import {
  applyHeartbeat,
  lockHeartbeat,
  rescheduled,
  scheduleOf,
  stateOf,
  wakeHeartbeatAt,
  type HeartbeatRow,
} from './heartbeat-state.js';

export interface HeartbeatInput {
  readonly name: string;
  readonly periodMs?: number | null | undefined;
  readonly schedule?: string | null | undefined;
  readonly timeZone?: string | undefined;
  readonly graceMs?: number | undefined;
  readonly severity?: string | null | undefined;
  readonly component?: string | null | undefined;
  readonly packHeartbeat?: string | null | undefined;
}

export interface HeartbeatView {
  readonly id: string;
  readonly name: string;
  readonly periodMs: number | null;
  readonly schedule: string | null;
  readonly timeZone: string;
  readonly graceMs: number;
  readonly severity: string | null;
  readonly component: string | null;
  readonly packHeartbeat: string | null;
  readonly status: HeartbeatStatus;
  readonly paused: boolean;
  readonly alerting: boolean;
  readonly lastPingAt: string | null;
  readonly lastStartAt: string | null;
  /** When it goes down if no ping comes. */
  readonly downAt: string | null;
  readonly createdAt: string;
}

/** Healthchecks.io's defaults: a ping a day, an hour's grace. */
export const DEFAULT_PERIOD_MS = 86_400_000;
export const DEFAULT_GRACE_MS = 3_600_000;
export const PING_TOKEN_PREFIX = 'hbp_';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function heartbeatView(row: HeartbeatRow): HeartbeatView {
  return {
    id: row.id,
    name: row.name,
    periodMs: row.periodMs,
    schedule: row.schedule,
    timeZone: row.timeZone,
    graceMs: row.graceMs,
    severity: row.severity,
    component: row.component,
    packHeartbeat: row.packHeartbeat,
    status: row.status,
    paused: !row.enabled,
    alerting: row.alerting,
    lastPingAt: iso(row.lastPingAt),
    lastStartAt: iso(row.lastStartAt),
    downAt: iso(row.downAt),
    createdAt: row.createdAt.toISOString(),
  };
}

export function newPingToken(): string {
  return PING_TOKEN_PREFIX + randomBytes(24).toString('base64url');
}

export function pingUrl(ctx: MonitoringContext, token: string): string {
  return `${ctx.publicUrl.replace(/\/+$/, '')}/ping/${token}`;
}

interface Settled {
  readonly periodMs: number | null;
  readonly schedule: string | null;
  readonly timeZone: string;
  readonly graceMs: number;
}

/** Period or schedule (not both), a zone croner reads, a component that exists. */
async function settle(tx: Tx, workspaceId: string, merged: HeartbeatInput, nowMs: number): Promise<Settled> {
  const errors: FieldError[] = [];
  const bad = (field: string, message: string) => errors.push({ pointer: `/body/${field}`, message });
  const schedule = merged.schedule ?? null;
  if (schedule !== null && merged.periodMs != null)
    bad('schedule', 'give a period or a cron schedule, not both (set the other to null)');
  let timeZone = merged.timeZone;
  if (timeZone === undefined) {
    const [ws] = await tx
      .select({ timeZone: workspaces.timeZone })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId));
    timeZone = ws?.timeZone ?? 'UTC';
  }
  // The zone is checked whenever given, so a period heartbeat switched to a schedule later has a good one.
  const problem = cronProblem(schedule ?? '0 0 * * *', timeZone, nowMs);
  if (problem) bad(problem.includes('time zone') ? 'timeZone' : 'schedule', problem);
  if (merged.component) {
    const [component] = await tx
      .select({ id: statusComponents.id })
      .from(statusComponents)
      .where(and(eq(statusComponents.workspaceId, workspaceId), eq(statusComponents.id, merged.component)));
    if (!component) bad('component', `no status-page component "${merged.component}" in this workspace`);
  }
  if (errors.length > 0)
    throw new OpsError('OPS_VALIDATION', errors.map((e) => e.message).join('; '), errors);
  return {
    periodMs: schedule === null ? (merged.periodMs ?? DEFAULT_PERIOD_MS) : null,
    schedule,
    timeZone,
    graceMs: merged.graceMs ?? DEFAULT_GRACE_MS,
  };
}

/** Creates a heartbeat in the caller's transaction; returns it with its ping token (shown once). */
export async function createHeartbeatIn(
  tx: Tx,
  workspaceId: string,
  input: HeartbeatInput,
  actor: string,
  now: Date,
): Promise<{ row: HeartbeatRow; token: string }> {
  const settled = await settle(tx, workspaceId, input, now.getTime());
  const token = newPingToken();
  const id = newId('hb', now.getTime());
  const [row] = await tx
    .insert(heartbeats)
    .values({
      id,
      workspaceId,
      name: input.name,
      tokenHash: hashSecret(token),
      ...settled,
      severity: input.severity ?? null,
      component: input.component ?? null,
      packHeartbeat: input.packHeartbeat ?? null,
      createdAt: now,
    })
    .returning();
  await appendAudit(tx, now, {
    actor,
    action: 'heartbeat.created',
    target: `heartbeat:${id}`,
    data: { name: input.name },
  });
  return { row: row!, token };
}

export async function createHeartbeat(
  ctx: MonitoringContext,
  workspaceId: string,
  input: HeartbeatInput,
  actor: string,
): Promise<{ heartbeat: HeartbeatView; pingUrl: string }> {
  const now = ctx.now();
  const { row, token } = await ctx.database.inWorkspace(workspaceId, (tx) =>
    createHeartbeatIn(tx, workspaceId, input, actor, now),
  );
  return { heartbeat: heartbeatView(row), pingUrl: pingUrl(ctx, token) };
}

async function mustLock(tx: Tx, workspaceId: string, id: string): Promise<HeartbeatRow> {
  const row = await lockHeartbeat(tx, workspaceId, id);
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No heartbeat "${id}" in this workspace.`);
  return row;
}

/** Changes a heartbeat; one waiting for a ping is given its new late and down instants at once. */
export async function updateHeartbeat(
  ctx: MonitoringContext,
  workspaceId: string,
  id: string,
  patch: Partial<HeartbeatInput>,
  actor: string,
): Promise<HeartbeatView> {
  const now = ctx.now();
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await mustLock(tx, workspaceId, id);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    // A new period replaces a schedule and the other way round, unless both are given.
    const switching =
      patch.periodMs != null && patch.schedule === undefined
        ? { schedule: null }
        : patch.schedule != null && patch.periodMs === undefined
          ? { periodMs: null }
          : {};
    const merged: HeartbeatInput = {
      name: current.name,
      periodMs: current.periodMs,
      schedule: current.schedule,
      timeZone: current.timeZone,
      graceMs: current.graceMs,
      severity: current.severity,
      component: current.component,
      ...switching,
      ...defined,
    };
    const settled = await settle(tx, workspaceId, merged, now.getTime());
    const [row] = await tx
      .update(heartbeats)
      .set({
        ...settled,
        name: merged.name,
        severity: merged.severity ?? null,
        component: merged.component ?? null,
      })
      .where(and(eq(heartbeats.workspaceId, workspaceId), eq(heartbeats.id, id)))
      .returning();
    const schedule = scheduleOf(row!);
    const state = stateOf(row!);
    const expected = state.lastPingMs === null ? null : expectedPingAfter(schedule, state.lastPingMs);
    const written = await applyHeartbeat(ctx, tx, row!, rescheduled(schedule, state, expected), now);
    await appendAudit(tx, now, {
      actor,
      action: 'heartbeat.updated',
      target: `heartbeat:${id}`,
      data: { fields: Object.keys(defined) },
    });
    return heartbeatView(written);
  });
}

/**
 * Pauses (nothing expected, an open alert resolved) or resumes a heartbeat (new again: the next ping
 * starts the schedule). A ping also resumes a paused heartbeat.
 */
export async function setHeartbeatPaused(
  ctx: MonitoringContext,
  workspaceId: string,
  id: string,
  paused: boolean,
  actor: string,
): Promise<HeartbeatView> {
  const now = ctx.now();
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await mustLock(tx, workspaceId, id);
    if (current.enabled !== paused) return heartbeatView(current);
    const state = {
      status: paused ? ('paused' as const) : ('new' as const),
      lastPingMs: current.lastPingAt?.getTime() ?? null,
      lastStartMs: null,
      downAtMs: null,
    };
    const written = await applyHeartbeat(ctx, tx, current, { state, wakeAtMs: null, durationMs: null }, now);
    await appendAudit(tx, now, {
      actor,
      action: paused ? 'heartbeat.paused' : 'heartbeat.resumed',
      target: `heartbeat:${id}`,
    });
    return heartbeatView(written);
  });
}

/** Replaces the ping URL: the old one stops working at once. */
export async function replacePingToken(
  ctx: MonitoringContext,
  workspaceId: string,
  id: string,
  actor: string,
): Promise<{ heartbeat: HeartbeatView; pingUrl: string }> {
  const now = ctx.now();
  const token = newPingToken();
  const row = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    await mustLock(tx, workspaceId, id);
    const [updated] = await tx
      .update(heartbeats)
      .set({ tokenHash: hashSecret(token) })
      .where(and(eq(heartbeats.workspaceId, workspaceId), eq(heartbeats.id, id)))
      .returning();
    await appendAudit(tx, now, { actor, action: 'heartbeat.token-replaced', target: `heartbeat:${id}` });
    return updated!;
  });
  return { heartbeat: heartbeatView(row), pingUrl: pingUrl(ctx, token) };
}

/** Deletes a heartbeat with its pings and timer; an open alert is resolved and its component given back. */
export async function deleteHeartbeat(
  ctx: MonitoringContext,
  workspaceId: string,
  id: string,
  actor: string,
): Promise<void> {
  const now = ctx.now();
  await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await mustLock(tx, workspaceId, id);
    if (current.alerting) {
      const subject = {
        key: `heartbeat:${id}`,
        severity: current.severity,
        component: current.component,
        down: false,
        alerting: true,
        summary: '',
      };
      await reconcileAlert(ctx, tx, workspaceId, subject, [], now);
    }
    await wakeHeartbeatAt(tx, current, null);
    await tx
      .delete(heartbeatPings)
      .where(and(eq(heartbeatPings.workspaceId, workspaceId), eq(heartbeatPings.heartbeatId, id)));
    await tx.delete(heartbeats).where(and(eq(heartbeats.workspaceId, workspaceId), eq(heartbeats.id, id)));
    await appendAudit(tx, now, {
      actor,
      action: 'heartbeat.deleted',
      target: `heartbeat:${id}`,
      data: { name: current.name },
    });
  });
}

export async function getHeartbeat(
  database: Database,
  workspaceId: string,
  id: string,
): Promise<HeartbeatView> {
  const [row] = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(heartbeats)
      .where(and(eq(heartbeats.workspaceId, workspaceId), eq(heartbeats.id, id))),
  );
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No heartbeat "${id}" in this workspace.`);
  return heartbeatView(row);
}

export async function listHeartbeats(
  database: Database,
  workspaceId: string,
  options: {
    readonly status?: HeartbeatStatus | undefined;
    readonly after?: string | undefined;
    readonly limit: number;
  },
): Promise<{ items: HeartbeatView[]; next: string | null }> {
  const rows = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(heartbeats)
      .where(
        and(
          eq(heartbeats.workspaceId, workspaceId),
          options.status ? eq(heartbeats.status, options.status) : sql`true`,
          options.after ? gt(heartbeats.id, options.after) : sql`true`,
        ),
      )
      .orderBy(asc(heartbeats.id))
      .limit(options.limit + 1),
  );
  const page = rows.slice(0, options.limit);
  return { items: page.map(heartbeatView), next: rows.length > options.limit ? page.at(-1)!.id : null };
}
