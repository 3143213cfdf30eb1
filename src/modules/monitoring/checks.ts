/**
 * Health checks as an admin sets them up (issue 8 "Detect: Health checks"): HTTP (expected status, latency
 * threshold, keyword) and TCP (connect) checks at an interval, with failure and recovery thresholds, a
 * severity for their alert and the status-page component they stand for. A target is vetted when saved:
 * a private, loopback or metadata address is refused with a 400 naming the field (S5), and it is vetted
 * again at every connection (probe.ts). The scheduler (src/intake/health-checks.ts) runs them.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { CheckKind, MonitorStatus } from '../../core/monitoring.js';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { checkStatusChanges, healthChecks, statusComponents } from '../../store/schema-incidents.js';
import { appendAudit } from '../access/audit.js';
import type { MonitoringContext } from './context.js';
import { packMonitorsIn, PROBED_KINDS } from './pack-monitors.js';
import { checkProbeTarget } from './probe.js';

export interface CheckInput {
  readonly name: string;
  readonly kind: CheckKind;
  readonly target: string;
  readonly intervalMs?: number | undefined;
  readonly timeoutMs?: number | undefined;
  readonly expectStatus?: readonly number[] | undefined;
  readonly keyword?: string | null | undefined;
  readonly latencyThresholdMs?: number | null | undefined;
  readonly failureThreshold?: number | undefined;
  readonly recoveryThreshold?: number | undefined;
  readonly severity?: string | null | undefined;
  readonly component?: string | null | undefined;
  readonly packCheck?: string | null | undefined;
}

export type CheckPatch = Partial<CheckInput>;
export type CheckRow = typeof healthChecks.$inferSelect;

export interface CheckView {
  readonly id: string;
  readonly name: string;
  readonly kind: CheckKind;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly expectStatus: number[];
  readonly keyword: string | null;
  readonly latencyThresholdMs: number | null;
  readonly failureThreshold: number;
  readonly recoveryThreshold: number;
  readonly severity: string | null;
  readonly component: string | null;
  readonly packCheck: string | null;
  readonly status: MonitorStatus;
  readonly paused: boolean;
  readonly alerting: boolean;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly lastRunAt: string | null;
  readonly lastChangeAt: string | null;
  readonly lastLatencyMs: number | null;
  readonly lastError: string | null;
  readonly nextRunAt: string;
  readonly missedRuns: number;
  readonly createdAt: string;
}

/** Without a pack check's own interval: once a minute (Uptime Kuma's and Healthchecks' default). */
export const DEFAULT_INTERVAL_MS = 60_000;
/** Without a timeout of its own, a run may take 10 s, or its interval if that is shorter. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** A failure is confirmed by a second one before the alert: one lost packet does not page anyone at night. */
export const DEFAULT_FAILURE_THRESHOLD = 2;
export const DEFAULT_RECOVERY_THRESHOLD = 1;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function checkView(row: CheckRow): CheckView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    target: row.target,
    intervalMs: row.intervalMs,
    timeoutMs: row.timeoutMs,
    expectStatus: row.expectStatus,
    keyword: row.keyword,
    latencyThresholdMs: row.latencyThresholdMs,
    failureThreshold: row.failureThreshold,
    recoveryThreshold: row.recoveryThreshold,
    severity: row.severity,
    component: row.component,
    packCheck: row.packCheck,
    status: row.status,
    paused: !row.enabled,
    alerting: row.alerting,
    consecutiveFailures: row.consecutiveFailures,
    consecutiveSuccesses: row.consecutiveSuccesses,
    lastRunAt: iso(row.lastRunAt),
    lastChangeAt: iso(row.lastChangeAt),
    lastLatencyMs: row.lastLatencyMs,
    lastError: row.lastError,
    nextRunAt: row.nextRunAt.toISOString(),
    missedRuns: row.missedRuns,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The settings a check runs with once defaults are applied, or the fields that are wrong. */
type Settings = Omit<CheckInput, 'intervalMs' | 'timeoutMs'> & { intervalMs: number; timeoutMs: number };

async function settle(
  ctx: MonitoringContext,
  tx: Tx,
  workspaceId: string,
  merged: CheckInput,
  given: CheckPatch,
): Promise<Settings> {
  const errors: FieldError[] = [];
  const bad = (field: string, message: string) => errors.push({ pointer: `/body/${field}`, message });
  let intervalMs = merged.intervalMs;
  if (merged.packCheck) {
    const pack = await packMonitorsIn(ctx, tx, workspaceId);
    const named = pack?.checks.find((c) => c.id === merged.packCheck);
    if (!pack) bad('packCheck', 'the workspace runs no pack; leave packCheck out');
    else if (!named || !PROBED_KINDS.has(named.kind)) {
      const ids = pack.checks.filter((c) => PROBED_KINDS.has(c.kind)).map((c) => c.id);
      bad('packCheck', `not an http or tcp check of ${pack.packId}; its checks: ${ids.join(', ') || 'none'}`);
    } else if (named.kind !== merged.kind) bad('kind', `the pack's ${named.id} is a ${named.kind} check`);
    // SofaCover: "Health Checks: Every 30 seconds" (002#15).
    else if (intervalMs === undefined && typeof named.every === 'number') intervalMs = named.every;
  }
  intervalMs ??= DEFAULT_INTERVAL_MS;
  const timeoutMs = merged.timeoutMs ?? Math.min(DEFAULT_TIMEOUT_MS, intervalMs);
  if (timeoutMs > intervalMs)
    bad(
      given.timeoutMs !== undefined ? 'timeoutMs' : 'intervalMs',
      `the timeout (${timeoutMs} ms) must not exceed the interval (${intervalMs} ms)`,
    );
  if (merged.kind === 'tcp') {
    if (merged.keyword) bad('keyword', 'a TCP check only connects; a keyword needs an HTTP check');
    if ((merged.expectStatus ?? []).length > 0) bad('expectStatus', 'a TCP check has no HTTP status');
  }
  if (merged.component) {
    const [component] = await tx
      .select({ id: statusComponents.id })
      .from(statusComponents)
      .where(and(eq(statusComponents.workspaceId, workspaceId), eq(statusComponents.id, merged.component)));
    if (!component) bad('component', `no status-page component "${merged.component}" in this workspace`);
  }
  if (errors.length > 0)
    throw new OpsError('OPS_VALIDATION', errors.map((e) => e.message).join('; '), errors);
  return { ...merged, intervalMs, timeoutMs };
}

/** Refuses a target that is not well formed or reaches a private address (S5), naming the field. */
async function vetTarget(ctx: MonitoringContext, kind: CheckKind, target: string): Promise<void> {
  const verdict = await checkProbeTarget(kind, target, ctx.outboundAllow, ctx.lookup);
  if (!verdict.ok)
    throw new OpsError('OPS_VALIDATION', verdict.error, [
      { pointer: '/body/target', message: verdict.error },
    ]);
}

function columns(s: Settings) {
  return {
    name: s.name,
    kind: s.kind,
    target: s.target,
    intervalMs: s.intervalMs,
    timeoutMs: s.timeoutMs,
    expectStatus: [...(s.expectStatus ?? [])],
    keyword: s.keyword ?? null,
    latencyThresholdMs: s.latencyThresholdMs ?? null,
    failureThreshold: s.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
    recoveryThreshold: s.recoveryThreshold ?? DEFAULT_RECOVERY_THRESHOLD,
    severity: s.severity ?? null,
    component: s.component ?? null,
    packCheck: s.packCheck ?? null,
  };
}

/** Creates a check; it runs at once, then every interval from then. */
export async function createCheck(
  ctx: MonitoringContext,
  workspaceId: string,
  input: CheckInput,
  actor: string,
): Promise<CheckView> {
  await vetTarget(ctx, input.kind, input.target);
  const now = ctx.now();
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const settings = await settle(ctx, tx, workspaceId, input, input);
    const id = newId('chk', now.getTime());
    const [row] = await tx
      .insert(healthChecks)
      .values({ id, workspaceId, ...columns(settings), nextRunAt: now, lastChangeAt: now, createdAt: now })
      .returning();
    await tx
      .insert(checkStatusChanges)
      .values({ workspaceId, checkId: id, status: 'unknown', at: now, reason: 'created' });
    await appendAudit(tx, now, {
      actor,
      action: 'check.created',
      target: `check:${id}`,
      data: { name: input.name, kind: input.kind },
    });
    return checkView(row!);
  });
}

/** The check row, locked for a change, or 404. */
export async function lockCheck(tx: Tx, workspaceId: string, checkId: string): Promise<CheckRow> {
  const [row] = await tx
    .select()
    .from(healthChecks)
    .where(and(eq(healthChecks.workspaceId, workspaceId), eq(healthChecks.id, checkId)))
    .for('update');
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No health check "${checkId}" in this workspace.`);
  return row;
}

/**
 * Changes a check's settings. It runs again at once with them, and a run in flight under the old ones
 * is not recorded (its lease is taken back).
 */
export async function updateCheck(
  ctx: MonitoringContext,
  workspaceId: string,
  checkId: string,
  patch: CheckPatch,
  actor: string,
): Promise<CheckView> {
  const now = ctx.now();
  if (patch.target !== undefined || patch.kind !== undefined) {
    const current = await ctx.database.inWorkspace(workspaceId, (tx) => lockCheck(tx, workspaceId, checkId));
    await vetTarget(ctx, patch.kind ?? current.kind, patch.target ?? current.target);
  }
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const current = await lockCheck(tx, workspaceId, checkId);
    const defined = Object.fromEntries(
      Object.entries(patch).filter(([, v]) => v !== undefined),
    ) as CheckPatch;
    const settings = await settle(ctx, tx, workspaceId, { ...currentInput(current), ...defined }, patch);
    const [row] = await tx
      .update(healthChecks)
      .set({
        ...columns(settings),
        nextRunAt: current.enabled ? now : current.nextRunAt,
        lockedBy: null,
        lockedUntil: null,
      })
      .where(and(eq(healthChecks.workspaceId, workspaceId), eq(healthChecks.id, checkId)))
      .returning();
    await appendAudit(tx, now, {
      actor,
      action: 'check.updated',
      target: `check:${checkId}`,
      data: { fields: Object.keys(defined) },
    });
    return checkView(row!);
  });
}

function currentInput(row: CheckRow): CheckInput {
  return {
    name: row.name,
    kind: row.kind,
    target: row.target,
    intervalMs: row.intervalMs,
    timeoutMs: row.timeoutMs,
    expectStatus: row.expectStatus,
    keyword: row.keyword,
    latencyThresholdMs: row.latencyThresholdMs,
    failureThreshold: row.failureThreshold,
    recoveryThreshold: row.recoveryThreshold,
    severity: row.severity,
    component: row.component,
    packCheck: row.packCheck,
  };
}

export async function getCheck(database: Database, workspaceId: string, checkId: string): Promise<CheckView> {
  const [row] = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(healthChecks)
      .where(and(eq(healthChecks.workspaceId, workspaceId), eq(healthChecks.id, checkId))),
  );
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No health check "${checkId}" in this workspace.`);
  return checkView(row);
}

/** Checks by id (creation order), a page at a time: `after` is the last id of the previous page. */
export async function listChecks(
  database: Database,
  workspaceId: string,
  options: {
    readonly status?: MonitorStatus | undefined;
    readonly after?: string | undefined;
    readonly limit: number;
  },
): Promise<{ items: CheckView[]; next: string | null }> {
  const rows = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(healthChecks)
      .where(
        and(
          eq(healthChecks.workspaceId, workspaceId),
          options.status ? eq(healthChecks.status, options.status) : sql`true`,
          options.after ? gt(healthChecks.id, options.after) : sql`true`,
        ),
      )
      .orderBy(asc(healthChecks.id))
      .limit(options.limit + 1),
  );
  const page = rows.slice(0, options.limit);
  return { items: page.map(checkView), next: rows.length > options.limit ? page.at(-1)!.id : null };
}
