/**
 * Which addresses outbound requests must never reach (issue 6, RELIABILITY S5): loopback, private, link-local
 * and cloud-metadata ranges, in IPv4 and in every IPv6 form that can smuggle an IPv4 address (mapped,
 * compatible, 6to4, NAT64). Pure on purpose: the outbound HTTP client asks it at connect time for each
 * address it is about to use, and configuration asks it when a URL is saved. Addresses are parsed to bigints
 * here rather than with node:net so src/core stays free of I/O modules.
 */

export interface ParsedIp {
  readonly version: 4 | 6;
  readonly value: bigint;
}

export interface Cidr extends ParsedIp {
  readonly prefix: number;
}

const IPV4_PART = /^(?:0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[0-9a-f]{1,4}$/i;

/** Strict dotted-quad IPv4 (what DNS answers and the URL parser produce); `null` for anything else. */
export function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!IPV4_PART.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseGroups(text: string, lastMayBeIpv4: boolean): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (const [i, part] of parts.entries()) {
    if (lastMayBeIpv4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (IPV6_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

/**
 * IPv6 in any textual form: compressed (`::1`), expanded, upper case, with brackets, with a zone
 * (`fe80::1%eth0`), with a dotted IPv4 tail (`::ffff:127.0.0.1`). `null` when it is not one.
 */
export function parseIpv6(text: string): bigint | null {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = s.indexOf('%');
  if (zone !== -1) {
    if (zone === s.length - 1) return null;
    s = s.slice(0, zone);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const compressed = halves.length === 2;
  const head = parseGroups(halves[0]!, !compressed);
  const tail = compressed ? parseGroups(halves[1]!, true) : [];
  if (head === null || tail === null) return null;
  const count = head.length + tail.length;
  if (compressed ? count > 7 : count !== 8) return null;
  const groups = [...head, ...Array<number>(8 - count).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** An IPv4 or IPv6 address in any accepted form, or `null`. */
export function parseIp(text: string): ParsedIp | null {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    return value === null ? null : { version: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === null ? null : { version: 4, value };
}

/** `10.0.0.0/8`, `fc00::/7` or a bare address (a /32 or /128). `null` when malformed. */
export function parseCidr(entry: string): Cidr | null {
  const [address = '', prefixText, ...rest] = entry.trim().split('/');
  if (rest.length > 0) return null;
  const ip = parseIp(address);
  if (ip === null) return null;
  const bits = ip.version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { ...ip, prefix };
}

function inCidr(ip: ParsedIp, cidr: Cidr): boolean {
  if (ip.version !== cidr.version) return false;
  const shift = BigInt((ip.version === 4 ? 32 : 128) - cidr.prefix);
  return ip.value >> shift === cidr.value >> shift;
}

function table(rows: readonly (readonly [string, string])[]): readonly (readonly [Cidr, string])[] {
  return rows.map(([cidr, reason]) => [parseCidr(cidr)!, reason] as const);
}

/** Most specific first where ranges overlap. Sources: IANA IPv4/IPv6 special-purpose registries. */
const IPV4_FORBIDDEN = table([
  ['0.0.0.0/32', 'unspecified'],
  ['0.0.0.0/8', 'unspecified ("this network", 0.0.0.0/8)'],
  ['10.0.0.0/8', 'private (10.0.0.0/8)'],
  ['100.64.0.0/10', 'carrier-grade NAT (100.64.0.0/10)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local / cloud metadata'],
  ['172.16.0.0/12', 'private (172.16.0.0/12)'],
  ['192.0.0.0/24', 'reserved (192.0.0.0/24, IETF protocol assignments)'],
  ['192.0.2.0/24', 'documentation (192.0.2.0/24)'],
  ['192.88.99.0/24', 'reserved (192.88.99.0/24, 6to4 relay anycast)'],
  ['192.168.0.0/16', 'private (192.168.0.0/16)'],
  ['198.18.0.0/15', 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0/24', 'documentation (198.51.100.0/24)'],
  ['203.0.113.0/24', 'documentation (203.0.113.0/24)'],
  // Azure's wire server answers instance metadata and tokens from inside a VM on a public-looking address.
  ['168.63.129.16/32', 'cloud metadata (Azure wire server)'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved (240.0.0.0/4)'],
]);

const IPV6_FORBIDDEN = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['100::/64', 'reserved (100::/64, discard-only)'],
  ['2001::/32', 'Teredo (2001::/32)'],
  ['2001:db8::/32', 'documentation (2001:db8::/32)'],
  ['2001::/23', 'reserved (2001::/23, IETF protocol assignments)'],
  ['3fff::/20', 'documentation (3fff::/20)'],
  ['5f00::/16', 'reserved (5f00::/16, SRv6)'],
  ['fc00::/7', 'unique-local (fc00::/7)'],
  ['fe80::/10', 'link-local (fe80::/10)'],
  ['fec0::/10', 'site-local (fec0::/10, deprecated)'],
  ['ff00::/8', 'multicast'],
]);

const [MAPPED, COMPATIBLE, NAT64, NAT64_LOCAL, SIX_TO_FOUR, GLOBAL_UNICAST] = [
  '::ffff:0:0/96',
  '::/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '2002::/16',
  '2000::/3',
].map((cidr) => parseCidr(cidr)!) as [Cidr, Cidr, Cidr, Cidr, Cidr, Cidr];

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function ipv4Reason(value: bigint): string | null {
  const ip: ParsedIp = { version: 4, value };
  return IPV4_FORBIDDEN.find(([cidr]) => inCidr(ip, cidr))?.[1] ?? null;
}

function embedded(form: string, v4: bigint): string | null {
  const inner = ipv4Reason(v4);
  return inner === null ? null : `${form} address for ${formatIpv4(v4)} (${inner})`;
}

function ipv6Reason(ip: ParsedIp): string | null {
  const low32 = ip.value & 0xffffffffn;
  const listed = IPV6_FORBIDDEN.find(([cidr]) => inCidr(ip, cidr));
  if (listed) return listed[1];
  if (inCidr(ip, MAPPED)) return embedded('IPv4-mapped IPv6', low32);
  if (inCidr(ip, COMPATIBLE)) {
    return embedded('IPv4-compatible IPv6', low32) ?? 'reserved (::/96, deprecated IPv4-compatible)';
  }
  if (inCidr(ip, NAT64)) return embedded('NAT64', low32);
  if (inCidr(ip, NAT64_LOCAL)) {
    // RFC 6052 /48 layout: v4 octets 1-2 in bits 48-63, octets 3-4 in bits 72-87 (bits 64-71 are zero).
    const v4 = (((ip.value >> 64n) & 0xffffn) << 16n) | ((ip.value >> 40n) & 0xffffn);
    return embedded('NAT64', v4) ?? 'local-use NAT64 (64:ff9b:1::/48)';
  }
  if (inCidr(ip, SIX_TO_FOUR)) return embedded('6to4', (ip.value >> 80n) & 0xffffffffn);
  if (!inCidr(ip, GLOBAL_UNICAST)) return 'reserved (outside 2000::/3 global unicast)';
  return null;
}

/**
 * Why `ip` must not be reached, or `null` when it is a public address. Anything that does not parse as an
 * address is refused too ("not an IP address"): the caller asked about something it is about to connect to.
 *
 * @example isForbiddenAddress('::ffff:7f00:1') // 'IPv4-mapped IPv6 address for 127.0.0.1 (loopback)'
 * @example isForbiddenAddress('93.184.216.34') // null
 */
export function isForbiddenAddress(ip: string): string | null {
  const parsed = parseIp(ip);
  if (parsed === null) return 'not an IP address';
  return parsed.version === 4 ? ipv4Reason(parsed.value) : ipv6Reason(parsed);
}

/** An IPv4-mapped IPv6 range compares as IPv4, so allowing `127.0.0.1` also allows `::ffff:127.0.0.1`. */
function unmap(cidr: Cidr): Cidr {
  if (cidr.version !== 6 || cidr.prefix < 96 || !inCidr(cidr, MAPPED)) return cidr;
  return { version: 4, value: cidr.value & 0xffffffffn, prefix: cidr.prefix - 96 };
}

/**
 * Whether an operator allowlisted `ip`: entries are addresses or CIDRs, IPv4 or IPv6. Malformed entries
 * match nothing (configuration validates them with `parseCidr` first).
 *
 * @example matchesAllowlist('10.1.2.3', ['10.0.0.0/8']) // true
 */
export function matchesAllowlist(ip: string, allow: readonly string[]): boolean {
  const parsed = parseIp(ip);
  if (parsed === null) return false;
  const address = unmap({ ...parsed, prefix: parsed.version === 4 ? 32 : 128 });
  return allow.some((entry) => {
    const range = parseCidr(entry);
    return range !== null && inCidr(address, unmap(range));
  });
}
