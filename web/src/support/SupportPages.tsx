/**
 * Which help-desk page a path shows: the inbox (`/inbox`), a ticket (`/inbox/1042`), the dashboard
 * (`/support`), the knowledge base (`/support/knowledge`) and the settings (`/support/settings`). Only
 * once the role's permissions are known and include the page; anything else is left to the app's Page
 * (loading, MFA, "not available", not found).
 */
import type { ReactNode } from 'react';
import type { Workspace } from '../api';
import { NotAllowed, NotFound } from '../AreaPage';
import type { WorkspaceAccess } from '../permissions';
import { InboxPage } from './InboxPage';
import { KnowledgePage } from './KnowledgePage';
import { MetricsPage } from './MetricsPage';
import { SettingsPage } from './SettingsPage';
import { SUPPORT_TABS, type SupportTabPath } from './SupportNav';
import { TicketPage } from './TicketPage';
import './support.css';
import './ticket.css';
import './desk.css';

const TICKET = /^\/inbox\/(\d{1,9})\/?$/;

export function supportPage(path: string, workspace: Workspace | null, access: WorkspaceAccess): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  const ticket = TICKET.exec(path);
  const page: SupportTabPath | 'ticket' | null = ticket
    ? 'ticket'
    : (SUPPORT_TABS.find((t) => t.path === path.replace(/\/$/, ''))?.path ?? null);
  if (!page) return /^\/(inbox|support)\/./.test(path) ? <NotFound path={path} /> : null;
  const tab = SUPPORT_TABS.find((t) => t.path === page);
  if (!access.permissions.has(tab?.permission ?? 'records.read'))
    return <NotAllowed what={tab ? `the support ${tab.name.toLowerCase()}` : 'tickets'} />;
  // Siblings of the shell's dashboard feed, keyed by the workspace id alone: these keys must differ.
  const key = `${workspace.id}${path}`;
  switch (page) {
    case 'ticket':
      return <TicketPage key={key} workspace={workspace} access={access} number={Number(ticket![1])} />;
    case '/inbox':
      return <InboxPage key={`${workspace.id}/inbox`} workspace={workspace} access={access} />;
    case '/support':
      return <MetricsPage key={key} workspace={workspace} access={access} />;
    case '/support/knowledge':
      return <KnowledgePage key={key} workspace={workspace} access={access} />;
    case '/support/settings':
      return <SettingsPage key={key} workspace={workspace} access={access} />;
  }
}
