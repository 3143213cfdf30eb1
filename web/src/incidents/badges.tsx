/** Small labels of an incident: its severity (coloured by rank on the pack's scale), status and marks. */
import type { Scale } from '../incidents-api';
import { severityLabel } from './words';

/** The most severe level is red, the next amber, the third blue, the rest grey. */
export function SeverityBadge({
  scale,
  severity,
}: {
  readonly scale: Scale | null;
  readonly severity: string;
}) {
  const rank = scale?.levels.indexOf(severity) ?? -1;
  const level = rank === -1 ? fallbackRank(severity) : rank;
  return (
    <span className={`badge severity severity-${Math.min(level, 3)}`}>{severityLabel(scale, severity)}</span>
  );
}

/** Without the scale: `sev1`/`p0`/`critical` read as most severe, and so on. */
function fallbackRank(severity: string): number {
  const sev = /^sev(\d)$/i.exec(severity);
  if (sev) return Number(sev[1]) - 1;
  const p = /^p(\d)$/i.exec(severity);
  if (p) return Number(p[1]);
  const words = ['critical', 'high', 'medium', 'low'];
  return words.includes(severity) ? words.indexOf(severity) : 3;
}

export function IncidentStatusBadge({ status }: { readonly status: string }) {
  return <span className={`badge incident-status incident-status-${status}`}>{status}</span>;
}

export function RestrictedBadge() {
  return (
    <span className="badge restricted-badge" title="A security incident: only those allowed see it">
      restricted
    </span>
  );
}

export function BreachedBadge() {
  return <span className="badge breached-badge">breached</span>;
}
