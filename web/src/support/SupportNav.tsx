/**
 * The help desk's pages as tabs: the inbox (its own area, the app's home), the dashboard, the knowledge
 * base and the settings, each shown only to roles with its permission.
 */
import { Tabs } from '../controls';
import type { ReadyAccess } from '../permissions';

export const SUPPORT_PATH = '/support';

export const SUPPORT_TABS = [
  { path: '/inbox', name: 'Inbox', permission: 'records.read' },
  { path: '/support', name: 'Dashboard', permission: 'records.read' },
  { path: '/support/knowledge', name: 'Knowledge', permission: 'knowledge.write' },
  { path: '/support/settings', name: 'Settings', permission: 'support.manage' },
] as const;

export type SupportTabPath = (typeof SUPPORT_TABS)[number]['path'];

export function SupportNav({ access, current }: { readonly access: ReadyAccess; readonly current: string }) {
  const tabs = SUPPORT_TABS.filter((t) => access.permissions.has(t.permission));
  return <Tabs label="Support" tabs={tabs} current={current} />;
}
