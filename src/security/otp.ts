/**
 * One-time codes sent by SMS for phone sign-in, one of the factors behind the company SOP "Enforce
 * multi-factor authentication (MFA) for all user logins".
 *
 * A 6-digit code has only 10^6 values (about 20 bits, the ASVS 5.0 V6.5.4 minimum), so the code itself is
 * not what keeps an attacker out. What does: each code belongs to one challenge (V6.6.2), lives 5 minutes
 * (`OTP_TTL_MS`, within the 10 minutes V6.5.5 allows), allows 5 wrong tries (`OTP_MAX_ATTEMPTS`, rate
 * limiting per V6.6.3; 5 tries in 10^6 is a 1-in-200,000 chance) and is deleted once used (V6.5.1). The
 * hash stored for it is HMAC-SHA256 keyed by the challenge id: it keeps the plain code out of the database
 * and logs and binds the code to its challenge, but anyone who can read the challenge row can still try all
 * 10^6 codes offline in well under a second. That is acceptable only because the code expires in minutes.
 * ASVS V6.6.1: offer SMS only for a phone number already verified, and alongside TOTP.
 *
 * @example
 * const code = newOtpCode();
 * await store.createChallenge({ id, phone, codeHash: hashOtp(code, id), expiresAt: nowMs + OTP_TTL_MS });
 * // later: attempts < OTP_MAX_ATTEMPTS && nowMs < expiresAt && otpMatches(typed, id, row.codeHash)
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode, type NumberType } from 'libphonenumber-js/max';

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
const OTP_DIGITS = 6;
/** Longer than any phone number written out with spaces, brackets and an extension. */
const PHONE_INPUT_MAX_LENGTH = 64;

/** A uniform 6-digit code from a CSPRNG (`randomInt` rejects biased draws), leading zeros kept. */
export function newOtpCode(): string {
  return String(randomInt(0, 10 ** OTP_DIGITS)).padStart(OTP_DIGITS, '0');
}

/**
 * HMAC-SHA256 (hex) of the code, keyed by the challenge id. Spaces in the typed code are ignored, so
 * `123 456` matches `123456`.
 */
export function hashOtp(code: string, challengeId: string): string {
  return createHmac('sha256', challengeId).update(code.replace(/\s+/g, ''), 'utf8').digest('hex');
}

/** Whether a typed code matches the stored hash, compared in constant time. */
export function otpMatches(code: string, challengeId: string, storedHash: string): boolean {
  const given = Buffer.from(hashOtp(code, challengeId), 'utf8');
  const stored = Buffer.from(storedHash, 'utf8');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export type PhoneCheck = { ok: true; e164: string } | { ok: false; problem: string };

/** Number types that cannot receive an SMS. */
const NO_SMS: ReadonlySet<NumberType> = new Set<NumberType>([
  'FIXED_LINE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'VOICEMAIL',
  'UAN',
]);

/**
 * A typed phone number in E.164 form (`+919876543210`), or why it cannot be used. Numbers without a `+`
 * prefix are read in `defaultCountry`. Uses libphonenumber's full metadata so validity is checked against
 * each country's number plan, not only the length, and landlines and toll-free numbers are refused.
 *
 * @example normalisePhone('+91 98765 43210') // { ok: true, e164: '+919876543210' }
 */
export function normalisePhone(input: string, defaultCountry?: CountryCode): PhoneCheck {
  const text = input.trim();
  if (!text) return { ok: false, problem: 'Enter a phone number.' };
  if (text.length > PHONE_INPUT_MAX_LENGTH)
    return { ok: false, problem: 'This is too long to be a phone number.' };
  const phone = parsePhoneNumberFromString(text, defaultCountry);
  if (!phone) {
    return {
      ok: false,
      problem: defaultCountry
        ? 'This does not look like a phone number.'
        : 'This does not look like a phone number; include the country code, like +44 or +91.',
    };
  }
  if (!phone.isValid()) {
    return {
      ok: false,
      problem: `This is not a valid phone number for country code +${phone.countryCallingCode}; check the digits.`,
    };
  }
  const type = phone.getType();
  if (type && NO_SMS.has(type)) {
    return { ok: false, problem: 'This number cannot receive text messages; use a mobile number.' };
  }
  return { ok: true, e164: phone.number };
}
