import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../channels/standard-webhooks.js';
import { verifyGeneric } from './generic-payment-events.js';
import type { PaymentEvent, Verified } from './payment-events.js';
import { NOW_MS, NOW_S, without } from './payment-events.fixtures.js';

describe('verifyGeneric', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const valid = {
    id: 'pay_evt_81',
    type: 'payment.failed',
    account: 'cafe-lumen',
    occurredAt: '2025-10-09T08:30:00+02:00',
    amount: 499,
    currency: 'usd',
    attempt: 2,
    permanent: true,
    plan: 'pro',
  };
  const signed = (body: string, key = secret, t = NOW_S) => ({
    'webhook-id': 'msg_2a9',
    'webhook-timestamp': String(t),
    'webhook-signature': signWebhook([key], 'msg_2a9', t, body),
  });
  const send = (payload: unknown) => {
    const body = JSON.stringify(payload);
    return verifyGeneric(body, signed(body), [secret], NOW_MS);
  };
  const problem = (result: Verified<PaymentEvent>) => {
    if (result.ok) throw new Error('expected PAYLOAD_INVALID');
    expect(result.code).toBe('PAYLOAD_INVALID');
    return result;
  };

  it('reads a signed delivery into a PaymentEvent', () => {
    expect(send(valid)).toEqual({
      ok: true,
      value: {
        deliveryId: 'pay_evt_81',
        occurredAtMs: Date.UTC(2025, 9, 9, 6, 30),
        account: 'cafe-lumen',
        type: 'payment.failed',
        fields: { amount: 499, currency: 'USD', attempt: 2, permanent: true, plan: 'pro' },
      },
    });
  });

  it('refuses a wrong secret, a changed body, a stale timestamp and missing headers', () => {
    const body = JSON.stringify(valid);
    const other = 'whsec_Rt5Yu8Io2Pa4Sd6Fg9Hj1Kl3Zx7Cv0Bn';
    expect(verifyGeneric(body, signed(body, other), [secret], NOW_MS)).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    const changed = body.replace('"amount":499', '"amount":4');
    expect(verifyGeneric(changed, signed(body), [secret], NOW_MS)).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    expect(verifyGeneric(body, signed(body, secret, NOW_S - 301), [secret], NOW_MS)).toMatchObject({
      code: 'SIGNATURE_EXPIRED',
    });
    const unsigned = without(signed(body), 'webhook-signature');
    expect(verifyGeneric(body, unsigned, [secret], NOW_MS)).toMatchObject({
      code: 'SIGNATURE_MISSING',
      message: 'missing header: webhook-signature',
    });
  });

  it('reads headers whatever their case', () => {
    const body = JSON.stringify(valid);
    const upper = Object.fromEntries(Object.entries(signed(body)).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyGeneric(body, upper, [secret], NOW_MS).ok).toBe(true);
  });

  it('names each bad field with what is wrong', () => {
    const { message } = problem(send({ ...valid, amount: '499', attempt: 1.5, occurredAt: 'yesterday' }));
    expect(message).toContain('amount: expected number, got "499"');
    expect(message).toContain('attempt: ');
    expect(message).toContain('occurredAt: expected an ISO 8601 instant');
  });

  it('refuses fields the type does not take, suggesting the near one', () => {
    const rest = without(valid, 'amount');
    const typo = problem(send({ ...rest, amout: 499 }));
    expect(typo.message).toBe('amout: not a field here (did you mean "amount"?)');
    expect(typo.hint).toContain('payment.failed takes:');
    const succeeded = problem(send({ ...valid, type: 'payment.succeeded' }));
    expect(succeeded.message).toContain('permanent: not a field here');
    expect(succeeded.message).toContain('attempt: not a field here');
  });

  it('refuses an unknown type, listing the types', () => {
    const result = problem(send({ ...valid, type: 'payment.refunded' }));
    expect(result.message).toMatch(/^type: expected "payment\.failed" or .*got "payment\.refunded"/);
    expect(result.hint).toContain('subscription.cancelled');
    const typo = problem(send({ ...valid, type: 'payment.faild' }));
    expect(typo.hint).toMatch(/^did you mean "payment\.failed"\?/);
  });

  it('names a missing account and a body that is not an object', () => {
    const rest = without(valid, 'account');
    expect(problem(send(rest)).message).toBe('account: missing (expected string)');
    expect(problem(send([valid])).message).toMatch(/^\(body\): expected object, got an array/);
  });
});
