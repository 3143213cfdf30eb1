/**
 * What can happen next to a record the engine runs a lifecycle on (a bug, a release), and why not: for each
 * transition that leaves the record's state on an event, the gates still closed — a guard on its fields, a
 * checklist not completed, an approval not given. The records API offers the open ones and refuses the
 * others with these reasons, in the words of the pack ("Release Checklist (SOP-005) is not complete"), so a
 * person or a CI job learns what is missing instead of the engine silently not moving.
 *
 * The guard is read exactly as the engine reads it (`holds` on a decision context over the record), so the
 * API and the engine cannot disagree about a gate.
 */
import type { Frozen } from '../packs/compile.js';
import type { Condition } from '../packs/schema/common.js';
import { Ctx, draftOf } from './decide/context.js';
import { conditionText, holds } from './decide/conditions.js';
import type { EnginePolicy } from './decide/prepare.js';
import type { Fields, SubjectState } from './decide/types.js';

export type Gate =
  | { readonly kind: 'guard'; readonly message: string; readonly failing: readonly string[] }
  | { readonly kind: 'checklist'; readonly message: string; readonly checklist: string }
  | { readonly kind: 'approval'; readonly message: string; readonly role: string };

export interface NextStep {
  /** The event name that takes it (`code-review.approved`, `go`, `deployed`, `rollback`). */
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly toLabel: string;
  readonly quote: string | null;
  /** Closed gates; empty when the step can be taken now. */
  readonly gates: readonly Gate[];
}

type Lifecycle = EnginePolicy['policy']['lifecycles'][string];

/** The lifecycle the pack runs on records of `kind` (the first one made for it). */
export function lifecycleFor(ep: EnginePolicy, kind: string): Lifecycle | undefined {
  return Object.values(ep.policy.lifecycles).find((l) => l.for === kind);
}

/** The parts of a condition that do not hold: each failing member of an `all`, else the whole. */
function failingParts(condition: Frozen<Condition>, ctx: Ctx): string[] {
  if (holds(condition, ctx)) return [];
  if ('all' in condition) return condition.all.flatMap((c) => failingParts(c, ctx));
  return [conditionText(condition)];
}

/**
 * Every step out of the record's current state that an event takes, with its closed gates, given the
 * fields the caller would send with it (`data`).
 */
export function nextSteps(
  ep: EnginePolicy,
  lifecycle: Lifecycle,
  state: SubjectState,
  nowMs: number,
  data: Fields = {},
): NextStep[] {
  const position = state.lifecycles[lifecycle.id];
  if (!position) return [];
  const ctx = new Ctx(ep, draftOf(state), nowMs, data, false);
  const stateIds = lifecycle.states.map((s) => s.id);
  const label = (id: string) => lifecycle.states.find((s) => s.id === id)?.label ?? id;
  const steps: NextStep[] = [];
  for (const t of lifecycle.transitions) {
    if (t.on === undefined) continue;
    const from = t.from === '*' ? stateIds : typeof t.from === 'string' ? [t.from] : t.from;
    if (!from.includes(position.state)) continue;
    if (steps.some((s) => s.action === t.on)) continue; // the engine takes the first matching one
    const gates: Gate[] = [];
    const failing = t.guard ? failingParts(t.guard, ctx) : [];
    if (failing.length > 0) gates.push({ kind: 'guard', failing, message: `it needs ${failing.join('; ')}` });
    if (t.checklist !== undefined && state.marks[`checklist:${t.checklist}`] === undefined) {
      const checklist = ep.policy.checklists[t.checklist];
      gates.push({
        kind: 'checklist',
        checklist: t.checklist,
        message: `the checklist "${checklist?.label ?? t.checklist}" is not complete`,
      });
    }
    if (t.approval !== undefined && state.marks[`${lifecycle.id}-approved`] === undefined)
      gates.push({ kind: 'approval', role: t.approval, message: `it needs the approval of ${t.approval}` });
    steps.push({
      action: t.on,
      from: position.state,
      to: t.to,
      toLabel: label(t.to),
      quote: t.quote ?? null,
      gates,
    });
  }
  return steps;
}

/**
 * Why `action` cannot be taken now, in one sentence; null when it can. An action the state has no step for
 * says where the record is and which state the action leaves from, so "deployed before go/no-go" reads
 * "REL-3 is at Release Notes Prepared; deployed leaves only from Production Deploy".
 */
export function whyNot(
  lifecycle: Lifecycle,
  steps: readonly NextStep[],
  state: SubjectState,
  action: string,
  ref: string,
): string | null {
  const step = steps.find((s) => s.action === action);
  if (step)
    return step.gates.length === 0
      ? null
      : `${ref} cannot take "${action}": ${step.gates.map((g) => g.message).join('; ')}.`;
  const label = (id: string) => lifecycle.states.find((s) => s.id === id)?.label ?? id;
  const here = state.lifecycles[lifecycle.id]?.state ?? lifecycle.initial;
  const elsewhere = lifecycle.transitions.filter((t) => t.on === action);
  const possible = steps.map((s) => `"${s.action}"`);
  const now =
    possible.length > 0 ? ` From here: ${possible.join(', ')}.` : ' It is at the end of its lifecycle.';
  if (elsewhere.length === 0)
    return `"${action}" is not a step of ${lifecycle.label ?? lifecycle.id}; ${ref} is at ${label(here)}.${now}`;
  const sources = [
    ...new Set(
      elsewhere.flatMap((t) => (t.from === '*' ? [] : typeof t.from === 'string' ? [t.from] : t.from)),
    ),
  ];
  return `${ref} is at ${label(here)}; "${action}" leaves only from ${sources.map(label).join(' or ')}.${now}`;
}
