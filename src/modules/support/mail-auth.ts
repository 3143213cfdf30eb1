/**
 * Whether a mail's sender passed authentication (RFC 8601 `Authentication-Results`), for S13: a mail that
 * claims to come from a customer but failed DMARC (or DKIM) must never join that customer's conversation.
 *
 * We do not verify DKIM ourselves: the listener sits behind a relay (docs/operations.md) and never sees
 * the connecting client's address, so it could not check SPF and hence not DMARC either. The relay can,
 * and writes its verdict into an `Authentication-Results` header. Anyone can write that header too, so
 * only the topmost one counts, and only when its authserv-id is one the operator named
 * (OPSBOOK_SUPPORT_AUTHSERV_IDS); the relay must remove incoming headers that carry its own id
 * (RFC 8601 §5). With no trusted id configured every mail is `none`: nothing is flagged.
 *
 * Only `fail` has an effect (a new ticket tagged `suspected-spoof`, no threading, no acknowledgement);
 * `pass` grants nothing, so a forged "pass" gains an attacker nothing over no header at all.
 */

export type AuthVerdict = 'pass' | 'fail' | 'none';

export interface MailAuth {
  readonly verdict: AuthVerdict;
  /** Why, for the internal note and the message's data (`dmarc=fail header.from=shop.test`). */
  readonly reason: string;
  /** The authserv-id of the header the verdict came from; null when none was trusted. */
  readonly authservId: string | null;
}

export interface AuthResult {
  /** `dkim`, `spf`, `dmarc`, … lower-cased, without a version. */
  readonly method: string;
  /** `pass`, `fail`, `none`, `softfail`, … lower-cased. */
  readonly result: string;
  /** `header.d`, `header.from`, `smtp.mailfrom`, … lower-cased keys. */
  readonly props: Readonly<Record<string, string>>;
}

export interface AuthenticationResults {
  readonly authservId: string;
  readonly results: readonly AuthResult[];
}

export const NO_AUTH: MailAuth = {
  verdict: 'none',
  reason: 'no trusted Authentication-Results',
  authservId: null,
};

/** Drops RFC 5322 comments (nested parentheses), keeping quoted strings as they are. */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      out += c;
      if (c === '\\' && i + 1 < value.length) out += value[++i] ?? '';
      else if (c === '"') quoted = false;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth > 0) {
      if (c === '\\') i++;
    } else {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}

/** Splits on `;` outside quoted strings. */
function segments(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of value) {
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((s) => s.trim());
}

const unquote = (v: string) => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1) : v);

/**
 * One `Authentication-Results` value, or null when it is not one.
 *
 * @example parseAuthenticationResults('mx.ours.test; dkim=pass header.d=shop.test; dmarc=fail header.from=shop.test')
 *   // { authservId: 'mx.ours.test', results: [{ method: 'dkim', result: 'pass', … }, …] }
 */
export function parseAuthenticationResults(value: string): AuthenticationResults | null {
  const [head, ...rest] = segments(withoutComments(value.slice(0, 8000)));
  const authservId = unquote((head ?? '').split(/\s+/)[0] ?? '').toLowerCase();
  if (!/^[a-z0-9._-]{1,253}$/.test(authservId)) return null;
  const results: AuthResult[] = [];
  for (const segment of rest.slice(0, 50)) {
    const [spec, ...props] = segment.split(/\s+/).filter((t) => t !== '');
    const m = /^([a-z0-9-]+)(?:\/[0-9]+)?=([a-z0-9-]+)$/i.exec(spec ?? '');
    if (!m) continue; // `none`, or a method we cannot read: it says nothing
    const properties: Record<string, string> = {};
    for (const p of props) {
      const eq = p.indexOf('=');
      if (eq > 0) properties[p.slice(0, eq).toLowerCase()] = unquote(p.slice(eq + 1)).toLowerCase();
    }
    results.push({ method: m[1]!.toLowerCase(), result: m[2]!.toLowerCase(), props: properties });
  }
  return { authservId, results };
}

/** Relaxed alignment (RFC 7489 §3.1.1), approximated without the public suffix list: same domain or a subdomain. */
function aligned(signingDomain: string | undefined, fromDomain: string): boolean {
  if (!signingDomain) return false;
  const d = signingDomain.replace(/^@/, '').replace(/^.*@/, '');
  return d === fromDomain || fromDomain.endsWith(`.${d}`) || d.endsWith(`.${fromDomain}`);
}

/** The verdict of one trusted header for a mail from `fromDomain`. */
export function verdictOf(header: AuthenticationResults, fromDomain: string): MailAuth {
  const by = header.authservId;
  const dmarc = header.results.filter((r) => r.method === 'dmarc');
  if (dmarc.length > 0) {
    const failed = dmarc.find((r) => r.result === 'fail');
    if (failed)
      return {
        verdict: 'fail',
        reason: `dmarc=fail header.from=${failed.props['header.from'] ?? fromDomain}`,
        authservId: by,
      };
    if (dmarc.some((r) => r.result === 'pass'))
      return { verdict: 'pass', reason: 'dmarc=pass', authservId: by };
  }
  // No DMARC verdict: a broken signature counts only when no signature of the sender's domain held.
  const dkim = header.results.filter((r) => r.method === 'dkim');
  const failed = dkim.find((r) => r.result === 'fail');
  const passed = dkim.some(
    (r) =>
      r.result === 'pass' &&
      (aligned(r.props['header.d'], fromDomain) || aligned(r.props['header.i'], fromDomain)),
  );
  if (passed) return { verdict: 'pass', reason: 'dkim=pass', authservId: by };
  if (failed)
    return {
      verdict: 'fail',
      reason: `dkim=fail header.d=${failed.props['header.d'] ?? '?'} and no aligned dkim=pass`,
      authservId: by,
    };
  return { verdict: 'none', reason: 'no DMARC or DKIM verdict', authservId: by };
}

/**
 * The verdict for a mail: from the topmost `Authentication-Results` header (headers in message order),
 * when its authserv-id is trusted; else `none`.
 *
 * @example mailAuthOf([{ key: 'authentication-results', value: 'mx.ours.test; dmarc=fail' }], 'ravi@shop.test', ['mx.ours.test'])
 *   // { verdict: 'fail', reason: 'dmarc=fail header.from=shop.test', authservId: 'mx.ours.test' }
 */
export function mailAuthOf(
  headers: readonly { readonly key: string; readonly value: string }[],
  fromAddress: string,
  trustedAuthservIds: readonly string[],
): MailAuth {
  if (trustedAuthservIds.length === 0) return NO_AUTH;
  const topmost = headers.find((h) => h.key.toLowerCase() === 'authentication-results');
  if (!topmost) return NO_AUTH;
  const parsed = parseAuthenticationResults(topmost.value);
  if (!parsed || !trustedAuthservIds.some((id) => id.toLowerCase() === parsed.authservId)) return NO_AUTH;
  const fromDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
  return verdictOf(parsed, fromDomain);
}
