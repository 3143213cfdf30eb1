/**
 * A schedule being edited: its layers as the form holds them (the start as the zone's wall clock reads
 * it, the restricted hours as two optional times), and the body the API takes from them.
 */
import { ApiError } from '../api';
import type { Handoff, Layer, Schedule, ScheduleInput } from '../oncall-api';
import { instantOf, localValue } from './zoned';

export interface LayerDraft {
  readonly users: readonly string[];
  readonly handoff: Handoff;
  /** ISO weekday, 1 = Monday (weekly hand-offs). */
  readonly handoffDay: number;
  readonly handoffTime: string;
  /** `YYYY-MM-DDTHH:MM` in the schedule's zone. */
  readonly starts: string;
  readonly restrictFrom: string;
  readonly restrictTo: string;
}

export interface ScheduleDraft {
  readonly rotation: string;
  readonly name: string;
  readonly timeZone: string;
  readonly layers: readonly LayerDraft[];
}

export const newLayer = (timeZone: string): LayerDraft => ({
  users: [],
  handoff: 'weekly',
  handoffDay: 1,
  handoffTime: '09:00',
  starts: localValue(Date.now(), timeZone),
  restrictFrom: '',
  restrictTo: '',
});

const layerDraft = (layer: Layer, timeZone: string): LayerDraft => ({
  users: layer.users,
  handoff: layer.handoff,
  handoffDay: layer.handoffDay ?? 1,
  handoffTime: layer.handoffTime,
  starts: localValue(Date.parse(layer.startsAt), timeZone),
  restrictFrom: layer.restrict?.from ?? '',
  restrictTo: layer.restrict?.to ?? '',
});

export function scheduleDraft(schedule: Schedule | null, rotation: string, timeZone: string): ScheduleDraft {
  if (!schedule) return { rotation, name: '', timeZone, layers: [newLayer(timeZone)] };
  return {
    rotation: schedule.rotation,
    name: schedule.name,
    timeZone: schedule.timeZone,
    layers: schedule.layers.map((l) => layerDraft(l, schedule.timeZone)),
  };
}

/** The API's body; what the form cannot make sense of is sent as it is, for the server to say why. */
export function scheduleInput(draft: ScheduleDraft): ScheduleInput {
  return {
    rotation: draft.rotation,
    ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
    timeZone: draft.timeZone,
    layers: draft.layers.map((l) => ({
      users: l.users,
      handoff: l.handoff,
      handoffTime: l.handoffTime,
      ...(l.handoff === 'weekly' ? { handoffDay: l.handoffDay } : {}),
      startsAt: instantOf(l.starts, draft.timeZone) ?? l.starts,
      ...(l.restrictFrom || l.restrictTo ? { restrict: { from: l.restrictFrom, to: l.restrictTo } } : {}),
    })),
  };
}

/** `list` with the item at `index` moved by `by` places (kept inside the list). */
export function moved<T>(list: readonly T[], index: number, by: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, index + by));
  const out = [...list];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item!);
  return out;
}

/** The server's field errors under a pointer prefix (`/body/layers/0`), as sentences. */
export function errorsUnder(error: unknown, prefix: string): string[] {
  if (!(error instanceof ApiError)) return [];
  return (error.problem.errors ?? [])
    .filter((e) => e.pointer === prefix || e.pointer.startsWith(`${prefix}/`))
    .map((e) => `${e.pointer.slice(prefix.length + 1) || 'this'}: ${e.message}`);
}
