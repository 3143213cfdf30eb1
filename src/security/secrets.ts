/**
 * Secrets at rest (company SOP: "AES-256 for sensitive data"; RELIABILITY.md S7): AES-256-GCM with a fresh
 * 96-bit nonce per value and the value's context (workspace, table, column, row) as additional data, so a
 * ciphertext copied to another row or workspace, or with one bit flipped, does not open. A keyring holds
 * the current key and older ones by id: values sealed under an old key still open, and `reseal` re-wraps
 * them under the current one (rotation). Errors never include the plaintext or the key.
 *
 * Sealed form: `v1.<keyId>.<nonce base64url>.<ciphertext+tag base64url>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[a-z0-9-]{1,32}$/;

export interface SecretKey {
  /** A short id stored with each value (`2026-11`), so rotation knows which key opens it. */
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

export interface Keyring {
  /** The key new values are sealed with. */
  readonly current: SecretKey;
  byId(id: string): SecretKey | undefined;
}

/** Where a value lives: it is bound to this, and opens only there. */
export interface SecretContext {
  readonly workspaceId: string;
  /** e.g. `channels.slack_webhook_url`. */
  readonly field: string;
  /** e.g. the row's id. */
  readonly recordId: string;
}

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/** A keyring from keys, the first being current. Refuses short keys, bad ids and duplicate ids. */
export function createKeyring(keys: readonly SecretKey[]): Keyring {
  if (keys.length === 0) throw new SecretError('a keyring needs at least one key');
  const byId = new Map<string, SecretKey>();
  for (const k of keys) {
    if (!KEY_ID.test(k.id)) throw new SecretError(`key id "${k.id}" must be 1-32 of a-z, 0-9 and -`);
    if (k.key.length !== 32)
      throw new SecretError(`key "${k.id}" must be 32 bytes (AES-256), not ${k.key.length}`);
    if (byId.has(k.id)) throw new SecretError(`key id "${k.id}" appears twice`);
    byId.set(k.id, k);
  }
  return { current: keys[0]!, byId: (id) => byId.get(id) };
}

function aad(context: SecretContext): Buffer {
  // Length-prefixed, so ("a", "bc") and ("ab", "c") differ.
  const parts = [VERSION, context.workspaceId, context.field, context.recordId];
  return Buffer.from(parts.map((p) => `${p.length}:${p}`).join('|'), 'utf8');
}

/** Seals a secret for its place. */
export function sealSecret(keyring: Keyring, plaintext: string, context: SecretContext): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, keyring.current.id, nonce.toString('base64url'), body.toString('base64url')].join('.');
}

/** Opens a sealed secret in its place; throws SecretError if it was altered, moved, or its key is gone. */
export function openSecret(keyring: Keyring, sealed: string, context: SecretContext): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION)
    throw new SecretError('not a sealed secret (expected v1.<key>.<nonce>.<data>)');
  const [, keyId = '', nonceText = '', bodyText = ''] = parts;
  const key = keyring.byId(keyId);
  if (!key) throw new SecretError(`the key "${keyId}" that sealed this secret is not in the keyring`);
  const nonce = Buffer.from(nonceText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES)
    throw new SecretError('a sealed secret is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(context));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new SecretError('the secret does not open here: it was altered, or sealed for another place');
  }
}

/** Rotation: the same secret sealed under the keyring's current key (unchanged if it already is). */
export function resealSecret(keyring: Keyring, sealed: string, context: SecretContext): string {
  if (sealed.split('.')[1] === keyring.current.id) return sealed;
  return sealSecret(keyring, openSecret(keyring, sealed, context), context);
}
