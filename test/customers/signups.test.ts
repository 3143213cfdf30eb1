/**
 * Smart Estate's signup to ACTIVE through inject() on both engines (SOP 004): a signup waits in the review
 * queue; a payment recorded before approval is refused and changes nothing; approval with a plan; a second
 * approval is refused; finance's manual payment then confirms the payment and makes the estate and its
 * subscription ACTIVE in one transaction, and the hand-off to customer success is decided then (004#77).
 * A rejected signup cannot be approved afterwards.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
interface Account {
  id: string;
  state: string;
  plan: string | null;
  lifecycles: Record<string, string>;
  contacts: number;
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`estate signup to ACTIVE: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Session;
    let ws: string;
    const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        ...(payload ? { payload } : {}),
      });
    const signup = (account: string) =>
      call('POST', '/signups', {
        account,
        name: `Palm Grove ${account}`,
        location: 'Whitefield, Bengaluru',
        units: 240,
        type: 'gated community',
        admin: {
          name: 'Farah Khan',
          phone: `+9198450${account.slice(-5)}`,
          email: `admin-${account}@example.com`,
        },
      });
    const account = async (id: string) => (await call('GET', `/accounts/${id}`)).json<Account>();
    const payment = (id: string) =>
      call('POST', `/accounts/${id}/payments/manual`, {
        amount: 25000,
        currency: 'INR',
        reference: 'NEFT-8812',
        note: 'Matched on the HDFC statement of 12 Jan',
      });

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@smart-estate.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'smart-estate')!.id;
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('takes a signup into the review queue with its admin contact', async () => {
      const r = await signup('PG-10001');
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json<Account>()).toMatchObject({ state: 'pending', contacts: 1 });
      const queue = (await call('GET', '/accounts?lifecycle=estate-signup:pending')).json<{
        items: { id: string }[];
      }>();
      expect(queue.items.map((a) => a.id)).toContain('PG-10001');
      expect((await call('POST', '/signups', { account: 'PG-10001' })).statusCode).toBe(400);
    });

    it('refuses a payment before approval and changes nothing (004#2, 004#25)', async () => {
      const early = await payment('PG-10001');
      expect(early.statusCode).toBe(409);
      expect(early.json<{ detail: string }>().detail).toContain('approve it first');
      expect((await account('PG-10001')).lifecycles).toMatchObject({
        'payment-record': 'pending',
        estate: 'pending',
      });
    });

    it('approves with a plan once, then activates estate and subscription on the manual payment', async () => {
      const approved = await call('POST', '/accounts/PG-10001/signup/decision', {
        decision: 'approve',
        reason: 'Verified name, location, 240 units and the admin contact',
        plan: 'estate-standard',
      });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json<Account>()).toMatchObject({ plan: 'estate-standard' });
      expect(approved.json<Account>().lifecycles['estate-signup']).toBe('approved');
      const again = await call('POST', '/accounts/PG-10001/signup/decision', {
        decision: 'approve',
        reason: 'x',
      });
      expect(again.statusCode).toBe(409);
      const paid = await payment('PG-10001');
      expect(paid.statusCode, paid.body).toBe(200);
      expect(paid.json()).toMatchObject({ confirmed: true, activated: true });
      expect((await account('PG-10001')).lifecycles).toMatchObject({
        'payment-record': 'confirmed',
        estate: 'active',
        subscription: 'active',
      });
      expect((await account('PG-10001')).state).toBe('active');
      const subject = (await call('GET', '/subjects/account:PG-10001')).json<{
        effects: { type: string; data: Record<string, unknown> }[];
      }>();
      const handoff = subject.effects.find((e) => e.type === 'handoff');
      expect(handoff?.data.to).toBe('role:customer-success');
      expect(
        subject.effects.some((e) => e.type === 'notify' && e.data.template === 'estate-access-enabled'),
      ).toBe(true);
      // Confirming twice is refused: the payment record is confirmed once.
      expect((await payment('PG-10001')).statusCode).toBe(409);
    });

    it('refuses a decision on an account that never signed up, and every way around finance', async () => {
      expect((await call('POST', '/accounts', { id: 'PG-NOSIGNUP', name: 'No signup' })).statusCode).toBe(
        201,
      );
      const decision = await call('POST', '/accounts/PG-NOSIGNUP/signup/decision', {
        decision: 'approve',
        reason: 'x',
      });
      expect(decision.statusCode).toBe(409);
      expect(decision.json<{ detail: string }>().detail).toContain('No signup was submitted');
      expect((await signup('PG-10003')).statusCode).toBe(201);
      await call('POST', '/accounts/PG-10003/signup/decision', { decision: 'approve', reason: 'ok' });
      // The approval, the confirmation and the facts finance's check reads are not anyone's to send.
      for (const event of [
        { type: 'payment.approved', account: 'PG-10003' },
        { type: 'payment.confirmed', account: 'PG-10003', method: 'manual' },
        { type: 'fact.set', subject: 'account:PG-10003', name: 'finance_confirmed', value: true },
      ])
        expect((await call('POST', '/events', event)).statusCode).toBe(403);
      const facts = await call('POST', '/accounts/PG-10003/facts', { facts: { finance_confirmed: true } });
      expect(facts.statusCode).toBe(400);
      expect((await account('PG-10003')).lifecycles.estate).toBe('pending');
    });

    it("activates an approved estate on the provider's verified hosted checkout (004#27)", async () => {
      const secret = 'whsec_estate_checkout_51c0';
      const hook = await call('POST', '/payment-webhooks', { kind: 'stripe', name: 'Stripe', secret });
      const hookId = hook.json<{ webhook: { id: string } }>().webhook.id;
      const nowS = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({
        id: 'evt_checkout_1',
        object: 'event',
        api_version: '2024-06-20',
        created: nowS - 5,
        type: 'checkout.session.completed',
        data: {
          object: {
            id: 'cs_test_a1b2',
            object: 'checkout.session',
            payment_status: 'paid',
            amount_total: 2500000,
            currency: 'inr',
            customer: 'cus_estate3',
            metadata: { opsbook_account: 'PG-10003' },
          },
        },
      });
      const v1 = createHmac('sha256', secret).update(`${nowS}.${body}`).digest('hex');
      const delivered = await t.app.inject({
        method: 'POST',
        url: `/api/v1/hooks/payments/${ws}/${hookId}`,
        headers: { 'content-type': 'application/json', 'stripe-signature': `t=${nowS},v1=${v1}` },
        payload: body,
      });
      expect(delivered.statusCode, delivered.body).toBe(200);
      expect(delivered.json()).toMatchObject({ outcome: 'applied', type: 'payment.confirmed' });
      expect((await account('PG-10003')).lifecycles).toMatchObject({
        'payment-record': 'confirmed',
        estate: 'active',
        subscription: 'active',
      });
    });

    it('never approves a rejected signup (004#11)', async () => {
      expect((await signup('PG-10002')).statusCode).toBe(201);
      const rejected = await call('POST', '/accounts/PG-10002/signup/decision', {
        decision: 'reject',
        reason: 'Duplicate of PG-10001',
      });
      expect(rejected.statusCode).toBe(200);
      const late = await call('POST', '/accounts/PG-10002/signup/decision', {
        decision: 'approve',
        reason: 'oops',
      });
      expect(late.statusCode).toBe(409);
      expect((await account('PG-10002')).lifecycles['estate-signup']).toBe('rejected');
      const access = (await call('GET', '/accounts/PG-10002/access')).json<{ access: string }>();
      expect(access.access).toBe('none');
    });
  });
}
