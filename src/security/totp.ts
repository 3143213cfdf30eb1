/**
 * TOTP second factor (company SOP: "Enforce multi-factor authentication (MFA) for all user logins").
 * RFC 6238 with the parameters every authenticator app understands: SHA-1, 6 digits, 30 s steps.
 *
 * ASVS 5.0: the seed comes from a CSPRNG (V6.5.3, 160 bits as RFC 4226 recommends); a code is usable once
 * (V6.5.1): the caller stores the accepted `step` and passes it back as `lastUsedStep`, and any code at or
 * before that step is refused as `reused`. One step either side of the server's step is accepted for clock
 * drift between phone and server (RFC 6238 section 5.2), so a code lives at most 90 s rather than the 30 s
 * V6.5.5 asks for; that is the usual trade-off against lock-outs from a phone a few seconds off.
 * Time is a parameter (`nowMs`, from a trusted server clock: V6.5.8).
 *
 * @example
 * const secret = newTotpSecret(); // store sealed, show totpUri(...) as a QR code
 * const r = checkTotp({ secret, code: '287 082', nowMs, lastUsedStep: user.totpLastStep });
 * if (r.ok) user.totpLastStep = r.step;
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';

const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;
/** Steps accepted either side of the current one (clock drift). */
const DRIFT_STEPS = 1;
const CODE = /^\d{6}$/;

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'malformed' | 'wrong' | 'reused' };

/** A fresh base32 seed of 20 random bytes (160 bits). */
export function newTotpSecret(): string {
  return Secret.fromHex(randomBytes(SECRET_BYTES).toString('hex')).base32;
}

/**
 * The `otpauth://totp/...` URI an authenticator app scans from a QR code.
 *
 * @example totpUri({ secret, account: 'ana@example.com' }) // otpauth://totp/Opsbook:ana%40example.com?...
 */
export function totpUri(input: { secret: string; account: string; issuer?: string }): string {
  return new TOTP({
    issuer: input.issuer ?? 'Opsbook',
    label: input.account,
    secret: Secret.fromBase32(input.secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
  }).toString();
}

/** The RFC 6238 time step (counter) for a moment. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / PERIOD_SECONDS);
}

/** The code an authenticator shows at `nowMs` (for tests and the browser test). */
export function totpCode(secret: string, nowMs: number): string {
  return codeAtStep(Secret.fromBase32(secret), totpStep(nowMs));
}

/**
 * Checks a code typed by the user. Spaces are ignored (`287 082`). Each candidate step is compared in
 * constant time and all candidates are always computed, so timing reveals neither the code nor which
 * step matched. When a code matches both a used and an unused step (a one-in-a-million coincidence), the
 * unused step wins, and of several the newest is returned so the caller's `lastUsedStep` covers them all.
 * Throws only when the stored `secret` is not base32 (a storage bug, not user input).
 */
export function checkTotp(input: {
  secret: string;
  code: string;
  nowMs: number;
  /** The step of the last accepted code for this user, or null if none yet. */
  lastUsedStep: number | null;
}): TotpCheck {
  const code = input.code.replace(/\s+/g, '');
  if (!CODE.test(code)) return { ok: false, reason: 'malformed' };

  const secret = Secret.fromBase32(input.secret);
  const given = Buffer.from(code);
  const current = totpStep(input.nowMs);
  let fresh: number | null = null;
  let replayed = false;
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    const matches = timingSafeEqual(given, Buffer.from(codeAtStep(secret, step)));
    if (!matches) continue;
    if (input.lastUsedStep !== null && step <= input.lastUsedStep) replayed = true;
    else fresh = step;
  }
  if (fresh !== null) return { ok: true, step: fresh };
  return { ok: false, reason: replayed ? 'reused' : 'wrong' };
}

function codeAtStep(secret: Secret, step: number): string {
  return HOTP.generate({ secret, algorithm: ALGORITHM, digits: DIGITS, counter: step });
}
