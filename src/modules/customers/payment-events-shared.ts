/**
 * What the payment-event readers share (payment-events.ts re-exports it): the event and result types, and
 * the reading of payloads into precise problems (`path: what is wrong`). Kept apart from the entry point so
 * that stripe-signature.ts, stripe-events.ts and generic-payment-events.ts import no module that imports them.
 */
import { z } from 'zod';
import { closestName } from '../../packs/suggest.js';

export const PAYMENT_EVENT_TYPES = [
  'payment.failed',
  'payment.succeeded',
  'payment.confirmed',
  'payment-method.updated',
  'trial.started',
  'subscription.activated',
  'subscription.upgraded',
  'subscription.cancelled',
] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

export interface PaymentEvent {
  /** The provider's event id (`evt_…`): the idempotency key of the delivery. */
  readonly deliveryId: string;
  /** When the provider says it happened (Stripe's `created` × 1000). */
  readonly occurredAtMs: number;
  /** The Opsbook account id (the engine's subject `account:<id>`). */
  readonly account: string;
  readonly type: PaymentEventType;
  /** amount (major units: 499.00), attempt, permanent, method, plan, reason, reference, currency. */
  readonly fields: Readonly<Record<string, string | number | boolean>>;
}

export type VerifyCode = 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'SIGNATURE_EXPIRED' | 'PAYLOAD_INVALID';
export type Verified<T> =
  { ok: true; value: T } | { ok: false; code: VerifyCode; message: string; hint: string };
export type Failure = Extract<Verified<unknown>, { ok: false }>;

export type Mapped =
  { kind: 'event'; event: PaymentEvent } | { kind: 'ignored'; deliveryId: string; reason: string };

export const fail = (code: VerifyCode, message: string, hint: string): Failure => ({
  ok: false,
  code,
  message,
  hint,
});

// --- Reading payloads: zod issues as `path: what is wrong`

function describeValue(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return typeof input === 'string' ? JSON.stringify(input.slice(0, 40)) : typeof input;
}

/** Shorter than zod's defaults, and "missing" said as such (the common mistake). */
export const readable: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type')
    return issue.input === undefined
      ? `missing (expected ${issue.expected})`
      : `expected ${issue.expected}, got ${describeValue(issue.input)}`;
  if (issue.code === 'invalid_value')
    return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(issue.input)}`;
  return undefined;
};

/** `data.object.lines.data[0].price`: how Stripe's own documentation names a field. */
function pathText(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(key))) text += text ? `.${String(key)}` : String(key);
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text || '(body)';
}

export function problems(error: z.ZodError, prefix: string, allowed: readonly string[] = []): string {
  const lines = error.issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [`${pathText(prefix, issue.path)}: ${issue.message}`];
    return issue.keys.map((key) => {
      const near = closestName(key, allowed);
      return `${pathText(prefix, [...issue.path, key])}: not a field here${near ? ` (did you mean "${near}"?)` : ''}`;
    });
  });
  return lines.join('; ');
}

export function parseAt<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: string,
  hint: string,
): Verified<z.output<S>> {
  const parsed = schema.safeParse(value, { error: readable });
  if (parsed.success) return { ok: true, value: parsed.data };
  return fail('PAYLOAD_INVALID', problems(parsed.error, prefix), hint);
}

export function parseJson(rawBody: string): Verified<unknown> {
  try {
    return { ok: true, value: JSON.parse(rawBody) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail('PAYLOAD_INVALID', `the body is not JSON: ${detail}`, 'send application/json, UTF-8');
  }
}

// --- Money: three-letter currency codes; Stripe amounts are integers in the currency's minor unit

export const Currency = z.string().regex(/^[a-z]{3}$/i, { error: 'expected a three-letter currency code' });

/** Stripe's zero-decimal currencies (docs: "Currencies › Zero-decimal currencies"). */
const ZERO_DECIMAL = new Set('BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));
/** Stripe counts these in thousandths (docs: "Three-decimal currencies"): 5.124 KWD is 5124. */
const THREE_DECIMAL = new Set('BHD JOD KWD OMR TND'.split(' '));

/** Minor units to major: 49900 usd → 499, 5000 jpy → 5000, 5120 kwd → 5.12. */
export function majorAmount(minor: number, currency: string): number {
  const code = currency.toUpperCase();
  const exponent = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  return minor / 10 ** exponent;
}
