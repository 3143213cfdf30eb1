/**
 * Pack values in words for the rendered SOP: durations, targets, cadences, conditions, recipients and
 * actions. Pure functions of the value (and of the calendars that are 24/7, passed in).
 */
import type { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import type { Action } from '../schema/actions.js';
import type { Cadence, Condition, Since, Target as TargetSchema } from '../schema/common.js';
import { code } from './markdown.js';

export type Target = z.output<typeof TargetSchema>;
type CadenceValue = z.output<typeof Cadence>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A duration as SOPs write it: hours up to three days ("24h", "72h"), days beyond ("7d", "30d").
 * @example describeDuration(172_800_000) // '48h'
 */
export function describeDuration(ms: number): string {
  if (ms <= 3 * DAY) {
    const hours = Math.floor(ms / HOUR);
    const rest = ms - hours * HOUR;
    if (hours === 0) return formatDuration(ms);
    return rest === 0 ? `${hours}h` : `${hours}h${formatDuration(rest)}`;
  }
  const days = Math.floor(ms / DAY);
  const rest = ms - days * DAY;
  return rest === 0 ? `${days}d` : `${days}d${formatDuration(rest)}`;
}

const SINCE: Record<z.output<typeof Since>, string> = {
  created: 'creation',
  assigned: 'assignment',
  'first-response': 'the first response',
  escalated: 'escalation',
  detected: 'detection',
  declared: 'declaration',
  resolved: 'resolution',
  triaged: 'triage',
  deployed: 'the deploy',
  entered: 'entering the state',
  trigger: 'the trigger',
  'confirmed-reportable': 'being confirmed reportable',
};

/** The event a clock counts from, as a noun: `detected` → "detection". */
export const describeSince = (since: z.output<typeof Since>) => SINCE[since];

/**
 * A target in words. `alwaysOpen`: calendar ids whose hours are 24/7, on which a target is plain wall-clock
 * time and needs no mention of hours. A clock counted from creation (the usual case) is not mentioned.
 * @example describeTarget({ within: 300_000, since: 'detected' }) // 'within 5m of detection'
 */
export function describeTarget(
  target: Target | undefined,
  alwaysOpen: ReadonlySet<string> = new Set(),
): string {
  if (!target) return '—';
  if ('none' in target) return 'none';
  if ('within' in target) {
    const on = target.calendar && !alwaysOpen.has(target.calendar) ? ` (${target.calendar} hours)` : '';
    const since = target.since && target.since !== 'created' ? describeSince(target.since) : undefined;
    if (target.within === 0) return `immediately${since ? ` on ${since}` : ''}${on}`;
    return `within ${describeDuration(target.within)}${since ? ` of ${since}` : ''}${on}`;
  }
  const schedule = target.schedule ? ` of ${target.schedule}` : '';
  const calendar =
    target.calendar && !alwaysOpen.has(target.calendar) ? ` (${target.calendar} calendar)` : '';
  return `${target.by.replace(/-/g, ' ')}${schedule}${calendar}`;
}

/** A target that recurs (`updateEvery`): "every 30m" instead of "within 30m". */
export function describeRecurring(target: Target, alwaysOpen: ReadonlySet<string> = new Set()): string {
  const words = describeTarget(target, alwaysOpen);
  return 'within' in target && target.within > 0 ? words.replace(/^within/, 'every') : words;
}

const EVERY: Record<string, string> = {
  day: 'every day',
  week: 'every week',
  'two-weeks': 'every two weeks',
  month: 'every month',
  quarter: 'every quarter',
  'half-year': 'every six months',
  year: 'every year',
  hour: 'every hour',
};

const ON: Record<string, string> = {
  'every-commit': 'on every commit',
  'every-pr': 'on every pull request',
  change: 'on every change',
  'before-release': 'before every release',
  'real-time': 'in real time',
  'as-needed': 'as needed',
};

/**
 * How often, in words.
 * @example describeCadence({ every: 'week', on: 'mon', at: '09:00' }) // 'every week on mon at 09:00'
 */
export function describeCadence(cadence: CadenceValue | { every: 'hour' }): string {
  const calendar = 'calendar' in cadence && cadence.calendar ? ` (${cadence.calendar} calendar)` : '';
  if ('cron' in cadence) return `on the schedule ${code(cadence.cron)}${calendar}`;
  if (!('every' in cadence)) return ON[cadence.on] ?? cadence.on;
  const on =
    'on' in cadence && cadence.on ? ` on ${/^\d+$/.test(cadence.on) ? 'day ' : ''}${cadence.on}` : '';
  const at = 'at' in cadence && cadence.at ? ` at ${cadence.at}` : '';
  return `${EVERY[cadence.every] ?? `every ${cadence.every}`}${on}${at}${calendar}`;
}

type Comparison = Exclude<Condition, { all: Condition[] } | { any: Condition[] } | { not: Condition }>;

const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function describeComparison(c: Comparison): string {
  const tests: string[] = [];
  const add = (sign: string, v: unknown) => v !== undefined && tests.push(`${c.field} ${sign} ${value(v)}`);
  add('=', c.eq);
  add('≠', c.ne);
  add('>', c.gt);
  add('≥', c.gte);
  add('<', c.lt);
  add('≤', c.lte);
  if (c.in) tests.push(`${c.field} is one of ${c.in.map(value).join(', ')}`);
  if (c.exists !== undefined) tests.push(`${c.field} ${c.exists ? 'is set' : 'is not set'}`);
  if (c.contains) tests.push(`${c.field} contains ${c.contains.map((w) => `"${w}"`).join(' or ')}`);
  return tests.join(' and ');
}

/** `answer ≥ 9 and answer ≤ 10` reads "answer from 9 to 10". */
function range(all: Condition[]): string | undefined {
  const [low, high] = all as Partial<Comparison>[];
  if (all.length !== 2 || !low?.field || low.field !== high?.field) return undefined;
  const keys = (c: Partial<Comparison>) => Object.keys(c).sort().join();
  if (keys(low) !== 'field,gte' || keys(high) !== 'field,lte') return undefined;
  return `${low.field} from ${low.gte} to ${high.lte}`;
}

/** `not { field, exists: true }` reads "field is not set". */
function negation(condition: Condition): string {
  const simple = !('all' in condition || 'any' in condition || 'not' in condition);
  if (simple && condition.exists !== undefined && Object.keys(condition).length === 2)
    return describeComparison({ ...condition, exists: !condition.exists });
  return `not (${describeCondition(condition)})`;
}

/**
 * A condition in words; nested groups are parenthesised.
 * @example describeCondition({ field: 'plan', eq: 'enterprise' }) // 'plan = enterprise'
 */
export function describeCondition(condition: Condition): string {
  const inner = (c: Condition) =>
    'all' in c || 'any' in c ? `(${describeCondition(c)})` : describeCondition(c);
  if ('all' in condition) return range(condition.all) ?? condition.all.map(inner).join(' and ');
  if ('any' in condition) return condition.any.map(inner).join(' or ');
  if ('not' in condition) return negation(condition.not);
  return describeComparison(condition);
}

/** `customer:` → "the customer"; `role:csm` stays as written. */
export function describeRecipient(recipient: string): string {
  return recipient.endsWith(':') ? `the ${recipient.slice(0, -1)}` : recipient;
}

/**
 * What an action does, in words.
 * @example describeAction({ send: 'welcome-email', to: 'customer:' }) // 'send template `welcome-email` to the customer'
 */
export function describeAction(action: Action): string {
  if ('send' in action) {
    const to = action.to ? ` to ${describeRecipient(action.to)}` : '';
    return `send template ${code(action.send)}${to}${action.channel ? ` via ${action.channel}` : ''}`;
  }
  if ('task' in action) {
    const { title, script, due } = action.task;
    const extra = [
      script && `script ${code(script)}`,
      due !== undefined && `due within ${describeDuration(due)}`,
    ];
    const notes = extra.filter(Boolean).join(', ');
    return `task for ${describeRecipient(action.task.for)}: ${title}${notes ? ` (${notes})` : ''}`;
  }
  if ('flag' in action) {
    const to = action.flag.for ? ` for ${describeRecipient(action.flag.for)}` : '';
    return `flag${to}: ${action.flag.label}`;
  }
  if ('survey' in action)
    return `survey ${code(action.survey.id)} (template ${code(action.survey.template)})`;
  if ('escalate' in action) {
    const reason = action.escalate.reason ? `: ${action.escalate.reason}` : '';
    return `escalate to ${describeRecipient(action.escalate.to)}${reason}`;
  }
  return describeOtherAction(action);
}

type OtherAction = Exclude<
  Action,
  { send: string } | { task: unknown } | { flag: unknown } | { survey: unknown } | { escalate: unknown }
>;

function describeOtherAction(action: OtherAction): string {
  if ('record' in action)
    return `record "${action.record.what}"${action.record.system ? ` in ${action.record.system}` : ''}`;
  if ('transition' in action) return `move ${code(action.transition.lifecycle)} to ${action.transition.to}`;
  if ('checklist' in action) return `open checklist ${code(action.checklist)}`;
  if ('handoff' in action)
    return `hand over to ${describeRecipient(action.handoff.to)}: ${action.handoff.items.join('; ')}`;
  const { route, to, template } = action.notify;
  const who = [to && describeRecipient(to), route && `route ${code(route)}`].filter(Boolean).join(' and ');
  return `notify ${who || 'the route'}${template ? ` with template ${code(template)}` : ''}`;
}

const OPS: Record<string, string> = { '>=': '≥', '<=': '≤' };

/** `>= 60 %` → "≥ 60%", `< 15 min` → "< 15 min": letters after a number get a space, signs do not. */
export function describeMeasure(op: string, amount: number, unit: string | undefined): string {
  const space = unit && /^[a-z]/i.test(unit) ? ' ' : '';
  return `${OPS[op] ?? op} ${amount}${unit ? `${space}${unit}` : ''}`;
}
