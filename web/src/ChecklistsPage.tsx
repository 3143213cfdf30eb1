/**
 * All checklist runs of the workspace (`/checklists`): the open ones (recurring runs, one-off runs on any
 * record, runs opened by hand) and the latest completed, each worked as on an account's checklist card;
 * `/checklists/<run id>` shows one run (where My work and the calendar feed link).
 */
import type { ReactNode } from 'react';
import type { Workspace } from './api';
import { NotFound } from './AreaPage';
import { checklistsApi } from './checklists-api';
import { AppLink, ErrorNotice } from './controls';
import { RunView } from './customers/ChecklistsCard';
import { CHECKLISTS_PATH, MY_WORK_PATH, MyWorkPage } from './MyWorkPage';
import type { WorkspaceAccess } from './permissions';
import { useLoad } from './session';
import { usePageHeading } from './support/page-heading';
import './customers/customers.css';

/** The page a path shows among My work and the checklists; null for other paths. */
export function workPage(path: string, workspace: Workspace | null, access: WorkspaceAccess): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  const page = path.replace(/\/$/, '');
  if (page === MY_WORK_PATH)
    return <MyWorkPage key={`${workspace.id}${page}`} workspace={workspace} access={access} />;
  if (page !== CHECKLISTS_PATH && !page.startsWith(`${CHECKLISTS_PATH}/`)) return null;
  const canWork = access.permissions.has('events.write');
  if (page === CHECKLISTS_PATH)
    return <ChecklistsPage key={`${workspace.id}${page}`} workspace={workspace} canWork={canWork} />;
  const runId = page.slice(CHECKLISTS_PATH.length + 1);
  if (!/^[A-Za-z0-9_]+$/.test(runId)) return <NotFound path={path} />;
  return <OneRun key={`${workspace.id}${page}`} workspace={workspace} runId={runId} canWork={canWork} />;
}

function Header({ workspace, title }: { readonly workspace: Workspace; readonly title: string }) {
  const heading = usePageHeading(`${CHECKLISTS_PATH}/${title}`, `${title} · ${workspace.name}`);
  return (
    <header className="page-header inbox-header">
      <h1 ref={heading} tabIndex={-1}>
        {title}{' '}
        <span className="heading-sep" aria-hidden="true">
          ·
        </span>{' '}
        <span className="heading-workspace">{workspace.name}</span>
      </h1>
      <AppLink to={MY_WORK_PATH} className="button">
        My work
      </AppLink>
    </header>
  );
}

export function ChecklistsPage({
  workspace,
  canWork,
}: {
  readonly workspace: Workspace;
  readonly canWork: boolean;
}) {
  const open = useLoad(`${workspace.id}/checklists/open`, () =>
    checklistsApi.list(workspace.id, 'open', 100),
  );
  const done = useLoad(`${workspace.id}/checklists/completed`, () =>
    checklistsApi.list(workspace.id, 'completed', 20),
  );
  const changed = () => {
    open.reload();
    done.reload();
  };
  return (
    <>
      <Header workspace={workspace} title="Checklists" />
      <section className="card" aria-labelledby="checklists-open">
        <h2 id="checklists-open">Open runs</h2>
        <ErrorNotice error={open.error} />
        {!open.data && !open.error && <p className="muted">Loading the runs…</p>}
        {open.data?.items.length === 0 && <p className="muted">No run is open.</p>}
        {open.data?.items.map((run) => (
          <RunView key={run.id} workspace={workspace} run={run} canWork={canWork} onChanged={changed} />
        ))}
      </section>
      <section className="card" aria-labelledby="checklists-done">
        <h2 id="checklists-done">Recently completed</h2>
        <ErrorNotice error={done.error} />
        {done.data?.items.length === 0 && <p className="muted">No run was completed yet.</p>}
        {done.data?.items.map((run) => (
          <RunView key={run.id} workspace={workspace} run={run} canWork={false} onChanged={changed} />
        ))}
      </section>
    </>
  );
}

function OneRun({
  workspace,
  runId,
  canWork,
}: {
  readonly workspace: Workspace;
  readonly runId: string;
  readonly canWork: boolean;
}) {
  const run = useLoad(`${workspace.id}/checklists/${runId}`, () => checklistsApi.get(workspace.id, runId));
  return (
    <>
      <Header workspace={workspace} title="Checklist run" />
      <section className="card" aria-label="Run">
        <ErrorNotice error={run.error} />
        {!run.data && !run.error && <p className="muted">Loading the run…</p>}
        {run.data && (
          <RunView workspace={workspace} run={run.data} canWork={canWork} onChanged={run.reload} />
        )}
        <p>
          <AppLink to={CHECKLISTS_PATH}>All checklists</AppLink>
        </p>
      </section>
    </>
  );
}
