/**
 * The inbox's rows (memoised: a live change re-renders its own row, the ticking countdowns only their
 * cell) and the bulk actions on the selected tickets.
 */
import { memo, useState } from 'react';
import { AppLink, ErrorNotice } from '../controls';
import type { Action } from '../session';
import type { BulkResult, Ticket } from '../support-api';
import { Countdown } from './countdown';
import { PriorityBadge, requesterOf, StatusBadge } from './badges';
import { priorityLabel } from './priorities';

export const ticketPath = (number: number) => `/inbox/${number}`;
export const rowLinkId = (number: number) => `ticket-link-${number}`;

interface RowProps {
  readonly ticket: Ticket;
  readonly isCursor: boolean;
  readonly isSelected: boolean;
  readonly isNew: boolean;
  readonly selectable: boolean;
  readonly onToggle: (number: number) => void;
  readonly onPick: (number: number) => void;
}

export const InboxRow = memo(function InboxRow({
  ticket: t,
  isCursor,
  isSelected,
  isNew,
  selectable,
  onToggle,
  onPick,
}: RowProps) {
  const running = t.clocks.find((c) => c.due === t.nextDueAt && c.phase === 'running');
  const paused = !t.nextDueAt && t.clocks.some((c) => c.phase === 'paused');
  const classes = ['ticket-row', isCursor && 'cursor', isSelected && 'selected', isNew && 'new'];
  return (
    <tr className={classes.filter(Boolean).join(' ')} onClick={() => onPick(t.number)}>
      {selectable && (
        <td className="select-cell" onClick={(e) => e.stopPropagation()}>
          <input
            type="checkbox"
            checked={isSelected}
            aria-label={`Select #${t.number}`}
            onChange={() => onToggle(t.number)}
          />
        </td>
      )}
      <td className="due-cell">
        <Countdown
          due={t.nextDueAt}
          start={running?.startedAt ?? t.createdAt}
          phase={paused ? 'paused' : 'running'}
        />
        {t.breached && <span className="badge breached-badge">breached</span>}
      </td>
      <td className="title-cell">
        <AppLink to={ticketPath(t.number)} className="ticket-link">
          <span id={rowLinkId(t.number)} className="ticket-number">
            #{t.number}
          </span>{' '}
          {t.title}
        </AppLink>
        {t.tags.length > 0 && <span className="muted tags"> {t.tags.join(', ')}</span>}
      </td>
      <td>
        <PriorityBadge priority={t.priority} />
      </td>
      <td>{t.channel}</td>
      <td className="requester-cell">{requesterOf(t)}</td>
      <td>{t.assignee ? (t.assignee.name ?? t.assignee.id) : <span className="muted">Unassigned</span>}</td>
      <td>
        <StatusBadge status={t.status} />
        {t.csat && <span className="badge csat-badge">CSAT {t.csat.score}</span>}
      </td>
    </tr>
  );
});

export function BulkBar({
  count,
  priorities,
  action,
  result,
  onAssignToMe,
  onResolve,
  onPriority,
  onClear,
}: {
  readonly count: number;
  readonly priorities: readonly string[];
  readonly action: Action;
  readonly result: BulkResult | null;
  readonly onAssignToMe: () => void;
  readonly onResolve: () => void;
  readonly onPriority: (priority: string) => void;
  readonly onClear: () => void;
}) {
  const [priority, setPriority] = useState('');
  const none = count === 0 || action.busy;
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Bulk actions">
      <span className="bulk-count" aria-live="polite">
        {count} selected
      </span>
      <button type="button" className="button small" disabled={none} onClick={onAssignToMe}>
        Assign to me
      </button>
      <button type="button" className="button small" disabled={none} onClick={onResolve}>
        Resolve
      </button>
      <select
        aria-label="New priority"
        value={priority}
        disabled={action.busy}
        onChange={(e) => setPriority(e.target.value)}
      >
        <option value="">Priority…</option>
        {priorities.map((p) => (
          <option key={p} value={p}>
            {priorityLabel(p)}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button small"
        disabled={none || !priority}
        onClick={() => onPriority(priority)}
      >
        Set priority
      </button>
      {count > 0 && (
        <button type="button" className="link-button" onClick={onClear}>
          Clear selection
        </button>
      )}
      <ErrorNotice error={action.error} />
      {result && result.failed.length > 0 && (
        <div className="alert" role="alert">
          {result.done.length} done; not done:{' '}
          {result.failed.map((f) => `#${f.number} (${f.detail})`).join('; ')}
        </div>
      )}
    </div>
  );
}
