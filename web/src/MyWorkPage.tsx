/**
 * My work (`/my-work`, GET …/my-work): everything due for me today in the workspace's zone, or overdue,
 * across checklists, tasks, tickets and incidents, in two groups, the most overdue first. A checklist item
 * is ticked in place, with the evidence it takes (the checklist card's form); the rest link to their page.
 */
import type { ReactNode } from 'react';
import type { Workspace } from './api';
import { type WorkEntry, checklistsApi } from './checklists-api';
import { AppLink, ErrorNotice } from './controls';
import { StateBadge, When } from './customers/badges';
import { StepForm } from './customers/ChecklistsCard';
import type { ReadyAccess } from './permissions';
import { useLoad } from './session';
import { usePageHeading } from './support/page-heading';
import './customers/customers.css';

export const MY_WORK_PATH = '/my-work';
export const CHECKLISTS_PATH = '/checklists';

const KIND: Readonly<Record<WorkEntry['kind'], string>> = {
  'checklist-item': 'Checklist',
  task: 'Task',
  ticket: 'Ticket',
  incident: 'Incident',
};

export function MyWorkPage({
  workspace,
  access,
}: {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}) {
  const heading = usePageHeading(MY_WORK_PATH, `My work · ${workspace.name}`);
  const work = useLoad(`${workspace.id}/my-work`, () => checklistsApi.myWork(workspace.id));
  const canWork = access.permissions.has('events.write');
  const items = work.data?.items;
  const overdue = items?.filter((i) => i.overdue) ?? [];
  const today = items?.filter((i) => !i.overdue) ?? [];
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          My work{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
        <AppLink to={CHECKLISTS_PATH} className="button">
          All checklists
        </AppLink>
      </header>
      <ErrorNotice error={work.error} />
      {!items && !work.error && <p className="muted">Loading your work…</p>}
      {items?.length === 0 && (
        <section className="empty-state" aria-labelledby="my-work-none">
          <h2 id="my-work-none">Nothing is due for you today</h2>
          <p>Checklist items for your role, your tasks, tickets and incident stages will appear here.</p>
        </section>
      )}
      {items && items.length > 0 && (
        <>
          <Group id="my-work-overdue" title="Overdue" entries={overdue}>
            {(e) => (
              <Entry key={e.id} workspace={workspace} entry={e} canWork={canWork} onChanged={work.reload} />
            )}
          </Group>
          <Group id="my-work-today" title={`Due today (${work.data.timeZone})`} entries={today}>
            {(e) => (
              <Entry key={e.id} workspace={workspace} entry={e} canWork={canWork} onChanged={work.reload} />
            )}
          </Group>
        </>
      )}
    </>
  );
}

function Group({
  id,
  title,
  entries,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly entries: readonly WorkEntry[];
  readonly children: (entry: WorkEntry) => ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="muted">({entries.length})</span>
      </h2>
      {entries.length === 0 ? (
        <p className="muted">Nothing.</p>
      ) : (
        <ol className="task-list">{entries.map(children)}</ol>
      )}
    </section>
  );
}

function Entry({
  workspace,
  entry,
  canWork,
  onChanged,
}: {
  readonly workspace: Workspace;
  readonly entry: WorkEntry;
  readonly canWork: boolean;
  readonly onChanged: () => void;
}) {
  const titleId = `work-${entry.kind}-${entry.id}`;
  const item = entry.checklist;
  return (
    <li className="task" aria-labelledby={titleId}>
      <p id={titleId} className="task-title">
        <StateBadge state={KIND[entry.kind]} tone={entry.overdue ? 'warn' : 'quiet'} />{' '}
        <AppLink to={entry.link}>
          <strong>{entry.title}</strong>
        </AppLink>
      </p>
      <p className="muted">
        {entry.detail} · {entry.overdue ? 'was due' : 'due'} <When iso={entry.dueAt} full />
        {item?.owner && (
          <>
            {' '}
            · for <code>{item.owner}</code>
          </>
        )}
      </p>
      {canWork && item && (
        <StepForm
          workspace={workspace}
          runId={item.runId}
          item={{ id: item.item, text: entry.title, evidence: item.evidence, when: null }}
          onChanged={onChanged}
        />
      )}
    </li>
  );
}
