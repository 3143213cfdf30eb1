/**
 * Help-desk administration through the HTTP app, on both engines: support agents (tiers of the active
 * pack, shift) and support addresses are managed by admins only, audited, checked against the pack and
 * kept to their workspace; knowledge-base articles are written by agents, read by every member, and
 * another workspace's article answers 404 whatever is tried.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { hashPassword } from '../../src/modules/admin/passwords.js';
import { newId } from '../../src/shared/ids.js';
import { memberships, users } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

type Session = Awaited<ReturnType<typeof signInAs>>;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`help-desk admin: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let app: FastifyInstance;
    let owner: Session;
    let agent: Session;
    let viewer: Session;
    let sofaOwner: Session;
    let shop: string;
    let sofa: string;
    let agentId: string;

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      app = t.app;
      owner = await signInAs(app, 'owner@shopsmart.demo', DEMO_PASSWORD, '10.8.0.1');
      sofaOwner = await signInAs(app, 'owner@sofacover.demo', DEMO_PASSWORD, '10.8.0.2');
      shop = owner.me.workspaces[0]!.id;
      sofa = sofaOwner.me.workspaces[0]!.id;
      const hash = await hashPassword(DEMO_PASSWORD);
      const member = async (role: string, ip: string) => {
        const id = newId('usr', Date.now());
        const email = `${role}-${id}@admin.test`;
        await opened.database.db.insert(users).values({ id, email, name: `The ${role}`, passwordHash: hash });
        await opened.database.inWorkspace(shop, (tx) =>
          tx.insert(memberships).values({ workspaceId: shop, userId: id, role }),
        );
        return { id, session: await signInAs(app, email, DEMO_PASSWORD, ip) };
      };
      const a = await member('agent-l1', '10.8.0.3');
      agentId = a.id;
      agent = a.session;
      viewer = (await member('viewer', '10.8.0.4')).session;
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    const as = (s: Session, options: InjectOptions) =>
      app.inject({
        ...options,
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken, ...(options.headers ?? {}) },
      });
    const ws = (id: string, path: string) => `/api/v1/workspaces/${id}${path}`;

    it("sets a member's tiers and shift, audited; only admins may", async () => {
      const url = ws(shop, `/support/agents/${agentId}`);
      const before = await as(owner, { url });
      expect(before.statusCode).toBe(200);
      expect(before.json()).toMatchObject({ userId: agentId, tiers: [], onShift: false, openTickets: 0 });

      const put = await as(owner, {
        method: 'PUT',
        url,
        payload: { tiers: ['l1-support', 'l2-support'], onShift: true },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({ tiers: ['l1-support', 'l2-support'], onShift: true });
      expect((await as(owner, { url })).json()).toMatchObject({ onShift: true });

      const audit = await as(owner, { url: ws(shop, '/audit?limit=5') });
      expect(audit.json<{ items: { action: string; target: string }[] }>().items[0]).toMatchObject({
        action: 'support.agent.updated',
        target: `user:${agentId}`,
      });

      for (const s of [agent, viewer]) {
        const refused = await as(s, { method: 'PUT', url, payload: { tiers: [], onShift: false } });
        expect(refused.statusCode).toBe(403);
        expect((await as(s, { url })).statusCode).toBe(403);
      }
      expect((await as(owner, { url })).json()).toMatchObject({ tiers: ['l1-support', 'l2-support'] });
    });

    it('refuses a tier the pack does not name, and people who are not members', async () => {
      const bad = await as(owner, {
        method: 'PUT',
        url: ws(shop, `/support/agents/${agentId}`),
        payload: { tiers: ['l1-support', 'l9-support'], onShift: true },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'OPS_VALIDATION', errors: [{ pointer: '/body/tiers/1' }] });
      // SofaCover's owner: a real person, but not a member of ShopSmart.
      const sofaUserId = (await as(sofaOwner, { url: '/api/v1/me' })).json<{ user: { id: string } }>().user
        .id;
      const notMember = await as(owner, {
        method: 'PUT',
        url: ws(shop, `/support/agents/${sofaUserId}`),
        payload: { tiers: [], onShift: true },
      });
      expect(notMember.statusCode).toBe(404);
      expect((await as(owner, { url: ws(shop, '/support/agents/usr_nobody') })).statusCode).toBe(404);
    });

    it('registers, lists and removes support addresses, one workspace per address', async () => {
      const list = async () =>
        (await as(owner, { url: ws(shop, '/support/addresses') })).json<{
          items: { address: string; channel: string }[];
        }>().items;
      expect(await list()).toEqual([
        expect.objectContaining({ address: 'help@shopsmart.demo', channel: 'email' }),
      ]);
      const url = ws(shop, '/support/addresses');
      const created = await as(owner, {
        method: 'POST',
        url,
        payload: { address: ' Billing@Shop.Example ' },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ address: 'billing@shop.example', channel: 'email' });
      const again = await as(owner, { method: 'POST', url, payload: { address: 'billing@shop.example' } });
      expect(again.statusCode).toBe(200);
      const otherChannel = await as(owner, {
        method: 'POST',
        url,
        payload: { address: 'billing@shop.example', channel: 'whatsapp' },
      });
      expect(otherChannel.statusCode).toBe(409);

      for (const payload of [
        { address: 'not-an-address' },
        { address: 'shopsmart@' },
        { address: 'x@y.z', channel: 'pigeon' },
        { address: 'x@y.z', extra: 1 },
      ]) {
        const bad = await as(owner, { method: 'POST', url, payload });
        expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      }

      // Another workspace cannot take it, learn whose it is, or remove it.
      const theirs = await as(sofaOwner, {
        method: 'POST',
        url: ws(sofa, '/support/addresses'),
        payload: { address: 'billing@shop.example', channel: 'email-support' },
      });
      expect(theirs.statusCode).toBe(409);
      expect(theirs.body).not.toContain('ShopSmart');
      const removeTheirs = await as(sofaOwner, {
        method: 'DELETE',
        url: ws(sofa, '/support/addresses/billing@shop.example'),
      });
      expect(removeTheirs.statusCode).toBe(404);
      expect((await list()).map((a) => a.address)).toContain('billing@shop.example');

      expect((await as(agent, { method: 'POST', url, payload: { address: 'a@b.cd' } })).statusCode).toBe(403);
      expect((await as(agent, { url })).statusCode).toBe(403);

      const removed = await as(owner, { method: 'DELETE', url: `${url}/Billing@shop.example` });
      expect(removed.statusCode).toBe(204);
      expect((await as(owner, { method: 'DELETE', url: `${url}/billing@shop.example` })).statusCode).toBe(
        404,
      );
      expect((await list()).map((a) => a.address)).toEqual(['help@shopsmart.demo']);
    });

    it('lets agents write articles and every member read them', async () => {
      const url = ws(shop, '/knowledge/articles');
      const created = await as(agent, {
        method: 'POST',
        url,
        payload: {
          title: 'Export sales to Excel',
          body: 'Open **Reports** and choose Export.',
          category: 'Reports',
          ticketCategories: ['how-to'],
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const article = created.json<{ id: string; slug: string; url: string; published: boolean }>();
      expect(article).toMatchObject({
        slug: 'export-sales-to-excel',
        published: false,
        url: 'http://localhost:3000/help/shopsmart/articles/export-sales-to-excel',
      });

      const read = await as(viewer, { url: `${url}/${article.id}` });
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ body: 'Open **Reports** and choose Export.', views: 0 });
      const listed = await as(owner, { url: `${url}?published=false&q=excel` });
      expect(listed.json<{ items: { id: string; url: string }[] }>().items).toEqual([
        expect.objectContaining({
          id: article.id,
          url: 'http://localhost:3000/help/shopsmart/articles/export-sales-to-excel',
        }),
      ]);

      expect(
        (await as(viewer, { method: 'POST', url, payload: { title: 'x', body: 'y', category: 'z' } }))
          .statusCode,
      ).toBe(403);
      expect(
        (await as(viewer, { method: 'PATCH', url: `${url}/${article.id}`, payload: { published: true } }))
          .statusCode,
      ).toBe(403);

      const published = await as(agent, {
        method: 'PATCH',
        url: `${url}/${article.id}`,
        payload: { published: true, slug: 'export-to-excel' },
      });
      expect(published.statusCode).toBe(200);
      expect(published.json()).toMatchObject({ published: true, slug: 'export-to-excel' });
      const page = await app.inject({ url: '/help/shopsmart/articles/export-to-excel' });
      expect(page.statusCode).toBe(200);

      const conflict = await as(agent, {
        method: 'PATCH',
        url: `${url}/${article.id}`,
        payload: { slug: 'contact-support' },
      });
      expect(conflict.statusCode).toBe(409);
      for (const payload of [
        { slug: 'Bad Slug' },
        { title: '' },
        { ticketCategories: ['nope'] },
        { views: 9 },
      ]) {
        const bad = await as(agent, { method: 'PATCH', url: `${url}/${article.id}`, payload });
        expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      }

      expect((await as(agent, { method: 'DELETE', url: `${url}/${article.id}` })).statusCode).toBe(204);
      expect((await as(agent, { url: `${url}/${article.id}` })).statusCode).toBe(404);
      expect((await app.inject({ url: '/help/shopsmart/articles/export-to-excel' })).statusCode).toBe(404);
    });

    it("answers 404 for another workspace's article, whatever is tried", async () => {
      const theirs = await as(sofaOwner, {
        method: 'POST',
        url: ws(sofa, '/knowledge/articles'),
        payload: { title: 'Sofa secrets', body: 'hidden', category: 'c', published: true },
      });
      expect(theirs.statusCode).toBe(201);
      const id = theirs.json<{ id: string }>().id;
      const url = ws(shop, `/knowledge/articles/${id}`);
      expect((await as(owner, { url })).statusCode).toBe(404);
      expect((await as(owner, { method: 'PATCH', url, payload: { title: 'mine now' } })).statusCode).toBe(
        404,
      );
      expect((await as(owner, { method: 'DELETE', url })).statusCode).toBe(404);
      // And through their URL, a member of ShopSmart only is not let in.
      expect((await as(owner, { url: ws(sofa, `/knowledge/articles/${id}`) })).statusCode).toBe(404);
      expect((await as(sofaOwner, { url: ws(sofa, `/knowledge/articles/${id}`) })).json()).toMatchObject({
        title: 'Sofa secrets',
      });
    });
  });
}
