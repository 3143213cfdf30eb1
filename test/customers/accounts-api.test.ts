/**
 * The customer API through inject() on both engines, on the POS demo workspace: accounts and contacts with
 * their precise refusals (a bad id, a duplicate, a phone not in E.164 or already taken), facts from an
 * ingest token (idempotent, out-of-order safe, bulk all-or-nothing), the access question, the timeline, and
 * a personal-data erasure that deletes the contact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

type Session = Awaited<ReturnType<typeof signInAs>>;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`customer API: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Session;
    let ws: string;
    let ingest: string;
    const call = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        ...(payload ? { payload } : {}),
      });
    const asIngest = (path: string, payload: object) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { authorization: `Bearer ${ingest}` },
        payload,
      });

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@pos-saas.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'pos-saas')!.id;
      const token = await call('POST', '/tokens', { name: 'billing', scope: 'ingest' });
      ingest = token.json<{ token: string }>().token;
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('creates, finds, changes and refuses accounts precisely', async () => {
      const made = await call('POST', '/accounts', {
        id: 'shop_42',
        name: 'Sharma Kirana',
        kind: 'shop',
        plan: 'pro',
        custom: { city: 'Pune', gst: true },
      });
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json()).toMatchObject({ id: 'shop_42', state: 'new', contacts: 0 });
      const again = await call('POST', '/accounts', { id: 'shop_42', name: 'Other' });
      expect(again.statusCode).toBe(409);
      expect(again.json<{ detail: string }>().detail).toContain('PATCH');
      const badId = await call('POST', '/accounts', { id: 'has space', name: 'X' });
      expect(badId.statusCode).toBe(400);
      expect(JSON.stringify(badId.json<{ errors: unknown }>().errors)).toContain('/body/id');
      const patched = await call('PATCH', '/accounts/shop_42', { custom: { gst: null, tier: 'gold' } });
      expect(patched.json<{ custom: unknown }>().custom).toEqual({ city: 'Pune', tier: 'gold' });
      const found = await call('GET', '/accounts?q=kirana');
      expect(found.json<{ items: { id: string }[] }>().items.map((a) => a.id)).toEqual(['shop_42']);
      expect((await call('GET', '/accounts/nope')).statusCode).toBe(404);
    });

    it('keeps one contact per phone, in E.164, and suspends rather than deletes', async () => {
      const national = await call('POST', '/accounts/shop_42/contacts', {
        name: 'Ravi',
        phone: '98765 43210',
      });
      expect(national.statusCode).toBe(400);
      expect(JSON.stringify(national.json<{ errors: unknown }>().errors)).toContain('E.164');
      const nowhere = await call('POST', '/accounts/shop_42/contacts', {
        name: 'Ravi',
        phone: '+91 98765 43210',
        timeZone: 'Mars/Olympus_Mons',
      });
      expect(nowhere.statusCode).toBe(400);
      expect(nowhere.body).toContain('/body/timeZone');
      const ravi = await call('POST', '/accounts/shop_42/contacts', {
        name: 'Ravi',
        phone: '+91 98765 43210',
        email: 'ravi@kirana.example',
        locale: 'hi-IN',
        timeZone: 'Asia/Kolkata',
        role: 'owner',
        register: true,
      });
      expect(ravi.statusCode, ravi.body).toBe(201);
      expect(ravi.json()).toMatchObject({
        phone: '+919876543210',
        status: 'active',
        timeZone: 'Asia/Kolkata',
      });
      expect(ravi.json<{ registeredAt: string | null }>().registeredAt).not.toBeNull();
      const twin = await call('POST', '/accounts/shop_42/contacts', { name: 'Twin', phone: '+919876543210' });
      expect(twin.statusCode).toBe(409);
      const id = ravi.json<{ id: string }>().id;
      const suspended = await call('PATCH', `/accounts/shop_42/contacts/${id}`, { status: 'suspended' });
      expect(suspended.json<{ status: string }>().status).toBe('suspended');
      const list = await call('GET', '/accounts/shop_42/contacts?status=suspended');
      expect(list.json<{ items: { id: string }[] }>().items.map((c) => c.id)).toEqual([id]);
      await call('PATCH', `/accounts/shop_42/contacts/${id}`, { status: 'active' });
    });

    it('takes facts from an ingest token once per key, and never lets an older value win', async () => {
      const first = await asIngest('/accounts/shop_42/facts', {
        facts: { customers_added: 6, transactions: 12 },
        at: '2026-01-10T10:00:00Z',
        key: 'sync-1',
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ duplicate: false, changed: ['customers_added', 'transactions'] });
      const replay = await asIngest('/accounts/shop_42/facts', {
        facts: { customers_added: 1 },
        key: 'sync-1',
      });
      expect(replay.json()).toMatchObject({ duplicate: true, applied: [] });
      const late = await asIngest('/accounts/shop_42/facts', {
        facts: { customers_added: 2 },
        at: '2026-01-09T10:00:00Z',
      });
      expect(late.json()).toMatchObject({ stale: ['customers_added'] });
      const bulk = await asIngest('/facts', {
        items: [
          { account: 'shop_42', facts: { app_opens: 4 } },
          { account: 'shop_new', facts: { app_opens: 1 } },
        ],
      });
      expect(bulk.statusCode, bulk.body).toBe(200);
      // A bulk call with one bad batch is refused whole: nothing of it is applied.
      const bad = await asIngest('/facts', {
        items: [
          { account: 'shop_42', facts: { app_opens: 99 } },
          { account: 'shop_42', facts: { 'Bad Name': 1 } },
        ],
      });
      expect(bad.statusCode).toBe(400);
      expect(JSON.stringify(bad.json<{ errors: unknown }>().errors)).toContain('/body/items/1/facts');
      const account = (await call('GET', '/accounts/shop_42')).json<{
        facts: unknown;
        factsAt: Record<string, string>;
      }>();
      expect(account.facts).toEqual({ customers_added: 6, transactions: 12, app_opens: 4 });
      expect(account.factsAt.customers_added).toBe('2026-01-10T10:00:00.000Z');
      expect((await call('GET', '/accounts/shop_new')).json()).toMatchObject({ name: 'shop_new' });
      // An observation dated in the future is refused: it would make every later real value stale.
      const ahead = await asIngest('/accounts/shop_42/facts', {
        facts: { app_opens: 9 },
        at: '2999-01-01T00:00:00Z',
      });
      expect(ahead.statusCode).toBe(400);
      expect(JSON.stringify(ahead.json<{ errors: unknown }>().errors)).toContain('/body/at');
      // An ingest token reads no records and changes no accounts.
      const read = await t.app.inject({
        method: 'GET',
        url: `/api/v1/workspaces/${ws}/accounts`,
        headers: { authorization: `Bearer ${ingest}` },
      });
      expect(read.statusCode).toBe(403);
    });

    it("answers the SaaS's access question and shows the account's timeline", async () => {
      const events = await call('POST', '/events', { type: 'trial.started', account: 'shop_42' });
      expect(events.statusCode, events.body).toBe(202);
      const access = await t.app.inject({
        method: 'GET',
        url: `/api/v1/workspaces/${ws}/accounts/shop_42/access`,
        headers: { authorization: `Bearer ${ingest}` },
      });
      expect(access.json()).toEqual({
        account: 'shop_42',
        state: 'trialing',
        access: 'read_write',
        because: null,
      });
      const timeline = (await call('GET', '/accounts/shop_42/timeline')).json<{
        items: { type: string }[];
      }>();
      const types = timeline.items.map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['user.registered', 'fact.set', 'trial.started']));
    });

    it("exports the contact with a person's data", async () => {
      const exported = await call('GET', `/personal-data?phone=${encodeURIComponent('+919876543210')}`);
      expect(exported.statusCode, exported.body).toBe(200);
      expect(exported.json<{ contacts: { name: string }[] }>().contacts.map((c) => c.name)).toEqual(['Ravi']);
    });

    it('deletes the contact on a personal-data erasure', async () => {
      const erased = await call('POST', '/personal-data/erase', { phone: '+919876543210' });
      expect(erased.statusCode, erased.body).toBe(200);
      expect(erased.json<{ contacts: number }>().contacts).toBe(1);
      expect((await call('GET', '/accounts/shop_42/contacts')).json<{ items: unknown[] }>().items).toEqual(
        [],
      );
    });
  });
}
