/**
 * The agent inbox's reads: the ticket list (filters, full-text search, keyset pages) and the queues per
 * tier. Pages are keyset pages on the sort key and the ticket number, so a page costs
 * the same at ticket 1,000,000 as at ticket 50 and a ticket changing while someone pages is never listed
 * twice on the same key; the cursor is opaque (base64url JSON) and carries the sort it belongs to.
 */
import {
  and,
  type Column,
  asc,
  desc,
  eq,
  getTableColumns,
  inArray,
  isNull,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { Database, Queryable, Tx } from '../../store/database.js';
import { memberships, tickets, users } from '../../store/schema.js';
import { ticketView, type TicketView } from './ticket-view.js';
import type { ClockGroup } from './clock-groups.js';
import type { TicketRow } from './outbound.js';

export const TICKET_SORTS = ['due', 'updated', 'created'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/**
 * Open work: not resolved or closed, not merged away. Written as constants, not parameters, so a partial
 * index on exactly this predicate (the inbox's default view) matches whatever plan the driver asks for.
 */
const OPEN_WORK = sql`${tickets.status} not in ('resolved', 'closed')`;

export interface TicketFilters {
  /** Null: every status. Undefined: the inbox default (open work), unless a drill-down filter is given. */
  readonly statuses?: string[] | null;
  /** `null` in the list: tickets with no tier. */
  readonly tiers?: readonly (string | null)[];
  readonly priorities?: string[];
  readonly assignee?: { readonly none: true } | { readonly userId: string };
  readonly channels?: string[];
  readonly categories?: string[];
  readonly breached?: boolean;
  readonly q?: string;
  /** Created in [from, to). */
  readonly from?: Date;
  readonly to?: Date;
  readonly clock?: { readonly group: ClockGroup; readonly verdict: 'met' | 'breached' };
  readonly reopened?: boolean;
  /** The pack's first-contact-resolution tag: `fcr=true` lists the tickets carrying it. */
  readonly tag?: string;
  readonly csat?: number;
}

/** Whether a filter drills into figures over every ticket created in a range (not just open work). */
const drillsDown = (f: TicketFilters) =>
  f.from !== undefined ||
  f.to !== undefined ||
  f.clock !== undefined ||
  f.reopened !== undefined ||
  f.tag !== undefined ||
  f.csat !== undefined;

/**
 * Search terms as a prefix tsquery (`'ravi':* & 'login':*`) of at most ten lower-cased words of letters,
 * digits and `@._+-`, so nothing a person types is tsquery syntax. It is cast, not parsed: the text search
 * parser would split `ravi-k@shop.in` into parts that no longer prefix the whole address the ticket's
 * vector holds. Null when nothing searchable is left.
 */
export function searchQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}@._+-]/gu, ''))
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, 10);
  return words.length ? words.map((w) => `'${w}':*`).join(' & ') : null;
}

/** Whether a filter set lists open work only (the inbox's default, or only open statuses). */
function openOnly(f: TicketFilters): boolean {
  if (f.statuses) return f.statuses.every((s) => s !== 'resolved' && s !== 'closed');
  return f.statuses === undefined && !drillsDown(f);
}

/** The conditions of a filter set (the workspace's own rows only: row-level security adds the rest). */
export function ticketConditions(workspaceId: string, f: TicketFilters): SQL[] {
  const where: SQL[] = [eq(tickets.workspaceId, workspaceId), isNull(tickets.mergedInto)];
  if (f.statuses) where.push(inArray(tickets.status, [...f.statuses]));
  else if (f.statuses === undefined && !drillsDown(f)) where.push(OPEN_WORK);
  if (f.tiers?.length) {
    const named = f.tiers.filter((t): t is string => t !== null);
    const parts: SQL[] = [];
    if (named.length) parts.push(inArray(tickets.tier, named));
    if (named.length < f.tiers.length) parts.push(isNull(tickets.tier));
    where.push(parts.length === 1 ? parts[0]! : or(...parts)!);
  }
  if (f.priorities?.length) where.push(inArray(tickets.priority, [...f.priorities]));
  if (f.assignee)
    where.push('none' in f.assignee ? isNull(tickets.assigneeId) : eq(tickets.assigneeId, f.assignee.userId));
  if (f.channels?.length) where.push(inArray(tickets.channel, [...f.channels]));
  if (f.categories?.length) where.push(inArray(tickets.category, [...f.categories]));
  if (f.breached !== undefined) where.push(eq(tickets.breached, f.breached));
  if (f.from) where.push(sql`${tickets.createdAt} >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) where.push(sql`${tickets.createdAt} < ${f.to.toISOString()}::timestamptz`);
  if (f.clock) where.push(clockVerdict(f.clock.group, f.clock.verdict));
  if (f.reopened !== undefined)
    where.push(f.reopened ? sql`${tickets.reopenedCount} > 0` : sql`${tickets.reopenedCount} = 0`);
  if (f.tag) where.push(sql`${tickets.tags} @> ${JSON.stringify([f.tag])}::jsonb`);
  if (f.csat !== undefined) where.push(eq(tickets.csatScore, f.csat));
  if (f.q !== undefined) {
    const query = searchQuery(f.q);
    const number = /^#?([1-9][0-9]{0,8})$/.exec(f.q.trim());
    const parts: SQL[] = [];
    // Through a SECURITY DEFINER function (migrations 0008, 0009): under row-level security PostgreSQL
    // evaluates `@@` (not LEAKPROOF) after the policy on every row and never uses the GIN index; the
    // function reads the index for the current workspace only, that of open work when only open work is
    // listed.
    if (query)
      parts.push(sql`${tickets.number} in (select opsbook_ticket_search(${query}::tsquery, ${openOnly(f)}))`);
    if (number) parts.push(eq(tickets.number, Number(number[1])));
    where.push(parts.length ? or(...parts)! : sql`false`);
  }
  return where;
}

/** A ticket whose mirrored clock of the group has that verdict (`clocks @> [{id, phase}]`). */
export function clockVerdict(group: ClockGroup, verdict: 'met' | 'breached'): SQL {
  const column = group === 'first-response' ? tickets.firstResponseVerdict : tickets.resolutionVerdict;
  return eq(column, verdict);
}

interface Cursor {
  readonly s: TicketSort;
  /** The sort key of the last ticket, as exact text (microseconds), or null (no due time). */
  readonly k: string | null;
  readonly n: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const badCursor = (why: string) =>
  new OpsError('OPS_VALIDATION', `The cursor is not valid: ${why}. Start again without one.`, [
    { pointer: '/querystring/cursor', message: why },
  ]);

const EXACT_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function decodeCursor(text: string, sort: TicketSort): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('it is not one this API returned');
  }
  const c = parsed as Partial<Cursor> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    !TICKET_SORTS.includes(c.s as TicketSort) ||
    !Number.isSafeInteger(c.n) ||
    !(c.k === null || (typeof c.k === 'string' && EXACT_INSTANT.test(c.k)))
  )
    throw badCursor('it is not one this API returned');
  if (c.s !== sort) throw badCursor(`it belongs to sort=${c.s}, not sort=${sort}`);
  if (c.k === null && sort !== 'due') throw badCursor('it is not one this API returned');
  return c as Cursor;
}

/** The sort column as exact UTC text with microseconds, for the next cursor. */
const exact = (column: Column) =>
  sql<string | null>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * A sort as keyset segments, read in turn until the page is full. Each segment's order and cursor
 * condition are plain comparisons on indexable columns (`(next_due_at, number) > (k, n)`), so a page is an
 * index range whichever page it is. `due` has two: the tickets with a due time, soonest first, then those
 * with none (paused, resolved) by number.
 */
function segmentsOf(sort: TicketSort, cursor: Cursor | null): { where: SQL; order: SQL[] }[] {
  const after = (column: Column, op: '>' | '<') =>
    cursor
      ? sql`(${column}, ${tickets.number}) ${sql.raw(op)} (${cursor.k}::timestamptz, ${cursor.n})`
      : sql`true`;
  switch (sort) {
    case 'due': {
      // Ordered by the (null) due time too, so the partial indexes on (…, next_due_at, number) serve it.
      const undated = {
        where:
          cursor?.k === null
            ? sql`${tickets.nextDueAt} is null and ${tickets.number} > ${cursor.n}`
            : sql`${tickets.nextDueAt} is null`,
        order: [asc(tickets.nextDueAt), asc(tickets.number)],
      };
      if (cursor?.k === null) return [undated];
      return [
        {
          where: sql`${tickets.nextDueAt} is not null and ${after(tickets.nextDueAt, '>')}`,
          order: [asc(tickets.nextDueAt), asc(tickets.number)],
        },
        undated,
      ];
    }
    case 'updated':
      return [
        { where: after(tickets.updatedAt, '<'), order: [desc(tickets.updatedAt), desc(tickets.number)] },
      ];
    case 'created':
      return [
        { where: after(tickets.createdAt, '<'), order: [desc(tickets.createdAt), desc(tickets.number)] },
      ];
  }
}

const SORT_KEY = { due: tickets.nextDueAt, updated: tickets.updatedAt, created: tickets.createdAt } as const;

export interface TicketPage {
  readonly items: TicketView[];
  readonly nextCursor: string | null;
}

/**
 * One page of tickets, in the order of `sort`.
 *
 * @example await listTickets(db, ws, { priorities: ['p1'] }, { sort: 'due', limit: 50 })
 */
export async function listTickets(
  database: Database,
  workspaceId: string,
  filters: TicketFilters,
  page: { readonly sort: TicketSort; readonly limit: number; readonly cursor?: string | undefined },
): Promise<TicketPage> {
  const cursor = page.cursor ? decodeCursor(page.cursor, page.sort) : null;
  const where = ticketConditions(workspaceId, filters);
  const rows = await database.inWorkspace(workspaceId, async (tx) => {
    const out = [];
    for (const segment of segmentsOf(page.sort, cursor)) {
      out.push(
        ...(await tx
          .select({
            ticket: getTableColumns(tickets),
            // A scalar subquery, not a join: the page is then read in index order and stops at its limit,
            // where a misestimated join (page 2 by cursor) read all open work and sorted it (5 → 43 ms).
            assigneeName: sql<
              string | null
            >`(select ${users.name} from ${users} where ${users.id} = ${tickets.assigneeId})`,
            key: exact(SORT_KEY[page.sort]),
          })
          .from(tickets)
          .where(and(...where, segment.where))
          .orderBy(...segment.order)
          .limit(page.limit + 1 - out.length)),
      );
      if (out.length > page.limit) break;
    }
    return out;
  });
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => ticketView(r.ticket, r.assigneeName)),
    nextCursor:
      rows.length > page.limit && last
        ? encodeCursor({ s: page.sort, k: last.key, n: last.ticket.number })
        : null,
  };
}

/** A ticket's row with its assignee's name, or null. */
export async function readTicketWithAssignee(
  tx: Tx,
  workspaceId: string,
  number: number,
): Promise<{ ticket: TicketRow; assigneeName: string | null } | null> {
  const [row] = await tx
    .select({ ticket: getTableColumns(tickets), assigneeName: users.name })
    .from(tickets)
    .leftJoin(users, eq(users.id, tickets.assigneeId))
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, number)))
    .limit(1);
  return row ?? null;
}

/** One ticket by number as the API shows it; null when the workspace has no such ticket. */
export async function readTicketView(
  tx: Tx,
  workspaceId: string,
  number: number,
): Promise<TicketView | null> {
  const row = await readTicketWithAssignee(tx, workspaceId, number);
  return row ? ticketView(row.ticket, row.assigneeName) : null;
}

export interface QueueView {
  readonly tier: string;
  readonly label: string;
  readonly open: number;
  readonly breached: number;
  readonly unassigned: number;
}

/** Open work per tier: the active pack's tiers in its order, then `untiered` (and tiers no longer in it). */
export async function ticketQueues(
  q: Queryable,
  workspaceId: string,
  tiers: { readonly id: string; readonly label: string }[],
  filters: TicketFilters = {},
): Promise<QueueView[]> {
  const rows = await q
    .select({
      tier: tickets.tier,
      open: sql<number>`count(*)::int`,
      breached: sql<number>`(count(*) filter (where ${tickets.breached}))::int`,
      unassigned: sql<number>`(count(*) filter (where ${tickets.assigneeId} is null))::int`,
    })
    .from(tickets)
    .where(and(...ticketConditions(workspaceId, filters)))
    .groupBy(tickets.tier);
  const byTier = new Map(rows.map((r) => [r.tier ?? 'untiered', r]));
  const counts = (id: string) => {
    const r = byTier.get(id);
    return {
      open: Number(r?.open ?? 0),
      breached: Number(r?.breached ?? 0),
      unassigned: Number(r?.unassigned ?? 0),
    };
  };
  const known = new Set(tiers.map((t) => t.id));
  return [
    ...tiers.map((t) => ({ tier: t.id, label: t.label, ...counts(t.id) })),
    { tier: 'untiered', label: 'No tier', ...counts('untiered') },
    ...[...byTier.keys()]
      .filter((id) => id !== 'untiered' && !known.has(id))
      .map((id) => ({ tier: id, label: id, ...counts(id) })),
  ];
}

/** Whether each user id is a member of the workspace; the ones that are not, for a precise error. */
export async function nonMembers(tx: Tx, workspaceId: string, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const found = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, [...userIds])));
  const known = new Set(found.map((f) => f.userId));
  return userIds.filter((id) => !known.has(id));
}
