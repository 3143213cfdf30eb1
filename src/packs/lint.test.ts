/**
 * The lint rules on small packs, each with a case that fires and a boundary that must not. `now` is fixed:
 * Monday 2026-11-23, noon UTC.
 */
import { describe, expect, it } from 'vitest';
import { lintPack, lintProblems, type LintFinding, type LintRule } from './lint.js';
import { PackSchema, type Pack } from './schema/pack.js';
import { complement, formatSpans, shift, WEEK_MINUTES, type Span } from './lint/week.js';

const NOW = new Date('2026-11-23T12:00:00Z');

function pack(sections: Record<string, unknown>, document: Record<string, unknown> = {}): Pack {
  return PackSchema.parse({
    pack: {
      id: 'lint-test',
      title: 'Lint test',
      version: '1.0.0',
      owner: 'Support lead',
      approver: 'Head of support',
      effective: '2026-11-01',
      review: { every: 'year' },
      timeZone: 'UTC',
      locales: ['en'],
      changelog: [{ version: '1.0.0', date: '2026-11-01', author: 'Support lead', changes: 'First' }],
      ...document,
    },
    ...sections,
  });
}

function findings(rule: LintRule, p: Pack, now = NOW): LintFinding[] {
  return lintPack(p, now).filter((f) => f.rule === rule);
}

const calendar = (id: string, hours: unknown, extra: Record<string, unknown> = {}) => ({
  id,
  label: id,
  hours,
  ...extra,
});

describe('calendar-never-open', () => {
  it('fires for a calendar without an open interval, also when named days override every shorthand', () => {
    const p = pack({
      calendars: [
        calendar('closed', { mon: [] }),
        calendar('overridden', { weekdays: ['09:00-17:00'], mon: [], tue: [], wed: [], thu: [], fri: [] }),
        calendar('backwards', { daily: ['18:00-09:00'] }),
      ],
    });
    expect(findings('calendar-never-open', p).map((f) => f.path)).toEqual([
      ['calendars', 0, 'hours'],
      ['calendars', 1, 'hours'],
      ['calendars', 2, 'hours'],
    ]);
  });

  it('does not fire for half an hour a week, nor for 24/7', () => {
    const p = pack({ calendars: [calendar('brief', { sun: ['00:00-00:30'] }), calendar('always', '24/7')] });
    expect(findings('calendar-never-open', p)).toEqual([]);
  });
});

describe('calendar-overlap', () => {
  it('fires for overlapping and duplicate intervals, naming the days', () => {
    const p = pack({
      calendars: [
        calendar('a', { weekdays: ['09:00-13:00', '12:00-18:00'], sat: ['10:00-12:00', '10:00-12:00'] }),
      ],
    });
    const found = findings('calendar-overlap', p);
    expect(found.map((f) => [f.path, f.message])).toEqual([
      [
        ['calendars', 0, 'hours', 'weekdays', 1],
        'calendar `a`: `12:00-18:00` overlaps `09:00-13:00` on weekdays',
      ],
      [['calendars', 0, 'hours', 'sat', 1], 'calendar `a`: `10:00-12:00` is listed twice on sat'],
    ]);
  });

  it('fires for an interval that ends before it starts or is empty (the schema refuses ends after 24:00)', () => {
    const p = pack({ calendars: [calendar('a', { mon: ['22:00-02:00', '09:00-09:00'] })] });
    expect(findings('calendar-overlap', p).map((f) => f.message)).toEqual([
      'calendar `a`: interval `22:00-02:00` ends before it starts',
      'calendar `a`: interval `09:00-09:00` is empty',
    ]);
    expect(() => pack({ calendars: [calendar('a', { mon: ['23:00-24:30'] })] })).toThrow();
  });

  it('does not fire for touching intervals, nor for a shorthand whose days are all named', () => {
    const p = pack({
      calendars: [
        calendar('touching', { daily: ['09:00-13:00', '13:00-18:00', '18:00-24:00'] }),
        calendar('overridden', {
          weekdays: ['09:00-13:00', '10:00-12:00'],
          mon: ['09:00-17:00'],
          tue: ['09:00-17:00'],
          wed: [],
          thu: [],
          fri: ['10:00-12:00'],
        }),
        calendar('named-replaces', { daily: ['09:00-17:00'], sat: ['10:00-12:00'] }),
      ],
    });
    expect(findings('calendar-overlap', p)).toEqual([]);
  });
});

const channel = (id: string, calendarId?: string) => ({
  id,
  label: id,
  kind: 'email',
  audience: 'internal',
  ...(calendarId ? { calendar: calendarId } : {}),
});

describe('escalation-reaches-nobody', () => {
  const calendars = [
    calendar('whatsapp-hours', { daily: ['09:00-21:00'] }),
    calendar('phone-hours', { daily: ['10:00-19:00'] }),
    calendar('office', { weekdays: ['09:00-17:00'] }),
  ];
  const scales = [
    { id: 'sev', label: 'Severity', for: 'incident', levels: [{ id: 'critical', label: 'C' }] },
  ];
  const route = (channels: string[]) => ({ id: 'critical', scale: 'sev', levels: ['critical'], channels });

  it('fires when every channel of a route is closed, saying when', () => {
    const p = pack({
      calendars,
      scales,
      channels: [channel('whatsapp', 'whatsapp-hours'), channel('phone', 'phone-hours')],
      routes: [route(['whatsapp', 'phone'])],
    });
    const [found, ...rest] = findings('escalation-reaches-nobody', p);
    expect(rest).toEqual([]);
    expect(found?.path).toEqual(['routes', 0, 'channels']);
    expect(found?.message).toBe(
      'all channels of route `critical` (`whatsapp`, `phone`) are closed Mon 21:00-Tue 09:00, Tue 21:00-Wed 09:00, ' +
        'Wed 21:00-Thu 09:00 and 4 more (UTC time; 84 h a week): a notification raised then reaches nobody until one opens',
    );
  });

  it('does not fire when one channel is always open, or when the channels cover the week between them', () => {
    const p = pack({
      calendars: [...calendars, calendar('nights', { daily: ['00:00-09:00', '21:00-24:00'] })],
      scales,
      channels: [channel('whatsapp', 'whatsapp-hours'), channel('email'), channel('night-desk', 'nights')],
      routes: [route(['whatsapp', 'email']), route(['whatsapp', 'night-desk'])],
    });
    expect(findings('escalation-reaches-nobody', p)).toEqual([]);
  });

  it('compares calendars in different zones at their offsets, and reports in the first one', () => {
    const p = pack({
      calendars: [
        calendar('utc-mornings', { daily: ['00:00-12:00'] }),
        calendar('ist-evenings', { daily: ['17:30-24:00'] }, { timeZone: 'Asia/Kolkata' }),
      ],
      scales,
      channels: [channel('a', 'utc-mornings'), channel('b', 'ist-evenings')],
      routes: [route(['a', 'b'])],
    });
    // 17:30-24:00 IST is 12:00-18:30 UTC: nobody from 18:30 to 24:00 UTC.
    expect(findings('escalation-reaches-nobody', p)[0]?.message).toContain(
      'closed Mon 18:30-24:00, Tue 18:30-24:00, Wed 18:30-24:00 and 4 more (UTC time; 38 h 30 min a week)',
    );
  });

  it('fires for an escalation to a channel, unless its timer only runs while the channel is open', () => {
    const escalation = (trigger: unknown) => ({ id: 'to-desk', to: 'channel:desk', trigger });
    const p = pack({
      calendars,
      channels: [channel('desk', 'office')],
      escalations: [
        escalation({ event: 'incident.declared' }),
        escalation({ after: '2h', calendar: 'office' }),
      ],
    });
    const found = findings('escalation-reaches-nobody', p);
    expect(found.map((f) => f.path)).toEqual([['escalations', 0, 'to']]);
    expect(found[0]?.message).toContain('closed Mon 17:00-Tue 09:00');
    expect(found[0]?.message).toContain('and 2 more (UTC time; 128 h a week)');
  });
});

describe('journey-without-exit', () => {
  const journey = (extra: Record<string, unknown>, ats: string[]) => ({
    id: 'trial',
    label: 'Trial',
    trigger: { event: 'trial.started' },
    steps: ats.map((at, i) => ({ id: `s${i}`, at, actions: [{ flag: { label: 'x' } }] })),
    ...extra,
  });

  it('fires for a journey that waits and has no exit', () => {
    const p = pack({ journeys: [journey({}, ['0', '7d']), journey({ exitWhen: [] }, ['1d'])] });
    expect(findings('journey-without-exit', p).map((f) => f.path)).toEqual([
      ['journeys', 0],
      ['journeys', 1],
    ]);
  });

  it('does not fire with an exit, nor for a journey whose steps all run at T+0', () => {
    const exit = { exitWhen: [{ field: 'plan', eq: 'pro' }] };
    const p = pack({ journeys: [journey(exit, ['0', '7d']), journey({}, ['0', 'immediate'])] });
    expect(findings('journey-without-exit', p)).toEqual([]);
  });
});

describe('template-missing-locale', () => {
  const template = (id: string, locales: string[], audience = 'customer') => ({
    id,
    label: id,
    channel: audience === 'customer' ? 'sms' : 'slack',
    audience,
    locales: Object.fromEntries(locales.map((l) => [l, { body: 'Hello' }])),
  });

  it('fires for a template lacking a pack locale another template has', () => {
    const p = pack(
      { templates: [template('notice', ['hi', 'en']), template('welcome', ['en'])] },
      { locales: ['en', 'hi'] },
    );
    const found = findings('template-missing-locale', p);
    expect(found.map((f) => [f.path, f.message])).toEqual([
      [
        ['templates', 1, 'locales'],
        'template `welcome` has no variant for `hi` (1 other customer template has it)',
      ],
    ]);
  });

  it('does not fire for a locale no other template has, nor for one the pack does not list', () => {
    const p = pack(
      { templates: [template('notice', ['en', 'fr']), template('welcome', ['en'])] },
      { locales: ['en', 'hi'] },
    );
    expect(findings('template-missing-locale', p)).toEqual([]);
  });

  it('compares a template only with templates of its own audience, and counts only those', () => {
    const p = pack(
      {
        templates: [
          template('notice', ['hi', 'en']),
          template('welcome', ['hi', 'en']),
          template('alert', ['hi', 'en'], 'internal'),
          template('reminder', ['en']),
          template('digest', ['en'], 'internal'),
        ],
      },
      { locales: ['en', 'hi'] },
    );
    const found = findings('template-missing-locale', p);
    expect(found.map((f) => [f.path, f.message])).toEqual([
      [
        ['templates', 3, 'locales'],
        'template `reminder` has no variant for `hi` (2 other customer templates have it)',
      ],
      [
        ['templates', 4, 'locales'],
        'template `digest` has no variant for `hi` (1 other internal template has it)',
      ],
    ]);
  });

  it('does not fire for an internal template because customer templates have a locale, nor the reverse', () => {
    const p = pack(
      {
        templates: [
          template('notice', ['hi', 'en']),
          template('slack-alert', ['en', 'fr'], 'internal'),
          template('welcome', ['hi', 'en']),
        ],
      },
      { locales: ['en', 'hi', 'fr'] },
    );
    expect(findings('template-missing-locale', p)).toEqual([]);
  });
});

describe('deletion-before-read-only-ends', () => {
  const lifecycle = (transitions: unknown[]) => ({
    id: 'subscription',
    label: 'Subscription',
    for: 'subscription',
    initial: 'active',
    states: [
      { id: 'active', label: 'Active' },
      { id: 'suspended', label: 'Suspended', readOnly: true },
      { id: 'cancelled', label: 'Cancelled' },
      { id: 'purge', label: 'Data deleted', terminal: true },
    ],
    transitions: [{ from: 'active', to: 'suspended', on: 'payment.failed' }, ...transitions],
  });

  it('fires for a deletion timer shorter than the read-only period', () => {
    const p = pack({
      lifecycles: [
        lifecycle([
          { from: 'suspended', to: 'active', after: '30d' },
          { from: ['suspended', 'cancelled'], to: 'purge', after: '7d' },
        ]),
      ],
    });
    const found = findings('deletion-before-read-only-ends', p);
    expect(found.map((f) => [f.path, f.message])).toEqual([
      [
        ['lifecycles', 0, 'transitions', 2, 'after'],
        'lifecycle `subscription`: `suspended` → `purge` fires after 7d, but `suspended` is read-only for 30d ' +
          '(until → `active`): the data goes before the read-only period ends',
      ],
    ]);
  });

  it('does not fire when deletion waits as long, is the only way out, or leaves a state that is not read-only', () => {
    const p = pack({
      lifecycles: [
        lifecycle([
          { from: 'suspended', to: 'active', after: '30d' },
          { from: 'suspended', to: 'purge', after: '30d' },
        ]),
        lifecycle([
          { from: 'suspended', to: 'cancelled', after: '30d' },
          { from: 'cancelled', to: 'purge', after: '1d' },
        ]),
        lifecycle([
          { from: 'suspended', to: 'active', after: '30d' },
          { from: 'active', to: 'purge', after: '1d' },
        ]),
      ],
    });
    expect(findings('deletion-before-read-only-ends', p)).toEqual([]);
  });
});

describe('sla-not-monotonic', () => {
  const level = (id: string, targets: Record<string, unknown>) => ({ id, label: id, targets });
  const scale = (levels: unknown[]) => ({ id: 'priority', label: 'Priority', for: 'ticket', levels });
  const calendars = [calendar('business', { weekdays: ['09:00-17:00'] }), calendar('always', '24/7')];

  it('fires for a more urgent level with a longer target, in a scale and in a policy', () => {
    const p = pack({
      calendars,
      scales: [
        scale([
          level('p1', { resolution: { within: '48h' } }),
          level('p2', { resolution: { within: '24h', calendar: 'always' } }),
          level('p3', { resolution: { within: '12h' } }),
        ]),
      ],
      slaPolicies: [
        {
          id: 'pro',
          scale: 'priority',
          targets: { p2: { firstResponse: { within: '1h' } }, p1: { firstResponse: { within: '4h' } } },
        },
      ],
    });
    const found = findings('sla-not-monotonic', p);
    expect(found.map((f) => [f.path, f.message])).toEqual([
      [
        ['scales', 0, 'levels', 0, 'targets', 'resolution', 'within'],
        'scale `priority`: `p1` has a longer resolution target (48h) than less urgent `p2` (24h), `p3` (12h)',
      ],
      [
        ['scales', 0, 'levels', 1, 'targets', 'resolution', 'within'],
        'scale `priority`: `p2` has a longer resolution target (24h) than less urgent `p3` (12h)',
      ],
      [
        ['slaPolicies', 0, 'targets', 'p1', 'firstResponse', 'within'],
        'SLA policy `pro`: `p1` has a longer firstResponse target (4h) than less urgent `p2` (1h)',
      ],
    ]);
  });

  it('does not fire for equal targets, other clocks, other target names or targets that are not durations', () => {
    const p = pack({
      calendars,
      scales: [
        scale([
          level('p1', {
            resolution: { within: '24h' },
            firstResponse: { within: '16h', calendar: 'business' },
          }),
          level('p2', { resolution: { within: '24h' }, firstResponse: { within: '1d' } }),
          level('p3', { resolution: { none: true }, response: { within: '1h' } }),
          level('p4', { resolution: { by: 'next-release' } }),
        ]),
      ],
    });
    expect(findings('sla-not-monotonic', p)).toEqual([]);
  });
});

describe('sla-policy-unreachable', () => {
  const scales = ['a', 'b'].map((id) => ({
    id,
    label: id,
    for: 'ticket',
    levels: [{ id: 'p1', label: 'P1' }],
  }));
  const policy = (id: string, scale: string, when?: unknown) => ({
    id,
    scale,
    targets: { p1: { firstResponse: { within: '1h' } } },
    ...(when ? { when } : {}),
  });
  const enterprise = { field: 'plan', eq: 'enterprise' };

  it('fires for a policy after a catch-all or an identical condition of the same scale', () => {
    const p = pack({
      scales,
      slaPolicies: [
        policy('enterprise', 'a', enterprise),
        policy('enterprise-again', 'a', { eq: 'enterprise', field: 'plan' }),
        policy('default', 'a'),
        policy('pro', 'a', { field: 'plan', eq: 'pro' }),
      ],
    });
    expect(findings('sla-policy-unreachable', p).map((f) => [f.path, f.message])).toEqual([
      [
        ['slaPolicies', 1],
        'SLA policy `enterprise-again` never applies: `enterprise`, tried before it for scale `a`, has the same `when`',
      ],
      [
        ['slaPolicies', 3],
        'SLA policy `pro` never applies: `default`, tried before it for scale `a`, has no `when`',
      ],
    ]);
  });

  it('does not fire when the catch-all comes last, or belongs to another scale', () => {
    const p = pack({
      scales,
      slaPolicies: [
        policy('enterprise', 'a', enterprise),
        policy('default', 'a'),
        policy('b-enterprise', 'b', enterprise),
      ],
    });
    expect(findings('sla-policy-unreachable', p)).toEqual([]);
  });
});

describe('review-overdue', () => {
  const reviewBy = (by: string, timeZone = 'UTC') => pack({}, { review: { by }, timeZone });

  it('fires the day after the review date, or after the review month', () => {
    expect(findings('review-overdue', reviewBy('2026-11-22'))).toEqual([
      {
        path: ['pack', 'review', 'by'],
        rule: 'review-overdue',
        message: 'the review date 2026-11-22 has passed (today is 2026-11-23 in UTC)',
        hint: 'review the SOP, then set the next `review.by` and add a changelog entry',
      },
    ]);
    expect(findings('review-overdue', reviewBy('2026-10'))).toHaveLength(1);
  });

  it('does not fire on the review date itself, nor within the review month', () => {
    expect(findings('review-overdue', reviewBy('2026-11-23'))).toEqual([]);
    expect(findings('review-overdue', reviewBy('2026-11'))).toEqual([]);
  });

  it("counts days in the pack's time zone", () => {
    const evening = new Date('2026-11-23T20:00:00Z'); // already the 24th in Kolkata
    expect(findings('review-overdue', reviewBy('2026-11-23', 'Asia/Kolkata'), evening)).toHaveLength(1);
    expect(findings('review-overdue', reviewBy('2026-11-23', 'UTC'), evening)).toEqual([]);
  });
});

describe('review-cadence-overdue', () => {
  const reviewed = (date: string) =>
    pack(
      {},
      {
        review: { every: 'quarter' },
        effective: '2026-01',
        changelog: [
          { version: '1.0.0', date: '2026-01', author: 'Lead', changes: 'First' },
          { version: '1.1.0', date, author: 'Lead', changes: 'Reviewed' },
        ],
      },
    );

  it('fires when the cadence has passed since the latest changelog date', () => {
    const found = findings('review-cadence-overdue', reviewed('2026-08-22'));
    expect(found.map((f) => [f.path, f.message])).toEqual([
      [
        ['pack', 'review', 'every'],
        'the SOP is reviewed every quarter; the latest effective or changelog date is 2026-08-22, so a review was due by 2026-11-22 (today is 2026-11-23 in UTC)',
      ],
    ]);
  });

  it('does not fire on the day the review falls due', () => {
    expect(findings('review-cadence-overdue', reviewed('2026-08-23'))).toEqual([]);
  });
});

describe('lintProblems', () => {
  it('turns findings into warnings at the place the locator gives, in file order', () => {
    const locate = (path: readonly PropertyKey[]) =>
      path[0] === 'pack'
        ? { file: 'pack.yaml', line: 9, column: 7 }
        : { file: 'calendars.yaml', line: 3, column: 5 };
    const problems = lintProblems(
      [
        { path: ['pack', 'review', 'by'], rule: 'review-overdue', message: 'late' },
        { path: ['calendars', 0, 'hours'], rule: 'calendar-never-open', message: 'closed', hint: 'open it' },
      ],
      locate,
    );
    expect(problems).toEqual([
      {
        file: 'calendars.yaml',
        line: 3,
        column: 5,
        path: 'calendars[0].hours',
        message: 'closed',
        hint: 'open it',
        severity: 'warning',
        rule: 'calendar-never-open',
      },
      {
        file: 'pack.yaml',
        line: 9,
        column: 7,
        path: 'pack.review.by',
        message: 'late',
        severity: 'warning',
        rule: 'review-overdue',
      },
    ]);
  });

  it('finds nothing in a clean pack', () => {
    expect(lintPack(pack({ calendars: [calendar('always', '24/7')] }), NOW)).toEqual([]);
  });
});

describe('week spans', () => {
  it('shifts across the end of the week and shows a night across Sunday midnight as one span', () => {
    const sundayNight: Span[] = [[WEEK_MINUTES - 180, WEEK_MINUTES]]; // Sun 21:00-24:00
    const shifted = shift(sundayNight, 600); // +10 h: Mon 07:00-10:00
    expect(shifted).toEqual([[420, 600]]);
    expect(formatSpans([[0, 540], ...sundayNight])).toBe('Sun 21:00-Mon 09:00');
    expect(formatSpans(complement([]))).toBe('all week');
  });
});
