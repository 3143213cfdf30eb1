/**
 * Which incident page a path shows: the list (`/incidents`), the dashboard (`/incidents/metrics`) or an
 * incident's room (`/incidents/12`). Only once the role's permissions are known and include reading
 * records; anything else is left to the app's Page (loading, MFA, "not available").
 */
import type { ReactNode } from 'react';
import type { Workspace } from '../api';
import { NotAllowed, NotFound } from '../AreaPage';
import type { WorkspaceAccess } from '../permissions';
import { IncidentRoom } from './IncidentRoom';
import { IncidentsPage } from './IncidentsPage';
import { MetricsPage } from './MetricsPage';
import { INCIDENTS_PATH, METRICS_PATH } from './words';
import '../support/support.css';
import '../support/ticket.css';
import '../support/desk.css';
import './incidents.css';

const ROOM = /^\/incidents\/(\d{1,9})\/?$/;

export function incidentPage(path: string, workspace: Workspace | null, access: WorkspaceAccess): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  if (path !== INCIDENTS_PATH && !path.startsWith(`${INCIDENTS_PATH}/`)) return null;
  if (!access.permissions.has('records.read')) return <NotAllowed what="incidents" />;
  const page = path.replace(/\/$/, '');
  // Siblings of the shell's dashboard feed, keyed by the workspace id alone: these keys must differ.
  const key = `${workspace.id}${page}`;
  if (page === INCIDENTS_PATH) return <IncidentsPage key={key} workspace={workspace} access={access} />;
  if (page === METRICS_PATH) return <MetricsPage key={key} workspace={workspace} />;
  const room = ROOM.exec(path);
  if (room) return <IncidentRoom key={key} workspace={workspace} access={access} number={Number(room[1])} />;
  return <NotFound path={path} />;
}
