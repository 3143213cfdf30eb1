/**
 * Escalation rules (SofaCover: "P0 to Tier 2 after 30 min, P1 after 2 h, unresolved P0/P1 to management
 * after 4 h"). A timed rule counts from its anchor (`since`), on its calendar if it names one, and fires
 * only while its condition holds and, unless it says otherwise, while the subject is open; `repeat` fires
 * it again every so often, so many times. Escalating to a tier starts that tier's response clock.
 */
import type { Ctx } from './context.js';
import { holds } from './conditions.js';
import { levelOf, meetClock, scaleOf, startNamedClock } from './sla.js';

/** What escalation rules apply to: the records that have a priority and someone working them. */
const ESCALATED_KINDS: ReadonlySet<string> = new Set(['ticket', 'incident', 'bug']);

function rules(ctx: Ctx) {
  return ESCALATED_KINDS.has(ctx.s.kind) ? (ctx.ep.policy.pack.escalations ?? []) : [];
}

/** Records an escalation: the effect, the `escalated` anchor, the tier, and the tier's response clock. */
export function escalate(ctx: Ctx, key: string, rule: string, to: string, reason?: string): void {
  ctx.emit(key, { type: 'escalate', rule, to, ...(reason ? { reason } : {}) });
  ctx.s.marks.escalated = ctx.nowMs;
  if (!to.startsWith('tier:')) return;
  const tierId = to.slice(5);
  ctx.s.fields.tier = tierId;
  const tier = ctx.ep.policy.pack.tiers?.find((t) => t.id === tierId);
  const scale = scaleOf(ctx);
  const level = scale ? levelOf(ctx, scale) : undefined;
  const response = tier?.responseTimes?.find((r) => r.level === level?.id);
  if (!response) return;
  const id = `${tierId}-response`;
  if (ctx.s.clocks[id]) meetClock(ctx, id);
  delete ctx.s.clocks[id];
  startNamedClock(ctx, id, response.target, ctx.nowMs, `tier:${tierId}/${level!.id}`);
}

/** A person escalated by hand, for a reason (ShopSmart's escalation matrix, SofaCover's three reasons). */
export function manualEscalation(ctx: Ctx, to: string, reason: string | undefined): void {
  const rule = rules(ctx).find(
    (r) => 'manual' in r.trigger && r.to === to && (reason === undefined || r.trigger.manual === reason),
  );
  escalate(ctx, `escalation:manual${ctx.occurrence}`, rule?.id ?? 'manual', to, reason ?? rule?.label);
}

/** Event-triggered rules (`trigger: { event: bug-confirmed }`). */
export function escalationEvents(ctx: Ctx, type: string, occurrence = ctx.occurrence): number {
  let fired = 0;
  for (const rule of rules(ctx)) {
    if (!('event' in rule.trigger) || rule.trigger.event !== type || !holds(rule.when, ctx)) continue;
    escalate(ctx, `escalation:${rule.id}${occurrence}`, rule.id, rule.to, rule.label);
    fired++;
  }
  return fired;
}

/**
 * Clock-triggered rules: an escalation whose trigger is `{ event: clock.breach:<clock> }` (or
 * `clock.warn:<clock>`, or any clock's `clock.breach`) fires when that announcement is made, once per run
 * of the clock. Returns whether any fired (a tier clock may then need a wake-up).
 */
export function clockRules(ctx: Ctx, fromEffect: number): boolean {
  const listened = ctx.ep.memo('escalations:clock-events', () => {
    const names = new Set<string>();
    for (const rule of ctx.ep.policy.pack.escalations ?? [])
      if ('event' in rule.trigger && rule.trigger.event.startsWith('clock.')) names.add(rule.trigger.event);
    return names;
  });
  if (listened.size === 0) return false;
  let fired = 0;
  for (const effect of ctx.effects.slice(fromEffect)) {
    if (effect.type !== 'clock.breach' && effect.type !== 'clock.warn') continue;
    const started = ctx.s.clocks[effect.clock]?.clock.startedAtMs ?? 0;
    for (const name of [effect.type, `${effect.type}:${effect.clock}`])
      fired += escalationEvents(ctx, name, `@${effect.type}:${effect.clock}@${started}`);
  }
  return fired > 0;
}

/** Where the subject's tier stands against a rule's target tier, in the pack's order of tiers. */
function tierReached(ctx: Ctx, to: string): 'before' | 'at' | 'past' {
  if (!to.startsWith('tier:')) return 'before';
  const order = (ctx.ep.policy.pack.tiers ?? []).map((t) => t.id);
  const target = order.indexOf(to.slice(5));
  const current = order.indexOf(String(ctx.s.fields.tier ?? ''));
  if (target < 0 || current < target) return 'before';
  return current === target ? 'at' : 'past';
}

/** Fires the timed rules that have come due and says when the next one falls. */
export function escalationTimers(ctx: Ctx, wake: (name: string, atMs: number | null) => void): void {
  for (const rule of rules(ctx)) {
    const name = `escalation:${rule.id}`;
    if (!('after' in rule.trigger)) continue;
    const { after, since, calendar, onlyIfOpen } = rule.trigger;
    const anchor = ctx.s.marks[since];
    const times = 1 + (rule.repeat?.times ?? 0);
    let fired = ctx.s.escalations[rule.id] ?? 0;
    let next: number | null = null;
    while (anchor !== undefined && fired < times) {
      if (onlyIfOpen && !ctx.s.open) break;
      if (!holds(rule.when, ctx)) break;
      // Already escalated that far (by hand, or by another rule): a timed rule never sends it back down,
      // and only repeats (re-notifies) the tier it took the ticket to itself.
      const reached = tierReached(ctx, rule.to);
      if (reached === 'past' || (reached === 'at' && fired === 0)) break;
      const offset = after + fired * (rule.repeat?.every ?? 0);
      const dueMs = ctx.ep.calendar(calendar).add(anchor, offset);
      if (!Number.isFinite(dueMs)) break;
      if (dueMs > ctx.nowMs) {
        next = dueMs;
        break;
      }
      fired++;
      ctx.s.escalations[rule.id] = fired;
      escalate(ctx, `escalation:${rule.id}:${fired}`, rule.id, rule.to, rule.label);
    }
    wake(name, next);
  }
}
