/** Secrets at rest (S7): round trip, a flipped or moved ciphertext fails, rotation re-wraps, nothing leaks. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  openSecret as open,
  resealSecret as reseal,
  sealSecret as seal,
  SecretError,
  type SecretContext,
} from './secrets.js';

const oldKey = { id: '2026-01', key: randomBytes(32) };
const newKey = { id: '2026-11', key: randomBytes(32) };
const here: SecretContext = { workspaceId: 'ws_a', field: 'channels.slack_webhook_url', recordId: 'ch_1' };
const CANARY = 'https://hooks.slack.test/T000/B000/canary-5f1b';

describe('secrets at rest', () => {
  it('seals with a fresh nonce and opens in its place', () => {
    const ring = createKeyring([newKey]);
    const a = seal(ring, CANARY, here);
    const b = seal(ring, CANARY, here);
    expect(a).not.toBe(b);
    expect(a).not.toContain('canary');
    expect(a.startsWith('v1.2026-11.')).toBe(true);
    expect(open(ring, a, here)).toBe(CANARY);
  });

  it('refuses a ciphertext moved to another row, column or workspace', () => {
    const ring = createKeyring([newKey]);
    const sealed = seal(ring, CANARY, here);
    for (const elsewhere of [
      { ...here, recordId: 'ch_2' },
      { ...here, field: 'channels.sms_token' },
      { ...here, workspaceId: 'ws_b' },
    ])
      expect(() => open(ring, sealed, elsewhere)).toThrow(SecretError);
  });

  it('refuses any flipped bit, a truncation and an unknown key, without the plaintext in the message', () => {
    const ring = createKeyring([newKey]);
    const sealed = seal(ring, CANARY, here);
    const [v, id, nonce, body] = sealed.split('.') as [string, string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const flipped = Buffer.from(bytes);
      flipped[i]! ^= 0x01;
      expect(() => open(ring, [v, id, nonce, flipped.toString('base64url')].join('.'), here)).toThrow(
        SecretError,
      );
    }
    expect(() => open(ring, [v, id, nonce, body.slice(0, 10)].join('.'), here)).toThrow(/truncated/);
    expect(() => open(createKeyring([oldKey]), sealed, here)).toThrow(/"2026-11" .* not in the keyring/);
    try {
      open(ring, sealed, { ...here, recordId: 'x' });
    } catch (err) {
      expect(String(err)).not.toContain('canary');
      expect(String(err)).not.toContain(newKey.key.toString('base64'));
    }
  });

  it('rotates: old values still open, and reseal moves them to the current key', () => {
    const before = seal(createKeyring([oldKey]), CANARY, here);
    const ring = createKeyring([newKey, oldKey]);
    expect(open(ring, before, here)).toBe(CANARY);
    const after = reseal(ring, before, here);
    expect(after.split('.')[1]).toBe('2026-11');
    expect(open(createKeyring([newKey]), after, here)).toBe(CANARY);
    expect(reseal(ring, after, here)).toBe(after);
  });

  it('refuses a weak keyring', () => {
    expect(() => createKeyring([])).toThrow(SecretError);
    expect(() => createKeyring([{ id: 'k', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => createKeyring([{ id: 'Bad Id', key: randomBytes(32) }])).toThrow(/key id/);
    expect(() => createKeyring([newKey, newKey])).toThrow(/twice/);
  });
});
