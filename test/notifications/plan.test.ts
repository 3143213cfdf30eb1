/**
 * Routing over the seed packs (pure): who a notification reaches, on which transport, in which language,
 * and when (quiet hours); critical levels never wait.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { planDeliveries } from '../../src/core/notify/plan.js';
import { quietUntil } from '../../src/core/notify/quiet-hours.js';
import type { Directory, DirectoryMember } from '../../src/core/notify/recipients.js';
import { compilePack, type Policy } from '../../src/packs/compile.js';
import { loadPack } from '../../src/packs/load.js';

async function policyOf(folder: string): Promise<Policy> {
  const loaded = await loadPack(`packs/${folder}`);
  if (!loaded.ok) throw new Error(`${folder} does not load`);
  return compilePack(loaded.pack, loaded.hash);
}

const NOW = Date.parse('2026-12-01T17:00:00Z'); // 22:30 in India
const asha: DirectoryMember = {
  userId: 'usr_asha',
  name: 'Asha Rao',
  email: 'asha@sofacover.test',
  phone: '+919876543210',
  role: 'agent-l1',
  locale: 'hi',
  quietHours: { from: '22:00', to: '07:00', timeZone: 'Asia/Kolkata' },
};
const ravi: DirectoryMember = {
  ...asha,
  userId: 'usr_ravi',
  name: 'Ravi',
  email: 'ravi@sofacover.test',
  phone: null,
  role: 'admin',
  locale: null,
  quietHours: null,
};
const dir = (fields: Directory['fields'] = {}, members = [asha, ravi]): Directory => ({
  members,
  contacts: [],
  tiers: [{ id: 'tier-1' }, { id: 'tier-2' }, { id: 'tier-3' }],
  rotations: [],
  fields,
});

describe('routing over the seed packs', () => {
  let sofa: Policy;
  let shop: Policy;
  beforeAll(async () => {
    sofa = await policyOf('sofacover-pro');
    shop = await policyOf('shopsmart-pro');
  });

  it('sends a P0 on the phone and by SMS to tier 1 at once, quiet hours or not (SofaCover critical alerts)', () => {
    for (const channel of ['alert-phone', 'alert-sms', 'alert-email']) {
      const plan = planDeliveries({
        policy: sofa,
        intent: {
          channel,
          to: ['tier:tier-1', 'assignee:'],
          level: 'p0',
          subject: 'ticket:T1',
          route: 'critical-alerts',
        },
        directory: dir({ title: 'Checkout down' }),
        values: { title: 'Checkout down' },
        nowMs: NOW,
      });
      expect(plan.deliveries).toHaveLength(1);
      const [d] = plan.deliveries;
      expect(d).toMatchObject({ recipient: 'tier:tier-1', userId: 'usr_asha', critical: true });
      expect(d!.notBeforeMs).toBeUndefined();
      expect(d!.address).toBe(channel === 'alert-email' ? 'asha@sofacover.test' : '+919876543210');
      expect(plan.problems).toEqual(['assignee:: the record has no assignee yet']);
    }
  });

  it('holds a P2 email until the person’s quiet hours end (07:00 India)', () => {
    const plan = planDeliveries({
      policy: sofa,
      intent: { channel: 'alert-email', to: ['tier:tier-1'], level: 'p2', subject: 'ticket:T2' },
      directory: dir(),
      values: {},
      nowMs: NOW,
    });
    expect(plan.deliveries[0]!.notBeforeMs).toBe(Date.parse('2026-12-02T01:30:00Z'));
    expect(plan.deliveries[0]!.critical).toBe(false);
  });

  it('posts once to a Slack channel and lists who it is for', () => {
    const plan = planDeliveries({
      policy: sofa,
      intent: { channel: 'support-critical', to: ['tier:tier-1'], level: 'p1', subject: 'ticket:T3' },
      directory: dir({ title: 'Refunds failing' }),
      values: { title: 'Refunds failing' },
      nowMs: NOW,
    });
    expect(plan.deliveries).toEqual([
      expect.objectContaining({
        kind: 'slack',
        address: 'support-critical',
        recipient: 'channel:support-critical',
      }),
    ]);
    expect(plan.deliveries[0]!.text).toContain('For: Asha Rao');
  });

  it('puts "Dashboard only" messages on the workspace feed', () => {
    const plan = planDeliveries({
      policy: sofa,
      intent: { channel: 'dashboard', to: [], level: 'p3', subject: 'ticket:T4' },
      directory: dir(),
      values: {},
      nowMs: NOW,
    });
    expect(plan.deliveries).toEqual([expect.objectContaining({ kind: 'in-app', address: '' })]);
  });

  it('welcomes a ShopSmart customer in Hindi or English as their record says', () => {
    for (const [locale, expected] of [
      ['hi', 'नमस्ते Ramesh जी'],
      ['en', 'Welcome to ShopSmart Pro, Ramesh!'],
    ] as const) {
      const fields = { customer_name: 'Ramesh', customer_phone: '+919812345678', locale };
      const plan = planDeliveries({
        policy: shop,
        intent: { channel: 'sms', template: 'welcome-sms', to: ['customer:'], subject: 'account:A1' },
        directory: dir(fields),
        values: fields,
        nowMs: NOW,
      });
      expect(plan.deliveries).toHaveLength(1);
      expect(plan.deliveries[0]).toMatchObject({ kind: 'sms', address: '+919812345678', locale });
      expect(plan.deliveries[0]!.text).toContain(expected);
    }
  });

  it('says why someone meant got nothing', () => {
    const plan = planDeliveries({
      policy: shop,
      intent: { channel: 'email', template: 'welcome-email', to: ['customer:'], subject: 'account:A2' },
      directory: dir({ customer_phone: '+919812345678' }),
      values: {},
      nowMs: NOW,
    });
    expect(plan.deliveries).toEqual([]);
    expect(plan.problems[0]).toContain('has no email address');
  });
});

describe('quiet hours', () => {
  const quiet = { from: '22:00', to: '07:00', timeZone: 'Europe/London' };
  it('lets a message out at once outside them and at their end inside them, across a DST change', () => {
    expect(quietUntil(quiet, Date.parse('2026-03-28T12:00:00Z'))).toBe(Date.parse('2026-03-28T12:00:00Z'));
    // 23:00 GMT on the night clocks go forward: quiet ends at 07:00 BST = 06:00Z.
    expect(quietUntil(quiet, Date.parse('2026-03-28T23:00:00Z'))).toBe(Date.parse('2026-03-29T06:00:00Z'));
    expect(quietUntil(null, 5)).toBe(5);
    // A window inside one day.
    expect(
      quietUntil({ from: '13:00', to: '14:00', timeZone: 'UTC' }, Date.parse('2026-05-01T13:30:00Z')),
    ).toBe(Date.parse('2026-05-01T14:00:00Z'));
  });
});
