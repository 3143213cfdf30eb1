import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { align } from './align.js';
import { compilePack } from './compile.js';
import { diffPacks, formatChange } from './diff.js';
import { PackSchema, type Pack } from './schema/pack.js';

type Input = z.input<typeof PackSchema>;
type Mini = Input &
  Required<
    Pick<Input, 'roles' | 'calendars' | 'scales' | 'templates' | 'journeys' | 'lifecycles' | 'checklists'>
  >;

/** A small pack as an author writes it (durations as text); `edit` changes a copy before parsing. */
function pack(edit: (input: Mini) => void = () => {}): Pack {
  const input: Mini = {
    pack: {
      id: 'mini',
      title: 'Mini SOP',
      version: '1.0.0',
      owner: 'Support lead',
      approver: 'Head of operations',
      effective: '2026-01-01',
      review: { every: 'year' },
      timeZone: 'Asia/Kolkata',
      locales: ['en'],
      changelog: [{ version: '1.0.0', date: '2026-01', author: 'Support lead', changes: 'First' }],
    },
    roles: [
      { id: 'agent', label: 'Agent' },
      { id: 'lead', label: 'Support lead' },
    ],
    calendars: [
      { id: 'always', label: '24/7', hours: '24/7' },
      { id: 'office', label: 'Office hours', hours: { weekdays: ['09:00-18:00'] } },
    ],
    scales: [
      {
        id: 'priority',
        label: 'Priority',
        for: 'ticket',
        levels: [
          {
            id: 'p1',
            label: 'P1 - Critical',
            targets: { firstResponse: { within: '15 min', calendar: 'always', quote: '15 min' } },
            facts: ['000#1'],
          },
          {
            id: 'p2',
            label: 'P2 - High',
            targets: { resolution: { within: '24 hours', calendar: 'always' } },
          },
        ],
      },
    ],
    templates: [
      {
        id: 'welcome',
        label: 'Welcome',
        channel: 'email',
        audience: 'customer',
        variables: [{ name: 'customer_name', description: 'Name' }],
        locales: {
          en: { subject: 'Welcome', body: 'Hello {{ customer_name }},\n\nWelcome aboard.\n\n- Team' },
        },
      },
    ],
    journeys: [
      {
        id: 'onboarding',
        label: 'Onboarding',
        trigger: { event: 'signup' },
        steps: [
          { id: 'day-0', at: '0', actions: [{ send: 'welcome' }] },
          {
            id: 'day-7',
            at: '7d',
            when: { field: 'facts.customers_added', lt: 5 },
            actions: [{ task: { title: 'Call', for: 'role:agent' } }],
          },
        ],
      },
    ],
    lifecycles: [
      {
        id: 'bug',
        label: 'Bug',
        for: 'bug',
        initial: 'reported',
        states: [
          { id: 'reported', label: 'Reported' },
          { id: 'closed', label: 'Closed', terminal: true },
        ],
        transitions: [
          { from: 'reported', to: 'closed', on: 'fix' },
          { from: 'reported', to: 'closed', after: '30d' },
        ],
      },
    ],
    checklists: [
      {
        id: 'daily',
        label: 'Daily',
        schedule: { every: 'day', at: '09:00' },
        items: [{ id: 'a', text: 'Check' }],
      },
    ],
  };
  const copy = structuredClone(input);
  edit(copy);
  return PackSchema.parse(copy);
}

const lines = (a: Pack, b: Pack, annotations = false) => diffPacks(a, b, { annotations }).map(formatChange);

describe('diffPacks', () => {
  it('finds nothing between equal packs, and leaves both untouched', () => {
    const a = pack();
    const frozen = compilePack(pack(), 'h').pack as Pack;
    expect(diffPacks(a, frozen)).toEqual([]);
    expect(diffPacks(a, a, { annotations: true })).toEqual([]);
  });

  it('reports a changed target in human terms, at a path named by ids, document control first', () => {
    const b = pack((p) => {
      p.scales[0]!.levels[1]!.targets = { resolution: { within: '25h', calendar: 'always' } };
      p.pack = { ...p.pack, version: '1.1.0' };
    });
    expect(lines(pack(), b)).toEqual([
      'pack.version: 1.0.0 → 1.1.0',
      'scales.priority.levels.p2.targets.resolution: within 1d → within 1d1h',
    ]);
  });

  it('names the calendars only when the calendar changed', () => {
    const b = pack((p) => {
      p.scales[0]!.levels[0]!.targets = {
        firstResponse: { within: '15 min', calendar: 'office', quote: '15 min' },
      };
    });
    expect(lines(pack(), b)).toEqual([
      'scales.priority.levels.p1.targets.firstResponse: within 15m (calendar always) → within 15m (calendar office)',
    ]);
    const none = pack((p) => {
      p.scales[0]!.levels[1]!.targets = { resolution: { none: true } };
    });
    expect(lines(pack(), none)).toEqual(['scales.priority.levels.p2.targets.resolution: within 1d → none']);
  });

  it('matches list items by id: added, removed, changed, and a new order', () => {
    const b = pack((p) => {
      p.roles = [
        { id: 'lead', label: 'Team lead' },
        { id: 'manager', label: 'Support manager' },
      ];
      p.scales[0]!.levels.push({ id: 'p3', label: 'P3 - Medium' });
    });
    expect(lines(pack(), b)).toEqual([
      'roles.agent: removed Agent',
      'roles.lead.label: "Support lead" → "Team lead"',
      'roles.manager: added "Support manager"',
      'scales.priority.levels.p3: added "P3 - Medium"',
    ]);
    const reordered = pack((p) => p.calendars.reverse());
    expect(lines(pack(), reordered)).toEqual(['calendars: reordered [always, office] → [office, always]']);
  });

  it('compares template bodies line by line, per locale', () => {
    const b = pack((p) => {
      p.templates[0]!.locales.en = {
        subject: 'Welcome to Mini',
        body: 'Hello {{ customer_name }},\n\nWelcome to Mini.\n\n- Team',
      };
    });
    expect(lines(pack(), b)).toEqual([
      'templates.welcome.locales.en.subject: Welcome → "Welcome to Mini"',
      'templates.welcome.locales.en.body: removed line 3: "Welcome aboard."',
      'templates.welcome.locales.en.body: added line 3: "Welcome to Mini."',
    ]);
    const hindi = pack((p) => {
      p.pack = { ...p.pack, locales: ['en', 'hi'] };
      p.templates[0]!.locales.hi = { body: 'नमस्ते {{ customer_name }}' };
    });
    expect(lines(pack(), hindi)).toEqual([
      'pack.locales: added hi',
      'templates.welcome.locales.hi: added {body: "नमस्ते {{ customer_name }}"}',
    ]);
  });

  it('leaves out changes to quote and facts unless asked, and flags them', () => {
    const b = pack((p) => {
      const p1 = p.scales[0]!.levels[0]!;
      p1.targets = { firstResponse: { within: '15 min', calendar: 'always', quote: 'fifteen minutes' } };
      p1.facts = ['000#1', '000#2'];
    });
    expect(diffPacks(pack(), b)).toEqual([]);
    expect(diffPacks(pack(), b, { annotations: true })).toEqual([
      expect.objectContaining({ annotation: true, kind: 'changed' }),
      expect.objectContaining({ annotation: true, kind: 'added' }),
    ]);
    expect(lines(pack(), b, true)).toEqual([
      'scales.priority.levels.p1.targets.firstResponse.quote: "15 min" → "fifteen minutes"',
      'scales.priority.levels.p1.facts: added 000#2',
    ]);
  });

  it('shows durations, conditions, cadences and actions as an author reads them', () => {
    const b = pack((p) => {
      const [day0, day7] = p.journeys[0]!.steps;
      day7!.at = '8d';
      day7!.when = {
        all: [
          { field: 'facts.customers_added', lt: 5 },
          { field: 'plan', eq: 'pro' },
        ],
      };
      day0!.actions = [{ send: 'welcome-2' }];
      p.templates.push({ ...p.templates[0]!, id: 'welcome-2' });
      p.checklists[0]!.schedule = { every: 'week', on: 'mon', at: '10:00' };
    });
    expect(lines(pack(), b)).toEqual([
      'templates.welcome-2: added Welcome',
      'journeys.onboarding.steps.day-0.actions[0].send: welcome → welcome-2',
      'journeys.onboarding.steps.day-7.at: 1w → 1w1d',
      'journeys.onboarding.steps.day-7.when: facts.customers_added < 5 → facts.customers_added < 5 and plan = pro',
      'checklists.daily.schedule: every day at 09:00 → every week on mon at 10:00',
    ]);
  });

  it('aligns lists without ids, comparing an edited item field by field', () => {
    const b = pack((p) => {
      const transitions = p.lifecycles[0]!.transitions;
      transitions[1] = { from: 'reported', to: 'closed', after: '60d' };
      transitions.unshift({ from: 'closed', to: 'reported', on: 'reopen' });
    });
    expect(lines(pack(), b)).toEqual([
      'lifecycles.bug.transitions[0]: added {from: closed, to: reported, on: reopen}',
      'lifecycles.bug.transitions[2].after: 4w2d → 8w4d',
    ]);
  });
});

describe('align', () => {
  it('keeps the longest common run and removes before it adds', () => {
    expect(align(['a', 'b', 'c'], ['a', 'x', 'c']).map((o) => o.op)).toEqual([
      'same',
      'removed',
      'added',
      'same',
    ]);
    expect(align([], ['a']).map((o) => o.op)).toEqual(['added']);
  });
});
