/**
 * SLA rules. `sla-not-monotonic`: levels are listed most urgent first, so a target of a more urgent level
 * longer than the same target of a less urgent one is almost always a typo (P1 resolution 48 h, P2 24 h).
 * Only `within` targets counted on the same clock are compared: wall-clock and 24/7 calendars are one
 * clock; 8 business hours and 24 wall-clock hours are not comparable without a date, so they are skipped.
 * `sla-policy-unreachable`: policies are tried in order and the first match wins, so a policy after one
 * with no `when` (or the same `when`) for the same scale never applies.
 */
import { canonicalJson } from '../canonical.js';
import type { Pack } from '../schema/pack.js';
import { TARGET_NAMES } from '../schema/support.js';
import { finding, readableDuration, type LintFinding, type LintPath } from './finding.js';

type Targets = NonNullable<NonNullable<Pack['scales']>[number]['levels'][number]['targets']>;
type TargetName = (typeof TARGET_NAMES)[number];

/** A level's targets, with the path of its `targets` map; in order of urgency. */
interface LevelTargets {
  readonly level: string;
  readonly targets: Targets | undefined;
  readonly path: LintPath;
}

interface Timed {
  readonly level: string;
  readonly ms: number;
  readonly clock: string;
  readonly path: LintPath;
}

export function slaNotMonotonic(pack: Pack): LintFinding[] {
  const wallClock = new Set((pack.calendars ?? []).filter((c) => c.hours === '24/7').map((c) => c.id));
  const scales = (pack.scales ?? []).map((scale, s) =>
    check(
      `scale \`${scale.id}\``,
      scale.levels.map((level, i) => ({
        level: level.id,
        targets: level.targets,
        path: ['scales', s, 'levels', i, 'targets'],
      })),
      wallClock,
    ),
  );
  const policies = (pack.slaPolicies ?? []).map((policy, p) => {
    const order = pack.scales?.find((s) => s.id === policy.scale)?.levels.map((l) => l.id) ?? [];
    const levels = order
      .filter((id) => policy.targets[id] !== undefined)
      .map((id) => ({ level: id, targets: policy.targets[id], path: ['slaPolicies', p, 'targets', id] }));
    return check(`SLA policy \`${policy.id}\``, levels, wallClock);
  });
  return [...scales, ...policies].flat();
}

function check(owner: string, levels: readonly LevelTargets[], wallClock: ReadonlySet<string>) {
  return TARGET_NAMES.flatMap((name) => {
    const timed = levels.flatMap((l) => timedTarget(l, name, wallClock));
    return timed.flatMap((urgent, i) => {
      const shorter = timed
        .slice(i + 1)
        .filter((later) => later.clock === urgent.clock && later.ms < urgent.ms);
      if (shorter.length === 0) return [];
      const than = shorter.map((l) => `\`${l.level}\` (${readableDuration(l.ms)})`).join(', ');
      return [
        finding(
          'sla-not-monotonic',
          urgent.path,
          `${owner}: \`${urgent.level}\` has a longer ${name} target (${readableDuration(urgent.ms)}) than less urgent ${than}`,
          'levels are listed most urgent first: check the durations, or the order of `levels`',
        ),
      ];
    });
  });
}

function timedTarget(l: LevelTargets, name: TargetName, wallClock: ReadonlySet<string>): Timed[] {
  const target = l.targets?.[name];
  if (!target || !('within' in target)) return [];
  const calendar = target.calendar;
  const clock = calendar === undefined || wallClock.has(calendar) ? 'wall-clock' : calendar;
  return [{ level: l.level, ms: target.within, clock, path: [...l.path, name, 'within'] }];
}

export function slaPolicyUnreachable(pack: Pack): LintFinding[] {
  const policies = pack.slaPolicies ?? [];
  return policies.flatMap((policy, i) => {
    const shadow = policies
      .slice(0, i)
      .find((earlier) => earlier.scale === policy.scale && matchesFirst(earlier.when, policy.when));
    if (!shadow) return [];
    const why = shadow.when === undefined ? 'has no `when`' : 'has the same `when`';
    return [
      finding(
        'sla-policy-unreachable',
        ['slaPolicies', i],
        `SLA policy \`${policy.id}\` never applies: \`${shadow.id}\`, tried before it for scale \`${policy.scale}\`, ${why}`,
        `policies are tried in order, first match wins: move \`${policy.id}\` before \`${shadow.id}\`, or narrow \`${shadow.id}\``,
      ),
    ];
  });
}

/** An earlier policy catches everything a later one would when it has no condition, or the same one. */
function matchesFirst(earlier: unknown, later: unknown): boolean {
  return earlier === undefined || (later !== undefined && canonicalJson(earlier) === canonicalJson(later));
}
