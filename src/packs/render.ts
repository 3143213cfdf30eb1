/**
 * Renders a pack as the SOP people read: document control first, then every section as prose lists and
 * tables, durations in words. The pack *is* the SOP, so this is what `opsbook render` prints and the web
 * app shows.
 */
import { formatDuration } from '../core/duration.js';
import type { Condition } from './schema/common.js';
import type { Pack } from './schema/pack.js';

type Target = NonNullable<
  NonNullable<NonNullable<Pack['scales']>[number]['levels'][number]['targets']>['firstResponse']
>;

// Table cells are one line: newlines become spaces (raw HTML like <br> is escaped when shown).
const esc = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  return (
    [
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    ].join('\n') + '\n'
  );
}

/**
 * A target in words. `alwaysOpen`: calendar ids whose hours are 24/7, on which a target is plain wall-clock
 * time and needs no mention of hours.
 */
export function describeTarget(
  target: Target | undefined,
  alwaysOpen: ReadonlySet<string> = new Set(),
): string {
  if (!target) return '—';
  if ('none' in target) return 'none';
  if ('within' in target) {
    const on = target.calendar && !alwaysOpen.has(target.calendar) ? ` (${target.calendar} hours)` : '';
    return `${target.within === 0 ? 'immediately' : `within ${formatDuration(target.within)}`}${on}`;
  }
  return target.by.replace(/-/g, ' ');
}

export function describeCondition(condition: Condition): string {
  if ('all' in condition) return condition.all.map(describeCondition).join(' and ');
  if ('any' in condition) return condition.any.map(describeCondition).join(' or ');
  if ('not' in condition) return `not (${describeCondition(condition.not)})`;
  const ops: [keyof typeof condition, string][] = [
    ['eq', '='],
    ['ne', '≠'],
    ['gt', '>'],
    ['gte', '≥'],
    ['lt', '<'],
    ['lte', '≤'],
    ['in', 'in'],
    ['exists', 'exists'],
  ];
  return ops
    .filter(([op]) => condition[op] !== undefined)
    .map(([op, sign]) => `${condition.field} ${sign} ${JSON.stringify(condition[op])}`)
    .join(' and ');
}

function documentControl(pack: Pack): string {
  const d = pack.pack;
  const review =
    'by' in d.review ? `by ${d.review.by}` : 'every' in d.review ? `every ${d.review.every}` : d.review.after;
  return [
    `# ${d.title}`,
    '',
    table(
      ['Pack', 'Version', 'Owner', 'Approver', 'Effective', 'Review', 'Time zone'],
      [[d.id, d.version, d.owner, d.approver, d.effective, review, d.timeZone]],
    ),
    d.purpose ? `**Purpose.** ${d.purpose}\n` : '',
    d.scope ? `**Scope.** ${d.scope}\n` : '',
    '## Change log',
    '',
    table(
      ['Version', 'Date', 'Author', 'Changes'],
      d.changelog.map((c) => [c.version, c.date, c.author, c.changes]),
    ),
  ].join('\n');
}

function people(pack: Pack, target: (t: Target | undefined) => string): string[] {
  const out: string[] = [];
  if (pack.roles?.length) {
    out.push(
      '## Roles',
      '',
      table(
        ['Role', 'Who', 'Contact', 'Access'],
        pack.roles.map((r) => [
          r.label,
          (r.members ?? []).join(', ') || (r.description ?? ''),
          r.contact ?? '',
          (r.features ?? []).join(', '),
        ]),
      ),
    );
  }
  if (pack.tiers?.length) {
    out.push('## Support tiers', '');
    for (const t of pack.tiers) {
      out.push(`### ${t.label}`, '', ...t.responsibilities.map((r) => `- ${r}`), '');
      if (t.responseTimes?.length)
        out.push(`Response: ${t.responseTimes.map((r) => `${r.level} ${target(r.target)}`).join('; ')}.`, '');
    }
  }
  if (pack.contacts?.length)
    out.push(
      '## Contacts',
      '',
      table(
        ['Contact', 'Email', 'Phone'],
        pack.contacts.map((c) => [c.label, c.email ?? '', c.phone ?? '']),
      ),
    );
  return out;
}

function support(pack: Pack, target: (t: Target | undefined) => string): string[] {
  const out: string[] = [];
  for (const scale of pack.scales ?? []) {
    out.push(`## ${scale.label}`, '');
    out.push(
      table(
        ['Level', 'Meaning', 'Examples', 'First response', 'Resolution'],
        scale.levels.map((l) => [
          l.label,
          l.description ?? '',
          (l.examples ?? []).join('; '),
          target(l.targets?.firstResponse ?? l.targets?.response),
          target(l.targets?.resolution ?? l.targets?.fix),
        ]),
      ),
    );
  }
  for (const policy of pack.slaPolicies ?? []) {
    out.push(
      `### SLA policy: ${policy.label ?? policy.id}`,
      '',
      policy.when ? `Applies when ${describeCondition(policy.when)}.\n` : 'Applies otherwise.\n',
    );
    out.push(
      table(
        ['Level', 'First response', 'Resolution'],
        Object.entries(policy.targets).map(([level, t]) => [
          level,
          target(t.firstResponse ?? t.response),
          target(t.resolution),
        ]),
      ),
    );
  }
  if (pack.calendars?.length) {
    out.push(
      '## Hours',
      '',
      table(
        ['Calendar', 'Open'],
        pack.calendars.map((c) => [
          c.label,
          c.hours === '24/7'
            ? '24/7'
            : Object.entries(c.hours)
                .map(([day, spans]) => `${day} ${(spans ?? []).join(', ') || 'closed'}`)
                .join('; '),
        ]),
      ),
    );
  }
  if (pack.channels?.length) {
    out.push(
      '## Channels',
      '',
      table(
        ['Channel', 'For', 'Hours', 'Response goal', 'Address'],
        pack.channels.map((c) => [
          c.label,
          c.audience,
          c.calendar ?? '24/7',
          c.responseGoal
            ? 'bot' in c.responseGoal
              ? `bot ${target(c.responseGoal.bot)}, human ${target(c.responseGoal.human)}`
              : target(c.responseGoal)
            : '',
          c.address ?? '',
        ]),
      ),
    );
  }
  if (pack.routes?.length)
    out.push(
      '## Notification routes',
      '',
      table(
        ['Levels', 'Channels', 'Recipients'],
        pack.routes.map((r) => [r.levels.join(', '), r.channels.join(', '), (r.recipients ?? []).join(', ')]),
      ),
    );
  if (pack.escalations?.length) {
    out.push(
      '## Escalation',
      '',
      table(
        ['From', 'To', 'When'],
        pack.escalations.map((e) => [
          e.from,
          e.to,
          'after' in e.trigger
            ? `after ${formatDuration(e.trigger.after)} from ${e.trigger.since}${e.trigger.onlyIfOpen ? ', if still open' : ''}`
            : 'event' in e.trigger
              ? `on ${e.trigger.event}`
              : `by hand: ${e.trigger.manual}`,
        ]),
      ),
    );
  }
  if (pack.knowledge?.length) {
    out.push('## Common issues', '');
    for (const k of pack.knowledge)
      out.push(`### ${k.issue}`, '', ...k.firstChecks.map((c, i) => `${i + 1}. ${c}`), '');
  }
  return out;
}

function processes(pack: Pack): string[] {
  const out: string[] = [];
  for (const j of pack.journeys ?? []) {
    out.push(`## Journey: ${j.label}`, '', `Starts on \`${j.trigger.event}\`.`, '');
    out.push(
      table(
        ['When', 'Step', 'Condition', 'Actions'],
        j.steps.map((s) => [
          s.at !== undefined ? `T+${formatDuration(s.at)}` : `on ${s.on?.event ?? ''}`,
          s.label ?? s.id,
          s.when ? describeCondition(s.when) : '',
          [...s.actions, ...(s.branches ?? []).flatMap((b) => b.actions)]
            .map((a) => Object.keys(a)[0])
            .join(', '),
        ]),
      ),
    );
  }
  for (const l of pack.lifecycles ?? []) {
    out.push(`## Lifecycle: ${l.label}`, '', `States: ${l.states.map((s) => s.label).join(' → ')}.`, '');
    out.push(
      table(
        ['From', 'To', 'On', 'Guard'],
        l.transitions.map((t) => [
          Array.isArray(t.from) ? t.from.join(', ') : t.from,
          t.to,
          t.on ?? (t.after !== undefined ? `after ${formatDuration(t.after)}` : ''),
          t.guard ? describeCondition(t.guard) : (t.approval ?? ''),
        ]),
      ),
    );
  }
  for (const c of pack.checklists ?? []) {
    const when = c.schedule
      ? 'every' in c.schedule
        ? `every ${c.schedule.every}`
        : 'cron' in c.schedule
          ? c.schedule.cron
          : c.schedule.on
      : c.trigger
        ? `on ${c.trigger.event}`
        : 'when opened';
    out.push(
      `## Checklist: ${c.label}`,
      '',
      `Runs ${when}.`,
      '',
      ...c.items.map(
        (i, n) => `${c.ordered ? `${n + 1}.` : '- [ ]'} ${i.text}${i.owner ? ` (${i.owner})` : ''}`,
      ),
      '',
    );
  }
  return out;
}

function incidents(pack: Pack, target: (t: Target | undefined) => string): string[] {
  const inc = pack.incidents;
  if (!inc) return [];
  const out: string[] = ['## Incidents', ''];
  if (inc.stages?.length)
    out.push(
      table(
        ['Stage', 'Deadline'],
        inc.stages.map((s) => [s.label, target(s.deadline)]),
      ),
    );
  for (const p of inc.playbooks ?? []) {
    out.push(`### Playbook: ${p.label}`, '');
    for (const s of p.stages)
      out.push(
        `**${s.label}** ${s.deadline ? `(${target(s.deadline)})` : ''}`,
        '',
        ...(s.steps ?? []).map((st) => `- ${st.text}${st.command ? `: \`${st.command}\`` : ''}`),
        '',
      );
  }
  if (inc.regulatory?.length)
    out.push(
      '### Regulatory reports',
      '',
      table(
        ['Report', 'Authority', 'Due'],
        inc.regulatory.map((r) => [r.label, r.authority, `within ${formatDuration(r.within)} of ${r.since}`]),
      ),
    );
  return out;
}

/** The pack as a Markdown SOP document. */
export function renderPack(pack: Pack): string {
  const alwaysOpen = new Set((pack.calendars ?? []).filter((c) => c.hours === '24/7').map((c) => c.id));
  const target = (t: Target | undefined) => describeTarget(t, alwaysOpen);
  const templates = (pack.templates ?? []).flatMap((t) => [
    `### ${t.label} (${t.channel}, ${t.audience})`,
    '',
    ...Object.entries(t.locales).flatMap(([locale, v]) => [
      `*${locale}*`,
      '',
      '```',
      ...(v.subject ? [`Subject: ${v.subject}`, ''] : []),
      v.body,
      '```',
      '',
    ]),
  ]);
  const kpis = pack.kpis?.length
    ? [
        '## Targets',
        '',
        table(
          ['Measure', 'Target', 'Measured by'],
          pack.kpis.map((k) => [
            k.label,
            `${k.target.share !== undefined ? `${k.target.share}% ` : ''}${k.target.op} ${k.target.value}${k.target.unit ?? ''}`,
            k.measuredBy ?? '',
          ]),
        ),
      ]
    : [];
  return [
    documentControl(pack),
    ...people(pack, target),
    ...support(pack, target),
    ...incidents(pack, target),
    ...processes(pack),
    ...(templates.length ? ['## Templates', '', ...templates] : []),
    ...kpis,
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}
