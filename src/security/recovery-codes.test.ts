/** Recovery codes (SOP: MFA for all logins): format, entropy, uniqueness, normalisation, hashing. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.js';

const FORMAT = /^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){4}$/;

describe('newRecoveryCodes', () => {
  it('makes ten distinct codes in the xxxxx-xxxxx-xxxxx-xxxxx-xxxxx format by default', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(FORMAT);
  });

  it('never uses the ambiguous letters i, l, o, u', () => {
    const all = newRecoveryCodes(100).join('');
    expect(all).not.toMatch(/[ilou]/);
  });

  it('carries at least 112 bits (ASVS V6.5.2): 25 symbols from a 32-letter alphabet, all of them used', () => {
    const symbols = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      for (const c of newRecoveryCodes(100).join('').replaceAll('-', ''))
        symbols.set(c, (symbols.get(c) ?? 0) + 1);
    }
    expect(symbols.size).toBe(32);
    expect(25 * Math.log2(symbols.size)).toBeGreaterThanOrEqual(112);
    // 125,000 symbols: each expected 3,906 times; a biased generator would stray far outside this band.
    for (const n of symbols.values()) expect(n).toBeGreaterThan(3_500);
    for (const n of symbols.values()) expect(n).toBeLessThan(4_300);
  });

  it('honours the count and refuses silly ones', () => {
    expect(newRecoveryCodes(1)).toHaveLength(1);
    expect(() => newRecoveryCodes(0)).toThrow(RangeError);
    expect(() => newRecoveryCodes(1.5)).toThrow(RangeError);
  });
});

describe('normaliseRecoveryCode', () => {
  it('lower-cases and drops dashes and spaces', () => {
    expect(normaliseRecoveryCode(' 7K2M-Q9XD-H4VT ')).toBe('7k2mq9xdh4vt');
    expect(normaliseRecoveryCode('7k2m q9xd h4vt')).toBe('7k2mq9xdh4vt');
    expect(normaliseRecoveryCode('7k2m–q9xd—h4vt')).toBe('7k2mq9xdh4vt');
  });

  it('reads the look-alikes i, l and o as 1, 1 and 0', () => {
    expect(normaliseRecoveryCode('OIL0-1abc-defg')).toBe('0110' + '1abcdefg');
  });

  it('is idempotent and maps every generated code to 25 symbols', () => {
    for (const code of newRecoveryCodes(20)) {
      const once = normaliseRecoveryCode(code);
      expect(once).toHaveLength(25);
      expect(normaliseRecoveryCode(once)).toBe(once);
    }
    fc.assert(
      fc.property(
        fc.string(),
        (s) => normaliseRecoveryCode(normaliseRecoveryCode(s)) === normaliseRecoveryCode(s),
      ),
    );
  });
});

describe('hashRecoveryCode', () => {
  it('is the SHA-256 hex of the normalised code', () => {
    const expected = createHash('sha256').update('7k2mq9xdh4vt').digest('hex');
    expect(hashRecoveryCode('7k2m-q9xd-h4vt')).toBe(expected);
    expect(hashRecoveryCode('7K2M Q9XD H4VT')).toBe(expected);
    expect(hashRecoveryCode('7k2m-q9xd-h4vt')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs for different codes', () => {
    const [a, b] = newRecoveryCodes(2);
    expect(hashRecoveryCode(a!)).not.toBe(hashRecoveryCode(b!));
  });
});
