/**
 * The inbox's filters live in the address (`/inbox?priority=p1&breached=true`), so the dashboard links to
 * the tickets behind a figure, a filtered view can be bookmarked, and Back returns to it.
 */
import { FILTER_KEYS, type Ticket, type TicketFilter } from '../support-api';

export const INBOX_PATH = '/inbox';

export function filterFromSearch(search: string): TicketFilter {
  const params = new URLSearchParams(search);
  const filter: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== '') filter[key] = value;
  }
  return filter;
}

/** `/inbox?…` showing the tickets of `filter`. */
export function inboxHref(filter: TicketFilter): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `${INBOX_PATH}?${query}` : INBOX_PATH;
}

/** A stable key of the filter, for reloading when it changes. */
export const filterKey = (filter: TicketFilter) => inboxHref(filter);

/** The statuses of a ticket (src/store/schema.ts); the inbox shows all but resolved and closed by default. */
export const STATUSES = ['open', 'pending', 'waiting', 'on-hold', 'resolved', 'closed'] as const;
const DONE = new Set(['resolved', 'closed']);
/** `status=all`: every status (the default leaves out resolved and closed). */
export const ALL_STATUSES = 'all';

/** The channels tickets come in on (the pack channels of the intake, and the API). */
export const CHANNELS = ['email', 'whatsapp', 'in-app-chat', 'phone', 'sms', 'api'] as const;

/**
 * Whether a ticket that changed belongs in the list of `filter` (the server's rules, for the fields a
 * ticket carries). For drill-down filters it cannot check (a date range, a clock's verdict) it says
 * `unknown`: such a ticket is updated where it is shown but not added.
 */
export function matchesFilter(ticket: Ticket, filter: TicketFilter, meId: string): boolean | 'unknown' {
  if (
    filter.from ||
    filter.to ||
    filter.clock ||
    filter.verdict ||
    filter.reopened ||
    filter.fcr ||
    filter.csat
  )
    return 'unknown';
  if (ticket.mergedInto) return false;
  const statuses = filter.status?.split(',');
  if (statuses?.includes(ALL_STATUSES)) {
    // every status
  } else if (statuses ? !statuses.includes(ticket.status) : DONE.has(ticket.status)) return false;
  const one = (value: string | undefined, actual: string | null) =>
    !value || value.split(',').includes(actual ?? '');
  if (!one(filter.priority, ticket.priority)) return false;
  if (!one(filter.channel, ticket.channel)) return false;
  if (!one(filter.category, ticket.category)) return false;
  if (filter.tier && !one(filter.tier, ticket.tier ?? 'untiered')) return false;
  if (filter.assignee) {
    const assignee = ticket.assignee?.id ?? null;
    if (
      filter.assignee === 'me'
        ? assignee !== meId
        : filter.assignee === 'none'
          ? assignee !== null
          : assignee !== filter.assignee
    )
      return false;
  }
  if (filter.breached === 'true' && !ticket.breached) return false;
  if (filter.q) {
    const q = filter.q.toLowerCase();
    const haystack = [
      ticket.title,
      ticket.requester.name,
      ticket.requester.email,
      ticket.requester.phone,
      `#${ticket.number}`,
    ]
      .filter(Boolean)
      .join(' ')
      .toLowerCase();
    if (!haystack.includes(q)) return 'unknown';
  }
  return true;
}

/** The list's order (sort=due, the default): the next due time first, none last, then the number. */
export function compareByDue(a: Ticket, b: Ticket): number {
  if (a.nextDueAt && b.nextDueAt && a.nextDueAt !== b.nextDueAt)
    return Date.parse(a.nextDueAt) - Date.parse(b.nextDueAt);
  if (a.nextDueAt && !b.nextDueAt) return -1;
  if (!a.nextDueAt && b.nextDueAt) return 1;
  return a.number - b.number;
}
