import { describe, expect, it } from 'vitest';
import { crossCheck } from './cross-check.js';
import { PackSchema } from './schema/pack.js';

const base = {
  pack: {
    id: 'demo',
    title: 'Demo SOP',
    version: '1.0.0',
    owner: 'Operations Team',
    approver: 'Operations Manager',
    effective: '2024-01',
    review: { by: '2024-07' },
    timeZone: 'Asia/Kolkata',
    locales: ['en', 'hi'],
    changelog: [{ version: '1.0', date: '2024-01', author: 'Ops', changes: 'Initial version' }],
  },
  roles: [{ id: 'l1-support', label: 'L1 Support' }],
  calendars: [{ id: 'whatsapp', label: 'WhatsApp hours', hours: { daily: ['09:00-21:00'] } }],
  scales: [
    {
      id: 'support-priority',
      label: 'Support priority',
      for: 'ticket',
      levels: [
        {
          id: 'p1',
          label: 'P1 - Critical',
          targets: { firstResponse: { within: '15 min' }, resolution: { within: '4 hours' } },
        },
      ],
    },
  ],
  channels: [{ id: 'email', label: 'Email', kind: 'email', audience: 'customer' }],
  routes: [
    {
      id: 'critical',
      scale: 'support-priority',
      levels: ['p1'],
      channels: ['email'],
      recipients: ['role:l1-support'],
    },
  ],
  templates: [
    {
      id: 'welcome',
      label: 'Welcome',
      channel: 'email',
      audience: 'customer',
      variables: [{ name: 'name', description: 'The user' }],
      locales: { en: { subject: 'Hi {{ name }}', body: 'Welcome, {{ name }}!' } },
    },
  ],
};

const problemsOf = (patch: (p: typeof base) => unknown) => {
  const draft = structuredClone(base);
  const parsed = PackSchema.parse(patch(draft) ?? draft);
  return crossCheck(parsed).map((p) => `${p.path.join('.')}: ${p.message}`);
};

describe('crossCheck', () => {
  it('accepts a consistent pack', () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  it('parses durations to milliseconds', () => {
    const pack = PackSchema.parse(base);
    expect(pack.scales?.[0]?.levels[0]?.targets?.firstResponse).toEqual({ within: 900_000 });
  });

  it('finds references to things the pack does not define', () => {
    expect(
      problemsOf((p) => {
        p.routes[0]!.channels = ['pigeon'];
        p.routes[0]!.recipients = ['role:l9-support'];
        p.routes[0]!.levels = ['p7'];
      }),
    ).toEqual([
      'routes.0.channels.0: no channel "pigeon" is defined in this pack',
      'routes.0.recipients.0: no role "l9-support" is defined in this pack',
      'routes.0.levels.0: scale "support-priority" has no level "p7"',
    ]);
  });

  it('checks that templates declare the variables they use, and parse', () => {
    expect(
      problemsOf((p) => {
        p.templates[0]!.locales.en.body = 'Welcome, {{ name }} from {{ shop }}!';
      }),
    ).toEqual(['templates.0.locales.en.body: uses variable "shop", which the template does not declare']);
    expect(
      problemsOf((p) => {
        p.templates[0]!.locales.en.body = 'Welcome, {{ name ';
      })[0],
    ).toMatch(/templates\.0\.locales\.en\.body: is not valid Liquid/);
  });

  it('finds duplicate ids', () => {
    expect(
      problemsOf((p) => {
        p.roles.push({ id: 'l1-support', label: 'Again' });
      }),
    ).toEqual(['roles.1.id: the id "l1-support" is defined twice in roles']);
  });
});

describe('schema checks inside one section', () => {
  it('refuses vendor weights that do not sum to 100 %', () => {
    const result = PackSchema.safeParse({
      ...base,
      vendors: {
        categories: [{ id: 'critical', label: 'Critical', risk: 'high', review: { every: 'quarter' } }],
        criteria: [
          { id: 'reliability', label: 'Reliability', weightPercent: 25, scoring: 'SLA' },
          { id: 'cost', label: 'Cost', weightPercent: 70, scoring: 'TCO' },
        ],
        vendors: [],
      },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'vendors.criteria: the criteria weights sum to 95 %; they must sum to 100 %',
    ]);
  });

  it('refuses timed transitions that loop and transitions to unknown states', () => {
    const result = PackSchema.safeParse({
      ...base,
      lifecycles: [
        {
          id: 'flap',
          label: 'Flap',
          for: 'ticket',
          initial: 'a',
          states: [
            { id: 'a', label: 'A' },
            { id: 'b', label: 'B' },
          ],
          transitions: [
            { from: 'a', to: 'b', after: '1h' },
            { from: 'b', to: 'a', after: '1h' },
            { from: 'a', to: 'c', on: 'jump' },
          ],
        },
      ],
    });
    const messages = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toContain('lifecycles.0.transitions.2.to: no state "c" in this lifecycle');
    expect(
      messages.some((m) => /^lifecycles\.0\.transitions\.[01]: timed transitions form a cycle/.test(m)),
    ).toBe(true);
  });
});

describe('time zones and intervals', () => {
  it('refuses a misspelt time zone and an interval past midnight', () => {
    const draft = structuredClone(base) as Record<string, unknown> & typeof base;
    draft.pack.timeZone = 'Asia/Kolkatta';
    draft.calendars[0]!.hours = { daily: ['09:00-24:59'] };
    const messages = PackSchema.safeParse(draft).error?.issues.map(
      (i) => `${i.path.join('.')}: ${i.message}`,
    );
    expect(messages).toEqual([
      'pack.timeZone: not a known IANA time zone; write it like "Asia/Kolkata", "Europe/London" or "UTC"',
      'calendars.0.hours.daily.0: an interval is "HH:MM-HH:MM" between 00:00 and 24:00, e.g. "09:00-21:00"',
    ]);
    draft.pack.timeZone = 'UTC';
    draft.calendars[0]!.hours = { daily: ['00:00-24:00'] };
    expect(PackSchema.safeParse(draft).success).toBe(true);
  });
});
