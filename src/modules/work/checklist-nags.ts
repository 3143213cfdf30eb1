/**
 * Nagging and escalating overdue checklist items (rules in checklist-nag-rules.ts). Durable without a table
 * of its own: each run with a due item has one engine wake-up on its record (`<subject>:checklist-nag:<run>`,
 * kind `engine.wake`, so the worker the engine already has fires it), set when the run opens and moved to
 * the next instant each time it fires. The wake-up decides the record as any timer does, and the checklist
 * observer (checklist-open.ts) then sends what fell due, in the same transaction: an in-app notification
 * and an email to each person meant, under an idempotency key per run, stage, due instant and person, so
 * a wake-up repeated (a retried transaction, a timer set twice) tells nobody twice. Each nag and escalation
 * that told someone lands on the record's timeline.
 */
import { and, asc, eq } from 'drizzle-orm';
import { resolveRecipients } from '../../core/notify/recipients.js';
import { ENGINE_TIMER } from '../../engine/decided.js';
import { enqueueMessages, type MessageInput } from '../../engine/outbox.js';
import { appendTimeline } from '../../engine/timeline.js';
import { cancelTimer, scheduleTimers, type TimerInput } from '../../engine/timers.js';
import type { Tx } from '../../store/database.js';
import { checklistItems, checklistRuns } from '../../store/schema-work.js';
import { directoryOf, governingPolicy } from '../notifications/directory.js';
import { nagKey, nagsDue, nextNagMs, type NagGroup, type NagItem } from './checklist-nag-rules.js';

/** The engine wake-up's name prefix: `checklist-nag:<run id>`. */
export const NAG_WAKE = 'checklist-nag:';

/** Who is told when nobody holds the role meant, or a checklist names no owner to escalate to. */
const FALLBACK = ['role:owner', 'role:admin'];

/** The wake-up of a run's next nag. */
export const nagTimer = (subject: string, runId: string, atMs: number): TimerInput => ({
  key: `${subject}:${NAG_WAKE}${runId}`,
  kind: ENGINE_TIMER,
  subject,
  runAt: new Date(atMs),
  payload: { name: `${NAG_WAKE}${runId}` },
});

/** Sets the first nag of newly opened runs (those with an item due). */
export async function armNags(
  tx: Tx,
  workspaceId: string,
  runs: readonly { readonly id: string; readonly subject: string; readonly firstDueMs: number | null }[],
): Promise<void> {
  const timers = runs.flatMap((r) =>
    r.firstDueMs !== null ? [nagTimer(r.subject, r.id, r.firstDueMs)] : [],
  );
  if (timers.length > 0) await scheduleTimers(tx, workspaceId, timers);
}

/** A completed run is nagged no more. */
export async function disarmNags(tx: Tx, workspaceId: string, subject: string, runId: string) {
  await cancelTimer(tx, workspaceId, `${subject}:${NAG_WAKE}${runId}`);
}

/**
 * Sends the nags and escalations of run `runId` that fell due by `nowMs` and sets its next wake-up. A run
 * that is gone or completed is left alone.
 */
export async function nagRun(tx: Tx, workspaceId: string, runId: string, nowMs: number): Promise<void> {
  const [run] = await tx
    .select()
    .from(checklistRuns)
    .where(and(eq(checklistRuns.workspaceId, workspaceId), eq(checklistRuns.id, runId)));
  if (!run || run.status !== 'open') return;
  const rows = await tx
    .select()
    .from(checklistItems)
    .where(and(eq(checklistItems.workspaceId, workspaceId), eq(checklistItems.runId, runId)))
    .orderBy(asc(checklistItems.position));
  const policy = await governingPolicy(tx, workspaceId, run.packHash);
  const packItems = policy?.checklists[run.checklist]?.items ?? [];
  const items: NagItem[] = rows.map((r) => ({
    item: r.item,
    text: r.text,
    owner: r.owner,
    dueMs: r.dueAt?.getTime() ?? null,
    offsetMs: packItems.find((i) => i.id === r.item)?.due ?? null,
    status: r.status,
  }));
  const groups = nagsDue(items, nowMs);
  if (groups.length > 0) {
    const directory = await directoryOf(tx, workspaceId, policy, {}, nowMs);
    const checklistOwner = policy?.checklists[run.checklist]?.owner ?? null;
    for (const group of groups) {
      const to = group.stage === 'due' ? group.owner : checklistOwner !== group.owner ? checklistOwner : null;
      const people = peopleFor(directory, to);
      const told = await tell(tx, workspaceId, run, group, people);
      if (told.length > 0)
        await appendTimeline(tx, workspaceId, {
          subject: run.subject,
          type: group.stage === 'due' ? 'checklist.nagged' : 'checklist.escalated',
          actor: 'engine',
          data: {
            run: run.id,
            checklist: run.checklist,
            items: group.items.map((i) => i.item).join(', '),
            due: new Date(group.dueMs).toISOString(),
            to: to ?? FALLBACK.join(', '),
            people: told.length,
          },
          occurredAt: new Date(nowMs),
        });
    }
  }
  const next = nextNagMs(items, nowMs);
  if (next !== null) await scheduleTimers(tx, workspaceId, [nagTimer(run.subject, run.id, next)]);
}

type Directory = Awaited<ReturnType<typeof directoryOf>>;

/** The members `to` means (the workspace's owners and admins when it means nobody, or is null). */
function peopleFor(directory: Directory, to: string | null) {
  const pick = (recipients: readonly string[]) =>
    resolveRecipients(directory, recipients).addressees.filter((a) => a.userId !== undefined);
  const meant = to ? pick([to]) : [];
  const people = meant.length > 0 ? meant : pick(FALLBACK);
  return [...new Map(people.map((p) => [p.userId!, p])).values()];
}

/** Records the in-app notification and email of each person; returns the user ids newly told. */
async function tell(
  tx: Tx,
  workspaceId: string,
  run: typeof checklistRuns.$inferSelect,
  group: NagGroup,
  people: ReturnType<typeof peopleFor>,
): Promise<string[]> {
  const due = new Date(group.dueMs).toISOString();
  const count = group.items.length === 1 ? '1 item' : `${group.items.length} items`;
  const subject =
    group.stage === 'due'
      ? `Due: ${run.label} (${count})`
      : `Overdue, escalated: ${run.label} (${count} not done)`;
  const lines = group.items.map((i) => `- ${i.text}`).join('\n');
  const text =
    group.stage === 'due'
      ? `${run.label}, due ${due}:\n${lines}\n\nTick them off in Opsbook, under My work.`
      : `${run.label} was due ${due} and is still open (owner: ${group.owner ?? 'nobody in particular'}):\n${lines}`;
  const context = { subject: run.subject, eventType: 'notify' };
  const messages: MessageInput[] = people.flatMap((p) => {
    const key = nagKey(run.id, group, p.userId!);
    const base = { subject, text, automatic: true, context, userId: p.userId };
    return [
      {
        idempotencyKey: `${key}:in-app`,
        channel: 'in-app',
        recipient: `user:${p.userId}`,
        payload: { to: p.userId, ...base },
      },
      ...(p.email
        ? [
            {
              idempotencyKey: `${key}:email`,
              channel: 'email',
              recipient: p.email,
              payload: { to: p.email, ...(p.name ? { name: p.name } : {}), ...base },
            },
          ]
        : []),
    ];
  });
  if (messages.length === 0) return [];
  const created = await enqueueMessages(tx, workspaceId, messages);
  return people
    .filter((p) => created.has(`${nagKey(run.id, group, p.userId!)}:in-app`))
    .map((p) => p.userId!);
}
