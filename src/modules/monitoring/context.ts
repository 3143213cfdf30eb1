/**
 * What the monitoring use cases need beyond the incident system's context: the outbound allowlist that
 * decides which check targets may be saved and reached (OPSBOOK_OUTBOUND_ALLOW, RELIABILITY S5), and the
 * resolver (tests inject one to play DNS rebinding).
 */
import type { ResolveHost } from '../../channels/outbound-http.js';
import type { IncidentsContext } from '../incidents/context.js';

export interface MonitoringContext extends IncidentsContext {
  readonly outboundAllow: readonly string[];
  readonly lookup?: ResolveHost;
}

/** @example monitoringContext(incidentsContext(deps), deps.config.outboundAllow) */
export function monitoringContext(
  ctx: IncidentsContext,
  outboundAllow: readonly string[],
  lookup?: ResolveHost,
): MonitoringContext {
  return lookup ? { ...ctx, outboundAllow, lookup } : { ...ctx, outboundAllow };
}

/** Who monitors act as in alerts, the timeline and the audit log. */
export const MONITOR_ACTOR = 'system:monitoring';
