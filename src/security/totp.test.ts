/** TOTP (SOP: MFA for all logins): RFC 6238 vectors, the drift window, replay refusal, malformed input. */
import fc from 'fast-check';
import { HOTP, Secret, TOTP, URI } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { checkTotp, newTotpSecret, totpCode, totpStep, totpUri } from './totp.js';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;
const T0 = 1_111_111_109_000; // RFC vector time, ms; step 37037036

describe('totpCode', () => {
  it('matches the RFC 6238 SHA-1 vectors (8 digits there, so the last 6 here)', () => {
    const eight = TOTP.generate({ secret: Secret.fromBase32(RFC_SECRET), digits: 8, timestamp: 59_000 });
    expect(eight).toBe('94287082');
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1_111_111_109, '07081804'],
      [1_111_111_111, '14050471'],
      [1_234_567_890, '89005924'],
      [2_000_000_000, '69279037'],
      [20_000_000_000, '65353130'],
    ];
    for (const [seconds, code] of vectors) expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code.slice(2));
  });

  it('changes every 30 s', () => {
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
    expect(totpCode(RFC_SECRET, 30_000)).toBe(totpCode(RFC_SECRET, 59_999));
  });
});

describe('newTotpSecret and totpUri', () => {
  it('makes distinct 160-bit base32 seeds', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(Secret.fromBase32(a).bytes).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(a);
  });

  it('builds an otpauth URI an authenticator app reads back', () => {
    const secret = newTotpSecret();
    const uri = totpUri({ secret, account: 'ana@example.com' });
    expect(uri.startsWith('otpauth://totp/Opsbook:ana%40example.com?')).toBe(true);
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    const totp = parsed as TOTP;
    expect([totp.issuer, totp.algorithm, totp.digits, totp.period]).toEqual(['Opsbook', 'SHA1', 6, 30]);
    expect(totp.secret.base32).toBe(secret);
    expect(totpUri({ secret, account: 'ana', issuer: 'Acme Ops' })).toContain('issuer=Acme%20Ops');
  });
});

describe('checkTotp', () => {
  const secret = RFC_SECRET;
  const step = totpStep(T0);
  const at = (offsetSteps: number) => totpCode(secret, T0 + offsetSteps * 30_000);

  it('accepts the current code and reports its step', () => {
    expect(checkTotp({ secret, code: at(0), nowMs: T0, lastUsedStep: null })).toEqual({ ok: true, step });
    expect(checkTotp({ secret, code: '081804', nowMs: T0, lastUsedStep: null })).toEqual({ ok: true, step });
  });

  it('accepts one step of drift either way, not two', () => {
    expect(checkTotp({ secret, code: at(-1), nowMs: T0, lastUsedStep: null })).toEqual({
      ok: true,
      step: step - 1,
    });
    expect(checkTotp({ secret, code: at(1), nowMs: T0, lastUsedStep: null })).toEqual({
      ok: true,
      step: step + 1,
    });
    for (const far of [-2, 2]) {
      expect(checkTotp({ secret, code: at(far), nowMs: T0, lastUsedStep: null })).toEqual({
        ok: false,
        reason: 'wrong',
      });
    }
  });

  it('refuses a code from a step already used, and an older one (ASVS V6.5.1)', () => {
    const first = checkTotp({ secret, code: at(0), nowMs: T0, lastUsedStep: null });
    expect(first.ok).toBe(true);
    const lastUsedStep = first.ok ? first.step : null;
    expect(checkTotp({ secret, code: at(0), nowMs: T0 + 5_000, lastUsedStep })).toEqual({
      ok: false,
      reason: 'reused',
    });
    expect(checkTotp({ secret, code: at(-1), nowMs: T0, lastUsedStep })).toEqual({
      ok: false,
      reason: 'reused',
    });
    // The next step's code is still good.
    expect(checkTotp({ secret, code: at(1), nowMs: T0 + 30_000, lastUsedStep })).toEqual({
      ok: true,
      step: step + 1,
    });
  });

  it('trims spaces and refuses malformed codes', () => {
    const spaced = `  ${at(0).slice(0, 3)} ${at(0).slice(3)} `;
    expect(checkTotp({ secret, code: spaced, nowMs: T0, lastUsedStep: null }).ok).toBe(true);
    for (const code of ['', '12345', '1234567', '12a456', '１２３４５６', '123-456', '94287082']) {
      expect(checkTotp({ secret, code, nowMs: T0, lastUsedStep: null })).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('never accepts a code that is not one of the three in the window', () => {
    const valid = new Set([at(-1), at(0), at(1)]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), (n) => {
        const code = String(n).padStart(6, '0');
        const r = checkTotp({ secret, code, nowMs: T0, lastUsedStep: null });
        expect(r.ok).toBe(valid.has(code));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with otpauth HOTP at the computed step', () => {
    const code = HOTP.generate({ secret: Secret.fromBase32(secret), counter: step });
    expect(code).toBe(at(0));
  });
});
