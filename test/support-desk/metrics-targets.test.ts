/**
 * The targets the help-desk metrics are held to, read from the packs: SofaCover's per-priority shares
 * (its `kpis`, "P0: 100% within 15 minutes" … "P3: 75% within 1 week"), ShopSmart's desk targets (FCR
 * > 80 %, CSAT > 4.5) and no SLA share (its SOP states none), and a KPI-only pack's FCR and CSAT.
 */
import { describe, expect, it } from 'vitest';
import { deskTargets } from '../../src/modules/support/metrics-targets.js';
import { loadPack } from '../../src/packs/load.js';

async function pack(dir: string) {
  const loaded = await loadPack(`packs/${dir}`);
  if (!loaded.ok) throw new Error(`${dir} does not load`);
  return loaded.pack;
}

describe('help-desk metric targets', () => {
  it("reads SofaCover's compliance share per priority from its kpis", async () => {
    const targets = deskTargets(await pack('sofacover-pro'));
    expect(Object.fromEntries(targets.sla)).toEqual({
      p0: { firstResponse: 100, resolution: 90 },
      p1: { firstResponse: 95, resolution: 85 },
      p2: { firstResponse: 90, resolution: 80 },
      p3: { firstResponse: 85, resolution: 75 },
    });
    expect(targets.csat).toBe(4.5);
    expect(targets.firstContactResolution).toBe(70);
  });

  it('states no share where the SOP gives none (ShopSmart), and keeps its desk targets', async () => {
    const targets = deskTargets(await pack('shopsmart-pro'));
    expect([...targets.sla.values()].every((t) => t.firstResponse === null && t.resolution === null)).toBe(
      true,
    );
    expect([...targets.sla.keys()]).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(targets).toMatchObject({ csat: 4.5, firstContactResolution: 80 });
  });

  it('falls back to the kpis for first-contact resolution and CSAT when the desk states none', () => {
    const targets = deskTargets({
      scales: [{ id: 's', label: 'S', for: 'ticket', levels: [{ id: 'high', label: 'High' }] }],
      kpis: [
        { id: 'fcr', label: 'First contact resolution', target: { op: '>', value: 65, unit: '%' } },
        { id: 'rating', label: 'Rating', target: { op: '>', value: 4.2, unit: '/5' } },
        {
          id: 'high-response',
          label: 'High: response',
          target: { op: '<=', value: 30, unit: 'min', share: 99 },
          scope: 'High',
        },
      ],
    });
    expect(targets).toMatchObject({ csat: 4.2, firstContactResolution: 65 });
    expect(targets.sla.get('high')).toEqual({ firstResponse: 99, resolution: null });
  });
});
