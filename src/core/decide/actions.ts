/**
 * What a pack's actions and routes become: effects. A notification names its channel and honours the
 * channel's hours: a message for a closed channel goes on the channel's `fallback` when the pack names an
 * open one, else carries `notBeforeMs` and waits (the dispatcher sends it then), as ShopSmart's
 * "WhatsApp 09:00-21:00" asks.
 */
import type { Frozen } from '../../packs/compile.js';
import type { Action } from '../../packs/schema/actions.js';
import type { Ctx } from './context.js';

/**
 * Where and when a message for `channelId` goes out: now on it when open; when closed, now on its
 * `fallback` channel if the pack names one that is open (followed in turn, at most 5 hops), else on the
 * channel when its calendar next opens.
 */
function placement(ctx: Ctx, channelId: string): { channel: string; notBeforeMs?: number } {
  let candidate = channelId;
  for (let hop = 0; hop < 5; hop++) {
    const def = ctx.ep.policy.channels[candidate];
    const open = def?.calendar ? ctx.ep.calendar(def.calendar).nextOpen(ctx.nowMs) : ctx.nowMs;
    if (open <= ctx.nowMs) return { channel: candidate };
    if (!def?.fallback || def.fallback === channelId) break;
    candidate = def.fallback;
  }
  const calendarId = ctx.ep.policy.channels[channelId]?.calendar;
  const open = calendarId ? ctx.ep.calendar(calendarId).nextOpen(ctx.nowMs) : ctx.nowMs;
  return open > ctx.nowMs && Number.isFinite(open)
    ? { channel: channelId, notBeforeMs: open }
    : { channel: channelId };
}

/** The default channel of a template: the first channel of the pack of the template's kind and audience. */
function channelForTemplate(ctx: Ctx, templateId: string): string {
  return ctx.ep.memo(`template-channel:${templateId}`, () => findChannelForTemplate(ctx, templateId));
}

function findChannelForTemplate(ctx: Ctx, templateId: string): string {
  const template = ctx.ep.policy.templates[templateId];
  if (!template) return templateId;
  const channels = Object.values(ctx.ep.policy.channels);
  const match =
    channels.find((c) => c.kind === template.channel && c.audience === template.audience) ??
    channels.find((c) => c.kind === template.channel);
  return match?.id ?? template.channel;
}

/** Notifies every channel of the routes for the subject's level on `scaleId`. */
export function notifyRoutes(ctx: Ctx, scaleId: string, level: string, why: string): void {
  for (const route of ctx.ep.policy.pack.routes ?? []) {
    if (route.scale !== scaleId || !route.levels.includes(level)) continue;
    for (const channel of route.channels) {
      ctx.emit(`${why}:route:${route.id}:${channel}`, {
        type: 'notify',
        route: route.id,
        to: route.recipients ?? [],
        level,
        ...placement(ctx, channel),
      });
    }
  }
}

/** Runs a pack action for the rule `rule` (a journey step, a transition). */
export function runAction(ctx: Ctx, action: Frozen<Action>, rule: string, index: number): void {
  const key = `${rule}:${index}`;
  if ('send' in action) {
    const named = action.to?.startsWith('channel:') ? action.to.slice(8) : undefined;
    const channel = action.channel ?? named ?? channelForTemplate(ctx, action.send);
    ctx.emit(key, {
      type: 'notify',
      template: action.send,
      to: [action.to ?? 'customer:'],
      rule,
      ...placement(ctx, channel),
    });
  } else if ('notify' in action) {
    const { route, to, template } = action.notify;
    const routeDef = route ? ctx.ep.policy.pack.routes?.find((r) => r.id === route) : undefined;
    const named = to?.startsWith('channel:') ? to.slice(8) : undefined;
    const channels = routeDef
      ? routeDef.channels
      : [named ?? (template ? channelForTemplate(ctx, template) : 'in-app')];
    channels.forEach((channel) =>
      ctx.emit(`${key}:${channel}`, {
        type: 'notify',
        ...(route ? { route } : {}),
        ...(template ? { template } : {}),
        to: to ? [to] : (routeDef?.recipients ?? []),
        rule,
        ...placement(ctx, channel),
      }),
    );
  } else if ('task' in action) {
    const { title, for: who, script, due } = action.task;
    ctx.emit(key, {
      type: 'task',
      title,
      assignee: who,
      rule,
      ...(script ? { script } : {}),
      ...(due !== undefined ? { dueMs: ctx.nowMs + due } : {}),
    });
  } else if ('flag' in action) {
    ctx.emit(key, {
      type: 'flag',
      label: action.flag.label,
      rule,
      ...(action.flag.for ? { for: action.flag.for } : {}),
    });
  } else if ('survey' in action) {
    // A survey is a message to the customer that asks; its answer comes back as `survey.answered`.
    const channel = channelForTemplate(ctx, action.survey.template);
    ctx.emit(key, {
      type: 'notify',
      template: action.survey.template,
      survey: action.survey.id,
      surveyScale: action.survey.kind ?? 'nps',
      to: ['customer:'],
      rule,
      ...placement(ctx, channel),
    });
  } else if ('escalate' in action) {
    ctx.emit(key, {
      type: 'escalate',
      rule,
      to: action.escalate.to,
      ...(action.escalate.reason ? { reason: action.escalate.reason } : {}),
    });
  } else if ('record' in action) {
    ctx.emit(key, {
      type: 'record',
      what: action.record.what,
      rule,
      ...(action.record.system ? { system: action.record.system } : {}),
    });
  } else if ('checklist' in action) {
    ctx.emit(key, { type: 'checklist', checklist: action.checklist, rule });
  } else if ('handoff' in action) {
    ctx.emit(key, { type: 'handoff', to: action.handoff.to, items: action.handoff.items, rule });
  } else if ('transition' in action) {
    ctx.requestTransition(action.transition.lifecycle, action.transition.to, key);
  }
}
