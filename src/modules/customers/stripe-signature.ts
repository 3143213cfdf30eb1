/**
 * Stripe's `Stripe-Signature` header checked by hand, as Stripe's documentation describes ("Check the webhook
 * signatures", manual verification): the delivery is authentic before anything in it is read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_TOLERANCE_SECONDS } from '../../channels/standard-webhooks.js';
import { fail, parseJson, type Verified } from './payment-events-shared.js';

const STRIPE_SIGNATURE_HINT = 'expected Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…]';

function parseStripeHeader(header: string): { t: string; v1: string[] } | null {
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't') t = value;
    // `v0` is Stripe's legacy test-mode scheme: never accepted, as Stripe's own libraries do.
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) v1.push(value.toLowerCase());
  }
  return t !== undefined && /^\d{1,12}$/.test(t) && v1.length > 0 ? { t, v1 } : null;
}

/**
 * Checks a Stripe delivery: the header, an HMAC-SHA256 of `${t}.${rawBody}` keyed with an endpoint secret
 * (the whole `whsec_…` string, as Stripe does) in some `v1`, and `t` within `toleranceS` of now either way.
 * Several secrets are tried (rotation); Stripe may also sign with old and new secrets at once (several v1).
 * The signature is checked before the time, so SIGNATURE_EXPIRED means a genuine but stale delivery: Stripe
 * signs each retry afresh, so that is a replay or a wrong clock here. `rawBody` must be the body exactly as
 * received, before any JSON parsing.
 *
 * @example verifyStripe(rawBody, request.headers['stripe-signature'], [secret], clock.now())
 */
export function verifyStripe(
  rawBody: string,
  header: string | undefined,
  secrets: readonly string[],
  nowMs: number,
  toleranceS = DEFAULT_TOLERANCE_SECONDS,
): Verified<unknown> {
  if (!header?.trim())
    return fail(
      'SIGNATURE_MISSING',
      'the Stripe-Signature header is missing',
      'Stripe signs every delivery: this request did not come from Stripe, or a proxy dropped the header',
    );
  const parsed = parseStripeHeader(header);
  if (!parsed)
    return fail(
      'SIGNATURE_INVALID',
      'Stripe-Signature has no t= timestamp or no v1= signature',
      STRIPE_SIGNATURE_HINT,
    );
  const given = parsed.v1.map((hex) => Buffer.from(hex, 'hex'));
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(`${parsed.t}.${rawBody}`, 'utf8').digest();
    // Not short-circuited: every pair is compared, so the time taken does not say which one was close.
    for (const candidate of given) if (timingSafeEqual(candidate, expected)) matched = true;
  }
  if (!matched)
    return fail(
      'SIGNATURE_INVALID',
      'no v1 signature in Stripe-Signature matches an endpoint secret',
      secrets.length === 0
        ? 'no Stripe endpoint secret is configured'
        : "check this endpoint's signing secret (whsec_…) in Stripe's dashboard, and that the body is verified unparsed",
    );
  const skewS = nowMs / 1000 - Number(parsed.t);
  if (Math.abs(skewS) > toleranceS)
    return fail(
      'SIGNATURE_EXPIRED',
      `the signature's timestamp is ${Math.round(Math.abs(skewS))} s ${skewS > 0 ? 'old' : 'in the future'} (limit ${toleranceS} s)`,
      "Stripe signs every retry afresh: a stale signature is a replay, or this server's clock is wrong",
    );
  return parseJson(rawBody);
}
