/**
 * The probes behind health checks: an HTTP GET or a TCP connect, SSRF-safe like every outbound call
 * (src/channels/outbound-http.ts, RELIABILITY S5). Addresses are vetted where the socket is made: a host
 * name is resolved by our own lookup, every address it gives is vetted and only vetted ones are handed to
 * the socket, so a DNS answer that changed since the check was saved (rebinding) cannot reach a private
 * address; IP literals are vetted before connecting. `OPSBOOK_OUTBOUND_ALLOW` lets operators allow ranges.
 * Redirects are never followed (a 3xx is the answer); answers are read up to a cap. A probe never throws:
 * whatever went wrong is the outcome's `error`.
 */
import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { checkOutboundUrl, describeUrl, type ResolveHost } from '../../channels/outbound-http.js';
import { formatIpv4, isForbiddenAddress, matchesAllowlist, parseIpv4 } from '../../core/ip-ranges.js';
import type { CheckKind, ProbeOutcome } from '../../core/monitoring.js';

export interface ProbeRequest {
  readonly kind: CheckKind;
  /** A URL (http) or `host:port` (tcp). */
  readonly target: string;
  readonly timeoutMs: number;
}

export type Probe = (request: ProbeRequest) => Promise<ProbeOutcome>;

export interface ProbeOptions {
  /** Addresses and CIDRs allowed despite being private (OPSBOOK_OUTBOUND_ALLOW). */
  readonly allow: readonly string[];
  readonly lookup?: ResolveHost;
  /** Answers are read up to this (1 MiB by default); the keyword is looked for in what was read. */
  readonly maxBodyBytes?: number;
  readonly userAgent?: string;
  /** Monotonic milliseconds, for latencies (default: performance.now). */
  readonly monotonicMs?: () => number;
}

const systemResolve: ResolveHost = (host) => dns.lookup(host, { all: true, verbatim: true });
const ALLOW_HINT = 'use a public address, or allowlist it with OPSBOOK_OUTBOUND_ALLOW';

/** A probe failure with the words the alert will carry. */
class ProbeError extends Error {}

function vetAddress(where: string, address: string, allow: readonly string[]): void {
  const reason = isForbiddenAddress(address);
  if (reason === null || matchesAllowlist(address, allow)) return;
  const what = where === address ? `${address} is` : `${where} resolves to ${address},`;
  throw new ProbeError(`${what} ${reason}; checks of it are refused: ${ALLOW_HINT}`);
}

/** `host` and `port` of a TCP target (`db.example.com:5432`, `[2001:db8::1]:22`), or a message. */
export function parseTcpTarget(target: string): { host: string; port: number } | { error: string } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(target.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535)
    return { error: 'a TCP target is host:port, e.g. db.example.com:5432 or [2001:db8::1]:22' };
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  return { host, port };
}

const isLiteral = (host: string) => parseIpv4(host) !== null || net.isIPv6(host);

/**
 * Save-time check of a target (S5): a URL or host:port whose host is, or resolves to, a private, loopback
 * or metadata address is refused, so a bad check is refused when saved, not at 3 a.m.
 */
export async function checkProbeTarget(
  kind: CheckKind,
  target: string,
  allow: readonly string[],
  lookup: ResolveHost = systemResolve,
): Promise<{ ok: true } | { ok: false; error: string }> {
  if (kind === 'http') return checkOutboundUrl(target, allow, lookup);
  const parsed = parseTcpTarget(target);
  if ('error' in parsed) return { ok: false, error: parsed.error };
  try {
    await resolveVetted(parsed.host, allow, lookup);
    return { ok: true };
  } catch (error) {
    if (error instanceof ProbeError) return { ok: false, error: error.message };
    throw error;
  }
}

async function resolveVetted(
  host: string,
  allow: readonly string[],
  lookup: ResolveHost,
): Promise<{ address: string; family: number }[]> {
  if (isLiteral(host)) {
    // Connect to the address as vetted: `2130706433` is 127.0.0.1 to the resolver as well.
    const v4 = parseIpv4(host);
    const address = v4 === null ? host : formatIpv4(v4);
    vetAddress(host, address, allow);
    return [{ address, family: v4 === null ? 6 : 4 }];
  }
  let addresses: readonly { address: string; family: number }[];
  try {
    addresses = await lookup(host);
  } catch (cause) {
    throw new ProbeError(`${host} could not be resolved (${(cause as { code?: string }).code ?? 'DNS'})`);
  }
  if (addresses.length === 0) throw new ProbeError(`${host} resolved to no address`);
  for (const { address } of addresses) vetAddress(host, address, allow); // one bad answer spoils all
  return addresses.map((a) => ({ address: a.address, family: a.family }));
}

function vettedLookup(allow: readonly string[], resolve: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    resolveVetted(hostname, allow, resolve)
      .then((all) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = all.filter((a) => wanted === undefined || a.family === wanted);
        if (addresses.length === 0) throw new ProbeError(`${hostname} has no IPv${wanted} address`);
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, ''));
  };
}

function describeError(error: unknown, where: string, timeoutMs: number): string {
  if (error instanceof ProbeError) return error.message;
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ETIMEDOUT_PROBE':
      return `${where} gave no complete answer within ${timeoutMs} ms`;
    case 'ECONNREFUSED':
      return `${where} refused the connection (ECONNREFUSED)`;
    case 'ECONNRESET':
      return `${where} reset the connection (ECONNRESET)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where} could not be resolved (${code})`;
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return `${where} failed: ${code === undefined || message.includes(code) ? message : `${message} (${code})`}`;
    }
  }
}

const timeoutError = () => Object.assign(new Error('probe timed out'), { code: 'ETIMEDOUT_PROBE' });

/**
 * Builds the probe. Connections are kept alive between runs (checks of one host share them; an idle one
 * is dropped after 4 s, before common servers' 5 s), and a request on a kept-alive connection the server
 * had just closed is retried once on a new one, so that race is never reported as an outage.
 *
 * @example const { probe } = createProbe({ allow: config.outboundAllow }); await probe({ kind: 'tcp', target: 'db:5432', timeoutMs: 5000 })
 */
export function createProbe(options: ProbeOptions): { probe: Probe; close(): void } {
  const resolve = options.lookup ?? systemResolve;
  const lookup = vettedLookup(options.allow, resolve);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  const agents = {
    http: new http.Agent({ keepAlive: true, timeout: 4_000 }),
    https: new https.Agent({ keepAlive: true, timeout: 4_000 }),
  };
  const headers = { 'user-agent': options.userAgent ?? 'Opsbook-HealthCheck/1', accept: '*/*' };

  const httpOnce = (url: URL, literal: string | null, deadline: AbortSignal) =>
    new Promise<{ statusCode: number; body: string; reused: boolean }>((resolveAnswer, reject) => {
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request({
        method: 'GET',
        hostname: literal ?? url.hostname,
        servername: literal === null ? url.hostname : undefined,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, host: url.host },
        agent: secure ? agents.https : agents.http,
        lookup,
        signal: deadline,
      });
      req.on('error', (error) => reject(Object.assign(error, { reused: req.reusedSocket })));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          resolveAnswer({
            statusCode: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            reused: req.reusedSocket,
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (size >= maxBodyBytes) return;
          chunks.push(chunk.subarray(0, maxBodyBytes - size));
          size += Math.min(chunk.length, maxBodyBytes - size);
          if (size < maxBodyBytes) return;
          done(); // enough read: drop the connection rather than drain the rest
          res.destroy();
        });
        res.on('end', done);
        res.on('error', reject);
      });
      req.end();
    });

  const probeHttp = async (target: string, timeoutMs: number): Promise<Omit<ProbeOutcome, 'latencyMs'>> => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new ProbeError('the target is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ProbeError(`${url.protocol} URLs are not allowed; use https:// or http://`);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const literal = isLiteral(host) ? host : null;
    if (literal !== null) vetAddress(describeUrl(url), literal, options.allow);
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const answer = await httpOnce(url, literal, deadline).catch(
        (error: { reused?: boolean; code?: string }) => {
          if (error.reused && (error.code === 'ECONNRESET' || error.code === 'EPIPE'))
            return httpOnce(url, literal, deadline);
          throw error;
        },
      );
      return { statusCode: answer.statusCode, body: answer.body, error: null };
    } catch (error) {
      throw deadline.aborted ? timeoutError() : error;
    }
  };

  const probeTcp = async (target: string, timeoutMs: number): Promise<Omit<ProbeOutcome, 'latencyMs'>> => {
    const parsed = parseTcpTarget(target);
    if ('error' in parsed) throw new ProbeError(parsed.error);
    const deadline = AbortSignal.timeout(timeoutMs);
    const [first] = await resolveVetted(parsed.host, options.allow, resolve);
    await new Promise<void>((connected, reject) => {
      const socket = net.connect({ host: first!.address, port: parsed.port, signal: deadline });
      socket.once('connect', () => {
        socket.destroy();
        connected();
      });
      socket.once('error', (error) => reject(deadline.aborted ? timeoutError() : error));
    });
    return { statusCode: null, body: null, error: null };
  };

  const probe: Probe = async ({ kind, target, timeoutMs }) => {
    const startedMs = monotonicMs();
    const latency = () => Math.max(0, Math.round(monotonicMs() - startedMs));
    const where = kind === 'http' ? describeUrl(target) : target;
    try {
      const outcome =
        kind === 'http' ? await probeHttp(target, timeoutMs) : await probeTcp(target, timeoutMs);
      return { ...outcome, latencyMs: latency() };
    } catch (error) {
      return {
        statusCode: null,
        body: null,
        latencyMs: latency(),
        error: describeError(error, where, timeoutMs),
      };
    }
  };

  return {
    probe,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
