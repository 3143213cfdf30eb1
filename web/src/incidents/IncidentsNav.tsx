/** The incident pages as tabs: the incidents (list and declare) and the dashboard. */
import { Tabs } from '../controls';
import { INCIDENTS_PATH, METRICS_PATH } from './words';

export const INCIDENT_TABS = [
  { path: INCIDENTS_PATH, name: 'Incidents' },
  { path: METRICS_PATH, name: 'Dashboard' },
] as const;

export function IncidentsNav({ current }: { readonly current: string }) {
  return <Tabs label="Incidents" tabs={INCIDENT_TABS} current={current} />;
}
