/**
 * Alerts: the open alerts (firing or acknowledged) with the incident each joined, and (with
 * `incidents.manage`) the integrations that send them: Alertmanager, PagerDuty-style or generic JSON.
 */
import type { Workspace } from '../api';
import type { ReadyAccess } from '../permissions';
import { AlertsCard } from './AlertsCard';
import { IntegrationsCard } from './IntegrationsCard';
import { StatusHeader } from './StatusNav';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function AlertsPage({ workspace, access }: Props) {
  return (
    <>
      <StatusHeader view="alerts" workspace={workspace} />
      <AlertsCard workspace={workspace} canAct={access.permissions.has('incidents.write')} />
      {access.permissions.has('incidents.manage') && <IntegrationsCard workspace={workspace} />}
    </>
  );
}
