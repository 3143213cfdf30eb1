/**
 * Seed 001 (Company Operations SOP) against packs/company-ops. The seed has no tables: its headings and
 * bullet lists are parsed from the text, and the pack must carry the same phases and stages (in order),
 * checklist items (in order), tiers, numbers (80 % coverage, CPU over 80 %, "24-48 hours", "a week") and
 * channels.
 */
import { describe, expect, it } from 'vitest';
import type { Pack } from '../../src/packs/schema/pack.js';
import { byId, loadPackForTest, readSeed, seedsAvailable } from './support.js';

const loadedPack = seedsAvailable ? await loadPackForTest('company-ops') : (undefined as unknown as Pack);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The `- …` bullets (also ` - …`) under a heading line, up to the next line that is neither bullet nor blank. */
function bulletsAfter(seed: string, heading: string): string[] {
  const lines = seed.split('\n');
  const at = lines.findIndex((line) => line.trim() === heading);
  if (at < 0) throw new Error(`seed has no heading "${heading}"`);
  const items: string[] = [];
  for (const line of lines.slice(at + 1)) {
    const bullet = /^\s*-\s*(.*)$/.exec(line);
    if (bullet) {
      if (bullet[1]!.trim() !== '') items.push(bullet[1]!.trim());
    } else if (line.trim() !== '') break;
  }
  return items;
}

/** The numbered headings of the seed that match a pattern, in order, e.g. `2.1 Define the Scope …`. */
function headings(seed: string, pattern: RegExp): string[] {
  return seed
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => pattern.test(line));
}

const texts = (pack: Pack, id: string) => checklist(pack, id).items.map((i) => i.text);

describe.runIf(seedsAvailable)(
  `company-ops against seed 001${seedsAvailable ? '' : ' (skipped: ../shared/seeds not found)'}`,
  () => {
    const seed = seedsAvailable ? readSeed('001') : '';
    const pack = loadedPack;

    it('keeps the document control: source, V.2024.04, January 2024, prepared by Tamanna Saini', () => {
      expect(pack.pack.source).toBe('001_9de19d3d93da6377.txt');
      const version = /^V\.(\d{4})\.(\d{2})$/m.exec(seed);
      expect(version).not.toBeNull();
      const entry = pack.pack.changelog[0]!;
      expect(entry.changes).toContain(version![0]);
      expect(entry.author).toBe('Tamanna Saini');
      expect(pack.pack.effective).toBe('2024-01');
    });

    it('walks the SDLC, QA and deployment phases in the seed order', () => {
      const sdlc = headings(seed, /^[1-3]\. (Planning|Design|Development)/);
      expect(sdlc).toEqual([
        '1. Planning & Requirement Gathering',
        '2. Design Phase',
        '3. Development & Coding',
      ]);
      expect(
        lifecycle(pack, 'sdlc')
          .states.slice(0, 3)
          .map((s) => s.label),
      ).toEqual(sdlc.map((h) => h.replace(/^\d\. /, '')));
      expect(lifecycle(pack, 'sdlc').states.map((s) => s.id)).toEqual([
        'planning',
        'design',
        'development',
        'testing',
        'deployment',
        'maintenance',
      ]);

      const qa = headings(seed, /^\d\. (Unit Testing|Integration Testing|User Acceptance Testing)/);
      expect(
        lifecycle(pack, 'qa')
          .states.slice(0, 3)
          .map((s) => s.label),
      ).toEqual(qa);

      const deployment = headings(
        seed,
        /^\d\. (Staging Environment Testing|Production Deployment|Post-Deployment Monitoring)$/,
      );
      expect(deployment).toHaveLength(3);
      expect(
        lifecycle(pack, 'deployment')
          .states.slice(0, 3)
          .map((s) => s.label),
      ).toEqual(deployment);
    });

    it('has the bug lifecycle stages 2.1-2.7 in order, ending in "Resolved" and "Closed"', () => {
      const stages = headings(seed, /^2\.[1-7] (Bug|Code Review|Deployment and Verification|Documentation)/);
      expect(stages).toHaveLength(7);
      const bug = lifecycle(pack, 'bug');
      const labelled = bug.states
        .filter((s) => /\(2\.\d /.test(s.label))
        .map((s) => /\((2\.\d .+)\)$/.exec(s.label)![1]);
      expect(labelled).toEqual(stages.slice(0, 6));
      expect(checklist(pack, 'bug-closure').label).toBe(stages[6]);
      expect(bug.states.slice(-2).map((s) => s.label)).toEqual(['Resolved', 'Closed']);
      expect(bug.states.at(-1)!.terminal).toBe(true);
      const toResolved = bug.transitions.find((t) => t.to === 'resolved')!;
      expect(toResolved.guard).toEqual({ field: 'fix_confirmed', eq: true });
      const toClosed = bug.transitions.find((t) => t.to === 'closed')!;
      expect(toClosed.checklist).toBe('bug-closure');
    });

    it('accepts a bug report only with what "the report should include"', () => {
      const include = bulletsAfter(seed, '- The report should include:');
      expect(include).toEqual([
        'Issue title',
        'Description with steps to reproduce',
        'Screenshots or error logs (if applicable)',
        'Severity level (Critical, High, Medium, Low)',
      ]);
      const report = pack.records!.find((r) => r.id === 'bug-report')!;
      expect(report.fields.map((f) => [f.name, f.required])).toEqual([
        ['title', true],
        ['description', true],
        ['screenshots-or-error-logs', false],
        ['severity', true],
      ]);
      const guard = lifecycle(pack, 'bug').transitions.find(
        (t) => t.from === 'reported' && t.to === 'logged',
      )!.guard as { all: object[] };
      expect(guard.all).toContainEqual({ field: 'title', exists: true });
      expect(guard.all).toContainEqual({ field: 'description', exists: true });
      expect(guard.all).toContainEqual({ field: 'severity', in: ['critical', 'high', 'medium', 'low'] });
    });

    it('carries the bug priorities and their fix targets', () => {
      const priorities = bulletsAfter(seed, '- Priority levels:');
      expect(priorities).toHaveLength(4);
      const scale = pack.scales!.find((s) => s.id === 'bug-priority')!;
      expect(scale.levels.map((l) => l.label)).toEqual(priorities.map((p) => p.split(':')[0]));
      priorities.forEach((p, i) => expect(scale.levels[i]!.quote).toBe(p));
      const fix = (id: string) => scale.levels.find((l) => l.id === id)!.targets!.fix!;

      expect(priorities[0]).toContain('Immediate fix required');
      expect(fix('critical')).toMatchObject({ within: 0, since: 'triaged' });

      const [, low, high] = /Fix within (\d+)-(\d+) hours/.exec(priorities[1]!)!;
      expect(fix('high')).toMatchObject({ within: Number(high) * HOUR_MS, since: 'triaged' });
      const warn = pack.escalations!.find((e) => e.id === 'high-bug-24h')!;
      expect(warn.trigger).toMatchObject({ after: Number(low) * HOUR_MS, since: 'triaged' });
      expect(warn.when).toEqual({ field: 'priority', eq: 'high' });

      expect(priorities[2]).toContain('Fix within a week');
      expect(fix('medium')).toMatchObject({ within: 7 * DAY_MS, since: 'triaged' });

      expect(priorities[3]).toContain('Fix in next scheduled update');
      expect(fix('low')).toMatchObject({ by: 'next-release' });

      const critical = pack.escalations!.find((e) => e.id === 'critical-bug-immediate')!;
      expect(critical).toMatchObject({
        to: 'role:development-team',
        trigger: { event: 'bug.triaged' },
        when: { field: 'priority', eq: 'critical' },
      });
    });

    it('uses Critical, High, Medium and Low for tickets and incidents, without invented targets', () => {
      expect(seed).toContain('Categorize issues based on severity: Critical, High, Medium, and Low.');
      for (const id of ['ticket-severity', 'incident-severity']) {
        const scale = pack.scales!.find((s) => s.id === id)!;
        expect(scale.levels.map((l) => l.label)).toEqual(['Critical', 'High', 'Medium', 'Low']);
        expect(scale.levels.every((l) => l.targets === undefined)).toBe(true);
      }
    });

    it('lists the integration-testing steps 2.1-2.13 in order', () => {
      const steps = headings(seed, /^2\.(\d+) /).filter((h) => Number(/^2\.(\d+)/.exec(h)![1]) <= 13);
      const integration = steps.slice(0, 13);
      expect(integration.map((h) => h.split(' ')[0])).toEqual(
        Array.from({ length: 13 }, (_, i) => `2.${i + 1}`),
      );
      const items = checklist(pack, 'integration-testing');
      expect(items.ordered).toBe(true);
      expect(items.items).toHaveLength(13);
      items.items.forEach((item, i) =>
        expect(item.text.startsWith(integration[i]!), `${item.text} starts with "${integration[i]}"`).toBe(
          true,
        ),
      );
      expect(items.items.at(-1)!.cadence).toMatchObject({ on: 'every-commit' });
    });

    it('keeps the checklists bullet for bullet', () => {
      expect(texts(pack, 'sdlc-planning')).toEqual(bulletsAfter(seed, '1. Planning & Requirement Gathering'));
      expect(texts(pack, 'uat')).toEqual(bulletsAfter(seed, '3. User Acceptance Testing (UAT)'));
      expect(texts(pack, 'production-deployment')).toEqual(bulletsAfter(seed, '2. Production Deployment'));
      expect(texts(pack, 'emergency-patch').toSorted()).toEqual(
        bulletsAfter(seed, '2. Emergency Patches').toSorted(),
      );
      expect(texts(pack, 'bug-fix-review')).toEqual(bulletsAfter(seed, '2.5 Code Review and Testing'));
      expect(texts(pack, 'bug-closure')).toEqual(
        bulletsAfter(seed, '2.7 Documentation and Closure').slice(0, 2),
      );
      expect(checklist(pack, 'bug-closure').items.map((i) => i.text)).toHaveLength(2);

      const security = [
        ...bulletsAfter(seed, '1. Data Protection'),
        ...bulletsAfter(seed, '2. Compliance Standards'),
      ];
      const register = texts(pack, 'security-compliance');
      expect(register).toHaveLength(security.length);
      security.forEach((bullet, i) => expect(register[i]!.startsWith(bullet.replace(/\.$/, ''))).toBe(true));

      const development = bulletsAfter(seed, '3. Development & Coding');
      const standUp = development.find((b) => b.startsWith('Conduct daily stand-up'))!;
      const daily = checklist(pack, 'daily-scrum');
      expect(daily.schedule).toMatchObject({ every: 'day' });
      expect(daily.items.map((i) => i.text)).toContain(standUp);

      const coding = development.find((b) => b.includes('3 main steps'))!;
      expect(coding).toMatch(
        /Defining your coding standards, communicate and train, and enforce the standards/,
      );
      expect(texts(pack, 'coding-standards')).toEqual([
        'Define your coding standards.',
        'Communicate and train.',
        'Enforce the standards.',
      ]);
      expect(checklist(pack, 'coding-standards').ordered).toBe(true);
    });

    it('runs both maintenance tasks weekly and monthly', () => {
      const [when, ...tasks] = bulletsAfter(seed, '1. Scheduled Maintenance');
      expect(when).toBe('Perform weekly and monthly system maintenance to ensure uptime.');
      expect(checklist(pack, 'weekly-maintenance').schedule).toMatchObject({ every: 'week' });
      expect(checklist(pack, 'monthly-maintenance').schedule).toMatchObject({ every: 'month' });
      for (const id of ['weekly-maintenance', 'monthly-maintenance'])
        expect(texts(pack, id).slice(0, 2)).toEqual(tasks);
      expect(texts(pack, 'monthly-maintenance')[2]).toBe(
        'Conduct regular security audits to identify vulnerabilities.',
      );
    });

    it('has the three support tiers with their responsibilities', () => {
      const tiers = bulletsAfter(seed, '2. Tiered Support Model');
      expect(pack.tiers!.map((t) => `${t.label}: ${t.responsibilities.join(' ')}`)).toEqual(tiers);
      expect(pack.escalations!.filter((e) => 'manual' in e.trigger).map((e) => [e.from, e.to])).toEqual([
        ['tier-1', 'tier:tier-2'],
        ['tier-2', 'tier:tier-3'],
      ]);
    });

    it('carries the 80 % coverage KPI and the CPU over 80 % threshold', () => {
      const coverage = /at least (\d+)% test coverage for critical modules/.exec(seed)!;
      const kpi = pack.kpis!.find((k) => k.id === 'critical-module-test-coverage')!;
      expect(kpi.target).toEqual({ op: '>=', value: Number(coverage[1]), unit: '%' });
      const gate = lifecycle(pack, 'qa').transitions.find((t) => t.from === 'unit-testing')!;
      expect(gate.guard).toEqual({ field: 'critical_module_coverage_percent', gte: Number(coverage[1]) });

      const cpu = /CPU usage over (\d+)%/.exec(seed)!;
      const threshold = pack.monitors!.thresholds!.find((t) => t.id === 'cpu-usage')!;
      expect(threshold).toMatchObject({ op: '>', value: Number(cpu[1]), unit: '%' });
      expect(threshold.sustainedFor).toBeUndefined();
    });

    it('alerts on every critical error and routes alerts and incidents to the channels the seed names', () => {
      const errors = /notifications for critical errors \(e\.g\., (.+)\)/.exec(seed)![1]!.split(/, /);
      expect(errors).toEqual(['500 server errors', 'failed transactions', 'database connection failures']);
      const thresholds = pack.monitors!.thresholds!;
      for (const id of ['http-500-errors', 'failed-transactions', 'database-connection-failures']) {
        expect(thresholds.find((t) => t.id === id)).toMatchObject({ op: '>', value: 0 });
      }
      const kindsOf = (routeId: string) =>
        pack
          .routes!.find((r) => r.id === routeId)!
          .channels.map((c) => {
            const channel = pack.channels!.find((ch) => ch.id === c)!;
            return channel.label.split(' (')[0];
          });
      expect(seed).toContain('via Slack, email, or SMS');
      expect(kindsOf('alerts')).toEqual(['Slack', 'Email', 'SMS']);
      expect(seed).toContain('via Slack, Microsoft Teams, or email');
      expect(kindsOf('incident-communication')).toEqual(['Slack', 'Microsoft Teams', 'Email']);
    });
  },
);

function checklist(pack: Pack, id: string) {
  return byId(pack.checklists, id, 'checklist');
}

function lifecycle(pack: Pack, id: string) {
  return byId(pack.lifecycles, id, 'lifecycle');
}
