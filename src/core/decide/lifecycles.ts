/**
 * Lifecycles: a subject runs every lifecycle made for its kind. An event moves it along the first
 * transition from its state whose `on` names the event and whose guard holds; a timed transition moves it
 * `after` a time in its state. A transition that needs an approval or a checklist waits for the event
 * that records it (`<lifecycle>.approved`, `checklist.completed`) to have happened.
 */
import { hooks, type Ctx } from './context.js';
import { runAction } from './actions.js';
import { holds } from './conditions.js';

/** Record kinds of a pack that the engine runs on an `account` subject (a shop, an estate, its subscription). */
const ACCOUNT_RECORDS = new Set([
  'account',
  'signup',
  'estate',
  'subscription',
  'organisation',
  'organization',
  'shop',
  'payment',
  'customer',
]);

export function lifecyclesOf(ctx: Ctx) {
  const kind = ctx.s.kind;
  return ctx.ep.memo(`lifecycles:${kind}`, () =>
    Object.values(ctx.ep.policy.lifecycles).filter((l) =>
      kind === 'account' ? ACCOUNT_RECORDS.has(l.for) : l.for === kind,
    ),
  );
}

/** The names an event may go by in a transition's `on`: `signup.approved` is also `approved` and `approve`. */
export function eventNames(type: string, action?: unknown): Set<string> {
  const names = new Set([type]);
  if (typeof action === 'string') names.add(action);
  const last = type.split('.').at(-1) ?? type;
  names.add(last);
  if (last.endsWith('ed')) {
    names.add(last.slice(0, -1));
    names.add(last.slice(0, -2));
  }
  return names;
}

function sources(from: string | readonly string[], states: readonly string[]): readonly string[] {
  return from === '*' ? states : typeof from === 'string' ? [from] : from;
}

export function enterInitialStates(ctx: Ctx): void {
  for (const lifecycle of lifecyclesOf(ctx)) {
    if (ctx.s.lifecycles[lifecycle.id]) continue;
    ctx.s.lifecycles[lifecycle.id] = { state: lifecycle.initial, enteredAtMs: ctx.nowMs };
  }
}

function move(ctx: Ctx, lifecycleId: string, to: string, key: string, index: number | null): void {
  const lifecycle = ctx.ep.policy.lifecycles[lifecycleId];
  const position = ctx.s.lifecycles[lifecycleId];
  if (!lifecycle || !position || position.state === to) return;
  ctx.s.lifecycles[lifecycleId] = { state: to, enteredAtMs: ctx.nowMs };
  ctx.emit(key, { type: 'transition', lifecycle: lifecycleId, from: position.state, to });
  ctx.s.fields[`${lifecycleId}_state`] = to;
  // The record's status as guards read it: `signup_status: approved`, `payment_status: confirmed`.
  ctx.s.fields[`${lifecycle.for}_status`] = to;
  // Entering a state is an anchor clocks may count from (`since: triaged`, `since: deployed`).
  ctx.mark(to);
  // A record other than a ticket or incident is resolved by its lifecycle (a bug reaching `resolved`).
  if ((to === 'resolved' || to === 'closed') && ctx.s.kind !== 'ticket' && ctx.s.kind !== 'incident')
    ctx.resolveSubject();
  const target = lifecycle.states.find((s) => s.id === to);
  if (target?.terminal) ctx.mark(`${lifecycleId}-ended`);
  if (index !== null) {
    const transition = lifecycle.transitions[index];
    // The event that moved it is an anchor too (`since: deployed` counts from the transition `on: deployed`).
    if (transition?.on !== undefined) ctx.mark(transition.on);
    (transition?.effects ?? []).forEach((action, i) =>
      runAction(ctx, action, `lifecycle:${lifecycleId}:${index}`, i),
    );
  }
}

/** Applies the event to every lifecycle of the subject: at most one transition each. */
export function lifecycleEvent(ctx: Ctx, type: string): void {
  const family = type.split('.')[0] ?? '';
  // Short names (`approve` for `signup.approved`) only move the lifecycle of that record.
  const short = eventNames(type, ctx.data.action);
  const always = new Set([type]);
  // A status change also goes by its status: `incident.status { to: resolved }` is `resolve`.
  const status = type.endsWith('.status') ? (ctx.data.status ?? ctx.data.to) : undefined;
  if (typeof status === 'string') for (const name of eventNames(`status.${status}`)) always.add(name);
  if (type === 'ticket.replied' && ctx.data.by !== 'customer') always.add('respond');
  if (type === 'incident.status') always.add('respond');
  for (const lifecycle of lifecyclesOf(ctx)) {
    const position = ctx.s.lifecycles[lifecycle.id];
    if (!position) continue;
    const names = family === lifecycle.for || family === ctx.s.kind ? new Set([...short, ...always]) : always;
    const states = lifecycle.states.map((s) => s.id);
    const index = lifecycle.transitions.findIndex(
      (t) =>
        t.on !== undefined &&
        names.has(t.on) &&
        sources(t.from, states).includes(position.state) &&
        holds(t.guard, ctx) &&
        (t.approval === undefined ||
          ctx.s.marks[`${lifecycle.id}-approved`] !== undefined ||
          ctx.data.approved === true) &&
        (t.checklist === undefined ||
          ctx.s.marks[`checklist:${t.checklist}`] !== undefined ||
          ctx.data.checklist === t.checklist),
    );
    if (index < 0) continue;
    const t = lifecycle.transitions[index]!;
    move(ctx, lifecycle.id, t.to, `lifecycle:${lifecycle.id}:${index}${ctx.occurrence}`, index);
  }
}

/** Timed transitions that have come due by now. */
export function lifecycleTimers(ctx: Ctx, wake: (name: string, atMs: number | null) => void): void {
  for (const lifecycle of lifecyclesOf(ctx)) {
    const states = lifecycle.states.map((s) => s.id);
    // A lifecycle moves at most once per state visit here; looping guards against a chain of due moves.
    for (let hop = 0; hop < states.length; hop++) {
      const position = ctx.s.lifecycles[lifecycle.id];
      if (!position) break;
      let next: { index: number; atMs: number } | null = null;
      lifecycle.transitions.forEach((t, index) => {
        if (t.after === undefined || t.on !== undefined) return;
        if (!sources(t.from, states).includes(position.state)) return;
        // A timed transition whose guard does not hold is not the one that will happen (Standard vs
        // Enterprise retention): the next one is.
        if (!holds(t.guard, ctx)) return;
        const atMs = position.enteredAtMs + t.after;
        if (!next || atMs < next.atMs) next = { index, atMs };
      });
      const due = next as { index: number; atMs: number } | null;
      if (!due || due.atMs > ctx.nowMs) {
        wake(`lifecycle:${lifecycle.id}`, due ? due.atMs : null);
        break;
      }
      const t = lifecycle.transitions[due.index]!;
      if (!holds(t.guard, ctx)) {
        wake(`lifecycle:${lifecycle.id}`, null);
        break;
      }
      move(
        ctx,
        lifecycle.id,
        t.to,
        `lifecycle:${lifecycle.id}:${due.index}@${position.enteredAtMs}`,
        due.index,
      );
    }
  }
}

/** An action's `transition`: enters the lifecycle if the subject is not in it yet, then moves. */
hooks.transition = (ctx, lifecycleId, to, key) => {
  if (!ctx.s.lifecycles[lifecycleId]) {
    const lifecycle = ctx.ep.policy.lifecycles[lifecycleId];
    if (!lifecycle) return;
    ctx.s.lifecycles[lifecycleId] = { state: lifecycle.initial, enteredAtMs: ctx.nowMs };
  }
  move(ctx, lifecycleId, to, key, null);
};
