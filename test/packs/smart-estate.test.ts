/**
 * Seed 004 (Smart Estate Operations and Support SOP) against packs/smart-estate: the seed's own tables and
 * lists are parsed from its text, and the pack must carry the same priorities, goals, first checks, steps
 * (in order), fields, recurring items and handoff items.
 */
import { describe, expect, it } from 'vitest';
import type { Pack } from '../../src/packs/schema/pack.js';
import { byId, loadPackForTest, markdownTables, readSeed, section, seedsAvailable } from './support.js';

const loadedPack = seedsAvailable ? await loadPackForTest('smart-estate') : (undefined as unknown as Pack);

/** A `## heading` section of the seed, heading line included, up to the next heading of its level. */
const seedSection = (seed: string, heading: string) => `\n## ${heading}\n${section(seed, `## ${heading}`)}`;

/** The items of the numbered list (`1. …`) in a text, in order. */
function numbered(text: string): string[] {
  return [...text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]!.trim());
}

/** The `- …` bullets that follow a line such as `Daily:` (blank lines between bullets allowed). */
function bulletsAfter(text: string, label: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.trim() === label);
  if (at < 0) throw new Error(`no list labelled "${label}"`);
  const items: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line.startsWith('- ')) items.push(line.slice(2).trim());
    else if (line.trim() !== '') break;
  }
  return items;
}

const kebab = (label: string) => label.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const ACTIVATION_GUARD = {
  all: [
    { field: 'signup_status', eq: 'approved' },
    { field: 'payment_status', eq: 'confirmed' },
  ],
};

/** What each "Response Goal" of the triage table becomes in the pack (README, choices 004#53-55). */
const RESPONSE_GOALS: Record<string, object> = {
  'Immediate investigation': {
    within: 0,
    calendar: '24-7',
    since: 'created',
    quote: 'Immediate investigation',
  },
  'Same business day': { by: 'end-of-business-day', calendar: 'business-hours', quote: 'Same business day' },
  'Next planned support cycle': {
    by: 'next-cycle',
    schedule: 'weekly-operations',
    quote: 'Next planned support cycle',
  },
};

describe.runIf(seedsAvailable)(
  `smart-estate pack against seed 004${seedsAvailable ? '' : ' (skipped: ../shared/seeds not found)'}`,
  () => {
    const seed = seedsAvailable ? readSeed('004') : '';
    const pack = loadedPack;
    const tables = markdownTables(seed);

    it('names seed 004 as its source and quotes every operating principle', () => {
      expect(pack.pack.source).toBe('004_ef6c9f855dff001f.txt');
      const principles = bulletsAfter(seedSection(seed, 'Operating Principles'), '## Operating Principles');
      expect(principles).toHaveLength(6);
      for (const principle of principles) expect(pack.pack.scope).toContain(principle);
    });

    it('has one priority level per row of the triage table, with its example and response goal', () => {
      const triage = tables.find((t) => t.some((row) => row[0] === 'Priority'))!;
      const rows = triage.filter((row) => /^P\d$/.test(row[0]!));
      expect(rows.map((row) => row[0])).toEqual(['P1', 'P2', 'P3', 'P4']);
      const scale = pack.scales?.find((s) => s.id === 'priority');
      expect(scale?.for).toBe('ticket');
      expect(scale?.levels.map((level) => level.id)).toEqual(rows.map((row) => row[0]!.toLowerCase()));
      rows.forEach(([priority, example, goal], i) => {
        const level = scale!.levels[i]!;
        expect(level.label).toBe(priority);
        expect(level.examples).toEqual([example]);
        expect(RESPONSE_GOALS[goal!], `a known goal: ${goal}`).toBeDefined();
        expect(level.targets?.response).toEqual(RESPONSE_GOALS[goal!]);
        // The seed states no resolution or other targets (004#56).
        expect(Object.keys(level.targets ?? {})).toEqual(['response']);
      });
    });

    it('counts the goals on the calendars and schedule they name', () => {
      const calendars = new Map((pack.calendars ?? []).map((c) => [c.id, c]));
      expect(calendars.get('24-7')?.hours).toBe('24/7');
      expect(calendars.get('business-hours')?.hours).toEqual({ weekdays: ['09:00-17:00'] });
      expect(checklist(pack, 'weekly-operations').items.map((item) => item.text)).toContain(
        'review incidents and unresolved support patterns',
      );
    });

    it('carries every common support issue with its first checks, in order', () => {
      const issues = tables
        .find((t) => t.some((row) => row[0] === 'Issue'))!
        .filter((row) => row[0] !== 'Issue');
      expect(issues).toHaveLength(6);
      expect(pack.knowledge?.map((k) => k.issue)).toEqual(issues.map((row) => row[0]));
      for (const [issue, checks] of issues) {
        const item = pack.knowledge!.find((k) => k.issue === issue)!;
        expect(item.firstChecks).toEqual(checks!.split(', '));
      }
    });

    it.each([
      ['New Estate Onboarding Checklist', 'new-estate-onboarding', 16],
      ['Payment Confirmation SOP', 'payment-confirmation', 10],
      ['Guard Setup SOP', 'guard-setup', 7],
    ])('encodes "%s" as ordered checklist %s with its %i steps verbatim', (heading, id, count) => {
      const steps = numbered(seedSection(seed, heading));
      expect(steps).toHaveLength(count);
      const list = checklist(pack, id);
      expect(list.ordered).toBe(true);
      expect(list.items.map((item) => item.text)).toEqual(steps);
    });

    it('makes only the conditional steps conditional', () => {
      const conditional = (id: string) =>
        checklist(pack, id)
          .items.filter((item) => item.when !== undefined)
          .map((item) => item.text);
      expect(conditional('guard-setup')).toEqual(['Test offline bootstrap where the client supports it.']);
      expect(conditional('new-estate-onboarding')).toEqual(['Help approved estate select the correct plan.']);
      expect(conditional('payment-confirmation')).toEqual([
        'For hosted checkout, verify provider reference through the configured provider workflow.',
        'For manual payment, confirm payment through finance or bank statement.',
      ]);
      const manual = checklist(pack, 'payment-confirmation').items.find(
        (item) => item.id === 'confirm-manual-payment',
      );
      expect(manual?.owner).toBe('role:finance');
    });

    it.each([
      ['Daily:', 'daily-operations', 'day', 4],
      ['Weekly:', 'weekly-operations', 'week', 4],
      ['Monthly:', 'monthly-operations', 'month', 5],
    ])('runs the "%s" operations as %s every %s (%i items)', (label, id, every, count) => {
      const items = bulletsAfter(seedSection(seed, 'Recurring Operations'), label);
      expect(items).toHaveLength(count);
      const list = checklist(pack, id);
      expect(list.schedule).toMatchObject({ every });
      expect(list.items.map((item) => item.text)).toEqual(items);
    });

    it('keeps the resident and guard record fields and the resident import controls', () => {
      const residentText = seedSection(seed, 'Resident Data SOP');
      const guardText = seedSection(seed, 'Guard Setup SOP');
      const records = new Map((pack.records ?? []).map((r) => [r.id, r]));
      const fields = (id: string, required: boolean) =>
        records
          .get(id)!
          .fields.filter((f) => f.required === required)
          .map((f) => f.name);
      expect(fields('resident', true)).toEqual(bulletsAfter(residentText, 'Required fields:').map(kebab));
      expect(fields('resident', false)).toEqual([]);
      expect(fields('guard', true)).toEqual(bulletsAfter(guardText, 'Required fields:').map(kebab));
      expect(fields('guard', false)).toEqual(bulletsAfter(guardText, 'Optional but recommended:').map(kebab));
      const controls = bulletsAfter(residentText, 'Recommended controls:');
      expect(controls).toHaveLength(4);
      expect(records.get('resident')!.controls).toEqual(controls);
      expect(checklist(pack, 'resident-import').items.map((item) => item.text)).toEqual(controls);
    });

    it('hands the 7 items over to customer success when the estate goes live', () => {
      const items = bulletsAfter(
        seedSection(seed, 'Customer Success Handoff'),
        'When an estate goes live, hand over:',
      );
      expect(items).toHaveLength(7);
      const journey = pack.journeys?.find((j) => j.id === 'customer-success-handoff');
      expect(journey?.trigger.event).toBe('estate.activated');
      expect(journey?.steps[0]?.at).toBe(0);
      expect(journey?.steps[0]?.actions).toEqual([{ handoff: { to: 'role:customer-success', items } }]);
    });

    it('activates an estate and its subscription only after signup approval and payment confirmation', () => {
      for (const id of ['estate', 'subscription']) {
        const toActive = lifecycle(pack, id).transitions.filter((t) => t.to === 'active');
        expect(toActive.length).toBeGreaterThan(0);
        for (const transition of toActive) expect(transition.guard).toEqual(ACTIVATION_GUARD);
      }
      for (const transition of lifecycle(pack, 'payment-record').transitions) {
        expect(transition.guard).toMatchObject({
          all: expect.arrayContaining([{ field: 'signup_status', eq: 'approved' }]),
        });
      }
      const onConfirm = lifecycle(pack, 'estate').transitions.find((t) => t.on === 'payment.confirmed');
      expect(onConfirm?.effects).toEqual([
        { transition: { lifecycle: 'subscription', to: 'active' } },
        { send: 'estate-access-enabled', to: 'role:estate-admin' },
      ]);
    });

    it('lets a signup be approved, rejected or suspended, rejection being final', () => {
      const signup = lifecycle(pack, 'estate-signup');
      expect(signup.initial).toBe('pending');
      const fromPending = signup.transitions.filter((t) => t.from === 'pending').map((t) => [t.on, t.to]);
      expect(fromPending).toEqual([
        ['approve', 'approved'],
        ['reject', 'rejected'],
        ['suspend', 'suspended'],
      ]);
      expect(signup.states.find((s) => s.id === 'rejected')?.terminal).toBe(true);
      expect(signup.states.find((s) => s.id === 'suspended')?.terminal).toBe(false);
    });

    it('has the account roles with feature access and the team roles', () => {
      const roles = new Map((pack.roles ?? []).map((r) => [r.id, r]));
      for (const id of ['estate-admin', 'supervisor', 'guard', 'resident']) {
        expect(roles.get(id)?.scope, id).toBe('account');
        expect(roles.get(id)?.features?.length, id).toBeGreaterThan(0);
      }
      for (const id of ['platform-team', 'finance', 'customer-success', 'support'])
        expect(roles.get(id)?.scope, id).toBe('team');
      expect(roles.get('guard')?.features).toEqual([
        'qr-check-in',
        'manual-code-check-in',
        'checkout',
        'offline-bootstrap',
      ]);
    });
  },
);

function checklist(pack: Pack, id: string) {
  return byId(pack.checklists, id, 'checklist');
}

function lifecycle(pack: Pack, id: string) {
  return byId(pack.lifecycles, id, 'lifecycle');
}
