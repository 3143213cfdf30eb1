/**
 * Which status page `/status` shows: the public page's setup (components, maintenance, subscribers), the
 * monitoring (health checks and heartbeats) or the alerts (integrations and open alerts), chosen by
 * `?view=`. The views are not paths under `/status/` because those belong to the public pages
 * (`/status/<workspace-slug>`), which the server renders. Only once the role's permissions are known
 * and include reading records; anything else is left to the app's Page (loading, MFA, "not available").
 */
import type { ReactNode } from 'react';
import type { Workspace } from '../api';
import { NotAllowed } from '../AreaPage';
import type { ReadyAccess, WorkspaceAccess } from '../permissions';
import { useSearch } from '../router';
import { AlertsPage } from './AlertsPage';
import { MonitoringPage } from './MonitoringPage';
import { SetupPage } from './SetupPage';
import { STATUS_PATH, viewOf } from './StatusNav';
import '../support/support.css';
import './status.css';

export function statusPage(path: string, workspace: Workspace | null, access: WorkspaceAccess): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  if (path.replace(/\/$/, '') !== STATUS_PATH) return null;
  if (!access.permissions.has('records.read')) return <NotAllowed what="the status page" />;
  // A sibling of the shell's dashboard feed, keyed by the workspace id alone: this key must differ.
  return <StatusArea key={`${workspace.id}${STATUS_PATH}`} workspace={workspace} access={access} />;
}

function StatusArea({ workspace, access }: { readonly workspace: Workspace; readonly access: ReadyAccess }) {
  const view = viewOf(useSearch());
  const key = `${workspace.id}/${view}`;
  switch (view) {
    case 'page':
      return <SetupPage key={key} workspace={workspace} access={access} />;
    case 'monitoring':
      return <MonitoringPage key={key} workspace={workspace} access={access} />;
    case 'alerts':
      return <AlertsPage key={key} workspace={workspace} access={access} />;
  }
}
