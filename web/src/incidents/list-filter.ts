/** The incident list's filters, kept in the address (`/incidents?state=all&severity=sev1`). */
import type { IncidentState } from '../incidents-api';
import { INCIDENTS_PATH } from './words';

export const STATES: readonly { readonly id: IncidentState; readonly name: string }[] = [
  { id: 'open', name: 'Open' },
  { id: 'resolved', name: 'Resolved' },
  { id: 'all', name: 'All' },
];

export interface ListFilter {
  readonly state: IncidentState;
  readonly severity: string;
}

export function filterOf(search: string): ListFilter {
  const q = new URLSearchParams(search);
  const state = STATES.find((s) => s.id === q.get('state'))?.id ?? 'open';
  return { state, severity: q.get('severity') ?? '' };
}

export function listHref(filter: Partial<ListFilter>): string {
  const q = new URLSearchParams();
  if (filter.state && filter.state !== 'open') q.set('state', filter.state);
  if (filter.severity) q.set('severity', filter.severity);
  const query = q.toString();
  return query ? `${INCIDENTS_PATH}?${query}` : INCIDENTS_PATH;
}
