/** The incident pages as tabs: the incidents (list and declare), the dashboard, and who is on call. */
import { Tabs } from '../controls';
import { INCIDENTS_PATH, METRICS_PATH } from './words';

export const INCIDENT_TABS = [
  { path: INCIDENTS_PATH, name: 'Incidents' },
  { path: METRICS_PATH, name: 'Dashboard' },
  { path: '/oncall', name: 'On call' },
] as const;

export function IncidentsNav({ current }: { readonly current: string }) {
  return <Tabs label="Incidents" tabs={INCIDENT_TABS} current={current} />;
}
