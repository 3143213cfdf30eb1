/**
 * The engine's pure core on a small pack, at fixed instants: clocks on a business calendar (closed hours,
 * pauses, re-targeting), escalations (open only, repeat), journeys (a "≥ 5" boundary both ways, branches,
 * exits), lifecycles (guards needing approval AND payment, timed transitions), and idempotency keys.
 */
import { describe, expect, it } from 'vitest';
import { compilePack } from '../../packs/compile.js';
import { PackSchema } from '../../packs/schema/pack.js';
import { simulate } from './simulate.js';
import { decide } from './decide.js';
import { prepare } from './prepare.js';
import type { Effect, Fields } from './types.js';

const pack = PackSchema.parse({
  pack: {
    id: 'core-test',
    title: 'Core test',
    version: '1.0.0',
    owner: 'Support lead',
    approver: 'CTO',
    effective: '2026-01-01',
    review: { every: 'year' },
    timeZone: 'Asia/Kolkata',
    locales: ['en'],
    changelog: [{ version: '1.0.0', date: '2026-01-01', author: 'test', changes: 'first' }],
  },
  calendars: [{ id: 'whatsapp', label: 'WhatsApp', hours: { daily: ['09:00-21:00'] }, holidays: ['india'] }],
  holidaySets: [{ id: 'india', label: 'India', dates: [{ date: '2026-01-26', name: 'Republic Day' }] }],
  channels: [
    { id: 'whatsapp', label: 'WhatsApp', kind: 'whatsapp', audience: 'customer', calendar: 'whatsapp' },
    { id: 'email', label: 'Email', kind: 'email', audience: 'customer' },
    { id: 'slack', label: 'Slack', kind: 'slack', audience: 'internal' },
  ],
  tiers: [
    { id: 'l1', label: 'L1', responsibilities: ['triage'] },
    {
      id: 'l2',
      label: 'L2',
      responsibilities: ['fix'],
      responseTimes: [{ level: 'p1', target: { within: '30m' } }],
    },
  ],
  scales: [
    {
      id: 'priority',
      label: 'Priority',
      for: 'ticket',
      levels: [
        {
          id: 'p1',
          label: 'P1',
          targets: { firstResponse: { within: '15m', calendar: 'whatsapp' }, resolution: { within: '4h' } },
        },
        {
          id: 'p2',
          label: 'P2',
          targets: { firstResponse: { within: '1h', calendar: 'whatsapp' }, resolution: { within: '24h' } },
        },
      ],
    },
  ],
  slaPolicies: [
    {
      id: 'enterprise',
      scale: 'priority',
      when: { field: 'plan', eq: 'enterprise' },
      targets: { p1: { firstResponse: { within: '5m' } } },
    },
  ],
  routes: [
    {
      id: 'urgent',
      scale: 'priority',
      levels: ['p1'],
      channels: ['slack', 'whatsapp'],
      recipients: ['tier:l1'],
    },
  ],
  escalations: [
    {
      id: 'p1-to-l2',
      to: 'tier:l2',
      trigger: { after: '1h', since: 'created' },
      when: { field: 'priority', eq: 'p1' },
      repeat: { every: '1h', times: 1 },
    },
    // A clock-triggered rule: a WhatsApp ticket whose first response breaches goes to L2 at once.
    {
      id: 'whatsapp-breach-to-l2',
      to: 'tier:l2',
      trigger: { event: 'clock.breach:first-response' },
      when: { field: 'channel', eq: 'whatsapp' },
    },
  ],

  templates: [
    {
      id: 'welcome',
      label: 'Welcome',
      channel: 'email',
      audience: 'customer',
      locales: { en: { body: 'Hi' } },
    },
    { id: 'tips', label: 'Tips', channel: 'email', audience: 'customer', locales: { en: { body: 'Tips' } } },
  ],
  journeys: [
    {
      id: 'onboarding',
      label: 'Onboarding',
      trigger: { event: 'user.registered' },
      exitWhen: [{ field: 'subscription_status', eq: 'cancelled' }],
      steps: [
        { id: 'welcome', at: 0, actions: [{ send: 'welcome' }] },
        {
          id: 'check',
          at: '24h',
          when: { field: 'facts.customers_added', lt: 5 },
          actions: [{ task: { title: 'Call', for: 'role:cs' } }],
        },
        { id: 'tips', at: '72h', when: { field: 'customers_added', gte: 5 }, actions: [{ send: 'tips' }] },
        {
          id: 'nps',
          on: { event: 'survey.answered', survey: 'nps' },
          branches: [
            {
              id: 'promoter',
              when: { field: 'score', gte: 9 },
              actions: [{ task: { title: 'Ask review', for: 'role:cs' } }],
            },
            {
              id: 'detractor',
              when: { field: 'score', lte: 6 },
              actions: [{ task: { title: 'Call back', for: 'role:cs' } }],
            },
          ],
        },
      ],
    },
  ],
  lifecycles: [
    {
      id: 'estate',
      label: 'Estate',
      for: 'estate',
      initial: 'pending',
      states: [
        { id: 'pending', label: 'Pending' },
        { id: 'active', label: 'Active' },
        { id: 'suspended', label: 'Suspended', readOnly: true },
        { id: 'deleted', label: 'Deleted', terminal: true },
      ],
      transitions: [
        {
          from: 'pending',
          to: 'active',
          on: 'payment.confirmed',
          guard: {
            all: [
              { field: 'approved', eq: true },
              { field: 'payment_confirmed', eq: true },
            ],
          },
        },
        {
          from: 'pending',
          to: 'active',
          on: 'signup.approved',
          guard: { field: 'payment_confirmed', eq: true },
        },
        { from: 'active', to: 'suspended', on: 'payment.failed' },
        { from: 'suspended', to: 'deleted', after: '30d' },
      ],
    },
  ],
});
const ep = prepare(compilePack(pack, 'test-hash'));
const IST = (local: string) => Date.parse(`${local}+05:30`);
const H = 3_600_000;
const M = 60_000;

type Ev = { atMs: number; type: string; subject: string; data?: Fields };
function run(events: Ev[], untilMs: number): Effect[] {
  return [
    ...simulate(
      ep,
      events.map((e) => ({ ...e, data: e.data ?? {} })),
      untilMs,
    ).effects,
  ];
}
const of = (effects: Effect[], type: string, extra: (e: Effect) => boolean = () => true) =>
  effects.filter((e) => e.type === type && extra(e));
const clockEffect = (effects: Effect[], type: string, clock: string) =>
  of(effects, type, (e) => 'clock' in e && e.clock === clock).map((e) => e.atMs);

describe('clocks on a business calendar', () => {
  it('a P1 at 20:50 IST on WhatsApp (open 09-21) is due 09:05 the next morning (10 min that evening, 5 the next), warns at 80 %', () => {
    const t0 = IST('2026-01-16T20:50:00');
    const effects = run(
      [
        {
          atMs: t0,
          type: 'ticket.created',
          subject: 'ticket:T1',
          data: { priority: 'p1', channel: 'whatsapp' },
        },
      ],
      t0 + 2 * 86_400_000,
    );
    expect(clockEffect(effects, 'clock.breach', 'first-response')).toEqual([IST('2026-01-17T09:05:00')]);
    // 80 % of 15 min = 12 min: 10 min on Friday evening and 2 min on Saturday morning.
    expect(clockEffect(effects, 'clock.warn', 'first-response')).toEqual([IST('2026-01-17T09:02:00')]);
    // The resolution target names no calendar: 4 h of wall-clock time.
    expect(clockEffect(effects, 'clock.breach', 'resolution')).toEqual([t0 + 4 * H]);
  });

  it('a holiday is closed all day', () => {
    const t0 = IST('2026-01-25T20:55:00');
    const effects = run(
      [
        {
          atMs: t0,
          type: 'ticket.created',
          subject: 'ticket:T1',
          data: { priority: 'p1', channel: 'whatsapp' },
        },
      ],
      t0 + 3 * 86_400_000,
    );
    expect(clockEffect(effects, 'clock.breach', 'first-response')).toEqual([IST('2026-01-27T09:10:00')]);
  });

  it('an answer at the very instant of the due time meets it; a minute later breaches', () => {
    const t0 = IST('2026-01-16T10:00:00');
    const created = {
      atMs: t0,
      type: 'ticket.created',
      subject: 'ticket:T1',
      data: { priority: 'p1', channel: 'whatsapp' },
    };
    const onTime = run(
      [created, { atMs: t0 + 15 * M, type: 'ticket.replied', subject: 'ticket:T1', data: { by: 'agent' } }],
      t0 + H,
    );
    expect(clockEffect(onTime, 'clock.met', 'first-response')).toEqual([t0 + 15 * M]);
    expect(clockEffect(onTime, 'clock.breach', 'first-response')).toEqual([]);
    const late = run(
      [created, { atMs: t0 + 16 * M, type: 'ticket.replied', subject: 'ticket:T1', data: { by: 'agent' } }],
      t0 + H,
    );
    expect(clockEffect(late, 'clock.breach', 'first-response')).toEqual([t0 + 15 * M]);
    expect(clockEffect(late, 'clock.met', 'first-response')).toEqual([]);
  });

  it('pending pauses the resolution clock and a customer reply resumes it', () => {
    const t0 = IST('2026-01-16T10:00:00');
    const effects = run(
      [
        {
          atMs: t0,
          type: 'ticket.created',
          subject: 'ticket:T1',
          data: { priority: 'p1', channel: 'email' },
        },
        { atMs: t0 + H, type: 'ticket.status', subject: 'ticket:T1', data: { status: 'pending' } },
        { atMs: t0 + 3 * H, type: 'ticket.replied', subject: 'ticket:T1', data: { by: 'customer' } },
      ],
      t0 + 10 * H,
    );
    // 4 h target, 2 h paused: due at +6 h.
    expect(clockEffect(effects, 'clock.breach', 'resolution')).toEqual([t0 + 6 * H]);
    expect(clockEffect(effects, 'clock.pause', 'resolution')).toEqual([t0 + H]);
  });

  it('the first matching SLA policy replaces the level targets (enterprise: 5 min)', () => {
    const t0 = IST('2026-01-16T10:00:00');
    const effects = run(
      [
        {
          atMs: t0,
          type: 'ticket.created',
          subject: 'ticket:T1',
          data: { priority: 'p1', channel: 'email', plan: 'enterprise' },
        },
      ],
      t0 + H,
    );
    expect(clockEffect(effects, 'clock.breach', 'first-response')).toEqual([t0 + 5 * M]);
  });

  it('a priority change re-targets the running clock and keeps the elapsed time', () => {
    const t0 = IST('2026-01-16T10:00:00');
    const effects = run(
      [
        {
          atMs: t0,
          type: 'ticket.created',
          subject: 'ticket:T1',
          data: { priority: 'p2', channel: 'email' },
        },
        { atMs: t0 + 10 * M, type: 'ticket.priority', subject: 'ticket:T1', data: { priority: 'p1' } },
      ],
      t0 + 2 * H,
    );
    expect(clockEffect(effects, 'clock.breach', 'first-response')).toEqual([t0 + 15 * M]);
    // Upgrading to P1 notifies the P1 route.
    expect(of(effects, 'notify', (e) => 'route' in e && e.route === 'urgent').map((e) => e.atMs)).toEqual([
      t0 + 10 * M,
      t0 + 10 * M,
    ]);
  });
});

describe('escalations', () => {
  const t0 = IST('2026-01-16T10:00:00');
  const created = {
    atMs: t0,
    type: 'ticket.created',
    subject: 'ticket:T1',
    data: { priority: 'p1', channel: 'email' },
  };
  it('fire after 1 h and repeat once while unresolved, and start the tier response clock', () => {
    const effects = run([created], t0 + 5 * H);
    expect(of(effects, 'escalate').map((e) => [e.atMs, e.key])).toEqual([
      [t0 + H, 'ticket:T1:escalation:p1-to-l2:1'],
      [t0 + 2 * H, 'ticket:T1:escalation:p1-to-l2:2'],
    ]);
    expect(clockEffect(effects, 'clock.breach', 'l2-response')).toEqual([
      t0 + H + 30 * M,
      t0 + 2 * H + 30 * M,
    ]);
  });
  it('never fire for a ticket resolved before', () => {
    const effects = run(
      [created, { atMs: t0 + 59 * M, type: 'ticket.resolved', subject: 'ticket:T1' }],
      t0 + 5 * H,
    );
    expect(of(effects, 'escalate')).toEqual([]);
  });
});

describe('clock-triggered rules', () => {
  it('escalate when the named clock breaches, once, and not when it is met', () => {
    const t0 = IST('2026-01-16T10:00:00');
    const created = {
      atMs: t0,
      type: 'ticket.created',
      subject: 'ticket:T1',
      data: { priority: 'p2', channel: 'whatsapp' },
    };
    const late = run([created], t0 + 3 * H);
    expect(of(late, 'escalate').map((e) => [e.atMs, 'rule' in e ? e.rule : ''])).toEqual([
      [t0 + H, 'whatsapp-breach-to-l2'],
    ]);
    const answered = run(
      [created, { atMs: t0 + 30 * M, type: 'ticket.replied', subject: 'ticket:T1', data: { by: 'agent' } }],
      t0 + 3 * H,
    );
    expect(of(answered, 'escalate')).toEqual([]);
  });
});

describe('journeys', () => {
  const t0 = IST('2026-01-16T10:00:00');
  const registered = { atMs: t0, type: 'user.registered', subject: 'user:U1', data: {} };
  const fact = (atMs: number, value: number) => ({
    atMs,
    type: 'fact.set',
    subject: 'user:U1',
    data: { name: 'customers_added', value },
  });
  it('"≥ 5" holds at exactly 5: tips at 72 h, no call at 24 h', () => {
    const effects = run([registered, fact(t0 + H, 5)], t0 + 4 * 86_400_000);
    expect(of(effects, 'notify').map((e) => [e.atMs, 'template' in e ? e.template : ''])).toEqual([
      [t0, 'welcome'],
      [t0 + 72 * H, 'tips'],
    ]);
    expect(of(effects, 'task')).toEqual([]);
  });
  it('4 customers is below: a call at 24 h and no tips', () => {
    const effects = run([registered, fact(t0 + H, 4)], t0 + 4 * 86_400_000);
    expect(of(effects, 'task').map((e) => e.atMs)).toEqual([t0 + 24 * H]);
    expect(of(effects, 'notify').map((e) => e.atMs)).toEqual([t0]);
  });
  it('NPS branches by score and an exit stops the journey', () => {
    const promoter = run(
      [
        registered,
        { atMs: t0 + H, type: 'survey.answered', subject: 'user:U1', data: { survey: 'nps', score: 9 } },
      ],
      t0 + 2 * H,
    );
    expect(of(promoter, 'task').map((e) => ('title' in e ? e.title : ''))).toEqual(['Ask review']);
    const exited = run(
      [registered, { atMs: t0 + H, type: 'subscription.cancelled', subject: 'user:U1' }, fact(t0 + 2 * H, 1)],
      t0 + 4 * 86_400_000,
    );
    // The exit holds as soon as the cancellation arrives.
    expect(of(exited, 'journey.exit').map((e) => e.atMs)).toEqual([t0 + H]);
    expect(of(exited, 'task')).toEqual([]);
  });
});

describe('lifecycles', () => {
  const t0 = IST('2026-01-16T10:00:00');
  it('an estate becomes active only when approved AND paid, in either order', () => {
    const paidFirst = run(
      [
        { atMs: t0, type: 'signup.submitted', subject: 'account:E1' },
        { atMs: t0 + H, type: 'payment.confirmed', subject: 'account:E1' },
        { atMs: t0 + 2 * H, type: 'signup.approved', subject: 'account:E1' },
      ],
      t0 + 3 * H,
    );
    expect(of(paidFirst, 'transition').map((e) => [e.atMs, 'to' in e ? e.to : ''])).toEqual([
      [t0 + 2 * H, 'active'],
    ]);
    const approvedOnly = run(
      [
        { atMs: t0, type: 'signup.submitted', subject: 'account:E1' },
        { atMs: t0 + H, type: 'signup.approved', subject: 'account:E1' },
      ],
      t0 + 3 * H,
    );
    expect(of(approvedOnly, 'transition')).toEqual([]);
  });
  it('a timed transition moves a suspended estate to deleted 30 days later', () => {
    const effects = run(
      [
        { atMs: t0, type: 'signup.approved', subject: 'account:E1' },
        { atMs: t0 + H, type: 'payment.confirmed', subject: 'account:E1' },
        { atMs: t0 + 2 * H, type: 'payment.failed', subject: 'account:E1' },
      ],
      t0 + 40 * 86_400_000,
    );
    expect(of(effects, 'transition').map((e) => [e.atMs, 'to' in e ? e.to : ''])).toEqual([
      [t0 + H, 'active'],
      [t0 + 2 * H, 'suspended'],
      [t0 + 2 * H + 30 * 86_400_000, 'deleted'],
    ]);
  });
});

describe('decide', () => {
  it('never changes the state it is given and is deterministic', () => {
    const t0 = IST('2026-01-16T10:00:00');
    const event = {
      atMs: t0,
      type: 'ticket.created',
      subject: 'ticket:T1',
      data: { priority: 'p1', channel: 'whatsapp' },
    };
    const first = decide(ep, null, event);
    const frozen = JSON.stringify(first.state);
    const again = decide(ep, first.state, {
      atMs: t0 + 20 * M,
      type: 'timer',
      subject: 'ticket:T1',
      data: { timer: 'clock:first-response' },
    });
    expect(JSON.stringify(first.state)).toBe(frozen);
    expect(decide(ep, null, event)).toEqual(first);
    expect(again.effects.map((e) => e.type)).toContain('clock.breach');
  });
  it('a re-run of the same timer on the same state decides the same effects with the same keys', () => {
    const t0 = IST('2026-01-16T10:00:00');
    const created = decide(ep, null, {
      atMs: t0,
      type: 'ticket.created',
      subject: 'ticket:T1',
      data: { priority: 'p1', channel: 'email' },
    });
    const timer = {
      atMs: t0 + H,
      type: 'timer',
      subject: 'ticket:T1',
      data: { timer: 'escalation:p1-to-l2' },
    };
    const a = decide(ep, created.state, timer);
    const b = decide(ep, created.state, timer);
    expect(a.effects.map((e) => e.key)).toEqual(b.effects.map((e) => e.key));
    // After it committed, the same timer (a duplicate delivery) decides nothing new.
    const c = decide(ep, a.state, timer);
    expect(c.effects.filter((e) => e.type === 'escalate')).toEqual([]);
  });
  it('a channel closed now makes the message wait for its hours', () => {
    const t0 = IST('2026-01-16T22:00:00');
    const { effects } = decide(ep, null, {
      atMs: t0,
      type: 'ticket.created',
      subject: 'ticket:T1',
      data: { priority: 'p1', channel: 'email' },
    });
    const whatsapp = effects.find((e) => e.type === 'notify' && e.channel === 'whatsapp');
    expect(whatsapp && 'notBeforeMs' in whatsapp ? whatsapp.notBeforeMs : null).toBe(
      IST('2026-01-17T09:00:00'),
    );
  });
});
