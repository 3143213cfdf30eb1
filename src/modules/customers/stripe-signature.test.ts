import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { invoice, NOW_MS, NOW_S, stripeEvent } from './payment-events.fixtures.js';
import { verifyStripe } from './stripe-signature.js';

// Stripe endpoint secrets are `whsec_` and 32 characters; the HMAC key is the whole string.
const SECRET = 'whsec_9aXq3Lr7TzKp2VwN8bYc4HdF6gJm1sQe';
const OLD_SECRET = 'whsec_Rt5Yu8Io2Pa4Sd6Fg9Hj1Kl3Zx7Cv0Bn';

function stripeSignature(body: string, secret: string, t = NOW_S): string {
  return createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
}
const stripeHeader = (body: string, secret = SECRET, t = NOW_S) =>
  `t=${t},v1=${stripeSignature(body, secret, t)}`;

describe('verifyStripe', () => {
  const body = JSON.stringify(stripeEvent('invoice.payment_failed', invoice()));

  it('accepts a body signed with the endpoint secret and returns it parsed', () => {
    expect(verifyStripe(body, stripeHeader(body), [SECRET], NOW_MS)).toEqual({
      ok: true,
      value: JSON.parse(body),
    });
  });

  it('refuses a signature made with another secret', () => {
    const result = verifyStripe(body, stripeHeader(body, OLD_SECRET), [SECRET], NOW_MS);
    expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses a body changed after signing', () => {
    const tampered = body.replace('"amount_due":49900', '"amount_due":100');
    expect(tampered).not.toBe(body);
    expect(verifyStripe(tampered, stripeHeader(body), [SECRET], NOW_MS)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
  });

  it('refuses a timestamp more than 300 s old or ahead, and accepts one at the limit', () => {
    const at = (t: number, toleranceS?: number) =>
      verifyStripe(body, stripeHeader(body, SECRET, t), [SECRET], NOW_MS, toleranceS);
    expect(at(NOW_S - 300).ok).toBe(true);
    expect(at(NOW_S + 300).ok).toBe(true);
    expect(at(NOW_S - 301)).toMatchObject({
      code: 'SIGNATURE_EXPIRED',
      message: expect.stringMatching(/301 s old/),
    });
    expect(at(NOW_S + 301)).toMatchObject({
      code: 'SIGNATURE_EXPIRED',
      message: expect.stringMatching(/in the future/),
    });
    expect(at(NOW_S - 100, 60)).toMatchObject({ code: 'SIGNATURE_EXPIRED' });
  });

  it('does not call a stale forgery expired: the signature is checked first', () => {
    const result = verifyStripe(body, stripeHeader(body, OLD_SECRET, NOW_S - 3600), [SECRET], NOW_MS);
    expect(result).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('accepts the second v1 of a header signed with the old and the new secret (rotation)', () => {
    const header = `t=${NOW_S},v1=${stripeSignature(body, OLD_SECRET)},v1=${stripeSignature(body, SECRET)}`;
    expect(verifyStripe(body, header, [SECRET], NOW_MS).ok).toBe(true);
    expect(verifyStripe(body, header, ['whsec_someoneElse0000000000000000000'], NOW_MS).ok).toBe(false);
  });

  it('accepts a signature of any configured secret (old and new during a rotation)', () => {
    expect(verifyStripe(body, stripeHeader(body, OLD_SECRET), [SECRET, OLD_SECRET], NOW_MS).ok).toBe(true);
    expect(verifyStripe(body, stripeHeader(body, SECRET), [SECRET, OLD_SECRET], NOW_MS).ok).toBe(true);
  });

  it('answers a missing header as missing, and a header without t or v1 as invalid', () => {
    expect(verifyStripe(body, undefined, [SECRET], NOW_MS)).toMatchObject({ code: 'SIGNATURE_MISSING' });
    expect(verifyStripe(body, '', [SECRET], NOW_MS)).toMatchObject({ code: 'SIGNATURE_MISSING' });
    const onlyV0 = `t=${NOW_S},v0=${stripeSignature(body, SECRET)}`;
    expect(verifyStripe(body, onlyV0, [SECRET], NOW_MS)).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const noTime = `v1=${stripeSignature(body, SECRET)}`;
    expect(verifyStripe(body, noTime, [SECRET], NOW_MS)).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('says so when no secret is configured', () => {
    expect(verifyStripe(body, stripeHeader(body), [], NOW_MS)).toMatchObject({
      code: 'SIGNATURE_INVALID',
      hint: expect.stringMatching(/no Stripe endpoint secret/),
    });
  });

  it('answers a signed body that is not JSON as PAYLOAD_INVALID', () => {
    const text = 'not json';
    expect(verifyStripe(text, stripeHeader(text), [SECRET], NOW_MS)).toMatchObject({
      code: 'PAYLOAD_INVALID',
    });
  });
});
