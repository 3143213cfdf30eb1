/**
 * Which on-call page a path shows: who is on call and the schedules (`/oncall`), or the escalation
 * policies (`/oncall/policies`). Only once the role's permissions are known and include reading records;
 * anything else is left to the app's Page (loading, MFA, "not available").
 */
import type { ReactNode } from 'react';
import type { Workspace } from '../api';
import { NotAllowed, NotFound } from '../AreaPage';
import type { WorkspaceAccess } from '../permissions';
import { OncallPage } from './OncallPage';
import { PoliciesPage } from './PoliciesPage';
import { ONCALL_PATH, POLICIES_PATH } from './words';
import '../support/support.css';
import './oncall.css';

export function oncallPage(path: string, workspace: Workspace | null, access: WorkspaceAccess): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  if (path !== ONCALL_PATH && !path.startsWith(`${ONCALL_PATH}/`)) return null;
  if (!access.permissions.has('records.read')) return <NotAllowed what="on-call" />;
  const page = path.replace(/\/$/, '');
  // Siblings of the shell's dashboard feed, keyed by the workspace id alone: these keys must differ.
  const key = `${workspace.id}${page}`;
  if (page === ONCALL_PATH) return <OncallPage key={key} workspace={workspace} access={access} />;
  if (page === POLICIES_PATH) return <PoliciesPage key={key} workspace={workspace} access={access} />;
  return <NotFound path={path} />;
}
