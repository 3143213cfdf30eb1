/**
 * Which page a path shows: one's own account pages whatever the workspace; otherwise a page of the current
 * workspace, once the role's permissions are known, and only when the role may use it.
 */
import { type Me, type Workspace } from './api';
import { areaOf } from './areas';
import { AreaPage, NotAllowed, NotFound } from './AreaPage';
import { ErrorNotice } from './controls';
import { MfaRequiredPage } from './MfaRequiredPage';
import type { WorkspaceAccess } from './permissions';
import { RecordPage } from './RecordPage';
import { SecurityPage } from './SecurityPage';
import { SessionsPage } from './SessionsPage';

interface Props {
  readonly path: string;
  readonly me: Me;
  readonly workspace: Workspace | null;
  readonly access: WorkspaceAccess;
}

export function Page({ path, me, workspace, access }: Props) {
  if (path === '/account/security') return <SecurityPage />;
  if (path === '/account/sessions') return <SessionsPage />;
  const area = areaOf(path);
  // `/records/ticket:T1`: any record the engine governs, with its clocks explained.
  const recordKey = path.startsWith('/records/') ? decodeURIComponent(path.slice('/records/'.length)) : null;
  if (!area && !recordKey) return <NotFound path={path} />;
  if (!workspace)
    return area ? <AreaPage area={area} path={path} workspace={null} /> : <NotFound path={path} />;
  switch (access.kind) {
    case 'no-workspace':
    case 'loading':
      return (
        <p className="muted" role="status">
          Loading…
        </p>
      );
    case 'mfa-required':
      return <MfaRequiredPage me={me} workspace={workspace} />;
    case 'failed':
      return <ErrorNotice error={access.error} />;
    case 'ready':
      break;
  }
  if (recordKey) {
    if (!access.permissions.has('records.read')) return <NotAllowed what="records" />;
    return <RecordPage key={`${workspace.id}/${recordKey}`} workspace={workspace} subjectKey={recordKey} />;
  }
  if (!area) return <NotFound path={path} />;
  if (!access.permissions.has(area.permission)) return <NotAllowed what={area.name} />;
  return <AreaPage area={area} path={path} workspace={workspace} access={access} />;
}
