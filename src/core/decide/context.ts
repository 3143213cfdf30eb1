/**
 * One decision in progress: a mutable copy of the subject, the instant, and the effects decided so far.
 * `decide` makes the copy, so the caller's state is never changed.
 */
import type { EnginePolicy } from './prepare.js';
import type {
  Effect,
  Fields,
  JourneyRun,
  LifecyclePosition,
  Scalar,
  SubjectState,
  TrackedClock,
} from './types.js';

export interface Draft {
  key: string;
  kind: string;
  id: string;
  seq: number;
  createdAtMs: number;
  fields: Record<string, Scalar>;
  facts: Record<string, Scalar>;
  marks: Record<string, number>;
  open: boolean;
  clocks: Record<string, TrackedClock>;
  escalations: Record<string, number>;
  journeys: Record<string, JourneyRun>;
  lifecycles: Record<string, LifecyclePosition>;
  timers: Record<string, number>;
}

/** An effect without the fields every effect gets from the decision (key, instant, subject). */
export type EffectBody = Effect extends infer E
  ? E extends Effect
    ? Omit<E, 'key' | 'atMs' | 'subject'>
    : never
  : never;

/**
 * What a rule module does for another without importing it (they would import each other): set once,
 * when the owning module loads.
 */
export const hooks = {
  transition: (_ctx: Ctx, _lifecycle: string, _to: string, _key: string): void => undefined,
  resolve: (_ctx: Ctx): void => undefined,
};

export class Ctx {
  readonly effects: Effect[] = [];

  constructor(
    readonly ep: EnginePolicy,
    readonly s: Draft,
    readonly nowMs: number,
    /** The fields of the event being handled (empty for a timer). */
    readonly data: Fields,
    /** Whether clock effects carry their derivation text (the simulator asks only with --explain). */
    readonly explains = true,
  ) {}

  /**
   * Records an effect under `key`: a rule and its occurrence, unique for the subject
   * (`clock:response@<start>:breach`, `escalation:p0-to-tier-2:1`, `#7:route:critical-alerts:sms`).
   */
  emit(key: string, body: EffectBody): void {
    // The fields every effect has first, then the body's: one starting shape, which V8 extends faster than
    // it copies a spread (a year of recurring runs emits 1.6 million effects).
    this.effects.push(
      Object.assign({ key: `${this.s.key}:${key}`, atMs: this.nowMs, subject: this.s.key }, body),
    );
  }

  /** A key part unique to the event in hand. */
  get occurrence(): string {
    return `#${this.s.seq}`;
  }

  /**
   * What conditions read: the event's fields, then the subject's fields, then its facts (`facts.x` or `x`),
   * then marks as booleans (`approved`, `payment_confirmed`).
   */
  lookup(field: string): Scalar | undefined {
    if (field.startsWith('facts.')) return this.s.facts[field.slice(6)];
    const [head, ...rest] = field.split('.');
    if (rest.length > 0 && head === this.s.kind) return this.lookup(rest.join('.'));
    if (Object.hasOwn(this.data, field)) return this.data[field];
    if (Object.hasOwn(this.s.fields, field)) return this.s.fields[field];
    if (Object.hasOwn(this.s.facts, field)) return this.s.facts[field];
    const mark = field.replaceAll('_', '-');
    if (Object.hasOwn(this.s.marks, mark)) return true;
    return undefined;
  }

  /** Moves a lifecycle by an action's `transition` (lifecycles.ts owns the lifecycles). */
  requestTransition(lifecycle: string, to: string, key: string): void {
    hooks.transition(this, lifecycle, to, key);
  }

  /** Resolves the subject (decide.ts owns resolution). */
  resolveSubject(): void {
    hooks.resolve(this);
  }

  mark(name: string): void {
    this.s.marks[name] ??= this.nowMs;
  }
}

/**
 * A copy of the state that may be changed: each map is copied; the values in them are never changed in
 * place (a clock, a journey run, a position is replaced by a new object), so a shallow copy suffices.
 */
export function draftOf(state: SubjectState): Draft {
  return {
    ...state,
    fields: { ...state.fields },
    facts: { ...state.facts },
    marks: { ...state.marks },
    clocks: { ...state.clocks },
    escalations: { ...state.escalations },
    journeys: { ...state.journeys },
    lifecycles: { ...state.lifecycles },
    timers: { ...state.timers },
  };
}
