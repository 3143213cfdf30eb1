/**
 * Seed 002 (SofaCover Pro post-launch support) → packs/sofacover-pro. The seed has no Markdown tables: this
 * walks its own headings, lists and fenced templates (tiers, P0-P3, monitoring, alert channels, support
 * channels, escalation, common issues, templates, post-incident actions, success metrics) and checks the
 * pack carries the same words and numbers.
 */
import { Liquid } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import type { Pack } from '../../src/packs/schema/pack.js';
import { loadPackForTest, readSeed, section, seedsAvailable } from './support.js';

const loadedPack = seedsAvailable ? await loadPackForTest('sofacover-pro') : (undefined as unknown as Pack);

const UNIT_MS: Record<string, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, week: 604_800_000 };

/** "15 minutes", "1 hour", "1 week", "minute" (as in "Every minute") → milliseconds. */
function ms(text: string): number {
  const match = /^(\d+)?\s*(second|minute|hour|week)s?$/.exec(text.trim());
  if (!match) throw new Error(`cannot read "${text}" as a duration`);
  return Number(match[1] ?? 1) * UNIT_MS[match[2]!]!;
}

/** The subsections `### Name` (or deeper) of a text, by name. */
function subsections(text: string, level: string): Map<string, string> {
  const parts = text.split(new RegExp(`^${level} `, 'm')).slice(1);
  return new Map(
    parts.map((part) => [part.slice(0, part.indexOf('\n')).trim(), part.slice(part.indexOf('\n') + 1)]),
  );
}

/** `- **Label**: value` lines, by label. */
function boldItems(text: string): Map<string, string> {
  return new Map(
    [...text.matchAll(/^\s*(?:-|\d+\.) \*\*(.+?)\*\*:? ?(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]),
  );
}

/** Plain `- item` lines (not bold labels). */
function plainItems(text: string): string[] {
  return [...text.matchAll(/^- (?!\*\*)(.+?)\s*$/gm)].map((m) => m[1]!);
}

function withinOf(target: unknown): number | undefined {
  return target && typeof target === 'object' && 'within' in target
    ? (target as { within: number }).within
    : undefined;
}

const lower = (items: readonly string[]) => items.map((i) => i.toLowerCase());

describe.runIf(seedsAvailable)(
  `seed 002 → packs/sofacover-pro${seedsAvailable ? '' : ' (skipped: ../shared/seeds not found)'}`,
  () => {
    const seed = seedsAvailable ? readSeed('002') : '';
    const pack = loadedPack;

    it('keeps the document control: version, last update and next review', () => {
      expect(seed).toContain('**Document Version**: 1.0');
      expect(pack.pack.changelog[0]).toMatchObject({ version: '1.0', date: '2025-01-16' });
      expect(seed).toContain('**Last Updated**: January 16, 2025');
      expect(pack.pack.effective).toBe('2025-01-16');
      const review = /\*\*Next Review\*\*: (.+)$/m.exec(seed)![1]!.trim();
      expect(pack.pack.review).toEqual({ after: review });
    });

    it('has Tier 1-3 with their response times, responsibilities and members', () => {
      const tiers = subsections(section(seed, '## Support Team Structure'), '###');
      expect([...tiers.keys()]).toHaveLength(3);
      for (const [heading, body] of tiers) {
        const n = /^Tier (\d) Support/.exec(heading)![1]!;
        const tier = pack.tiers!.find((t) => t.id === `tier-${n}`)!;
        expect(tier.label).toBe(heading);
        const items = boldItems(body);
        const times = /^(.+) for critical, (.+) for high priority$/.exec(items.get('Response Time')!)!;
        const response = (level: string) => tier.responseTimes!.find((r) => r.level === level)!.target;
        expect(withinOf(response('p0'))).toBe(ms(times[1]!));
        expect(withinOf(response('p1'))).toBe(ms(times[2]!));
        expect(lower(tier.responsibilities)).toEqual(lower(items.get('Responsibilities')!.split(', ')));
        expect(lower(tier.members!)).toEqual(lower(items.get('Team Members')!.split(', ')));
        // Tier 1 counts from creation; Tier 2 and 3 from the escalation to them (README: 002#7 B).
        expect((response('p0') as { since?: string }).since).toBe(n === '1' ? 'created' : 'escalated');
      }
    });

    it('has P0-P3 with the examples, response and resolution targets, on both scales', () => {
      const levels = subsections(section(seed, '## Incident Classification'), '###');
      const seen: string[] = [];
      for (const [heading, body] of levels) {
        const id = /\((P\d)\)/.exec(heading)![1]!.toLowerCase();
        seen.push(id);
        const items = boldItems(body);
        const response = /(\d+ \w+)\)?$/.exec(items.get('Response')!)![1]!;
        for (const scaleId of ['incident-priority', 'ticket-priority']) {
          const level = pack.scales!.find((s) => s.id === scaleId)!.levels.find((l) => l.id === id)!;
          expect(level.label).toBe(heading);
          expect(level.examples).toEqual(plainItems(body));
          expect(withinOf(level.targets!.response)).toBe(ms(response));
          expect(withinOf(level.targets!.resolution)).toBe(ms(items.get('Resolution Target')!));
        }
      }
      expect(seen).toEqual(['p0', 'p1', 'p2', 'p3']);
      expect(pack.scales!.map((s) => s.levels.map((l) => l.id))).toEqual([seen, seen]);
    });

    it('samples monitoring at the seed cadences', () => {
      const items = boldItems(section(seed, '### Automated Monitoring'));
      const ids: Record<string, string> = {
        'Health Checks': 'health-checks',
        'Performance Metrics': 'performance-metrics',
        'Business Metrics': 'business-metrics',
        'Error Tracking': 'error-tracking',
      };
      expect([...items.keys()]).toEqual(Object.keys(ids));
      for (const [label, cadence] of items) {
        const check = pack.monitors!.checks!.find((c) => c.id === ids[label])!;
        expect(check.every).toBe(cadence === 'Real-time' ? 'real-time' : ms(cadence.replace(/^Every /, '')));
      }
      expect(boldItems(section(seed, '### Key Metrics to Monitor')).get('Order Volume')).toBe(
        'Track hourly trends',
      );
      expect(pack.monitors!.checks!.find((c) => c.id === 'order-volume')!.every).toBe(ms('1 hour'));
    });

    it('routes each alert level to exactly the seed channels', () => {
      const kinds: Record<string, string> = {
        Phone: 'voice',
        SMS: 'sms',
        Slack: 'slack',
        Email: 'email',
        Dashboard: 'dashboard',
      };
      const routes: Record<string, string> = {
        'Critical Alerts': 'critical-alerts',
        'High Priority': 'high-priority-alerts',
        'Medium Priority': 'medium-priority-alerts',
        'Low Priority': 'low-priority-alerts',
      };
      const items = boldItems(section(seed, '### Alert Channels'));
      expect([...items.keys()]).toEqual(Object.keys(routes));
      for (const [label, list] of items) {
        const route = pack.routes!.find((r) => r.id === routes[label])!;
        const expected = list
          .replace(/ only$/, '')
          .split(', ')
          .map((name) => kinds[name]);
        const actual = route.channels.map((id) => pack.channels!.find((c) => c.id === id)!.kind);
        expect(actual.sort()).toEqual(expected.sort());
      }
      // Critical = P0 … Low = P3 (README: 002#23 A).
      expect(Object.values(routes).map((id) => pack.routes!.find((r) => r.id === id)!.levels)).toEqual([
        ['p0'],
        ['p1'],
        ['p2'],
        ['p3'],
      ]);
    });

    it('has the customer-facing and internal channels, with the Slack channels and the support address', () => {
      const customer = boldItems(section(seed, '### Customer-Facing Channels'));
      const labels = pack.channels!.filter((c) => c.audience === 'customer').map((c) => c.label);
      for (const name of customer.keys()) expect(labels).toContain(name);
      expect(pack.channels!.find((c) => c.label === 'Email Support')!.address).toBe(
        customer.get('Email Support'),
      );
      expect(pack.contacts!.find((c) => c.id === 'email-support')!.email).toBe(customer.get('Email Support'));
      expect(pack.channels!.find((c) => c.label === 'Live Chat')!.calendar).toBe('business-hours');

      const internal = section(seed, '### Internal Communication');
      const slack = [...internal.matchAll(/^\s+- (#[\w-]+): (.+)$/gm)];
      expect(slack).toHaveLength(3);
      for (const [, address, purpose] of slack) {
        const channel = pack.channels!.find((c) => c.address === address)!;
        expect(channel.kind).toBe('slack');
        expect(channel.purpose!.startsWith(purpose!.trim())).toBe(true);
      }
      for (const name of ['Email Lists', 'War Room']) {
        expect(boldItems(internal).has(name)).toBe(true);
        expect(pack.channels!.find((c) => c.label === name)!.audience).toBe('internal');
      }
    });

    it('escalates automatically at the seed times, and manually for the three reasons', () => {
      const auto = section(seed, '### Automatic Escalation');
      const rules = [...auto.matchAll(/^- (.+?): Escalate to (.+?) after (.+)$/gm)];
      expect(rules).toHaveLength(3);
      for (const [, who, to, after] of rules) {
        const levels = who!.match(/P\d/g)!.map((p) => p.toLowerCase());
        const recipient =
          to === 'management' ? 'role:management' : `tier:${to!.toLowerCase().replace(' ', '-')}`;
        const rule = pack.escalations!.find((e) => {
          const when = e.when as { eq?: string; in?: string[] } | undefined;
          const whenLevels = when?.in ?? (when?.eq ? [when.eq] : []);
          return e.to === recipient && JSON.stringify(whenLevels) === JSON.stringify(levels);
        })!;
        expect(rule, `${who} → ${to}`).toBeDefined();
        expect(rule.trigger).toMatchObject({ after: ms(after!.trim()), since: 'created', onlyIfOpen: true });
      }
      const reasons = plainItems(section(seed, '### Manual Escalation'));
      const manual = pack.escalations!.flatMap((e) => ('manual' in e.trigger ? [e.trigger.manual] : []));
      expect([...new Set(manual)]).toEqual(reasons);
    });

    it('has every common issue with its first checks in order', () => {
      const issues = subsections(section(seed, '## Common Issues and Solutions'), '###');
      expect(pack.knowledge!.map((k) => k.issue)).toEqual([...issues.keys()]);
      for (const [issue, body] of issues) {
        const checks = [...body.matchAll(/^\d+\. \*\*(.+?)\*\*\s*$/gm)].map((m) => m[1]);
        expect(pack.knowledge!.find((k) => k.issue === issue)!.firstChecks).toEqual(checks);
      }
    });

    it('has the three templates verbatim: quote exact, body equal placeholders aside', () => {
      const blocks = [...seed.matchAll(/^\\`\\`\\`\n([\s\S]*?)\n\\`\\`\\`$/gm)].map((m) => m[1]!);
      expect(blocks).toHaveLength(3);
      const ids = ['incident-acknowledgment', 'resolution-notification', 'incident-declaration'];
      const liquid = new Liquid();
      blocks.forEach((block, i) => {
        const template = pack.templates!.find((t) => t.id === ids[i])!;
        expect(template.quote).toBe(block);
        const lines = block
          .replace('P[0/1/2/3]', '[priority]')
          .replace(/\[[^\]]*\]/g, '§')
          .split('\n');
        const values: Record<string, unknown> = Object.fromEntries(
          template.variables.map((v) => [v.name, '§']),
        );
        values.current_actions = ['§', '§'];
        const { subject, body } = template.locales.en!;
        const render = (text: string): string => String(liquid.parseAndRenderSync(text, values));
        const rendered = [
          ...(subject ? [`Subject: ${render(subject)}`, ''] : []),
          ...render(body).split('\n'),
        ];
        expect(rendered).toEqual(lines.map((line) => line.trimEnd()));
      });
    });

    it('sets the post-incident actions at 2 hours, 48 hours and 1 week after resolution, in order', () => {
      const groups = subsections(section(seed, '## Post-Incident Procedures'), '###');
      expect(pack.incidents!.followUps!.map((f) => f.label)).toEqual([...groups.keys()]);
      for (const [heading, body] of groups) {
        const followUp = pack.incidents!.followUps!.find((f) => f.label === heading)!;
        expect(followUp.within).toBe(ms(/Within (\d+ \w+)/.exec(heading)![1]!));
        expect(followUp.since).toBe('resolved');
        const actions = [...body.matchAll(/^\d+\. \*\*(.+?)\*\*: (.+)$/gm)].map(
          (m) => `${m[1]}: ${m[2]!.trim()}`,
        );
        expect(followUp.actions.map((a) => a.label)).toEqual(actions);
      }
    });

    it('has the response and resolution shares per priority as KPIs', () => {
      for (const [heading, kind, unit] of [
        ['### Response Time Targets', 'response', 'min'],
        ['### Resolution Time Targets', 'resolution', 'h'],
      ] as const) {
        const rows = [...section(seed, heading).matchAll(/^- (P\d): (\d+)% within (.+)$/gm)];
        expect(rows).toHaveLength(4);
        for (const [, level, share, time] of rows) {
          const kpi = pack.kpis!.find((k) => k.id === `${kind}-${level!.toLowerCase()}`)!;
          expect(kpi.scope).toBe(level);
          expect(kpi.target).toEqual({
            op: '<=',
            value: ms(time!) / UNIT_MS[unit === 'min' ? 'minute' : 'hour']!,
            unit,
            share: Number(share),
          });
        }
      }
    });

    it('has the satisfaction, reliability and key-metric targets as KPIs', () => {
      const expectations: [string, string, '<' | '>', number, string][] = [
        ['### Customer Satisfaction', 'Target: >4.5/5 average rating', '>', 4.5, 'customer-satisfaction'],
        [
          '### Customer Satisfaction',
          'Response rate: >80% of tickets rated',
          '>',
          80,
          'rating-response-rate',
        ],
        ['### Customer Satisfaction', 'First contact resolution: >70%', '>', 70, 'first-contact-resolution'],
        ['### System Reliability', 'Uptime: >99.9%', '>', 99.9, 'uptime'],
        [
          '### System Reliability',
          'Mean Time to Detection (MTTD): <5 minutes',
          '<',
          5,
          'mean-time-to-detection',
        ],
        [
          '### System Reliability',
          'Mean Time to Resolution (MTTR): <2 hours for P0/P1',
          '<',
          2,
          'mean-time-to-resolution',
        ],
        ['### Key Metrics to Monitor', '**Response Time**: Target <2 seconds', '<', 2, 'response-time'],
        ['### Key Metrics to Monitor', '**Error Rate**: Target <0.1%', '<', 0.1, 'error-rate'],
      ];
      for (const [heading, line, op, value, id] of expectations) {
        expect(section(seed, heading)).toContain(`- ${line}`);
        expect(pack.kpis!.find((k) => k.id === id)!.target).toMatchObject({ op, value });
      }
      expect(pack.kpis!.find((k) => k.id === 'mean-time-to-resolution')!.scope).toBe('P0/P1');
    });

    it('classifies performance degraded by more than 50% as P1', () => {
      expect(section(seed, '### High (P1)')).toContain('- Performance degradation >50%');
      const threshold = pack.monitors!.thresholds!.find((t) => t.id === 'performance-degradation')!;
      expect(threshold).toMatchObject({
        op: '>',
        value: 50,
        level: { scale: 'incident-priority', level: 'p1' },
      });
    });
  },
);
