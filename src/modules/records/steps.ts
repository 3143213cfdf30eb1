/**
 * Moving a bug or a release along its pack lifecycle, refused with the reason when a gate is closed, and a
 * release's go/no-go (ShopSmart SOP-005: "Go/No-Go approval received", the last item of the release
 * checklist, approved by the release type's approver: Tech Lead, Engineering Lead, Product + Engineering,
 * Leadership).
 *
 * A step is checked against the record's state before the engine is told (record-gates.ts reads guards
 * exactly as the engine does), so "deployed before go/no-go" is refused with where the release is instead
 * of being silently ignored; and it is checked after: if the engine did not move, the transaction is rolled
 * back and nothing changed.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { lifecycleFor, nextSteps, whyNot, type NextStep } from '../../core/record-gates.js';
import type { Fields } from '../../core/decide/types.js';
import { shippedOn } from '../../core/decide/releases.js';
import { appendTimeline } from '../../engine/timeline.js';
import { appendAudit } from '../access/audit.js';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { records, type RecordFieldValue, type RecordKind } from '../../store/schema-ops.js';
import { checklistItems, checklistRuns } from '../../store/schema-work.js';
import { mayActFor } from '../work/checklist-rules.js';
import { releaseDeployed } from './next-release.js';
import { workItem, type Worker } from '../work/checklists.js';
import {
  approverOf,
  goNoGoItem,
  engineFields,
  RELEASE_IDENTITY,
  requireRecord,
  subjectOf,
  subjectState,
  type RecordRow,
  type RecordsContext,
} from './records.js';

export interface StepInput {
  readonly action: string;
  readonly fields?: Readonly<Record<string, RecordFieldValue>> | undefined;
  readonly note?: string | undefined;
}

/** The open items of the record's runs of `checklist`, to say what is left ("3 of 9 open: …"). */
async function openItems(tx: Tx, workspaceId: string, subject: string, checklist: string): Promise<string[]> {
  const rows = await tx
    .select({ text: checklistItems.text, status: checklistItems.status })
    .from(checklistItems)
    .innerJoin(checklistRuns, eq(checklistRuns.id, checklistItems.runId))
    .where(
      and(
        eq(checklistRuns.workspaceId, workspaceId),
        eq(checklistRuns.subject, subject),
        eq(checklistRuns.checklist, checklist),
      ),
    )
    .orderBy(asc(checklistItems.position));
  return rows.filter((r) => r.status === 'open').map((r) => r.text);
}

async function explain(
  tx: Tx,
  workspaceId: string,
  row: RecordRow,
  reason: string,
  step: NextStep | undefined,
): Promise<string> {
  const lists = step?.gates.flatMap((g) => (g.kind === 'checklist' ? [g.checklist] : [])) ?? [];
  const parts = [reason];
  for (const checklist of lists) {
    const open = await openItems(tx, workspaceId, subjectOf(row), checklist);
    if (open.length > 0) parts.push(`Open items of ${checklist}: ${open.join('; ')}.`);
  }
  return parts.join(' ');
}

/** The record's lifecycle, policy and state, or a precise refusal when the engine does not run one. */
async function context(ctx: RecordsContext, tx: Tx, workspaceId: string, row: RecordRow) {
  const subject = subjectOf(row);
  const { ep } = await ctx.engine.policyFor(tx, workspaceId, subject);
  const lifecycle = lifecycleFor(ep, row.kind);
  const state = await subjectState(tx, workspaceId, subject);
  if (!lifecycle || !state)
    throw new OpsError(
      'OPS_STEP_REFUSED',
      `${row.ref} has no lifecycle in its pack version; it cannot take steps.`,
    );
  return { subject, ep, lifecycle, state };
}

/** The steps the record can take now and the ones waiting on a gate, as the record page shows them. */
export async function stepsOf(
  ctx: RecordsContext,
  tx: Tx,
  workspaceId: string,
  row: RecordRow,
): Promise<NextStep[]> {
  const found = await context(ctx, tx, workspaceId, row).catch((err: unknown) => {
    if (err instanceof OpsError) return null; // no lifecycle: no steps to show
    throw err;
  });
  if (!found) return [];
  const nowMs = (await ctx.engine.nowOf(tx)).getTime();
  return nextSteps(found.ep, found.lifecycle, found.state, nowMs);
}

/**
 * Takes one step (`code-review.approved`, `deployed`, `rollback`, `triage`, …) with the fields it sets.
 * A release's `go` is taken by its go/no-go (goNoGo), not directly, so the approver's decision is never
 * skipped.
 */
export async function takeStep(
  ctx: RecordsContext,
  tx: Tx,
  workspaceId: string,
  kind: RecordKind,
  ref: string,
  input: StepInput,
  worker: Worker,
): Promise<RecordRow> {
  const row = await requireRecord(tx, workspaceId, kind, ref, true);
  const { subject, ep, lifecycle, state } = await context(ctx, tx, workspaceId, row);
  const fields = engineFields(input.fields ?? {}, '/body/fields');
  const frozen = kind === 'release' ? RELEASE_IDENTITY.filter((name) => name in fields) : [];
  if (frozen.length > 0)
    throw new OpsError(
      'OPS_VALIDATION',
      'A release keeps the type and version it was started with.',
      frozen.map((name) => ({
        pointer: `/body/fields/${name}`,
        message: `${name} is set when the release starts (it chooses the approver and the rollback window); start another release instead`,
      })),
    );
  if (kind === 'release' && input.action === 'go' && row.fields.go_no_go !== 'go')
    throw new OpsError(
      'OPS_STEP_REFUSED',
      `${ref} needs its go/no-go first: ${approverOf(ep, row)?.approver ?? 'the approver'} decides it (POST …/releases/${ref}/go-no-go), which takes the go step.`,
    );
  const nowMs = (await ctx.engine.nowOf(tx)).getTime();
  // A step that needs an approval is approved by taking it, when the person holds the approving role
  // (company SOP 2.5: the QA team approves the fix).
  const approves = (step: NextStep) =>
    step.gates.some((g) => g.kind === 'approval' && mayActFor(g.role, worker.role).ok);
  const steps = nextSteps(ep, lifecycle, state, nowMs, fields).map((s) =>
    s.action === input.action && approves(s)
      ? { ...s, gates: s.gates.filter((g) => g.kind !== 'approval') }
      : s,
  );
  const step = steps.find((s) => s.action === input.action);
  const reason = whyNot(lifecycle, steps, state, input.action, ref);
  if (reason !== null) {
    const role = step?.gates.some((g) => g.kind === 'approval')
      ? ` ${worker.role ? `Your role is "${worker.role}".` : 'This API token holds no role.'}`
      : '';
    throw new OpsError('OPS_STEP_REFUSED', (await explain(tx, workspaceId, row, reason, step)) + role);
  }
  const approved = nextSteps(ep, lifecycle, state, nowMs, fields).some(
    (s) => s.action === input.action && approves(s),
  );
  await ctx.engine.handleIn(tx, workspaceId, {
    type: `${kind}.${input.action}`,
    subject,
    data: {
      ...fields,
      action: input.action,
      ...(approved ? { approved: true } : {}),
      ...(input.note ? { note: input.note } : {}),
    },
    actor: worker.actor,
  });
  const after = await subjectState(tx, workspaceId, subject);
  if (after?.lifecycles[lifecycle.id]?.state !== step!.to)
    throw new OpsError(
      'OPS_STEP_REFUSED',
      `${ref} did not move to ${step!.toLabel}: the engine found a gate closed. Nothing was changed.`,
    );
  // The release shipped: the bugs due "in the next scheduled update" that it does not fix are now late.
  const deployedMs = (at: typeof state) => at?.marks[shippedOn({ ep })];
  if (kind === 'release' && deployedMs(state) === undefined && deployedMs(after) !== undefined)
    await releaseDeployed(ctx.engine, tx, workspaceId, row, deployedMs(after)!, worker.actor);
  // Operationally important (seed 004's principle): who moved which record where, and with what.
  await appendAudit(tx, new Date(nowMs), {
    actor: worker.actor,
    action: `${kind}.step`,
    target: ref,
    data: {
      step: input.action,
      from: step!.from,
      to: step!.to,
      // The names only: what people write may hold a secret, and the audit log is never edited.
      fields: Object.keys(fields),
    },
  });
  if (Object.keys(fields).length > 0)
    await tx
      .update(records)
      .set({ fields: { ...row.fields, ...fields } })
      .where(and(eq(records.workspaceId, workspaceId), eq(records.id, row.id)));
  return requireRecord(tx, workspaceId, kind, ref);
}

/**
 * The release's go/no-go, decided by its type's approver once every other item of the release checklist is
 * done ("Go/No-Go approval received" is its last item). Go ticks that item with the decision as evidence,
 * which completes the checklist, and takes the `go` step to Production Deploy; no-go records the decision
 * and the reason and leaves the release where it is, to be decided again.
 */
export async function goNoGo(
  ctx: RecordsContext,
  tx: Tx,
  workspaceId: string,
  ref: string,
  decision: { readonly go: boolean; readonly note: string },
  worker: Worker,
  at: Date,
): Promise<RecordRow> {
  const row = await requireRecord(tx, workspaceId, 'release', ref, true);
  const { subject, ep, lifecycle, state } = await context(ctx, tx, workspaceId, row);
  const who = approverOf(ep, row);
  if (!who)
    throw new OpsError(
      'OPS_STEP_REFUSED',
      `${ref} has no release type of the pack; its approver is unknown.`,
    );
  const may = mayActFor(who.approver, worker.role);
  if (!may.ok)
    throw new OpsError(
      'OPS_FORBIDDEN',
      `The go/no-go of a ${who.type} release is decided by ${who.approver}. ${may.reason}`,
    );
  const nowMs = at.getTime();
  const go = nextSteps(ep, lifecycle, state, nowMs).find((s) => s.action === 'go');
  if (!go)
    throw new OpsError(
      'OPS_STEP_REFUSED',
      whyNot(lifecycle, [], state, 'go', ref) ?? `${ref} is not waiting for its go/no-go.`,
    );
  const gate = goNoGoItem(ep);
  if (gate) {
    const left = (await openItems(tx, workspaceId, subject, gate.checklist)).filter(
      (text) => text !== ep.policy.checklists[gate.checklist]?.items.find((i) => i.id === gate.item)?.text,
    );
    if (left.length > 0)
      throw new OpsError(
        'OPS_STEP_REFUSED',
        `${ref} cannot be decided yet: Go/No-Go is the last item of the release checklist, and ${left.length} other item${left.length === 1 ? ' is' : 's are'} open: ${left.join('; ')}.`,
      );
  }
  const verdict = decision.go ? 'go' : 'no-go';
  await tx
    .update(records)
    .set({
      fields: {
        ...row.fields,
        go_no_go: verdict,
        go_no_go_by: worker.actor,
        go_no_go_at: at.toISOString(),
        go_no_go_note: decision.note,
      },
      updatedAt: at,
    })
    .where(and(eq(records.workspaceId, workspaceId), eq(records.id, row.id)));
  await appendAudit(tx, at, {
    actor: worker.actor,
    action: 'release.go-no-go',
    target: ref,
    data: { decision: verdict, approver: who.approver, role: worker.role },
  });
  await appendTimeline(tx, workspaceId, {
    subject,
    type: `release.${verdict}`,
    actor: worker.actor,
    data: { decision: verdict, note: decision.note, approver: who.approver },
  });
  if (!decision.go) return requireRecord(tx, workspaceId, 'release', ref);
  if (gate) {
    const [run] = await tx
      .select({ id: checklistRuns.id, status: checklistItems.status })
      .from(checklistRuns)
      .innerJoin(
        checklistItems,
        and(eq(checklistItems.runId, checklistRuns.id), eq(checklistItems.item, gate.item)),
      )
      .where(
        and(
          eq(checklistRuns.workspaceId, workspaceId),
          eq(checklistRuns.subject, subject),
          eq(checklistRuns.checklist, gate.checklist),
        ),
      );
    // The approver may have ticked it on the checklist already; the decision is what takes the step.
    if (run?.status === 'open')
      await workItem(
        tx,
        ctx.engine,
        workspaceId,
        run.id,
        gate.item,
        { kind: 'complete', evidence: { kind: 'note', value: `Go by ${worker.actor}: ${decision.note}` } },
        worker,
        at,
      );
  }
  return takeStep(ctx, tx, workspaceId, 'release', ref, { action: 'go' }, worker);
}

/**
 * A CI system's word on a deploy, by the version it deployed: `deployed` moves the release to Monitor,
 * `rolled-back` rolls it back (within its window). The release is the open one with that version.
 */
export async function recordDeployment(
  ctx: RecordsContext,
  tx: Tx,
  workspaceId: string,
  input: {
    readonly version: string;
    readonly status: 'deployed' | 'rolled-back';
    readonly note?: string | undefined;
  },
  worker: Worker,
): Promise<RecordRow> {
  // The newest release of that version (a version is started once while open: createRecordIn).
  const [row] = await tx
    .select()
    .from(records)
    .where(
      and(
        eq(records.workspaceId, workspaceId),
        eq(records.kind, 'release'),
        sql`${records.fields}->>'version' = ${input.version}`,
      ),
    )
    .orderBy(desc(records.number))
    .limit(1);
  if (!row)
    throw new OpsError('OPS_NOT_FOUND', `No release with version "${input.version}" in this workspace.`);
  // A CI job retried after a timeout gets the same answer, not a refusal: the step was taken already.
  const state = await subjectState(tx, workspaceId, subjectOf(row));
  const { ep } = await ctx.engine.policyFor(tx, workspaceId, subjectOf(row));
  const done = input.status === 'deployed' ? state?.marks[shippedOn({ ep })] : state?.marks.rollback;
  if (done !== undefined) return row;
  const action = input.status === 'deployed' ? shippedOn({ ep }) : 'rollback';
  return takeStep(ctx, tx, workspaceId, 'release', row.ref, { action, note: input.note }, worker);
}

export type { Fields };
