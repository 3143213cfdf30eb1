/**
 * Pack tests: a scenario's `expect` against the effects of its run. An expectation holds when an effect of
 * its type (and subject) with every field it names happened in its window; `absent: true` turns it around.
 * A failure says what was expected and what did happen nearby, so an author sees the difference.
 */
import { formatDuration } from '../../core/duration.js';
import type { Effect } from '../../core/decide/types.js';
import type { Expectation, Scenario } from './parse.js';

export interface ExpectationResult {
  readonly expectation: Expectation;
  readonly ok: boolean;
  readonly message?: string;
}

function subjectMatches(expected: string | undefined, effect: Effect): boolean {
  if (expected === undefined) return true;
  return effect.subject === expected || effect.subject.slice(effect.subject.indexOf(':') + 1) === expected;
}

function fieldMatches(effect: Effect, name: string, expected: unknown): boolean {
  const record = effect as unknown as Record<string, unknown>;
  const actual = Object.hasOwn(record, name) ? record[name] : record[`${name}Ms`];
  if (Array.isArray(actual)) return actual.includes(expected);
  return actual === expected;
}

export function matches(expectation: Expectation, effect: Effect): boolean {
  return (
    effect.type === expectation.type &&
    effect.atMs >= expectation.fromMs &&
    (effect.atMs < expectation.toMs ||
      (effect.atMs === expectation.toMs && expectation.fromMs === expectation.toMs)) &&
    subjectMatches(expectation.subject, effect) &&
    Object.entries(expectation.fields).every(([name, value]) => fieldMatches(effect, name, value))
  );
}

function offset(ms: number, startMs: number): string {
  const delta = ms - startMs;
  return delta === 0
    ? '+0m'
    : `${delta < 0 ? '-' : '+'}${formatDuration(Math.abs(delta)).replaceAll(' ', '')}`;
}

function describe(effect: Effect, startMs: number): string {
  const { atMs, subject, type } = effect;
  const fields = Object.entries(effect)
    .filter(([k]) => !['key', 'atMs', 'subject', 'type', 'explain'].includes(k))
    .map(
      ([k, v]) =>
        `${k.endsWith('Ms') ? k.slice(0, -2) : k}=${k.endsWith('Ms') && typeof v === 'number' ? offset(v, startMs) : Array.isArray(v) ? v.join(',') : String(v)}`,
    )
    .join(' ');
  return `${offset(atMs, startMs)} ${type} ${subject} ${fields}`;
}

export function checkExpectations(scenario: Scenario, effects: readonly Effect[]): ExpectationResult[] {
  return scenario.expectations.map((expectation) => {
    const found = effects.filter((e) => matches(expectation, e));
    const when =
      expectation.fromMs === expectation.toMs
        ? `at ${offset(expectation.fromMs, scenario.startMs)}`
        : `within [${offset(expectation.fromMs, scenario.startMs)}, ${offset(expectation.toMs, scenario.startMs)}]`;
    if (expectation.absent) {
      if (found.length === 0) return { expectation, ok: true };
      return {
        expectation,
        ok: false,
        message: `expected no ${expectation.type} ${when}, but got:\n${found.map((e) => `      + ${describe(e, scenario.startMs)}`).join('\n')}`,
      };
    }
    if (found.length > 0) return { expectation, ok: true };
    const near = effects
      .filter((e) => e.type === expectation.type && subjectMatches(expectation.subject, e))
      .slice(0, 8)
      .map((e) => `      ~ ${describe(e, scenario.startMs)}`);
    return {
      expectation,
      ok: false,
      message: `expected ${when}: ${expectation.text}\n${near.length > 0 ? `    effects of that type:\n${near.join('\n')}` : `    no ${expectation.type} effect for ${expectation.subject ?? 'any subject'} at all`}`,
    };
  });
}
