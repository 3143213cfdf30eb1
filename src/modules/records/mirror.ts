/**
 * Keeps a bug's or release's row in step with its engine subject, as the incident mirror does: the
 * lifecycle's state, the clocks with their derivations (a bug's fix-by), the soonest due one, whether one
 * was breached, when the lifecycle ended. A subject with no record row (an event sent straight to /events,
 * a scenario) is left alone.
 *
 * It also opens the checklists that gate the steps out of the record's new state (ShopSmart's QA sign-off
 * before "QA Testing Passed", company-ops' fix review before "Approved"), once per record and checklist,
 * so the people who must tick them find them on the record when it gets there.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { shippedOn } from '../../core/decide/releases.js';
import type { Effect, SubjectState } from '../../core/decide/types.js';
import { lifecycleFor } from '../../core/record-gates.js';
import type { SubjectObserver } from '../../engine/engine.js';
import { clockViews } from '../../engine/engine.js';
import { records, type RecordKind } from '../../store/schema-ops.js';
import { checklistRuns } from '../../store/schema-work.js';
import { openChecklistRuns } from '../work/checklists.js';

export const RECORD_KINDS: readonly RecordKind[] = ['bug', 'release'];
export const PREFIX: Readonly<Record<RecordKind, string>> = { bug: 'BUG', release: 'REL' };

/** `bug:BUG-12` → { kind: 'bug', ref: 'BUG-12' }; null for subjects no record stands for. */
export function recordOf(subjectKey: string): { kind: RecordKind; ref: string } | null {
  const match = /^(bug|release):((BUG|REL)-[1-9][0-9]{0,9})$/.exec(subjectKey);
  if (!match || PREFIX[match[1] as RecordKind] !== match[3]) return null;
  return { kind: match[1] as RecordKind, ref: match[2]! };
}

/** When a release shipped, and the end of its monitoring hour, as the row keeps them for queries. */
function releaseTimes(
  ep: EnginePolicy,
  state: SubjectState,
): { shippedAt: Date | null; monitoringEndsAt: Date | null } {
  const shippedMs = state.marks[shippedOn({ ep })];
  const ends = state.fields.monitoring_ends;
  return {
    shippedAt: shippedMs !== undefined ? new Date(shippedMs) : null,
    monitoringEndsAt: typeof ends === 'string' ? new Date(ends) : null,
  };
}

export const mirrorRecord: SubjectObserver = async (tx, change) => {
  const { workspaceId, state, ep, nowMs } = change;
  const record = recordOf(state.key);
  if (!record) return;
  const lifecycle = lifecycleFor(ep, record.kind);
  const position = lifecycle ? state.lifecycles[lifecycle.id] : undefined;
  const views = clockViews(ep, state, nowMs);
  const running = views
    .filter((v) => v.due !== null && v.phase !== 'paused' && state.clocks[v.id]?.clock.stoppedAtMs === null)
    .map((v) => v.due!)
    .sort();
  const ended = lifecycle && position && lifecycle.states.find((s) => s.id === position.state)?.terminal;
  await tx
    .update(records)
    .set({
      state: position?.state ?? (state.open ? 'open' : 'resolved'),
      clocks: views.map((v) => ({
        id: v.id,
        source: v.source,
        phase: v.phase,
        due: v.due,
        derivation: v.derivation,
      })),
      nextDueAt: running.length > 0 ? new Date(running[0]!) : null,
      breached: views.some((v) => v.phase === 'breached'),
      endedAt: ended ? new Date(position.enteredAtMs) : null,
      ...(record.kind === 'release' ? releaseTimes(ep, state) : {}),
      updatedAt: new Date(nowMs),
    })
    .where(and(eq(records.workspaceId, workspaceId), eq(records.ref, record.ref)));
  if (!lifecycle || !position) return;
  // The checklists the steps out of this state wait for, opened when the record arrives here.
  const gates = lifecycle.transitions.filter(
    (t) =>
      t.checklist !== undefined &&
      (t.from === '*' ||
        t.from === position.state ||
        (Array.isArray(t.from) && t.from.includes(position.state))),
  );
  const wanted = [...new Set(gates.map((t) => t.checklist!))].filter(
    (id) => state.marks[`checklist:${id}`] === undefined && ep.policy.checklists[id] !== undefined,
  );
  if (wanted.length === 0) return;
  // A checklist the record has a run of already (the release checklist its creation opened) is not opened twice.
  const existing = await tx
    .select({ checklist: checklistRuns.checklist })
    .from(checklistRuns)
    .where(
      and(
        eq(checklistRuns.workspaceId, workspaceId),
        eq(checklistRuns.subject, state.key),
        inArray(checklistRuns.checklist, wanted),
      ),
    );
  const have = new Set(existing.map((r) => r.checklist));
  const effects: Effect[] = wanted
    .filter((id) => !have.has(id))
    .map((checklist) => ({
      type: 'checklist',
      checklist,
      // One run per record and checklist, however often the record comes back to this state (the runs'
      // effect keys are unique per workspace, so the record is part of it).
      key: `${state.key}/gate:${checklist}`,
      atMs: nowMs,
      subject: state.key,
      rule: `lifecycle:${lifecycle.id}`,
    }));
  if (effects.length > 0) await openChecklistRuns(tx, { ...change, effects });
};
