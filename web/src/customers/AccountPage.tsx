/**
 * `/customers/<accountId>`: one account — who it is, what the SaaS may let it do now, its usage facts,
 * where its lifecycles are, its custom fields, its contacts, the journeys running on it and everything that
 * happened to it; for a signup the pack reviews, its review and manual payment first (SignupCard).
 */
import { useCallback } from 'react';
import type { Workspace } from '../api';
import { AppLink, ErrorNotice } from '../controls';
import { type Account, customersApi } from '../customers-api';
import type { ReadyAccess } from '../permissions';
import { useLoad } from '../session';
import { usePageHeading } from '../support/page-heading';
import { AccessCard, CustomFieldsCard, FactsCard, LifecyclesCard } from './AccountCards';
import { StateBadge } from './badges';
import { ChecklistsCard } from './ChecklistsCard';
import { ContactsCard } from './ContactsCard';
import { ExportButton } from './ExportButton';
import { JourneysCard } from './JourneysCard';
import { SurveysCard } from './SurveysCard';
import { TasksCard } from './TasksCard';
import { useCursorPages } from './paging';
import { reviewsSignup, SignupCard } from './SignupCard';
import { TimelineCard } from './TimelineCard';
import { accountPath, CUSTOMERS_PATH } from './words';

const TIMELINE_PAGE = 50;
const CONTACTS_PAGE = 100;

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
  readonly accountId: string;
}

export function AccountPage({ workspace, access, accountId }: Props) {
  const w = workspace.id;
  const key = `${w}/${accountId}`;
  const account = useLoad(key, () => customersApi.account(w, accountId));
  const answer = useLoad(key, () => customersApi.access(w, accountId));
  const contacts = useCursorPages(`${key}/contacts`, (after: string | undefined) =>
    customersApi.contacts(w, accountId, after, CONTACTS_PAGE),
  );
  const timeline = useCursorPages(`${key}/timeline`, (after: number | undefined) =>
    customersApi.timeline(w, accountId, after, TIMELINE_PAGE),
  );
  const journeys = useLoad(`${key}/journeys`, () => customersApi.journeys(w, accountId));
  const surveys = useLoad(`${key}/surveys`, () => customersApi.surveys(w, accountId));
  const tasks = useLoad(`${key}/tasks`, () => customersApi.tasks(w, accountId));
  const { reload: reloadAccount } = account;
  const { reload: reloadAnswer } = answer;
  const { reload: reloadContacts } = contacts.list;
  const { reload: reloadTimeline } = timeline.list;
  const { reload: reloadJourneys } = journeys;
  const { reload: reloadTasks } = tasks;
  // A task done lands on the timeline with its note.
  const taskDone = useCallback(() => {
    reloadTasks();
    reloadTimeline();
  }, [reloadTasks, reloadTimeline]);
  // A contact registered starts the pack's journeys on them; whatever lands on the timeline may move one.
  const contactsChanged = useCallback(() => {
    reloadAccount();
    reloadContacts();
    reloadTimeline();
    reloadJourneys();
  }, [reloadAccount, reloadContacts, reloadTimeline, reloadJourneys]);
  // A signup decided or a payment recorded moves lifecycles: the state, the access answer, the timeline
  // and the journeys (a step done, a journey exited or started).
  const lifecyclesChanged = useCallback(() => {
    reloadAccount();
    reloadAnswer();
    reloadTimeline();
    reloadJourneys();
  }, [reloadAccount, reloadAnswer, reloadTimeline, reloadJourneys]);

  const a = account.data;
  const names = new Map((contacts.list.data?.items ?? []).map((c) => [`user:${c.id}`, c.name]));
  return (
    <>
      <AccountHeader workspace={workspace} accountId={accountId} account={a} />
      <ErrorNotice error={account.error} />
      {!a && !account.error && (
        <p className="muted" role="status">
          Loading the account…
        </p>
      )}
      {a && (
        <>
          {reviewsSignup(a) && (
            <SignupCard
              workspace={workspace}
              account={a}
              canDecide={access.permissions.has('accounts.write')}
              canConfirm={access.permissions.has('payments.confirm')}
              onChanged={lifecyclesChanged}
            />
          )}
          <div className="account-grid">
            <AccessCard answer={answer} />
            <FactsCard account={a} />
            <LifecyclesCard account={a} />
            <CustomFieldsCard account={a} />
          </div>
          <ContactsCard
            workspace={workspace}
            accountId={accountId}
            contacts={contacts}
            canWrite={access.permissions.has('accounts.write')}
            onChanged={contactsChanged}
          />
          <JourneysCard journeys={journeys} />
          <TasksCard
            workspace={workspace}
            tasks={tasks}
            names={names}
            canComplete={access.permissions.has('events.write')}
            onChanged={taskDone}
          />
          <ChecklistsCard
            workspace={workspace}
            accountId={accountId}
            canWork={access.permissions.has('events.write')}
            onChanged={reloadTimeline}
          />
          <SurveysCard surveys={surveys} names={names} />
          <TimelineCard timeline={timeline} contacts={contacts.list.data?.items ?? []} />
        </>
      )}
    </>
  );
}

function AccountHeader({
  workspace,
  accountId,
  account,
}: {
  readonly workspace: Workspace;
  readonly accountId: string;
  readonly account: Account | null;
}) {
  const name = account?.name ?? accountId;
  const heading = usePageHeading(accountPath(accountId), `${name} · Customers · ${workspace.name}`);
  return (
    <header className="page-header account-header">
      <div className="inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          {name}
        </h1>
        <ExportButton workspaceId={workspace.id} accountId={accountId} />
        <AppLink to={CUSTOMERS_PATH} className="button">
          All customers
        </AppLink>
      </div>
      <dl className="account-meta">
        <div>
          <dt>Id</dt>
          <dd>
            <code>{accountId}</code>
          </dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>{account?.kind ?? '…'}</dd>
        </div>
        <div>
          <dt>Plan</dt>
          <dd>{account ? (account.plan ?? '—') : '…'}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>{account ? <StateBadge state={account.state} /> : '…'}</dd>
        </div>
      </dl>
    </header>
  );
}
