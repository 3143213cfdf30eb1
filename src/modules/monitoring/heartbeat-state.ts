/**
 * Applying a heartbeat decision (src/core/monitoring.ts `onPing` / `onWake`) in the caller's transaction:
 * the row, its durable timer (`heartbeat:<id>`, kind HEARTBEAT_TIMER: late, then down, survives restarts),
 * and its alert. A down heartbeat held back by a maintenance window is looked at again when the window
 * ends; an alert the intake refused is tried again a minute later.
 */
import { and, eq } from 'drizzle-orm';
import {
  heartbeatWakeAt,
  type HeartbeatDecision,
  type HeartbeatSchedule,
  type HeartbeatState,
} from '../../core/monitoring.js';
import { scheduleTimer } from '../../engine/timers.js';
import type { Tx } from '../../store/database.js';
import { heartbeats } from '../../store/schema-incidents.js';
import { activeMaintenance } from '../status/components.js';
import { coveringWindow, reconcileAlert } from './alerting.js';
import type { MonitoringContext } from './context.js';

export type HeartbeatRow = typeof heartbeats.$inferSelect;

/** The kind of the durable timer that wakes a heartbeat; the worker runs `heartbeatTimerHandler`. */
export const HEARTBEAT_TIMER = 'heartbeat.due';
const RETRY_ALERT_MS = 60_000;

export const heartbeatTimerKey = (id: string) => `heartbeat:${id}`;

export function scheduleOf(row: HeartbeatRow): HeartbeatSchedule {
  return { periodMs: row.periodMs, cron: row.schedule, timeZone: row.timeZone, graceMs: row.graceMs };
}

export function stateOf(row: HeartbeatRow): HeartbeatState {
  return {
    status: row.status,
    lastPingMs: row.lastPingAt?.getTime() ?? null,
    lastStartMs: row.lastStartAt?.getTime() ?? null,
    downAtMs: row.downAt?.getTime() ?? null,
  };
}

const at = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Sets (or cancels, with null) the heartbeat's timer. */
export async function wakeHeartbeatAt(tx: Tx, row: HeartbeatRow, wakeAtMs: number | null): Promise<void> {
  const key = heartbeatTimerKey(row.id);
  await scheduleTimer(tx, row.workspaceId, {
    key,
    kind: HEARTBEAT_TIMER,
    subject: key,
    runAt: new Date(wakeAtMs ?? 0),
    payload: { heartbeat: row.id },
    mode: wakeAtMs === null ? 'cancel' : 'replace',
  });
}

/** Why a heartbeat is down, for its alert. */
export function downReason(state: HeartbeatState, failed: boolean): string {
  if (failed) return 'the job reported a failure';
  if (state.lastStartMs !== null) return 'a run started and did not succeed within its grace time';
  return 'no ping came within its period and grace time';
}

function alertSubject(row: HeartbeatRow, state: HeartbeatState, reason: string) {
  return {
    key: `heartbeat:${row.id}`,
    severity: row.severity,
    component: row.component,
    down: state.status === 'down',
    alerting: row.alerting,
    summary: `${row.name} is down: ${reason}`.slice(0, 500),
    details: { heartbeat: row.id, lastPingAt: at(state.lastPingMs)?.toISOString() ?? null },
  };
}

/**
 * Writes a decision: the row's state (and `enabled` again when a ping resumed a paused heartbeat), the
 * timer, and the alert. Returns the row as written.
 */
export async function applyHeartbeat(
  ctx: MonitoringContext,
  tx: Tx,
  row: HeartbeatRow,
  decision: HeartbeatDecision,
  now: Date,
  options: { readonly failed?: boolean; readonly onAlertError?: (err: unknown) => void } = {},
): Promise<HeartbeatRow> {
  const { state } = decision;
  let wakeAtMs = decision.wakeAtMs;
  let alerting = row.alerting;
  if ((state.status === 'down') !== row.alerting) {
    const windows = await activeMaintenance(tx, row.workspaceId, now);
    const subject = alertSubject(row, state, downReason(state, options.failed ?? false));
    try {
      alerting = await tx.transaction((sp) =>
        reconcileAlert(ctx, sp, row.workspaceId, subject, windows, now),
      );
      const held = state.status === 'down' && !alerting ? coveringWindow(windows, row.component) : null;
      if (held) wakeAtMs = held.endsAt.getTime(); // look again when the window ends
    } catch (err) {
      options.onAlertError?.(err);
      wakeAtMs = now.getTime() + RETRY_ALERT_MS;
    }
  }
  const [written] = await tx
    .update(heartbeats)
    .set({
      status: state.status,
      lastPingAt: at(state.lastPingMs),
      lastStartAt: at(state.lastStartMs),
      downAt: at(state.downAtMs),
      alerting,
      enabled: state.status !== 'paused',
    })
    .where(and(eq(heartbeats.workspaceId, row.workspaceId), eq(heartbeats.id, row.id)))
    .returning();
  await wakeHeartbeatAt(tx, written!, wakeAtMs);
  return written!;
}

/** The heartbeat row, locked for the decision, or null when it is gone. */
export async function lockHeartbeat(tx: Tx, workspaceId: string, id: string): Promise<HeartbeatRow | null> {
  const [row] = await tx
    .select()
    .from(heartbeats)
    .where(and(eq(heartbeats.workspaceId, workspaceId), eq(heartbeats.id, id)))
    .for('update');
  return row ?? null;
}

/** Recomputes when a heartbeat in progress goes late and down after its schedule or grace changed. */
export function rescheduled(schedule: HeartbeatSchedule, state: HeartbeatState, expectedMs: number | null) {
  const waiting = state.status === 'up' || state.status === 'late' || state.status === 'started';
  if (!waiting || state.lastPingMs === null)
    return { state, wakeAtMs: heartbeatWakeAt(schedule, state), durationMs: null };
  let downAtMs = expectedMs === null ? null : expectedMs + schedule.graceMs;
  if (state.status === 'started' && state.lastStartMs !== null)
    downAtMs = Math.min(downAtMs ?? Infinity, state.lastStartMs + schedule.graceMs);
  const next = { ...state, downAtMs, status: state.status === 'late' ? ('up' as const) : state.status };
  return { state: next, wakeAtMs: heartbeatWakeAt(schedule, next), durationMs: null };
}
