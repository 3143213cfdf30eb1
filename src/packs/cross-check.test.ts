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

  it("keeps an alert rule's severity on the incident scale", () => {
    const withRules = (p: typeof base, scale: boolean) =>
      Object.assign(p, {
        ...(scale
          ? {
              scales: [
                ...p.scales,
                { id: 'sev', label: 'Severity', for: 'incident', levels: [{ id: 'sev1', label: 'SEV1' }] },
              ],
            }
          : {}),
        incidents: {
          alertRules: [
            { id: 'ok', match: { severity: ['critical'] }, severity: 'sev1' },
            { id: 'typo', match: { severity: ['warning'] }, severity: 'sev9' },
            { id: 'as-sent', match: { severity: ['info'] }, incident: 'none' },
          ],
        },
      });
    expect(problemsOf((p) => withRules(p, true))).toEqual([
      'incidents.alertRules.1.severity: scale "sev" has no level "sev9"',
    ]);
    expect(problemsOf((p) => withRules(p, false))).toEqual([
      'incidents.alertRules.0.severity: severity "sev1" needs an incident scale',
      'incidents.alertRules.1.severity: severity "sev9" needs an incident scale',
    ]);
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

describe('the help desk section', () => {
  const ack = {
    id: 'ack',
    label: 'Acknowledgement',
    channel: 'email',
    audience: 'customer',
    variables: [
      { name: 'customer_name', description: 'The customer' },
      { name: 'ticket_number', description: 'The ticket' },
      { name: 'portal_url', description: 'The portal', from: 'workspace' },
    ],
    locales: {
      en: { subject: 'We got it', body: 'Hi {{ customer_name }}: #{{ ticket_number }} {{ portal_url }}' },
    },
  };
  const botReply = {
    id: 'bot-reply',
    label: 'Bot',
    channel: 'in-app-chat',
    audience: 'customer',
    variables: [{ name: 'articles', description: 'Suggested articles' }],
    locales: { en: { body: 'These may help: {{ articles }}' } },
  };
  const withDesk = {
    ...base,
    tiers: [{ id: 'l1-support', label: 'L1 Support', responsibilities: ['First response'] }],
    channels: [...base.channels, { id: 'chat', label: 'Chat', kind: 'in-app-chat', audience: 'customer' }],
    templates: [...base.templates, ack, botReply],
    knowledge: [
      { id: 'login', issue: 'Cannot log in', firstChecks: ['Phone number'], categories: ['technical'] },
    ],
    desk: {
      defaultPriority: 'p1',
      categories: [{ id: 'technical', label: 'Technical' }],
      triage: [
        {
          id: 'app-down',
          when: {
            all: [
              { field: 'text', contains: ['app down'] },
              { field: 'channel', eq: 'email' },
            ],
          },
          set: { priority: 'p1', category: 'technical', tier: 'l1-support' },
        },
      ],
      assignment: [{ tier: 'l1-support', strategy: 'round-robin' }],
      autoReply: { template: 'ack' },
      bot: { channel: 'chat', template: 'bot-reply' },
    },
  };
  const deskProblems = (patch: (p: typeof withDesk) => void) => {
    const draft = structuredClone(withDesk);
    patch(draft);
    return crossCheck(PackSchema.parse(draft));
  };
  const messages = (patch: (p: typeof withDesk) => void) =>
    deskProblems(patch).map((p) => `${p.path.join('.')}: ${p.message}`);

  it('accepts a desk whose references all resolve', () => {
    expect(messages(() => undefined)).toEqual([]);
  });

  it('finds priorities that are not levels of the ticket scale, with the closest level', () => {
    const problems = deskProblems((p) => {
      p.desk.defaultPriority = 'p2';
      p.desk.triage[0]!.set.priority = 'p10';
    });
    expect(problems.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      'desk.defaultPriority: the ticket scale "support-priority" has no level "p2"',
      'desk.triage.0.set.priority: the ticket scale "support-priority" has no level "p10"',
    ]);
    expect(problems[1]!.hint).toBe('did you mean "p1"? its levels: p1');
  });

  it('needs a scale for tickets', () => {
    expect(
      messages((p) => {
        p.scales[0]!.for = 'incident';
      }),
    ).toContain('desk.defaultPriority: "p1" is not a ticket priority: no scale is `for: ticket`');
  });

  it('finds unknown tiers and a tier given two strategies', () => {
    expect(
      messages((p) => {
        p.desk.triage[0]!.set.tier = 'l1';
        p.desk.assignment.push({ tier: 'l2-support', strategy: 'manual' });
        p.desk.assignment.push({ tier: 'l1-support', strategy: 'least-loaded' });
      }),
    ).toEqual([
      'desk.triage.0.set.tier: no tier "l1" is defined in this pack',
      'desk.assignment.1.tier: no tier "l2-support" is defined in this pack',
      'desk.assignment.2.tier: tier "l1-support" already has a strategy (desk.assignment.0); the help desk uses the first',
    ]);
  });

  it('keeps categories, the default and the knowledge items within the listed categories', () => {
    expect(
      messages((p) => {
        p.desk.triage[0]!.set.category = 'tech';
        Object.assign(p.desk, { defaultCategory: 'billing' });
        p.knowledge[0]!.categories = ['login'];
        p.desk.categories.push({ id: 'technical', label: 'Again' });
      }),
    ).toEqual([
      'desk.defaultCategory: "billing" is not one of the desk\'s categories',
      'desk.triage.0.set.category: "tech" is not one of the desk\'s categories',
      'knowledge.0.categories.0: "login" is not one of the desk\'s categories',
      'desk.categories.1.id: the id "technical" is defined twice in desk.categories',
    ]);
    // Without a list, any category goes.
    expect(
      messages((p) => {
        delete (p.desk as Partial<typeof p.desk>).categories;
        p.desk.triage[0]!.set.category = 'billing';
      }),
    ).toEqual([]);
  });

  it('finds triage conditions on fields a ticket lacks, and channels or plans the pack lacks', () => {
    const problems = deskProblems((p) => {
      (p.desk.triage[0] as { when: unknown }).when = {
        all: [
          { field: 'txt', contains: ['app down'] },
          { field: 'channel', eq: 'emial' },
        ],
      };
      // A second rule with a condition of another shape, under an id already used.
      (p.desk.triage as unknown[]).push({
        id: 'app-down',
        when: { field: 'facts.orders', gte: 1 },
        set: { priority: 'p1' },
      });
    });
    expect(problems.map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      'desk.triage.0.when.all.0.field: a new ticket has no field "txt" to triage on',
      'desk.triage.0.when.all.1.eq: no channel "emial" is defined in this pack',
      'desk.triage.1.id: the id "app-down" is defined twice in desk.triage',
    ]);
    expect(problems[0]!.hint).toMatch(/^did you mean "text"\?/);
    expect(problems[1]!.hint).toBe('did you mean "email"? channels: email, chat, api');
  });

  it('finds desk templates that are missing, for the wrong channel or audience, or that it cannot fill', () => {
    expect(
      messages((p) => {
        p.desk.autoReply.template = 'akc';
      }),
    ).toEqual(['desk.autoReply.template: no template "akc" is defined in this pack']);
    expect(
      messages((p) => {
        p.templates[1]!.channel = 'sms';
        p.templates[1]!.audience = 'internal';
        p.templates[1]!.variables.push({ name: 'ticket_numbr', description: 'typo' });
        p.templates[1]!.locales.en.body += ' {{ ticket_numbr }}';
      }),
    ).toEqual([
      'desk.autoReply.template: the help desk sends template "ack" to the customer, but it is `audience: internal`',
      'desk.autoReply.template: template "ack" is for sms, but this message goes by email',
      'desk.autoReply.template: the help desk fills template "ack" with ticket_number, ticket_title, customer_name, workspace_name, portal_url; its required variable "ticket_numbr" would be empty',
    ]);
    const optional = deskProblems((p) => {
      p.templates[1]!.variables.push({ name: 'ticket_numbr', description: 'typo' });
      p.templates[1]!.locales.en.body += ' {{ ticket_numbr }}';
    });
    expect(optional[0]!.hint).toBe('rename it "ticket_number", or make it optional (`required: false`)');
  });

  it("finds a bot on an unknown channel, and a bot template not of its channel's kind", () => {
    expect(
      messages((p) => {
        p.desk.bot.channel = 'chats';
      }),
    ).toEqual(['desk.bot.channel: no channel "chats" is defined in this pack']);
    expect(
      messages((p) => {
        p.desk.bot.channel = 'email';
      }),
    ).toEqual(['desk.bot.template: template "bot-reply" is for in-app-chat, but this message goes by email']);
  });
});
