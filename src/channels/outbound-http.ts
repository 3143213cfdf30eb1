/**
 * The one way Opsbook POSTs to a URL someone configured (webhooks, Slack, SMS providers): SSRF-safe
 * (issue 6, RELIABILITY S5). The check runs at connect time on the addresses the socket will actually use,
 * through node's `lookup` hook, so a DNS answer that changes between a configuration check and the send
 * (rebinding) cannot slip through; IP literals skip that hook, so they are checked before the request.
 * Redirects are never followed, `signal` bounds connect, headers and body, and answers are cut at a size.
 */
import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isForbiddenAddress, matchesAllowlist, parseCidr, parseIpv4 } from '../core/ip-ranges.js';
import type { HttpAnswer, HttpPost } from './types.js';

/** The first three will not heal by retrying; the others may. */
export const OUTBOUND_ERROR_KINDS = [
  'invalid-url',
  'forbidden-address',
  'too-large',
  'dns',
  'refused',
  'timeout',
  'network',
] as const;
export type OutboundErrorKind = (typeof OUTBOUND_ERROR_KINDS)[number];

/** No answer came. Messages name the scheme and host only: paths and queries of hook URLs are secrets. */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}
/** Resolves a host name to every address it has (the default is `dns.lookup` with `all: true`). */
export type ResolveHost = (host: string) => Promise<readonly ResolvedAddress[]>;

export interface OutboundHttpOptions {
  /** Addresses and CIDRs an operator allows despite being private (OPSBOOK_OUTBOUND_ALLOW). */
  readonly allow: readonly string[];
  /** Answers are cut here, silently: 64 KiB by default. */
  readonly maxResponseBytes?: number;
  /** Request bodies above this are refused (`too-large`): 1 MiB by default. */
  readonly maxRequestBytes?: number;
  readonly userAgent?: string;
  readonly lookup?: ResolveHost;
}

const ALLOW_HINT = 'Use a public address, or allowlist it with OPSBOOK_OUTBOUND_ALLOW';

/** `https://hooks.slack.com`: what error messages may show of a URL. */
export function describeUrl(url: string | URL): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(not a URL)';
  }
}

function article(phrase: string): string {
  return /^(?:[aeio]|u(?!ni)|IPv)/i.test(phrase) ? 'an' : 'a';
}

/** `127.0.0.1, a loopback address` / `::ffff:7f00:1, an IPv4-mapped IPv6 address for 127.0.0.1 (loopback)`. */
function describeAddress(ip: string, reason: string): string {
  if (reason === 'not an IP address') return `"${ip}", which is not an IP address`;
  const phrase = reason.includes(' address for ') ? reason : `${reason} address`;
  return `${ip}, ${article(phrase)} ${phrase}`;
}

function refusedReason(ip: string, allow: readonly string[]): string | null {
  const reason = isForbiddenAddress(ip);
  return reason === null || matchesAllowlist(ip, allow) ? null : reason;
}

function forbidden(url: URL, ip: string, reason: string): OutboundError {
  return new OutboundError(
    'forbidden-address',
    `${describeUrl(url)}/ resolves to ${describeAddress(ip, reason)}; outbound requests to it are refused. ${ALLOW_HINT}`,
  );
}

/** Parses and vets the URL itself: http(s) only, no credentials. Throws `invalid-url`. */
function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    const message = 'The destination is not a valid URL; expected https://host/path';
    throw new OutboundError('invalid-url', message, { cause });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new OutboundError(
      'invalid-url',
      `${parsed.protocol} URLs are not allowed; use https:// or http://`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new OutboundError(
      'invalid-url',
      `${describeUrl(parsed)} carries a user name or password in the URL; remove it (put credentials in headers)`,
    );
  }
  return parsed;
}

/** The address in an IP-literal URL (`127.0.0.1`, `::1` without brackets), or null for a host name. */
function literalAddress(url: URL): string | null {
  if (url.hostname.startsWith('[')) return url.hostname.slice(1, -1);
  return parseIpv4(url.hostname) === null ? null : url.hostname;
}

const systemResolve: ResolveHost = (host) => dns.lookup(host, { all: true, verbatim: true });

async function resolveAll(url: URL, resolve: ResolveHost): Promise<readonly ResolvedAddress[]> {
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await resolve(url.hostname);
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? String(cause);
    const message = `${describeUrl(url)} could not be resolved (${code}); check the host name`;
    throw new OutboundError('dns', message, { cause });
  }
  if (addresses.length === 0) {
    throw new OutboundError('dns', `${describeUrl(url)} resolved to no address; check the host name`);
  }
  return addresses;
}

/** Throws `forbidden-address` when any address is forbidden and not allowlisted: one bad answer spoils all. */
function vet(url: URL, addresses: readonly ResolvedAddress[], allow: readonly string[]): void {
  for (const { address } of addresses) {
    const reason = refusedReason(address, allow);
    if (reason !== null) throw forbidden(url, address, reason);
  }
}

/**
 * Configuration-time check of a destination URL, so a bad one is refused when saved, not at 3 a.m.
 *
 * @example await checkOutboundUrl('https://169.254.169.254/', []) // { ok: false, error: '… link-local …' }
 */
export async function checkOutboundUrl(
  url: string,
  allow: readonly string[],
  lookup: ResolveHost = systemResolve,
): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    const target = parseTarget(url);
    const literal = literalAddress(target);
    const addresses = literal === null ? await resolveAll(target, lookup) : [{ address: literal, family: 0 }];
    vet(target, addresses, allow);
    return { ok: true };
  } catch (error) {
    if (error instanceof OutboundError) return { ok: false, error: error.message };
    throw error;
  }
}

/** node's connect-time `lookup` hook: resolve, vet every address, hand over only vetted ones. */
function vettingLookup(url: URL, allow: readonly string[], resolve: ResolveHost): LookupFunction {
  return (_hostname, options, callback) => {
    resolveAll(url, resolve)
      .then((all) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = all.filter((a) => wanted === undefined || a.family === wanted);
        if (addresses.length === 0)
          throw new OutboundError('dns', `${describeUrl(url)} has no IPv${wanted} address`);
        vet(url, addresses, allow);
        const [first] = addresses;
        const copies = addresses.map((a) => ({ address: a.address, family: a.family }));
        if (options.all) callback(null, copies);
        else callback(null, first!.address, first!.family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, ''));
  };
}

function classify(error: unknown, url: URL): OutboundError {
  if (error instanceof OutboundError) return error;
  const code = (error as { code?: string }).code;
  const where = describeUrl(url);
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  switch (code) {
    case 'ECONNREFUSED':
      return new OutboundError('refused', `${where} refused the connection (ECONNREFUSED)`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'ENODATA':
      return new OutboundError('dns', `${where} could not be resolved (${code})`, { cause: error });
    case 'ETIMEDOUT':
      return new OutboundError('timeout', `${where} timed out connecting (ETIMEDOUT)`, { cause: error });
    default:
      return new OutboundError('network', `${where} failed: ${detail}`, { cause: error });
  }
}

function answerOf(res: http.IncomingMessage, chunks: readonly Buffer[]): HttpAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') };
}

/**
 * An `HttpPost` that refuses private destinations unless `allow` lists them. Throws at start-up on a
 * malformed allowlist entry.
 *
 * @example const post = createOutboundHttp({ allow: config.outboundAllow });
 */
export function createOutboundHttp(options: OutboundHttpOptions): HttpPost {
  const allow = [...options.allow];
  for (const entry of allow) {
    if (parseCidr(entry) === null) {
      const example = '10.0.0.0/8, fd00::/8';
      throw new Error(`OPSBOOK_OUTBOUND_ALLOW: "${entry}" is not an IP address or CIDR (${example})`);
    }
  }
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  const resolve = options.lookup ?? systemResolve;
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  return async (url, init) => {
    const target = parseTarget(url);
    const literal = literalAddress(target);
    if (literal !== null) vet(target, [{ address: literal, family: 0 }], allow);
    const bodyBytes = Buffer.from(init.body, 'utf8');
    if (bodyBytes.length > maxRequestBytes) {
      const size = `${bodyBytes.length} bytes, over the ${maxRequestBytes} limit`;
      throw new OutboundError('too-large', `The request body is ${size}`);
    }
    const { signal } = init;
    const abortError = () =>
      new OutboundError('timeout', `${describeUrl(target)} gave no complete answer before the deadline`, {
        cause: signal.reason,
      });
    if (signal.aborted) throw abortError();

    const secure = target.protocol === 'https:';
    return new Promise<HttpAnswer>((resolvePost, rejectPost) => {
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        finish();
      };
      const req = (secure ? https : http).request({
        method: 'POST',
        hostname: literal ?? target.hostname,
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        headers: {
          'user-agent': options.userAgent ?? 'Opsbook',
          ...init.headers,
          'content-length': String(bodyBytes.length),
        },
        agent: secure ? agents.https : agents.http,
        lookup: vettingLookup(target, allow, resolve),
      });
      function onAbort() {
        settle(() => rejectPost(abortError()));
        req.destroy();
      }
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => settle(() => rejectPost(classify(error, target))));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          const room = maxResponseBytes - size;
          if (room <= 0) return;
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
          size += Math.min(chunk.length, room);
          if (size < maxResponseBytes) return;
          // Enough read: answer with what we have and drop the connection instead of draining the rest.
          settle(() => resolvePost(answerOf(res, chunks)));
          res.destroy();
        });
        res.on('end', () => settle(() => resolvePost(answerOf(res, chunks))));
        res.on('error', (error) => settle(() => rejectPost(classify(error, target))));
      });
      req.end(bodyBytes);
    });
  };
}
