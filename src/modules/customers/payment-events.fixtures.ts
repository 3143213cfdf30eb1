/**
 * Payloads for the payment-event tests: Stripe objects as Stripe's API reference documents them, on the
 * `pos_pro_monthly` price of the cafe-lumen account, and the instant they are checked at.
 */

export const NOW_MS = 1_760_000_000_000;
export const NOW_S = NOW_MS / 1000;
export const CREATED = NOW_S - 2;

/** An event envelope as Stripe delivers it (API reference: "The Event object"). */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  previous?: Record<string, unknown>,
  id = 'evt_1PqKzL2eZvKYlo2C8fG3hJ4k',
) {
  return {
    id,
    object: 'event',
    api_version: '2024-06-20',
    created: CREATED,
    data: { object, ...(previous ? { previous_attributes: previous } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** An invoice (API reference: "The Invoice object"), of a subscription on the `pos_pro_monthly` price. */
export function invoice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'in_1PqKzK2eZvKYlo2CQm7sXb1d',
    object: 'invoice',
    account_country: 'US',
    amount_due: 49900,
    amount_paid: 0,
    amount_remaining: 49900,
    attempt_count: 1,
    attempted: true,
    billing_reason: 'subscription_cycle',
    collection_method: 'charge_automatically',
    created: CREATED - 3600,
    currency: 'usd',
    customer: 'cus_QhR5tYbN2xWv7a',
    customer_email: 'owner@cafe-lumen.example',
    hosted_invoice_url: 'https://invoice.stripe.com/i/acct_1Nv0FG/test_YWNjdF8x',
    lines: {
      object: 'list',
      data: [
        {
          id: 'il_1PqKzK2eZvKYlo2C4tUvWx9y',
          object: 'line_item',
          amount: 49900,
          currency: 'usd',
          price: {
            id: 'price_1PqAbC2eZvKYlo2CdEfGhIjK',
            object: 'price',
            currency: 'usd',
            lookup_key: 'pos_pro_monthly',
            recurring: { interval: 'month', interval_count: 1 },
            unit_amount: 49900,
          },
          quantity: 1,
          type: 'subscription',
        },
      ],
      has_more: false,
      url: '/v1/invoices/in_1PqKzK2eZvKYlo2CQm7sXb1d/lines',
    },
    metadata: {},
    next_payment_attempt: CREATED + 3 * 86_400,
    paid: false,
    status: 'open',
    subscription: 'sub_1PqAbD2eZvKYlo2CuVwXyZ01',
    subscription_details: { metadata: { opsbook_account: 'cafe-lumen' } },
    total: 49900,
    ...overrides,
  };
}

export function subscription(
  status: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: 'sub_1PqAbD2eZvKYlo2CuVwXyZ01',
    object: 'subscription',
    cancel_at_period_end: false,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    currency: 'usd',
    customer: 'cus_QhR5tYbN2xWv7a',
    items: {
      object: 'list',
      data: [
        {
          id: 'si_QhR6aBcDeFgHiJ',
          object: 'subscription_item',
          price: { id: 'price_1PqAbC2eZvKYlo2CdEfGhIjK', object: 'price', lookup_key: 'pos_pro_monthly' },
          quantity: 1,
        },
      ],
    },
    metadata: { opsbook_account: 'cafe-lumen' },
    status,
    trial_end: null,
    ...overrides,
  };
}

export function checkoutSession(paymentStatus: string): Record<string, unknown> {
  return {
    id: 'cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV',
    object: 'checkout.session',
    amount_subtotal: 19900,
    amount_total: 19900,
    client_reference_id: null,
    currency: 'eur',
    customer: 'cus_QhR5tYbN2xWv7a',
    metadata: { opsbook_account: 'cafe-lumen' },
    mode: 'payment',
    payment_intent: 'pi_3PqKzL2eZvKYlo2C1aBcDeFg',
    payment_status: paymentStatus,
    status: 'complete',
  };
}

/** A copy without one key: the payload a sender that forgot a field would send. */
export function without<T extends object>(object: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...object };
  delete copy[key];
  return copy;
}
