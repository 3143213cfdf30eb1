/**
 * My work: everything due for one person today (in the workspace's zone) or overdue, across the records
 * (the issue: "every item due for me today across checklists, tickets, incidents and journeys"):
 *
 * - open checklist items of open runs whose owner is the person's role or the person (my-work-rules.ts);
 * - open tasks for them or their role: a journey's step ("Day 3 Call"), a rule's task, an action item;
 * - tickets assigned to them with a running SLA clock due (`next_due_at`, the earliest running clock);
 * - open incidents in which they hold a command role, with a stage deadline due.
 *
 * Work with no due instant (a one-off checklist's step without a `due` offset) is not "due today" and is
 * left to the record's own page. At most LIMIT entries of each kind, the most overdue first.
 */
import { and, asc, eq, inArray, isNull, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../store/database.js';
import { memberships, tasks, tickets, workspaces } from '../../store/schema.js';
import { incidents } from '../../store/schema-incidents.js';
import { checklistItems, checklistRuns } from '../../store/schema-work.js';
import {
  arrange,
  dayOf,
  heldRecipients,
  linkOf,
  recipientsOf,
  takesUnowned,
  type Person,
  type WorkEntry,
} from './my-work-rules.js';

const LIMIT = 200;

export interface MyWork {
  readonly timeZone: string;
  readonly today: { readonly start: Date; readonly end: Date };
  readonly items: ReturnType<typeof arrange>;
}

/** The person's work due by the end of their workspace's day, as of `now`. */
export async function myWork(tx: Tx, workspaceId: string, person: Person, now: Date): Promise<MyWork> {
  const [ws] = await tx
    .select({ timeZone: workspaces.timeZone })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const timeZone = ws?.timeZone ?? 'UTC';
  const { startMs, endMs } = dayOf(now.getTime(), timeZone);
  const end = new Date(endMs);
  const roles = await tx
    .selectDistinct({ role: memberships.role })
    .from(memberships)
    .where(eq(memberships.workspaceId, workspaceId));
  const held = heldRecipients(roles.map((r) => r.role));
  const entries = [
    ...(await checklistWork(tx, workspaceId, person, held, end)),
    ...(await taskWork(tx, workspaceId, person, held, end)),
    ...(await ticketWork(tx, workspaceId, person, end)),
    ...(await incidentWork(tx, workspaceId, person, end)),
  ];
  return {
    timeZone,
    today: { start: new Date(startMs), end },
    items: arrange(entries, now.getTime(), endMs),
  };
}

/** Who the work is for, as SQL on a recipient column (see isMine in my-work-rules.ts). */
function forPerson(
  column: typeof checklistItems.owner | typeof tasks.assignee,
  person: Person,
  held: string[],
) {
  const mine: SQL[] = [inArray(column, recipientsOf(person))];
  if (takesUnowned(person)) {
    const unheld = and(
      sql`${column} ~ '^(role|tier):'`,
      held.length > 0 ? notInArray(column, held) : undefined,
    );
    mine.push(column === checklistItems.owner ? or(isNull(column), unheld)! : unheld!);
  }
  return or(...mine)!;
}

async function checklistWork(tx: Tx, ws: string, person: Person, held: string[], end: Date) {
  const rows = await tx
    .select({
      runId: checklistItems.runId,
      item: checklistItems.item,
      text: checklistItems.text,
      owner: checklistItems.owner,
      evidence: checklistItems.evidenceKind,
      dueAt: checklistItems.dueAt,
      label: checklistRuns.label,
      subject: checklistRuns.subject,
    })
    .from(checklistItems)
    .innerJoin(checklistRuns, eq(checklistRuns.id, checklistItems.runId))
    .where(
      and(
        eq(checklistItems.workspaceId, ws),
        eq(checklistRuns.status, 'open'),
        eq(checklistItems.status, 'open'),
        lte(checklistItems.dueAt, end),
        // Given to the person, or theirs by the owner's role.
        or(
          eq(checklistItems.assignee, `user:${person.userId}`),
          forPerson(checklistItems.owner, person, held),
        ),
      ),
    )
    .orderBy(asc(checklistItems.dueAt))
    .limit(LIMIT);
  return rows.map((r): WorkEntry => ({
    kind: 'checklist-item',
    id: `${r.runId}/${r.item}`,
    title: r.text,
    detail: r.label,
    dueMs: r.dueAt!.getTime(),
    link: `/checklists/${r.runId}`,
    subject: r.subject,
    checklist: { runId: r.runId, item: r.item, evidence: r.evidence, owner: r.owner },
  }));
}

async function taskWork(tx: Tx, ws: string, person: Person, held: string[], end: Date) {
  const rows = await tx
    .select({
      id: tasks.id,
      title: tasks.title,
      detail: tasks.detail,
      subject: tasks.subject,
      dueAt: tasks.dueAt,
    })
    .from(tasks)
    .where(
      and(
        eq(tasks.workspaceId, ws),
        eq(tasks.status, 'open'),
        lte(tasks.dueAt, end),
        forPerson(tasks.assignee, person, held),
      ),
    )
    .orderBy(asc(tasks.dueAt))
    .limit(LIMIT);
  return rows.map((r): WorkEntry => ({
    kind: 'task',
    id: r.id,
    title: r.title,
    detail: r.detail,
    dueMs: r.dueAt!.getTime(),
    link: linkOf(r.subject),
    subject: r.subject,
  }));
}

async function ticketWork(tx: Tx, ws: string, person: Person, end: Date) {
  const rows = await tx
    .select({
      number: tickets.number,
      title: tickets.title,
      priority: tickets.priority,
      due: tickets.nextDueAt,
    })
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, ws),
        eq(tickets.assigneeId, person.userId),
        notInArray(tickets.status, ['resolved', 'closed']),
        lte(tickets.nextDueAt, end),
      ),
    )
    .orderBy(asc(tickets.nextDueAt))
    .limit(LIMIT);
  return rows.map((r): WorkEntry => ({
    kind: 'ticket',
    id: String(r.number),
    title: `#${r.number} ${r.title}`,
    detail: `${r.priority.toUpperCase()}: the next SLA clock falls due`,
    dueMs: r.due!.getTime(),
    link: linkOf(`ticket:${r.number}`),
    subject: `ticket:${r.number}`,
  }));
}

async function incidentWork(tx: Tx, ws: string, person: Person, end: Date) {
  const rows = await tx
    .select({
      number: incidents.number,
      title: incidents.title,
      severity: incidents.severity,
      roles: incidents.roles,
      due: incidents.nextDueAt,
    })
    .from(incidents)
    .where(
      and(
        eq(incidents.workspaceId, ws),
        isNull(incidents.resolvedAt),
        lte(incidents.nextDueAt, end),
        sql`exists (select 1 from jsonb_each_text(${incidents.roles}) r where r.value = ${person.userId})`,
      ),
    )
    .orderBy(asc(incidents.nextDueAt))
    .limit(LIMIT);
  return rows.map((r): WorkEntry => {
    const held = Object.entries(r.roles)
      .filter(([, user]) => user === person.userId)
      .map(([role]) => role);
    return {
      kind: 'incident',
      id: String(r.number),
      title: `INC-${r.number} ${r.title}`,
      detail: `${r.severity.toUpperCase()}, you are ${held.join(' and ')}: a stage deadline falls due`,
      dueMs: r.due!.getTime(),
      link: linkOf(`incident:${r.number}`),
      subject: `incident:${r.number}`,
    };
  });
}
