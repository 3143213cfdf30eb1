/**
 * Every seed pack renders to a readable SOP: document control first, then every section of the schema in
 * the order of PACK_SECTIONS, with every item of every section the pack defines; targets, cadences,
 * conditions and actions in words.
 */
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/core/duration.js';
import { describeTarget, renderPack } from '../../src/packs/render.js';
import {
  describeAction,
  describeCadence,
  describeCondition,
  describeDuration,
} from '../../src/packs/render/words.js';
import { PACK_SECTIONS, PackSchema, type Pack, type PackSection } from '../../src/packs/schema/pack.js';
import { loadPackForTest } from './support.js';

const PACKS = ['shopsmart-pro', 'company-ops', 'sofacover-pro', 'pos-saas', 'smart-estate'];

const labels = (items: readonly { label?: string; id: string }[] | undefined) =>
  (items ?? []).map((i) => i.label ?? i.id);
const unnumbered = (text: string) => text.replace(/^\d+\.\s+/, '');

/** What a reader must find in the SOP for each section: one entry per item, sub-items included. */
const ITEMS: { readonly [K in PackSection]: (pack: Pack) => string[] } = {
  roles: (p) => labels(p.roles),
  contacts: (p) => labels(p.contacts),
  rotations: (p) => labels(p.rotations),
  calendars: (p) => labels(p.calendars),
  holidaySets: (p) => (p.holidaySets ?? []).flatMap((s) => [s.label, ...s.dates.map((d) => d.name)]),
  scales: (p) => (p.scales ?? []).flatMap((s) => [s.label, ...labels(s.levels)]),
  slaPolicies: (p) => labels(p.slaPolicies),
  tiers: (p) => (p.tiers ?? []).flatMap((t) => [t.label, ...t.responsibilities]),
  channels: (p) => labels(p.channels),
  routes: (p) => labels(p.routes),
  delivery: (p) => (p.delivery?.undeliverable?.length ? ['cannot be delivered'] : []),
  escalations: (p) => labels(p.escalations),
  templates: (p) =>
    (p.templates ?? []).flatMap((t) => [
      t.label,
      ...Object.values(t.locales).flatMap((v) => [v.subject ?? '', v.body.trim().split('\n')[0]!]),
    ]),
  incidents: ({ incidents: inc }) => [
    ...labels(inc?.types),
    ...(inc?.commandRoles ?? []).map((r) => r.responsibility),
    ...labels(inc?.stages),
    ...(inc?.playbooks ?? []).flatMap((pb) => [
      pb.label,
      ...(pb.detection ?? []),
      ...pb.stages.flatMap((s) => [s.label, ...(s.steps ?? []).flatMap((st) => [st.text, st.command ?? ''])]),
    ]),
    ...labels(inc?.regulatory),
    ...labels(inc?.review?.sections),
    ...(inc?.followUps ?? []).flatMap((f) => [f.label, ...labels(f.actions)]),
    ...(inc?.rules ?? []).map((r) => r.text),
  ],
  journeys: (p) => (p.journeys ?? []).flatMap((j) => [j.label, j.trigger.event, ...labels(j.steps)]),
  lifecycles: (p) => (p.lifecycles ?? []).flatMap((l) => [l.label, ...labels(l.states)]),
  checklists: (p) => (p.checklists ?? []).flatMap((c) => [c.label, ...c.items.map((i) => i.text)]),
  releases: ({ releases: r }) => [
    ...labels(r?.types),
    ...(r?.rollback ?? []).flatMap((s) => [unnumbered(s.text), s.command ?? '']),
  ],
  vendors: ({ vendors: v }) => [
    ...labels(v?.categories),
    ...labels(v?.criteria),
    ...(v?.vendors ?? []).map((x) => x.name),
  ],
  backups: ({ backups: b }) => [
    ...(b?.sets ?? []).map((s) => s.data),
    ...(b?.objectives ?? []).map((o) => o.scenario),
    ...(b?.procedures ?? []).flatMap((pr) => [
      pr.label,
      ...pr.steps.flatMap((s) => [unnumbered(s.text), s.command ?? '']),
    ]),
  ],
  monitors: ({ monitors: m }) => [
    ...labels(m?.checks),
    ...labels(m?.heartbeats),
    ...(m?.thresholds ?? []).map((t) => t.metric),
  ],
  kpis: (p) => labels(p.kpis),
  records: (p) =>
    (p.records ?? []).flatMap((r) => [r.label, ...r.fields.map((f) => f.name), ...(r.controls ?? [])]),
  plans: (p) => labels(p.plans),
  knowledge: (p) => (p.knowledge ?? []).flatMap((k) => [k.issue, ...k.firstChecks]),
  desk: (p) => (p.desk?.triage ?? []).map((r) => r.label ?? r.id),
};

/** The first heading a section renders under. */
const HEADINGS: { readonly [K in PackSection]: (pack: Pack) => string } = {
  roles: () => '## Roles',
  contacts: () => '## Contacts',
  rotations: () => '## On-call rotations',
  delivery: () => '## When a message cannot be delivered',
  calendars: () => '## Hours',
  holidaySets: (p) => `## Holidays: ${p.holidaySets?.[0]?.label}`,
  scales: (p) => `## ${p.scales?.[0]?.label}`,
  slaPolicies: () => '## SLA policies',
  tiers: () => '## Support tiers',
  channels: () => '## Channels',
  routes: () => '## Notification routes',
  escalations: () => '## Escalation',
  templates: () => '## Templates',
  incidents: () => '## Incidents',
  journeys: (p) => `## Journey: ${p.journeys?.[0]?.label}`,
  lifecycles: (p) => `## Lifecycle: ${p.lifecycles?.[0]?.label}`,
  checklists: (p) => `## Checklist: ${p.checklists?.[0]?.label}`,
  releases: () => '## Releases',
  vendors: () => '## Vendors',
  backups: () => '## Backups',
  monitors: () => '## Monitoring',
  kpis: () => '## Targets',
  records: (p) => `## Record: ${p.records?.[0]?.label}`,
  plans: () => '## Plans',
  knowledge: () => '## Common issues',
  desk: () => '## Help desk',
};

const defined = (pack: Pack) =>
  (Object.keys(PACK_SECTIONS) as PackSection[]).filter((name) => pack[name] !== undefined);

/** A text shows up in a table cell (pipes escaped), in prose (lines joined) or, line by line, in a block. */
function expectShown(doc: string, text: string): void {
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  const cell = line.replace(/\|/g, '\\|');
  const block = text.includes('\n') && text.split('\n').every((l) => doc.includes(l.trim()));
  expect(doc.includes(line) || doc.includes(cell) || block, `"${line}" is not in the rendered SOP`).toBe(
    true,
  );
}

describe('render', () => {
  for (const id of PACKS) {
    it(`renders ${id} with its document control, levels, checklists and templates`, async () => {
      const pack = await loadPackForTest(id);
      const doc = renderPack(pack);
      expect(doc.startsWith(`# ${pack.pack.title}\n`)).toBe(true);
      expect(doc).toContain(
        `| ${pack.pack.id} | ${pack.pack.version} | ${pack.pack.owner} | ${pack.pack.approver} |`,
      );
      for (const level of (pack.scales ?? []).flatMap((s) => s.levels))
        expect(doc).toContain(level.label.replace(/\|/g, '\\|'));
      for (const item of (pack.checklists ?? []).flatMap((c) => c.items))
        expect(doc).toContain(item.text.split('\n')[0]!);
      for (const template of pack.templates ?? []) {
        for (const variant of Object.values(template.locales))
          expect(doc).toContain(variant.body.trim().split('\n')[0]!);
      }
      expect(doc).not.toMatch(/\n{3,}/);
    });

    it(`shows every item of every section ${id} defines, in the order of PACK_SECTIONS`, async () => {
      const pack = await loadPackForTest(id);
      const doc = renderPack(pack);
      const sections = defined(pack);
      expect(sections.length).toBeGreaterThan(5);
      for (const name of sections) {
        for (const text of ITEMS[name](pack).filter(Boolean)) expectShown(doc, text);
      }
      const at = sections.map((name) => doc.indexOf(`\n${HEADINGS[name](pack)}\n`));
      expect(at.every((index) => index > doc.indexOf('\n## Change log\n'))).toBe(true);
      expect(at).toEqual([...at].sort((a, b) => a - b));
    });
  }

  it('writes targets in words', () => {
    expect(describeTarget({ within: 900_000 })).toBe('within 15m');
    expect(describeTarget({ within: 0 })).toBe('immediately');
    expect(describeTarget({ within: 3_600_000, calendar: 'whatsapp' })).toBe('within 1h (whatsapp hours)');
    expect(describeTarget({ none: true })).toBe('none');
    expect(describeTarget({ by: 'end-of-business-day' })).toBe('end of business day');
    expect(describeTarget({ within: 300_000, since: 'detected' })).toBe('within 5m of detection');
    expect(describeTarget({ within: 0, since: 'deployed' })).toBe('immediately on the deploy');
    expect(describeTarget({ within: 3_600_000, calendar: 'always' }, new Set(['always']))).toBe('within 1h');
    expect(formatDuration(604_800_000)).toBe('1w');
    expect(describeDuration(72 * 3_600_000)).toBe('72h');
    expect(describeDuration(30 * 86_400_000)).toBe('30d');
    expect(describeDuration(5_400_000)).toBe('1h30m');
  });

  it('writes cadences, conditions and actions in words', () => {
    expect(describeCadence({ every: 'week', on: 'mon', at: '09:00' })).toBe('every week on mon at 09:00');
    expect(describeCadence({ every: 'month', on: '1' })).toBe('every month on day 1');
    expect(describeCadence({ on: 'every-commit' })).toBe('on every commit');
    expect(describeCadence({ cron: '0 9 * * 1-5', calendar: 'office' })).toBe(
      'on the schedule `0 9 * * 1-5` (office calendar)',
    );
    expect(
      describeCondition({
        all: [
          { field: 'answer', gte: 9 },
          { field: 'answer', lte: 10 },
        ],
      }),
    ).toBe('answer from 9 to 10');
    expect(
      describeCondition({
        all: [{ field: 'plan', ne: 'enterprise' }, { not: { field: 'custom', exists: true } }],
      }),
    ).toBe('plan ≠ enterprise and custom is not set');
    expect(
      describeCondition({
        any: [
          { field: 'a', eq: 1 },
          {
            all: [
              { field: 'b', lt: 2 },
              { field: 'c', in: ['x', 'y'] },
            ],
          },
        ],
      }),
    ).toBe('a = 1 or (b < 2 and c is one of x, y)');
    expect(describeAction({ send: 'welcome-email', to: 'customer:', channel: 'email' })).toBe(
      'send template `welcome-email` to the customer via email',
    );
    expect(
      describeAction({ task: { title: 'Outbound call', for: 'role:csm', script: 'day-3-call-script' } }),
    ).toBe('task for role:csm: Outbound call (script `day-3-call-script`)');
    expect(describeAction({ transition: { lifecycle: 'ticket', to: 'closed' } })).toBe(
      'move `ticket` to closed',
    );
    expect(describeAction({ checklist: 'release-checklist' })).toBe('open checklist `release-checklist`');
    expect(describeAction({ notify: { route: 'critical', template: 'declared' } })).toBe(
      'notify route `critical` with template `declared`',
    );
  });

  it('shows ShopSmart P1 targets as the seed states them', async () => {
    const doc = renderPack(await loadPackForTest('shopsmart-pro'));
    expect(doc).toMatch(/\| P1 - Critical \| App down, data loss \|.*\| within 15m \| within 4h \|/);
  });

  it('shows the ShopSmart registers, recovery, releases and onboarding line by line', async () => {
    const lines = renderPack(await loadPackForTest('shopsmart-pro')).split('\n');
    for (const line of [
      // SOP-006: the weights sum to 100 %, and the register.
      '| Total | 100% |  |',
      '| Reliability/Uptime | 25% | SLA guarantees |',
      '| Critical | AWS, MongoDB Atlas | high | every quarter |',
      '| Twilio | SMS | Important | 2024-12 | Engineering |',
      // SOP-004: backups, RTO/RPO and the point-in-time recovery commands.
      '| MongoDB (Incremental) | every hour | 7d | AWS S3 |',
      '| Database corruption | 2h | 1h |',
      '1. Stop application servers: `kubectl scale deployment backend --replicas=0`',
      '3. Apply oplog to point-in-time: `mongorestore --uri="mongodb://..." --oplogReplay --oplogLimit="<timestamp>"`',
      '5. Restart application: `kubectl scale deployment backend --replicas=3`',
      '- [ ] Restore test (sample) — role:devops; every week; evidence: note',
      // SOP-005: release types and the rollback.
      '| Patch | every week | role:engineering-lead | within 24h of the deploy |',
      '2. Execute rollback: `kubectl rollout undo deployment/backend`',
      '| Monitor (1 hour) | Announce (if needed) | after 1h |  | task for role:product: Announce the release (if needed) |',
      // SOP-003 and SOP-008: stages and regulatory clocks.
      '**2. ASSESS SEVERITY** — within 5m of detection',
      '| GDPR (if applicable) | DPA | within 72h of detection | only if eu_personal_data = true |',
      // SOP-001: onboarding steps and the NPS branches.
      '**T+72h — Day 3 Call** (role:csm)',
      '- task for role:csm: Outbound call to new user: understand business needs and address any issues (during call) (script `day-3-call-script`)',
      '- If answer from 9 to 10: send template `referral-testimonial-request` to the customer via email',
      '| L1 Support to L2 Support | L1 Support | tier:l2-support | 30m after creation, if still open | category = technical |',
      '| CSAT Score | > 4.5/5 | Post-ticket survey answers | Post-ticket survey |',
    ])
      expect(lines).toContain(line);
  });

  it('shows the POS subscription lifecycle with its read-only state and retention timers', async () => {
    const lines = renderPack(await loadPackForTest('pos-saas')).split('\n');
    expect(lines).toContain('| Suspended (read-only) | read-only for the customer |');
    expect(lines).toContain(
      '| Cancelled | Data deleted | after 30d | if plan ≠ enterprise and custom_retention is not set |  |',
    );
    expect(lines).toContain('Runs every week on mon. Owner: role:operations.');
  });

  it('renders the sections and forms no seed uses: holidays, heartbeats, repeats, update cadences', () => {
    const doc = renderPack(minimalPack());
    const lines = doc.split('\n');
    expect(lines).toContain('| 2026-01-26 | Republic Day |');
    expect(lines).toContain('| Office | weekdays 09:00-17:00 | Asia/Kolkata | National holidays |');
    expect(lines).toContain('| Level | Updates | Fix |');
    expect(lines).toContain('| P1 | every 30m | within 1h of detection |');
    expect(lines).toContain(
      '| Page again | anyone | rotation:on-call | 15m after creation (office hours), if still open | every 15m, up to 3 times |',
    );
    expect(lines).toContain('| On call | on-call | every week |');
    expect(lines).toContain('| Nightly job | on the schedule `0 2 * * *` | 30m |');
    expect(lines).toContain('| Open | Closed | on `close` | approval of role:lead |  |');
    expect(lines).toContain('| any state | Archived | on `archive` |  | move `ticket` to archived |');
    expect(lines).toContain('| Archived | read-only for the customer; final |');
    expect(lines).toContain('1. Sign off — role:lead; approved by role:lead');
    expect(doc.indexOf('\n## Holidays: National holidays\n')).toBeLessThan(
      doc.indexOf('\n## Incident severity\n'),
    );
  });
});

/** A small pack with the forms the seeds leave unused. */
function minimalPack(): Pack {
  return PackSchema.parse({
    pack: {
      id: 'mini',
      title: 'Mini',
      version: '1.0.0',
      owner: 'Ops',
      approver: 'Lead',
      effective: '2026-01',
      review: { every: 'year' },
      timeZone: 'Asia/Kolkata',
      locales: ['en'],
      changelog: [{ version: '1.0.0', date: '2026-01', author: 'Ops', changes: 'First' }],
    },
    rotations: [{ id: 'on-call', label: 'On call', handoff: 'weekly' }],
    calendars: [
      { id: 'office', label: 'Office', hours: { weekdays: ['09:00-17:00'] }, holidays: ['national'] },
    ],
    holidaySets: [
      { id: 'national', label: 'National holidays', dates: [{ date: '2026-01-26', name: 'Republic Day' }] },
    ],
    scales: [
      {
        id: 'incident',
        label: 'Incident severity',
        for: 'incident',
        levels: [
          {
            id: 'p1',
            label: 'P1',
            targets: { updateEvery: { within: '30m' }, fix: { within: '1h', since: 'detected' } },
          },
        ],
      },
    ],
    escalations: [
      {
        id: 'page-again',
        label: 'Page again',
        to: 'rotation:on-call',
        trigger: { after: '15m', calendar: 'office' },
        repeat: { every: '15m', times: 3 },
      },
    ],
    lifecycles: [
      {
        id: 'ticket',
        label: 'Ticket',
        for: 'ticket',
        initial: 'open',
        states: [
          { id: 'open', label: 'Open' },
          { id: 'closed', label: 'Closed', terminal: true },
          { id: 'archived', label: 'Archived', terminal: true, readOnly: true },
        ],
        transitions: [
          { from: 'open', to: 'closed', on: 'close', approval: 'role:lead' },
          {
            from: '*',
            to: 'archived',
            on: 'archive',
            effects: [{ transition: { lifecycle: 'ticket', to: 'archived' } }],
          },
        ],
      },
    ],
    checklists: [
      {
        id: 'close-out',
        label: 'Close-out',
        ordered: true,
        items: [{ id: 'sign-off', text: 'Sign off', owner: 'role:lead', approval: 'role:lead' }],
      },
    ],
    monitors: {
      heartbeats: [{ id: 'nightly', label: 'Nightly job', period: { cron: '0 2 * * *' }, grace: '30m' }],
    },
  });
}
