/**
 * How incidents are run: types, command roles, the stages every incident goes through, playbooks per type,
 * regulatory clocks, the post-incident review, follow-up actions and the communication rules.
 */
import type { RenderContext } from './context.js';
import { labelOf, levelLabel } from './context.js';
import { code, list, oneLine, quoted, section, table, withCommand } from './markdown.js';
import { describeCondition, describeDuration, describeRecipient, describeSince } from './words.js';

type Incidents = NonNullable<RenderContext['pack']['incidents']>;
type Stage = NonNullable<Incidents['stages']>[number];
type Step = NonNullable<Stage['steps']>[number];
type Playbook = NonNullable<Incidents['playbooks']>[number];

function stepItem(step: Step): string[] {
  const when = step.when ? `*${oneLine(step.when)}:* ` : '';
  const owner = step.owner ? ` — ${describeRecipient(step.owner)}` : '';
  return withCommand('-', `${when}${step.text}${owner}`, step.command);
}

function stage(ctx: RenderContext, s: Stage, number?: number): string[] {
  const deadline = !s.deadline
    ? ''
    : 'none' in s.deadline
      ? ' — no deadline'
      : ` — ${ctx.target(s.deadline)}`;
  const steps = (s.steps ?? []).flatMap(stepItem);
  return [
    `**${number === undefined ? '' : `${number}. `}${s.label}**${deadline}`,
    '',
    ...steps,
    ...(steps.length ? [''] : []),
  ];
}

function types(inc: Incidents): string[] {
  if (!inc.types?.length) return [];
  const rows = inc.types.map((t) => [
    t.label,
    t.description,
    t.playbook ? labelOf(inc.playbooks, t.playbook) : '',
  ]);
  return ['### Incident types', '', table(['Type', 'Description', 'Playbook'], rows)];
}

function commandRoles({ pack }: RenderContext, inc: Incidents): string[] {
  if (!inc.commandRoles?.length) return [];
  const rows = inc.commandRoles.map((r) => [labelOf(pack.roles, r.role), r.responsibility, r.contact ?? '']);
  return ['### Incident command', '', table(['Role', 'Responsibility', 'Reached via'], rows)];
}

function stages(ctx: RenderContext, inc: Incidents): string[] {
  if (!inc.stages?.length) return [];
  return [
    '### Stages',
    '',
    'Every incident goes through these stages, in order.',
    '',
    ...inc.stages.flatMap((s, i) => stage(ctx, s, i + 1)),
  ];
}

function severity(ctx: RenderContext, p: Playbook): string | undefined {
  const level = p.severity && levelLabel(ctx.pack, p.severity.level, p.severity.scale);
  return p.severityLabel && level ? `${p.severityLabel} (${level})` : (p.severityLabel ?? level);
}

function playbookFacts(ctx: RenderContext, p: Playbook): string[] {
  const facts: [string, string | undefined][] = [
    ['Category', p.category],
    ['Severity', severity(ctx, p)],
    ['Detected by', p.detection?.join('; ')],
    ['Templates', p.templates?.map(code).join(', ')],
  ];
  return list(facts.filter(([, value]) => value).map(([name, value]) => `${name}: ${value}`));
}

function playbook(ctx: RenderContext, p: Playbook): string[] {
  return [
    `### Playbook: ${p.label}`,
    '',
    ...quoted(p.quote),
    ...playbookFacts(ctx, p),
    ...p.stages.flatMap((s) => stage(ctx, s)),
  ];
}

function regulatory(inc: Incidents): string[] {
  if (!inc.regulatory?.length) return [];
  const rows = inc.regulatory.map((r) => [
    r.label,
    r.authority,
    `within ${describeDuration(r.within)} of ${describeSince(r.since)}`,
    r.when ? `only if ${describeCondition(r.when)}` : 'always',
  ]);
  return ['### Regulatory reports', '', table(['Report', 'Authority', 'Due', 'Required'], rows)];
}

function review(ctx: RenderContext, inc: Incidents): string[] {
  if (!inc.review) return [];
  const rows = inc.review.sections.map((s) => [s.label, s.prompt]);
  const due = inc.review.within ? [`Due ${ctx.target(inc.review.within)}.`, ''] : [];
  return ['### Post-incident review', '', ...due, table(['Section', 'What it covers'], rows)];
}

function followUps(inc: Incidents): string[] {
  if (!inc.followUps?.length) return [];
  return [
    '### Follow-up actions',
    '',
    ...inc.followUps.flatMap((f) => [
      `**${f.label}** — within ${describeDuration(f.within)} of ${describeSince(f.since)}${f.when ? `, only if ${describeCondition(f.when)}` : ''}`,
      '',
      ...list(f.actions.map((a) => (a.description ? `${a.label} — ${a.description}` : a.label))),
    ]),
  ];
}

function rules(inc: Incidents): string[] {
  const all = inc.rules ?? [];
  const group = (title: string, kind: 'do' | 'dont') => {
    const texts = all.filter((r) => r.kind === kind).map((r) => r.text);
    return texts.length ? [title, '', ...list(texts)] : [];
  };
  return all.length
    ? ['### Communication rules', '', ...group('**Do**', 'do'), ...group("**Don't**", 'dont')]
    : [];
}

export function incidents(ctx: RenderContext): string[] {
  const inc = ctx.pack.incidents;
  if (!inc) return [];
  return section('Incidents', [
    ...quoted(inc.quote),
    ...types(inc),
    ...commandRoles(ctx, inc),
    ...stages(ctx, inc),
    ...(inc.playbooks ?? []).flatMap((p) => playbook(ctx, p)),
    ...regulatory(inc),
    ...review(ctx, inc),
    ...followUps(inc),
    ...rules(inc),
  ]);
}
