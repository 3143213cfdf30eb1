/**
 * Admin of the current workspace: its facts and security settings, members, invitations, API tokens, the
 * audit log, and notifications: the delivery log, where messages go, the built-in mailbox and template
 * previews.
 * Each tab shows only to roles with its permission; within a tab, controls the role cannot use are hidden.
 */
import type { Workspace } from './api';
import { AdminWorkspace } from './AdminWorkspace';
import { AuditPage } from './AuditPage';
import { Tabs } from './controls';
import { DeliveriesPage } from './DeliveriesPage';
import { DestinationsPage } from './DestinationsPage';
import { InvitationsPage } from './InvitationsPage';
import { MailboxPage } from './MailboxPage';
import { MembersPage } from './MembersPage';
import { TemplatesTab } from './NotificationTemplatePreview';
import type { ReadyAccess } from './permissions';
import { TokensPage } from './TokensPage';

const TABS = [
  { path: '/admin', name: 'Workspace', permission: 'workspace.read' },
  { path: '/admin/members', name: 'Members', permission: 'workspace.read' },
  { path: '/admin/invitations', name: 'Invitations', permission: 'members.manage' },
  { path: '/admin/tokens', name: 'API tokens', permission: 'tokens.manage' },
  { path: '/admin/audit', name: 'Audit log', permission: 'audit.read' },
  { path: '/admin/deliveries', name: 'Deliveries', permission: 'deliveries.read' },
  { path: '/admin/notifications', name: 'Notifications', permission: 'notifications.manage' },
  { path: '/admin/mailbox', name: 'Mailbox', permission: 'deliveries.read' },
  // The server lets anyone who reads packs preview; here it sits with the notification settings.
  { path: '/admin/templates', name: 'Templates', permission: 'notifications.manage' },
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
    case '/admin/deliveries':
      return <DeliveriesPage workspace={workspace} access={access} />;
    case '/admin/notifications':
      return <DestinationsPage workspace={workspace} />;
    case '/admin/mailbox':
      return <MailboxPage workspace={workspace} />;
    case '/admin/templates':
      return <TemplatesTab workspace={workspace} />;
  }
}
