/**
 * Twilio's request signature (`X-Twilio-Signature`), so a status callback that claims to come from the
 * provider is believed only when it was signed with the workspace's auth token. Without this anyone who
 * learns the callback URL could mark an undelivered P0 call "completed".
 *
 * The scheme (Twilio's "Webhooks security"): take the full URL Twilio requested, append each POST parameter
 * name and value with the names sorted, HMAC-SHA1 it with the auth token, base64 the digest.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature Twilio sends for a form-encoded POST to `url` with `params`.
 *
 * @example twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', { CallSid: 'CA…', … })
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
): string {
  let data = url;
  // Twilio sorts by byte order of the names; UTF-16 order is the same for the ASCII names it sends.
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Whether `header` is Twilio's signature of this request, compared in constant time. The URL is tried as
 * given and with its default port added or removed, because Twilio signs the URL as configured while a
 * proxy in front of us may report it either way (Twilio's own helper libraries do the same).
 */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
  header: string | undefined,
): boolean {
  if (!header || !authToken) return false;
  const given = Buffer.from(header, 'utf8');
  let matched = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    // Not short-circuited: every variant is compared, so timing does not say which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

/** The URL as given, without its default port, and with it. */
function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  if (!defaultPort) return [url];
  const { protocol, username, password, hostname, pathname, search, hash } = parsed;
  const auth = username ? `${username}${password ? `:${password}` : ''}@` : '';
  const rest = `${pathname}${search}${hash}`;
  const variants = new Set([url]);
  // `URL` drops a default port, so an empty port means the URL had none or had exactly the default one.
  if (!parsed.port) {
    variants.add(`${protocol}//${auth}${hostname}:${defaultPort}${rest}`);
    variants.add(`${protocol}//${auth}${hostname}${rest}`);
  }
  return [...variants];
}
