/**
 * The clocks a subject runs: targets of its priority or severity (chosen by the first matching SLA policy),
 * tier response times after an escalation, incident stage deadlines and regulatory deadlines. Verdicts come
 * from the record (`readClock`); the warn and breach announcements are effects made once each.
 */
import type { z } from 'zod';
import type { Frozen } from '../../packs/compile.js';
import type { Target as TargetSchema } from '../../packs/schema/common.js';
import { TARGET_NAMES } from '../../packs/schema/support.js';
import type { PolicyLevel, PolicyScale } from '../../packs/compile.js';
import {
  deriveDue,
  pauseClock,
  readClock,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  warnAt,
} from '../clocks.js';
import { holds } from './conditions.js';
import type { Ctx } from './context.js';
import { nextRun } from './schedules.js';

/** The share of a target after which a warning is announced (Zendesk and Freshdesk default to about this). */
export const WARN_FRACTION = 0.8;

type Target = Frozen<z.output<typeof TargetSchema>>;

export type TargetName = (typeof TARGET_NAMES)[number];

/** Clock ids as the SOPs say them: `firstResponse` runs the `first-response` clock. */
export const CLOCK_OF_TARGET: Readonly<Record<TargetName, string>> = {
  firstResponse: 'first-response',
  response: 'response',
  resolution: 'resolution',
  updateEvery: 'update',
  customerNotice: 'customer-notice',
  fix: 'fix',
};

/** What a target counts from when it does not say. */
const DEFAULT_SINCE: Readonly<Record<TargetName, string>> = {
  firstResponse: 'created',
  response: 'created',
  resolution: 'created',
  updateEvery: 'first-response',
  customerNotice: 'created',
  fix: 'created',
};

const SCALE_FOR_KIND: Readonly<Record<string, readonly string[]>> = {
  ticket: ['ticket'],
  incident: ['incident', 'security-incident'],
  bug: ['bug'],
  alert: ['alert', 'incident'],
};

/** The scale grading the subject: its `scale` field, else the first scale made for its kind. */
export function scaleOf(ctx: Ctx): PolicyScale | undefined {
  const { scales } = ctx.ep.policy;
  const named = ctx.s.fields.scale;
  if (typeof named === 'string' && scales[named]) return scales[named];
  const wanted = SCALE_FOR_KIND[ctx.s.kind] ?? [ctx.s.kind];
  const all = ctx.ep.memo('scales', () => Object.values(scales));
  const kindField = ctx.s.fields.kind;
  if (kindField === 'security') {
    const security = all.find((s) => s.for === 'security-incident');
    if (security && levelOf(ctx, security)) return security;
  }
  for (const want of wanted) {
    const found = all.find((s) => s.for === want && levelOf(ctx, s));
    if (found) return found;
  }
  return all.find((s) => wanted.includes(s.for));
}

export function levelOf(ctx: Ctx, scale: PolicyScale): PolicyLevel | undefined {
  const id = ctx.s.fields.priority ?? ctx.s.fields.severity;
  return typeof id === 'string' ? scale.levelsById[id] : undefined;
}

/** The targets for the subject's level: the first SLA policy of its scale that matches, else the level's own. */
export function targetsOf(ctx: Ctx): { source: string; targets: Partial<Record<TargetName, Target>> } | null {
  const scale = scaleOf(ctx);
  if (!scale) return null;
  const level = levelOf(ctx, scale);
  if (!level) return null;
  for (const policy of ctx.ep.policy.pack.slaPolicies ?? []) {
    if (policy.scale !== scale.id || !holds(policy.when, ctx)) continue;
    const targets = policy.targets[level.id];
    if (targets) return { source: `sla-policy:${policy.id}/${level.id}`, targets };
  }
  return { source: `scale:${scale.id}/${level.id}`, targets: level.targets ?? {} };
}

/** A target as a clock's allowance on a calendar; null for `none` and for deadlines set by a schedule. */
export function allowance(
  ctx: Ctx,
  target: Target,
  fromMs: number,
): { targetMs: number; calendarId: string | null } | null {
  if ('within' in target) {
    const calendarId = target.calendar ?? null;
    return {
      targetMs: target.within,
      calendarId: ctx.ep.calendars.has(calendarId ?? '') ? calendarId : null,
    };
  }
  if ('by' in target && target.by === 'next-cycle' && target.schedule) {
    // "Next support cycle": the next run of the named schedule (a weekly review).
    const checklist = ctx.ep.policy.checklists[target.schedule];
    const next = checklist?.schedule ? nextRun(ctx, checklist.schedule, fromMs) : null;
    return next === null ? null : { targetMs: next - fromMs, calendarId: null };
  }
  if ('by' in target && target.by === 'next-release') {
    // "Fix in next scheduled update": due when the next release ships without the fix. The records module
    // tells an open bug when a release it is not part of is deployed (`next_release_deployed_ms`).
    const deployedMs = ctx.s.fields.next_release_deployed_ms;
    return typeof deployedMs === 'number' && deployedMs >= fromMs
      ? { targetMs: deployedMs - fromMs, calendarId: null }
      : null;
  }
  if ('by' in target && target.by === 'end-of-business-day') {
    // The end of the business day: the close of the open span the subject is in (or the next one).
    const calendar = ctx.ep.calendar(target.calendar);
    const open = calendar.nextOpen(fromMs);
    if (!Number.isFinite(open)) return null;
    const closed = calendar.closedSpans(open, open + 8 * 86_400_000)[0];
    const closeMs = closed ? closed.fromMs : open + 86_400_000;
    return { targetMs: closeMs - fromMs, calendarId: null };
  }
  return null;
}

/**
 * The channel's own response goal (ShopSmart: "WhatsApp < 15 min bot, < 1 hr human", on the channel's
 * hours): a `channel-response` clock on the channel's calendar, met by the team's first response.
 */
function startChannelClock(ctx: Ctx): void {
  if (ctx.s.kind !== 'ticket' || ctx.s.clocks['channel-response'] || ctx.s.marks.created === undefined)
    return;
  const channelId = ctx.s.fields.channel;
  const channel = typeof channelId === 'string' ? ctx.ep.policy.channels[channelId] : undefined;
  const goal = channel?.responseGoal;
  if (!channel || !goal) return;
  const human = 'human' in goal ? goal.human : goal;
  if (!('within' in human)) return;
  const target = { ...human, calendar: human.calendar ?? channel.calendar };
  startNamedClock(
    ctx,
    'channel-response',
    target,
    ctx.s.marks.created,
    `channel:${channel.id}`,
    `${channel.label} response`,
  );
}

/** Starts every target clock whose anchor has happened and that is not running yet. */
export function startTargetClocks(ctx: Ctx): void {
  startChannelClock(ctx);
  const found = targetsOf(ctx);
  if (!found) return;
  for (const name of TARGET_NAMES) {
    const target = found.targets[name];
    if (!target) continue;
    const since = ('since' in target ? target.since : undefined) ?? DEFAULT_SINCE[name];
    const anchor = ctx.s.marks[since];
    const id = CLOCK_OF_TARGET[name];
    if (anchor === undefined || ctx.s.clocks[id]) continue;
    startNamedClock(ctx, id, target, anchor, found.source, name);
  }
}

export function startNamedClock(
  ctx: Ctx,
  id: string,
  target: Target,
  anchorMs: number,
  source: string,
  label?: string,
): void {
  const allowed = allowance(ctx, target, anchorMs);
  if (!allowed) return;
  const clock = startClock(
    { id, targetMs: allowed.targetMs, calendarId: allowed.calendarId, ...(label ? { label } : {}) },
    anchorMs,
  );
  ctx.s.clocks[id] = { clock, source, warned: false, breachAnnounced: false };
  const due = readClock(clock, ctx.ep.calendar(clock.calendarId), ctx.nowMs).dueMs;
  ctx.emit(`clock:${id}@${anchorMs}:start`, {
    type: 'clock.start',
    clock: id,
    dueMs: due,
    ...explained(ctx, id),
  });
}

/** The derivation of a clock's due time, as the API and `simulate --explain` show it. */
export function explain(ctx: Ctx, id: string): string | undefined {
  const tracked = ctx.s.clocks[id];
  if (!tracked || !ctx.explains) return undefined;
  return deriveDue(tracked.clock, ctx.ep.calendar(tracked.clock.calendarId), ctx.nowMs, ctx.ep.timeZone).text;
}

function explained(ctx: Ctx, id: string): { explain?: string } {
  const text = explain(ctx, id);
  return text === undefined ? {} : { explain: text };
}

/** Stops a running clock and announces its verdict (met, or breached if it had not been announced yet). */
export function meetClock(ctx: Ctx, id: string): void {
  const tracked = ctx.s.clocks[id];
  if (!tracked || tracked.clock.stoppedAtMs !== null) return;
  const clock = stopClock(tracked.clock, ctx.nowMs);
  const reading = readClock(clock, ctx.ep.calendar(clock.calendarId), ctx.nowMs);
  ctx.s.clocks[id] = { ...tracked, clock };
  const at = `clock:${id}@${clock.startedAtMs}`;
  if (reading.phase === 'met') {
    ctx.emit(`${at}:met`, { type: 'clock.met', clock: id, dueMs: reading.dueMs });
  } else if (!tracked.breachAnnounced) {
    ctx.s.clocks[id] = { ...tracked, clock, breachAnnounced: true };
    ctx.emit(`${at}:breach`, {
      type: 'clock.breach',
      clock: id,
      dueMs: reading.dueMs,
      ...explained(ctx, id),
    });
  }
}

export function pauseNamedClock(ctx: Ctx, id: string, reason: string): void {
  const tracked = ctx.s.clocks[id];
  if (!tracked || tracked.clock.stoppedAtMs !== null) return;
  const last = tracked.clock.pauses.at(-1);
  if (last && last.toMs === null) return;
  ctx.s.clocks[id] = { ...tracked, clock: pauseClock(tracked.clock, ctx.nowMs, reason) };
  ctx.emit(`clock:${id}@${tracked.clock.startedAtMs}${ctx.occurrence}:pause`, {
    type: 'clock.pause',
    clock: id,
    dueMs: null,
  });
}

export function resumeNamedClock(ctx: Ctx, id: string): void {
  const tracked = ctx.s.clocks[id];
  if (!tracked || tracked.clock.stoppedAtMs !== null) return;
  const last = tracked.clock.pauses.at(-1);
  if (!last || last.toMs !== null) return;
  const clock = resumeClock(tracked.clock, ctx.nowMs);
  ctx.s.clocks[id] = { ...tracked, clock };
  const due = readClock(clock, ctx.ep.calendar(clock.calendarId), ctx.nowMs).dueMs;
  ctx.emit(`clock:${id}@${clock.startedAtMs}${ctx.occurrence}:resume`, {
    type: 'clock.resume',
    clock: id,
    dueMs: due,
    ...explained(ctx, id),
  });
}

/** A stopped clock runs again (a reopened ticket): the time it stood stopped counts as a pause. */
export function reopenClock(ctx: Ctx, id: string): void {
  const tracked = ctx.s.clocks[id];
  if (!tracked || tracked.clock.stoppedAtMs === null) return;
  const stopped = tracked.clock.stoppedAtMs;
  const clock = {
    ...tracked.clock,
    stoppedAtMs: null,
    pauses: [...tracked.clock.pauses, { fromMs: stopped, toMs: ctx.nowMs, reason: 'resolved' }],
  };
  ctx.s.clocks[id] = { ...tracked, clock };
}

/** The subject's level changed: every clock of the old targets takes the new target for its name. */
export function retargetClocks(ctx: Ctx, reason: string): void {
  const found = targetsOf(ctx);
  if (!found) return;
  for (const name of TARGET_NAMES) {
    const id = CLOCK_OF_TARGET[name];
    const tracked = ctx.s.clocks[id];
    const target = found.targets[name];
    if (!tracked || tracked.clock.stoppedAtMs !== null || !target) continue;
    const allowed = allowance(ctx, target, tracked.clock.startedAtMs);
    if (!allowed) continue;
    const clock = retargetClock(tracked.clock, allowed, ctx.nowMs, reason);
    ctx.s.clocks[id] = { ...tracked, clock, source: found.source, warned: false };
  }
  startTargetClocks(ctx);
}

/**
 * Announces, once each, every warning and breach that has fallen due by now. While an event is handled a
 * deadline falling exactly now is left to its timer (`inclusive` false), so another event at the same
 * instant (the answer given at the very minute) is handled first and can still meet it.
 */
export function announceClocks(
  ctx: Ctx,
  inclusive = true,
  wake: (name: string, atMs: number | null) => void = () => undefined,
): void {
  for (const id in ctx.s.clocks) {
    const tracked = ctx.s.clocks[id]!;
    if (tracked.clock.stoppedAtMs !== null || tracked.breachAnnounced) {
      wake(`clock:${id}`, null);
      continue;
    }
    const calendar = ctx.ep.calendar(tracked.clock.calendarId);
    const reading = readClock(tracked.clock, calendar, ctx.nowMs);
    const at = `clock:${id}@${tracked.clock.startedAtMs}`;
    let warned = tracked.warned;
    const warn = warned ? null : warnAt(tracked.clock, calendar, ctx.nowMs, WARN_FRACTION);
    if (!warned && reading.phase !== 'breached' && warn !== null && warn <= ctx.nowMs) {
      warned = true;
      ctx.s.clocks[id] = { ...tracked, warned: true };
      ctx.emit(`${at}:warn`, { type: 'clock.warn', clock: id, dueMs: reading.dueMs, ...explained(ctx, id) });
    }
    const due =
      reading.dueMs !== null && (inclusive ? reading.dueMs <= ctx.nowMs : reading.dueMs < ctx.nowMs);
    if (
      reading.phase === 'breached' &&
      (due || reading.dueMs === null || tracked.clock.retargets.length > 0)
    ) {
      ctx.s.clocks[id] = { ...ctx.s.clocks[id]!, warned: true, breachAnnounced: true };
      ctx.emit(`${at}:breach`, {
        type: 'clock.breach',
        clock: id,
        dueMs: reading.dueMs,
        ...explained(ctx, id),
      });
      wake(`clock:${id}`, null);
      continue;
    }
    // The next instant the clock needs the subject woken: its warning, else its breach.
    let next = !warned && warn !== null && warn > ctx.nowMs ? warn : reading.dueMs;
    if (next !== null && !Number.isFinite(next)) next = null;
    wake(`clock:${id}`, next);
  }
}
