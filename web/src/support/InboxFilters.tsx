/**
 * The inbox's queues (one per tier of the pack, with open, breached and unassigned counts) and its
 * filters. Every choice changes the address (`/inbox?tier=l1-support&breached=true`), which the list
 * follows; the search box waits for a pause in typing.
 */
import { type RefObject, useEffect, useState } from 'react';
import { Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import type { Loaded } from '../session';
import type { Agent, Queue, TicketFilter } from '../support-api';
import { ALL_STATUSES, CHANNELS, STATUSES } from './filters';
import { priorityLabel } from './priorities';

const SEARCH_PAUSE_MS = 300;

export function QueueBar({
  queues,
  filter,
  onFilter,
}: {
  readonly queues: Loaded<readonly Queue[]>;
  readonly filter: TicketFilter;
  readonly onFilter: (change: Partial<TicketFilter>) => void;
}) {
  const all = queues.data ?? [];
  const total = all.reduce((n, q) => n + q.open, 0);
  return (
    <nav className="queues" aria-label="Queues">
      <ErrorNotice error={queues.error} />
      <ul>
        <li>
          <button
            type="button"
            className="queue"
            aria-pressed={!filter.tier}
            onClick={() => onFilter({ tier: undefined })}
          >
            <span className="queue-name">All queues</span>
            <span className="queue-counts">{queues.data ? `${total} open` : '…'}</span>
          </button>
        </li>
        {all.map((q) => (
          <li key={q.tier}>
            <button
              type="button"
              className="queue"
              aria-pressed={filter.tier === q.tier}
              onClick={() => onFilter({ tier: q.tier })}
            >
              <span className="queue-name">{q.label}</span>
              <span className="queue-counts">
                {q.open} open
                {q.breached > 0 && <span className="queue-breached"> · {q.breached} breached</span>}
                {q.unassigned > 0 && <> · {q.unassigned} unassigned</>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function InboxFilters({
  filter,
  onFilter,
  agents,
  priorities,
  searchRef,
}: {
  readonly filter: TicketFilter;
  readonly onFilter: (change: Partial<TicketFilter>) => void;
  readonly agents: readonly Agent[];
  readonly priorities: readonly string[];
  readonly searchRef: RefObject<HTMLInputElement | null>;
}) {
  const drill = Boolean(
    filter.from ||
    filter.to ||
    filter.clock ||
    filter.verdict ||
    filter.reopened ||
    filter.fcr ||
    filter.csat,
  );
  return (
    <div className="inline-form filters inbox-filters" role="search" aria-label="Filter tickets">
      <SearchBox
        value={filter.q ?? ''}
        onSearch={(q) => onFilter({ q: q || undefined })}
        inputRef={searchRef}
      />
      <Field id="inbox-status" label="Status">
        <select
          id="inbox-status"
          value={filter.status ?? ''}
          onChange={(e) => onFilter({ status: e.target.value || undefined })}
        >
          <option value="">Not resolved</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          <option value={ALL_STATUSES}>Any status</option>
        </select>
      </Field>
      <Field id="inbox-priority" label="Priority">
        <select
          id="inbox-priority"
          value={filter.priority ?? ''}
          onChange={(e) => onFilter({ priority: e.target.value || undefined })}
        >
          <option value="">Any priority</option>
          {priorities.map((p) => (
            <option key={p} value={p}>
              {priorityLabel(p)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="inbox-channel" label="Channel">
        <select
          id="inbox-channel"
          value={filter.channel ?? ''}
          onChange={(e) => onFilter({ channel: e.target.value || undefined })}
        >
          <option value="">Any channel</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <Field id="inbox-assignee" label="Assignee">
        <select
          id="inbox-assignee"
          value={filter.assignee ?? ''}
          onChange={(e) => onFilter({ assignee: e.target.value || undefined })}
        >
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Unassigned</option>
          {agents.map((a) => (
            <option key={a.userId} value={a.userId}>
              {a.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="inbox-sort" label="Sort by">
        <select
          id="inbox-sort"
          value={filter.sort ?? 'due'}
          onChange={(e) => onFilter({ sort: e.target.value === 'due' ? undefined : e.target.value })}
        >
          <option value="due">SLA due</option>
          <option value="updated">Last updated</option>
          <option value="created">Newest</option>
        </select>
      </Field>
      <label className="check inbox-breached">
        <input
          type="checkbox"
          checked={filter.breached === 'true'}
          onChange={(e) => onFilter({ breached: e.target.checked ? 'true' : undefined })}
        />
        Breached only
      </label>
      {drill && (
        <p className="form-lead drill">
          From the dashboard: {drillWords(filter)}.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() =>
              onFilter({
                from: undefined,
                to: undefined,
                clock: undefined,
                verdict: undefined,
                reopened: undefined,
                fcr: undefined,
                csat: undefined,
              })
            }
          >
            Clear
          </button>
        </p>
      )}
    </div>
  );
}

function drillWords(f: TicketFilter): string {
  const day = (iso: string) => new Date(iso).toLocaleDateString();
  const parts = [
    f.from || f.to
      ? `created ${f.from ? `from ${day(f.from)}` : ''} ${f.to ? `to ${day(f.to)}` : ''}`.trim()
      : '',
    f.clock ? `${f.clock} clock ${f.verdict ?? ''}`.trim() : '',
    f.reopened ? 'reopened' : '',
    f.fcr ? 'resolved on first contact' : '',
    f.csat ? `CSAT ${f.csat}` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

function SearchBox({
  value,
  onSearch,
  inputRef,
}: {
  readonly value: string;
  readonly onSearch: (q: string) => void;
  readonly inputRef: RefObject<HTMLInputElement | null>;
}) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  // The address changed (Back, a dashboard link): the box shows its query.
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <Field id="inbox-search" label="Search">
      <input
        id="inbox-search"
        ref={inputRef}
        type="search"
        value={text}
        placeholder="Title, requester, #number  ( / )"
        aria-keyshortcuts="/"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
      />
    </Field>
  );
}
