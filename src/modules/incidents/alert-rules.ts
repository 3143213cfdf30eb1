/**
 * How one alert is classified (pure): its severity level on the pack's incident scale, whether it opens an
 * incident, and the group key that joins it to one. The pack's `incidents.alertRules` decide first (first
 * match wins); without a match a raw severity maps onto the scale in order, most severe first.
 */
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { scaleOfPolicy } from './incidents.js';

/** A rule of the pack's `incidents.alertRules` (schema: src/packs/schema/incidents.ts). */
type Rule = NonNullable<NonNullable<EnginePolicy['policy']['pack']['incidents']>['alertRules']>[number];

/** The raw severities of Alertmanager's convention and PagerDuty's Events API, most severe first. */
export const RAW_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type RawSeverity = (typeof RAW_SEVERITIES)[number];

/** Common spellings of the four, so `severity="page"` or `warn` from a Prometheus rule still maps. */
const ALIASES: Readonly<Record<string, RawSeverity>> = {
  critical: 'critical',
  crit: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  disaster: 'critical',
  page: 'critical',
  error: 'error',
  err: 'error',
  major: 'error',
  high: 'error',
  warning: 'warning',
  warn: 'warning',
  minor: 'warning',
  medium: 'warning',
  average: 'warning',
  info: 'info',
  informational: 'info',
  information: 'info',
  notice: 'info',
  low: 'info',
  debug: 'info',
  none: 'info',
};

/**
 * A severity nobody recognises (or none at all) counts as `error`: an alert someone routed here wants a
 * person, but is not presumed to be the worst case.
 */
export const DEFAULT_RAW_SEVERITY: RawSeverity = 'error';

export function rawSeverityOf(severity: string | undefined): RawSeverity {
  return (severity && ALIASES[severity.trim().toLowerCase()]) || DEFAULT_RAW_SEVERITY;
}

export interface AlertPolicy {
  /** The incident scale's level ids, most severe first; null when the pack has no incident scale. */
  readonly levels: readonly string[] | null;
  readonly rules: readonly Rule[];
}

const NO_PACK: AlertPolicy = { levels: null, rules: [] };

/** The active pack's alert rules and incident scale (computed once per pack version). */
export function alertPolicyOf(ep: EnginePolicy | null): AlertPolicy {
  if (!ep) return NO_PACK;
  return ep.memo('alerts:policy', () => ({
    levels: scaleOfPolicy(ep)?.levels ?? null,
    rules: ep.policy.pack.incidents?.alertRules ?? [],
  }));
}

/** What classification reads of an alert. */
export interface ClassifyInput {
  readonly source: string;
  readonly severity?: string | undefined;
  readonly service?: string | undefined;
  readonly component?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** A grouping the sender made already (Alertmanager's `groupKey`). */
  readonly groupKey?: string | undefined;
}

export interface Classification {
  /** A level of the incident scale, or the raw severity when the pack has none. */
  readonly severity: string;
  readonly openIncident: boolean;
  readonly groupKey: string;
  readonly type: string | null;
  readonly rule: string | null;
}

/** The monitor kind or integration kind a source names: `threshold:cpu` → `threshold`. */
const sourceKind = (source: string) => source.split(':', 1)[0]!;

function sourceMatches(patterns: readonly string[], source: string): boolean {
  return patterns.some((p) => p === source || p === sourceKind(source) || source.startsWith(`${p}:`));
}

function labelsOf(input: ClassifyInput): Record<string, string> {
  const labels: Record<string, string> = { ...(input.labels ?? {}) };
  if (input.service !== undefined && labels.service === undefined) labels.service = input.service;
  if (input.component !== undefined && labels.component === undefined) labels.component = input.component;
  return labels;
}

function ruleMatches(rule: Rule, input: ClassifyInput, labels: Record<string, string>): boolean {
  const match = rule.match;
  if (!match) return true;
  if (match.source && !sourceMatches(match.source, input.source)) return false;
  if (match.severity) {
    const sent = input.severity?.trim().toLowerCase();
    if (sent === undefined || !match.severity.some((s) => s.toLowerCase() === sent)) return false;
  }
  for (const [name, wanted] of Object.entries(match.labels ?? {})) {
    const value = labels[name];
    if (value === undefined || !(typeof wanted === 'string' ? [wanted] : wanted).includes(value))
      return false;
  }
  return true;
}

/** The level a sent severity takes: a level id as is, else critical/error/warning/info in scale order. */
export function levelOf(levels: readonly string[], severity: string | undefined): string {
  const sent = severity?.trim();
  if (sent && levels.includes(sent)) return sent;
  const index = RAW_SEVERITIES.indexOf(rawSeverityOf(sent));
  return levels[Math.min(index, levels.length - 1)]!;
}

/** Group keys stay short enough for an index entry; a long one is cut and made unique by its hash. */
const MAX_GROUP_KEY = 400;

function boundedKey(key: string): string {
  if (key.length <= MAX_GROUP_KEY) return key;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `${key.slice(0, MAX_GROUP_KEY - 9)}#${hash.toString(16).padStart(8, '0')}`;
}

/**
 * The group an alert joins: a rule's `groupBy` labels (across sources: `rule:<id> service=checkout`), else
 * the sender's own grouping (Alertmanager's groupKey), else the source and its `service`, else the source.
 */
function groupKeyOf(input: ClassifyInput, labels: Record<string, string>, rule: Rule | undefined): string {
  if (rule?.groupBy)
    return boundedKey(`rule:${rule.id} ${rule.groupBy.map((l) => `${l}=${labels[l] ?? ''}`).join(',')}`);
  if (input.groupKey) return boundedKey(`${input.source} ${input.groupKey}`);
  const service = labels.service;
  return boundedKey(service ? `${input.source} service=${service}` : input.source);
}

/**
 * Classifies one alert by the pack's rules.
 *
 * @example classifyAlert(policy, { source: 'alertmanager:int_1', severity: 'critical' }).severity // 'sev1'
 */
export function classifyAlert(policy: AlertPolicy, input: ClassifyInput): Classification {
  const labels = labelsOf(input);
  const rule = policy.rules.find((r) => ruleMatches(r, input, labels));
  const groupKey = groupKeyOf(input, labels, rule);
  const levels = policy.levels;
  if (!levels) {
    return {
      severity: rawSeverityOf(input.severity),
      openIncident: false,
      groupKey,
      type: null,
      rule: rule?.id ?? null,
    };
  }
  const severity =
    rule?.severity && levels.includes(rule.severity) ? rule.severity : levelOf(levels, input.severity);
  const sentInfo = !levels.includes(input.severity?.trim() ?? '') && rawSeverityOf(input.severity) === 'info';
  // A rule that names the level has graded the alert: `info` no longer means "record only".
  const openIncident = rule?.incident ? rule.incident === 'open' : rule?.severity ? true : !sentInfo;
  return { severity, openIncident, groupKey, type: rule?.type ?? null, rule: rule?.id ?? null };
}
