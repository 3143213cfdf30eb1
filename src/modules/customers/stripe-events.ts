/**
 * Stripe's documented event objects (API reference: "Events › Types of events", and the objects they carry)
 * read onto the catalog's payment events, once stripe-signature.ts has verified the delivery.
 */
import { z } from 'zod';
import {
  Currency,
  majorAmount,
  parseAt,
  type Mapped,
  type PaymentEvent,
  type PaymentEventType,
  type Verified,
} from './payment-events-shared.js';

const STRIPE_PAYLOAD_HINT =
  "expected a Stripe event object as Stripe's API reference documents it; check the endpoint's API version";

const Metadata = z.record(z.string(), z.unknown()).nullish();
/** An expandable reference: an id, or the object when the sender expanded it. */
const IdRef = z
  .union([z.string().min(1), z.looseObject({ id: z.string().min(1) })], {
    error: 'expected an id or an object with an id',
  })
  .nullish();
const Id = z.string().min(1);
const Minor = z.number().int().nonnegative();
const PricedItems = z
  .looseObject({
    data: z.array(z.looseObject({ price: z.looseObject({ lookup_key: z.string().nullish() }).nullish() })),
  })
  .nullish();
const SubscriptionDetails = z.looseObject({ metadata: Metadata }).nullish();

const StripeEnvelope = z.looseObject({
  object: z.literal('event'),
  id: Id,
  type: Id,
  created: z.number().int().nonnegative(),
  data: z.looseObject({
    object: z.record(z.string(), z.unknown()),
    previous_attributes: z.record(z.string(), z.unknown()).nullish(),
  }),
});
type StripeEnvelope = z.output<typeof StripeEnvelope>;

const Invoice = z.looseObject({
  object: z.literal('invoice'),
  id: Id,
  customer: IdRef,
  currency: Currency,
  metadata: Metadata,
  // Where the subscription's metadata is: up to API 2025-02-24, and from 2025-03-31 (basil) on.
  subscription_details: SubscriptionDetails,
  parent: z.looseObject({ subscription_details: SubscriptionDetails }).nullish(),
  lines: PricedItems,
});
const FailedInvoice = Invoice.extend({
  amount_due: Minor,
  attempt_count: z.number().int().nonnegative(),
  // Required although nullable: null is the signal (no retry planned), so a missing key is not null.
  next_payment_attempt: z.number().int().nullable(),
});
const PaidInvoice = Invoice.extend({ amount_paid: Minor });
const CheckoutSession = z.looseObject({
  object: z.literal('checkout.session'),
  id: Id,
  payment_status: Id,
  amount_total: Minor.nullable(),
  currency: Currency.nullable(),
  customer: IdRef,
  metadata: Metadata,
});
const Subscription = z.looseObject({
  object: z.literal('subscription'),
  id: Id,
  customer: IdRef,
  status: Id,
  metadata: Metadata,
  items: PricedItems,
  cancellation_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
});
const PaymentMethod = z.looseObject({
  object: z.literal('payment_method'),
  id: Id,
  customer: IdRef,
  metadata: Metadata,
});
const Customer = z.looseObject({
  object: z.literal('customer'),
  id: Id,
  metadata: Metadata,
  invoice_settings: z.looseObject({ default_payment_method: IdRef }).nullish(),
  default_source: IdRef,
});

type Scalar = string | number | boolean | null | undefined;
/** What one Stripe object says, before the account is known. */
interface Draft {
  readonly type: PaymentEventType;
  readonly fields: Readonly<Record<string, Scalar>>;
  /** Metadata that may carry `opsbook_account` / `opsbook_plan`, most specific first. */
  readonly metadata: readonly unknown[];
  readonly customer: string | null;
  readonly lookupKey?: string | null | undefined;
}
type Ignore = { readonly ignore: string };
type Reading = Verified<Draft | Ignore>;

const idOf = (ref: string | { id: string } | null | undefined): string | null =>
  ref == null ? null : typeof ref === 'string' ? ref : ref.id;
const take = (value: Draft | Ignore): Reading => ({ ok: true, value });
const objectOf = <S extends z.ZodType>(schema: S, event: StripeEnvelope) =>
  parseAt(schema, event.data.object, 'data.object', STRIPE_PAYLOAD_HINT);

function invoiceMetadata(invoice: z.output<typeof Invoice>): unknown[] {
  return [
    invoice.metadata,
    invoice.subscription_details?.metadata,
    invoice.parent?.subscription_details?.metadata,
  ];
}

function invoiceFailed(event: StripeEnvelope): Reading {
  const read = objectOf(FailedInvoice, event);
  if (!read.ok) return read;
  const invoice = read.value;
  return take({
    type: 'payment.failed',
    fields: {
      attempt: invoice.attempt_count,
      // Stripe plans no further retry: the failure is final (POS: only this starts the 7 days, 003#8).
      permanent: invoice.next_payment_attempt === null,
      amount: majorAmount(invoice.amount_due, invoice.currency),
      currency: invoice.currency.toUpperCase(),
      reference: invoice.id,
    },
    metadata: invoiceMetadata(invoice),
    customer: idOf(invoice.customer),
    lookupKey: invoice.lines?.data[0]?.price?.lookup_key,
  });
}

function invoicePaid(event: StripeEnvelope): Reading {
  const read = objectOf(PaidInvoice, event);
  if (!read.ok) return read;
  const invoice = read.value;
  return take({
    type: 'payment.succeeded',
    fields: {
      amount: majorAmount(invoice.amount_paid, invoice.currency),
      currency: invoice.currency.toUpperCase(),
      reference: invoice.id,
    },
    metadata: invoiceMetadata(invoice),
    customer: idOf(invoice.customer),
    lookupKey: invoice.lines?.data[0]?.price?.lookup_key,
  });
}

function checkoutPaid(event: StripeEnvelope): Reading {
  const read = objectOf(CheckoutSession, event);
  if (!read.ok) return read;
  const session = read.value;
  if (session.payment_status !== 'paid')
    return take({
      ignore: `session ${session.id} has payment_status "${session.payment_status}": nothing is paid yet (a delayed method confirms with checkout.session.async_payment_succeeded)`,
    });
  const { amount_total: total, currency } = session;
  return take({
    type: 'payment.confirmed',
    fields: {
      method: 'hosted-checkout',
      reference: session.id,
      amount: total !== null && currency !== null ? majorAmount(total, currency) : undefined,
      currency: currency?.toUpperCase(),
    },
    metadata: [session.metadata],
    customer: idOf(session.customer),
  });
}

/** created: trialing or active; updated: back to active from a failed or unfinished first payment. */
function subscriptionChange(event: StripeEnvelope): Reading {
  const read = objectOf(Subscription, event);
  if (!read.ok) return read;
  const sub = read.value;
  const before = event.data.previous_attributes?.status;
  let type: PaymentEventType | undefined;
  if (event.type === 'customer.subscription.deleted') type = 'subscription.cancelled';
  else if (event.type === 'customer.subscription.created')
    type =
      sub.status === 'trialing'
        ? 'trial.started'
        : sub.status === 'active'
          ? 'subscription.activated'
          : undefined;
  else if (sub.status === 'active' && before === 'trialing')
    // The trial converted: the POS pack's "[Upgrade to Pro]" (003#46), trialing → active.
    type = 'subscription.upgraded';
  else if (sub.status === 'active' && typeof before === 'string' && REACTIVATED_FROM.includes(before))
    type = 'subscription.activated';
  if (!type)
    return take({
      ignore: `subscription ${sub.id} ${typeof before === 'string' ? `went from "${before}" to` : 'is'} "${sub.status}", which changes no account state`,
    });
  return take({
    type,
    // Why Stripe cancelled (cancellation_requested, payment_failed, payment_disputed): the catalog's reason.
    fields: { reason: type === 'subscription.cancelled' ? sub.cancellation_details?.reason : undefined },
    metadata: [sub.metadata],
    customer: idOf(sub.customer),
    lookupKey: sub.items?.data[0]?.price?.lookup_key,
  });
}
/** `incomplete`: a first payment that needed the customer (3-D Secure, default_incomplete) now made. */
const REACTIVATED_FROM = ['past_due', 'unpaid', 'incomplete'];

function paymentMethodAttached(event: StripeEnvelope): Reading {
  const read = objectOf(PaymentMethod, event);
  if (!read.ok) return read;
  const method = read.value;
  return take({
    type: 'payment-method.updated',
    fields: { reference: method.id },
    metadata: [method.metadata],
    customer: idOf(method.customer),
  });
}

/** A new default method (or, with the legacy Sources API, a new default source); a removal is no update. */
function customerUpdated(event: StripeEnvelope): Reading {
  const read = objectOf(Customer, event);
  if (!read.ok) return read;
  const customer = read.value;
  const before = event.data.previous_attributes ?? {};
  const settingsBefore = before.invoice_settings;
  const method =
    typeof settingsBefore === 'object' &&
    settingsBefore !== null &&
    'default_payment_method' in settingsBefore
      ? idOf(customer.invoice_settings?.default_payment_method)
      : 'default_source' in before
        ? idOf(customer.default_source)
        : null;
  if (method === null)
    return take({ ignore: `customer ${customer.id} changed, but no new default payment method was set` });
  return take({
    type: 'payment-method.updated',
    fields: { reference: method },
    metadata: [customer.metadata],
    customer: customer.id,
  });
}

function readStripe(event: StripeEnvelope): Reading {
  switch (event.type) {
    case 'invoice.payment_failed':
      return invoiceFailed(event);
    case 'invoice.paid':
    case 'invoice.payment_succeeded':
      return invoicePaid(event);
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return checkoutPaid(event);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return subscriptionChange(event);
    case 'payment_method.attached':
      return paymentMethodAttached(event);
    case 'customer.updated':
      return customerUpdated(event);
    default:
      return take({ ignore: 'not a Stripe event type Opsbook maps' });
  }
}

function metadataText(sources: readonly unknown[], key: string): string | undefined {
  for (const source of sources) {
    const value =
      typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[key] : undefined;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

function definedFields(fields: Readonly<Record<string, Scalar>>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(fields))
    if (value !== null && value !== undefined) out[name] = value;
  return out;
}

/**
 * Maps a verified Stripe event:
 *
 * | Stripe event                                          | Opsbook event                                  |
 * | ----------------------------------------------------- | ---------------------------------------------- |
 * | invoice.payment_failed                                | payment.failed (permanent: no retry planned)   |
 * | invoice.paid, invoice.payment_succeeded               | payment.succeeded (reference: the invoice)     |
 * | checkout.session.completed / async_payment_succeeded  | payment.confirmed when paid, method hosted-checkout |
 * | customer.subscription.created                         | trial.started (trialing), subscription.activated (active) |
 * | customer.subscription.updated                         | subscription.upgraded from trialing; subscription.activated from past_due, unpaid, incomplete |
 * | customer.subscription.deleted                         | subscription.cancelled (reason: Stripe's)      |
 * | payment_method.attached, customer.updated (new default) | payment-method.updated (reference: the method) |
 *
 * Anything else is ignored with a reason naming its type. The account is the object's
 * `metadata.opsbook_account` (for an invoice also its subscription's metadata, where newer API versions put
 * it under `parent`), else `accountOfCustomer(customer id)`; with neither the delivery is ignored. `plan`
 * is `metadata.opsbook_plan` when set (the operator said so), else the first price's `lookup_key`.
 *
 * @example mapStripeEvent(verified.value, (id) => customerLinks.get(id) ?? null)
 */
export function mapStripeEvent(
  event: unknown,
  accountOfCustomer: (customerId: string) => string | null,
): Verified<Mapped> {
  const envelope = parseAt(StripeEnvelope, event, '', STRIPE_PAYLOAD_HINT);
  if (!envelope.ok) return envelope;
  const { id: deliveryId, type: stripeType, created } = envelope.value;
  const ignored = (reason: string): Verified<Mapped> => ({
    ok: true,
    value: { kind: 'ignored', deliveryId, reason: `${stripeType}: ${reason}` },
  });
  const read = readStripe(envelope.value);
  if (!read.ok) return read;
  if ('ignore' in read.value) return ignored(read.value.ignore);
  const draft = read.value;
  const account =
    metadataText(draft.metadata, 'opsbook_account') ??
    (draft.customer ? accountOfCustomer(draft.customer) : null);
  if (!account)
    return ignored(
      `no Opsbook account: metadata.opsbook_account is not set and ${draft.customer ? `customer ${draft.customer} is not linked to an account` : 'no customer is named'}`,
    );
  const plan = metadataText(draft.metadata, 'opsbook_plan') ?? draft.lookupKey;
  const fields = definedFields({ ...draft.fields, plan });
  const paymentEvent: PaymentEvent = {
    deliveryId,
    occurredAtMs: created * 1000,
    account,
    type: draft.type,
    fields,
  };
  return { ok: true, value: { kind: 'event', event: paymentEvent } };
}
