/**
 * `opsbook lint`: what a valid pack may still get wrong, as warnings a careful author wants (a channel
 * nobody staffs at night, a review date long passed, a deletion timer shorter than the read-only period).
 * The rules are pure functions of the validated pack and `now`, one file per concern under `lint/`; this
 * module runs them all and, like the loader, turns findings into problems at file:line:column.
 */
import type { PackLocator } from './load.js';
import { formatPath, sortProblems, type PackProblem } from './problems.js';
import type { Pack } from './schema/pack.js';
import { calendarNeverOpen, calendarOverlap } from './lint/calendars.js';
import type { LintFinding, LintRule } from './lint/finding.js';
import { deletionBeforeReadOnlyEnds } from './lint/lifecycles.js';
import { journeyWithoutExit, templateMissingLocale } from './lint/messages.js';
import { escalationReachesNobody } from './lint/reach.js';
import { reviewCadenceOverdue, reviewOverdue } from './lint/review.js';
import { slaNotMonotonic, slaPolicyUnreachable } from './lint/sla.js';

export { LINT_RULES, type LintFinding, type LintRule } from './lint/finding.js';

const RULES: readonly ((pack: Pack, now: Date) => LintFinding[])[] = [
  calendarNeverOpen,
  calendarOverlap,
  escalationReachesNobody,
  journeyWithoutExit,
  templateMissingLocale,
  deletionBeforeReadOnlyEnds,
  slaNotMonotonic,
  slaPolicyUnreachable,
  reviewOverdue,
  reviewCadenceOverdue,
];

/**
 * Every finding of every rule, rule by rule. Pure: `now` is only used for review dates and time-zone
 * offsets.
 *
 * @example
 * lintPack(pack, new Date('2026-11-23T00:00:00Z'))
 * // [{ rule: 'review-overdue', path: ['pack', 'review', 'by'], message: 'the review date 2024-07 has passed …' }]
 */
export function lintPack(pack: Pack, now: Date): LintFinding[] {
  return RULES.flatMap((rule) => rule(pack, now));
}

/** A warning with the rule that raised it, so tools can filter and people can look the rule up. */
export interface LintProblem extends PackProblem {
  readonly rule: LintRule;
}

/**
 * Findings as warnings at the place they are written, in file order.
 *
 * @example
 * const loaded = await loadPack(dir);
 * if (loaded.ok) lintProblems(lintPack(loaded.pack, now), loaded.locate);
 */
export function lintProblems(findings: readonly LintFinding[], locate: PackLocator): LintProblem[] {
  return sortProblems(
    findings.map(({ path, rule, message, hint }) => ({
      ...locate(path),
      path: formatPath(path),
      message,
      severity: 'warning' as const,
      rule,
      ...(hint === undefined ? {} : { hint }),
    })),
  );
}
