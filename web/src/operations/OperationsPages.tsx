/**
 * Which operations page a path shows: the area's home (`/operations`), the releases and bugs
 * (`/operations/releases`, `/operations/bugs`) and one of them (`/operations/releases/REL-7`). Only once the
 * role's permissions are known and include reading records; anything else is left to the app's Page.
 */
import type { ReactNode } from 'react';
import type { Workspace } from '../api';
import { NotAllowed, NotFound } from '../AreaPage';
import type { WorkspaceAccess } from '../permissions';
import type { RecordKind } from '../records-api';
import { OperationsHome } from './OperationsHome';
import { RecordPage } from './RecordPage';
import { RecordsPage } from './RecordsPage';
import { OPERATIONS_PATH } from './words';
import '../support/support.css';
import '../customers/customers.css';
import './operations.css';

const KINDS: Readonly<Record<string, RecordKind>> = { releases: 'release', bugs: 'bug' };
const REF: Readonly<Record<RecordKind, RegExp>> = {
  release: /^REL-[1-9][0-9]{0,9}$/,
  bug: /^BUG-[1-9][0-9]{0,9}$/,
};

export function operationsPage(
  path: string,
  workspace: Workspace | null,
  access: WorkspaceAccess,
): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  if (path !== OPERATIONS_PATH && !path.startsWith(`${OPERATIONS_PATH}/`)) return null;
  const [section, ref, ...rest] = path
    .replace(/\/$/, '')
    .slice(OPERATIONS_PATH.length + 1)
    .split('/');
  const kind = section ? KINDS[section] : undefined;
  // Other operations pages (checklists, vendors, backups, compliance) answer for themselves.
  if (section && !kind) return null;
  if (!access.permissions.has('records.read')) return <NotAllowed what="operations" />;
  const key = `${workspace.id}${path}`;
  if (!kind) return <OperationsHome key={key} workspace={workspace} />;
  if (ref === undefined) return <RecordsPage key={key} workspace={workspace} access={access} kind={kind} />;
  if (rest.length > 0 || !REF[kind].test(ref)) return <NotFound path={path} />;
  return <RecordPage key={key} workspace={workspace} access={access} kind={kind} refId={ref} />;
}
