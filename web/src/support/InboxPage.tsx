/**
 * The agent inbox: queues by tier, the tickets of the filter sorted by SLA due with a live countdown,
 * keyboard navigation (j/k, Enter, x, /, ?), bulk actions on the selection, and live changes over the
 * ticket stream: a changed ticket's row is fetched and replaced, a new one put in its place and announced.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Workspace } from '../api';
import { ErrorNotice } from '../controls';
import { usePageHeading } from './page-heading';
import type { ReadyAccess } from '../permissions';
import { navigate, useSearch } from '../router';
import { useAction, useLoad, useSession } from '../session';
import { type BulkAction, type BulkResult, supportApi, type Ticket, type TicketFilter } from '../support-api';
import { filterFromSearch, INBOX_PATH, inboxHref } from './filters';
import { InboxFilters, QueueBar } from './InboxFilters';
import { BulkBar, InboxRow, rowLinkId, ticketPath } from './InboxTable';
import { useInboxKeys } from './inbox-keys';
import { usePriorities } from './priorities';
import { ShortcutHelp } from './ShortcutHelp';
import { SupportNav } from './SupportNav';
import { useTicketChanges } from './ticket-live';
import { PAGE_SIZE, useTicketList } from './ticket-list';

/** A ticket created this recently is announced as new, not as "now in this list". */
const NEW_WINDOW_MS = 5 * 60_000;

let lastInbox = INBOX_PATH;
/** The inbox as last shown (its filters), for the ticket page's way back. */
export const lastInboxHref = () => lastInbox;

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function InboxPage({ workspace, access }: Props) {
  const { me } = useSession();
  const search = useSearch();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const heading = usePageHeading(INBOX_PATH, `Inbox · ${workspace.name}`);
  const list = useTicketList(workspace.id, filter, me.user.id);
  const queues = useLoad(workspace.id, () => supportApi.queues(workspace.id));
  const agents = useLoad(workspace.id, () => supportApi.agents(workspace.id));
  const canWrite = access.permissions.has('tickets.write');
  const [cursor, setCursor] = useState<number | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const [help, setHelp] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const page = useAction();
  const bulk = useAction();
  const [bulkResult, setBulkResult] = useState<BulkResult | null>(null);

  useEffect(() => {
    lastInbox = inboxHref(filter);
  }, [filter]);

  const onFilter = useCallback(
    (change: Partial<TicketFilter>) => {
      const next: Record<string, string | undefined> = { ...filter, ...change };
      navigate(inboxHref(next), { replace: true });
      setSelected(new Set());
    },
    [filter],
  );

  const { refresh, reload } = list;
  const { reload: reloadQueues } = queues;
  useTicketChanges(workspace.id, (numbers, all) => {
    reloadQueues();
    if (all) return reload();
    refresh(numbers).then(
      (added) => {
        if (added.length === 0) return;
        const nowMs = Date.now();
        setFresh(new Set(added.map((t) => t.number)));
        setAnnouncement(
          added
            .map((t) =>
              nowMs - Date.parse(t.createdAt) < NEW_WINDOW_MS
                ? `New ticket #${t.number}: ${t.title}`
                : `#${t.number} ${t.title} is now in this list`,
            )
            .join('. '),
        );
      },
      () => reload(),
    );
  });

  const items = list.items;
  const seen = useMemo(() => (items ?? []).map((t) => t.priority), [items]);
  const priorities = usePriorities(workspace.id, seen);

  const toggle = useCallback((number: number) => {
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(number)) next.add(number);
      return next;
    });
  }, []);
  const pick = useCallback((number: number) => setCursor(number), []);
  const open = useCallback((number: number) => navigate(ticketPath(number)), []);

  useInboxKeys({
    items: items ?? [],
    cursor,
    onCursor: (number) => {
      setCursor(number);
      document.getElementById(rowLinkId(number))?.closest('a')?.focus();
    },
    onOpen: open,
    onToggle: canWrite ? toggle : () => undefined,
    onSearch: () => searchRef.current?.focus(),
    onHelp: () => setHelp((shown) => !shown),
    onEscape: () => setHelp(false),
  });

  const runBulk = (action: BulkAction, value?: string) =>
    void bulk.run(async () => {
      const result = await supportApi.bulk(workspace.id, [...selected], action, value, me.csrfToken);
      setBulkResult(result);
      setSelected(new Set(result.failed.map((f) => f.number)));
      await refresh(new Set(result.done));
      reloadQueues();
    });

  const allSelected = items !== null && items.length > 0 && items.every((t) => selected.has(t.number));
  const columns = ['SLA due', 'Ticket', 'Priority', 'Channel', 'Requester', 'Assignee', 'Status'];
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          Inbox{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
        <button
          type="button"
          className="button small"
          aria-keyshortcuts="?"
          aria-expanded={help}
          onClick={() => setHelp((shown) => !shown)}
        >
          Keyboard shortcuts
        </button>
      </header>
      <SupportNav access={access} current={INBOX_PATH} />
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
      <QueueBar queues={queues} filter={filter} onFilter={onFilter} />
      <section className="card inbox" aria-labelledby="tickets-title">
        <div className="card-head">
          <h2 id="tickets-title">Tickets</h2>
          <span className="muted" aria-live="polite">
            {items &&
              `${items.length}${list.total !== null ? ` of ${list.total}` : list.more ? '+' : ''} shown`}
          </span>
        </div>
        <InboxFilters
          filter={filter}
          onFilter={onFilter}
          agents={agents.data ?? []}
          priorities={priorities}
          searchRef={searchRef}
        />
        {canWrite && (
          <BulkBar
            count={selected.size}
            priorities={priorities}
            action={bulk}
            result={bulkResult}
            onAssignToMe={() => runBulk('assign', me.user.id)}
            onResolve={() => runBulk('resolve')}
            onPriority={(p) => runBulk('priority', p)}
            onClear={() => setSelected(new Set())}
          />
        )}
        <ErrorNotice error={list.error ?? page.error} />
        {!items && !list.error && <p className="muted">Loading tickets…</p>}
        {items?.length === 0 && <p className="muted">No tickets match.</p>}
        {items && items.length > 0 && (
          <div className="table-wrap">
            <table className="data tickets" aria-labelledby="tickets-title">
              <thead>
                <tr>
                  {canWrite && (
                    <th className="select-cell">
                      <input
                        type="checkbox"
                        aria-label="Select all shown"
                        checked={allSelected}
                        onChange={() =>
                          setSelected(allSelected ? new Set() : new Set(items.map((t: Ticket) => t.number)))
                        }
                      />
                    </th>
                  )}
                  {columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {items.map((t) => (
                  <InboxRow
                    key={t.number}
                    ticket={t}
                    isCursor={t.number === cursor}
                    isSelected={selected.has(t.number)}
                    isNew={fresh.has(t.number)}
                    selectable={canWrite}
                    onToggle={toggle}
                    onPick={pick}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.more && (
          <p>
            <button
              type="button"
              className="button"
              disabled={page.busy}
              onClick={() => void page.run(list.loadMore)}
            >
              Load {PAGE_SIZE} more
            </button>
          </p>
        )}
      </section>
    </>
  );
}
