/**
 * Payment-provider webhooks read into the account events of the engine's catalog (src/core/decide/events.ts)
 * that the POS dunning runs on (packs/pos-saas: payment failed → 7 days → suspended; back to active when a
 * payment succeeds or the method is updated). Pure: the caller passes the raw body, headers, secrets and the
 * time, and gets back an event, a reason the delivery is ignored, or a precise problem. Two shapes:
 *
 * - Stripe: `Stripe-Signature` checked (stripe-signature.ts), its documented event objects mapped onto the
 *   catalog (stripe-events.ts);
 * - a generic JSON shape of ours, signed with Standard Webhooks (generic-payment-events.ts).
 *
 * Idempotency: `deliveryId` is the provider's event id, the same on every retry. Stripe also sends two
 * events for one fact (`invoice.paid` and `invoice.payment_succeeded`), and an attached card may also
 * become the default: such events carry the same `reference` (invoice, session or payment-method id), so
 * the caller dedupes on `deliveryId` and on `(account, type, reference)`.
 *
 * This file is the entry point: it re-exports the parts, which share payment-events-shared.ts.
 */
export {
  majorAmount,
  PAYMENT_EVENT_TYPES,
  type Mapped,
  type PaymentEvent,
  type PaymentEventType,
  type Verified,
  type VerifyCode,
} from './payment-events-shared.js';
export { verifyStripe } from './stripe-signature.js';
export { mapStripeEvent } from './stripe-events.js';
export { verifyGeneric } from './generic-payment-events.js';
