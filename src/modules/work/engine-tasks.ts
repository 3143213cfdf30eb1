/**
 * The tasks a pack gives people (a journey's `task` action: ShopSmart's "Day 3 Call | CSM | T+72h" with its
 * Hindi call script, the NPS passive's "Understand what's missing"; a lifecycle's or a rule's task) become
 * rows of the workspace's task list in the deciding transaction, keyed by the effect, so a decision run
 * again raises nothing twice. Someone marks one done with a note (the call's notes: "Update CRM notes");
 * that is recorded on the subject's timeline.
 */
import { and, eq } from 'drizzle-orm';
import type { Effect } from '../../core/decide/types.js';
import type { SubjectObserver } from '../../engine/engine.js';
import { appendTimeline } from '../../engine/timeline.js';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { tasks } from '../../store/schema.js';

type TaskEffect = Extract<Effect, { type: 'task' }>;

/** Where the task comes from, in words: `journey onboarding, step day-3-call`. */
function originOf(rule: string | undefined): string {
  const journey = /^journey:([^@]+)@\d+:([^:]+)/.exec(rule ?? '');
  if (journey) return `From the journey ${journey[1]}, step ${journey[2]}.`;
  return rule ? `From the pack's rule ${rule}.` : '';
}

export const raiseEngineTasks: SubjectObserver = async (tx, { workspaceId, effects, nowMs }) => {
  const raised = effects.filter((e): e is TaskEffect => e.type === 'task');
  if (raised.length === 0) return;
  await tx
    .insert(tasks)
    .values(
      raised.map((e) => ({
        id: newId('tsk', nowMs),
        workspaceId,
        key: e.key,
        title: e.title,
        detail: originOf(e.rule),
        subject: e.subject,
        assignee: e.assignee,
        dueAt: e.dueMs !== undefined ? new Date(e.dueMs) : null,
        script: e.script ?? null,
        createdAt: new Date(e.atMs),
      })),
    )
    .onConflictDoNothing();
};

export type TaskRow = typeof tasks.$inferSelect;

/** Marks a task done with an optional note; a task already done answers 409 and changes nothing. */
export async function completeTask(
  tx: Tx,
  workspaceId: string,
  taskId: string,
  input: { readonly note?: string | undefined; readonly actor: string; readonly at: Date },
): Promise<TaskRow> {
  const where = and(eq(tasks.workspaceId, workspaceId), eq(tasks.id, taskId));
  const [task] = await tx.select().from(tasks).where(where).for('update');
  if (!task) throw new OpsError('OPS_NOT_FOUND', `No task "${taskId}" in this workspace.`);
  if (task.status === 'done')
    throw new OpsError(
      'OPS_CONFLICT',
      `This task was done on ${task.completedAt?.toISOString() ?? 'an earlier day'} by ${task.completedBy ?? 'someone'}; nothing was changed.`,
    );
  const note = input.note?.trim() ? input.note.trim() : null;
  const [done] = await tx
    .update(tasks)
    .set({ status: 'done', completedAt: input.at, completedBy: input.actor, note })
    .where(where)
    .returning();
  await appendTimeline(tx, workspaceId, {
    subject: task.subject,
    type: 'task.completed',
    actor: input.actor,
    data: { task: task.id, title: task.title, ...(note ? { note } : {}) },
    occurredAt: input.at,
  });
  return done!;
}
