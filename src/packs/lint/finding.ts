/**
 * What a lint rule reports: a place in the pack, the rule that fired, what is wrong and how to fix it.
 * Rules are pure functions of the pack (and `now`), so they live apart from the loader that locates
 * findings in files.
 */

import { formatDuration } from '../../core/duration.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Every rule, with the one line `opsbook lint --help` shows; ids are stable, tools may filter on them. */
export const LINT_RULES = {
  'calendar-never-open': 'a calendar with no open time at all',
  'calendar-overlap':
    'overlapping or duplicate intervals on a day (after `daily`/`weekdays`), or an interval that ends before it starts',
  'escalation-reaches-nobody':
    'a route (or an escalation to a channel) whose every channel is closed at some hours of the week',
  'journey-without-exit': 'a journey with waiting steps and no `exitWhen`',
  'template-missing-locale':
    'a template lacking a pack locale that other templates of the same audience (customer, internal) have',
  'deletion-before-read-only-ends':
    'a timed transition into a deleted/cancelled state earlier than the read-only period it cuts short',
  'sla-not-monotonic':
    'a more urgent level with a longer target than a less urgent one (scales, SLA policies)',
  'sla-policy-unreachable': 'an SLA policy that an earlier policy of the same scale always matches first',
  'review-overdue': '`review.by` is in the past',
  'review-cadence-overdue': '`review.every` has elapsed since the last effective or changelog date',
} as const;

export type LintRule = keyof typeof LINT_RULES;

export type LintPath = (string | number)[];

export interface LintFinding {
  /** Where in the pack, e.g. `['calendars', 0, 'hours', 'mon', 1]`; `pack.*` is document control. */
  readonly path: LintPath;
  readonly rule: LintRule;
  readonly message: string;
  readonly hint?: string;
}

/**
 * A duration as SOPs write it: whole days from 3 days up, else whole hours, else the canonical form.
 *
 * @example readableDuration(172_800_000) // '48h'
 * @example readableDuration(2_592_000_000) // '30d'
 */
export function readableDuration(ms: number): string {
  if (ms >= 3 * DAY_MS && ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms > 0 && ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return formatDuration(ms);
}

export function finding(rule: LintRule, path: LintPath, message: string, hint?: string): LintFinding {
  return hint === undefined ? { path, rule, message } : { path, rule, message, hint };
}
