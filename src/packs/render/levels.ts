/**
 * Priority and severity scales with their targets, and the SLA policies that choose targets by condition.
 * A target column appears only when some level of the table has that target.
 */
import { TARGET_NAMES } from '../schema/support.js';
import type { RenderContext } from './context.js';
import { levelLabel } from './context.js';
import { quoted, section, table } from './markdown.js';
import { describeCondition, describeRecurring, type Target } from './words.js';

type TargetName = (typeof TARGET_NAMES)[number];
type Targets = Partial<Record<TargetName, Target>>;

const TARGET_HEADERS: Record<TargetName, string> = {
  firstResponse: 'First response',
  response: 'Response',
  resolution: 'Resolution',
  updateEvery: 'Updates',
  customerNotice: 'Customer notice',
  fix: 'Fix',
};

/** `updateEvery` is a cadence, not a deadline: "every 30m". */
function targetCell(ctx: RenderContext, name: TargetName, target: Target | undefined): string {
  if (!target) return '—';
  return name === 'updateEvery' ? describeRecurring(target, ctx.alwaysOpen) : ctx.target(target);
}

function targetColumns(all: (Targets | undefined)[]): TargetName[] {
  return TARGET_NAMES.filter((name) => all.some((t) => t?.[name] !== undefined));
}

export function scales(ctx: RenderContext): string[] {
  return (ctx.pack.scales ?? []).flatMap((scale) => {
    const names = targetColumns(scale.levels.map((l) => l.targets));
    return section(scale.label, [
      table(
        ['Level', 'Meaning', 'Examples', ...names.map((n) => TARGET_HEADERS[n])],
        scale.levels.map((l) => [
          l.label,
          l.description ?? '',
          (l.examples ?? []).join('; '),
          ...names.map((n) => targetCell(ctx, n, l.targets?.[n])),
        ]),
      ),
    ]);
  });
}

export function slaPolicies(ctx: RenderContext): string[] {
  const policies = ctx.pack.slaPolicies ?? [];
  return section(
    'SLA policies',
    policies.length > 1
      ? [
          'Policies are tried in order; the first that applies sets the targets.',
          '',
          ...policies.flatMap((p) => slaPolicy(ctx, p)),
        ]
      : policies.flatMap((p) => slaPolicy(ctx, p)),
  );
}

type SlaPolicy = NonNullable<RenderContext['pack']['slaPolicies']>[number];

function slaPolicy(ctx: RenderContext, policy: SlaPolicy): string[] {
  const levels = Object.entries(policy.targets);
  const names = targetColumns(levels.map(([, t]) => t));
  return [
    `### ${policy.label ?? policy.id}`,
    '',
    policy.when
      ? `Applies when ${describeCondition(policy.when)}.`
      : 'Applies to everything not matched by an earlier policy.',
    '',
    ...quoted(policy.quote),
    table(
      ['Level', ...names.map((n) => TARGET_HEADERS[n])],
      levels.map(([level, t]) => [
        levelLabel(ctx.pack, level, policy.scale),
        ...names.map((n) => targetCell(ctx, n, t[n])),
      ]),
    ),
  ];
}
