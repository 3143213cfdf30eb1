/**
 * Paging (issue 8): an incident's escalation policies run until someone acknowledges. Each policy that
 * applies to the incident's severity gets a page (one row per incident and policy); step 0's targets are
 * paged at once, and a durable timer wakes the page after the step's delay to page the next step. After
 * the last step the policy runs again `repeat` times; then the page is exhausted and the workspace's owners
 * are told. A step that resolves to nobody (no one on call, a role nobody holds) is skipped at once, not
 * waited out. Acknowledging stops every page of the incident (MTTA is the page's acknowledgedAt); resolving
 * stops them too.
 *
 * How a person is paged is paging-messages.ts (the pack's route for the severity, through the notify lane).
 * Everything is recorded in the page's `log` and on the incident's timeline (`incident:<number>`), in the
 * caller's transaction.
 *
 * Exactly once: every outbox row's key starts `page:<pageId>:<pass>:<step>:<user>`, and the timer carries
 * the (pass, step) it was set for: a late or repeated timer for a step already passed does nothing.
 */
import { and, eq, sql } from 'drizzle-orm';
import { resolveRecipients } from '../../core/notify/recipients.js';
import { enqueueMessages } from '../../engine/outbox.js';
import { appendTimeline } from '../../engine/timeline.js';
import { cancelTimer, scheduleTimer, type ClaimedTimer } from '../../engine/timers.js';
import type { FireContext } from '../../engine/worker.js';
import type { Policy } from '../../packs/compile.js';
import { newId } from '../../shared/ids.js';
import { rowsOf, type Tx } from '../../store/database.js';
import { escalationPolicies, incidents, pages, type EscalationStep } from '../../store/schema-incidents.js';
import { directoryOf, governingPolicy } from '../notifications/directory.js';
import { policiesIn, policyIn, type EscalationPolicyRow } from './escalation-policies.js';
import {
  exhaustedMessages,
  keyPartOf,
  pageMessages,
  subjectOf,
  type PagedIncident,
  type Position,
} from './paging-messages.js';

export type { PagedIncident, Position } from './paging-messages.js';

/** The timer kind of a page waiting for its next step (worker `timerHandlers`). */
export const PAGE_TIMER = 'page';
const ACTOR = 'system:paging';

export type PageRow = typeof pages.$inferSelect;
type PageLog = PageRow['log'];

/** The step after `at`: the next one, else step 0 of the next pass, else none (the page is exhausted). */
export function nextPosition(at: Position, steps: number, repeat: number): Position | null {
  if (at.step + 1 < steps) return { pass: at.pass, step: at.step + 1 };
  return at.pass < repeat ? { pass: at.pass + 1, step: 0 } : null;
}

const timerKey = (pageId: string) => `page:${pageId}`;

async function dbNow(tx: Tx): Promise<Date> {
  const [row] = rowsOf<{ now: Date | string }>(await tx.execute(sql`select statement_timestamp() as now`));
  return new Date(row?.now ?? 0);
}

interface WalkContext {
  readonly tx: Tx;
  readonly workspaceId: string;
  readonly incident: PagedIncident;
  readonly policy: EscalationPolicyRow;
  readonly pack: Policy | null;
  readonly now: Date;
}

/**
 * Pages from `from` on: a step that resolves to nobody is logged as skipped and the next is tried at once;
 * the first step with someone is paged and the timer set for its delay; past the end, the page is exhausted.
 */
async function walk(c: WalkContext, page: PageRow, from: Position | null): Promise<PageRow> {
  const { tx, workspaceId, policy, incident, now } = c;
  const directory = await directoryOf(tx, workspaceId, c.pack, {}, now.getTime());
  const log: PageLog = [...page.log];
  for (let at = from; at; at = nextPosition(at, policy.steps.length, policy.repeat)) {
    const step: EscalationStep | undefined = policy.steps[at.step];
    const resolved = resolveRecipients(directory, step?.targets ?? []);
    const entry = { page: page.id, policy: policy.id, pass: at.pass, step: at.step };
    if (resolved.addressees.length === 0) {
      log.push({ step: at.step, pass: at.pass, users: [], at: now.toISOString(), skipped: true });
      await timeline(c, 'page.skipped', { ...entry, targets: step?.targets ?? [], why: resolved.unresolved });
      continue;
    }
    const users = resolved.addressees.map(keyPartOf);
    await enqueueMessages(
      tx,
      workspaceId,
      pageMessages({ ...c, policyId: policy.id, pageId: page.id, at, people: resolved.addressees }),
    );
    log.push({ step: at.step, pass: at.pass, users, at: now.toISOString() });
    await timeline(c, 'page.paged', {
      ...entry,
      users,
      ...(resolved.unresolved.length ? { unresolved: resolved.unresolved } : {}),
    });
    await scheduleTimer(tx, workspaceId, {
      key: timerKey(page.id),
      kind: PAGE_TIMER,
      subject: subjectOf(incident),
      runAt: new Date(now.getTime() + (step?.delayMinutes ?? 0) * 60_000),
      payload: { pageId: page.id, pass: at.pass, step: at.step },
    });
    return savePage(tx, workspaceId, page.id, { step: at.step, pass: at.pass, log });
  }
  const owners = (await directoryOf(tx, workspaceId, null, {})).members.filter((m) => m.role === 'owner');
  await enqueueMessages(tx, workspaceId, exhaustedMessages({ ...c, pageId: page.id, owners }));
  await timeline(c, 'page.exhausted', {
    page: page.id,
    policy: policy.id,
    owners: owners.map((o) => o.userId),
  });
  return savePage(tx, workspaceId, page.id, { status: 'exhausted', log });
}

async function savePage(
  tx: Tx,
  workspaceId: string,
  pageId: string,
  set: Partial<PageRow>,
): Promise<PageRow> {
  const [row] = await tx
    .update(pages)
    .set(set)
    .where(and(eq(pages.workspaceId, workspaceId), eq(pages.id, pageId)))
    .returning();
  return row!;
}

async function timeline(c: WalkContext, type: string, data: Record<string, unknown>): Promise<void> {
  await appendTimeline(c.tx, c.workspaceId, {
    subject: subjectOf(c.incident),
    type,
    actor: ACTOR,
    data,
    occurredAt: c.now,
  });
}

/**
 * Starts paging for a newly declared incident, in the declaring transaction: every policy for its severity
 * (or for all severities) gets a page. Starting again for the same incident changes nothing.
 */
export async function startPagingIn(
  tx: Tx,
  workspaceId: string,
  incident: PagedIncident,
  now: Date,
): Promise<PageRow[]> {
  const policies = (await policiesIn(tx, workspaceId)).filter(
    (p) => p.severities.length === 0 || p.severities.includes(incident.severity),
  );
  if (policies.length === 0) {
    await appendTimeline(tx, workspaceId, {
      subject: subjectOf(incident),
      type: 'page.none',
      actor: ACTOR,
      data: { severity: incident.severity, why: 'no escalation policy pages for this severity' },
      occurredAt: now,
    });
    return [];
  }
  const pack = await governingPolicy(tx, workspaceId, null);
  const started: PageRow[] = [];
  for (const policy of policies) {
    const [page] = await tx
      .insert(pages)
      .values({
        id: newId('pg', now.getTime()),
        workspaceId,
        incidentId: incident.id,
        policyId: policy.id,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!page) continue;
    const c: WalkContext = { tx, workspaceId, incident, policy, pack, now };
    await timeline(c, 'page.started', { page: page.id, policy: policy.id, name: policy.name });
    started.push(await walk(c, page, { pass: 0, step: 0 }));
  }
  return started;
}

/** The pages of an incident still paging, locked for the rest of the transaction. */
async function triggeredPages(tx: Tx, workspaceId: string, incidentId: string): Promise<PageRow[]> {
  return tx
    .select()
    .from(pages)
    .where(
      and(
        eq(pages.workspaceId, workspaceId),
        eq(pages.incidentId, incidentId),
        eq(pages.status, 'triggered'),
      ),
    )
    .for('update');
}

/**
 * Someone acknowledged the incident: its pages stop, recording who and when (MTTA: acknowledgedAt minus the
 * page's createdAt). Returns the pages it stopped (none when nothing was paging).
 */
export async function acknowledgePageIn(
  tx: Tx,
  workspaceId: string,
  incidentId: string,
  /** A user id, or an actor (`user:<id>`, `token:<id>`: an API token acknowledging for a tool). */
  userId: string,
  now: Date,
): Promise<PageRow[]> {
  const open = await triggeredPages(tx, workspaceId, incidentId);
  if (open.length === 0) return [];
  const by = userId.startsWith('user:') ? userId.slice('user:'.length) : userId;
  const actor = by.includes(':') ? by : `user:${by}`;
  const [incident] = await tx
    .select({ number: incidents.number })
    .from(incidents)
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
  const done: PageRow[] = [];
  for (const page of open) {
    await cancelTimer(tx, workspaceId, timerKey(page.id));
    done.push(
      await savePage(tx, workspaceId, page.id, {
        status: 'acknowledged',
        acknowledgedBy: by,
        acknowledgedAt: now,
      }),
    );
    if (incident)
      await appendTimeline(tx, workspaceId, {
        subject: subjectOf(incident),
        type: 'page.acknowledged',
        actor,
        data: {
          page: page.id,
          policy: page.policyId,
          by,
          afterMs: now.getTime() - page.createdAt.getTime(),
        },
        occurredAt: now,
      });
  }
  return done;
}

/** The incident was resolved: its pages still paging stop (status `resolved`); acknowledged ones stay so. */
export async function stopPagingIn(
  tx: Tx,
  workspaceId: string,
  incidentId: string,
  now: Date,
): Promise<PageRow[]> {
  const open = await triggeredPages(tx, workspaceId, incidentId);
  if (open.length === 0) return [];
  const [incident] = await tx
    .select({ number: incidents.number })
    .from(incidents)
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
  const done: PageRow[] = [];
  for (const page of open) {
    await cancelTimer(tx, workspaceId, timerKey(page.id));
    done.push(await savePage(tx, workspaceId, page.id, { status: 'resolved' }));
    if (incident)
      await appendTimeline(tx, workspaceId, {
        subject: subjectOf(incident),
        type: 'page.stopped',
        actor: ACTOR,
        data: { page: page.id, policy: page.policyId, why: 'resolved' },
        occurredAt: now,
      });
  }
  return done;
}

/** An incident's pages, oldest first. */
export async function pagesOfIncident(tx: Tx, workspaceId: string, incidentId: string): Promise<PageRow[]> {
  return tx
    .select()
    .from(pages)
    .where(and(eq(pages.workspaceId, workspaceId), eq(pages.incidentId, incidentId)))
    .orderBy(pages.createdAt, pages.id);
}

/**
 * The page timer's handler: the step's delay ran out without an acknowledgement, so the next step is paged.
 * A timer for a (pass, step) the page has moved past, or for a page no longer paging, does nothing.
 */
export async function pageTimerHandler(tx: Tx, timer: ClaimedTimer, context?: FireContext): Promise<void> {
  const { pageId, pass, step } = timer.payload as { pageId?: unknown; pass?: unknown; step?: unknown };
  if (typeof pageId !== 'string') return;
  const [page] = await tx
    .select()
    .from(pages)
    .where(and(eq(pages.workspaceId, timer.workspaceId), eq(pages.id, pageId)))
    .for('update');
  if (!page || page.status !== 'triggered' || page.pass !== pass || page.step !== step) return;
  const now = context?.now ?? (await dbNow(tx));
  const [row] = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.workspaceId, timer.workspaceId), eq(incidents.id, page.incidentId)));
  const policy = await policyIn(tx, timer.workspaceId, page.policyId);
  if (!row || row.resolvedAt || row.acknowledgedAt || !policy) {
    // Resolved or acknowledged without telling paging (or the policy went): nothing more to page.
    await savePage(
      tx,
      timer.workspaceId,
      page.id,
      row?.acknowledgedAt && !row.resolvedAt
        ? { status: 'acknowledged', acknowledgedAt: row.acknowledgedAt }
        : { status: 'resolved' },
    );
    return;
  }
  const incident: PagedIncident = {
    id: row.id,
    number: row.number,
    severity: row.severity,
    title: row.title,
    restricted: row.restricted,
  };
  const pack = await governingPolicy(tx, timer.workspaceId, null);
  const c: WalkContext = { tx, workspaceId: timer.workspaceId, incident, policy, pack, now };
  await walk(c, page, nextPosition(page, policy.steps.length, policy.repeat));
}

/** A page with its incident's number and its policy's name; null when there is no such page. */
export async function pageById(
  tx: Tx,
  workspaceId: string,
  pageId: string,
): Promise<{ page: PageRow; incidentNumber: number; policyName: string | null } | null> {
  const [row] = await tx
    .select({ page: pages, incidentNumber: incidents.number, policyName: escalationPolicies.name })
    .from(pages)
    .innerJoin(
      incidents,
      and(eq(incidents.workspaceId, pages.workspaceId), eq(incidents.id, pages.incidentId)),
    )
    .leftJoin(
      escalationPolicies,
      and(eq(escalationPolicies.workspaceId, pages.workspaceId), eq(escalationPolicies.id, pages.policyId)),
    )
    .where(and(eq(pages.workspaceId, workspaceId), eq(pages.id, pageId)));
  return row ?? null;
}
