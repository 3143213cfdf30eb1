/**
 * Pack values in human terms, for `opsbook diff`: a validated pack holds durations as milliseconds and
 * targets, cadences and conditions as objects; an author wants to read "within 24h", "every week on mon",
 * "plan = enterprise". Which is which comes from the pack schema itself (walked alongside the value), so
 * a number is shown as a duration exactly where the schema says it is one.
 */
import type { z } from 'zod';
import { formatDuration } from '../core/duration.js';
import { Cadence, Condition, Duration, Target } from './schema/common.js';

type Schema = z.core.$ZodType;

/** The schemas that may describe a value: wrappers and every option below a union. */
export type Shape = readonly Schema[];

/** Values shown as one phrase rather than field by field. */
export type LeafKind = 'duration' | 'target' | 'cadence' | 'condition';

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/** A schema with its wrappers unwrapped and its unions spread, the wrappers kept (they carry identity). */
export function shapeOf(schema: Schema, depth = 0): Shape {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if (depth > 20) return [schema];
  if (WRAPPERS.has(def.type))
    return [schema, ...shapeOf((def as { innerType: Schema }).innerType, depth + 1)];
  switch (def.type) {
    case 'lazy':
      return [schema, ...shapeOf(def.getter(), depth + 1)];
    case 'pipe':
      return [schema, ...shapeOf(def.in, depth + 1)];
    case 'union':
      return [schema, ...def.options.flatMap((option) => shapeOf(option, depth + 1))];
    default:
      return [schema];
  }
}

/** The shape of a field (`key` a string), an element (a number) or a record entry. */
export function childShape(shape: Shape, key: string | number): Shape {
  const children = shape.flatMap((schema) => {
    const def = (schema as z.core.$ZodTypes)._zod.def;
    if (def.type === 'object' && typeof key === 'string') return def.shape[key] ? [def.shape[key]] : [];
    if (def.type === 'array') return [def.element];
    if (def.type === 'record') return [def.valueType];
    return [];
  });
  return [...new Set(children.flatMap((schema) => shapeOf(schema)))];
}

/** True when the value at this shape is a map of entries (`locales`, a policy's `targets`). */
export function isRecordShape(shape: Shape): boolean {
  return shape.some((schema) => (schema as z.core.$ZodTypes)._zod.def.type === 'record');
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a value is shown as one phrase, and as which. */
export function leafKind(shape: Shape, value: unknown): LeafKind | null {
  if (typeof value === 'number' && shape.includes(Duration)) return 'duration';
  if (!isObject(value)) return null;
  if (shape.includes(Target) && ('within' in value || 'by' in value || 'none' in value)) return 'target';
  if (shape.includes(Cadence) && ('every' in value || 'cron' in value || 'on' in value)) return 'cadence';
  if (shape.includes(Condition)) return 'condition';
  return null;
}

/** Text as is when it is a single word-like token (an id, a version, a date), quoted otherwise. */
export function formatText(text: string): string {
  return /^[\p{L}\p{N}_.:@/+#%-]+$/u.test(text) ? text : JSON.stringify(text);
}

/**
 * A value as an author reads it.
 *
 * @example formatValue(5_400_000, shapeOf(Duration)) // '1h30m'
 * @example formatValue({ within: 900_000, calendar: 'always' }, shapeOf(Target)) // 'within 15m (calendar always)'
 */
export function formatValue(value: unknown, shape: Shape): string {
  if (value === undefined) return '(none)';
  switch (leafKind(shape, value)) {
    case 'duration':
      return formatDuration(value as number);
    case 'target':
      return formatTarget(value as TargetValue, ['calendar', 'since', 'schedule']);
    case 'cadence':
      return formatCadence(value as CadenceValue);
    case 'condition':
      return formatCondition(value as Condition);
    case null:
      break;
  }
  if (Array.isArray(value))
    return `[${value.map((item, i) => formatValue(item, childShape(shape, i))).join(', ')}]`;
  if (isObject(value)) {
    const fields = Object.entries(value).filter(([key]) => key !== 'quote' && key !== 'facts');
    return `{${fields.map(([key, item]) => `${key}: ${formatValue(item, childShape(shape, key))}`).join(', ')}}`;
  }
  if (typeof value === 'string') return formatText(value);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** A target as the validated pack holds it (`within` in ms). */
export type TargetValue = z.output<typeof Target>;
type CadenceValue = z.output<typeof Cadence>;
type Qualifier = 'calendar' | 'since' | 'schedule';

function targetHead(target: TargetValue): string {
  if ('within' in target)
    return target.within === 0 ? 'immediately' : `within ${formatDuration(target.within)}`;
  if ('by' in target) return `by ${target.by}`;
  return 'none';
}

/** The qualifiers a form of target can have: `none` has none, so "within 1d → none" says it all. */
function qualifiersOf(target: TargetValue): readonly Qualifier[] {
  if ('within' in target) return ['calendar', 'since'];
  return 'by' in target ? ['calendar', 'schedule'] : [];
}

function qualifier(target: TargetValue, name: Qualifier): string | undefined {
  return (target as Partial<Record<Qualifier, string>>)[name];
}

/** `within 4h (calendar always, since created)`, with only the named qualifiers that are set or differ. */
function formatTarget(target: TargetValue, shown: readonly Qualifier[], showMissing = false): string {
  const parts = shown.flatMap((name) => {
    const value = qualifier(target, name);
    if (value !== undefined) return [`${name} ${value}`];
    return showMissing ? [`no ${name}`] : [];
  });
  return parts.length > 0 ? `${targetHead(target)} (${parts.join(', ')})` : targetHead(target);
}

/**
 * Two targets side by side, each with only the qualifiers that differ between them, so a changed duration
 * reads "within 24h → within 25h" and a changed calendar names both calendars.
 */
export function formatTargetPair(before: TargetValue, after: TargetValue): [string, string] {
  const both = qualifiersOf(before).filter((name) => qualifiersOf(after).includes(name));
  const differing = both.filter((name) => qualifier(before, name) !== qualifier(after, name));
  return [formatTarget(before, differing, true), formatTarget(after, differing, true)];
}

function formatCadence(cadence: CadenceValue): string {
  const calendar = 'calendar' in cadence && cadence.calendar ? ` (calendar ${cadence.calendar})` : '';
  if ('cron' in cadence) return `cron ${JSON.stringify(cadence.cron)}${calendar}`;
  if ('every' in cadence) {
    const on = cadence.on === undefined ? '' : ` on ${cadence.on}`;
    const at = cadence.at === undefined ? '' : ` at ${cadence.at}`;
    return `every ${cadence.every}${on}${at}${calendar}`;
  }
  return `on ${cadence.on}`;
}

const OPERATORS = { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', in: 'in' } as const;

/** `plan = enterprise`, `facts.customers_added ≥ 5 and (nps ≥ 9 or nps ≤ 6)`. */
export function formatCondition(condition: Condition): string {
  const inner = (c: Condition) => ('all' in c || 'any' in c ? `(${formatCondition(c)})` : formatCondition(c));
  if ('all' in condition) return condition.all.map(inner).join(' and ');
  if ('any' in condition) return condition.any.map(inner).join(' or ');
  if ('not' in condition) return `not ${inner(condition.not)}`;
  const tests = Object.entries(OPERATORS).flatMap(([op, symbol]) => {
    const operand = (condition as Record<string, unknown>)[op];
    return operand === undefined ? [] : [`${condition.field} ${symbol} ${formatValue(operand, [])}`];
  });
  if (condition.exists !== undefined)
    tests.push(`${condition.field} ${condition.exists ? 'exists' : 'does not exist'}`);
  return tests.join(' and ');
}
