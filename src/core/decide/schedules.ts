/**
 * Recurring work: a `schedule:<checklist>` subject (or `schedule:<checklist>/<item>` for an item with its
 * own cadence) opens a run of its checklist at every occurrence of the cadence, each exactly once: a run
 * missed while nothing was running is opened when the subject next wakes (up to a bound), never twice.
 */
import { nextOccurrence, type CadenceSpec } from '../cadence.js';
import type { Ctx } from './context.js';

/** At most this many missed runs are caught up in one wake-up (a month of daily runs). */
const CATCH_UP_LIMIT = 31;

export interface ScheduleRef {
  readonly key: string;
  readonly checklist: string;
  readonly item?: string;
  readonly cadence: CadenceSpec;
}

/** Every schedule the pack defines: checklists with `schedule`, and items with their own `cadence`. */
export function schedulesOf(ctx: Pick<Ctx, 'ep'>): ScheduleRef[] {
  // Read at every wake-up of every schedule: worked out once per pack version.
  return ctx.ep.memo('schedules', () => findSchedules(ctx));
}

function findSchedules(ctx: Pick<Ctx, 'ep'>): ScheduleRef[] {
  const refs: ScheduleRef[] = [];
  for (const checklist of Object.values(ctx.ep.policy.checklists)) {
    if (checklist.schedule && !('on' in checklist.schedule && !('every' in checklist.schedule)))
      refs.push({ key: `schedule:${checklist.id}`, checklist: checklist.id, cadence: checklist.schedule });
    for (const item of checklist.items) {
      if (item.cadence && ('every' in item.cadence || 'cron' in item.cadence))
        refs.push({
          key: `schedule:${checklist.id}/${item.id}`,
          checklist: checklist.id,
          item: item.id,
          cadence: item.cadence,
        });
    }
  }
  return refs;
}

function refOf(ctx: Ctx): ScheduleRef | undefined {
  return schedulesOf(ctx).find((r) => r.key === ctx.s.key);
}

/** The next run of a cadence strictly after `afterMs`, in its calendar's zone (the pack's by default). */
export function nextRun(ctx: Pick<Ctx, 'ep'>, cadence: CadenceSpec, afterMs: number): number | null {
  const calendarId = 'calendar' in cadence ? cadence.calendar : undefined;
  const calendar = calendarId ? ctx.ep.calendars.get(calendarId) : undefined;
  return nextOccurrence(cadence, afterMs, calendar?.timeZone ?? ctx.ep.timeZone, calendar);
}

/** Opens the runs that have fallen due and says when the next one falls. */
export function scheduleTimers(ctx: Ctx, wake: (name: string, atMs: number | null) => void): void {
  if (ctx.s.kind !== 'schedule') return;
  const ref = refOf(ctx);
  if (!ref) return wake('schedule', null);
  const last = typeof ctx.s.fields.last_run === 'number' ? ctx.s.fields.last_run : ctx.s.createdAtMs - 1;
  let next = nextRun(ctx, ref.cadence, last);
  for (let caught = 0; caught < CATCH_UP_LIMIT; caught++) {
    if (next === null) return wake('schedule', null);
    if (next > ctx.nowMs) return wake('schedule', next);
    // The run after this one ends its period: worked out here once, for the run's due instant and the loop.
    const following = nextRun(ctx, ref.cadence, next);
    ctx.emit(`schedule@${next}`, {
      type: 'checklist',
      checklist: ref.checklist,
      ...(ref.item ? { item: ref.item } : {}),
      rule: ref.key,
      dueMs: next,
      ...(following !== null ? { periodEndMs: following } : {}),
    });
    ctx.s.fields.last_run = next;
    next = following;
  }
  // Too many missed runs: the rest are skipped, and the schedule resumes from now.
  ctx.s.fields.last_run = ctx.nowMs;
  wake('schedule', nextRun(ctx, ref.cadence, ctx.nowMs));
}
