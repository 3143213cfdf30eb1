/**
 * "A pack whose review date has passed raises a task for its owner" (issue 3). Activating a version
 * schedules a durable timer at the instant its review becomes overdue; when it fires and that version is
 * still the active one, the owner gets a task (once: the task's key is unique) and the pack's timeline
 * says so. A newer version replaces the timer with its own review date.
 */
import { and, eq } from 'drizzle-orm';
import type { ClaimedTimer } from '../../engine/timers.js';
import { cancelTimer, scheduleTimer } from '../../engine/timers.js';
import { appendTimeline } from '../../engine/timeline.js';
import type { ValidatedPack } from '../../packs/load.js';
import { reviewDueDay, reviewOverdueAt } from '../../packs/review-due.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { packVersions, tasks } from '../../store/schema.js';

export const PACK_REVIEW_TIMER = 'pack.review-due';

interface ReviewPayload {
  readonly packId: string;
  readonly hash: string;
  readonly version: string;
  readonly title: string;
  readonly owner: string;
  readonly dueDay: string;
}

/** In the activation's transaction: the timer of the active version's review (or none). */
export async function schedulePackReview(tx: Tx, workspaceId: string, loaded: ValidatedPack): Promise<void> {
  const { id, version, title, owner } = loaded.pack.pack;
  const key = `pack:${id}:review`;
  const at = reviewOverdueAt(loaded.pack);
  const dueDay = reviewDueDay(loaded.pack);
  if (!at || !dueDay) {
    await cancelTimer(tx, workspaceId, key);
    return;
  }
  const payload: ReviewPayload = { packId: id, hash: loaded.hash, version, title, owner, dueDay };
  await scheduleTimer(tx, workspaceId, {
    key,
    kind: PACK_REVIEW_TIMER,
    subject: `pack:${id}`,
    runAt: at,
    payload: { ...payload },
  });
}

/** The timer handler: raises the owner's review task if the reviewed version is still active. */
export async function raisePackReviewTask(tx: Tx, timer: ClaimedTimer): Promise<void> {
  const review = timer.payload as unknown as ReviewPayload;
  const [active] = await tx
    .select({ id: packVersions.id })
    .from(packVersions)
    .where(
      and(
        eq(packVersions.workspaceId, timer.workspaceId),
        eq(packVersions.packId, review.packId),
        eq(packVersions.hash, review.hash),
        eq(packVersions.active, true),
      ),
    );
  if (!active) return;
  const [task] = await tx
    .insert(tasks)
    .values({
      id: newId('tsk', timer.runAt.getTime()),
      workspaceId: timer.workspaceId,
      key: `pack:${review.packId}:${review.hash}:review`,
      title: `Review the SOP "${review.title}"`,
      detail: `Version ${review.version} was due for review by ${review.dueDay}. Review it against how the team works, then activate a new version with its next review date.`,
      subject: `pack:${review.packId}`,
      assignee: `owner:${review.owner}`,
      dueAt: timer.runAt,
    })
    .onConflictDoNothing()
    .returning({ id: tasks.id });
  if (!task) return;
  await appendTimeline(tx, timer.workspaceId, {
    subject: `pack:${review.packId}`,
    type: 'pack.review-due',
    actor: 'system',
    data: { version: review.version, hash: review.hash, task: task.id, dueDay: review.dueDay },
    occurredAt: timer.runAt,
  });
}
