/**
 * The post-incident review and its action items. The review opens when the incident resolves, with the
 * pack's sections (ShopSmart SOP-003: Timeline, Root Cause, Impact, What Went Well, What Went Wrong,
 * Action Items), the timeline and the impact already written from the record; it is due when the pack
 * says (T+48 h from detection). Action items are tasks with an owner and a due date that nag their owner
 * every day from the due date until done.
 */
import { and, eq, inArray, like } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { readTimeline } from '../../engine/timeline.js';
import { scheduleTimer, type ClaimedTimer } from '../../engine/timers.js';
import type { Tx } from '../../store/database.js';
import { memberships, tasks, users } from '../../store/schema.js';
import { alerts, incidentReviews, incidents, statusComponents } from '../../store/schema-incidents.js';
import type { IncidentsContext } from './context.js';
import { incidentSubject } from './mirror.js';
import { tellMember } from './tell.js';

/** SOP-003's sections, for a pack that names none. */
const DEFAULT_SECTIONS = [
  { id: 'timeline', label: 'Timeline', prompt: 'Minute-by-minute account' },
  { id: 'root-cause', label: 'Root Cause', prompt: 'Why did this happen?' },
  { id: 'impact', label: 'Impact', prompt: 'Users affected, duration' },
  { id: 'what-went-well', label: 'What Went Well', prompt: 'Positive aspects of response' },
  { id: 'what-went-wrong', label: 'What Went Wrong', prompt: 'Areas for improvement' },
  { id: 'action-items', label: 'Action Items', prompt: 'Preventive measures' },
];

/** The stages a published review completes, by the seeds' names (SOP-003 POST-MORTEM, SOP-008 LESSONS LEARNED). */
const REVIEW_STAGES = ['post-mortem', 'lessons-learned'];

export const ACTION_NAG_TIMER = 'incident.action-nag';
const NAG_EVERY_MS = 24 * 3600_000;

export function reviewSections(ep: EnginePolicy): readonly { id: string; label: string; prompt: string }[] {
  return ep.policy.pack.incidents?.review?.sections ?? DEFAULT_SECTIONS;
}

type IncidentRow = typeof incidents.$inferSelect;

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The review's first draft: the timeline, minute by minute, and the impact, from the record. */
async function draft(tx: Tx, incident: IncidentRow, ep: EnginePolicy, now: Date) {
  const entries = await readTimeline(tx, incidentSubject(incident.number));
  // People by name, not by id: `user:usr_…` → their name.
  const names = new Map(
    (
      await tx
        .select({ id: users.id, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.workspaceId, incident.workspaceId))
    ).map((u) => [`user:${u.id}`, u.name]),
  );
  const t0 = incident.detectedAt.getTime();
  const line = (atMs: number, text: string) =>
    `- T+${minutes(atMs - t0)} (${new Date(atMs).toISOString()}): ${text}`;
  const timeline: { atMs: number; text: string }[] = entries.map((e) => {
    const data = e.data as Record<string, unknown>;
    const detail = Object.entries(data)
      .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ');
    return {
      atMs: e.occurredAt.getTime(),
      text: `${e.type}${detail ? ` (${detail})` : ''} by ${names.get(e.actor) ?? e.actor}`,
    };
  });
  // The alerts that opened or joined it are the first lines of a minute-by-minute account (detection).
  const fired = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.workspaceId, incident.workspaceId), eq(alerts.incidentId, incident.id)));
  for (const a of fired) {
    timeline.push({ atMs: a.startedAt.getTime(), text: `alert fired: ${a.summary} (${a.source})` });
    if (a.resolvedAt) timeline.push({ atMs: a.resolvedAt.getTime(), text: `alert resolved: ${a.summary}` });
  }
  timeline.sort((a, b) => a.atMs - b.atMs);
  const componentNames = incident.components.length
    ? (
        await tx
          .select({ name: statusComponents.name })
          .from(statusComponents)
          .where(
            and(
              eq(statusComponents.workspaceId, incident.workspaceId),
              inArray(statusComponents.id, incident.components),
            ),
          )
      ).map((c) => c.name)
    : [];
  const resolvedAt = incident.resolvedAt ?? now;
  const impact = [
    `Severity ${incident.severity}. Detected ${incident.detectedAt.toISOString()}, resolved ${resolvedAt.toISOString()}: ${minutes(resolvedAt.getTime() - t0)}.`,
    incident.startedAt
      ? `Started ${incident.startedAt.toISOString()} (detected after ${minutes(t0 - incident.startedAt.getTime())}).`
      : '',
    componentNames.length ? `Components affected: ${componentNames.join(', ')}.` : '',
    'Users affected: (fill in)',
  ]
    .filter(Boolean)
    .join('\n');
  const sections: Record<string, string> = {};
  for (const s of reviewSections(ep)) {
    if (s.id === 'timeline') sections[s.id] = timeline.map((l) => line(l.atMs, l.text)).join('\n');
    else if (s.id === 'impact') sections[s.id] = impact;
    else sections[s.id] = '';
  }
  return sections;
}

/** When the review is due: the pack's `review.within` from its anchor (detection by default). */
function dueOf(ep: EnginePolicy, incident: IncidentRow): Date | null {
  const within = ep.policy.pack.incidents?.review?.within;
  if (!within || !('within' in within)) return null;
  const since = within.since ?? 'detected';
  const anchor = since === 'resolved' ? incident.resolvedAt : incident.detectedAt;
  return anchor ? new Date(anchor.getTime() + within.within) : null;
}

/** Opens the review of a resolved incident, once (a reopened and re-resolved incident keeps its draft). */
export async function openReviewIn(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
  incidentId: string,
  now: Date,
): Promise<void> {
  const [incident] = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
  if (!incident) return;
  const { ep } = await ctx.engine.policyFor(tx, workspaceId, incidentSubject(incident.number));
  await tx
    .insert(incidentReviews)
    .values({
      workspaceId,
      incidentId,
      sections: await draft(tx, incident, ep, now),
      dueAt: dueOf(ep, incident),
      updatedAt: now,
    })
    .onConflictDoNothing();
}

export async function readReview(tx: Tx, workspaceId: string, incidentId: string) {
  const [row] = await tx
    .select()
    .from(incidentReviews)
    .where(and(eq(incidentReviews.workspaceId, workspaceId), eq(incidentReviews.incidentId, incidentId)));
  return row ?? null;
}

/** Saves sections of the review (a draft, or a published review being corrected). */
export async function saveReview(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  sections: Readonly<Record<string, string>>,
  publish: boolean,
  actor: string,
): Promise<void> {
  await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const review = await readReview(tx, workspaceId, incidentId);
    if (!review)
      throw new OpsError('OPS_CONFLICT', 'the review opens when the incident is resolved; resolve it first');
    const [incident] = await tx
      .select()
      .from(incidents)
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
    const { ep } = await ctx.engine.policyFor(tx, workspaceId, incidentSubject(incident!.number));
    const known = reviewSections(ep).map((s) => s.id);
    const unknown = Object.keys(sections).filter((k) => !known.includes(k));
    if (unknown.length)
      throw new OpsError('OPS_VALIDATION', `unknown review section ${unknown.join(', ')}`, [
        { pointer: `/body/sections/${unknown[0]}`, message: `the sections are ${known.join(', ')}` },
      ]);
    const now = ctx.now();
    const merged = { ...review.sections, ...sections };
    if (publish) {
      const empty = known.filter((k) => !(merged[k] ?? '').trim());
      if (empty.length)
        throw new OpsError('OPS_VALIDATION', `the review cannot be published with empty sections`, [
          ...empty.map((k) => ({ pointer: `/body/sections/${k}`, message: 'write this section first' })),
        ]);
    }
    await tx
      .update(incidentReviews)
      .set({
        sections: merged,
        updatedAt: now,
        ...(publish && review.status !== 'published'
          ? { status: 'published' as const, publishedAt: now, publishedBy: actor }
          : {}),
      })
      .where(and(eq(incidentReviews.workspaceId, workspaceId), eq(incidentReviews.incidentId, incidentId)));
    if (publish && review.status !== 'published') {
      const stages = [
        ...(ep.policy.pack.incidents?.stages ?? []),
        ...(ep.policy.pack.incidents?.playbooks ?? []).flatMap((p) => p.stages),
      ].map((s) => s.id);
      for (const stage of REVIEW_STAGES.filter((s) => stages.includes(s)))
        await ctx.engine.handleIn(tx, workspaceId, {
          type: 'incident.stage',
          subject: incidentSubject(incident!.number),
          data: { stage },
          actor,
        });
    }
  });
}

export interface ActionItemInput {
  readonly title: string;
  readonly ownerId: string;
  readonly dueAt: Date;
}

const actionKeyPrefix = (incidentId: string) => `incident:${incidentId}:action:`;

/** Adds an action item: a task for its owner, nagging from its due date until done. */
export async function addActionItem(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  input: ActionItemInput,
  actor: string,
): Promise<{ id: string }> {
  return ctx.database.inWorkspace(workspaceId, async (tx) => {
    const [incident] = await tx
      .select({ number: incidents.number })
      .from(incidents)
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
    if (!incident)
      throw new OpsError('OPS_NOT_FOUND', `incident ${incidentId} does not exist in this workspace`);
    const [member] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, input.ownerId)));
    if (!member)
      throw new OpsError('OPS_VALIDATION', 'the owner is not a member of this workspace', [
        { pointer: '/body/ownerId', message: 'choose a member of the workspace as the owner' },
      ]);
    const now = ctx.now();
    const id = newId('tsk', now.getTime());
    await tx.insert(tasks).values({
      id,
      workspaceId,
      key: `${actionKeyPrefix(incidentId)}${id}`,
      title: input.title,
      detail: `Action item of INC-${incident.number}, added by ${actor}`,
      subject: incidentSubject(incident.number),
      assignee: `user:${input.ownerId}`,
      dueAt: input.dueAt,
      createdAt: now,
    });
    await scheduleTimer(tx, workspaceId, {
      key: `action:${id}`,
      kind: ACTION_NAG_TIMER,
      subject: incidentSubject(incident.number),
      runAt: input.dueAt,
      payload: { task: id, nag: 1 },
    });
    return { id };
  });
}

export async function listActionItems(tx: Tx, workspaceId: string, incidentId: string) {
  return tx
    .select()
    .from(tasks)
    .where(and(eq(tasks.workspaceId, workspaceId), like(tasks.key, `${actionKeyPrefix(incidentId)}%`)))
    .orderBy(tasks.dueAt);
}

/** Marks an action item done (its nags stop). */
export async function completeActionItem(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  taskId: string,
): Promise<void> {
  await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const done = await tx
      .update(tasks)
      .set({ status: 'done', completedAt: ctx.now() })
      .where(
        and(
          eq(tasks.workspaceId, workspaceId),
          eq(tasks.id, taskId),
          like(tasks.key, `${actionKeyPrefix(incidentId)}%`),
        ),
      )
      .returning({ id: tasks.id });
    if (done.length === 0) throw new OpsError('OPS_NOT_FOUND', `no action item ${taskId} on this incident`);
    await scheduleTimer(tx, workspaceId, {
      key: `action:${taskId}`,
      kind: ACTION_NAG_TIMER,
      subject: '',
      runAt: new Date(0),
      mode: 'cancel',
    });
  });
}

/**
 * The nag: while the action item is open, its owner is told (in-app and email, through the notification
 * lane) at its due date and every day after; each nag has its own idempotency key, so a repeated timer
 * tells nobody twice.
 */
export async function actionNagHandler(
  tx: Tx,
  timer: ClaimedTimer,
  context?: { now: Date | null },
): Promise<void> {
  const taskId = typeof timer.payload.task === 'string' ? timer.payload.task : '';
  const nag = Number(timer.payload.nag ?? 1);
  const [task] = await tx
    .select()
    .from(tasks)
    .where(and(eq(tasks.workspaceId, timer.workspaceId), eq(tasks.id, taskId)));
  if (!task || task.status !== 'open') return;
  if (task.assignee.startsWith('user:'))
    await tellMember(tx, timer.workspaceId, task.assignee.slice('user:'.length), {
      key: `action:${taskId}:nag:${nag}`,
      subject: `Overdue action item: ${task.title}`,
      text: `${task.title}\n\n${task.detail}. It was due ${task.dueAt?.toISOString() ?? ''}; mark it done in the incident room when it is.`,
      record: task.subject,
    });
  const from = context?.now?.getTime() ?? timer.runAt.getTime();
  await scheduleTimer(tx, timer.workspaceId, {
    key: `action:${taskId}`,
    kind: ACTION_NAG_TIMER,
    subject: task.subject,
    runAt: new Date(Math.max(from, timer.runAt.getTime()) + NAG_EVERY_MS),
    payload: { task: taskId, nag: nag + 1 },
  });
}
