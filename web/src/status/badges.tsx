/** Small labels of the status area: a component's status, a monitor's, an alert's. */
import type { ComponentStatus } from '../status-api';

const TONE: Readonly<Record<string, 'good' | 'warn' | 'bad' | 'quiet'>> = {
  operational: 'good',
  up: 'good',
  confirmed: 'good',
  degraded: 'warn',
  'partial-outage': 'warn',
  late: 'warn',
  started: 'warn',
  acknowledged: 'warn',
  pending: 'warn',
  'major-outage': 'bad',
  down: 'bad',
  firing: 'bad',
  maintenance: 'quiet',
  paused: 'quiet',
  unknown: 'quiet',
  new: 'quiet',
};

/** The state in words (`partial outage`), coloured by how bad it is. */
export function StateBadge({ state, label }: { readonly state: string; readonly label?: string }) {
  return (
    <span className={`badge state-badge tone-${TONE[state] ?? 'quiet'}`}>
      {label ?? state.replace(/-/g, ' ')}
    </span>
  );
}

export const componentStatusLabel = (status: ComponentStatus): string =>
  status === 'degraded' ? 'degraded performance' : status.replace(/-/g, ' ');
