/**
 * Pings and due times of heartbeats: a job's ping (`/ping/<token>`, `/start`, `/fail`, `/log`) and the
 * durable timer that notices one did not come. Both decide with src/core/monitoring.ts and write through
 * applyHeartbeat, in one transaction: the ping row, the heartbeat's state, its timer and its alert.
 */
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { onPing, onWake, type PingKind } from '../../core/monitoring.js';
import type { ClaimedTimer } from '../../engine/timers.js';
import type { FireContext, TimerHandler } from '../../engine/worker.js';
import type { Database, Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { heartbeatPings } from '../../store/schema-incidents.js';
import { hashSecret } from '../admin/sessions.js';
import type { MonitoringContext } from './context.js';
import { applyHeartbeat, lockHeartbeat, scheduleOf, stateOf } from './heartbeat-state.js';

/** The first this many characters of a ping's body are kept as its log (Healthchecks keeps 100 kB). */
export const PING_BODY_CHARS = 10_000;

export interface PingInput {
  readonly kind: PingKind;
  readonly body?: string | undefined;
  readonly remoteAddress?: string | undefined;
}

/** Which heartbeat a ping token names, in any workspace (a SECURITY DEFINER lookup by its hash). */
async function findByToken(
  database: Database,
  token: string,
): Promise<{ id: string; workspaceId: string } | null> {
  const rows = rowsOf<{ id: string; workspace_id: string }>(
    await database.db.execute(sql`select * from opsbook_heartbeat_by_token(${hashSecret(token)})`),
  );
  const row = rows[0];
  return row ? { id: row.id, workspaceId: row.workspace_id } : null;
}

/**
 * Records a ping and what it means. Returns false when the token names no heartbeat (the route answers
 * 404 and nothing is written).
 *
 * @example await receivePing(ctx, 'hbp_…', { kind: 'success', body: 'backup 2.1 GB in 41 s' })
 */
export async function receivePing(
  ctx: MonitoringContext,
  token: string,
  input: PingInput,
  onAlertError?: (err: unknown) => void,
): Promise<boolean> {
  const found = await findByToken(ctx.database, token);
  if (!found) return false;
  const now = ctx.now();
  return ctx.database.inWorkspace(found.workspaceId, async (tx) => {
    const row = await lockHeartbeat(tx, found.workspaceId, found.id);
    if (!row) return false;
    const decision = onPing(scheduleOf(row), stateOf(row), input.kind, now.getTime());
    await tx.insert(heartbeatPings).values({
      workspaceId: found.workspaceId,
      heartbeatId: found.id,
      kind: input.kind,
      at: now,
      durationMs: decision.durationMs,
      body: input.body ? input.body.slice(0, PING_BODY_CHARS) : null,
      remoteAddress: input.remoteAddress ?? null,
    });
    if (input.kind !== 'log')
      await applyHeartbeat(ctx, tx, row, decision, now, {
        failed: input.kind === 'fail',
        ...(onAlertError ? { onAlertError } : {}),
      });
    return true;
  });
}

/**
 * The worker's handler for HEARTBEAT_TIMER: late, then down, when no ping came. It decides at the later
 * of the worker's clock and the timer's instant, so a process clock a little behind the database's never
 * re-arms a timer that is already due.
 *
 * @example timerHandlers: { [HEARTBEAT_TIMER]: heartbeatTimerHandler(ctx) }
 */
export function heartbeatTimerHandler(ctx: MonitoringContext): TimerHandler {
  return async (tx: Tx, timer: ClaimedTimer, context?: FireContext) => {
    const id =
      typeof timer.payload.heartbeat === 'string'
        ? timer.payload.heartbeat
        : timer.subject.replace(/^heartbeat:/, '');
    const row = await lockHeartbeat(tx, timer.workspaceId, id);
    if (!row || !row.enabled) return;
    const nowMs = Math.max((context?.now ?? ctx.now()).getTime(), timer.runAt.getTime());
    const decision = onWake(scheduleOf(row), stateOf(row), nowMs);
    await applyHeartbeat(ctx, tx, row, decision, new Date(nowMs));
  };
}

export interface PingView {
  readonly id: number;
  readonly kind: string;
  readonly at: string;
  readonly durationMs: number | null;
  readonly body: string | null;
  readonly remoteAddress: string | null;
}

/** A heartbeat's pings, newest first, a page at a time (`before`: the last id of the previous page). */
export async function listPings(
  database: Database,
  workspaceId: string,
  heartbeatId: string,
  options: { readonly before?: number | undefined; readonly limit: number },
): Promise<{ items: PingView[]; next: number | null }> {
  const rows = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(heartbeatPings)
      .where(
        and(
          eq(heartbeatPings.workspaceId, workspaceId),
          eq(heartbeatPings.heartbeatId, heartbeatId),
          options.before !== undefined ? lt(heartbeatPings.id, options.before) : sql`true`,
        ),
      )
      .orderBy(desc(heartbeatPings.at), desc(heartbeatPings.id))
      .limit(options.limit + 1),
  );
  const page = rows.slice(0, options.limit);
  return {
    items: page.map((p) => ({
      id: p.id,
      kind: p.kind,
      at: p.at.toISOString(),
      durationMs: p.durationMs,
      body: p.body,
      remoteAddress: p.remoteAddress,
    })),
    next: rows.length > options.limit ? page.at(-1)!.id : null,
  };
}
