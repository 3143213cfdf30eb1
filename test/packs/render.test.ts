/** Every seed pack renders to a readable SOP that carries its document control, levels, steps and templates. */
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/core/duration.js';
import { describeTarget, renderPack } from '../../src/packs/render.js';
import { loadPackForTest } from './support.js';

const PACKS = ['shopsmart-pro', 'company-ops', 'sofacover-pro', 'pos-saas', 'smart-estate'];

describe('render', () => {
  for (const id of PACKS) {
    it(`renders ${id} with its document control, levels, checklists and templates`, async () => {
      const pack = await loadPackForTest(id);
      const doc = renderPack(pack);
      expect(doc.startsWith(`# ${pack.pack.title}\n`)).toBe(true);
      expect(doc).toContain(
        `| ${pack.pack.id} | ${pack.pack.version} | ${pack.pack.owner} | ${pack.pack.approver} |`,
      );
      for (const level of (pack.scales ?? []).flatMap((s) => s.levels))
        expect(doc).toContain(level.label.replace(/\|/g, '\\|'));
      for (const item of (pack.checklists ?? []).flatMap((c) => c.items))
        expect(doc).toContain(item.text.split('\n')[0]!);
      for (const template of pack.templates ?? []) {
        for (const variant of Object.values(template.locales))
          expect(doc).toContain(variant.body.trim().split('\n')[0]!);
      }
      expect(doc).not.toMatch(/\n{3,}/);
    });
  }

  it('writes targets in words', () => {
    expect(describeTarget({ within: 900_000 })).toBe('within 15m');
    expect(describeTarget({ within: 0 })).toBe('immediately');
    expect(describeTarget({ within: 3_600_000, calendar: 'whatsapp' })).toBe('within 1h (whatsapp hours)');
    expect(describeTarget({ none: true })).toBe('none');
    expect(describeTarget({ by: 'end-of-business-day' })).toBe('end of business day');
    expect(formatDuration(604_800_000)).toBe('1w');
  });

  it('shows ShopSmart P1 targets as the seed states them', async () => {
    const doc = renderPack(await loadPackForTest('shopsmart-pro'));
    expect(doc).toMatch(/\| P1 - Critical \| App down, data loss \|.*\| within 15m \| within 4h \|/);
  });
});
