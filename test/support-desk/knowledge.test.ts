/**
 * The knowledge base on both engines: articles are written, changed, published and deleted; slugs are
 * made from titles and never shared; search ranks title matches first; drafts never leave through the
 * public functions; suggestions for a customer's text need one shared word and put the ticket category's
 * articles first; another workspace's articles are out of reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activatePack } from '../../src/modules/packs/versions.js';
import { excerptOf, slugify, suggestionWords } from '../../src/modules/support/article-text.js';
import {
  createArticle,
  deleteArticle,
  getArticle,
  listArticles,
  listPublishedArticles,
  publishedArticle,
  recordFeedback,
  suggestArticles,
  updateArticle,
} from '../../src/modules/support/knowledge.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const NOW = new Date('2026-03-02T04:00:00Z');

describe('slugs, excerpts and suggestion words', () => {
  it('makes URL slugs from titles', () => {
    expect(slugify('How do I reset my password?')).toBe('how-do-i-reset-my-password');
    expect(slugify('  Crème brûlée -- recipe!  ')).toBe('creme-brulee-recipe');
    expect(slugify('पासवर्ड भूल गए')).toBe('article');
    expect(slugify('a'.repeat(120))).toHaveLength(80);
  });

  it('gives a plain-text excerpt of Markdown', () => {
    expect(excerptOf('# Title\n\nSee **the** [guide](https://x.test) and `code`.')).toBe(
      'Title See the guide and code.',
    );
    expect(excerptOf('word '.repeat(100), 30).endsWith('…')).toBe(true);
  });

  it('keeps topical words only, once each', () => {
    expect(suggestionWords('How do I export my invoices? Export is broken!')).toEqual([
      'export',
      'invoices',
      'broken',
    ]);
    expect(suggestionWords('बिल print नहीं हो रहा')).toEqual(['बिल', 'print', 'नहीं', 'रहा']);
  });
});

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`knowledge base: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ws: string;
    let other: string;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database, 'ShopSmart');
      other = await createWorkspace(database, 'Other');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, ws, loaded, 'test', NOW);
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('writes, changes, publishes and deletes an article', async () => {
      const draft = await createArticle(
        database,
        ws,
        { title: 'Printing bills', body: 'Use **Print** on the bill.', category: 'Billing' },
        NOW,
      );
      expect(draft).toMatchObject({ slug: 'printing-bills', published: false, ticketCategories: [] });
      expect(await publishedArticle(database, ws, 'printing-bills')).toBeNull();

      const later = new Date(NOW.getTime() + 60_000);
      const published = await updateArticle(
        database,
        ws,
        draft.id,
        { published: true, ticketCategories: ['how-to', 'how-to'] },
        later,
      );
      expect(published).toMatchObject({ published: true, ticketCategories: ['how-to'] });
      expect(published.updatedAt.toISOString()).toBe(later.toISOString());
      expect((await publishedArticle(database, ws, 'printing-bills'))?.id).toBe(draft.id);

      await deleteArticle(database, ws, draft.id);
      await expect(getArticle(database, ws, draft.id)).rejects.toMatchObject({ code: 'OPS_NOT_FOUND' });
      await expect(deleteArticle(database, ws, draft.id)).rejects.toMatchObject({ code: 'OPS_NOT_FOUND' });
    });

    it('numbers a title slug that is taken and refuses a chosen one that is', async () => {
      const input = { title: 'Same title', body: 'x', category: 'General' };
      const first = await createArticle(database, ws, input, NOW);
      const second = await createArticle(database, ws, input, NOW);
      expect([first.slug, second.slug]).toEqual(['same-title', 'same-title-2']);
      await expect(createArticle(database, ws, { ...input, slug: 'same-title' }, NOW)).rejects.toMatchObject({
        code: 'OPS_CONFLICT',
      });
      await expect(updateArticle(database, ws, second.id, { slug: 'same-title' }, NOW)).rejects.toMatchObject(
        { code: 'OPS_CONFLICT' },
      );
      // Another workspace may use the same slug.
      expect((await createArticle(database, other, input, NOW)).slug).toBe('same-title');
    });

    it('refuses ticket categories the pack does not name', async () => {
      await expect(
        createArticle(
          database,
          ws,
          { title: 'T', body: 'b', category: 'c', ticketCategories: ['billing-typo'] },
          NOW,
        ),
      ).rejects.toMatchObject({
        code: 'OPS_VALIDATION',
        errors: [{ pointer: '/body/ticketCategories/0' }],
      });
    });

    it('ranks a title match above a body match, and never returns drafts publicly', async () => {
      const article = (title: string, body: string, published = true) =>
        createArticle(database, ws, { title, body, category: 'Search', published }, NOW);
      const inBody = await article('Monthly statements', 'How to export a GST invoice to Excel.');
      const inTitle = await article('Export a GST invoice', 'Open the invoice and choose Excel.');
      await article('GST invoice export (draft)', 'Export GST invoice, unfinished.', false);

      const hits = await listPublishedArticles(database, ws, { q: 'gst invoice export' });
      expect(hits.map((h) => h.id)).toEqual([inTitle.id, inBody.id]);
      expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank);
      expect(hits[1]!.excerpt).toBe('How to export a GST invoice to Excel.');

      const agents = await listArticles(database, ws, { q: 'gst invoice export' });
      expect(agents).toHaveLength(3);
      expect(await listPublishedArticles(database, ws, { q: 'unfinished' })).toEqual([]);
      expect((await listPublishedArticles(database, ws, { category: 'Search' })).length).toBe(2);
    });

    it('counts views and "was this helpful" answers on published articles only', async () => {
      const a = await createArticle(
        database,
        ws,
        { title: 'Counted', body: 'b', category: 'c', published: true },
        NOW,
      );
      await publishedArticle(database, ws, a.slug, { countView: true });
      await publishedArticle(database, ws, a.slug, { countView: true });
      expect(await recordFeedback(database, ws, a.slug, true)).toBe(true);
      expect(await recordFeedback(database, ws, a.slug, false)).toBe(true);
      expect(await getArticle(database, ws, a.id)).toMatchObject({ views: 2, helpful: 1, notHelpful: 1 });
      await updateArticle(database, ws, a.id, { published: false }, NOW);
      expect(await recordFeedback(database, ws, a.slug, true)).toBe(false);
      expect(await publishedArticle(database, ws, a.slug, { countView: true })).toBeNull();
      expect(await getArticle(database, ws, a.id)).toMatchObject({ views: 2, helpful: 1 });
    });

    it("suggests published articles sharing a word with the customer's text, the category's first", async () => {
      const make = (title: string, body: string, extra: object = {}) =>
        createArticle(database, ws, { title, body, category: 'Suggest', published: true, ...extra }, NOW);
      const refunds = await make('Refund timelines', 'Refunds reach your bank in 5-7 days.');
      const printer = await make('Bluetooth printer setup', 'Pair the printer under Settings.', {
        ticketCategories: ['technical'],
      });
      await make('Printer paper (draft)', 'printer printer printer', { published: false });

      const forPrinter = await suggestArticles(database, ws, 'My printer will not print the bill', 3);
      expect(forPrinter.map((s) => s.id)).toEqual([printer.id]);
      expect(forPrinter[0]!.path).toMatch(/^\/help\/t-[0-9a-f]+\/articles\/bluetooth-printer-setup$/);

      const both = await database.inWorkspace(ws, (tx) =>
        suggestArticles(tx, ws, 'refund for the printer', 5, { category: 'technical' }),
      );
      expect(both.map((s) => s.id)).toEqual([printer.id, refunds.id]);
      expect(await suggestArticles(database, ws, 'the and how', 3)).toEqual([]);
      expect(await suggestArticles(database, ws, 'refund', 0)).toEqual([]);
    });

    it("never reaches another workspace's article", async () => {
      const theirs = await createArticle(
        database,
        other,
        { title: 'Secret pricing', body: 'Their refund printer text', category: 'c', published: true },
        NOW,
      );
      await expect(getArticle(database, ws, theirs.id)).rejects.toMatchObject({ code: 'OPS_NOT_FOUND' });
      await expect(updateArticle(database, ws, theirs.id, { title: 'x' }, NOW)).rejects.toMatchObject({
        code: 'OPS_NOT_FOUND',
      });
      await expect(deleteArticle(database, ws, theirs.id)).rejects.toMatchObject({ code: 'OPS_NOT_FOUND' });
      expect(await publishedArticle(database, ws, theirs.slug)).toBeNull();
      const suggested = await suggestArticles(database, ws, 'secret pricing', 5);
      expect(suggested.map((s) => s.id)).not.toContain(theirs.id);
      expect((await getArticle(database, other, theirs.id)).title).toBe('Secret pricing');
    });
  });
}
