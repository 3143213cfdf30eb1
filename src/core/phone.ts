/**
 * Phone numbers for SMS, WhatsApp and voice calls, checked when they are configured and again before a send
 * (issue 6: "an invalid phone number … rejected with a precise error when configured, never at 3 a.m.").
 * Providers want E.164 (`+919876543210`); people type `098765 43210`, `(201) 555-0123`, `0044 20 …` or
 * paste `whatsapp:+91…`. Validity is checked against each country's number plan (libphonenumber's full
 * metadata), not only the length. Landlines are accepted: a voice call can ring one.
 *
 * Unlike `normalisePhone` in src/security/otp.ts (sign-in codes, mobiles only), this one does not look at
 * the number's type, and its errors quote the input and show a valid number for that country.
 */
import {
  AsYouType,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  getExampleNumber,
  type CountryCode,
} from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/max/metadata';
import examples from 'libphonenumber-js/mobile/examples';

export type { CountryCode };

export type PhoneResult = { ok: true; e164: string } | { ok: false; error: string };

/** Longer than any number written out with spaces and brackets; stops pathological input early. */
const INPUT_MAX_LENGTH = 64;
/** Shown when we cannot tell which country the number was meant for. */
const GENERIC_EXAMPLE = '+91 98765 43210';
/** What may appear in a written phone number besides digits and a leading `+`. */
const SEPARATORS = /^[\d\s\-()./\u00a0]*$/u;

/**
 * A phone number in E.164 form, or a precise reason it cannot be used. Numbers without `+` (or the `00`
 * international prefix) are read in `defaultCountry`; without one they are refused, since a bare
 * `9876543210` could belong to any country.
 *
 * @example normalisePhone('098765 43210', 'IN') // { ok: true, e164: '+919876543210' }
 * @example normalisePhone('whatsapp:+1 (201) 555-0123') // { ok: true, e164: '+12015550123' }
 */
export function normalisePhone(input: string, defaultCountry?: CountryCode): PhoneResult {
  const shown = quote(input);
  const text = input
    .trim()
    .replace(/^(whatsapp|tel):\s*/i, '')
    .trim();
  if (!text) return fail(`no phone number given; write it in international form, e.g. ${GENERIC_EXAMPLE}`);
  if (text.length > INPUT_MAX_LENGTH) {
    return fail(`${shown} is too long to be a phone number (over ${INPUT_MAX_LENGTH} characters)`);
  }
  const international = text.startsWith('+') || text.startsWith('00');
  const rest = text.startsWith('+') ? text.slice(1) : text;
  if (!SEPARATORS.test(rest)) {
    const bad = [...rest].find((c) => !SEPARATORS.test(c)) ?? '';
    const why = bad === '+' ? 'a + may only come first' : 'letters and extensions cannot be dialled';
    return fail(`${shown} contains “${bad}” (${why}); write digits only, e.g. ${GENERIC_EXAMPLE}`);
  }
  const digits = rest.replace(/\D/g, '');
  if (!digits) return fail(`${shown} has no digits; write it in international form, e.g. ${GENERIC_EXAMPLE}`);
  if (!international) {
    if (!defaultCountry) {
      return fail(
        `${shown} has no country code; write it in international form with + and the country code, ` +
          `e.g. ${GENERIC_EXAMPLE}`,
      );
    }
    if (!isSupportedCountry(defaultCountry)) {
      return fail(`${shown} cannot be read: “${String(defaultCountry)}” is not a known country code`);
    }
  }
  const plain = text.startsWith('+') ? `+${digits}` : international ? `+${digits.slice(2)}` : digits;
  return check(plain, shown, international ? undefined : defaultCountry);
}

function check(plain: string, shown: string, country: CountryCode | undefined): PhoneResult {
  const { where, exampleCountry } = regionOf(plain, country);
  const sample = exampleCountry ? example(exampleCountry) : GENERIC_EXAMPLE;
  const fix = country ? `write it in international form, e.g. ${sample}` : `check the digits, e.g. ${sample}`;
  switch (validatePhoneNumberLength(plain, country)) {
    case undefined:
      break;
    case 'INVALID_COUNTRY':
      return fail(
        `${shown} does not start with a country calling code that exists; check the digits after the +, ` +
          `e.g. ${GENERIC_EXAMPLE}`,
      );
    case 'NOT_A_NUMBER':
      return fail(`${shown} is not a phone number; write it in international form, e.g. ${GENERIC_EXAMPLE}`);
    case 'TOO_SHORT':
      return fail(`${shown} is too short for a phone number ${where}; ${fix}`);
    case 'TOO_LONG':
      return fail(`${shown} is too long for a phone number ${where}; ${fix}`);
    case 'INVALID_LENGTH':
      return fail(`${shown} has the wrong number of digits for a phone number ${where}; ${fix}`);
  }
  const phone = parsePhoneNumberFromString(plain, country);
  if (!phone || !phone.isValid()) {
    return fail(`${shown} is not a valid phone number ${where} (no number there starts this way); ${fix}`);
  }
  return { ok: true, e164: phone.number };
}

/**
 * Where the number was meant to be: `in IN` when the calling code and leading digits name a country, else
 * `with country code +44` (too few or many digits to tell), with the calling code's main country for the
 * example.
 */
function regionOf(
  plain: string,
  country: CountryCode | undefined,
): { where: string; exampleCountry: CountryCode | undefined } {
  const typing = new AsYouType(country);
  typing.input(plain);
  const region = typing.getCountry() ?? country;
  if (region) return { where: `in ${region}`, exampleCountry: region };
  const callingCode = typing.getCallingCode();
  if (!callingCode) return { where: 'anywhere', exampleCountry: undefined };
  const main = metadata.country_calling_codes[callingCode]?.[0];
  return { where: `with country code +${callingCode}`, exampleCountry: main };
}

function example(country: CountryCode): string {
  return getExampleNumber(country, examples)?.formatInternational() ?? GENERIC_EXAMPLE;
}

/** The input as the person typed it, cut short so an error never carries a whole paragraph. */
function quote(input: string): string {
  const trimmed = input.trim();
  return `“${trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed}”`;
}

function fail(error: string): PhoneResult {
  return { ok: false, error };
}
