/**
 * RELIABILITY S5: outbound requests never reach internal addresses. A loopback canary counts every TCP
 * connection it gets; about 90 targets (numeric IPv4 spellings, IPv6 forms that embed IPv4, metadata
 * addresses, private ranges, host names that resolve inward, DNS rebinding, a redirect) are sent through the
 * outbound client and through the webhook and Slack adapters with no allowlist. Every one must be refused
 * before connecting, and the canary must count 0. Then the canary is reached once 127.0.0.1 is allowlisted,
 * which proves the test can fail. Public DNS answers are simulated with an injected lookup: there is no
 * outside network here. The last block checks the client's other bounds: answer size, a stalled body, and
 * the wording of its errors.
 */
import { promises as dns } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkOutboundUrl,
  createOutboundHttp,
  OutboundError,
  type ResolveHost,
} from '../../src/channels/outbound-http.js';
import { createSlackAdapter } from '../../src/channels/slack.js';
import { newWebhookSecret } from '../../src/channels/standard-webhooks.js';
import type { Delivery, HttpPost } from '../../src/channels/types.js';
import { createWebhookAdapter } from '../../src/channels/webhook.js';
import { startHttpReceiver, type HttpReceiver } from './http-receiver.js';

const PUBLIC = '93.184.216.34';
const FAKE_DNS: Readonly<Record<string, readonly string[]>> = {
  'metadata.google.internal': ['169.254.169.254'],
  'metadata.google.internal.': ['169.254.169.254'],
  'instance-data.ec2.internal': ['169.254.169.254'],
  'localhost.': ['127.0.0.1'],
  'app.localhost': ['127.0.0.1', '::1'],
  'evil.example': ['127.0.0.1'],
  '127.0.0.1.nip.io': ['127.0.0.1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'v6-loopback.example': ['::1'],
  'mixed.example': [PUBLIC, '127.0.0.1'],
  'private.example': ['10.0.0.5'],
  'ula.example': ['fd12:3456::1'],
  'sixtofour.example': ['2002:7f00:1::1'],
  'nat64.example': ['64:ff9b::7f00:1'],
  'cgnat.example': ['100.64.0.1'],
  'zero.example': ['0.0.0.0'],
};

const toAnswer = (address: string) => ({ address, family: address.includes(':') ? 6 : 4 });

/** The fake names above; `localhost` goes to the system resolver (/etc/hosts), as in production. */
const fakeLookup: ResolveHost = async (host) => {
  if (host.toLowerCase() === 'localhost') return dns.lookup(host, { all: true });
  const answer = FAKE_DNS[host.toLowerCase()];
  if (!answer) throw Object.assign(new Error(`fake DNS has no ${host}`), { code: 'ENOTFOUND' });
  return answer.map(toAnswer);
};

/** Rebinding: a public answer for the configuration check, loopback for the connect that follows. */
function rebindingLookup(): ResolveHost {
  let calls = 0;
  return async () => [toAnswer(calls++ === 0 ? PUBLIC : '127.0.0.1')];
}

type Target = [url: string, kind: 'forbidden-address' | 'invalid-url'];

function targets(port: number): Target[] {
  const p = port;
  const forbidden = [
    // IPv4 loopback in every spelling the URL parser normalises
    ...[`127.0.0.1:${p}`, `127.0.0.2:${p}`, `127.255.255.254:${p}`, `2130706433:${p}`, `0x7f000001:${p}`],
    ...[`0x7f.0x0.0x0.0x1:${p}`, `0177.0.0.1:${p}`, `0177.0000.0000.0001:${p}`, `017700000001:${p}`],
    ...[`127.1:${p}`, `127.0.1:${p}`, `0x7f.1:${p}`, `127.000.000.001:${p}`, `%31%32%37.0.0.1:${p}`],
    ...[`127.0.0.1.:${p}`, `①②⑦.0.0.1:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `localhost.:${p}`],
    `app.localhost:${p}`,
    // IPv6 loopback, and IPv6 forms carrying IPv4 loopback
    ...[`[::1]:${p}`, `[0:0:0:0:0:0:0:1]:${p}`, `[0000:0000:0000:0000:0000:0000:0000:0001]:${p}`],
    ...[`[::ffff:127.0.0.1]:${p}`, `[::ffff:7f00:1]:${p}`, `[0:0:0:0:0:ffff:7f00:1]:${p}`],
    ...[`[::FFFF:7F00:0001]:${p}`, `[::127.0.0.1]:${p}`, `[2002:7f00:1::]:${p}`, `[2002:7f00:0001::1]:${p}`],
    ...[`[64:ff9b::7f00:1]:${p}`, `[64:ff9b::127.0.0.1]:${p}`, `[64:ff9b:1:7f00:0:100::]:${p}`],
    ...[`[2001:0:4136:e378:8000:63bf:3fff:fdd2]:${p}`, `[::]:${p}`, `[::ffff:0.0.0.0]:${p}`],
    ...[`[fe80::1]:${p}`, `[fc00::1]:${p}`, '[fd00:ec2::254]', `[ff02::1]:${p}`],
    // unspecified: Linux connects 0.0.0.0 to the local host
    ...[`0.0.0.0:${p}`, `0:${p}`, `0x0:${p}`],
    // cloud metadata
    ...['169.254.169.254/latest/meta-data/', `169.254.169.254:${p}`, '2852039166', '0xa9fea9fe'],
    ...['0251.0376.0251.0376', '169.254.170.2/v2/credentials', '[::ffff:169.254.169.254]'],
    ...['[::ffff:a9fe:a9fe]', '100.100.100.200/latest/meta-data/', '168.63.129.16', '192.0.0.192'],
    // private, shared, reserved
    ...[
      `10.0.0.1:${p}`,
      '10.255.255.255',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.0.1',
      '192.168.1.254:8080',
    ],
    ...['100.64.0.1', '198.18.0.1', '192.0.2.1', '224.0.0.1', '255.255.255.255', '240.0.0.1'],
    // names whose DNS answer points inward
    ...['metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal./computeMetadata/v1/'],
    ...['instance-data.ec2.internal', `evil.example:${p}`, `127.0.0.1.nip.io:${p}`, `mapped.example:${p}`],
    ...[`v6-loopback.example:${p}`, `mixed.example:${p}`, 'private.example', 'ula.example'],
    ...[`sixtofour.example:${p}`, `nat64.example:${p}`, 'cgnat.example', `zero.example:${p}`],
  ].map((host) => `http://${host}`);
  const secure = [`127.0.0.1:${p}`, `[::1]:${p}`, '169.254.169.254', `evil.example:${p}`].map(
    (h) => `https://${h}`,
  );
  const invalid = [
    ...[`http://user:pass@127.0.0.1:${p}/`, `http://user@evil.example:${p}/`, `ftp://127.0.0.1:${p}/`],
    ...['file:///etc/passwd', `gopher://127.0.0.1:${p}/_GET`, `ws://127.0.0.1:${p}/`, 'http://[::1'],
  ];
  const withPath = (url: string) => (url.includes('/', 'https://'.length) ? url : `${url}/`);
  return [
    ...[...forbidden, ...secure].map((url): Target => [withPath(url), 'forbidden-address']),
    ...invalid.map((url): Target => [url, 'invalid-url']),
  ];
}

describe('S5: outbound requests never reach internal addresses', () => {
  const canaries: http.Server[] = [];
  let port = 0;
  let reached = 0;
  let redirector: HttpReceiver;

  const listen = (server: http.Server, host: string, at: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject).listen(at, host, () => resolve());
    });

  beforeAll(async () => {
    const canary = http.createServer((_req, res) => res.end('canary'));
    canary.on('connection', () => reached++);
    await listen(canary, '127.0.0.1', 0);
    port = (canary.address() as AddressInfo).port;
    canaries.push(canary);
    // The same port on ::1 too, so an IPv6 loopback connection would be counted as well.
    const v6 = http.createServer((_req, res) => res.end('canary')).on('connection', () => reached++);
    await listen(v6, '::1', port).then(
      () => canaries.push(v6),
      () => undefined,
    );
    redirector = await startHttpReceiver({ extract: () => ({ id: '', text: '' }) });
    redirector.respondWith({ status: 302, headers: { location: `http://127.0.0.1:${port}/` } });
  });
  afterAll(async () => {
    await redirector.close();
    for (const server of canaries) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const post = (client: HttpPost, url: string) =>
    client(url, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(3000),
    });

  it('refuses every target before connecting, through the client and through both adapters', async () => {
    const list = targets(port);
    const client = createOutboundHttp({ allow: [], lookup: fakeLookup });
    const webhook = createWebhookAdapter({ http: client, now: () => new Date() });
    const slack = createSlackAdapter({ http: client });
    const secrets = [newWebhookSecret()];
    const wrong: string[] = [];
    let attempts = 0;

    for (const [url, kind] of list) {
      const error = await post(client, url).then(
        () => null,
        (e: unknown) => e,
      );
      attempts++;
      if (!(error instanceof OutboundError) || error.kind !== kind) wrong.push(`${url}: ${String(error)}`);
      const check = await checkOutboundUrl(url, [], fakeLookup);
      if (check.ok) wrong.push(`${url}: checkOutboundUrl accepted it`);
      for (const adapter of [webhook, slack]) {
        const delivery: Delivery = {
          id: 'msg_ssrf',
          workspaceId: 'wsp_ssrf',
          attempt: 1,
          kind: adapter.kind,
          target: { address: url, secrets },
          text: 'canary',
          automatic: true,
        };
        const outcome = await adapter.send(delivery, AbortSignal.timeout(3000));
        attempts++;
        if (outcome.ok || outcome.retryable)
          wrong.push(`${url} via ${adapter.kind}: ${JSON.stringify(outcome)}`);
      }
    }

    // Rebinding: the check at configuration time sees a public address; the connect must still be refused.
    const rebinding = rebindingLookup();
    const rebindUrl = `http://rebind.example:${port}/`;
    const rebindCheck = await checkOutboundUrl(rebindUrl, [], rebinding);
    const rebindClient = createOutboundHttp({ allow: [], lookup: rebinding });
    const rebound: unknown = await post(rebindClient, rebindUrl).catch((e: unknown) => e);
    if (!rebindCheck.ok || !(rebound instanceof OutboundError) || rebound.kind !== 'forbidden-address') {
      wrong.push(`${rebindUrl} (rebinding): check ${JSON.stringify(rebindCheck)}, then ${String(rebound)}`);
    }

    // A redirect from an allowlisted receiver to the canary is returned, never followed.
    const trusting = createOutboundHttp({ allow: ['127.0.0.1'] });
    const answer = await post(trusting, `${redirector.origin}/hook`);
    if (answer.status !== 302) wrong.push(`redirect: answered ${answer.status}`);

    const count = list.length + 2;
    console.log(`RESULT S5 targets=${count} reached=${reached} seed=-`);
    expect(wrong).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(80);
    expect(attempts).toBe(list.length * 3);
    expect(reached).toBe(0);
  });

  it('reaches the canary once 127.0.0.1 is allowlisted, so the test above can fail', async () => {
    const before = reached;
    const answer = await post(createOutboundHttp({ allow: ['127.0.0.1'] }), `http://127.0.0.1:${port}/`);
    expect(answer).toMatchObject({ status: 200, body: 'canary' });
    expect(reached).toBe(before + 1);
  });
});

describe('outbound client: bounded and precise', () => {
  let server: http.Server;
  let origin = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/big') {
        res.writeHead(200, { 'X-Mixed-Case': 'yes' }).end('a'.repeat(200_000));
      } else if (req.url === '/stall') {
        res.writeHead(200).write('partial'); // headers and some body, then nothing
      } else {
        res.writeHead(201, { 'X-Mixed-Case': 'yes', 'Set-Cookie': ['a=1', 'b=2'] }).end('created');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const client = createOutboundHttp({ allow: ['127.0.0.1'], maxResponseBytes: 1000, lookup: fakeLookup });
  const send = (url: string, timeoutMs = 2000) =>
    client(url, { headers: {}, body: 'x', signal: AbortSignal.timeout(timeoutMs) });

  it('lower-cases answer headers and keeps a small body whole', async () => {
    const answer = await send(`${origin}/`);
    expect(answer).toEqual({
      status: 201,
      headers: expect.objectContaining({ 'x-mixed-case': 'yes', 'set-cookie': 'a=1, b=2' }),
      body: 'created',
    });
  });

  it('cuts a large answer at maxResponseBytes without failing', async () => {
    const answer = await send(`${origin}/big`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('a'.repeat(1000));
  });

  it('gives up on a body that stalls when the signal fires', async () => {
    const started = performance.now();
    const error: unknown = await send(`${origin}/stall`, 500).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'timeout',
      message: `${origin} gave no complete answer before the deadline`,
    });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('names DNS failures and refuses a malformed allowlist at start-up', async () => {
    const error: unknown = await send('https://nowhere.example/secret-path').catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'dns',
      message: 'https://nowhere.example could not be resolved (ENOTFOUND); check the host name',
    });
    expect(() => createOutboundHttp({ allow: ['10.0.0.0/33'] })).toThrow(
      'OPSBOOK_OUTBOUND_ALLOW: "10.0.0.0/33" is not an IP address or CIDR (10.0.0.0/8, fd00::/8)',
    );
  });
});
