/**
 * Recovery codes: single-use codes a user prints or stores when enrolling MFA (company SOP: "Enforce
 * multi-factor authentication (MFA) for all user logins"), so a lost phone does not mean a lost account
 * and support never has to switch MFA off by hand.
 *
 * Format `xxxxx-xxxxx-xxxxx-xxxxx-xxxxx` over Crockford's base32 alphabet in lower case (digits and letters
 * without i, l, o, u): 25 symbols of 5 bits = 125 bits from a CSPRNG (ASVS 5.0 V6.5.3, V6.5.4). At 112 bits
 * or more ASVS V6.5.2 allows a plain (unsalted) hash, so a fast SHA-256 lookup is enough. Because i, l and o are not
 * in the alphabet, normalisation reads them as 1, 1 and 0, so a code copied by hand still works.
 *
 * Storage: only `hashRecoveryCode(code)` is kept, and the row is deleted when used (ASVS V6.5.1).
 *
 * @example
 * const codes = newRecoveryCodes(); // show once
 * await store.saveRecoveryHashes(userId, codes.map(hashRecoveryCode));
 * const used = await store.takeRecoveryHash(userId, hashRecoveryCode(typed)); // deletes on match
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 5;
const GROUP_LENGTH = 5;
const SYMBOLS = GROUPS * GROUP_LENGTH;
/** Look-alikes Crockford decodes to a symbol of the alphabet. */
const LOOKALIKES: Readonly<Record<string, string>> = { i: '1', l: '1', o: '0' };

/** `count` distinct codes like `7k2mq-9xdh4-vt3ab-c8d9e-fg0hj`, 125 random bits each. */
export function newRecoveryCodes(count = 10): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new RangeError(`count must be an integer from 1 to 100, got ${count}`);
  }
  const codes = new Set<string>();
  while (codes.size < count) codes.add(newCode());
  return [...codes];
}

/**
 * The canonical form of a typed code: lower case, no dashes, spaces or other separators, look-alikes
 * mapped (`7K2M-Q9XD-H4VT ` and `7k2mq9xdh4vt` are the same code). It does not check the code is well
 * formed; a malformed one simply hashes to something that is not stored.
 */
export function normaliseRecoveryCode(input: string): string {
  return input
    .toLowerCase()
    .replace(/[\s\-\u2010-\u2015_.]+/g, '')
    .replace(/[ilo]/g, (c) => LOOKALIKES[c] ?? c);
}

/**
 * SHA-256 (hex) of the normalised code, for storage and lookup by equality.
 *
 * Why a fast, unsalted hash: the codes are machine-generated with 125 random bits, above the 112 bits
 * ASVS 5.0 V6.5.2 asks before a plain hash is acceptable; there is no dictionary to try, and a
 * deterministic hash lets the store find and mark the matching row with one indexed query instead of
 * running a slow KDF over each of the user's codes. Recovery codes replace only the second factor: the
 * password (Argon2id) is still required.
 */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code), 'utf8').digest('hex');
}

function newCode(): string {
  // 256 is a multiple of 32, so `byte & 31` is uniform over the alphabet.
  const bytes = randomBytes(SYMBOLS);
  let out = '';
  for (let i = 0; i < SYMBOLS; i++) {
    if (i > 0 && i % GROUP_LENGTH === 0) out += '-';
    out += ALPHABET.charAt(bytes.readUInt8(i) & 31);
  }
  return out;
}
