/**
 * The public status page's setup: its components, maintenance windows and subscribers (the subscribers
 * and every change only for `incidents.manage`), and a link to the page itself, `/status/<slug>`.
 */
import type { Workspace } from '../api';
import type { ReadyAccess } from '../permissions';
import { useLoad } from '../session';
import { statusApi } from '../status-api';
import { ComponentsCard } from './ComponentsCard';
import { MaintenanceCard } from './MaintenanceCard';
import { StatusHeader } from './StatusNav';
import { SubscribersCard } from './SubscribersCard';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function SetupPage({ workspace, access }: Props) {
  const manage = access.permissions.has('incidents.manage');
  const components = useLoad(workspace.id, () => statusApi.components(workspace.id));
  return (
    <>
      <StatusHeader view="page" workspace={workspace}>
        <a
          className="button"
          href={`/status/${encodeURIComponent(workspace.slug)}`}
          target="_blank"
          rel="noopener noreferrer"
        >
          Open the public status page
        </a>
      </StatusHeader>
      <ComponentsCard workspace={workspace} components={components} manage={manage} />
      <MaintenanceCard workspace={workspace} components={components.data?.items ?? []} manage={manage} />
      {manage && <SubscribersCard workspace={workspace} />}
    </>
  );
}
