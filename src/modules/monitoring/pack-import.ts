/**
 * Creating a workspace's monitors from its active pack's `monitors` section: an admin action ("Import
 * from pack"), not a side effect of activation, because a heartbeat's ping URL is a secret shown once and
 * must reach the person who wires the job, and a check needs a target the SOP rarely names. Importing
 * twice creates nothing new: each monitor remembers the pack item it came from.
 *
 * ShopSmart's "Backup completion — Daily — Automated" (000#91) becomes a heartbeat its backup job pings;
 * SofaCover's "Health Checks: Every 30 seconds" (002#15) names no URL, so it is reported as needing one
 * (create it with `packCheck: health-checks` and it runs every 30 s).
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import { cadenceCron } from '../../core/monitoring.js';
import type { Pack } from '../../packs/schema/pack.js';
import type { Tx } from '../../store/database.js';
import { healthChecks, heartbeats } from '../../store/schema-incidents.js';
import { packVersions } from '../../store/schema.js';
import { createCheck, type CheckView } from './checks.js';
import type { MonitoringContext } from './context.js';
import {
  createHeartbeatIn,
  heartbeatView,
  pingUrl,
  type HeartbeatInput,
  type HeartbeatView,
} from './heartbeats.js';
import { packMonitorsIn, PROBED_KINDS, type PackCheck, type PackHeartbeat } from './pack-monitors.js';

export interface ImportedMonitors {
  readonly heartbeats: { readonly heartbeat: HeartbeatView; readonly pingUrl: string }[];
  readonly checks: CheckView[];
  readonly skipped: { readonly kind: 'check' | 'heartbeat'; readonly id: string; readonly reason: string }[];
}

const TWO_WEEKS_MS = 14 * 86_400_000;

/** A pack heartbeat as creation input, or why it cannot be one. */
export function packHeartbeatInput(
  item: PackHeartbeat,
  timeZone: string,
): HeartbeatInput | { reason: string } {
  const base = { name: item.label, graceMs: item.grace, packHeartbeat: item.id };
  if (typeof item.period === 'number') return { ...base, periodMs: item.period };
  if ('every' in item.period && item.period.every === 'two-weeks') return { ...base, periodMs: TWO_WEEKS_MS };
  const cron = cadenceCron(item.period);
  if (cron === null) return { reason: 'its period is an event, not a schedule' };
  return { ...base, schedule: cron, timeZone };
}

async function existing(tx: Tx, workspaceId: string) {
  const hb = await tx
    .select({ id: heartbeats.packHeartbeat })
    .from(heartbeats)
    .where(and(eq(heartbeats.workspaceId, workspaceId), isNotNull(heartbeats.packHeartbeat)));
  const checks = await tx
    .select({ id: healthChecks.packCheck })
    .from(healthChecks)
    .where(and(eq(healthChecks.workspaceId, workspaceId), isNotNull(healthChecks.packCheck)));
  return { heartbeats: new Set(hb.map((r) => r.id)), checks: new Set(checks.map((r) => r.id)) };
}

function checkSkip(item: PackCheck): string | null {
  if (!PROBED_KINDS.has(item.kind))
    return `a ${item.kind} check is measured elsewhere (metrics thresholds, alert intake)`;
  if (!item.target)
    return `the SOP names no target: create it with POST …/checks and "packCheck": "${item.id}"`;
  return null;
}

/** Creates the pack's heartbeats and its checks that name a target, unless created before. */
export async function importPackMonitors(
  ctx: MonitoringContext,
  workspaceId: string,
  actor: string,
): Promise<ImportedMonitors> {
  const now = ctx.now();
  const skipped: ImportedMonitors['skipped'][number][] = [];
  const { made, toCheck } = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const pack = await packMonitorsIn(ctx, tx, workspaceId);
    if (!pack) return { made: [], toCheck: [] };
    const have = await existing(tx, workspaceId);
    const created: { heartbeat: HeartbeatView; pingUrl: string }[] = [];
    for (const item of pack.heartbeats) {
      if (have.heartbeats.has(item.id)) continue;
      const input = packHeartbeatInput(item, pack.timeZone);
      if ('reason' in input) {
        skipped.push({ kind: 'heartbeat', id: item.id, reason: input.reason });
        continue;
      }
      const { row, token } = await createHeartbeatIn(tx, workspaceId, input, actor, now);
      created.push({ heartbeat: heartbeatView(row), pingUrl: pingUrl(ctx, token) });
    }
    const checks = pack.checks.filter((c) => !have.checks.has(c.id));
    return { made: created, toCheck: checks };
  });
  const checks: CheckView[] = [];
  for (const item of toCheck) {
    const reason = checkSkip(item);
    if (reason) {
      skipped.push({ kind: 'check', id: item.id, reason });
      continue;
    }
    const input = {
      name: item.label,
      kind: item.kind as 'http' | 'tcp',
      target: item.target!,
      packCheck: item.id,
    };
    try {
      checks.push(await createCheck(ctx, workspaceId, input, actor));
    } catch (error) {
      skipped.push({ kind: 'check', id: item.id, reason: (error as Error).message });
    }
  }
  return { heartbeats: made, checks, skipped };
}

/**
 * The demo's monitors: each demo workspace gets its pack's heartbeats (ShopSmart: backup completion,
 * waiting for its first ping; its ping URL is shown by "Replace ping URL"). Runs in the demo loader's
 * transaction; a second call adds nothing.
 *
 * @example await database.inWorkspace(id, (tx) => seedDemoMonitoring(tx, id, 'shopsmart', now))
 */
export async function seedDemoMonitoring(
  tx: Tx,
  workspaceId: string,
  _slug: string,
  now: Date,
): Promise<void> {
  const [active] = await tx
    .select({ document: packVersions.document })
    .from(packVersions)
    .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
    .limit(1);
  const pack = active?.document as Pack | undefined;
  if (!pack) return;
  const have = await existing(tx, workspaceId);
  for (const item of pack.monitors?.heartbeats ?? []) {
    if (have.heartbeats.has(item.id)) continue;
    const input = packHeartbeatInput(item, pack.pack.timeZone);
    if (!('reason' in input)) await createHeartbeatIn(tx, workspaceId, input, 'system:demo', now);
  }
}
