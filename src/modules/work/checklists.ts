/**
 * One-off checklist runs (a pack's `trigger: { event }` checklists, or a rule's `checklist` action): the
 * engine decides a `checklist` effect on a record, and this observer opens a run of it, with its items, in
 * the deciding transaction, once per effect key. Smart Estate's signup opens its 16-step onboarding on
 * `account:<id>` (004#8-004#23).
 *
 * People then work the run: an item is done with the evidence it takes, skipped with a reason when its
 * `when` does not hold on the record, approved by its approval role once done. Each lands on the record's
 * timeline. When every item is done or skipped (and approved where needed), the run is completed and the
 * engine is told `checklist.completed` on the record, in the same transaction, so a lifecycle transition
 * waiting for the checklist can move. The rules themselves are pure, in checklist-rules.ts.
 *
 * Runs are opened by the engine's checklist observer (checklist-open.ts, re-exported here), recurring ones
 * included (the `schedule:<checklist>` subjects of src/core/decide/schedules.ts, due at their scheduled
 * instant); overdue items are nagged and escalated (checklist-nags.ts).
 */
import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { SubjectState } from '../../core/decide/types.js';
import type { Engine } from '../../engine/engine.js';
import { loadSubject } from '../../engine/subjects.js';
import { appendTimeline } from '../../engine/timeline.js';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { memberships } from '../../store/schema.js';
import { checklistItems, checklistRuns, type ChecklistRunStatus } from '../../store/schema-work.js';
import { governingPolicy } from '../notifications/directory.js';
import { disarmNags } from './checklist-nags.js';
import {
  conditionHolds,
  conditionText,
  evidenceFor,
  isComplete,
  mayActFor,
  waitingFor,
  type EvidenceInput,
} from './checklist-rules.js';

type PackItem = NonNullable<Awaited<ReturnType<typeof itemOf>>>;
export type RunRow = typeof checklistRuns.$inferSelect;
export type ItemRow = typeof checklistItems.$inferSelect;
export interface RunView extends RunRow {
  readonly items: readonly (ItemRow & { readonly when: string | null })[];
}

export { openChecklistRuns } from './checklist-open.js';

/** The runs of a workspace, newest first, each with its items in order. */
export async function listRuns(
  q: Tx,
  workspaceId: string,
  filter: {
    readonly subject?: string | undefined;
    readonly status?: ChecklistRunStatus | 'all' | undefined;
    readonly checklist?: string | undefined;
    readonly limit: number;
  },
): Promise<RunView[]> {
  const conditions: SQL[] = [eq(checklistRuns.workspaceId, workspaceId)];
  if (filter.subject) conditions.push(eq(checklistRuns.subject, filter.subject));
  if (filter.checklist) conditions.push(eq(checklistRuns.checklist, filter.checklist));
  if (filter.status && filter.status !== 'all') conditions.push(eq(checklistRuns.status, filter.status));
  const runs = await q
    .select()
    .from(checklistRuns)
    .where(and(...conditions))
    .orderBy(desc(checklistRuns.openedAt), desc(checklistRuns.id))
    .limit(filter.limit);
  return withItems(q, workspaceId, runs);
}

/** One run with its items; OPS_NOT_FOUND when the workspace has none by that id. */
export async function getRun(q: Tx, workspaceId: string, runId: string): Promise<RunView> {
  const [run] = await q
    .select()
    .from(checklistRuns)
    .where(and(eq(checklistRuns.workspaceId, workspaceId), eq(checklistRuns.id, runId)));
  if (!run) throw new OpsError('OPS_NOT_FOUND', `No checklist run "${runId}" in this workspace.`);
  return (await withItems(q, workspaceId, [run]))[0]!;
}

async function withItems(q: Tx, workspaceId: string, runs: readonly RunRow[]): Promise<RunView[]> {
  if (runs.length === 0) return [];
  const items = await q
    .select()
    .from(checklistItems)
    .where(
      and(
        eq(checklistItems.workspaceId, workspaceId),
        inArray(
          checklistItems.runId,
          runs.map((r) => r.id),
        ),
      ),
    )
    .orderBy(asc(checklistItems.runId), asc(checklistItems.position));
  const conditions = await conditionsOf(q, workspaceId, runs);
  return runs.map((run) => ({
    ...run,
    items: items
      .filter((i) => i.runId === run.id)
      .map((i) => {
        const when = conditions.get(`${run.packHash}/${run.checklist}/${i.item}`);
        return { ...i, when: when ? conditionText(when) : null };
      }),
  }));
}

/** Each item's `when`, from the pack version that opened its run, by `<hash>/<checklist>/<item>`. */
async function conditionsOf(q: Tx, workspaceId: string, runs: readonly RunRow[]) {
  const found = new Map<string, NonNullable<PackItem['when']>>();
  for (const hash of new Set(runs.map((r) => r.packHash))) {
    const policy = await governingPolicy(q, workspaceId, hash);
    for (const run of runs.filter((r) => r.packHash === hash))
      for (const item of policy?.checklists[run.checklist]?.items ?? [])
        if (item.when) found.set(`${hash}/${run.checklist}/${item.id}`, item.when);
  }
  return found;
}

const itemOf = async (tx: Tx, workspaceId: string, run: RunRow, itemId: string) =>
  (await governingPolicy(tx, workspaceId, run.packHash))?.checklists[run.checklist]?.items.find(
    (i) => i.id === itemId,
  );

/** Who is working an item: the actor to record and their workspace role (null: an API token). */
export interface Worker {
  readonly actor: string;
  readonly role: string | null;
}

export type ItemAction =
  | {
      readonly kind: 'complete';
      readonly evidence?: EvidenceInput | undefined;
      readonly note?: string | undefined;
    }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'approve'; readonly note?: string | undefined }
  /** Given to a person (`user:<id>`, a member of the workspace), or taken back (null). */
  | { readonly kind: 'assign'; readonly assignee: string | null };

/**
 * Completes, skips or approves one item of a run, in the caller's transaction; refused (and nothing
 * changed) with OPS_VALIDATION for evidence or a reason that does not fit, OPS_FORBIDDEN for someone who
 * does not hold the owner's (or approver's) role, OPS_CONFLICT for an item not in a state to take it.
 * Completing the last item completes the run and tells the engine `checklist.completed`.
 *
 * @example await workItem(tx, engine, ws, 'ckr_…', 'verify-signup-details', { kind: 'complete', evidence: { kind: 'note', value: 'Checked' } }, worker, now)
 */
export async function workItem(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  runId: string,
  itemId: string,
  action: ItemAction,
  worker: Worker,
  at: Date,
): Promise<RunView> {
  const [run] = await tx
    .select()
    .from(checklistRuns)
    .where(and(eq(checklistRuns.workspaceId, workspaceId), eq(checklistRuns.id, runId)))
    .for('update');
  if (!run) throw new OpsError('OPS_NOT_FOUND', `No checklist run "${runId}" in this workspace.`);
  const items = await tx
    .select()
    .from(checklistItems)
    .where(and(eq(checklistItems.workspaceId, workspaceId), eq(checklistItems.runId, runId)))
    .orderBy(asc(checklistItems.position));
  const item = items.find((i) => i.item === itemId);
  if (!item) throw new OpsError('OPS_NOT_FOUND', `The run of "${run.checklist}" has no item "${itemId}".`);
  const change = await changeOf(tx, workspaceId, run, items, item, action, worker, at);
  const where = and(eq(checklistItems.runId, runId), eq(checklistItems.item, itemId));
  await tx.update(checklistItems).set(change.set).where(where);
  await appendTimeline(tx, workspaceId, {
    subject: run.subject,
    type: change.timeline,
    actor: worker.actor,
    data: { run: run.id, checklist: run.checklist, item: item.item, text: item.text, ...change.data },
    occurredAt: at,
  });
  const after = items.map((i) => (i.item === itemId ? { ...i, ...change.set } : i));
  if (isComplete(after)) await completeRun(tx, engine, workspaceId, run, worker.actor, at);
  return getRun(tx, workspaceId, runId);
}

interface Change {
  readonly set: Partial<ItemRow>;
  readonly timeline: string;
  readonly data: Record<string, string>;
}

/** The item's new values for `action`, or the refusal (thrown before anything is written). */
async function changeOf(
  tx: Tx,
  workspaceId: string,
  run: RunRow,
  items: readonly ItemRow[],
  item: ItemRow,
  action: ItemAction,
  worker: Worker,
  at: Date,
): Promise<Change> {
  if (run.status === 'completed')
    throw new OpsError(
      'OPS_CONFLICT',
      `This run was completed on ${run.completedAt?.toISOString()}; nothing was changed.`,
    );
  if (action.kind === 'approve') return approvalOf(item, action.note, worker, at);
  if (action.kind === 'assign') return assignmentOf(tx, workspaceId, item, action.assignee, worker);
  if (item.status !== 'open')
    throw new OpsError(
      'OPS_CONFLICT',
      `"${item.text}" was ${item.status} on ${item.doneAt?.toISOString() ?? 'an earlier day'} by ${item.doneBy ?? 'someone'}; nothing was changed.`,
    );
  // The person it was given to may do it, whatever their role; otherwise the owner's role decides.
  if (item.assignee !== worker.actor) allowed(mayActFor(item.owner, worker.role));
  const blocking = run.ordered ? waitingFor(items, item.position) : null;
  if (blocking)
    throw new OpsError(
      'OPS_CONFLICT',
      `This checklist is done in order: step ${blocking.position + 1}, "${blocking.text}", is still open; do or skip it first.`,
    );
  if (action.kind === 'skip') return skipOf(tx, workspaceId, run, item, action.reason, worker, at);
  const evidence = evidenceFor(item.evidenceKind, action.evidence);
  if (!evidence.ok)
    throw new OpsError('OPS_VALIDATION', evidence.reason, [
      { pointer: '/body/evidence', message: evidence.reason },
    ]);
  const note = action.note?.trim() || null;
  return {
    set: { status: 'done', doneBy: worker.actor, doneAt: at, evidence: evidence.value, note },
    timeline: 'checklist.item_done',
    data: {
      ...(evidence.value !== null ? { evidence: evidence.value, evidenceKind: item.evidenceKind } : {}),
      ...(note ? { note } : {}),
    },
  };
}

/**
 * Gives an open item to a member of the workspace (or takes it back): someone who may do the item (its
 * owner's role, an owner or admin) decides who does. The person then finds it in My work and may do it.
 */
async function assignmentOf(
  tx: Tx,
  workspaceId: string,
  item: ItemRow,
  assignee: string | null,
  worker: Worker,
): Promise<Change> {
  if (item.status !== 'open')
    throw new OpsError(
      'OPS_CONFLICT',
      `"${item.text}" is ${item.status}: only an open item is given to someone.`,
    );
  allowed(mayActFor(item.owner, worker.role));
  if (assignee !== null) {
    const userId = /^user:(.+)$/.exec(assignee)?.[1];
    const [member] = userId
      ? await tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
      : [];
    if (!member)
      throw new OpsError('OPS_VALIDATION', `${assignee} is not a member of this workspace.`, [
        {
          pointer: '/body/assignee',
          message: 'name a member as user:<id> (GET …/members lists them), or null',
        },
      ]);
  }
  return {
    set: { assignee },
    timeline: 'checklist.item_assigned',
    data: { assignee: assignee ?? 'nobody' },
  };
}

function allowed(verdict: ReturnType<typeof mayActFor>): void {
  if (!verdict.ok) throw new OpsError('OPS_FORBIDDEN', verdict.reason);
}

function approvalOf(item: ItemRow, note: string | undefined, worker: Worker, at: Date): Change {
  if (!item.approvalRole)
    throw new OpsError('OPS_CONFLICT', `"${item.text}" needs no approval; nothing was changed.`);
  if (item.approvedAt)
    throw new OpsError(
      'OPS_CONFLICT',
      `"${item.text}" was approved on ${item.approvedAt.toISOString()} by ${item.approvedBy ?? 'someone'}; nothing was changed.`,
    );
  if (item.status !== 'done')
    throw new OpsError('OPS_CONFLICT', `"${item.text}" is ${item.status}: it is approved once it is done.`);
  allowed(mayActFor(item.approvalRole, worker.role));
  const text = note?.trim();
  return {
    set: { approvedBy: worker.actor, approvedAt: at },
    timeline: 'checklist.item_approved',
    data: { approval: item.approvalRole, ...(text ? { note: text } : {}) },
  };
}

/** An item is skipped, with its reason, only when its `when` does not hold on the record now. */
async function skipOf(
  tx: Tx,
  workspaceId: string,
  run: RunRow,
  item: ItemRow,
  reason: string,
  worker: Worker,
  at: Date,
): Promise<Change> {
  const why = reason.trim();
  if (why === '')
    throw new OpsError('OPS_VALIDATION', 'Say why the item is skipped.', [
      { pointer: '/body/reason', message: 'Say why the item is skipped.' },
    ]);
  const when = (await itemOf(tx, workspaceId, run, item.item))?.when;
  if (!when)
    throw new OpsError(
      'OPS_CONFLICT',
      `"${item.text}" applies to every run (the checklist sets no condition on it): it cannot be skipped.`,
    );
  const subject = await loadSubject(tx, workspaceId, run.subject);
  const state = subject ? (subject.state as unknown as SubjectState) : null;
  if (conditionHolds(when, state))
    throw new OpsError(
      'OPS_CONFLICT',
      `"${item.text}" applies to ${run.subject}: its condition (${conditionText(when)}) holds, so it cannot be skipped.`,
    );
  return {
    set: { status: 'skipped', doneBy: worker.actor, doneAt: at, note: why },
    timeline: 'checklist.item_skipped',
    data: { reason: why, condition: conditionText(when) },
  };
}

async function completeRun(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  run: RunRow,
  actor: string,
  at: Date,
) {
  await tx
    .update(checklistRuns)
    .set({ status: 'completed', completedAt: at })
    .where(and(eq(checklistRuns.workspaceId, workspaceId), eq(checklistRuns.id, run.id)));
  await disarmNags(tx, workspaceId, run.subject, run.id);
  // A run opened by hand on no record (`checklist:qa-sign-off`) has no subject for the engine to tell.
  if (!(await loadSubject(tx, workspaceId, run.subject))) return;
  await engine.handleIn(tx, workspaceId, {
    type: 'checklist.completed',
    subject: run.subject,
    data: { run: run.subject, checklist: run.checklist, run_id: run.id },
    actor,
  });
}
