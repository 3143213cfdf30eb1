/**
 * Signing and verifying webhooks per the Standard Webhooks spec (https://www.standardwebhooks.com), so any
 * receiver with a Standard Webhooks library can check what Opsbook sends, and Opsbook can check what others
 * send it (RELIABILITY S4). The signed content is `${webhook-id}.${webhook-timestamp}.${body}`, the key is the
 * base64 part of a `whsec_…` secret, and during a rotation every current secret signs, so the header carries
 * one `v1,<signature>` per secret and a receiver holding either secret accepts the message.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';
/** The spec's window: five minutes either way against replays of captured requests. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * A new endpoint secret: `whsec_` and the base64 of 32 random bytes (the spec asks for 24 to 64).
 *
 * @example newWebhookSecret() // 'whsec_3q2+7w…'
 */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key inside a secret. Throws on a secret with no key, which configuration should have refused. */
function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0)
    throw new Error('A webhook signing secret is empty: expected whsec_ and base64 bytes.');
  return key;
}

/** Whether `secret` is a usable `whsec_…` secret (24-64 bytes of base64), for configuration-time checks. */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return false;
  const length = Buffer.from(encoded, 'base64').length;
  return length >= 24 && length <= 64;
}

/** `timestamp` is signed as written: a verifier uses the header's text, not a re-formatted number. */
function hmac(secret: string, id: string, timestamp: number | string, body: string): Buffer {
  return createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest();
}

/**
 * The `webhook-signature` header value: one `v1,<base64 HMAC-SHA256>` per secret, space-separated.
 *
 * @example signWebhook(['whsec_…'], 'msg_1', 1614265330, '{"a":1}') // 'v1,g0hM9Ss…'
 */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret.');
  return secrets
    .map((secret) => `${SIGNATURE_VERSION},${hmac(secret, id, timestampSeconds, body).toString('base64')}`)
    .join(' ');
}

export type WebhookVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : value?.[0];
}

/** The `v1` signatures a header carries, decoded; other versions (`v1a` asymmetric) are skipped. */
function v1Signatures(headerValue: string): Buffer[] {
  return headerValue
    .split(' ')
    .map((part) => part.split(','))
    .filter(([version, signature]) => version === SIGNATURE_VERSION && signature)
    .map(([, signature]) => Buffer.from(signature!, 'base64'));
}

/**
 * Checks a received webhook: the three headers are present, the timestamp is within `toleranceSeconds` of
 * `nowSeconds` either way, and some `v1` signature matches some secret (compared in constant time).
 *
 * @example verifyWebhook([secret], req.headers, rawBody, Math.floor(clock.now() / 1000))
 */
export function verifyWebhook(
  secrets: readonly string[],
  headers: HeaderBag,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): WebhookVerdict {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signature) {
    return {
      ok: false,
      reason: 'missing header: webhook-id, webhook-timestamp and webhook-signature are all required',
    };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return {
      ok: false,
      reason: `webhook-timestamp "${timestamp.slice(0, 20)}" is not whole seconds since 1970`,
    };
  }
  const timestampSeconds = Number(timestamp);
  if (nowSeconds - timestampSeconds > toleranceSeconds) {
    return {
      ok: false,
      reason: `webhook-timestamp is ${nowSeconds - timestampSeconds} s old (limit ${toleranceSeconds} s)`,
    };
  }
  if (timestampSeconds - nowSeconds > toleranceSeconds) {
    return {
      ok: false,
      reason: `webhook-timestamp is ${timestampSeconds - nowSeconds} s in the future (limit ${toleranceSeconds} s)`,
    };
  }
  const received = v1Signatures(signature);
  for (const secret of secrets) {
    const expected = hmac(secret, id, timestamp, body);
    // Every candidate is compared, so the time taken does not say which signature was close.
    let matched = false;
    for (const candidate of received) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
    if (matched) return { ok: true };
  }
  return { ok: false, reason: 'no v1 signature in webhook-signature matches a signing secret' };
}
