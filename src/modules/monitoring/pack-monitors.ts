/**
 * The active pack's `monitors` section as monitors read it: the checks it names (SofaCover's
 * `health-checks`, every 30 s, 002#15) give a new check its interval; its heartbeats (ShopSmart's backup
 * completion, daily, 000#91) can be created from it.
 */
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { NoActivePackError } from '../../engine/engine.js';
import type { Tx } from '../../store/database.js';
import type { IncidentsContext } from '../incidents/context.js';

type Monitors = NonNullable<EnginePolicy['policy']['pack']['monitors']>;
export type PackCheck = NonNullable<Monitors['checks']>[number];
export type PackHeartbeat = NonNullable<Monitors['heartbeats']>[number];

export interface PackMonitors {
  readonly packId: string;
  readonly timeZone: string;
  readonly checks: readonly PackCheck[];
  readonly heartbeats: readonly PackHeartbeat[];
}

/** The active pack's monitors, or null when the workspace runs no pack. */
export async function packMonitorsIn(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
): Promise<PackMonitors | null> {
  try {
    const { ep, ref } = await ctx.engine.activePolicyIn(tx, workspaceId);
    const monitors = ep.policy.pack.monitors;
    return {
      packId: ref.id,
      timeZone: ep.timeZone,
      checks: monitors?.checks ?? [],
      heartbeats: monitors?.heartbeats ?? [],
    };
  } catch (error) {
    if (error instanceof NoActivePackError) return null;
    throw error;
  }
}

/** Pack check kinds a health check can run. */
export const PROBED_KINDS: ReadonlySet<string> = new Set(['http', 'tcp']);
