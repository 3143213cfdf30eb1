/**
 * What the engine decided in one call, before and while it is written: each subject's events decided in
 * order on the state the previous one left (`decideEvents`), and the rows that record it — effects,
 * engine timers, the timeline — shared by the one-subject path (Engine.decideIn) and the many-subjects
 * path (Engine.handleSubjectsIn), so both record a decision the same way.
 */
import { decide } from '../core/decide/decide.js';
import type { EnginePolicy } from '../core/decide/prepare.js';
import type { Effect, SubjectState } from '../core/decide/types.js';
import type { EffectInput } from './effects.js';
import type { EngineEventInput, HandledEvent } from './engine.js';
import type { PackRef } from './subjects.js';

/** The timer kind the engine schedules; its payload names the subject's wake-up (`clock:response`). */
export const ENGINE_TIMER = 'engine.wake';

/** Each event's decision, in order, on the state the previous one left; the timers the last one wants. */
export function decideEvents(
  ep: EnginePolicy,
  prior: SubjectState | null,
  events: readonly EngineEventInput[],
  nowMs: number,
): { state: SubjectState; decided: Decided[]; timersByName: Map<string, number | null> } {
  let state = prior;
  const decided: Decided[] = [];
  const timersByName = new Map<string, number | null>();
  for (const event of events) {
    const decision = decide(ep, state, {
      type: event.type,
      atMs: nowMs,
      subject: event.subject,
      data: event.data,
    });
    state = decision.state;
    decided.push({ event, effects: decision.effects });
    for (const timer of decision.timers) timersByName.set(timer.name, timer.atMs);
  }
  return { state: state!, decided, timersByName };
}

/**
 * Rows per multi-row statement of handleSubjectsIn: PostgreSQL takes at most 65,535 parameters in one, and
 * these rows have at most 8 columns. (A bulk call of facts can decide 1,000 accounts and their contacts.)
 */
const ROWS_PER_STATEMENT = 4000;

/** Writes `rows` a statement's worth at a time, in order. */
export async function inChunks<T>(
  rows: readonly T[],
  write: (chunk: readonly T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
    await write(rows.slice(i, i + ROWS_PER_STATEMENT));
}

/** One subject's decision in a handleSubjectsIn call, before it is written. */
export interface SubjectDecision {
  readonly key: string;
  readonly governing: { ep: EnginePolicy; ref: PackRef };
  /** The revision it was read at; null for a subject created by this decision. */
  readonly revision: number | null;
  readonly state: SubjectState;
  readonly decided: readonly Decided[];
  readonly timersByName: ReadonlyMap<string, number | null>;
}

/** What one event of a call decided. */
export interface Decided {
  readonly event: EngineEventInput;
  readonly effects: readonly Effect[];
}

export const effectInputsOf = (effects: readonly Effect[]): EffectInput[] =>
  effects.map(({ key, subject, type, atMs, ...data }) => ({ key, subject, type, at: new Date(atMs), data }));

/** The subject's engine timers as the decision left them (a null instant cancels). */
export const timerInputsOf = (
  subjectKey: string,
  timersByName: ReadonlyMap<string, number | null>,
  nowMs: number,
) =>
  [...timersByName].map(([name, atMs]) => ({
    key: `${subjectKey}:${name}`,
    kind: ENGINE_TIMER,
    subject: subjectKey,
    runAt: new Date(atMs ?? nowMs),
    payload: { name },
    ...(atMs === null ? { mode: 'cancel' as const } : {}),
  }));

/** Per event, its effects and how many this call recorded; takes the recorded keys out of `created`. */
export const handledOf = (decided: readonly Decided[], created: Set<string>): HandledEvent[] =>
  decided.map(({ effects }) => ({
    effects,
    // An effect decided twice in one call counts for the first event that decided it.
    recorded: effects.filter((e) => created.delete(e.key)).length,
  }));

/** A timeline entry per event, except a timer that recorded nothing. */
export const timelineOf = (decided: readonly Decided[], handled: readonly HandledEvent[], nowMs: number) =>
  decided.flatMap(({ event }, i) =>
    event.type !== 'timer' || handled[i]!.recorded > 0
      ? [
          {
            subject: event.subject,
            type: event.type === 'timer' ? 'engine.timer' : event.type,
            actor: event.actor,
            data: { ...event.data, effects: handled[i]!.recorded },
            occurredAt: new Date(nowMs),
          },
        ]
      : [],
  );
