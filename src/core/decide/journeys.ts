/**
 * Journeys: an event that matches a journey's trigger enrols the subject; each step runs at its offset
 * from the trigger (or on a later event such as a survey answer) if its condition holds then; every
 * matching branch runs; the journey ends for the subject as soon as one exit condition holds.
 */
import { compileCalendar, type BusinessCalendar, type WeeklyHoursSpec } from '../calendar.js';
import { zoneOffsetMs } from '../instant.js';
import type { Ctx } from './context.js';
import { runAction } from './actions.js';
import { holds } from './conditions.js';

/** Whether two instants fall in the same calendar day, week (Monday first) or month of the zone. */
function samePeriod(period: string, aMs: number, bMs: number, timeZone: string): boolean {
  if (period === 'ever') return true;
  const local = (ms: number) => new Date(ms + zoneOffsetMs(ms, timeZone));
  const a = local(aMs);
  const b = local(bMs);
  const day = (d: Date) => Math.floor(d.getTime() / 86_400_000);
  if (period === 'calendar-day') return day(a) === day(b);
  if (period === 'calendar-week') return Math.floor((day(a) + 3) / 7) === Math.floor((day(b) + 3) / 7);
  return a.getUTCFullYear() === b.getUTCFullYear() && a.getUTCMonth() === b.getUTCMonth();
}

function journeys(ctx: Ctx) {
  return ctx.ep.memo('journeys', () => Object.values(ctx.ep.policy.journeys));
}

/** Enrols the subject in every journey this event triggers (again, once a previous run has ended). */
export function journeyTriggers(ctx: Ctx, type: string): void {
  for (const journey of journeys(ctx)) {
    if (journey.trigger.event !== type || !holds(journey.trigger.when, ctx)) continue;
    const run = ctx.s.journeys[journey.id];
    const finished = run && (run.exited || run.done.length >= journey.steps.length);
    if (run && !finished) continue;
    if (journey.once) {
      const key = `journey-once:${journey.id}|${(journey.once.per ?? []).map((f) => String(ctx.lookup(f))).join('|')}`;
      const last = ctx.s.marks[key];
      if (last !== undefined && samePeriod(journey.once.within, last, ctx.nowMs, ctx.ep.timeZone)) continue;
      ctx.s.marks[key] = ctx.nowMs;
    }
    ctx.s.journeys[journey.id] = { startedAtMs: ctx.nowMs, done: [], exited: false, data: { ...ctx.data } };
    ctx.emit(`journey:${journey.id}@${ctx.nowMs}:start`, { type: 'journey.start', journey: journey.id });
  }
}

function exitIfDone(ctx: Ctx, journeyId: string): boolean {
  const journey = ctx.ep.policy.journeys[journeyId];
  const run = ctx.s.journeys[journeyId];
  if (!journey || !run || run.exited) return true;
  if ((journey.exitWhen ?? []).some((c) => holds(c, ctx))) {
    ctx.s.journeys[journeyId] = { ...run, exited: true };
    ctx.emit(`journey:${journeyId}@${run.startedAtMs}:exit`, { type: 'journey.exit', journey: journeyId });
    return true;
  }
  return false;
}

function runStep(ctx: Ctx, journeyId: string, stepIndex: number): void {
  const journey = ctx.ep.policy.journeys[journeyId]!;
  const run = ctx.s.journeys[journeyId]!;
  const step = journey.steps[stepIndex]!;
  ctx.s.journeys[journeyId] = { ...run, done: [...run.done, step.id] };
  if (!holds(step.when, ctx)) return;
  const rule = `journey:${journeyId}@${run.startedAtMs}:${step.id}`;
  const first = ctx.effects.length;
  step.actions.forEach((action, i) => runAction(ctx, action, rule, i));
  for (const branch of step.branches ?? []) {
    if (!holds(branch.when, ctx)) continue;
    branch.actions.forEach((action, i) => runAction(ctx, action, `${rule}:${branch.id}`, i));
  }
  if (journey.sendWindow) holdForSendWindow(ctx, journeyId, journey.sendWindow, first);
}

/**
 * "No SMS at 3 a.m." (issue 9): the step's messages to the customer, decided from `first` on, wait until
 * the journey's send window is open in the customer's zone (the subject's `time_zone`, else the pack's).
 * Only the sending waits: the step is done now, and its tasks and internal notices are not held.
 */
function holdForSendWindow(ctx: Ctx, journeyId: string, hours: WeeklyHoursSpec, first: number): void {
  const window = sendWindowIn(ctx, journeyId, hours, zoneOfSubject(ctx));
  for (let i = first; i < ctx.effects.length; i++) {
    const effect = ctx.effects[i]!;
    if (effect.type !== 'notify' || !effect.to.some((to) => to.startsWith('customer:'))) continue;
    const from = Math.max(ctx.nowMs, effect.notBeforeMs ?? ctx.nowMs);
    const open = window.nextOpen(from);
    if (open > from && Number.isFinite(open)) ctx.effects[i] = { ...effect, notBeforeMs: open };
  }
}

function zoneOfSubject(ctx: Ctx): string {
  const zone = ctx.s.fields.time_zone;
  return typeof zone === 'string' && zone !== '' ? zone : ctx.ep.timeZone;
}

function sendWindowIn(ctx: Ctx, journeyId: string, hours: WeeklyHoursSpec, zone: string): BusinessCalendar {
  const compile = (timeZone: string) =>
    ctx.ep.memo(`send-window:${journeyId}:${timeZone}`, () =>
      compileCalendar({ id: `send-window:${journeyId}`, timeZone, hours }),
    );
  try {
    return compile(zone);
  } catch {
    // A zone the runtime does not know (a contact's bad data): the pack's zone, not no window at all.
    return compile(ctx.ep.timeZone);
  }
}

/** Runs the steps of running journeys that wait for this event (a survey answer). */
export function journeyEvents(ctx: Ctx, type: string): void {
  for (const journey of journeys(ctx)) {
    const run = ctx.s.journeys[journey.id];
    if (!run || run.exited || exitIfDone(ctx, journey.id)) continue;
    journey.steps.forEach((step, index) => {
      if (!step.on || step.on.event !== type) return;
      if (step.on.survey !== undefined && ctx.data.survey !== step.on.survey) return;
      if (ctx.s.journeys[journey.id]!.done.includes(step.id)) return;
      runStep(ctx, journey.id, index);
    });
  }
}

/** Runs every step whose offset has come, in order; says when the next one falls. */
export function journeyTimers(ctx: Ctx, wake: (name: string, atMs: number | null) => void): void {
  for (const journey of journeys(ctx)) {
    const name = `journey:${journey.id}`;
    const run = ctx.s.journeys[journey.id];
    if (!run || run.exited) {
      wake(name, null);
      continue;
    }
    const pending = journey.steps
      .map((step, index) => ({ step, index, atMs: run.startedAtMs + (step.at ?? Number.NaN) }))
      .filter((p) => p.step.at !== undefined && !run.done.includes(p.step.id))
      .sort((a, b) => a.atMs - b.atMs || a.index - b.index);
    let next: number | null = null;
    for (const p of pending) {
      if (p.atMs > ctx.nowMs) {
        next = p.atMs;
        break;
      }
      if (exitIfDone(ctx, journey.id)) break;
      runStep(ctx, journey.id, p.index);
    }
    wake(name, ctx.s.journeys[journey.id]!.exited ? null : next);
  }
}
