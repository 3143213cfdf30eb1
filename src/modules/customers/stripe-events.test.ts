import { describe, expect, it, vi } from 'vitest';
import { EVENTS } from '../../core/decide/events.js';
import { majorAmount, type Mapped, type PaymentEvent, type Verified } from './payment-events.js';
import {
  checkoutSession,
  CREATED,
  invoice,
  stripeEvent,
  subscription,
  without,
} from './payment-events.fixtures.js';
import { mapStripeEvent } from './stripe-events.js';

const noCustomers = () => null;

function eventOf(result: Verified<Mapped>): PaymentEvent {
  if (!result.ok) throw new Error(`expected an event, got ${result.code}: ${result.message}`);
  if (result.value.kind !== 'event') throw new Error(`expected an event, ignored: ${result.value.reason}`);
  return result.value.event;
}

function ignoredReason(result: Verified<Mapped>): string {
  if (!result.ok) throw new Error(`expected ignored, got ${result.code}: ${result.message}`);
  if (result.value.kind !== 'ignored') throw new Error(`expected ignored, got ${result.value.event.type}`);
  return result.value.reason;
}

describe('majorAmount', () => {
  it('divides by the currency exponent Stripe uses', () => {
    expect(majorAmount(49900, 'usd')).toBe(499);
    expect(majorAmount(1999, 'EUR')).toBe(19.99);
    expect(majorAmount(5000, 'jpy')).toBe(5000);
    expect(majorAmount(12000, 'krw')).toBe(12000);
    expect(majorAmount(5120, 'kwd')).toBe(5.12);
  });
});

describe('mapStripeEvent: invoices', () => {
  it('maps a retried invoice.payment_failed to a temporary payment.failed', () => {
    const event = eventOf(mapStripeEvent(stripeEvent('invoice.payment_failed', invoice()), noCustomers));
    expect(event).toEqual({
      deliveryId: 'evt_1PqKzL2eZvKYlo2C8fG3hJ4k',
      occurredAtMs: CREATED * 1000,
      account: 'cafe-lumen',
      type: 'payment.failed',
      fields: {
        attempt: 1,
        permanent: false,
        amount: 499,
        currency: 'USD',
        reference: 'in_1PqKzK2eZvKYlo2CQm7sXb1d',
        plan: 'pos_pro_monthly',
      },
    });
  });

  it('marks the failure permanent when Stripe plans no further attempt', () => {
    const last = invoice({ attempt_count: 4, next_payment_attempt: null });
    const event = eventOf(mapStripeEvent(stripeEvent('invoice.payment_failed', last), noCustomers));
    expect(event.fields).toMatchObject({ attempt: 4, permanent: true });
  });

  it('reads zero-decimal currencies without dividing', () => {
    const yen = invoice({ currency: 'jpy', amount_due: 5000 });
    const event = eventOf(mapStripeEvent(stripeEvent('invoice.payment_failed', yen), noCustomers));
    expect(event.fields).toMatchObject({ amount: 5000, currency: 'JPY' });
  });

  it('gives invoice.paid and invoice.payment_succeeded of one invoice the same type and reference', () => {
    const paid = invoice({ amount_paid: 49900, amount_remaining: 0, paid: true, status: 'paid' });
    const a = eventOf(mapStripeEvent(stripeEvent('invoice.paid', paid, undefined, 'evt_A'), noCustomers));
    const b = eventOf(
      mapStripeEvent(stripeEvent('invoice.payment_succeeded', paid, undefined, 'evt_B'), noCustomers),
    );
    expect(a).toMatchObject({ type: 'payment.succeeded', deliveryId: 'evt_A', account: 'cafe-lumen' });
    expect(a.fields).toEqual({
      amount: 499,
      currency: 'USD',
      reference: 'in_1PqKzK2eZvKYlo2CQm7sXb1d',
      plan: 'pos_pro_monthly',
    });
    expect(b).toEqual({ ...a, deliveryId: 'evt_B' });
  });

  it('finds the account under parent.subscription_details (API 2025-03-31.basil)', () => {
    const basil = invoice({
      subscription_details: undefined,
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { metadata: { opsbook_account: 'bakery-9' }, subscription: 'sub_1' },
      },
      lines: { object: 'list', data: [{ id: 'il_1', pricing: { price_details: { price: 'price_1' } } }] },
    });
    const event = eventOf(mapStripeEvent(stripeEvent('invoice.payment_failed', basil), noCustomers));
    expect(event.account).toBe('bakery-9');
    expect(event.fields).not.toHaveProperty('plan');
  });

  it('takes metadata.opsbook_plan over the price lookup key', () => {
    const withPlan = invoice({ metadata: { opsbook_plan: 'pro' } });
    const event = eventOf(mapStripeEvent(stripeEvent('invoice.payment_failed', withPlan), noCustomers));
    expect(event.fields.plan).toBe('pro');
  });
});

describe('mapStripeEvent: the account', () => {
  const bare = invoice({ subscription_details: { metadata: {} } });

  it('uses metadata without asking the customer lookup', () => {
    const lookup = vi.fn(() => 'other');
    const event = eventOf(mapStripeEvent(stripeEvent('invoice.payment_failed', invoice()), lookup));
    expect(event.account).toBe('cafe-lumen');
    expect(lookup).not.toHaveBeenCalled();
  });

  it("falls back to the customer's linked account", () => {
    const lookup = vi.fn((id: string) => (id === 'cus_QhR5tYbN2xWv7a' ? 'cafe-lumen-2' : null));
    const event = eventOf(mapStripeEvent(stripeEvent('invoice.payment_failed', bare), lookup));
    expect(event.account).toBe('cafe-lumen-2');
    expect(lookup).toHaveBeenCalledWith('cus_QhR5tYbN2xWv7a');
  });

  it('reads an expanded customer object for its id', () => {
    const expanded = { ...bare, customer: { id: 'cus_X', object: 'customer' } };
    const event = eventOf(mapStripeEvent(stripeEvent('invoice.payment_failed', expanded), () => 'acc-x'));
    expect(event.account).toBe('acc-x');
  });

  it('ignores the delivery, naming the customer, when no account is found', () => {
    const reason = ignoredReason(mapStripeEvent(stripeEvent('invoice.payment_failed', bare), noCustomers));
    expect(reason).toMatch(/^invoice\.payment_failed: no Opsbook account/);
    expect(reason).toContain('cus_QhR5tYbN2xWv7a');
  });
});

describe('mapStripeEvent: checkout, subscriptions, payment methods', () => {
  it('maps a paid checkout session to payment.confirmed by hosted checkout', () => {
    const event = eventOf(
      mapStripeEvent(stripeEvent('checkout.session.completed', checkoutSession('paid')), noCustomers),
    );
    expect(event).toMatchObject({ type: 'payment.confirmed', account: 'cafe-lumen' });
    expect(event.fields).toEqual({
      method: 'hosted-checkout',
      reference: 'cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV',
      amount: 199,
      currency: 'EUR',
    });
  });

  it('ignores an unpaid session, and confirms it when the delayed payment succeeds', () => {
    const unpaid = stripeEvent('checkout.session.completed', checkoutSession('unpaid'));
    expect(ignoredReason(mapStripeEvent(unpaid, noCustomers))).toMatch(/payment_status "unpaid"/);
    const later = stripeEvent('checkout.session.async_payment_succeeded', checkoutSession('paid'));
    expect(eventOf(mapStripeEvent(later, noCustomers)).type).toBe('payment.confirmed');
  });

  it.each([
    ['trialing', 'trial.started'],
    ['active', 'subscription.activated'],
  ])('maps a subscription created %s to %s', (status, type) => {
    const event = eventOf(
      mapStripeEvent(stripeEvent('customer.subscription.created', subscription(status)), noCustomers),
    );
    expect(event).toMatchObject({ type, account: 'cafe-lumen', fields: { plan: 'pos_pro_monthly' } });
  });

  it('ignores a subscription created incomplete', () => {
    const created = stripeEvent('customer.subscription.created', subscription('incomplete'));
    expect(ignoredReason(mapStripeEvent(created, noCustomers))).toMatch(/"incomplete"/);
  });

  it('maps a deleted subscription to subscription.cancelled with Stripe’s reason', () => {
    const sub = subscription('canceled', {
      cancellation_details: { comment: null, feedback: null, reason: 'payment_failed' },
    });
    const event = eventOf(mapStripeEvent(stripeEvent('customer.subscription.deleted', sub), noCustomers));
    expect(event).toMatchObject({ type: 'subscription.cancelled', fields: { reason: 'payment_failed' } });
  });

  it.each(['past_due', 'unpaid', 'incomplete'])(
    'maps an update from %s to active as reactivation',
    (before) => {
      const updated = stripeEvent('customer.subscription.updated', subscription('active'), {
        status: before,
      });
      expect(eventOf(mapStripeEvent(updated, noCustomers)).type).toBe('subscription.activated');
    },
  );

  it('ignores other subscription updates', () => {
    const toPastDue = stripeEvent('customer.subscription.updated', subscription('past_due'), {
      status: 'active',
    });
    expect(ignoredReason(mapStripeEvent(toPastDue, noCustomers))).toMatch(/from "active" to "past_due"/);
    const quantity = stripeEvent('customer.subscription.updated', subscription('active'), {
      cancel_at_period_end: true,
    });
    expect(ignoredReason(mapStripeEvent(quantity, noCustomers))).toMatch(/^customer\.subscription\.updated:/);
  });

  it('maps payment_method.attached to payment-method.updated through the customer', () => {
    const method = {
      id: 'pm_1PqLmN2eZvKYlo2CaBcDeFgH',
      object: 'payment_method',
      billing_details: { email: 'owner@cafe-lumen.example', name: 'Ana Ruiz' },
      card: { brand: 'visa', exp_month: 8, exp_year: 2029, last4: '4242' },
      customer: 'cus_QhR5tYbN2xWv7a',
      metadata: {},
      type: 'card',
    };
    const event = eventOf(mapStripeEvent(stripeEvent('payment_method.attached', method), () => 'cafe-lumen'));
    expect(event).toMatchObject({
      type: 'payment-method.updated',
      account: 'cafe-lumen',
      fields: { reference: 'pm_1PqLmN2eZvKYlo2CaBcDeFgH' },
    });
  });

  const customer = (defaultMethod: string | null) => ({
    id: 'cus_QhR5tYbN2xWv7a',
    object: 'customer',
    email: 'owner@cafe-lumen.example',
    invoice_settings: { custom_fields: null, default_payment_method: defaultMethod, footer: null },
    default_source: null,
    metadata: { opsbook_account: 'cafe-lumen' },
  });

  it('maps customer.updated with a new default payment method', () => {
    const updated = stripeEvent('customer.updated', customer('pm_new'), {
      invoice_settings: { default_payment_method: 'pm_old' },
    });
    const event = eventOf(mapStripeEvent(updated, noCustomers));
    expect(event).toMatchObject({ type: 'payment-method.updated', fields: { reference: 'pm_new' } });
  });

  it('maps customer.updated with a new default source (the legacy Sources API)', () => {
    const updated = stripeEvent(
      'customer.updated',
      { ...customer(null), default_source: 'card_1PqLmN2eZvKYlo2C' },
      { default_source: 'card_old' },
    );
    const event = eventOf(mapStripeEvent(updated, noCustomers));
    expect(event).toMatchObject({
      type: 'payment-method.updated',
      fields: { reference: 'card_1PqLmN2eZvKYlo2C' },
    });
  });

  it('ignores customer.updated that sets no new default method', () => {
    const email = stripeEvent('customer.updated', customer('pm_new'), { email: 'old@example.com' });
    expect(ignoredReason(mapStripeEvent(email, noCustomers))).toMatch(/^customer\.updated:/);
    const removed = stripeEvent('customer.updated', customer(null), {
      invoice_settings: { default_payment_method: 'pm_old' },
    });
    expect(ignoredReason(mapStripeEvent(removed, noCustomers))).toMatch(/no new default/);
  });

  it('ignores an unmapped type, naming it', () => {
    const refund = stripeEvent('charge.refunded', { id: 'ch_1', object: 'charge', amount_refunded: 100 });
    expect(ignoredReason(mapStripeEvent(refund, noCustomers))).toMatch(/^charge\.refunded: /);
  });

  it('emits only fields the catalog knows, of its kinds (besides reference and currency)', () => {
    const all = [
      stripeEvent('invoice.payment_failed', invoice({ next_payment_attempt: null })),
      stripeEvent('invoice.paid', invoice({ amount_paid: 49900 })),
      stripeEvent('checkout.session.completed', checkoutSession('paid')),
      stripeEvent(
        'customer.subscription.deleted',
        subscription('canceled', { cancellation_details: { reason: 'x' } }),
      ),
    ].map((e) => eventOf(mapStripeEvent(e, noCustomers)));
    expect(all).toHaveLength(4);
    for (const event of all) {
      const spec = EVENTS[event.type]!;
      const kinds: Record<string, string> = {
        ...spec.required,
        ...spec.optional,
        reference: 'string',
        currency: 'string',
      };
      for (const [name, value] of Object.entries(event.fields))
        expect([name, typeof value]).toEqual([name, kinds[name]]);
    }
  });
});

describe('mapStripeEvent: malformed objects', () => {
  const problem = (result: Verified<Mapped>) => {
    if (result.ok) throw new Error('expected PAYLOAD_INVALID');
    expect(result.code).toBe('PAYLOAD_INVALID');
    return result.message;
  };

  it('names the missing field by its JSON path', () => {
    const rest = without(invoice(), 'amount_due');
    expect(problem(mapStripeEvent(stripeEvent('invoice.payment_failed', rest), noCustomers))).toBe(
      'data.object.amount_due: missing (expected number)',
    );
  });

  it('does not take a missing next_payment_attempt for null', () => {
    const rest = without(invoice(), 'next_payment_attempt');
    expect(problem(mapStripeEvent(stripeEvent('invoice.payment_failed', rest), noCustomers))).toMatch(
      /^data\.object\.next_payment_attempt: missing/,
    );
  });

  it('points into arrays', () => {
    const lines = { object: 'list', data: [{ id: 'il_1', price: { lookup_key: 7 } }] };
    const message = problem(mapStripeEvent(stripeEvent('invoice.paid', invoice({ lines })), noCustomers));
    expect(message).toMatch(/^data\.object\.lines\.data\[0\]\.price\.lookup_key: expected string/);
  });

  it('refuses a data.object of another kind, and an object that is not an event', () => {
    const wrong = stripeEvent('invoice.payment_failed', checkoutSession('paid'));
    expect(problem(mapStripeEvent(wrong, noCustomers))).toMatch(/data\.object\.object: expected "invoice"/);
    expect(problem(mapStripeEvent(invoice(), noCustomers))).toMatch(
      /^object: expected "event", got "invoice"/,
    );
    expect(problem(mapStripeEvent('evt_1', noCustomers))).toMatch(/^\(body\): expected object/);
  });
});
