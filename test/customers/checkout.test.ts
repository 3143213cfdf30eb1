/**
 * Smart Estate's payment by hosted checkout with the sandbox provider, through inject() on both engines
 * (004#27): a checkout is opened for an approved estate; its page asks for nothing and answers nothing
 * when opened; a declined card leaves the estate pending and the checkout open; paying delivers the
 * provider's signed confirmation through the generic payment webhook, which activates the estate; paying
 * again is refused and charges nothing. A wrong token, an unknown account or a Stripe webhook is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
interface Checkout {
  id: string;
  status: string;
  amount: number;
  currency: string;
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`hosted checkout, sandbox provider: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Session;
    let ws: string;
    let webhookId: string;
    const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        ...(payload ? { payload } : {}),
      });
    const lifecycles = async (id: string) =>
      (await call('GET', `/accounts/${id}`)).json<{ lifecycles: Record<string, string> }>().lifecycles;

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@smart-estate.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'smart-estate')!.id;
      const signup = await call('POST', '/signups', {
        account: 'PG-20001',
        name: 'Lake View Residency',
        location: 'Kondapur, Hyderabad',
        units: 120,
        type: 'apartment complex',
        admin: { name: 'Arjun Rao', phone: '+919845020001', email: 'arjun@lakeview.example' },
      });
      expect(signup.statusCode, signup.body).toBe(201);
      const approved = await call('POST', '/accounts/PG-20001/signup/decision', {
        decision: 'approve',
        reason: 'Verified',
        plan: 'estate-standard',
      });
      expect(approved.statusCode, approved.body).toBe(200);
      const hook = await call('POST', '/payment-webhooks', { kind: 'generic', name: 'Sandbox checkout' });
      webhookId = hook.json<{ webhook: { id: string } }>().webhook.id;
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    let url: URL;
    let checkout: Checkout;

    it('opens a checkout only for a known account through a generic webhook', async () => {
      const body = { webhookId, amount: 25000, currency: 'inr', description: 'Estate Standard, first year' };
      expect((await call('POST', '/accounts/PG-NOPE/checkout', body)).statusCode).toBe(404);
      const stripe = await call('POST', '/payment-webhooks', {
        kind: 'stripe',
        name: 'Stripe',
        secret: 'whsec_checkout_test_0001',
      });
      const stripeId = stripe.json<{ webhook: { id: string } }>().webhook.id;
      const wrongKind = await call('POST', '/accounts/PG-20001/checkout', { ...body, webhookId: stripeId });
      expect(wrongKind.statusCode).toBe(400);
      expect(wrongKind.body).toContain('generic payment webhook');
      const made = await call('POST', '/accounts/PG-20001/checkout', body);
      expect(made.statusCode, made.body).toBe(201);
      const answer = made.json<{ checkout: Checkout; url: string }>();
      checkout = answer.checkout;
      expect(checkout).toMatchObject({ status: 'open', amount: 25000, currency: 'INR' });
      url = new URL(answer.url);
      expect(url.pathname).toBe(`/checkout/sandbox/${ws}/${checkout.id}`);
      const page = await t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Sandbox provider');
      expect(page.body).toContain('₹25,000.00');
      const wrong = await t.app.inject({ method: 'GET', url: `${url.pathname}?t=nope` });
      expect(wrong.statusCode).toBe(404);
      expect(await lifecycles('PG-20001')).toMatchObject({ estate: 'pending', 'payment-record': 'pending' });
    });

    const complete = (outcome: 'pay' | 'decline', token = url.searchParams.get('t')!) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/checkout/sandbox/${ws}/${checkout.id}`,
        payload: { t: token, outcome },
      });

    it('leaves the estate pending and the checkout open when the card is declined', async () => {
      expect((await complete('pay', 'x'.repeat(32))).statusCode).toBe(404);
      const declined = await complete('decline');
      expect(declined.statusCode, declined.body).toBe(200);
      expect(declined.json()).toMatchObject({
        checkout: { status: 'open' },
        delivery: { outcome: 'applied' },
      });
      expect(await lifecycles('PG-20001')).toMatchObject({ estate: 'pending' });
    });

    it("activates the estate on the provider's signed confirmation, once", async () => {
      const form = await t.app.inject({
        method: 'POST',
        url: `/api/v1/checkout/sandbox/${ws}/${checkout.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        payload: `t=${url.searchParams.get('t')}&outcome=pay`,
      });
      expect(form.statusCode, form.body).toBe(200);
      expect(form.body).toContain('Payment received');
      expect(await lifecycles('PG-20001')).toMatchObject({
        'payment-record': 'confirmed',
        estate: 'active',
        subscription: 'active',
      });
      const again = await complete('pay');
      expect(again.statusCode).toBe(409);
      const list = (await call('GET', '/accounts/PG-20001/checkouts')).json<{ items: Checkout[] }>();
      expect(list.items).toEqual([expect.objectContaining({ id: checkout.id, status: 'paid' })]);
      const timeline = (await call('GET', '/accounts/PG-20001/timeline')).json<{
        items: { type: string; actor: string }[];
      }>();
      const confirmed = timeline.items.filter((e) => e.type === 'payment.confirmed');
      expect(confirmed).toHaveLength(1);
      expect(confirmed[0]!.actor).toBe(`payment-webhook:${webhookId}`);
    });
  });
}

describe('hosted checkout on a server without the sandbox', () => {
  it('refuses to open a sandbox checkout: free payments are for test and demo servers', async () => {
    const t = await buildTestApp({ OPSBOOK_PAYMENTS_SANDBOX: 'false' });
    try {
      const owner = await signInAs(t.app, 'owner@smart-estate.demo', DEMO_PASSWORD);
      const ws = owner.me.workspaces.find((w) => w.slug === 'smart-estate')!.id;
      const call = (path: string, payload: object) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/workspaces/${ws}${path}`,
          headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
          payload,
        });
      expect((await call('/accounts', { id: 'PG-30001', name: 'No sandbox' })).statusCode).toBe(201);
      const hook = await call('/payment-webhooks', { kind: 'generic', name: 'Billing' });
      const webhookId = hook.json<{ webhook: { id: string } }>().webhook.id;
      const refused = await call('/accounts/PG-30001/checkout', { webhookId, amount: 1, currency: 'INR' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json<{ detail: string }>().detail).toContain('OPSBOOK_PAYMENTS_SANDBOX');
    } finally {
      await t.close();
    }
  });
});
