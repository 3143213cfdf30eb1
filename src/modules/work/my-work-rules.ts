/**
 * What counts as one person's work, as pure functions: the day "today" is in the workspace's zone, which
 * recipients (`role:devops`, `user:usr_…`) mean the person, and where an entry links in the web app.
 * my-work.ts reads the records; these decide.
 *
 * Whose work an item is follows who is nagged about it (checklist-nag-rules.ts): its owner's; and, for an
 * item with no owner or with an owner role no member holds, the workspace's owners' and admins' (they are
 * the ones told when it falls due, so it is on their list).
 */
import { localToInstant, zoneOffsetMs } from '../../core/instant.js';

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** The local day containing `nowMs` in `timeZone`, as [start, end) instants. */
export function dayOf(nowMs: number, timeZone: string): { startMs: number; endMs: number } {
  const localDay = Math.floor((nowMs + zoneOffsetMs(nowMs, timeZone)) / DAY_MS);
  const date = (day: number) => {
    const d = new Date(day * DAY_MS);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T00:00`;
  };
  // A zone without local midnight that day (a DST jump at 00:00) starts its day at the first instant after.
  const at = (day: number) =>
    localToInstant(date(day), timeZone) ?? day * DAY_MS - zoneOffsetMs(nowMs, timeZone);
  return { startMs: at(localDay), endMs: at(localDay + 1) };
}

export interface Person {
  readonly userId: string;
  /** The person's role in the workspace (`owner`, `support`, `devops`). */
  readonly role: string;
}

/** The recipients that name the person directly: their role (as a role or a tier) and themselves. */
export const recipientsOf = (person: Person): string[] => [
  `role:${person.role}`,
  `tier:${person.role}`,
  `user:${person.userId}`,
];

/** Owners and admins also take the work nobody else is meant for. */
export const takesUnowned = (person: Person): boolean => person.role === 'owner' || person.role === 'admin';

/** The recipients that name some member of the workspace, given the roles members hold. */
export const heldRecipients = (roles: readonly string[]): string[] =>
  roles.flatMap((role) => [`role:${role}`, `tier:${role}`]);

/**
 * Whether work for `recipient` (null: nobody in particular) is the person's. `held`: the recipients that
 * name some member (heldRecipients).
 *
 * @example isMine({ userId: 'u1', role: 'owner' }, 'role:operations', new Set()) // true: nobody holds it
 */
export function isMine(person: Person, recipient: string | null, held: ReadonlySet<string>): boolean {
  if (recipient !== null && recipientsOf(person).includes(recipient)) return true;
  if (!takesUnowned(person)) return false;
  if (recipient === null) return true;
  return /^(role|tier):/.test(recipient) && !held.has(recipient);
}

/** The web page of a record: its own page where it has one, else the record view. */
export function linkOf(subject: string): string {
  const [kind, ...rest] = subject.split(':');
  const id = rest.join(':');
  if (kind === 'ticket' && /^\d+$/.test(id)) return `/inbox/${id}`;
  if (kind === 'incident' && /^\d+$/.test(id)) return `/incidents/${id}`;
  if (kind === 'account' && id) return `/customers/${encodeURIComponent(id)}`;
  return `/records/${encodeURIComponent(subject)}`;
}

export type WorkKind = 'checklist-item' | 'task' | 'ticket' | 'incident';

export interface WorkEntry {
  readonly kind: WorkKind;
  readonly id: string;
  readonly title: string;
  /** Where it comes from, in words: the checklist's label, the ticket's clock, the incident's stage. */
  readonly detail: string;
  readonly dueMs: number;
  readonly link: string;
  readonly subject: string;
  /** A checklist item's run, item id and evidence kind, so it can be ticked in place. */
  readonly checklist?: {
    readonly runId: string;
    readonly item: string;
    readonly evidence: string;
    readonly owner: string | null;
  };
}

/**
 * Entries due by the end of today (a daily run due at tomorrow's midnight is today's work), each with its
 * overdue flag (due before now), most overdue first.
 */
export function arrange(
  entries: readonly WorkEntry[],
  nowMs: number,
  endOfDayMs: number,
): (WorkEntry & { readonly overdue: boolean })[] {
  return entries
    .filter((e) => e.dueMs <= endOfDayMs)
    .map((e) => ({ ...e, overdue: e.dueMs < nowMs }))
    .sort((a, b) => a.dueMs - b.dueMs || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}
