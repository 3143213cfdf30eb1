/**
 * Admin of the current workspace: its facts and security settings, members, invitations, API tokens and
 * the audit log.
 * Each tab shows only to roles with its permission; within a tab, controls the role cannot use are hidden.
 */
import type { Workspace } from './api';
import { AdminWorkspace } from './AdminWorkspace';
import { AuditPage } from './AuditPage';
import { Tabs } from './controls';
import { InvitationsPage } from './InvitationsPage';
import { MembersPage } from './MembersPage';
import type { ReadyAccess } from './permissions';
import { TokensPage } from './TokensPage';

const TABS = [
  { path: '/admin', name: 'Workspace', permission: 'workspace.read' },
  { path: '/admin/members', name: 'Members', permission: 'workspace.read' },
  { path: '/admin/invitations', name: 'Invitations', permission: 'members.manage' },
  { path: '/admin/tokens', name: 'API tokens', permission: 'tokens.manage' },
  { path: '/admin/audit', name: 'Audit log', permission: 'audit.read' },
] as const;

type TabPath = (typeof TABS)[number]['path'];

interface Props {
  readonly path: string;
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function AdminPage({ path, workspace, access }: Props) {
  const tabs = TABS.filter((t) => access.permissions.has(t.permission));
  const tab = tabs.find((t) => t.path === path);
  return (
    <>
      <Tabs label="Admin" tabs={tabs} current={path} />
      {tab ? (
        <Tab key={`${workspace.id}${tab.path}`} path={tab.path} workspace={workspace} access={access} />
      ) : (
        <section className="empty-state">
          <p>
            {TABS.some((t) => t.path === path)
              ? 'Your role in this workspace does not include this page.'
              : 'There is no such admin page.'}
          </p>
        </section>
      )}
    </>
  );
}

function Tab({ path, workspace, access }: Props & { readonly path: TabPath }) {
  switch (path) {
    case '/admin':
      return <AdminWorkspace workspace={workspace} access={access} />;
    case '/admin/members':
      return <MembersPage workspace={workspace} access={access} />;
    case '/admin/invitations':
      return <InvitationsPage workspace={workspace} access={access} />;
    case '/admin/tokens':
      return <TokensPage workspace={workspace} />;
    case '/admin/audit':
      return <AuditPage workspace={workspace} />;
  }
}
