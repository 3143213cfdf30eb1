/** The five seed packs lint clean (issue 3, "Done when"), at a fixed instant so the review rules are stable. */
import { describe, expect, it } from 'vitest';
import { lintPack } from '../../src/packs/lint.js';
import { renderPack } from '../../src/packs/render.js';
import { markdownToSafeHtml } from '../../src/packs/html.js';
import { PackSchema } from '../../src/packs/schema/pack.js';
import { loadPackForTest } from './support.js';

const NOW = new Date('2026-11-23T12:00:00Z');

describe('seed packs', () => {
  for (const id of ['shopsmart-pro', 'company-ops', 'sofacover-pro', 'pos-saas', 'smart-estate']) {
    it(`${id} lints clean`, async () => {
      expect(lintPack(await loadPackForTest(id), NOW)).toEqual([]);
    });
  }
});

describe('hostile pack text', () => {
  it('is shown as text in the rendered HTML, never run', () => {
    const pack = PackSchema.parse({
      pack: {
        id: 'evil',
        title: 'Evil <script>alert(1)</script>',
        version: '1.0.0',
        owner: '<img src=x onerror=alert(1)>',
        approver: 'A',
        effective: '2026-01',
        review: { every: 'year' },
        timeZone: 'UTC',
        locales: ['en'],
        changelog: [{ version: '1', date: '2026-01', author: 'a', changes: '[x](javascript:alert(1))' }],
      },
    });
    const html = markdownToSafeHtml(renderPack(pack));
    expect(html).not.toMatch(/<script|<img|javascript:/i);
    expect(html).toContain('&lt;script&gt;');
  });
});
