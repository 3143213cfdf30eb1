import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePhone } from './phone.js';

const ok = (e164: string) => ({ ok: true, e164 });

describe('normalisePhone: accepted forms', () => {
  it.each([
    ['+91 98765 43210', undefined, '+919876543210'],
    ['+91-98765-43210', undefined, '+919876543210'],
    ['0091 98765 43210', undefined, '+919876543210'],
    ['9876543210', 'IN', '+919876543210'],
    ['098765 43210', 'IN', '+919876543210'],
    ['whatsapp:+919876543210', undefined, '+919876543210'],
    ['WhatsApp: +91 98765 43210', undefined, '+919876543210'],
    ['  +91 (98765) 43210  ', undefined, '+919876543210'],
    ['+1 (201) 555-0123', undefined, '+12015550123'],
    ['(201) 555-0123', 'US', '+12015550123'],
    ['201.555.0123', 'US', '+12015550123'],
    ['+44 7400 123456', undefined, '+447400123456'],
    ['07400 123456', 'GB', '+447400123456'],
    ['0044 20 7946 0958', undefined, '+442079460958'],
    ['+44 20 7946 0958', 'IN', '+442079460958'],
  ] as const)('%s (default %s) → %s', (input, country, e164) => {
    expect(normalisePhone(input, country)).toEqual(ok(e164));
  });

  it('accepts a landline, since a voice call can ring one', () => {
    expect(normalisePhone('+91 11 2345 6789')).toEqual(ok('+911123456789'));
  });
});

describe('normalisePhone: precise errors', () => {
  const error = (input: string, country?: Parameters<typeof normalisePhone>[1]) => {
    const result = normalisePhone(input, country);
    expect(result.ok).toBe(false);
    return result.ok ? '' : result.error;
  };

  it('says a short Indian number is too short, where, and how to write it', () => {
    expect(error('98765', 'IN')).toBe(
      '“98765” is too short for a phone number in IN; write it in international form, e.g. +91 81234 56789',
    );
  });

  it('names the calling code when the digits are too many to tell the country', () => {
    expect(error('+44 7400 1234567')).toBe(
      '“+44 7400 1234567” is too long for a phone number with country code +44; check the digits, ' +
        'e.g. +44 7400 123456',
    );
  });

  it('refuses a US number no one can have (555 area code)', () => {
    expect(error('+1 555 555 5555')).toMatch(
      /not a valid phone number with country code \+1.*\+1 201 555 0123/,
    );
  });

  it('refuses a bare national number when no country is known', () => {
    expect(error('9876543210')).toMatch(/“9876543210” has no country code; .*\+91 98765 43210/);
  });

  it('refuses letters and extensions instead of guessing', () => {
    expect(error('1-800-FLOWERS', 'US')).toMatch(/contains “F” \(letters and extensions cannot be dialled\)/);
    expect(error('+91 98765 43210 ext 12')).toMatch(/contains “e”/);
    expect(error('+91 98765+43210')).toMatch(/a \+ may only come first/);
  });

  it('refuses a calling code that does not exist', () => {
    expect(error('+999 1234567')).toMatch(/does not start with a country calling code that exists/);
  });

  it('refuses empty, digitless and overlong input', () => {
    expect(error('   ')).toMatch(/^no phone number given/);
    expect(error('whatsapp:')).toMatch(/^no phone number given/);
    expect(error('+')).toMatch(/has no digits/);
    expect(error('1'.repeat(80))).toMatch(/too long to be a phone number/);
  });

  it('keeps quoted input short in the error', () => {
    expect(error(`+91 ${'9'.repeat(60)}`).length).toBeLessThan(200);
  });
});

describe('normalisePhone: properties', () => {
  it('never throws and always answers E.164 or an error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom(undefined, 'IN', 'US', 'GB'), (s, c) => {
        const result = normalisePhone(s, c);
        if (result.ok) expect(result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
        else expect(result.error.length).toBeGreaterThan(0);
      }),
    );
  });

  it('is idempotent: a normalised number normalises to itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[6-9]\d{9}$/), (national) => {
        const first = normalisePhone(national, 'IN');
        if (!first.ok) return;
        expect(normalisePhone(first.e164)).toEqual(first);
        expect(normalisePhone(`whatsapp:${first.e164}`, 'US')).toEqual(first);
      }),
    );
  });
});
