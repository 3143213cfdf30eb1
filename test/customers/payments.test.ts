/**
 * Payment webhooks through inject() on both engines, on the POS demo: Stripe-signed deliveries (payloads
 * shaped as Stripe's documented invoice events) move an account through dunning; a replay, the second
 * success event of one invoice and an older event arriving late change nothing; a forged or unsigned
 * delivery is refused and recorded nowhere; the generic shape is signed with Standard Webhooks.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/channels/standard-webhooks.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { paymentDeliveries } from '../../src/store/schema-customers.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
const STRIPE_SECRET = 'whsec_pos_test_4f8e2a9c1b7d';

/** `invoice.*` as Stripe sends it (API reference: "The Event object", "The Invoice object"). */
function invoiceEvent(id: string, type: string, createdS: number, invoice: Record<string, unknown>) {
  return {
    id,
    object: 'event',
    api_version: '2024-06-20',
    created: createdS,
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: 'in_1PqKzK2eZvKYlo2CQm7sXb1d',
        object: 'invoice',
        amount_due: 49900,
        amount_paid: 0,
        attempt_count: 1,
        currency: 'inr',
        customer: 'cus_shop9',
        lines: { object: 'list', data: [], has_more: false },
        metadata: {},
        next_payment_attempt: null,
        paid: false,
        status: 'open',
        subscription: 'sub_1PqAbD2eZvKYlo2CuVwXyZ01',
        ...invoice,
      },
    },
  };
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`payment webhooks: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Session;
    let ws: string;
    let stripeHook: string;
    const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        ...(payload ? { payload } : {}),
      });
    const stripe = (event: object, secret = STRIPE_SECRET, nowS = Math.floor(Date.now() / 1000)) => {
      const body = JSON.stringify(event);
      const v1 = createHmac('sha256', secret).update(`${nowS}.${body}`).digest('hex');
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/hooks/payments/${ws}/${stripeHook}`,
        headers: { 'content-type': 'application/json', 'stripe-signature': `t=${nowS},v1=${v1}` },
        payload: body,
      });
    };
    const state = async () => (await call('GET', '/accounts/shop_9')).json<{ state: string }>().state;
    const deliveries = () => opened.database.inWorkspace(ws, (tx) => tx.select().from(paymentDeliveries));

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@pos-saas.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'pos-saas')!.id;
      const made = await call('POST', '/payment-webhooks', {
        kind: 'stripe',
        name: 'Stripe',
        secret: STRIPE_SECRET,
      });
      expect(made.statusCode, made.body).toBe(201);
      stripeHook = made.json<{ webhook: { id: string } }>().webhook.id;
      expect(
        (
          await call('POST', '/accounts', {
            id: 'shop_9',
            name: 'Shop 9',
            custom: { stripe_customer: 'cus_shop9' },
          })
        ).statusCode,
      ).toBe(201);
      for (const type of ['trial.started', 'subscription.upgraded'])
        expect((await call('POST', '/events', { type, account: 'shop_9' })).statusCode).toBe(202);
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('refuses an unsigned, forged or tampered delivery and records nothing', async () => {
      const event = invoiceEvent('evt_forged', 'invoice.payment_failed', Math.floor(Date.now() / 1000), {});
      const forged = await stripe(event, 'whsec_not_the_secret_at_all');
      expect(forged.statusCode).toBe(403);
      expect(forged.json<{ detail: string }>().detail).toContain('signing secret');
      const unsigned = await t.app.inject({
        method: 'POST',
        url: `/api/v1/hooks/payments/${ws}/${stripeHook}`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(event),
      });
      expect(unsigned.statusCode).toBe(403);
      const stale = await stripe(event, STRIPE_SECRET, Math.floor(Date.now() / 1000) - 3600);
      expect(stale.statusCode).toBe(403);
      expect(await deliveries()).toEqual([]);
      expect(await state()).toBe('active');
    });

    it('moves the account to past due on a final failure, once, whatever the retries', async () => {
      const createdS = Math.floor(Date.now() / 1000) - 100;
      const failed = invoiceEvent('evt_fail_1', 'invoice.payment_failed', createdS, { attempt_count: 4 });
      const first = await stripe(failed);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ outcome: 'applied', account: 'shop_9', type: 'payment.failed' });
      expect(await state()).toBe('past-due');
      const replay = await stripe(failed);
      expect(replay.json()).toMatchObject({ outcome: 'duplicate' });
      expect((await deliveries()).length).toBe(1);
    });

    it('treats invoice.paid and invoice.payment_succeeded as one payment, and ignores an older late event', async () => {
      const createdS = Math.floor(Date.now() / 1000) - 50;
      const paid = await stripe(
        invoiceEvent('evt_paid', 'invoice.paid', createdS, {
          amount_paid: 49900,
          paid: true,
          status: 'paid',
        }),
      );
      expect(paid.json()).toMatchObject({ outcome: 'applied', type: 'payment.succeeded' });
      expect(await state()).toBe('active');
      const twin = await stripe(
        invoiceEvent('evt_paid_twin', 'invoice.payment_succeeded', createdS, {
          amount_paid: 49900,
          paid: true,
          status: 'paid',
        }),
      );
      expect(twin.json()).toMatchObject({ outcome: 'duplicate' });
      // A failure from before the payment, delivered after it, must not undo it.
      const late = await stripe(invoiceEvent('evt_fail_0', 'invoice.payment_failed', createdS - 500, {}));
      expect(late.json()).toMatchObject({ outcome: 'out-of-order' });
      expect(await state()).toBe('active');
      const ignored = await stripe({ ...invoiceEvent('evt_other', 'invoice.created', createdS, {}) });
      expect(ignored.json()).toMatchObject({ outcome: 'ignored' });
      const timeline = (await call('GET', '/accounts/shop_9/timeline?limit=500')).json<{
        items: { type: string; actor: string }[];
      }>();
      const fromStripe = timeline.items
        .filter((e) => e.actor.startsWith('payment-webhook:'))
        .map((e) => e.type);
      expect(fromStripe).toEqual(['payment.failed', 'payment.succeeded']);
    });

    it('counts the period in the customer metrics: trials converted, payments, revenue', async () => {
      const m = await call('GET', '/customer-metrics');
      expect(m.statusCode, m.body).toBe(200);
      const metrics = m.json<{
        trials: { started: number; converted: number; rate: number | null };
        payments: { failed: number; succeeded: number; failureRate: number | null };
        revenue: { currency: string | null; amount: number }[];
        byState: { state: string; count: number }[];
        nps: { target: unknown };
      }>();
      // shop_9: trial, upgraded; one failure applied, one payment (the twin and the late failure were not).
      expect(metrics.trials).toMatchObject({ started: 1, converted: 1, rate: 100 });
      expect(metrics.payments).toEqual({ failed: 1, succeeded: 1, failureRate: 50 });
      expect(metrics.revenue).toEqual([{ currency: 'INR', amount: 499 }]);
      expect(metrics.byState).toContainEqual({ state: 'active', count: 1 });
      expect(metrics.nps.target).toBeNull();
      const empty = await call('GET', '/customer-metrics?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z');
      expect(empty.statusCode).toBe(400);
    });

    it('takes the generic shape signed with Standard Webhooks, and names a bad field', async () => {
      const made = await call('POST', '/payment-webhooks', { kind: 'generic', name: 'Billing' });
      const { webhook, secret } = made.json<{ webhook: { id: string; url: string }; secret: string }>();
      expect(webhook.url).toContain(`/api/v1/hooks/payments/${ws}/${webhook.id}`);
      const send = (body: object, id: string) => {
        const text = JSON.stringify(body);
        const ts = Math.floor(Date.now() / 1000);
        return t.app.inject({
          method: 'POST',
          url: `/api/v1/hooks/payments/${ws}/${webhook.id}`,
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(ts),
            'webhook-signature': signWebhook([secret], id, ts, text),
          },
          payload: text,
        });
      };
      const occurredAt = new Date().toISOString();
      const ok = await send(
        { id: 'pay_1', type: 'payment.failed', account: 'shop_9', occurredAt, permanent: true, amount: 499 },
        'msg_1',
      );
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ outcome: 'applied' });
      expect(await state()).toBe('past-due');
      const bad = await send(
        { id: 'pay_2', type: 'payment.failed', account: 'shop_9', occurredAt, amount: '499' },
        'msg_2',
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ detail: string }>().detail).toContain('amount');
    });
  });
}
