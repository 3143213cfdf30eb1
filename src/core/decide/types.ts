/**
 * The vocabulary of the engine's pure core: the state of a governed record (a *subject*), the events that
 * move it, and the effects it decides. Everything here is plain JSON, so the durable shell can store a
 * subject in one jsonb column and the simulator can keep it in a Map.
 */
import type { ClockState } from '../clocks.js';

export type Scalar = string | number | boolean | null;
export type Fields = Readonly<Record<string, Scalar>>;

/** A clock the subject runs, with what has been announced of it (announcements are never repeated). */
export interface TrackedClock {
  readonly clock: ClockState;
  /** What started it, e.g. `scale:ticket-priority/p1`, `tier:tier-2`, `stage:assess`, `regulatory:cert-in`. */
  readonly source: string;
  readonly warned: boolean;
  readonly breachAnnounced: boolean;
}

export interface JourneyRun {
  readonly startedAtMs: number;
  /** Steps already run (or skipped because their condition failed). */
  readonly done: readonly string[];
  readonly exited: boolean;
  /** The trigger event's fields, which templates and conditions may read. */
  readonly data: Fields;
}

export interface LifecyclePosition {
  readonly state: string;
  readonly enteredAtMs: number;
}

export interface SubjectState {
  /** `ticket:T1`, `incident:I1`, `account:A1`, `user:U1`. */
  readonly key: string;
  readonly kind: string;
  readonly id: string;
  /** How many events this subject has handled: part of every effect's idempotency key. */
  readonly seq: number;
  readonly createdAtMs: number;
  /** Attributes: priority, channel, plan, status, category, title, account, tier, … */
  readonly fields: Fields;
  /** Usage facts (`customers_added`), set by `fact.set` and read by conditions as `facts.<name>` or bare. */
  readonly facts: Fields;
  /** When things happened, the anchors clocks count from (`created`, `first-response`, `escalated`, …). */
  readonly marks: Readonly<Record<string, number>>;
  readonly open: boolean;
  readonly clocks: Readonly<Record<string, TrackedClock>>;
  /** How many times each timed escalation rule has fired. */
  readonly escalations: Readonly<Record<string, number>>;
  readonly journeys: Readonly<Record<string, JourneyRun>>;
  readonly lifecycles: Readonly<Record<string, LifecyclePosition>>;
  /** The wake-ups last requested, by name: the shell keeps one timer row per name. */
  readonly timers: Readonly<Record<string, number>>;
}

export interface EngineEvent {
  /** `ticket.created`, `incident.status`, `timer`, … */
  readonly type: string;
  readonly atMs: number;
  /** The subject's key, e.g. `ticket:T1`. */
  readonly subject: string;
  readonly data: Fields;
}

interface EffectBase {
  /** Unique per (subject, rule, occurrence): the shell stores it under a unique constraint. */
  readonly key: string;
  readonly atMs: number;
  readonly subject: string;
}

export type Effect = EffectBase &
  (
    | {
        readonly type: 'notify';
        readonly channel: string;
        readonly route?: string;
        readonly template?: string;
        readonly to: readonly string[];
        readonly level?: string;
        /** Set when the channel is closed at `atMs`: the message waits for its hours. */
        readonly notBeforeMs?: number;
        readonly rule?: string;
        /** The survey this message asks (NPS, CSAT). */
        readonly survey?: string;
        /** Its answers: NPS 0-10 or CSAT 1-5. */
        readonly surveyScale?: 'nps' | 'csat';
      }
    | {
        readonly type: 'task';
        readonly title: string;
        /** Who should do it: `role:<id>`, `tier:<id>`, `assignee:` (the record's assignee), … */
        readonly assignee: string;
        readonly dueMs?: number;
        readonly script?: string;
        readonly followUp?: string;
        readonly rule?: string;
      }
    | { readonly type: 'escalate'; readonly rule: string; readonly to: string; readonly reason?: string }
    | { readonly type: 'transition'; readonly lifecycle: string; readonly from: string; readonly to: string }
    | {
        readonly type:
          'clock.start' | 'clock.warn' | 'clock.breach' | 'clock.met' | 'clock.pause' | 'clock.resume';
        readonly clock: string;
        readonly dueMs: number | null;
        readonly explain?: string;
      }
    | { readonly type: 'flag'; readonly label: string; readonly for?: string; readonly rule?: string }
    | { readonly type: 'record'; readonly what: string; readonly system?: string; readonly rule?: string }
    | {
        readonly type: 'checklist';
        readonly checklist: string;
        readonly item?: string;
        readonly rule?: string;
        /** The scheduled instant of a recurring run (a run caught up late still says when it was due). */
        readonly dueMs?: number;
        /** A recurring run's period end: the schedule's next instant after `dueMs` (when the run is due). */
        readonly periodEndMs?: number;
      }
    | {
        readonly type: 'handoff';
        readonly to: string;
        readonly items: readonly string[];
        readonly rule?: string;
      }
    | { readonly type: 'journey.start' | 'journey.exit'; readonly journey: string }
  );

export type EffectType = Effect['type'];

export interface Decision {
  readonly state: SubjectState;
  readonly effects: readonly Effect[];
  /** Wake-ups to set (`atMs`) or cancel (`null`), by name; the shell keys them `<subject>:<name>`. */
  readonly timers: readonly { readonly name: string; readonly atMs: number | null }[];
}
