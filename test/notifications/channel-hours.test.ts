/**
 * Channel hours over the ShopSmart pack (000#43: "WhatsApp | 9 AM - 9 PM"): a SEV1 user notice routed to
 * WhatsApp at 22:30 IST waits for 09:00 IST, and goes out at once on the channel's `fallback` when the pack
 * names one. The route is the seed's own SEV1 user route, pointed at WhatsApp for this test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import { prepare } from '../../src/core/decide/prepare.js';
import { compilePack } from '../../src/packs/compile.js';
import { loadPack } from '../../src/packs/load.js';
import type { Pack } from '../../src/packs/schema/pack.js';

const AT = Date.parse('2026-12-01T17:00:00Z'); // 22:30 IST: WhatsApp is closed
const NINE_IST = Date.parse('2026-12-02T03:30:00Z');

function policyWith(pack: Pack, fallback: string | undefined) {
  const copy = structuredClone(pack);
  for (const route of copy.routes ?? []) if (route.id === 'sev1-users') route.channels = ['whatsapp'];
  for (const channel of copy.channels ?? [])
    if (channel.id === 'whatsapp') {
      if (fallback) channel.fallback = fallback;
      else delete channel.fallback;
    }
  return prepare(compilePack(copy, 'test'));
}

function sev1Notices(pack: Pack, fallback: string | undefined) {
  const decision = decide(policyWith(pack, fallback), null, {
    type: 'incident.declared',
    atMs: AT,
    subject: 'incident:I1',
    data: { severity: 'sev1', title: 'Payments down' },
  });
  return decision.effects.filter((e) => e.type === 'notify' && e.route === 'sev1-users');
}

describe('channel hours (ShopSmart WhatsApp 09:00-21:00 IST)', () => {
  let pack: Pack;
  beforeAll(async () => {
    const loaded = await loadPack('packs/shopsmart-pro');
    if (!loaded.ok) throw new Error('shopsmart-pro does not load');
    pack = loaded.pack;
  });

  it('waits for the channel to open when it is closed', () => {
    const [notice] = sev1Notices(pack, undefined);
    expect(notice).toMatchObject({ channel: 'whatsapp', notBeforeMs: NINE_IST });
  });

  it('goes at once on the fallback channel the pack names', () => {
    const [notice] = sev1Notices(pack, 'sms');
    expect(notice).toMatchObject({ channel: 'sms' });
    expect((notice as { notBeforeMs?: number }).notBeforeMs).toBeUndefined();
  });
});
