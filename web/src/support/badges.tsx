/** Small labels of a ticket: its priority, status and requester. */
import type { Ticket } from '../support-api';
import { priorityLabel } from './priorities';

/** `p1` … `p4` get colours by urgency; other scales' levels a neutral one. */
export function PriorityBadge({ priority }: { readonly priority: string }) {
  const level = /^p([0-4])$/i.exec(priority)?.[1];
  return <span className={`badge priority priority-${level ?? 'other'}`}>{priorityLabel(priority)}</span>;
}

export function StatusBadge({ status }: { readonly status: string }) {
  return <span className={`badge ticket-status ticket-status-${status}`}>{status}</span>;
}

export const requesterOf = (t: Pick<Ticket, 'requester'>) =>
  t.requester.name ?? t.requester.email ?? t.requester.phone ?? '—';
