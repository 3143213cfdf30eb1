/**
 * Seed 003 (POS SaaS operational playbooks) → packs/pos-saas. The seed has no Markdown tables: this walks
 * its own lists and fenced blocks (playbooks, templates, SLA, retention, severity levels, metrics,
 * checklists) and checks the pack carries the same words and numbers.
 */
import { describe, expect, it } from 'vitest';
import type { Pack } from '../../src/packs/schema/pack.js';
import { loadPackForTest, readSeed, section, seedsAvailable } from './support.js';

const loadedPack = seedsAvailable ? await loadPackForTest('pos-saas') : (undefined as unknown as Pack);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Target = NonNullable<NonNullable<Pack['scales']>[number]['levels'][number]['targets']>['response'];

function withinMs(target: Target): number | undefined {
  return target && 'within' in target ? target.within : undefined;
}

function hours(text: string): number {
  return Number(text) * HOUR;
}

/** The items of a "- x" list directly under a bold label such as `**Pro Plan**:`. */
function listUnder(text: string, label: string): string[] {
  const match = new RegExp(`\\*\\*${label.replace(/[()]/g, '\\$&')}\\*\\*[^\\n]*\\n((?:- .+\\n)+)`).exec(
    text,
  );
  if (!match) throw new Error(`no list under **${label}**`);
  return match[1]!
    .trimEnd()
    .split('\n')
    .map((line) => line.slice(2).trim());
}

interface SeedPlaybook {
  name: string;
  severity: string;
  detection: string;
  stages: { label: string; items: string[]; command?: string }[];
}

/** Each "#### Name" of INCIDENT RESPONSE with its severity, detection and numbered response steps. */
function seedPlaybooks(seed: string): SeedPlaybook[] {
  const incidents = section(seed, '## 📋 INCIDENT RESPONSE');
  return incidents
    .split(/^#### /m)
    .slice(1)
    .map((block) => {
      const name = block.slice(0, block.indexOf('\n')).trim();
      const severity = /\*\*Severity\*\*: (.+?)\s*$/m.exec(block)![1]!;
      const detection = /\*\*Detection\*\*: (.+?)\s*$/m.exec(block)![1]!;
      const steps = block.slice(
        block.indexOf('**Response Steps**'),
        block.search(/\*\*Communication Template\*\*|^---/m),
      );
      const stages: SeedPlaybook['stages'] = [];
      const lines = steps.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        const stage = /^\d\. \*\*(\w+)\*\*:\s*(.*)$/.exec(line);
        const item = /^\s+- (.+?)\s*$/.exec(line);
        if (stage) stages.push({ label: stage[1]!, items: stage[2] ? [stage[2].trim()] : [] });
        else if (item) stages.at(-1)!.items.push(item[1]!.replace(/:$/, ''));
        else if (/^\s+```sql/.test(line)) {
          const sql: string[] = [];
          while (!/^\s+```\s*$/.test(lines[++i]!)) sql.push(lines[i]!.trim());
          stages.at(-1)!.command = sql.join('\n');
        }
      }
      return { name, severity, detection, stages };
    });
}

/** Every fenced email of the seed: the heading it sits under, its subject and its body. */
function seedTemplates(seed: string): { label: string; subject: string; body: string }[] {
  const found: { label: string; subject: string; body: string }[] = [];
  for (const match of seed.matchAll(/```\nSubject: (.+)\n\n([\s\S]*?)\n```/g)) {
    const before = seed.slice(0, match.index);
    const headingAt = before.lastIndexOf('\n#### ');
    const heading = before.slice(headingAt + 6, before.indexOf('\n', headingAt + 1)).trim();
    const communication = before.slice(headingAt).includes('**Communication Template**');
    found.push({
      label: communication ? `${heading}: Communication Template` : heading,
      subject: match[1]!,
      body: match[2]!,
    });
  }
  return found;
}

/** A pack template written back in the seed's notation: buttons lose their link, variables become [Placeholder]. */
function asSeedText(text: string, variables: readonly { name: string; description: string }[]): string {
  const placeholder = new Map(variables.map((v) => [v.name, /^\[([^\]]+)\]/.exec(v.description)?.[1]]));
  return text
    .replace(/(\[[^\]]+\])\(\{\{ \w+ \}\}\)/g, '$1')
    .replace(/\{\{ (\w+) \}\}/g, (_, name: string) => `[${placeholder.get(name) ?? `?${name}`}]`);
}

describe.runIf(seedsAvailable)(
  `pos-saas pack carries seed 003${seedsAvailable ? '' : ' (skipped: ../shared/seeds not found)'}`,
  () => {
    const seed = seedsAvailable ? readSeed('003') : '';
    const pack = loadedPack;

    it('has every incident playbook with its severity, detection, five stages and steps in order', () => {
      const playbooks = seedPlaybooks(seed);
      expect(playbooks.map((p) => p.name)).toEqual([
        'Payment Processing Failure',
        'Subscription Sync Failure',
        'Data Loss',
        'Data Corruption',
        'Mass Login Failure',
        'RLS Policy Failure',
      ]);
      const level: Record<string, string> = {
        Critical: 'p0',
        'Critical (Security)': 'p0',
        High: 'p1',
        Medium: 'p2',
        Low: 'p3',
      };
      expect(pack.incidents?.stages?.map((s) => s.label)).toEqual([
        'Detect',
        'Assess',
        'Action',
        'Resolve',
        'Document',
      ]);
      for (const seedPlaybook of playbooks) {
        const playbook = pack.incidents?.playbooks?.find((p) => p.label === seedPlaybook.name);
        expect(playbook, seedPlaybook.name).toBeDefined();
        expect(playbook!.severityLabel).toBe(seedPlaybook.severity);
        expect(playbook!.severity).toEqual({ scale: 'severity', level: level[seedPlaybook.severity] });
        expect(playbook!.detection?.join(', ')).toBe(seedPlaybook.detection);
        expect(playbook!.stages.map((s) => s.label)).toEqual(seedPlaybook.stages.map((s) => s.label));
        playbook!.stages.forEach((stage, i) => {
          const seedStage = seedPlaybook.stages[i]!;
          expect(stage.steps?.map((s) => (s.when ? `${s.when}: ${s.text}` : s.text))).toEqual(
            seedStage.items,
          );
          expect(stage.steps?.find((s) => s.command)?.command).toBe(seedStage.command);
        });
      }
      const sync = pack.incidents?.playbooks?.find((p) => p.id === 'subscription-sync-failure');
      expect(sync?.stages[2]?.steps?.[1]?.command).toContain('FROM organization_subscriptions s');
    });

    it('has every email template verbatim, placeholders aside', () => {
      const templates = seedTemplates(seed);
      expect(templates).toHaveLength(10);
      // The seed's ten, and two the pack writes itself (README): the help desk's acknowledgement and the
      // cancellation email that offers the export before the data is deleted.
      const own = ['ticket-acknowledgement', 'account-cancelled-email'];
      expect(pack.templates?.map((t) => t.id).filter((id) => !own.includes(id))).toHaveLength(10);
      for (const seedTemplate of templates) {
        const template = pack.templates?.find((t) => t.label === seedTemplate.label);
        expect(template, seedTemplate.label).toBeDefined();
        expect(template!.channel).toBe('email');
        const en = template!.locales.en!;
        expect(asSeedText(en.subject ?? '', template!.variables)).toBe(seedTemplate.subject);
        expect(asSeedText(en.body, template!.variables).trimEnd()).toBe(seedTemplate.body);
      }
    });

    it('uses the playbook templates in their playbooks', () => {
      const uses = Object.fromEntries(
        (pack.incidents?.playbooks ?? []).map((p) => [p.id, p.templates ?? []]),
      );
      expect(uses['payment-processing-failure']).toEqual(['payment-processing-failure']);
      expect(uses['data-loss']).toEqual(['data-restored']);
      expect(uses['mass-login-failure']).toEqual(['login-issue-resolved']);
    });

    it('has the uptime guarantees per plan, with downtime budgets on a 30-day month', () => {
      for (const plan of ['Pro', 'Enterprise']) {
        const [uptime, support] = listUnder(seed, `${plan} Plan`);
        const [, percent, minutes] = /^([\d.]+)% uptime \(([\d.]+) minutes downtime\/month\)$/.exec(uptime!)!;
        const id = plan.toLowerCase();
        expect(pack.plans?.find((p) => p.id === id)?.uptimeTarget).toBe(Number(percent));
        expect(pack.kpis?.find((k) => k.id === `uptime-${id}`)?.target).toEqual({
          op: '>=',
          value: Number(percent),
          unit: '%',
        });
        expect(pack.kpis?.find((k) => k.id === `downtime-${id}`)?.target).toEqual({
          op: '<=',
          value: Number(minutes),
          unit: 'min',
        });
        expect(((100 - Number(percent)) / 100) * 30 * 24 * 60).toBeCloseTo(Number(minutes), 6);
        const [, channel, responseHours] = /^(.+?) \((\d+)-hour response\)$/.exec(support!)!;
        const found = pack.channels?.find((c) => c.label.toLowerCase() === channel!.toLowerCase());
        expect(found, channel).toBeDefined();
        expect(withinMs(found!.responseGoal as Target)).toBe(hours(responseHours!));
      }
    });

    it('has the plan response times as SLA policies chosen by plan', () => {
      const scale = pack.scales?.find((s) => s.id === 'priority');
      const rows = [
        ...seed.matchAll(/\*\*(.+?)\*\* \((.+?)\):\n- Pro: (\d+) hours?\n- Enterprise: (\d+) hours?/g),
      ];
      expect(rows.map((r) => r[1])).toEqual(['Critical Issues', 'High Priority', 'Normal Priority']);
      expect(scale?.levels.map((l) => l.label)).toEqual(rows.map((r) => r[1]));
      for (const [, label, description, pro, enterprise] of rows) {
        const level = scale!.levels.find((l) => l.label === label)!;
        expect(level.description).toBe(description);
        for (const [plan, value] of [
          ['pro', pro],
          ['enterprise', enterprise],
        ] as const) {
          const policy = pack.slaPolicies?.find((p) => p.id === plan);
          expect(policy?.when).toEqual({ field: 'plan', eq: plan });
          expect(withinMs(policy?.targets[level.id]?.firstResponse), `${plan} ${label}`).toBe(hours(value!));
          expect(
            policy?.targets[level.id]?.resolution,
            'the plan SLA has no resolution times',
          ).toBeUndefined();
        }
      }
    });

    it('keeps data after cancellation for the retention of each plan, in plans and in the lifecycle', () => {
      const days = (label: string) =>
        Number(/^(\d+) days after cancellation$/.exec(listUnder(seed, label)[0]!)![1]) * DAY;
      const standard = days('Standard');
      const enterprise = days('Enterprise');
      for (const plan of pack.plans ?? []) {
        expect(plan.dataRetentionAfterCancel, plan.id).toBe(plan.id === 'enterprise' ? enterprise : standard);
      }
      const deletions = pack.lifecycles
        ?.find((l) => l.id === 'subscription')
        ?.transitions.filter(
          (t) => t.from === 'cancelled' && t.to === 'data-deleted' && t.after !== undefined,
        );
      expect(deletions?.map((t) => [t.after, JSON.stringify(t.guard).includes('"eq":"enterprise"')])).toEqual(
        [
          [standard, false],
          [enterprise, true],
        ],
      );
    });

    it('has the severity levels P0-P3 with response and customer-notification targets', () => {
      const scale = pack.scales?.find((s) => s.id === 'severity');
      const rows = [...seed.matchAll(/\*\*(P\d) - (\w+)\*\* \((.+?)\):\n((?:- .+\n)+)/g)];
      expect(rows.map((r) => `${r[1]} - ${r[2]}`)).toEqual(scale?.levels.map((l) => l.label));
      for (const [, id, , description, list] of rows) {
        const level = scale!.levels.find((l) => l.id === id!.toLowerCase())!;
        expect(level.description).toBe(description);
        const items = list!
          .trimEnd()
          .split('\n')
          .map((line) => line.slice(2));
        const response = items.find((i) => /response/i.test(i))!;
        expect(withinMs(level.targets?.response)).toBe(
          response === 'Immediate response' ? 0 : hours(/within (\d+) hours/.exec(response)![1]!),
        );
        const notice = items.find((i) => /notification/i.test(i))!;
        const noticeHours = /within (\d+) hours?/.exec(notice)?.[1];
        if (noticeHours) expect(withinMs(level.targets?.customerNotice)).toBe(hours(noticeHours));
        else expect(level.targets?.customerNotice).toEqual({ none: true, quote: notice });
        const notified = pack.routes
          ?.find((r) => r.id === 'customer-notification')
          ?.levels.includes(level.id);
        expect(notified, `${id} routes customer notifications`).toBe(noticeHours !== undefined);
        if (items.includes('All hands on deck')) {
          expect(pack.escalations?.find((e) => e.to === 'role:all-hands')?.when).toEqual({
            field: 'severity',
            eq: level.id,
          });
        }
      }
    });

    it('sends the trial reminders on their days and suspends the trial read-only', () => {
      const trialDays = Number(/(\d+)-day free trial/.exec(seed)![1]);
      expect(pack.plans?.find((p) => p.id === 'trial')?.trial).toBe(trialDays * DAY);
      const journey = pack.journeys?.find((j) => j.id === 'trial-reminders');
      const emailDays = [...seed.matchAll(/^#### Day (\d+) Email$/gm)].map((m) => Number(m[1]));
      expect(emailDays).toEqual([7, 12, 13]);
      expect(journey?.steps.map((s) => [s.at, s.actions])).toEqual(
        emailDays.map((d) => [d * DAY, [{ send: `day-${d}-email`, to: 'customer:', channel: 'email' }]]),
      );
      expect(journey?.exitWhen).toEqual([{ field: 'subscription_status', ne: 'trialing' }]);
      const lifecycle = (pack.lifecycles ?? []).find((l) => l.id === 'subscription')!;
      expect(lifecycle.transitions.find((t) => t.from === 'trialing' && t.to === 'suspended')?.after).toBe(
        trialDays * DAY,
      );
      const readOnlyDays = Number(/read-only access for (\d+) days/.exec(seed)![1]);
      expect(lifecycle.states.find((s) => s.id === 'suspended')?.readOnly).toBe(true);
      expect(lifecycle.transitions.find((t) => t.from === 'suspended' && t.to === 'cancelled')?.after).toBe(
        readOnlyDays * DAY,
      );
    });

    it('runs dunning on the seed timings: email at once, suspension after 7 days, cancellation 30 days later', () => {
      const updateDays = Number(
        /You have (\d+) days to update before your account is suspended/.exec(seed)![1],
      );
      const availableDays = Number(/will be available for (\d+) days/.exec(seed)![1]);
      const journey = pack.journeys?.find((j) => j.id === 'payment-failure');
      expect(journey?.trigger).toEqual({ event: 'payment.failed', when: { field: 'permanent', eq: true } });
      expect(journey?.steps.map((s) => [s.at, s.actions[0]])).toEqual([
        [0, { send: 'payment-failed-email', to: 'customer:', channel: 'email' }],
        [updateDays * DAY, { send: 'account-suspended-email', to: 'customer:', channel: 'email' }],
      ]);
      const transitions = pack.lifecycles?.find((l) => l.id === 'subscription')?.transitions ?? [];
      expect(transitions.find((t) => t.from === 'past-due' && t.to === 'suspended')?.after).toBe(
        updateDays * DAY,
      );
      expect(transitions.find((t) => t.from === 'suspended' && t.to === 'cancelled')?.after).toBe(
        availableDays * DAY,
      );
      expect(transitions.filter((t) => t.from === 'past-due' && t.to === 'active').map((t) => t.on)).toEqual([
        'payment.succeeded',
        'payment-method.updated',
      ]);
    });

    it('prompts at the usage threshold and at the limit', () => {
      const threshold = Number(/Usage Threshold \((\d+)%\)/.exec(seed)![1]);
      const usage = pack.journeys?.find((j) => j.id === 'usage-threshold-80');
      expect(usage?.trigger.when).toEqual({
        all: [
          { field: 'usage_percent', gte: threshold },
          { field: 'usage_percent', lt: 100 },
        ],
      });
      expect(usage?.steps[0]?.actions).toEqual([
        { send: 'usage-threshold-80', to: 'customer:', channel: 'email' },
      ]);
      const limit = pack.journeys?.find((j) => j.id === 'feature-limit-reached');
      expect(limit?.trigger.when).toEqual({ field: 'usage_percent', gte: 100 });
      expect(limit?.steps[0]?.actions).toEqual([
        { send: 'feature-limit-reached', to: 'customer:', channel: 'email' },
      ]);
    });

    it('tracks every dashboard metric', () => {
      const labels = new Set(pack.monitors?.checks?.map((c) => c.label));
      for (const group of ['Business Metrics', 'Operational Metrics', 'Customer Metrics']) {
        const metrics = listUnder(seed, group);
        expect(metrics.length, group).toBe(5);
        for (const metric of metrics) expect(labels.has(metric), metric).toBe(true);
      }
    });

    it('has the daily, weekly and monthly checklists with the same items in order', () => {
      const checklist = section(seed, '## ✅ OPERATIONAL CHECKLIST');
      const cadences = [...checklist.matchAll(/^### (\w+)\n((?:- \[ \] .+\n?)+)/gm)];
      expect(cadences.map((c) => c[1])).toEqual(['Daily', 'Weekly', 'Monthly']);
      const every: Record<string, string> = { Daily: 'day', Weekly: 'week', Monthly: 'month' };
      for (const [, name, list] of cadences) {
        const found = pack.checklists?.find((c) => c.label === name);
        expect(found?.schedule && 'every' in found.schedule ? found.schedule.every : undefined).toBe(
          every[name!],
        );
        const items = list!
          .trimEnd()
          .split('\n')
          .map((line) => line.replace('- [ ] ', '').trim());
        expect(found?.items.map((i) => i.text)).toEqual(items);
      }
    });
  },
);
