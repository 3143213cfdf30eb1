/**
 * The phone column of a contact import: the same numbers the contacts API takes, in the same E.164, found
 * fast enough for 100,000 rows, and a hint with an example number for the import's default country.
 */
import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/mobile';
import examples from 'libphonenumber-js/mobile/examples';
import { normalisePhone as explainPhone } from '../../core/phone.js';
import { normalisePhone as smsPhone } from '../../security/otp.js';

/** Digits and the separators people type; anything else (letters, `ext. 5`, `#5`) cannot be dialled. */
const DIALLABLE = /^\+?[\d\s\-()./\u00a0]+$/;

/**
 * The phone in E.164 when the contacts API would take it (`normalisePhone` of src/security/otp.ts): valid
 * for the country's number plan and able to receive the sign-in code by SMS (SOP "confirm phone format before
 * OTP rollout"). That check takes about 2.5 s of CPU per 100,000 numbers, so a faster one goes first:
 * libphonenumber's mobile metadata (about 1 s) accepts only mobile numbers, which the OTP check accepts too;
 * only what it refuses, rare in a good file, gets the OTP check, which also takes VoIP and pager numbers.
 * Text with letters or symbols (`ext. 5`, `tel:`) is refused outright, as `src/core/phone.ts` does.
 *
 * @example
 * checkPhone('98765 43210', 'IN'); // { e164: '+919876543210' }
 * checkPhone('011 2345 6789', 'IN'); // { problem: '“011 2345 6789”: This number cannot receive text messages; …' }
 */
export function checkPhone(text: string, country: CountryCode): { e164: string } | { problem: string } {
  const dialable = DIALLABLE.test(text);
  if (dialable) {
    const mobile = parsePhoneNumberFromString(text, { defaultCountry: country, extract: false });
    if (mobile?.isValid()) return { e164: mobile.number };
  }
  const sms = dialable ? smsPhone(text, country) : null;
  if (sms?.ok) return { e164: sms.e164 };
  // core/phone.ts says precisely what is wrong with an invalid number; for a valid one (a landline, a
  // toll-free number) the OTP check's own reason is the one that matters.
  const reason = explainPhone(text, country);
  if (!reason.ok) return { problem: reason.error };
  return {
    problem: sms ? `“${text}”: ${sms.problem}` : `“${text}” contains characters that cannot be dialled`,
  };
}

/** What to do about a bad phone, with an example mobile number of the default country. */
export function phoneHint(country: CountryCode): string {
  const example = getExampleNumber(country, examples);
  const shown = example ? `${example.formatInternational()} (saved as ${example.number})` : '+91 98765 43210';
  return `Write the number with its country code, e.g. ${shown}.`;
}
