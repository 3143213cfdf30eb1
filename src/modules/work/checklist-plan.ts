/**
 * What a `checklist` effect opens, as a pure function of the pack's checklist and the effect: which items,
 * and when each falls due. Two kinds of run (docs/checklists.md):
 *
 * - **one-off** (a record's `checklist.opened`: Smart Estate's onboarding on `account:<id>`, a release's
 *   checklist on `release:<id>`, a run opened by hand): every item, each due its `due` offset after the run
 *   opens; the run is due when the engine says, else with its last item.
 * - **recurring** (the engine's `schedule:<checklist>` or `schedule:<checklist>/<item>` subjects,
 *   src/core/decide/schedules.ts): the run opens at its scheduled instant (in the pack's zone, as the
 *   engine computed it) and is the work of its period, so it is due when the period ends, at the cadence's
 *   next instant: today's daily run by tomorrow's, this week's by next Monday's ("daily checklist completed
 *   on 27 of 30 days", issue 10). An item with its own `due` offset is due that long after the scheduled
 *   instant instead. A run caught up late (the server was down) still says when it was due. An item
 *   schedule's run holds only that item; a checklist's run leaves out items that recur on their own time
 *   cadence (they have their own runs).
 */
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { nextRun, schedulesOf } from '../../core/decide/schedules.js';
import type { Effect } from '../../core/decide/types.js';
import type { Policy } from '../../packs/compile.js';
import type { EvidenceKind } from '../../store/schema-work.js';

export type ChecklistEffect = Extract<Effect, { type: 'checklist' }>;
export type PackChecklist = NonNullable<Policy['checklists'][string]>;

export interface PlannedItem {
  readonly item: string;
  readonly position: number;
  readonly text: string;
  readonly owner: string | null;
  readonly evidenceKind: EvidenceKind;
  readonly dueMs: number | null;
  readonly approvalRole: string | null;
}

export interface PlannedRun {
  readonly recurring: boolean;
  readonly dueMs: number | null;
  readonly items: readonly PlannedItem[];
}

/** Whether a cadence is a time (every …, cron) rather than an event (`on: every-commit`, `as-needed`). */
const timed = (cadence: PackChecklist['items'][number]['cadence']): boolean =>
  cadence !== undefined && ('every' in cadence || 'cron' in cadence);

/** Whether the effect is a schedule's: its subject is `schedule:…` and it carries the scheduled instant. */
export const isRecurring = (effect: ChecklistEffect): boolean =>
  effect.subject.startsWith('schedule:') && effect.dueMs !== undefined;

/**
 * When a recurring run's period ends: its schedule's next instant after the scheduled one (null for a
 * one-off run, or a schedule the pack no longer has).
 */
export function periodEndOf(ep: EnginePolicy, effect: ChecklistEffect): number | null {
  if (!isRecurring(effect)) return null;
  if (effect.periodEndMs !== undefined) return effect.periodEndMs;
  const ref = schedulesOf({ ep }).find((r) => r.key === effect.subject);
  return ref ? nextRun({ ep }, ref.cadence, effect.dueMs!) : null;
}

/**
 * The items and due instants of the run `effect` opens, or null when it would hold no item (an effect
 * naming an item the checklist does not have). `periodEndMs`: a recurring run's due instant (periodEndOf).
 *
 * @example planRun(policy.checklists.daily!, { type: 'checklist', checklist: 'daily', subject: 'schedule:daily', dueMs, … }, endMs)
 */
export function planRun(
  checklist: PackChecklist,
  effect: ChecklistEffect,
  periodEndMs: number | null = null,
): PlannedRun | null {
  const recurring = isRecurring(effect);
  const chosen = checklist.items
    .map((item, position) => ({ item, position }))
    .filter(({ item }) =>
      effect.item !== undefined ? item.id === effect.item : !(recurring && timed(item.cadence)),
    );
  if (chosen.length === 0) return null;
  const base = recurring ? effect.dueMs! : effect.atMs;
  const runDue = recurring ? (periodEndMs ?? effect.dueMs!) : null;
  const items = chosen.map(({ item, position }) => ({
    item: item.id,
    position,
    text: item.text,
    owner: item.owner ?? checklist.owner ?? null,
    evidenceKind: item.evidence,
    // A recurring item without its own offset is due with its run; a one-off one without, never.
    dueMs: item.due !== undefined ? base + item.due : runDue,
    approvalRole: item.approval ?? null,
  }));
  const dues = items.flatMap((i) => (i.dueMs !== null ? [i.dueMs] : []));
  const dueMs = runDue ?? effect.dueMs ?? (dues.length > 0 ? Math.max(...dues) : null);
  return { recurring, dueMs, items };
}
