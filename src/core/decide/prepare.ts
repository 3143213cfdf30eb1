/**
 * What the engine reads on every decision, prepared once per pack version: the policy plus its calendars
 * compiled to interval tables, and the rules indexed by what triggers them.
 */
import type { Policy } from '../../packs/compile.js';
import { compileCalendar, wallClockCalendar, type BusinessCalendar } from '../calendar.js';

export interface EnginePolicy {
  readonly policy: Policy;
  /** The pack's zone: where wall-clock durations and derivations are written. */
  readonly timeZone: string;
  readonly calendars: ReadonlyMap<string, BusinessCalendar>;
  /** The calendar a target names, or the wall clock in the pack's zone when it names none. */
  calendar(id: string | null | undefined): BusinessCalendar;
  /** A value derived from the policy, computed once (rules by kind, lists of a section). */
  memo<T>(key: string, compute: () => T): T;
}

export function prepare(policy: Policy): EnginePolicy {
  const pack = policy.pack;
  const timeZone = pack.pack.timeZone;
  const holidaySets = new Map((pack.holidaySets ?? []).map((set) => [set.id, set.dates]));
  const calendars = new Map<string, BusinessCalendar>();
  for (const calendar of pack.calendars ?? []) {
    calendars.set(
      calendar.id,
      compileCalendar({
        id: calendar.id,
        timeZone: calendar.timeZone ?? timeZone,
        hours: calendar.hours,
        holidays: (calendar.holidays ?? []).flatMap((id) => holidaySets.get(id) ?? []),
      }),
    );
  }
  const wall = wallClockCalendar(timeZone);
  const memos = new Map<string, unknown>();
  return {
    memo: <T>(key: string, compute: () => T): T => {
      if (!memos.has(key)) memos.set(key, compute());
      return memos.get(key) as T;
    },
    policy,
    timeZone,
    calendars,
    calendar: (id) => (id ? (calendars.get(id) ?? wall) : wall),
  };
}
