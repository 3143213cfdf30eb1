/**
 * The public help centre and the CSAT survey through the HTTP app, on both engines: the demo ShopSmart help
 * centre lists its articles under a strict CSP; titles and bodies are escaped and sanitised; a draft is
 * never public (page, search, JSON); "was this helpful" works as a plain form; another workspace's
 * article is never reachable; a resolved ticket's survey link shows a form whose answer is recorded, while
 * a wrong token changes nothing and a score outside 1-5 is refused.
 */
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { supportContext } from '../../src/modules/support/context.js';
import { HELP_CSP } from '../../src/modules/support/help-pages.js';
import { resolveTicket } from '../../src/modules/support/tickets.js';
import { readTicket, type SupportContext } from '../../src/modules/support/ticket-store.js';
import { createTicket } from '../../src/modules/support/ticket-create.js';
import { ticketMessages } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`help centre and CSAT: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let app: FastifyInstance;
    let owner: Awaited<ReturnType<typeof signInAs>>;
    let shop: string;
    let sofa: string;
    let support: SupportContext;

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      app = t.app;
      owner = await signInAs(app, 'owner@shopsmart.demo', DEMO_PASSWORD, '10.9.0.1');
      shop = owner.me.workspaces[0]!.id;
      const sofaOwner = await signInAs(app, 'owner@sofacover.demo', DEMO_PASSWORD, '10.9.0.2');
      sofa = sofaOwner.me.workspaces[0]!.id;
      await writeArticle(sofaOwner, sofa, {
        title: 'Sofa-only cushion care',
        slug: 'sofa-only',
        body: 'Cushion care zebraword',
        category: 'Care',
        published: true,
      });
      support = supportContext({
        database: opened.database,
        now: () => new Date(),
        config: loadConfig({ LOG_LEVEL: 'silent' }),
      });
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    async function writeArticle(
      as: Awaited<ReturnType<typeof signInAs>>,
      ws: string,
      body: Record<string, unknown>,
    ): Promise<{ id: string; slug: string }> {
      const r = await app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/knowledge/articles`,
        headers: { cookie: as.cookie, 'x-csrf-token': as.csrfToken },
        payload: body,
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json();
    }
    const patchArticle = (id: string, body: Record<string, unknown>) =>
      app.inject({
        method: 'PATCH',
        url: `/api/v1/workspaces/${shop}/knowledge/articles/${id}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        payload: body,
      });

    it("serves the demo workspace's help centre by slug and by id, under a strict CSP", async () => {
      const r = await app.inject({ url: '/help/shopsmart', headers: HTML });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['content-security-policy']).toBe(HELP_CSP);
      expect(HELP_CSP).toContain("default-src 'none'");
      expect(HELP_CSP).not.toMatch(/script-src|unsafe/);
      expect(r.body).toContain('ShopSmart Pro help centre');
      expect(r.body).toContain('<h2>Contact us</h2>');
      expect(r.body).toContain('href="/help/shopsmart/articles/contact-support"');
      expect(r.body).not.toContain('<script');

      const byId = await app.inject({ url: `/help/${shop}`, headers: HTML });
      expect(byId.statusCode).toBe(200);
      expect(byId.body).toContain('How to contact ShopSmart Pro support');

      for (const url of ['/help/no-such-workspace', '/help/ws_nothing', '/help/Bad_Slug!']) {
        const missing = await app.inject({ url, headers: HTML });
        expect(missing.statusCode, url).toBe(404);
        expect(missing.body).toContain('There is no help centre at this address.');
      }
    });

    it('renders an article from Markdown, with the table of its seed', async () => {
      const r = await app.inject({ url: '/help/shopsmart/articles/contact-support', headers: HTML });
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('<h1>How to contact ShopSmart Pro support</h1>');
      expect(r.body).toMatch(/<td>WhatsApp<\/td>\s*<td>9 AM - 9 PM<\/td>/);
      expect(r.body).toContain('Was this article helpful?');
    });

    it('escapes titles and sanitises bodies (no script survives)', async () => {
      const evil = await writeArticle(owner, shop, {
        title: '<script>alert("t")</script> & <b>bold</b>',
        slug: 'xss-probe',
        category: '<img src=x onerror=alert(2)>',
        body: [
          '**Safe** text with a [good link](https://example.com/help).',
          '',
          '<script>alert(3)</script>',
          '',
          '<img src="x" onerror="alert(4)">',
          '',
          '[bad link](javascript:alert(5)) ![pixel](javascript:alert(6))',
          '',
          '<a href="javascript:alert(7)">raw</a>',
        ].join('\n'),
        published: true,
      });
      for (const url of [
        '/help/shopsmart',
        `/help/shopsmart/articles/${evil.slug}`,
        '/help/shopsmart/search?q=bold',
      ]) {
        const r = await app.inject({ url, headers: HTML });
        expect(r.statusCode, url).toBe(200);
        expect(r.body, url).toContain(
          '&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;',
        );
        // Text that looks like markup is shown as text; no element carries script.
        expect(r.body, url).not.toMatch(/<script|<[^>]+\son\w+=|<[^>]+(href|src)="?javascript:/i);
      }
      const page = await app.inject({ url: `/help/shopsmart/articles/${evil.slug}`, headers: HTML });
      expect(page.body).toContain('<strong>Safe</strong>');
      expect(page.body).toContain(
        '<a href="https://example.com/help" rel="noopener nofollow noreferrer" target="_blank">good link</a>',
      );
      expect(page.body).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
      expect(page.body).toContain('&lt;img src=x onerror=alert(2)&gt;');
      expect(page.body).not.toMatch(/<img[^>]*\ssrc=/);
      expect(page.body).toContain('<a rel="noopener nofollow noreferrer" target="_blank">bad link</a>');
      // A search term is echoed escaped too.
      const search = await app.inject({ url: '/help/shopsmart/search?q=%22%3E%3Cscript%3Ex', headers: HTML });
      expect(search.body).not.toContain('"><script>x');
      expect(search.body).toContain('&quot;&gt;&lt;script&gt;x');
    });

    it('never shows a draft: not as a page, in search, in the index or in JSON', async () => {
      const draft = await writeArticle(owner, shop, {
        title: 'Quokka draft about invoices',
        body: 'quokkaword appears only here',
        category: 'Drafts',
      });
      const visible = async () => {
        const page = await app.inject({ url: `/help/shopsmart/articles/${draft.slug}`, headers: HTML });
        const search = await app.inject({ url: '/help/shopsmart/search?q=quokkaword', headers: HTML });
        const index = await app.inject({ url: '/help/shopsmart', headers: HTML });
        const json = await app.inject({ url: '/api/v1/help/shopsmart/articles?q=quokkaword' });
        return {
          page: page.statusCode,
          search: search.body.includes('Quokka draft'),
          index: index.body.includes('Quokka draft'),
          json: json.json<{ items: unknown[] }>().items.length,
        };
      };
      expect(await visible()).toEqual({ page: 404, search: false, index: false, json: 0 });
      expect((await patchArticle(draft.id, { published: true })).statusCode).toBe(200);
      expect(await visible()).toEqual({ page: 200, search: true, index: true, json: 1 });
      expect((await patchArticle(draft.id, { published: false })).statusCode).toBe(200);
      expect(await visible()).toEqual({ page: 404, search: false, index: false, json: 0 });
    });

    it('searches the help centre as a page and as JSON', async () => {
      const page = await app.inject({ url: '/help/shopsmart/search?q=whatsapp', headers: HTML });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('href="/help/shopsmart/articles/contact-support"');
      const json = await app.inject({ url: `/api/v1/help/${shop}/articles?q=whatsapp` });
      expect(json.statusCode).toBe(200);
      const body = json.json<{ workspace: { name: string }; items: { slug: string; url: string }[] }>();
      expect(body.workspace.name).toBe('ShopSmart Pro');
      expect(body.items[0]).toMatchObject({
        slug: 'contact-support',
        url: 'http://localhost:3000/help/shopsmart/articles/contact-support',
      });
      const all = await app.inject({ url: '/api/v1/help/shopsmart/articles?category=Support%20policy' });
      expect(
        all
          .json<{ items: { slug: string }[] }>()
          .items.map((i) => i.slug)
          .sort(),
      ).toEqual(['after-you-contact-us', 'response-times']);
      const unknown = await app.inject({ url: '/api/v1/help/nobody-here/articles' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/problem\+json/);
    });

    it('takes "was this helpful?" as a plain form post', async () => {
      const r = await app.inject({
        method: 'POST',
        url: '/help/shopsmart/articles/response-times/feedback',
        headers: { ...HTML, ...FORM },
        payload: 'helpful=yes',
      });
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain('Thank you for your feedback.');
      const list = await app.inject({
        url: `/api/v1/workspaces/${shop}/knowledge/articles?category=Support%20policy`,
        headers: { cookie: owner.cookie },
      });
      const id = list
        .json<{ items: { id: string; slug: string }[] }>()
        .items.find((i) => i.slug === 'response-times')!.id;
      const article = await app.inject({
        url: `/api/v1/workspaces/${shop}/knowledge/articles/${id}`,
        headers: { cookie: owner.cookie },
      });
      expect(article.json()).toMatchObject({ helpful: 1, notHelpful: 0 });
      const bad = await app.inject({
        method: 'POST',
        url: '/help/shopsmart/articles/response-times/feedback',
        headers: FORM,
        payload: 'helpful=maybe',
      });
      expect(bad.statusCode).toBe(400);
    });

    it("never reaches another workspace's article through this help centre", async () => {
      const page = await app.inject({ url: '/help/shopsmart/articles/sofa-only', headers: HTML });
      expect(page.statusCode).toBe(404);
      expect(page.body).not.toContain('Cushion');
      const json = await app.inject({ url: '/api/v1/help/shopsmart/articles?q=zebraword' });
      expect(json.json<{ items: unknown[] }>().items).toEqual([]);
      const feedback = await app.inject({
        method: 'POST',
        url: '/help/shopsmart/articles/sofa-only/feedback',
        headers: { ...HTML, ...FORM },
        payload: 'helpful=no',
      });
      expect(feedback.statusCode).toBe(404);
      const admin = await app.inject({
        url: `/api/v1/workspaces/${shop}/knowledge/articles?q=zebraword`,
        headers: { cookie: owner.cookie },
      });
      expect(admin.json<{ items: unknown[] }>().items).toEqual([]);
      // It is there, in its own help centre.
      const own = await app.inject({ url: '/help/sofacover/articles/sofa-only', headers: HTML });
      expect(own.statusCode).toBe(200);
    });

    it('records a CSAT answer from the survey link of a resolved ticket', async () => {
      const { ticket } = await createTicket(support, shop, {
        title: 'Bill not printing',
        text: 'The printer does not print bills',
        channel: 'email',
        requester: { name: 'Ravi', email: `ravi-${engine.name}@shop.test` },
        actor: 'smtp',
        author: { type: 'customer' },
      });
      await resolveTicket(support, shop, ticket.number, {}, 'user:test');
      const [event] = await opened.database.inWorkspace(shop, (tx) =>
        tx
          .select({ text: ticketMessages.bodyText })
          .from(ticketMessages)
          .where(and(eq(ticketMessages.ticketId, ticket.id), eq(ticketMessages.kind, 'event'))),
      );
      const link = /http:\/\/localhost:3000(\/help\/[^/\s]+\/csat\/\d+\?t=[A-Za-z0-9_-]+)/.exec(
        event?.text ?? '',
      );
      expect(link, event?.text).not.toBeNull();
      const path = link![1]!;
      const token = new URL(path, 'http://x').searchParams.get('t')!;
      const api = `/api/v1/help/${shop}/csat/${ticket.number}`;
      const csatOf = async () => {
        const row = await opened.database.inWorkspace(shop, (tx) => readTicket(tx, shop, ticket.number));
        return { score: row!.csatScore, comment: row!.csatComment };
      };

      const form = await app.inject({ url: `${path}&score=4`, headers: HTML });
      expect(form.statusCode).toBe(200);
      expect(form.headers['content-security-policy']).toBe(HELP_CSP);
      expect(form.headers['cache-control']).toBe('no-store');
      expect(form.body).toContain(`action="${api}"`);
      expect(form.body).toContain('ticket #' + ticket.number + ': Bill not printing');
      expect(form.body).toMatch(/value="4" required checked/);
      expect(form.body.match(/type="radio" name="score"/g)).toHaveLength(5);

      // A wrong token: 404 (page or problem), nothing changes.
      const wrongPage = await app.inject({ url: path.replace(/t=.*/, 't=wrong'), headers: HTML });
      expect(wrongPage.statusCode).toBe(404);
      const wrong = await app.inject({ method: 'POST', url: api, payload: { t: 'wrong-token', score: 5 } });
      expect(wrong.statusCode).toBe(404);
      expect(wrong.json()).toMatchObject({ code: 'OPS_NOT_FOUND' });
      const wrongHtml = await app.inject({
        method: 'POST',
        url: api,
        headers: { ...HTML, ...FORM },
        payload: 'score=5',
      });
      expect(wrongHtml.statusCode).toBe(404);
      expect(wrongHtml.body).toContain('Nothing was changed.');
      expect(await csatOf()).toEqual({ score: null, comment: null });

      // A score outside 1-5: 400, nothing changes.
      for (const score of [0, 6, 4.5, 'five']) {
        const bad = await app.inject({ method: 'POST', url: api, payload: { t: token, score } });
        expect(bad.statusCode, String(score)).toBe(400);
        expect(bad.json()).toMatchObject({ code: 'OPS_VALIDATION', errors: [{ pointer: '/body/score' }] });
      }
      const badHtml = await app.inject({
        method: 'POST',
        url: api,
        headers: { ...HTML, ...FORM },
        payload: `t=${token}&score=9`,
      });
      expect(badHtml.statusCode).toBe(400);
      expect(badHtml.headers['content-type']).toMatch(/^text\/html/);
      expect(await csatOf()).toEqual({ score: null, comment: null });

      // The survey page's form, as a browser posts it: a thank-you page.
      const sent = await app.inject({
        method: 'POST',
        url: api,
        headers: { ...HTML, ...FORM },
        payload: new URLSearchParams({ t: token, score: '4', comment: 'Quick <b>help</b>' }).toString(),
      });
      expect(sent.statusCode).toBe(200);
      expect(sent.body).toContain('Your rating (4 of 5) reached ShopSmart Pro');
      expect(await csatOf()).toEqual({ score: 4, comment: 'Quick <b>help</b>' });

      // JSON clients get JSON; the page shows the answer given (escaped).
      const json = await app.inject({ method: 'POST', url: api, payload: { t: token, score: 5 } });
      expect(json.statusCode).toBe(200);
      expect(json.json()).toEqual({ number: ticket.number, score: 5, comment: null });
      const again = await app.inject({ url: path, headers: HTML });
      expect(again.body).toContain('You answered this survey already');
      expect(again.body).toMatch(/value="5" required checked/);
    });

    it('rate-limits survey answers per address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) {
        const r = await app.inject({
          method: 'POST',
          url: `/api/v1/help/${shop}/csat/999999`,
          payload: { t: 'nope', score: 3 },
          remoteAddress: '10.77.0.1',
        });
        statuses.push(r.statusCode);
      }
      expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    });
  });
}
