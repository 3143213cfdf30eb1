/**
 * `decide(policy, subject, event)`: the engine's one pure function. Live processing, the simulator and
 * pack tests all call it, so they cannot diverge. It (1) announces what fell due before the event (a late
 * timer never changes a verdict, it only announces it), (2) applies the event, (3) runs whatever is due at
 * the event's instant, and (4) says when the subject next needs waking.
 */
import { Ctx, draftOf, hooks, type Draft } from './context.js';
import { clockRules, escalationEvents, escalationTimers, manualEscalation } from './escalations.js';
import { declareIncident, reachStage, resolveIncident, startIncidentClocks } from './incidents.js';
import { journeyEvents, journeyTimers, journeyTriggers } from './journeys.js';
import { enterInitialStates, lifecycleEvent, lifecyclesOf, lifecycleTimers } from './lifecycles.js';
import { scheduleTimers } from './schedules.js';
import { registerTimers } from './vendors.js';
import { releaseTimers } from './releases.js';
import type { EnginePolicy } from './prepare.js';
import {
  announceClocks,
  levelOf,
  meetClock,
  pauseNamedClock,
  reopenClock,
  resumeNamedClock,
  retargetClocks,
  scaleOf,
  startTargetClocks,
} from './sla.js';
import { notifyRoutes } from './actions.js';
import type { Decision, EngineEvent, Scalar, SubjectState } from './types.js';

/** Ticket statuses that wait on someone else: the resolution clock pauses ("pending", "on hold"). */
export const PAUSED_STATUSES: ReadonlySet<string> = new Set([
  'pending',
  'waiting',
  'waiting-on-customer',
  'on-hold',
]);
export const RESOLVED_STATUSES: ReadonlySet<string> = new Set(['resolved', 'solved', 'closed']);

/** The kind and id of a subject key: `ticket:T1` → `ticket`, `T1`. */
export function splitKey(key: string): { kind: string; id: string } {
  const at = key.indexOf(':');
  return at < 0 ? { kind: 'record', id: key } : { kind: key.slice(0, at), id: key.slice(at + 1) };
}

export function newSubject(key: string, atMs: number): SubjectState {
  const { kind, id } = splitKey(key);
  return {
    key,
    kind,
    id,
    seq: 0,
    createdAtMs: atMs,
    fields: {},
    facts: {},
    marks: {},
    open: true,
    clocks: {},
    escalations: {},
    journeys: {},
    lifecycles: {},
    timers: {},
  };
}

export interface DecideOptions {
  /** Derivation texts on clock effects (default true; the simulator leaves them out unless asked). */
  readonly explain?: boolean;
  /**
   * Change the given state in place instead of a copy: for a caller that owns the state and keeps only
   * the returned one (the simulator). Live processing never sets it.
   */
  readonly inPlace?: boolean;
}

export function decide(
  ep: EnginePolicy,
  state: SubjectState | null,
  event: EngineEvent,
  options: DecideOptions = {},
): Decision {
  const explains = options.explain ?? true;
  const base = state ?? newSubject(event.subject, event.atMs);
  const s: Draft = options.inPlace ? base : draftOf(base);
  s.seq++;
  // The timer that woke the subject is spent: if the same instant is wanted again it is set again.
  if (event.type === 'timer' && typeof event.data.timer === 'string') delete s.timers[event.data.timer];
  const effects: Ctx['effects'] = [];
  const wakes = new Map<string, number | null>();
  const wake = (name: string, atMs: number | null) => {
    const known = wakes.get(name);
    if (atMs === null) {
      if (!wakes.has(name)) wakes.set(name, null);
    } else if (known === undefined || known === null || atMs < known) wakes.set(name, atMs);
  };

  // (1) What fell due strictly before the event: events at the same instant as a deadline win.
  if (event.type !== 'timer' && state !== null && overdue(s, event.atMs)) {
    const before = new Ctx(ep, s, event.atMs - 1, {}, explains);

    advance(before, () => undefined, true);
    effects.push(...before.effects);
  }
  const ctx = new Ctx(ep, s, event.atMs, event.data, explains);

  if (event.type !== 'timer') apply(ctx, event.type);
  advance(ctx, wake, event.type === 'timer');
  effects.push(...ctx.effects);

  const timers: { name: string; atMs: number | null }[] = [];
  for (const [name, atMs] of wakes) {
    const had = s.timers[name];
    if (atMs === null) {
      if (had !== undefined) {
        delete s.timers[name];
        timers.push({ name, atMs: null });
      }
    } else if (had !== atMs) {
      s.timers[name] = atMs;
      timers.push({ name, atMs });
    }
  }
  return { state: s, effects, timers };
}

/** Whether a wake-up of the subject fell before `atMs` and has not run (a late timer). */
function overdue(s: Draft, atMs: number): boolean {
  for (const name in s.timers) if (s.timers[name]! < atMs) return true;
  return false;
}

/** Runs everything due by `ctx.nowMs`, in a fixed order, and collects the next wake-ups. */
function advance(ctx: Ctx, wake: (name: string, atMs: number | null) => void, inclusive: boolean): void {
  escalationTimers(ctx, wake);
  journeyTimers(ctx, wake);
  lifecycleTimers(ctx, wake);
  scheduleTimers(ctx, wake);
  // After the lifecycles' timed moves: a release announced now may be released by its closed window.
  releaseTimers(ctx, wake);
  registerTimers(ctx, wake); // vendor reviews and contracts, restore drill alerts (vendors.ts)
  const announced = ctx.effects.length;
  announceClocks(ctx, inclusive, wake);
  // Rules on a clock's warning or breach; an escalation they make may start a tier clock to wake for.
  if (ctx.effects.length > announced && clockRules(ctx, announced)) announceClocks(ctx, inclusive, wake);
}

function text(value: Scalar | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Copies the event's fields onto the subject, except the ones that only name it. */
function absorb(ctx: Ctx, except: readonly string[] = []): void {
  for (const [name, value] of Object.entries(ctx.data)) {
    if (except.includes(name) || name === ctx.s.kind) continue;
    ctx.s.fields[name] = value;
  }
}

function open(ctx: Ctx): void {
  ctx.s.open = true;
  ctx.mark('created');
  enterInitialStates(ctx);
  const scale = scaleOf(ctx);
  const level = scale ? levelOf(ctx, scale) : undefined;
  if (scale && level) notifyRoutes(ctx, scale.id, level.id, 'created');
}

hooks.resolve = (ctx) => resolve(ctx);

function resolve(ctx: Ctx): void {
  if (!ctx.s.open) return;
  ctx.s.open = false;
  ctx.s.marks.resolved = ctx.nowMs;
  ctx.s.fields.status =
    ctx.s.fields.status && RESOLVED_STATUSES.has(String(ctx.s.fields.status))
      ? ctx.s.fields.status
      : 'resolved';
  for (const id of Object.keys(ctx.s.clocks)) {
    // Resolving does not report to a regulator nor write the post-mortem: those clocks keep running.
    if (id.startsWith('stage:') || id.startsWith('regulatory:')) continue;
    meetClock(ctx, id);
  }
  if (ctx.s.kind === 'incident') resolveIncident(ctx);
}

function reopen(ctx: Ctx): void {
  if (ctx.s.open) return;
  ctx.s.open = true;
  ctx.s.fields.status = 'open';
  ctx.mark('reopened');
  reopenClock(ctx, 'resolution');
  reopenClock(ctx, 'fix');
}

/** A response by the team: first response, tier response and update clocks are met. */
function responded(ctx: Ctx): void {
  ctx.mark('first-response');
  for (const id of Object.keys(ctx.s.clocks)) {
    if (id === 'first-response' || id === 'response' || id.endsWith('-response')) meetClock(ctx, id);
  }
  const update = ctx.s.clocks.update;
  if (update && update.clock.stoppedAtMs === null) {
    meetClock(ctx, 'update');
    delete ctx.s.clocks.update;
    if (ctx.s.open) ctx.s.marks['first-response'] = ctx.nowMs;
  }
}

function setStatus(ctx: Ctx, status: string): void {
  ctx.s.fields.status = status;
  if (RESOLVED_STATUSES.has(status)) return resolve(ctx);
  if (status === 'reopened') return reopen(ctx);
  if (!ctx.s.open) reopen(ctx);
  ctx.s.fields.status = status;
  if (PAUSED_STATUSES.has(status)) {
    pauseNamedClock(ctx, 'resolution', status);
    pauseNamedClock(ctx, 'fix', status);
  } else {
    resumeNamedClock(ctx, 'resolution');
    resumeNamedClock(ctx, 'fix');
  }
}

function changeLevel(ctx: Ctx, field: 'priority' | 'severity', level: string | undefined): void {
  if (!level || ctx.s.fields[field] === level) return;
  ctx.s.fields[field] = level;
  retargetClocks(ctx, `${field} changed to ${level}`);
  const scale = scaleOf(ctx);
  if (scale && scale.levelsById[level]) notifyRoutes(ctx, scale.id, level, `${field}${ctx.occurrence}`);
}

/** Marks an account event leaves for guards and exits: `signup.approved` → `approved`, … */
const ACCOUNT_MARKS: Readonly<Record<string, readonly [mark: string, field?: string, value?: string]>> = {
  'signup.submitted': ['submitted', 'signup_status', 'pending'],
  'signup.approved': ['approved', 'signup_status', 'approved'],
  'signup.rejected': ['rejected', 'signup_status', 'rejected'],
  'signup.suspended': ['suspended', 'signup_status', 'suspended'],
  'payment.confirmed': ['payment-confirmed', 'payment_status', 'confirmed'],
  'payment.succeeded': ['payment-succeeded', 'subscription_status', 'active'],
  'payment-method.updated': ['payment-method-updated'],
  'subscription.upgraded': ['upgraded', 'subscription_status', 'active'],
  'payment.failed': ['payment-failed', 'subscription_status', 'past_due'],
  'trial.started': ['trial-started', 'subscription_status', 'trialing'],
  'subscription.activated': ['activated', 'subscription_status', 'active'],
  'subscription.cancelled': ['cancelled', 'subscription_status', 'cancelled'],
};

/** Applies an event to the subject, then runs the pack's rules that listen for its type. */
function apply(ctx: Ctx, type: string): void {
  const d = ctx.data;
  switch (type) {
    case 'ticket.created':
      absorb(ctx);
      ctx.s.fields.status = 'open';
      ctx.s.fields.tier ??= ctx.ep.policy.pack.tiers?.[0]?.id ?? null;
      open(ctx);
      break;
    case 'ticket.replied':
      if (d.by === 'customer') {
        if (PAUSED_STATUSES.has(String(ctx.s.fields.status))) setStatus(ctx, 'open');
      } else responded(ctx);
      break;
    case 'ticket.status':
    case 'incident.status': {
      const status = text(d.status) ?? text(d.to) ?? '';
      if (type === 'incident.status') {
        responded(ctx);
        const stages = [...(ctx.ep.policy.pack.incidents?.stages ?? [])];
        if (stages.some((st) => st.id === status)) reachStage(ctx, status);
      }
      setStatus(ctx, status);
      break;
    }
    case 'ticket.priority':
    case 'incident.priority':
      changeLevel(ctx, 'priority', text(d.priority) ?? text(d.to));
      break;
    case 'incident.severity':
      changeLevel(ctx, 'severity', text(d.severity) ?? text(d.to));
      break;
    case 'ticket.escalated':
    case 'incident.escalated':
      manualEscalation(ctx, text(d.to) ?? 'tier:', text(d.reason));
      break;
    case 'ticket.assigned':
      ctx.s.fields.assignee = d.assignee ?? null;
      ctx.mark('assigned');
      break;
    case 'ticket.resolved':
    case 'incident.resolved':
    case 'alert.resolved':
      resolve(ctx);
      break;
    case 'ticket.reopened':
      reopen(ctx);
      break;
    case 'security-incident.declared':
    case 'incident.declared':
      if (type === 'security-incident.declared') ctx.s.fields.kind ??= 'security';
      absorb(ctx);
      ctx.s.fields.status = 'declared';
      ctx.mark('detected');
      ctx.mark('declared');
      open(ctx);
      declareIncident(ctx);
      break;
    case 'incident.role':
      ctx.s.fields[`role_${text(d.role) ?? 'unknown'}`] = d.who ?? null;
      ctx.mark('assigned');
      break;
    case 'incident.updated':
      responded(ctx);
      if (d.audience === 'customer') meetClock(ctx, 'customer-notice');
      break;
    case 'incident.stage':
      reachStage(ctx, text(d.stage) ?? '');
      break;
    case 'incident.reported':
      meetClock(ctx, `regulatory:${text(d.clock) ?? text(d.authority) ?? ''}`);
      break;
    case 'alert.fired':
      alertFired(ctx);
      break;
    case 'monitor.down':
      ctx.s.open = true;
      ctx.mark('down');
      ctx.s.fields.status = 'down';
      break;
    case 'monitor.up':
      ctx.s.fields.status = 'up';
      resolve(ctx);
      break;
    case 'survey.answered':
      // Branches read the answer as `score` or `answer` (NPS 0-10, CSAT 1-5).
      absorb(ctx);
      ctx.s.fields.answer = d.score ?? null;
      break;
    case 'schedule.started':
      ctx.mark('created');
      break;
    case 'fact.set': {
      const name = text(d.name);
      if (name) ctx.s.facts[name] = d.value ?? null;
      break;
    }
    case 'checklist.item_done':
      ctx.mark(`item:${text(d.item) ?? ''}`);
      break;
    case 'checklist.completed':
      ctx.mark(`checklist:${text(d.checklist) ?? ''}`);
      break;
    default: {
      if (ctx.s.marks.created === undefined) {
        ctx.mark('created');
        enterInitialStates(ctx);
      }
      const accountMark = ACCOUNT_MARKS[type];
      const family = type.split('.')[0] ?? '';
      // Where a lifecycle of the pack runs this record (`signup`, `payment`), it alone says its status.
      const owned = lifecyclesOf(ctx).some((l) => l.for === family);
      if (accountMark && !owned) {
        const [mark, field, value] = accountMark;
        ctx.s.marks[mark] = ctx.nowMs;
        if (field && value) ctx.s.fields[field] = value;
      }
      // `<record>.approved` is the approval a transition of that record's lifecycle may wait for.
      if (type.endsWith('.approved'))
        for (const l of lifecyclesOf(ctx)) if (l.for === family) ctx.mark(`${l.id}-approved`);
      absorb(ctx, ['name', 'value', 'action']);
    }
  }
  lifecycleEvent(ctx, type);
  checklistTriggers(ctx, type);
  // A status change to resolved is also the `<kind>.resolved` event the pack's rules may listen for.
  const implied = impliedTypes(ctx, type);
  for (const t of [type, ...implied]) {
    escalationEvents(ctx, t);
    journeyTriggers(ctx, t);
    journeyEvents(ctx, t);
  }
  startTargetClocks(ctx);
  startIncidentClocks(ctx);
}

/** Checklists opened by an event (`trigger: { event: security-incident.declared }`). */
function checklistTriggers(ctx: Ctx, type: string): void {
  const triggered = ctx.ep.memo('checklists:triggered', () =>
    Object.values(ctx.ep.policy.checklists).filter((c) => c.trigger),
  );
  for (const checklist of triggered) {
    if (checklist.trigger?.event !== type) continue;
    ctx.emit(`checklist:${checklist.id}${ctx.occurrence}`, {
      type: 'checklist',
      checklist: checklist.id,
      rule: `trigger:${type}`,
    });
  }
}

function impliedTypes(ctx: Ctx, type: string): string[] {
  if (type !== 'ticket.status' && type !== 'incident.status') return [];
  const status = String(ctx.data.status ?? ctx.data.to ?? '');
  const kind = type.split('.')[0]!;
  if (RESOLVED_STATUSES.has(status)) return [`${kind}.resolved`];
  if (status === 'reopened') return [`${kind}.reopened`];
  return [];
}

/**
 * An alert: its level comes from the event (`severity` / `priority`) or from the first threshold of the
 * pack its metric crosses (SofaCover: performance degraded by more than 50 % is a P1); a metric that
 * crosses no threshold changes nothing.
 */
function alertFired(ctx: Ctx): void {
  const d = ctx.data;
  absorb(ctx);
  const metric = text(d.metric);
  if (metric && typeof d.value === 'number' && !d.priority && !d.severity) {
    const value = d.value;
    const crossed = (ctx.ep.policy.pack.monitors?.thresholds ?? []).find(
      (t) =>
        t.metric === metric &&
        ((t.op === '>' && value > t.value) ||
          (t.op === '>=' && value >= t.value) ||
          (t.op === '<' && value < t.value) ||
          (t.op === '<=' && value <= t.value)),
    );
    if (!crossed?.level) return;
    ctx.s.fields.scale = crossed.level.scale;
    ctx.s.fields.priority = crossed.level.level;
  }
  // A repeat of an alert that is open updates it and notifies nobody again.
  if (ctx.s.marks.created !== undefined && ctx.s.open) return;
  open(ctx);
}
