/**
 * The tokens of links sent to people who do not sign in (a survey, a checkout page): random, 192 bits,
 * URL-safe; only their SHA-256 is stored, and a presented one is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newLinkToken = (): string => randomBytes(24).toString('base64url');

export const hashLinkToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Whether two strings are equal, in time that does not depend on where they differ. */
export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether `token` is the one whose hash was stored. */
export const matchesLinkToken = (storedHash: string, token: string): boolean =>
  sameSecret(storedHash, hashLinkToken(token));
