/**
 * `/customers`: the workspace's accounts in id order, found by part of the name or id and filtered by
 * state, a page at a time ("More"). People with `accounts.write` create accounts here; others arrive on
 * their own, on the first event or facts the SaaS sends for them. The header leads to the signup review
 * queue (ReviewPage).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Workspace } from '../api';
import { AppLink, ErrorNotice } from '../controls';
import { type Account, customersApi } from '../customers-api';
import { NavIcon } from '../icons';
import type { ReadyAccess } from '../permissions';
import { navigate, useSearch } from '../router';
import { usePageHeading } from '../support/page-heading';
import { AccountFilters, type AccountsFilter, filterOf, searchOf } from './AccountFilters';
import { AccountsTable } from './AccountsTable';
import { MoreButton } from './badges';
import { NewAccountForm } from './NewAccountForm';
import { METRICS_PATH } from './MetricsPage';
import { useCursorPages } from './paging';
import { accountPath, CUSTOMERS_PATH, REVIEW_PATH } from './words';

const PAGE_SIZE = 50;

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function AccountsPage({ workspace, access }: Props) {
  const canWrite = access.permissions.has('accounts.write');
  const search = useSearch();
  const filter = filterOf(search);
  const { q, state } = filter;
  const accounts = useCursorPages(`${workspace.id}${search}`, (after: string | undefined) =>
    customersApi.accounts(workspace.id, { q, state, after, limit: PAGE_SIZE }),
  );
  const heading = usePageHeading(CUSTOMERS_PATH, `Customers · ${workspace.name}`);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Account | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  // The form closes: the keyboard goes back to the button that opened it.
  const close = () => {
    setCreating(false);
    newButton.current?.focus();
  };
  const states = useSeenStates(accounts.list.data?.items);
  const onFilter = useCallback(
    (change: AccountsFilter) => navigate(`${CUSTOMERS_PATH}${searchOf(change)}`, { replace: true }),
    [],
  );

  const items = accounts.list.data?.items;
  const filtered = Boolean(q || state);
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          Customers{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
        <div className="actions">
          <AppLink to={METRICS_PATH} className="button">
            Metrics
          </AppLink>
          <AppLink to={REVIEW_PATH} className="button">
            Review queue
          </AppLink>
          {canWrite && (
            <button
              ref={newButton}
              type="button"
              className="button primary"
              aria-expanded={creating}
              aria-controls={creating ? 'account-new' : undefined}
              onClick={() => setCreating(!creating)}
            >
              New account
            </button>
          )}
        </div>
      </header>
      {created && (
        <p className="notice account-created" role="status">
          Created {created.name}. <AppLink to={accountPath(created.id)}>Open {created.name}</AppLink>
        </p>
      )}
      {creating && (
        <div id="account-new">
          <NewAccountForm
            workspace={workspace}
            onCancel={close}
            onCreated={(account) => {
              close();
              setCreated(account);
              accounts.list.reload();
            }}
          />
        </div>
      )}
      {items?.length === 0 && !filtered ? (
        <section className="empty-state customers-empty" aria-labelledby="accounts-none-title">
          <div className="empty-icon">
            <NavIcon path={CUSTOMERS_PATH} />
          </div>
          <h2 id="accounts-none-title">No customer accounts in {workspace.name} yet</h2>
          <p>
            An account appears on the first event or usage facts the SaaS sends for it (a trial started, a
            payment), or when someone creates it here.
          </p>
        </section>
      ) : (
        <section className="card accounts" aria-labelledby="accounts-title">
          <h2 id="accounts-title">Accounts</h2>
          <AccountFilters filter={filter} states={states} onFilter={onFilter} />
          <ErrorNotice error={accounts.list.error} />
          {!items && !accounts.list.error && <p className="muted">Loading accounts…</p>}
          {items?.length === 0 && <p className="muted">No account matches.</p>}
          {items && items.length > 0 && <AccountsTable accounts={items} />}
          <MoreButton pages={accounts} label="More accounts" />
        </section>
      )}
    </>
  );
}

/** Every state the list has shown since the page opened, for the state filter's choices. */
function useSeenStates(items: readonly Account[] | undefined): readonly string[] {
  const [seen, setSeen] = useState<readonly string[]>([]);
  useEffect(() => {
    if (!items) return;
    setSeen((before) => {
      const fresh = items.map((a) => a.state).filter((s) => !before.includes(s));
      return fresh.length === 0 ? before : [...before, ...new Set(fresh)];
    });
  }, [items]);
  return seen;
}
