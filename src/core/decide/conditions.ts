/**
 * Conditions of a pack (`{ field: facts.customers_added, gte: 5 }`) evaluated against what a subject and an
 * event know. Bounds are inclusive as written: `gte: 5` holds for 5 ("≥ 5"). A comparison with a field
 * that is not set is false, except `exists: false` and `ne`.
 */
import type { Frozen } from '../../packs/compile.js';
import type { Condition } from '../../packs/schema/common.js';
import type { Scalar } from './types.js';

/** Where a condition reads its fields (a decision in progress). */
export interface FieldSource {
  lookup(field: string): Scalar | undefined;
}

function numericBounds(c: { gt?: number; gte?: number; lt?: number; lte?: number }): boolean {
  return c.gt !== undefined || c.gte !== undefined || c.lt !== undefined || c.lte !== undefined;
}

export function holds(condition: Frozen<Condition> | undefined, source: FieldSource): boolean {
  if (condition === undefined) return true;
  if ('all' in condition) return condition.all.every((c) => holds(c, source));
  if ('any' in condition) return condition.any.some((c) => holds(c, source));
  if ('not' in condition) return !holds(condition.not, source);
  const read = source.lookup(condition.field);
  // A usage fact never reported counts as 0 ("customers added: none yet" is below 5).
  const value =
    read === undefined && condition.field.startsWith('facts.') && numericBounds(condition) ? 0 : read;
  const present = value !== undefined && value !== null;
  if (condition.exists !== undefined && condition.exists !== present) return false;
  if (condition.ne !== undefined && value === condition.ne) return false;
  if (condition.eq !== undefined && value !== condition.eq) return false;
  if (condition.in !== undefined && !condition.in.some((v) => v === value)) return false;
  if (condition.contains !== undefined && !containsAny(value, condition.contains)) return false;
  const numeric = [condition.gt, condition.gte, condition.lt, condition.lte].some((b) => b !== undefined);
  if (numeric) {
    if (typeof value !== 'number') return false;
    if (condition.gt !== undefined && !(value > condition.gt)) return false;
    if (condition.gte !== undefined && !(value >= condition.gte)) return false;
    if (condition.lt !== undefined && !(value < condition.lt)) return false;
    if (condition.lte !== undefined && !(value <= condition.lte)) return false;
  }
  return true;
}

/**
 * Whether a text holds any of the phrases, ignoring case and punctuation, as whole words: "app down"
 * matches "My app down since 9!" but not "the app is down" (a pack lists the wordings it means), and word
 * edges keep "log in" from matching "catalog injection".
 */
export function containsAny(value: unknown, phrases: readonly string[]): boolean {
  if (typeof value !== 'string' || value === '') return false;
  const haystack = ` ${value.toLowerCase().replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')} `;
  return phrases.some((phrase) => {
    const needle = phrase
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
      .trim();
    return needle !== '' && haystack.includes(` ${needle} `);
  });
}

/** A condition in words: `severity in critical, high`. */
export function conditionText(condition: Frozen<Condition>): string {
  if ('all' in condition) return `all of (${condition.all.map(conditionText).join('; ')})`;
  if ('any' in condition) return `any of (${condition.any.map(conditionText).join('; ')})`;
  if ('not' in condition) return `not (${conditionText(condition.not)})`;
  const c = condition;
  const parts: string[] = [];
  if (c.eq !== undefined) parts.push(`= ${String(c.eq)}`);
  if (c.ne !== undefined) parts.push(`≠ ${String(c.ne)}`);
  if (c.in !== undefined) parts.push(`in ${c.in.map(String).join(', ')}`);
  if (c.gt !== undefined) parts.push(`> ${c.gt}`);
  if (c.gte !== undefined) parts.push(`≥ ${c.gte}`);
  if (c.lt !== undefined) parts.push(`< ${c.lt}`);
  if (c.lte !== undefined) parts.push(`≤ ${c.lte}`);
  if (c.exists !== undefined) parts.push(c.exists ? 'is set' : 'is not set');
  if (c.contains !== undefined) parts.push(`contains ${c.contains.join(' or ')}`);
  return `${c.field} ${parts.join(' and ') || 'is set'}`;
}
