/**
 * The status area's views as tabs (the public page's setup, monitoring, alerts) and the header every
 * view starts with: its h1, which takes the focus when the view changes, and the tabs.
 */
import type { ReactNode } from 'react';
import type { Workspace } from '../api';
import { Tabs } from '../controls';
import { usePageHeading } from '../support/page-heading';

export const STATUS_PATH = '/status';

export const STATUS_VIEWS = [
  { view: 'page', path: STATUS_PATH, name: 'Status page' },
  { view: 'monitoring', path: `${STATUS_PATH}?view=monitoring`, name: 'Monitoring' },
  { view: 'alerts', path: `${STATUS_PATH}?view=alerts`, name: 'Alerts' },
] as const;

export type StatusView = (typeof STATUS_VIEWS)[number]['view'];

export function viewOf(search: string): StatusView {
  const wanted = new URLSearchParams(search).get('view');
  return STATUS_VIEWS.find((v) => v.view === wanted)?.view ?? 'page';
}

export function StatusHeader({
  view,
  workspace,
  children,
}: {
  readonly view: StatusView;
  readonly workspace: Workspace;
  /** Buttons or links beside the heading. */
  readonly children?: ReactNode;
}) {
  const current = STATUS_VIEWS.find((v) => v.view === view)!;
  const heading = usePageHeading(current.path, `${current.name} · ${workspace.name}`);
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          {current.name}{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
        {children && <div className="actions">{children}</div>}
      </header>
      <Tabs label="Status" tabs={STATUS_VIEWS} current={current.path} />
    </>
  );
}
