/**
 * Which customers page a path shows: the accounts (`/customers`), the signup review queue
 * (`/customers/review`), the metrics dashboard (`/customers/metrics`) or one account
 * (`/customers/<accountId>`). Only once the role's permissions are known and include reading records;
 * anything else is left to the app's Page (loading, MFA, "not available").
 */
import type { ReactNode } from 'react';
import type { Workspace } from '../api';
import { NotAllowed, NotFound } from '../AreaPage';
import type { WorkspaceAccess } from '../permissions';
import { AccountPage } from './AccountPage';
import { AccountsPage } from './AccountsPage';
import { METRICS_PATH, MetricsPage } from './MetricsPage';
import { ReviewPage } from './ReviewPage';
import { CUSTOMERS_PATH, REVIEW_PATH } from './words';
import '../support/support.css';
import './customers.css';
import './journeys.css';

export function customersPage(path: string, workspace: Workspace | null, access: WorkspaceAccess): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  if (path !== CUSTOMERS_PATH && !path.startsWith(`${CUSTOMERS_PATH}/`)) return null;
  if (!access.permissions.has('records.read')) return <NotAllowed what="customers" />;
  const page = path.replace(/\/$/, '');
  // Siblings of the shell's dashboard feed, keyed by the workspace id alone: these keys must differ.
  if (page === CUSTOMERS_PATH)
    return <AccountsPage key={`${workspace.id}${page}`} workspace={workspace} access={access} />;
  // Compared before decoding: an account whose id is `review` has the address `/customers/%72eview`.
  if (page === REVIEW_PATH) return <ReviewPage key={`${workspace.id}${page}`} workspace={workspace} />;
  if (page === METRICS_PATH) return <MetricsPage key={`${workspace.id}${page}`} workspace={workspace} />;
  const rest = page.slice(CUSTOMERS_PATH.length + 1);
  let accountId: string;
  try {
    accountId = decodeURIComponent(rest);
  } catch {
    return <NotFound path={path} />;
  }
  if (rest.includes('/') || accountId === '') return <NotFound path={path} />;
  return (
    <AccountPage key={`${workspace.id}${page}`} workspace={workspace} access={access} accountId={accountId} />
  );
}
