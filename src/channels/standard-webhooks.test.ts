import { describe, expect, it } from 'vitest';
import { isWebhookSecret, newWebhookSecret, signWebhook, verifyWebhook } from './standard-webhooks.js';

// The example vector published with the Standard Webhooks reference libraries.
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

const NOW = 1_760_000_000;
const BODY = '{"type":"incident.declared","data":{"text":"नमस्ते 🎫"}}';

function headersFor(secrets: readonly string[], id = 'msg_1', timestamp = NOW, body = BODY) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secrets, id, timestamp, body),
  };
}

describe('signWebhook', () => {
  it('reproduces the spec example vector', () => {
    expect(signWebhook([SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).toBe(SPEC_SIGNATURE);
  });

  it('signs once per secret during a rotation', () => {
    const other = newWebhookSecret();
    const header = signWebhook([SPEC_SECRET, other], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    const parts = header.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(SPEC_SIGNATURE);
    expect(parts[1]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses to sign without a secret', () => {
    expect(() => signWebhook([], 'msg_1', NOW, BODY)).toThrow(/at least one secret/);
    expect(() => signWebhook(['whsec_'], 'msg_1', NOW, BODY)).toThrow(/empty/);
  });
});

describe('newWebhookSecret', () => {
  it('makes distinct whsec_ secrets of 32 bytes', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(isWebhookSecret(a)).toBe(true);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('tells usable secrets from unusable ones', () => {
    expect(isWebhookSecret(SPEC_SECRET)).toBe(true);
    expect(isWebhookSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(false);
    expect(isWebhookSecret('whsec_c2hvcnQ=')).toBe(false);
    expect(isWebhookSecret('whsec_not base64!')).toBe(false);
  });
});

describe('verifyWebhook', () => {
  const secret = newWebhookSecret();

  it('accepts the spec example within the tolerance', () => {
    const headers = {
      'Webhook-Id': SPEC_ID,
      'Webhook-Timestamp': String(SPEC_TIMESTAMP),
      'Webhook-Signature': SPEC_SIGNATURE,
    };
    expect(verifyWebhook([SPEC_SECRET], headers, SPEC_BODY, SPEC_TIMESTAMP + 10)).toEqual({ ok: true });
  });

  it('accepts a round trip and rejects a tampered body, id or timestamp', () => {
    const headers = headersFor([secret]);
    expect(verifyWebhook([secret], headers, BODY, NOW)).toEqual({ ok: true });
    expect(verifyWebhook([secret], headers, BODY.replace('🎫', '🎟'), NOW)).toMatchObject({ ok: false });
    expect(verifyWebhook([secret], { ...headers, 'webhook-id': 'msg_2' }, BODY, NOW)).toMatchObject({
      ok: false,
    });
    const shifted = { ...headers, 'webhook-timestamp': String(NOW + 1) };
    expect(verifyWebhook([secret], shifted, BODY, NOW)).toMatchObject({ ok: false });
  });

  it('rejects a wrong secret', () => {
    const verdict = verifyWebhook([newWebhookSecret()], headersFor([secret]), BODY, NOW);
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/no v1 signature .* matches/) });
  });

  it('rejects stale and future timestamps beyond the tolerance, accepts the edges', () => {
    const at = (t: number) => verifyWebhook([secret], headersFor([secret], 'msg_1', t), BODY, NOW);
    expect(at(NOW - 300)).toEqual({ ok: true });
    expect(at(NOW + 300)).toEqual({ ok: true });
    expect(at(NOW - 301)).toEqual({ ok: false, reason: 'webhook-timestamp is 301 s old (limit 300 s)' });
    expect(at(NOW + 301)).toEqual({
      ok: false,
      reason: 'webhook-timestamp is 301 s in the future (limit 300 s)',
    });
  });

  it('accepts either secret during a rotation, and each signature on its own', () => {
    const next = newWebhookSecret();
    const headers = headersFor([next, secret]);
    expect(verifyWebhook([secret], headers, BODY, NOW)).toEqual({ ok: true });
    expect(verifyWebhook([next], headers, BODY, NOW)).toEqual({ ok: true });
    const [first, second] = headers['webhook-signature'].split(' ');
    expect(verifyWebhook([next], { ...headers, 'webhook-signature': first! }, BODY, NOW)).toEqual({
      ok: true,
    });
    expect(verifyWebhook([secret], { ...headers, 'webhook-signature': second! }, BODY, NOW)).toEqual({
      ok: true,
    });
    expect(verifyWebhook([next], { ...headers, 'webhook-signature': second! }, BODY, NOW)).toMatchObject({
      ok: false,
    });
  });

  it('rejects missing headers, malformed timestamps and signatures of other versions', () => {
    const headers = headersFor([secret]);
    const unsigned = {
      'webhook-id': headers['webhook-id'],
      'webhook-timestamp': headers['webhook-timestamp'],
    };
    expect(verifyWebhook([secret], unsigned, BODY, NOW)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/missing header/),
    });
    expect(verifyWebhook([secret], { ...headers, 'webhook-timestamp': '1e9' }, BODY, NOW)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not whole seconds/),
    });
    const v1a = headers['webhook-signature'].replace('v1,', 'v1a,');
    expect(verifyWebhook([secret], { ...headers, 'webhook-signature': v1a }, BODY, NOW)).toMatchObject({
      ok: false,
    });
  });

  it('reads node-style header arrays', () => {
    const headers = headersFor([secret]);
    const asArrays = { ...headers, 'webhook-signature': [headers['webhook-signature']] };
    expect(verifyWebhook([secret], asArrays, BODY, NOW)).toEqual({ ok: true });
  });
});
