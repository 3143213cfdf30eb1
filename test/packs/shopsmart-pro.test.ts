/**
 * Seed 000 (ShopSmart Pro SOPs) against packs/shopsmart-pro: every table, checklist, diagram and fenced
 * block of the seed is parsed from its text, and the pack must carry the same levels, numbers (as
 * milliseconds), hours, steps in order, cadences, owners, commands and template bodies.
 */
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/core/duration.js';
import type { Pack } from '../../src/packs/schema/pack.js';
import { loadPackForTest, markdownTables, readSeed, seedsAvailable } from './support.js';

const loadedPack = seedsAvailable ? await loadPackForTest('shopsmart-pro') : (undefined as unknown as Pack);

/** The text of `## SOP-00n: …` up to the next `## ` heading. */
function sop(seed: string, number: string): string {
  const start = seed.indexOf(`\n## SOP-${number}:`);
  if (start < 0) throw new Error(`seed has no SOP-${number}`);
  const end = seed.indexOf('\n## ', start + 1);
  return seed.slice(start, end < 0 ? undefined : end);
}

/** The body rows of the table whose header starts with these cells. */
function table(text: string, ...header: string[]): string[][] {
  const found = markdownTables(text).find((t) => header.every((cell, i) => t[0]?.[i] === cell));
  if (!found) throw new Error(`no table with header ${header.join(' | ')}`);
  return found.slice(1);
}

/** The lines of the fenced block that follows `marker`. */
function fenced(text: string, marker: string): string[] {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`no "${marker}"`);
  const open = text.indexOf('```', at);
  const start = text.indexOf('\n', open) + 1;
  return text.slice(start, text.indexOf('```', start)).replace(/\n$/, '').split('\n');
}

/** `- [ ] item` lines after a heading, in order. */
function checkboxes(text: string, heading: string): string[] {
  const at = text.indexOf(heading);
  const items: string[] = [];
  for (const line of text.slice(at).split('\n').slice(1)) {
    if (line.startsWith('- [ ] ')) items.push(line.slice(6).trim());
    else if (items.length > 0) break;
  }
  return items;
}

/** A seed duration ("15 min", "< 24 hours", "T+48 hrs", "Immediate", "1 hr") in milliseconds. */
function ms(text: string): number {
  const parsed = parseDuration(text.replace(/^[<>]\s*|^T\+/g, ''));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.ms;
}

const HOUR = 3_600_000;

/** "9 AM - 9 PM" as "09:00-21:00". */
function interval(hours: string): string {
  const clock = (t: string) => {
    const [, h, ampm] = /^(\d+) (AM|PM)$/.exec(t.trim())!;
    const hour = (Number(h) % 12) + (ampm === 'PM' ? 12 : 0);
    return `${String(hour).padStart(2, '0')}:00`;
  };
  const [from, to] = hours.split(' - ');
  return `${clock(from!)}-${clock(to!)}`;
}

/** A target like "≥60%", "< 2 hours (avg)", "> 4.5/5" as the pack's KPI target. */
function kpiTarget(text: string): { op: string; value: number; unit: string } {
  const [, op, value, unit] = /^(≥|≤|<|>)\s*([\d.]+)\s*(%|\/5|min|hours)?/.exec(text)!;
  const ops: Record<string, string> = { '≥': '>=', '≤': '<=', '<': '<', '>': '>' };
  const units: Record<string, string> = { '%': '%', '/5': '/5', min: 'min', hours: 'h' };
  return { op: ops[op!]!, value: Number(value), unit: unit ? units[unit]! : 'score' };
}

function within(target: unknown): number | undefined {
  return target && typeof target === 'object' && 'within' in target ? (target.within as number) : undefined;
}

const CADENCES: Record<string, object> = {
  Daily: { every: 'day' },
  Hourly: { every: 'hour' },
  Weekly: { every: 'week' },
  'Bi-weekly': { every: 'two-weeks' },
  Monthly: { every: 'month' },
  Quarterly: { every: 'quarter' },
  'Semi-annually': { every: 'half-year' },
  Annually: { every: 'year' },
  'As needed': { on: 'as-needed' },
  'Real-time': { on: 'real-time' },
  'On change': { on: 'change' },
  'Every commit': { on: 'every-commit' },
  'Every PR': { on: 'every-pr' },
  'Before release': { on: 'before-release' },
};

const MONTHS: Record<string, string> = { Jan: '01', Mar: '03', Jul: '07', Dec: '12' };

describe.runIf(seedsAvailable)(
  `shopsmart-pro pack against seed 000${seedsAvailable ? '' : ' (skipped: ../shared/seeds not found)'}`,
  () => {
    const seed = seedsAvailable ? readSeed('000') : '';
    const pack = loadedPack;

    const roleLabel = (recipient: string | undefined) => {
      const [kind, id] = (recipient ?? '').split(':');
      const list = kind === 'tier' ? pack.tiers : kind === 'contact' ? pack.contacts : pack.roles;
      return list?.find((r) => r.id === id)?.label;
    };
    const scale = (id: string) => pack.scales!.find((s) => s.id === id)!;
    const journey = (id: string) => pack.journeys!.find((j) => j.id === id)!;
    const step = (journeyId: string, id: string) => journey(journeyId).steps.find((s) => s.id === id)!;
    const checklist = (id: string) => pack.checklists!.find((c) => c.id === id)!;
    const lifecycle = (id: string) => pack.lifecycles!.find((l) => l.id === id)!;
    const template = (id: string) => pack.templates!.find((t) => t.id === id)!;

    it('keeps the document control: version, date, author, approver, review date, source', () => {
      const [[version, date, author, changes]] = table(seed, 'Version', 'Date', 'Author', 'Changes') as [
        string[],
      ];
      const [month, year] = date!.split(' ');
      const effective = `${year}-${MONTHS[month!]}`;
      // The seed's own entry first, as written; then the pack's review of the SOP when it was encoded.
      const [seedEntry, review, ...rest] = pack.pack.changelog;
      expect(seedEntry).toEqual({ version, date: effective, author, changes });
      expect(rest).toEqual([]);
      expect(review).toMatchObject({ version: pack.pack.version, date: '2026-11-23', author });
      expect(pack.pack.effective).toBe(effective);
      expect(pack.pack.owner).toBe(author);
      expect(pack.pack.approver).toBe(/\*Approved By: (.+)\*/.exec(seed)![1]);
      // "Review Date: July 2024" had passed at that review; the next keeps the seed's interval (Jan → Jul).
      const [reviewMonth, reviewYear] = /\*Review Date: (\w+) (\d+)\*/.exec(seed)!.slice(1);
      const seedReview = `${reviewYear}-${MONTHS[reviewMonth!.slice(0, 3)]}`;
      expect(seedReview < review!.date).toBe(true);
      const months = (ym: string) => Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1;
      const next = months(review!.date) + months(seedReview) - months(effective);
      const by = `${Math.floor(next / 12)}-${String((next % 12) + 1).padStart(2, '0')}`;
      expect(pack.pack.review).toEqual({ by });
      expect(pack.pack.source).toBe('000_f3a189942fff1681.txt');
      expect(pack.pack.title).toBe(/^# 📋 (.+)$/m.exec(seed)![1]);
      expect(pack.pack.timeZone).toBe('Asia/Kolkata');
      for (const purpose of seed.matchAll(/### Purpose\n(.+)/g))
        expect(pack.pack.purpose).toContain(purpose[1]);
    });

    it('gives every customer template `hi` and `en` with the same variables; the internal alert is English', () => {
      const used = (text = '') => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
      for (const t of pack.templates!) {
        if (t.audience === 'internal') {
          expect(Object.keys(t.locales), t.id).toEqual(['en']);
          continue;
        }
        expect(Object.keys(t.locales).sort(), t.id).toEqual(['en', 'hi']);
        const { en, hi } = t.locales;
        expect(used(hi!.body), t.id).toEqual(used(en!.body));
        expect(used(hi!.subject), t.id).toEqual(used(en!.subject));
        expect(hi!.subject === undefined, t.id).toBe(en!.subject === undefined);
        expect(hi!.body, t.id).toMatch(/[\u0900-\u097F]/);
      }
    });

    describe('SOP-001 Customer Onboarding', () => {
      const text = seedsAvailable ? sop(seed, '001') : '';

      it('runs the registration, Day 1 and Day 3 tasks at their T+ offsets', () => {
        const offsets = (header: string) =>
          markdownTables(text.slice(text.indexOf(header)))[0]!
            .slice(1)
            .map((row) => row[2]!);
        const timeline = (t: string) => (t === 'Immediate' ? 0 : ms(t));
        const [registers, created, sms, email, crm] = offsets('#### Step 1').map(timeline);
        expect([registers, sms, email, crm]).toEqual([0, 0, 0, 0]);
        expect(step('onboarding', 'account-created').at).toBe(created);
        expect(step('onboarding', 'welcome').at).toBe(sms);
        expect(step('onboarding', 'welcome').actions).toEqual([
          { send: 'welcome-sms', to: 'customer:', channel: 'sms' },
          { send: 'welcome-email', to: 'customer:', channel: 'email' },
          { record: { what: 'CRM record created', system: 'HubSpot' } },
        ]);
        expect(new Set(offsets('#### Step 2').map(timeline))).toEqual(new Set([24 * HOUR]));
        expect(step('onboarding', 'day-1-check').at).toBe(24 * HOUR);
        expect(step('onboarding', 'day-1-check').when).toEqual({ field: 'facts.customers_added', lt: 1 });
        expect(offsets('#### Step 3')[0]).toBe('T+72h');
        expect(step('onboarding', 'day-3-call').at).toBe(72 * HOUR);
        expect(step('onboarding', 'day-3-call').owner).toBe('role:csm');
        expect(step('onboarding', 'day-7-review').at).toBe(7 * 24 * HOUR);
        expect(step('onboarding', 'day-30-nps').at).toBe(30 * 24 * HOUR);
        expect(journey('onboarding').trigger.event).toBe('user.registered');
      });

      it('keeps the Day 3 call script verbatim in Hindi, with an English translation', () => {
        const script = fenced(text, '**Call Script:**');
        const call = template('day-3-call-script');
        expect(call.channel).toBe('phone');
        const placeholders = (s: string) =>
          s.replace('[Your Name]', '{{ your_name }}').replace('[Name]', '{{ name }}');
        expect(call.locales.hi!.body.split('\n')).toEqual(script.map(placeholders));
        const english = call.locales.en!.body.split('\n');
        expect(english).toHaveLength(script.length);
        for (const cue of ['{{ name }}', '{{ your_name }}', '[Listen]', '[Help if needed]']) {
          expect(call.locales.en!.body).toContain(cue);
        }
        expect(call.variables.map((v) => v.name)).toEqual(['name', 'your_name']);
        expect(step('onboarding', 'day-3-call').actions[0]).toMatchObject({
          task: { for: 'role:csm', script: 'day-3-call-script' },
        });
      });

      it('sends the Day 7 tutorial of each failed check independently, "≥" passing at the bound', () => {
        const rows = table(text, 'Check', 'Action if Failed');
        const branches = step('onboarding', 'day-7-review').branches!;
        expect(branches).toHaveLength(rows.length);
        rows.forEach(([check, action], i) => {
          const bound = Number(/≥(\d+)/.exec(check!)![1]);
          expect(branches[i]!.when).toMatchObject({ lt: bound });
          expect(branches[i]!.quote).toBe(`${check} | ${action}`);
        });
        expect(branches.map((b) => (b.when as { field: string }).field)).toEqual([
          'facts.customers_added',
          'facts.transactions',
          'facts.app_opens',
        ]);
      });

      it('branches on the Day 30 NPS answer by the seed bands', () => {
        const rows = table(text, 'NPS Score', 'Action');
        const branches = step('onboarding', 'nps-answer').branches!;
        rows.forEach(([score, action], i) => {
          const [, low, high] = /^(\d+)-(\d+)/.exec(score!)!;
          expect(branches[i]!.when).toEqual({
            all: [
              { field: 'answer', gte: Number(low) },
              { field: 'answer', lte: Number(high) },
            ],
          });
          expect(branches[i]!.quote).toBe(`${score} | ${action}`);
        });
        expect(branches[2]!.actions).toEqual([
          { escalate: { to: 'role:success-lead', reason: 'NPS detractor (0-6): immediate escalation' } },
        ]);
      });

      it('measures every success metric with its target', () => {
        for (const [metric, target] of table(text, 'Metric', 'Target')) {
          const kpi = pack.kpis!.find((k) => k.label === metric);
          expect(kpi?.target, metric).toEqual(kpiTarget(target!));
        }
      });
    });

    describe('SOP-002 Customer Support', () => {
      const text = seedsAvailable ? sop(seed, '002') : '';

      it('gives each priority its first-response and resolution targets (P4: none)', () => {
        const rows = table(text, 'Priority', 'Description', 'First Response', 'Resolution');
        const levels = scale('support-priority').levels;
        const policy = pack.slaPolicies!.find((p) => p.id === 'default')!;
        expect(levels.map((l) => l.label)).toEqual(rows.map((r) => r[0]));
        rows.forEach(([, description, firstResponse, resolution], i) => {
          const level = levels[i]!;
          expect(level.description).toBe(description);
          for (const targets of [level.targets!, policy.targets[level.id]!]) {
            expect(within(targets.firstResponse)).toBe(ms(firstResponse!));
            if (resolution === 'N/A') expect(targets.resolution).toMatchObject({ none: true });
            else expect(within(targets.resolution)).toBe(ms(resolution!));
          }
        });
      });

      it('staffs each channel on its hours with its response goal', () => {
        for (const [name, hours, response] of table(text, 'Channel', 'Hours', 'Response Time')) {
          const channel = pack.channels!.find((c) => c.label === name)!;
          const calendar = pack.calendars!.find((c) => c.id === channel.calendar)!;
          expect(calendar.hours, name).toEqual(hours === '24/7' ? '24/7' : { daily: [interval(hours!)] });
          const bot = /^(.+) \(bot\), (.+) \(human\)$/.exec(response!);
          if (bot) {
            expect(channel.responseGoal).toMatchObject({
              bot: { within: ms(bot[1]!) },
              human: { within: ms(bot[2]!) },
            });
          } else {
            expect(within(channel.responseGoal), name).toBe(ms(response!));
          }
        }
      });

      it('escalates along the matrix: L1 → L2 after 30 min, the others on their reason', () => {
        const rows = table(text, 'From', 'To', 'Trigger');
        for (const row of rows) {
          const rule = pack.escalations!.find((e) => e.quote === row.join(' | '));
          expect(rule, row.join(' | ')).toBeDefined();
          expect(roleLabel(rule!.to)).toBe(row[1]);
          if (row[0] === 'Any Level') expect(rule!.from).toBe('any');
          else expect(pack.tiers!.find((t) => t.id === rule!.from)?.label).toBe(row[0]);
          const minutes = /not resolved in (\d+) min/.exec(row[2]!);
          if (minutes)
            expect(rule!.trigger).toMatchObject({ after: ms(`${minutes[1]} min`), since: 'created' });
          else expect(rule!.trigger).toEqual({ manual: row[2] });
        }
      });

      it('measures every quality metric with its target and method', () => {
        for (const [metric, target, measurement] of table(text, 'Metric', 'Target', 'Measurement')) {
          const kpi = pack.kpis!.find((k) => k.label === metric);
          expect(kpi?.target, metric).toEqual(kpiTarget(target!));
          expect(kpi?.measuredBy).toBe(measurement);
        }
      });
    });

    describe('SOP-003 Incident Management', () => {
      const text = seedsAvailable ? sop(seed, '003') : '';

      it('grades incidents SEV1-SEV4 with their impact and examples', () => {
        const rows = table(text, 'Severity', 'Impact', 'Examples');
        expect(
          scale('incident-severity').levels.map((l) => [l.label, l.description, l.examples!.join(', ')]),
        ).toEqual(rows);
      });

      it('assembles the four response roles with their responsibility and contact', () => {
        const rows = table(text, 'Role', 'Responsibility', 'Contact');
        expect(
          pack.incidents!.commandRoles!.map((r) => [
            roleLabel(`role:${r.role}`),
            r.responsibility,
            r.contact,
          ]),
        ).toEqual(rows);
        const team = pack.routes!.find((r) => r.id === 'incident-team')!;
        expect(team.levels).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
        expect(team.recipients!.map(roleLabel)).toEqual(rows.map((r) => r[0]));
      });

      it('runs the 7 stages in order with their T+ deadlines', () => {
        const stages = [...text.matchAll(/^([A-Z][A-Z &-]+) \(([^)]+)\)$/gm)].map((m) => [m[1]!, m[2]!]);
        expect(stages).toHaveLength(7);
        const pack_stages = pack.incidents!.stages!;
        expect(pack_stages.map((s) => s.label)).toEqual(stages.map((s) => s[0]));
        stages.forEach(([, when], i) => {
          const deadline = pack_stages[i]!.deadline;
          if (when === 'Ongoing') expect(deadline).toEqual({ none: true, quote: 'Ongoing' });
          else if (when === 'Post-fix') expect(deadline).toBeUndefined();
          else expect(deadline).toMatchObject({ within: ms(when!), since: 'detected' });
        });
        expect(pack.incidents!.review!.within).toMatchObject({ within: 48 * HOUR, since: 'detected' });
      });

      it('keeps the SEV1 user notification verbatim in Hindi, with English, due by T+15 min', () => {
        const body = fenced(text, '#### User Notification (SEV1)');
        const notice = template('sev1-user-notice');
        expect(notice.locales.hi!.body.split('\n')).toEqual(
          body.map((l) => l.replace('[status page link]', '{{ status_page_link }}')),
        );
        const english = notice.locales.en!.body.split('\n');
        expect(english).toHaveLength(body.length);
        // Lines already in English stay as they are.
        body.forEach((line, i) => {
          if (!/[\u0900-\u097F]/.test(line)) {
            expect(english[i]).toBe(line.replace('[status page link]', '{{ status_page_link }}'));
          }
        });
        expect(scale('incident-severity').levels[0]!.targets?.customerNotice).toMatchObject({
          within: 15 * 60_000,
        });
        expect(pack.routes!.find((r) => r.id === 'sev1-users')).toMatchObject({ levels: ['sev1'] });
      });

      it('keeps the Slack alert verbatim, with each placeholder a declared variable', () => {
        const body = fenced(text, '#### Internal Alert (Slack)');
        const alert = template('sev1-slack-alert');
        expect(alert.channel).toBe('slack');
        const names: Record<string, string> = {
          '[Brief description]': 'brief_description',
          '[User impact]': 'user_impact',
          '[Name]': 'name',
          '[Link]': 'link',
        };
        const expected = body.map((line) =>
          Object.entries(names).reduce((l, [from, to]) => l.replace(from, `{{ ${to} }}`), line),
        );
        expect(alert.locales.en!.body.split('\n')).toEqual(expected);
        expect(alert.variables.map((v) => v.name)).toEqual(Object.values(names));
        expect(pack.incidents!.playbooks!.find((p) => p.id === 'sev1')!.templates).toEqual([
          'sev1-user-notice',
          'sev1-slack-alert',
        ]);
      });

      it('has the post-incident review sections in order', () => {
        const rows = table(text, 'Section', 'Content');
        expect(pack.incidents!.review!.sections.map((s) => [s.label, s.prompt])).toEqual(rows);
      });
    });

    describe('SOP-004 Data Backup & Recovery', () => {
      const text = seedsAvailable ? sop(seed, '004') : '';

      it('backs up each data type at its frequency, retention and location', () => {
        const rows = table(text, 'Data Type', 'Frequency', 'Retention', 'Location');
        expect(pack.backups!.sets.map((s) => s.data)).toEqual(rows.map((r) => r[0]));
        rows.forEach(([, frequency, retention, location], i) => {
          const set = pack.backups!.sets[i]!;
          expect(set.frequency).toMatchObject(CADENCES[frequency!]!);
          expect(set.retention).toBe(ms(retention!));
          expect(set.location).toBe(location);
        });
      });

      it('verifies backups on their cadences, by their owners', () => {
        const rows = table(text, 'Check', 'Frequency', 'Owner');
        const items = checklist('backup-verification').items;
        expect(items.map((i) => i.text)).toEqual(rows.map((r) => r[0]));
        rows.forEach(([, frequency, owner], i) => {
          expect(items[i]!.cadence).toMatchObject(CADENCES[frequency!]!);
          expect(owner === 'Automated' ? items[i]!.owner : roleLabel(items[i]!.owner)).toBe(
            owner === 'Automated' ? 'role:system' : owner,
          );
        });
      });

      it('keeps the point-in-time recovery steps and commands in order', () => {
        const lines = fenced(text, '#### Point-in-Time Recovery (MongoDB)').filter((l) => l.trim() !== '');
        const headings = lines.filter((l) => l.startsWith('# ')).map((l) => l.slice(2));
        const commands = lines.filter((l) => !l.startsWith('#'));
        const steps = pack.backups!.procedures!.find((p) => p.id === 'point-in-time-recovery')!.steps;
        expect(steps.map((s) => s.text)).toEqual(headings);
        expect(steps.map((s) => s.command)).toEqual(commands);
      });

      it('sets RTO and RPO per scenario', () => {
        const rows = table(text, 'Scenario', 'RTO', 'RPO');
        expect(pack.backups!.objectives!.map((o) => [o.scenario, o.rto, o.rpo])).toEqual(
          rows.map(([scenario, rto, rpo]) => [scenario, ms(rto!), ms(rpo!)]),
        );
      });
    });

    describe('SOP-005 Release Management', () => {
      const text = seedsAvailable ? sop(seed, '005') : '';

      it('has the four release types with cadence, approver and rollback window', () => {
        const rows = table(text, 'Type', 'Frequency', 'Approval', 'Rollback Window');
        const types = pack.releases!.types;
        expect(types.map((t) => t.label)).toEqual(rows.map((r) => r[0]));
        rows.forEach(([, frequency, approval, window], i) => {
          expect(types[i]!.frequency).toMatchObject(CADENCES[frequency!]!);
          expect(roleLabel(types[i]!.approver)).toBe(approval);
          expect(within(types[i]!.rollbackWindow)).toBe(ms(window!));
        });
      });

      it('walks the 8 release stages as the release lifecycle, monitoring for 1 hour', () => {
        const block = fenced(text, '### Release Process');
        const boxes: string[] = [];
        let current: string[] = [];
        for (const line of block) {
          const inner = /│\s+(.+?)\s+│/.exec(line);
          if (inner) current.push(inner[1]!);
          else if (line.startsWith('└') && current.length > 0) {
            boxes.push(current.join(' '));
            current = [];
          }
        }
        expect(boxes).toHaveLength(8);
        const release = lifecycle('release');
        expect(release.states.slice(0, 8).map((s) => s.label)).toEqual(boxes);
        expect(release.initial).toBe(release.states[0]!.id);
        const monitorHours = Number(/Monitor \((\d+) hour\)/.exec(boxes.join(' '))![1]);
        expect(pack.releases!.monitorFor).toBe(monitorHours * HOUR);
        expect(release.transitions.find((t) => t.from === 'monitor')?.after).toBe(monitorHours * HOUR);
        expect(release.transitions.find((t) => t.to === 'production-deploy')?.checklist).toBe(
          'release-checklist',
        );
      });

      it('keeps the release checklist in order, Go/No-Go last', () => {
        expect(checklist('release-checklist').items.map((i) => i.text)).toEqual(
          checkboxes(text, '### Release Checklist'),
        );
        expect(pack.releases!.checklist).toBe('release-checklist');
      });

      it('keeps the rollback steps and commands in order, posting in #releases', () => {
        const lines = fenced(text, '### Rollback Procedure').filter((l) => l.trim() !== '');
        const headings = lines.filter((l) => /^# \d\./.test(l)).map((l) => l.replace(/^# \d\. /, ''));
        const commands = lines.filter((l) => !l.startsWith('#'));
        const rollback = pack.releases!.rollback!;
        expect(rollback).toHaveLength(headings.length);
        rollback.forEach((s, i) => expect(s.text.startsWith(headings[i]!)).toBe(true));
        expect(rollback.filter((s) => s.command).map((s) => s.command)).toEqual(commands);
        expect(pack.channels!.find((c) => c.id === 'releases')?.address).toBe('#releases');
      });
    });

    describe('SOP-006 Vendor Management', () => {
      const text = seedsAvailable ? sop(seed, '006') : '';

      it('has the categories with examples, risk and review cadence', () => {
        const categories = table(text, 'Category', 'Examples', 'Risk Level');
        const reviews = table(text, 'Vendor Type', 'Review Frequency');
        const packed = pack.vendors!.categories;
        expect(packed.map((c) => [c.label, c.examples!.join(', '), c.risk])).toEqual(
          categories.map(([label, examples, risk]) => [label, examples, risk!.toLowerCase()]),
        );
        for (const [type, frequency] of reviews) {
          expect(packed.find((c) => c.label === type)!.review).toMatchObject(CADENCES[frequency!]!);
        }
      });

      it('weighs the evaluation criteria as the seed does, 100 % in all', () => {
        const rows = table(text, 'Criteria', 'Weight', 'Scoring');
        expect(pack.vendors!.criteria.map((c) => [c.label, `${c.weightPercent}%`, c.scoring])).toEqual(rows);
        expect(pack.vendors!.criteria.reduce((sum, c) => sum + c.weightPercent, 0)).toBe(100);
      });

      it('lists the current vendors with service, contract end and owner', () => {
        const rows = table(text, 'Vendor', 'Service', 'Contract End', 'Owner');
        const end = (text: string) => {
          if (text === 'Rolling') return 'rolling';
          const [month, year] = text.split(' ');
          return `${year}-${MONTHS[month!]}`;
        };
        expect(pack.vendors!.vendors.map((v) => [v.name, v.service, v.contractEnd, v.owner])).toEqual(
          rows.map(([name, service, contract, owner]) => [name, service, end(contract!), owner]),
        );
        expect(pack.vendors!.vendors.map((v) => v.category)).toEqual([
          'critical',
          'critical',
          'important',
          'important',
          'important',
        ]);
      });
    });

    describe('SOP-007 Quality Assurance', () => {
      const text = seedsAvailable ? sop(seed, '007') : '';

      it('walks the QA process in order', () => {
        const line = fenced(text, '### QA Process')[0]!;
        expect(lifecycle('qa-process').states.map((s) => s.label)).toEqual(line.split(' → '));
      });

      it('runs each test type on its cadence', () => {
        const rows = table(text, 'Type', 'Coverage', 'Frequency');
        const items = checklist('testing').items;
        expect(items.map((i) => i.text)).toEqual(rows.map(([type, coverage]) => `${type}: ${coverage}`));
        rows.forEach(([, , frequency], i) => expect(items[i]!.cadence).toMatchObject(CADENCES[frequency!]!));
        expect(pack.kpis!.find((k) => k.id === 'unit-test-coverage')?.target).toEqual({
          op: '>=',
          value: Number(/(\d+)%\+ code coverage/.exec(text)![1]),
          unit: '%',
        });
      });

      it('grades bugs Critical-Low with definition and example', () => {
        const rows = table(text, 'Severity', 'Definition', 'Example');
        expect(
          scale('bug-severity').levels.map((l) => [l.label, l.description, l.examples!.join(', ')]),
        ).toEqual(rows);
      });

      it('keeps the QA sign-off criteria in order', () => {
        expect(checklist('qa-sign-off').items.map((i) => i.text)).toEqual(
          checkboxes(text, '### QA Sign-off Criteria'),
        );
      });
    });

    describe('SOP-008 Security Incident Response', () => {
      const text = seedsAvailable ? sop(seed, '008') : '';
      const playbook = () => pack.incidents!.playbooks!.find((p) => p.id === 'security-incident')!;

      it('has the five security incident types, each run by the security playbook', () => {
        const rows = table(text, 'Type', 'Examples');
        const types = pack.incidents!.types!.filter((t) => t.playbook === 'security-incident');
        expect(types.map((t) => [t.label, t.description])).toEqual(rows);
      });

      it('runs the immediate actions within 15 minutes, then the five phases in order', () => {
        const actions = [...text.matchAll(/^\d+\. \*\*(.+?)\*\* - (.+)$/gm)].map((m) => `${m[1]} - ${m[2]}`);
        expect(actions).toHaveLength(5);
        const minutes = Number(/First (\d+) minutes/.exec(text)![1]);
        const [first, ...phases] = playbook().stages;
        expect(first!.deadline).toMatchObject({ within: minutes * 60_000, since: 'detected' });
        expect(first!.steps!.map((s) => s.text)).toEqual(actions);
        const list = checklist('security-first-15-minutes');
        expect(list.items.map((i) => i.text)).toEqual(actions);
        for (const item of list.items) expect(item.due).toBe(minutes * 60_000);
        const flow = fenced(text, '### Response Process')[0]!.split(' → ');
        expect(phases.map((p) => p.label)).toEqual(flow);
      });

      it('alerts the escalation contacts by email, inventing no names or phones', () => {
        const rows = table(text, 'Role', 'Name', 'Phone', 'Email');
        for (const [role, name, phone, email] of rows) {
          expect([name, phone]).toEqual(['TBD', 'XXX']);
          const contact = pack.contacts!.find((c) => c.label === role)!;
          expect(contact).toMatchObject({ email });
          expect(contact.name).toBeUndefined();
          expect(contact.phone).toBeUndefined();
          const rule = pack.escalations!.find((e) => e.to === `contact:${contact.id}`);
          expect(rule?.trigger).toEqual({ event: 'security-incident.declared' });
        }
      });

      it('keeps the communication rules', () => {
        const rules = [...text.matchAll(/^- \*\*(DO NOT|DO)\*\* (.+)$/gm)].map((m) => ({
          kind: m[1] === 'DO' ? 'do' : 'dont',
          text: `${m[1]} ${m[2]}`,
        }));
        expect(pack.incidents!.rules).toEqual(rules);
      });

      it('starts each regulatory clock with its authority and timeline', () => {
        const rows = table(text, 'Regulation', 'Timeline', 'Authority');
        expect(pack.incidents!.regulatory!.map((r) => [r.label, r.within, r.authority])).toEqual(
          rows.map(([label, timeline, authority]) => [label, ms(timeline!), authority]),
        );
        expect(pack.incidents!.regulatory!.find((r) => r.id === 'gdpr')?.when).toBeDefined();
      });
    });
  },
);
