/**
 * A check's history as the admin reads it: raw results (kept 48 h, then purged), uptime over the last
 * 24 h, 7, 30 and 90 days (from status changes, kept forever: time down against time up, paused time left
 * out), and day roll-ups (runs, failures, latency) for the 90-day bars and the response-time chart.
 */
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { uptimeOver, type MonitorStatus } from '../../core/monitoring.js';
import { OpsError } from '../../errors/catalog.js';
import type { Database, Tx } from '../../store/database.js';
import { checkDays, checkResults, checkStatusChanges, healthChecks } from '../../store/schema-incidents.js';

const DAY_MS = 86_400_000;
export const UPTIME_WINDOWS = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '90d': 90 * DAY_MS,
} as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;

export interface ResultView {
  readonly id: number;
  readonly at: string;
  readonly ok: boolean;
  readonly latencyMs: number | null;
  readonly statusCode: number | null;
  readonly error: string | null;
}

export interface DayView {
  /** The UTC date. */
  readonly day: string;
  readonly runs: number;
  readonly failures: number;
  readonly averageLatencyMs: number | null;
  readonly maxLatencyMs: number | null;
}

export interface UptimeView {
  /** Share of time up, 0-1, per window; null when the check was neither up nor down in it. */
  readonly uptime: Record<UptimeWindow, number | null>;
  /** Seconds down per window. */
  readonly downSeconds: Record<UptimeWindow, number>;
  readonly days: DayView[];
  readonly changes: { readonly status: MonitorStatus; readonly at: string; readonly reason: string | null }[];
}

async function mustExist(tx: Tx, workspaceId: string, checkId: string): Promise<void> {
  const [row] = await tx
    .select({ id: healthChecks.id })
    .from(healthChecks)
    .where(and(eq(healthChecks.workspaceId, workspaceId), eq(healthChecks.id, checkId)));
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No health check "${checkId}" in this workspace.`);
}

/** Results newest first, a page at a time (`before`: the last id of the previous page). */
export async function listResults(
  database: Database,
  workspaceId: string,
  checkId: string,
  options: { readonly before?: number | undefined; readonly limit: number },
): Promise<{ items: ResultView[]; next: number | null }> {
  const rows = await database.inWorkspace(workspaceId, async (tx) => {
    await mustExist(tx, workspaceId, checkId);
    return tx
      .select()
      .from(checkResults)
      .where(
        and(
          eq(checkResults.workspaceId, workspaceId),
          eq(checkResults.checkId, checkId),
          options.before !== undefined ? lt(checkResults.id, options.before) : sql`true`,
        ),
      )
      .orderBy(desc(checkResults.at), desc(checkResults.id))
      .limit(options.limit + 1);
  });
  const page = rows.slice(0, options.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      ok: r.ok,
      latencyMs: r.latencyMs,
      statusCode: r.statusCode,
      error: r.error,
    })),
    next: rows.length > options.limit ? page.at(-1)!.id : null,
  };
}

/** Uptime per window, day roll-ups and status changes over the last 90 days. */
export async function checkUptime(
  database: Database,
  workspaceId: string,
  checkId: string,
  now: Date,
): Promise<UptimeView> {
  const from = new Date(now.getTime() - UPTIME_WINDOWS['90d']);
  const { changes, before, days } = await database.inWorkspace(
    workspaceId,
    async (tx) => {
      await mustExist(tx, workspaceId, checkId);
      const mine = and(
        eq(checkStatusChanges.workspaceId, workspaceId),
        eq(checkStatusChanges.checkId, checkId),
      );
      return {
        changes: await tx
          .select()
          .from(checkStatusChanges)
          .where(and(mine, gte(checkStatusChanges.at, from)))
          .orderBy(checkStatusChanges.at, checkStatusChanges.id),
        before: await tx
          .select({ status: checkStatusChanges.status })
          .from(checkStatusChanges)
          .where(and(mine, lt(checkStatusChanges.at, from)))
          .orderBy(desc(checkStatusChanges.at), desc(checkStatusChanges.id))
          .limit(1),
        days: await tx
          .select()
          .from(checkDays)
          .where(
            and(
              eq(checkDays.workspaceId, workspaceId),
              eq(checkDays.checkId, checkId),
              gte(checkDays.day, from.toISOString().slice(0, 10)),
            ),
          )
          .orderBy(checkDays.day),
      };
    },
    { report: true },
  );
  const timeline = changes.map((c) => ({ status: c.status, atMs: c.at.getTime() }));
  const uptime = {} as Record<UptimeWindow, number | null>;
  const downSeconds = {} as Record<UptimeWindow, number>;
  for (const [window, spanMs] of Object.entries(UPTIME_WINDOWS) as [UptimeWindow, number][]) {
    const fromMs = now.getTime() - spanMs;
    const earlier = timeline.filter((c) => c.atMs < fromMs).at(-1)?.status ?? before[0]?.status ?? null;
    const figure = uptimeOver(
      timeline.filter((c) => c.atMs >= fromMs),
      earlier,
      fromMs,
      now.getTime(),
    );
    uptime[window] = figure.ratio;
    downSeconds[window] = Math.round(figure.downMs / 1000);
  }
  return {
    uptime,
    downSeconds,
    days: days.map((d) => ({
      day: d.day,
      runs: d.runs,
      failures: d.failures,
      averageLatencyMs: d.runs > 0 ? Math.round(d.latencySumMs / d.runs) : null,
      maxLatencyMs: d.runs > 0 ? d.latencyMaxMs : null,
    })),
    changes: changes.map((c) => ({ status: c.status, at: c.at.toISOString(), reason: c.reason })),
  };
}
