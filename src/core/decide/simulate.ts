/**
 * The simulator: runs events in virtual time with the same `decide` as production. Subjects live in a
 * Map and timers in a heap; at each instant the scenario's events run before the timers due then (an
 * answer at the very minute of the deadline meets it), and timers run in time order until `until`.
 */
import { decide, type DecideOptions } from './decide.js';
import { schedulesOf } from './schedules.js';
import type { EnginePolicy } from './prepare.js';
import type { Effect, EngineEvent, SubjectState } from './types.js';

interface Wake {
  readonly atMs: number;
  readonly subject: string;
  readonly name: string;
  /** Insertion order, so equal instants run first-scheduled first. */
  readonly order: number;
}

/** A binary min-heap of wake-ups by (instant, order). */
class WakeHeap {
  private readonly items: Wake[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Wake | undefined {
    return this.items[0];
  }

  push(wake: Wake): void {
    const a = this.items;
    a.push(wake);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): Wake | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Wake, b: Wake): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);
}

export interface SimulateOptions extends DecideOptions {
  /** Start every recurring schedule of the pack at this instant, as activating the pack does live. */
  readonly schedulesFromMs?: number;
}

export interface SimulationResult {
  readonly effects: readonly Effect[];
  readonly subjects: ReadonlyMap<string, SubjectState>;
  readonly decisions: number;
}

/** Runs the events (already validated and in order) and every timer up to `untilMs`. */
export function simulate(
  ep: EnginePolicy,
  events: readonly EngineEvent[],
  untilMs: number,
  onEffect?: (effect: Effect) => void,
  options: SimulateOptions = { explain: false },
): SimulationResult {
  const subjects = new Map<string, SubjectState>();
  const heap = new WakeHeap();
  const effects: Effect[] = [];
  let order = 0;
  let decisions = 0;

  // The simulator owns every state and keeps only the returned one: decide may change it in place.
  const decideOptions = { ...options, inPlace: true };
  const run = (subject: string, type: string, atMs: number, data: EngineEvent['data']) => {
    const decision = decide(ep, subjects.get(subject) ?? null, { type, atMs, subject, data }, decideOptions);
    decisions++;
    subjects.set(subject, decision.state);
    for (const effect of decision.effects) {
      if (onEffect) onEffect(effect);
      else effects.push(effect);
    }
    for (const timer of decision.timers)
      if (timer.atMs !== null) heap.push({ atMs: timer.atMs, subject, name: timer.name, order: order++ });
  };

  const runTimersUntil = (limitMs: number, inclusive: boolean) => {
    for (
      let wake = heap.peek();
      wake && (wake.atMs < limitMs || (inclusive && wake.atMs === limitMs));
      wake = heap.peek()
    ) {
      heap.pop();
      // The subject's own record of its wake-ups says whether this one still stands (not replaced or
      // cancelled since it was pushed).
      if (subjects.get(wake.subject)?.timers[wake.name] !== wake.atMs) continue;
      run(wake.subject, 'timer', wake.atMs, { timer: wake.name });
    }
  };

  if (options.schedulesFromMs !== undefined)
    for (const schedule of schedulesOf({ ep }))
      run(schedule.key, 'schedule.started', options.schedulesFromMs, { checklist: schedule.checklist });
  for (const event of events) {
    runTimersUntil(event.atMs, false);
    run(event.subject, event.type, event.atMs, event.data);
  }
  runTimersUntil(untilMs, true);
  return { effects, subjects, decisions };
}
