/**
 * An account's timeline (issue 9): everything that happened to it and its people, oldest first — its own
 * lifecycle and journey events (`account:<id>`), each registered contact's (`user:<id>`: journey steps,
 * survey answers; imported contacts that never signed up have none), and its tickets' (`ticket:<n>`: messages, notices of incidents linked to them).
 */
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Queryable } from '../../store/database.js';
import { timelineEvents, tickets } from '../../store/schema.js';
import { accountSubject, getAccount } from './accounts.js';
import { registeredContacts } from './contacts.js';

export interface AccountTimelineEntry {
  readonly id: number;
  readonly subject: string;
  readonly type: string;
  readonly actor: string;
  readonly data: Record<string, unknown>;
  readonly at: string;
}

export async function accountTimeline(
  q: Queryable,
  workspaceId: string,
  accountId: string,
  options: { readonly afterId?: number; readonly limit: number },
): Promise<{ items: AccountTimelineEntry[]; next: number | null }> {
  await getAccount(q, workspaceId, accountId);
  const contacts = await registeredContacts(q, workspaceId, accountId);
  const ticketRows = await q
    .select({ number: tickets.number })
    .from(tickets)
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.account, accountId)));
  const subjects = [
    accountSubject(accountId),
    ...contacts.map((c) => `user:${c.id}`),
    ...ticketRows.map((t) => `ticket:${t.number}`),
  ];
  const rows = await q
    .select()
    .from(timelineEvents)
    .where(
      and(
        eq(timelineEvents.workspaceId, workspaceId),
        inArray(timelineEvents.subject, subjects),
        gt(timelineEvents.id, options.afterId ?? 0),
      ),
    )
    .orderBy(asc(timelineEvents.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      subject: r.subject,
      type: r.type,
      actor: r.actor,
      data: r.data as Record<string, unknown>,
      at: r.occurredAt.toISOString(),
    })),
    next: rows.length > options.limit ? page[page.length - 1]!.id : null,
  };
}
