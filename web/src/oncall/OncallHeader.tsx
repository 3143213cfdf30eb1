/** The heading of an on-call page, its tabs, and the way back to the incidents. */
import type { Workspace } from '../api';
import { AppLink, Tabs } from '../controls';
import { usePageHeading } from '../support/page-heading';
import { ONCALL_TABS } from './words';

export function OncallHeader({
  workspace,
  path,
  title,
}: {
  readonly workspace: Workspace;
  readonly path: string;
  readonly title: string;
}) {
  const heading = usePageHeading(path, `${title} · ${workspace.name}`);
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          {title}{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
        <AppLink to="/incidents" className="button">
          Back to incidents
        </AppLink>
      </header>
      <Tabs label="On-call" tabs={ONCALL_TABS} current={path} />
    </>
  );
}
