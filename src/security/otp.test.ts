/** SMS one-time codes: uniform 6-digit codes, hashing bound to the challenge, phone numbers to E.164. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashOtp, newOtpCode, normalisePhone, OTP_MAX_ATTEMPTS, OTP_TTL_MS, otpMatches } from './otp.js';

describe('newOtpCode', () => {
  it('makes 6-digit codes, keeping leading zeros', () => {
    const codes = Array.from({ length: 2_000 }, newOtpCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    // P(no code below 100000 in 2,000 draws) = 0.9^2000, about 1e-92.
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
  });

  it('is uniform: every digit in every position about equally often', () => {
    const n = 20_000;
    const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < n; i++) {
      const code = newOtpCode();
      for (let p = 0; p < 6; p++) counts[p]![Number(code[p])]!++;
    }
    // Each cell expects 2,000 (sd about 42); chi-square over 9 degrees of freedom stays far below 40
    // unless the draw is biased (the 1-in-a-million threshold is about 42).
    for (const row of counts) {
      const chi = row.reduce((sum, c) => sum + (c - n / 10) ** 2 / (n / 10), 0);
      expect(chi).toBeLessThan(45);
    }
  });

  it('rarely repeats', () => {
    expect(new Set(Array.from({ length: 100 }, newOtpCode)).size).toBeGreaterThan(95);
  });
});

describe('hashOtp and otpMatches', () => {
  it('is HMAC-SHA256 keyed by the challenge, ignoring spaces', () => {
    const expected = createHmac('sha256', 'chl_1').update('123456').digest('hex');
    expect(hashOtp('123456', 'chl_1')).toBe(expected);
    expect(hashOtp(' 123 456 ', 'chl_1')).toBe(expected);
  });

  it('binds the code to its challenge', () => {
    expect(hashOtp('123456', 'chl_1')).not.toBe(hashOtp('123456', 'chl_2'));
    const stored = hashOtp('123456', 'chl_1');
    expect(otpMatches('123 456', 'chl_1', stored)).toBe(true);
    expect(otpMatches('123456', 'chl_2', stored)).toBe(false);
    expect(otpMatches('123457', 'chl_1', stored)).toBe(false);
    expect(otpMatches('123456', 'chl_1', 'short')).toBe(false);
  });

  it('has the documented limits', () => {
    expect(OTP_TTL_MS).toBe(300_000);
    expect(OTP_MAX_ATTEMPTS).toBe(5);
  });
});

describe('normalisePhone', () => {
  it('returns E.164 for international input', () => {
    expect(normalisePhone('+91 98765 43210')).toEqual({ ok: true, e164: '+919876543210' });
    expect(normalisePhone(' +33 6 12 34 56 78 ')).toEqual({ ok: true, e164: '+33612345678' });
    expect(normalisePhone('+1 (415) 555-2671')).toEqual({ ok: true, e164: '+14155552671' });
  });

  it('reads national numbers in the default country', () => {
    expect(normalisePhone('098765 43210', 'IN')).toEqual({ ok: true, e164: '+919876543210' });
    expect(normalisePhone('06 12 34 56 78', 'FR')).toEqual({ ok: true, e164: '+33612345678' });
    expect(normalisePhone('06 12 34 56 78')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('+44'),
    });
  });

  it('refuses garbage, invalid numbers and numbers that cannot take a text', () => {
    for (const input of ['', '   ', 'garbage', 'call me maybe', '+999 123', '1'.repeat(80)]) {
      expect(normalisePhone(input, 'GB').ok).toBe(false);
    }
    const tooShort = 'This is not a valid phone number for country code +91; check the digits.';
    expect(normalisePhone('+91 98765 4321')).toEqual({ ok: false, problem: tooShort });
    expect(normalisePhone('+91 55555 55555').ok).toBe(false);
    expect(normalisePhone('+44 7911 123456')).toEqual({ ok: true, e164: '+447911123456' });
    expect(normalisePhone('+44 20 7946 0958')).toEqual({
      ok: false,
      problem: 'This number cannot receive text messages; use a mobile number.',
    });
    expect(normalisePhone('+1 800 555 0199').ok).toBe(false);
  });
});
