import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isForbiddenAddress, matchesAllowlist, parseCidr, parseIp, parseIpv6 } from './ip-ranges.js';

/** An independent oracle for IPv4: plain octet comparisons, no CIDR arithmetic. */
function oracleV4Forbidden([a, b, c]: readonly number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a! >= 224 ||
    (a === 100 && b! >= 64 && b! <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 192 && b === 88 && c === 99) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113)
  );
}

const octets = fc.tuple(
  fc.integer({ min: 0, max: 255 }),
  fc.integer({ min: 0, max: 255 }),
  fc.integer({ min: 0, max: 255 }),
  fc.integer({ min: 0, max: 255 }),
);
const hex = (n: number) => n.toString(16);
const group = (hi: number, lo: number) => hex(hi * 256 + lo);
const notAzure = (o: readonly number[]) => o.join('.') !== '168.63.129.16';

describe('isForbiddenAddress: IPv4', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private (10.0.0.0/8)'],
    ['172.31.255.255', 'private (172.16.0.0/12)'],
    ['192.168.1.1', 'private (192.168.0.0/16)'],
    ['169.254.169.254', 'link-local / cloud metadata'],
    ['100.100.100.200', 'carrier-grade NAT (100.64.0.0/10)'],
    ['168.63.129.16', 'cloud metadata (Azure wire server)'],
    ['192.0.2.7', 'documentation (192.0.2.0/24)'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved (240.0.0.0/4)'],
  ])('%s is %s', (ip, reason) => expect(isForbiddenAddress(ip)).toBe(reason));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '1.1.1.1', '223.255.255.255'])(
    '%s is public',
    (ip) => expect(isForbiddenAddress(ip)).toBeNull(),
  );

  it('refuses what is not a canonical address rather than guessing', () => {
    for (const text of ['0177.0.0.1', '127.1', '2130706433', '0x7f.0.0.1', '256.1.1.1', 'localhost', '']) {
      expect(isForbiddenAddress(text)).toBe('not an IP address');
    }
  });

  it('agrees with an octet-comparison oracle on every address', () => {
    fc.assert(
      fc.property(octets.filter(notAzure), (o) => {
        expect(isForbiddenAddress(o.join('.')) !== null).toBe(oracleV4Forbidden(o));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('isForbiddenAddress: IPv6', () => {
  it.each([
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:7f00:1', 'IPv4-mapped IPv6 address for 127.0.0.1 (loopback)'],
    ['::FFFF:127.0.0.1', 'IPv4-mapped IPv6 address for 127.0.0.1 (loopback)'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped IPv6 address for 169.254.169.254 (link-local / cloud metadata)'],
    ['::7f00:1', 'IPv4-compatible IPv6 address for 127.0.0.1 (loopback)'],
    ['2002:7f00:1::', '6to4 address for 127.0.0.1 (loopback)'],
    ['2002:a00:1:ffff::1', '6to4 address for 10.0.0.1 (private (10.0.0.0/8))'],
    ['64:ff9b::7f00:1', 'NAT64 address for 127.0.0.1 (loopback)'],
    ['64:ff9b::192.168.0.1', 'NAT64 address for 192.168.0.1 (private (192.168.0.0/16))'],
    ['64:ff9b:1:7f00:0:100::', 'NAT64 address for 127.0.0.1 (loopback)'],
    ['64:ff9b:1:808:8:800::', 'local-use NAT64 (64:ff9b:1::/48)'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (2001::/32)'],
    ['fe80::1%eth0', 'link-local (fe80::/10)'],
    ['FE80::1', 'link-local (fe80::/10)'],
    ['fc00::1', 'unique-local (fc00::/7)'],
    ['fd00:ec2::254', 'unique-local (fc00::/7)'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation (2001:db8::/32)'],
    ['::ffff:0:7f00:1', 'reserved (outside 2000::/3 global unicast)'],
  ])('%s is %s', (ip, reason) => expect(isForbiddenAddress(ip)).toBe(reason));

  it.each(['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (ip) => expect(isForbiddenAddress(ip)).toBeNull(),
  );

  it.each(['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':1::', '::ffff:1.2.3', 'fe80::1%', 'g::1'])(
    'rejects the malformed %s',
    (text) => expect(parseIpv6(text)).toBeNull(),
  );

  it('judges an embedded IPv4 exactly as the IPv4 itself (mapped, 6to4, NAT64)', () => {
    fc.assert(
      fc.property(octets.filter(notAzure), fc.integer({ min: 0, max: 0xffff }), (o, subnet) => {
        const [a, b, c, d] = o;
        const v4 = isForbiddenAddress(o.join('.')) !== null;
        const hi = group(a, b);
        const lo = group(c, d);
        expect(isForbiddenAddress(`::ffff:${o.join('.')}`) !== null).toBe(v4);
        expect(isForbiddenAddress(`::ffff:${hi}:${lo}`) !== null).toBe(v4);
        expect(isForbiddenAddress(`2002:${hi}:${lo}:${hex(subnet)}::1`) !== null).toBe(v4);
        expect(isForbiddenAddress(`64:ff9b::${hi}:${lo}`) !== null).toBe(v4);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same answer for every textual form of an address', () => {
    const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, (g) => {
        const full = g.map((n) => n.toString(16).padStart(4, '0')).join(':');
        // The WHATWG URL parser is an independent IPv6 parser that compresses per RFC 5952.
        const canonical = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        const reason = isForbiddenAddress(full);
        expect(parseIpv6(canonical)).toBe(parseIpv6(full));
        expect(isForbiddenAddress(canonical)).toBe(reason);
        expect(isForbiddenAddress(full.toUpperCase())).toBe(reason);
        expect(isForbiddenAddress(`${canonical}%eth0`)).toBe(reason);
        expect(isForbiddenAddress(`[${canonical}]`)).toBe(reason);
      }),
      { numRuns: 3000 },
    );
  });

  it('lets global unicast outside the special ranges through', () => {
    const globalFirst = fc.integer({ min: 0x2400, max: 0x3ffe });
    const rest = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(globalFirst, rest, (first, tail) => {
        expect(isForbiddenAddress([first, ...tail].map(hex).join(':'))).toBeNull();
      }),
    );
  });
});

describe('matchesAllowlist', () => {
  it('matches addresses and CIDRs of both families', () => {
    expect(matchesAllowlist('127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(matchesAllowlist('127.0.0.2', ['127.0.0.1'])).toBe(false);
    expect(matchesAllowlist('10.9.8.7', ['10.0.0.0/8'])).toBe(true);
    expect(matchesAllowlist('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
    expect(matchesAllowlist('fd00::5', ['fc00::/7'])).toBe(true);
    expect(matchesAllowlist('fe80::5', ['fc00::/7'])).toBe(false);
    expect(matchesAllowlist('::1', ['0:0:0:0:0:0:0:1'])).toBe(true);
    expect(matchesAllowlist('8.8.8.8', ['0.0.0.0/0'])).toBe(true);
    expect(matchesAllowlist('::1', ['0.0.0.0/0'])).toBe(false);
  });

  it('treats an IPv4-mapped address as its IPv4 address, both ways', () => {
    expect(matchesAllowlist('::ffff:127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(matchesAllowlist('::ffff:7f00:1', ['127.0.0.0/8'])).toBe(true);
    expect(matchesAllowlist('127.0.0.1', ['::ffff:127.0.0.0/104'])).toBe(true);
  });

  it('ignores malformed entries and never matches a malformed address', () => {
    expect(matchesAllowlist('127.0.0.1', ['127.0.0.1/33', 'localhost', '127.0.0.1/8/8'])).toBe(false);
    expect(matchesAllowlist('not-an-ip', ['0.0.0.0/0'])).toBe(false);
  });

  it('matches exactly the addresses a CIDR covers (oracle: octet masks)', () => {
    fc.assert(
      fc.property(octets, octets, fc.integer({ min: 0, max: 32 }), (ip, net, prefix) => {
        const toInt = (o: readonly number[]) => o.reduce((v, x) => v * 256 + x, 0);
        const size = 2 ** (32 - prefix);
        const inside = Math.floor(toInt(ip) / size) === Math.floor(toInt(net) / size);
        expect(matchesAllowlist(ip.join('.'), [`${net.join('.')}/${prefix}`])).toBe(inside);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseCidr and parseIp', () => {
  it('parses prefixes and refuses nonsense', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ version: 4, value: 0x0a000000n, prefix: 8 });
    expect(parseCidr('::1')).toMatchObject({ version: 6, value: 1n, prefix: 128 });
    for (const bad of ['10.0.0.0/', '10.0.0.0/x', '::/129', '1.2.3.4/33', 'host/8']) {
      expect(parseCidr(bad)).toBeNull();
    }
    expect(parseIp(' 1.2.3.4 ')).toEqual({ version: 4, value: 0x01020304n });
  });
});
