/**
 * The engine's checklist observer: told of every decision, in its transaction.
 *
 * - A `checklist` effect opens a run of its checklist, with its items (checklist-plan.ts says which and
 *   when each is due), once per effect key however often a decision is replayed. Any subject will do: a
 *   record's one-off checklist (`account:EST-7`, `release:<id>`), a run opened by hand, and the recurring
 *   runs of the engine's schedules (`schedule:daily`, `schedule:backup-verification/restore-test-sample`),
 *   including the runs a schedule catches up after the server was down, each once.
 * - A run with a due item gets its nag wake-up (checklist-nags.ts); when that wake-up fires on the run's
 *   record, the same observer sends what fell due.
 */
import type { SubjectObserver } from '../../engine/engine.js';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Tx } from '../../store/database.js';
import { newId } from '../../shared/ids.js';
import { checklistItems, checklistRuns } from '../../store/schema-work.js';
import { periodEndOf, planRun, type ChecklistEffect } from './checklist-plan.js';
import { armNags, nagRun, NAG_WAKE } from './checklist-nags.js';

const opens = (e: { type: string }): e is ChecklistEffect => e.type === 'checklist';

export const openChecklistRuns: SubjectObserver = async (tx, change) => {
  const { workspaceId, effects, ep, event, nowMs } = change;
  const wake = event.type === 'timer' ? event.data.timer : undefined;
  if (typeof wake === 'string' && wake.startsWith(NAG_WAKE))
    await nagRun(tx, workspaceId, wake.slice(NAG_WAKE.length), nowMs);
  await openRuns(tx, workspaceId, ep, effects.filter(opens));
};

/**
 * Opens a run for each effect whose checklist the pack has (and holds an item for it), with its items,
 * and arms its nags; an effect key already opened opens nothing. Returns the ids of the runs opened.
 */
export async function openRuns(
  tx: Tx,
  workspaceId: string,
  ep: EnginePolicy,
  effects: readonly ChecklistEffect[],
): Promise<string[]> {
  const { policy } = ep;
  const planned = effects.flatMap((effect) => {
    const checklist = policy.checklists[effect.checklist];
    const plan = checklist ? planRun(checklist, effect, periodEndOf(ep, effect)) : null;
    if (!checklist || !plan) return [];
    const run = {
      id: newId('ckr', effect.atMs),
      workspaceId,
      checklist: checklist.id,
      label: checklist.label,
      packId: policy.id,
      packHash: policy.hash,
      subject: effect.subject,
      effectKey: effect.key,
      ordered: checklist.ordered,
      openedAt: new Date(effect.atMs),
      dueAt: plan.dueMs !== null ? new Date(plan.dueMs) : null,
    };
    const items = plan.items.map((i) => ({
      workspaceId,
      item: i.item,
      position: i.position,
      text: i.text,
      owner: i.owner,
      evidenceKind: i.evidenceKind,
      dueAt: i.dueMs !== null ? new Date(i.dueMs) : null,
      approvalRole: i.approvalRole,
    }));
    const dues = plan.items.flatMap((i) => (i.dueMs !== null ? [i.dueMs] : []));
    return [{ run, items, firstDueMs: dues.length > 0 ? Math.min(...dues) : null }];
  });
  if (planned.length === 0) return [];
  // A decision replayed (a redelivered event) re-decides the same effect keys: those runs exist already.
  const opened = await tx
    .insert(checklistRuns)
    .values(planned.map((p) => p.run))
    .onConflictDoNothing()
    .returning({ id: checklistRuns.id });
  const fresh = new Set(opened.map((r) => r.id));
  const made = planned.filter((p) => fresh.has(p.run.id));
  const items = made.flatMap((p) => p.items.map((i) => ({ ...i, runId: p.run.id })));
  if (items.length > 0) await tx.insert(checklistItems).values(items);
  // A run caught up after the server was down, already past its due when it opens, is late as it stands
  // (the compliance report counts it missed): no nag, so a month offline is not a month of escalations.
  const nagged = made.filter((p) => p.firstDueMs === null || p.firstDueMs >= p.run.openedAt.getTime());
  await armNags(
    tx,
    workspaceId,
    nagged.map((p) => ({ id: p.run.id, subject: p.run.subject, firstDueMs: p.firstDueMs })),
  );
  return made.map((p) => p.run.id);
}
