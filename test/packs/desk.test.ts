/**
 * The help desk section of each seed pack triages the seed's own examples to the seed's own priorities,
 * with the help desk's triage (src/core/support/triage.ts), and names what the SOP measures (CSAT,
 * first contact resolution) only where the seed does.
 */
import { describe, expect, it } from 'vitest';
import { triage } from '../../src/core/support/triage.js';
import type { Pack } from '../../src/packs/schema/pack.js';
import { loadPackForTest } from './support.js';

const packs = new Map<string, Pack>();
for (const id of ['shopsmart-pro', 'company-ops', 'sofacover-pro', 'pos-saas', 'smart-estate'])
  packs.set(id, await loadPackForTest(id));

/** What triage decides for a new ticket with this subject (and first message) on a channel. */
function triaged(
  id: string,
  subject: string,
  extra: { channel?: string; plan?: string; body?: string } = {},
) {
  const pack = packs.get(id)!;
  return triage(
    pack.desk,
    { subject, body: extra.body ?? '', channel: extra.channel ?? 'email', plan: extra.plan },
    'none',
  );
}

const cases: Record<string, [subject: string, priority: string, category?: string | null][]> = {
  // 000#38-41: the SLA table's descriptions.
  'shopsmart-pro': [
    ['App down', 'p1', 'technical'],
    ['Data loss after update', 'p1', 'technical'],
    ['Billing feature not working', 'p2', 'technical'],
    ['How to add a customer?', 'p3', 'how-to'],
    ['Feature request: dark mode', 'p4', 'feature-request'],
    ['Hello', 'p3', null],
    // Most urgent first: a P1 that also asks how.
    ['App down - how do I restore my data?', 'p1', 'technical'],
  ],
  // 001#83-86: the four definitions of 2.3.
  'company-ops': [
    ['System failure on checkout', 'critical', null],
    ['Export not working', 'high', null],
    ['Search is hard to use, we use a workaround', 'medium', null],
    ['Typo on the invoice page', 'low', null],
    ['Forgot my password', 'medium', 'password-reset'],
    ['API keys rejected', 'medium', 'api-configuration'],
  ],
  // 002#9-12: the classification's examples.
  'sofacover-pro': [
    ['Site completely down', 'p0', 'performance'],
    ['Security breach?', 'p0', null],
    ['Payment system failure', 'p0', 'payments'],
    ['Authentication issues since this morning', 'p1', 'authentication'],
    ['Order processing problems', 'p1', null],
    ['UI problem on the cart', 'p2', null],
    ['Documentation issues', 'p3', null],
    ['Where is my parcel', 'p2', null],
  ],
  // 003#64-66: the plan SLA's priorities.
  'pos-saas': [
    ['Service down', 'critical', null],
    ['Data loss', 'critical', 'data'],
    ['Payment issue', 'high', 'billing'],
    ['Feature broken', 'high', null],
    ['Feature request', 'normal', 'feature-request'],
    ['Found a bug', 'normal', 'bug'],
  ],
  // 004#49-52: the Support Triage table's examples.
  'smart-estate': [
    ['Gate cannot check in visitors', 'p1', 'gate-check-in'],
    ['Payment confirmed but estate not active', 'p2', 'activation'],
    ['Resident cannot create pass', 'p3', 'visitor-passes'],
    ['Training request for our guards', 'p4', 'training'],
    ['QR pass rejected at gate 2', 'p3', 'visitor-passes'],
  ],
};

describe('help desk triage of the seeds', () => {
  for (const [id, rows] of Object.entries(cases)) {
    it.each(rows)(`${id}: "%s" is %s (%s)`, (subject, priority, category) => {
      const result = triaged(id, subject);
      expect(result.priority).toBe(priority);
      if (category !== undefined) expect(result.category).toBe(category);
    });
  }

  it('keeps a priority the ticket was given', () => {
    const pack = packs.get('shopsmart-pro')!;
    const result = triage(
      pack.desk,
      { subject: 'App down', body: '', channel: 'email', given: { priority: 'p3' } },
      'none',
    );
    expect(result).toMatchObject({ priority: 'p3', category: 'technical', set: { priority: 'given' } });
  });

  it('treats a SofaCover phone call as critical, and tags POS Enterprise tickets', () => {
    expect(triaged('sofacover-pro', 'Typo', { channel: 'phone-support' }).priority).toBe('p0');
    expect(triaged('pos-saas', 'Feature request', { plan: 'enterprise' }).tags).toEqual(['enterprise']);
    expect(triaged('pos-saas', 'Feature request', { plan: 'pro' }).tags).toEqual([]);
  });

  it('keeps an estate known to be pending activation out of P1 (004#49 "for active estate")', () => {
    const pack = packs.get('smart-estate')!;
    const input = { subject: 'Gate cannot check in visitors', body: '', channel: 'email' };
    expect(triage(pack.desk, { ...input, facts: { estate_status: 'active' } }, 'none').priority).toBe('p1');
    expect(triage(pack.desk, { ...input, facts: { estate_status: 'pending' } }, 'none').priority).toBe('p3');
  });
});

describe('what the help desk measures', () => {
  it('sets CSAT and first contact resolution only where the seed has them', () => {
    const measured = [...packs].map(([id, p]) => [
      id,
      p.desk?.csat?.target ?? null,
      p.desk?.firstContactResolution?.target ?? null,
      p.desk?.bot?.channel ?? null,
    ]);
    expect(measured).toEqual([
      ['shopsmart-pro', 4.5, 80, 'in-app-chat'], // 000#60, 000#59, 000#46
      ['company-ops', null, null, null],
      ['sofacover-pro', 4.5, 70, null], // 002#76, 002#78
      ['pos-saas', null, null, null],
      ['smart-estate', null, null, null],
    ]);
  });

  it('acknowledges email tickets and keeps reopened tickets within 7 days in every pack', () => {
    for (const [id, pack] of packs) {
      expect(pack.desk?.autoReply?.template, id).toBe('ticket-acknowledgement');
      expect(pack.desk?.reopenWindow, id).toBe(7 * 86_400_000);
    }
  });
});
