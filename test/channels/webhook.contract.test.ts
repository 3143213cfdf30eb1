/**
 * The webhook adapter against a local receiver: the shared channel contract, then what only signed webhooks
 * promise (Standard Webhooks signatures a receiver can verify, rotation, the body shape, 410 disabling).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutboundHttp } from '../../src/channels/outbound-http.js';
import { newWebhookSecret, verifyWebhook } from '../../src/channels/standard-webhooks.js';
import type { Delivery } from '../../src/channels/types.js';
import { createWebhookAdapter } from '../../src/channels/webhook.js';
import { runChannelContract } from './contract.js';
import { startHttpReceiver, type HttpReceiver, type RecordedRequest } from './http-receiver.js';

const SECRET = newWebhookSecret();
const PATH = '/hooks/opsbook-7f3a9?token=s3cr3t';

function extract(request: RecordedRequest) {
  const body = JSON.parse(request.body) as { data?: { text?: string } };
  return { id: String(request.headers['webhook-id']), text: body.data?.text ?? '' };
}

runChannelContract({
  name: 'webhook',
  kind: 'webhook',
  async setup() {
    const receiver = await startHttpReceiver({ extract, okStatus: 204, okBody: '' });
    const adapter = createWebhookAdapter({
      http: createOutboundHttp({ allow: ['127.0.0.1'] }),
      now: () => new Date(),
    });
    return { ...receiver, adapter, target: { address: `${receiver.origin}${PATH}`, secrets: [SECRET] } };
  },
});

describe('webhook adapter: what the receiver can check', () => {
  let receiver: HttpReceiver;
  let clockMs = Date.UTC(2026, 2, 1, 9, 0, 0);
  const adapter = createWebhookAdapter({
    http: createOutboundHttp({ allow: ['127.0.0.1'] }),
    now: () => new Date(clockMs),
  });
  const nowSeconds = () => Math.floor(clockMs / 1000);
  let n = 0;
  const delivery = (overrides: Partial<Delivery> = {}): Delivery => ({
    id: `msg_webhook${String(++n).padStart(4, '0')}`,
    workspaceId: 'wsp_test',
    attempt: 1,
    kind: 'webhook',
    target: { address: `${receiver.origin}${PATH}`, secrets: [SECRET] },
    subject: 'Incident declared',
    text: 'P0: checkout is down',
    automatic: true,
    context: {
      subject: 'incident:INC-1',
      eventType: 'incident.declared',
      level: 'p0',
      url: 'https://ops.example/i/1',
    },
    ...overrides,
  });
  const send = (d: Delivery) => adapter.send(d, AbortSignal.timeout(2000));
  const last = () => receiver.accepted().at(-1)!;

  beforeAll(async () => {
    receiver = await startHttpReceiver({ extract, okStatus: 204, okBody: '' });
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.behave('ok');
    receiver.respondWith(null);
  });

  it('signs so the receiver verifies with the endpoint secret, and a tampered body fails', async () => {
    expect(await send(delivery())).toEqual({ ok: true, code: 204 });
    const got = last();
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-timestamp']).toBe(String(nowSeconds()));
    expect(verifyWebhook([SECRET], got.headers, got.body, nowSeconds())).toEqual({ ok: true });
    expect(verifyWebhook([SECRET], got.headers, `${got.body} `, nowSeconds())).toMatchObject({ ok: false });
    expect(verifyWebhook([newWebhookSecret()], got.headers, got.body, nowSeconds())).toMatchObject({
      ok: false,
    });
  });

  it('signs with both secrets during a rotation; each signature verifies with its own secret', async () => {
    const next = newWebhookSecret();
    const d = delivery();
    await send({ ...d, target: { ...d.target, secrets: [next, SECRET] } });
    const got = last();
    const signatures = String(got.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    const only = (signature: string) => ({ ...got.headers, 'webhook-signature': signature });
    expect(verifyWebhook([next], only(signatures[0]!), got.body, nowSeconds())).toEqual({ ok: true });
    expect(verifyWebhook([SECRET], only(signatures[1]!), got.body, nowSeconds())).toEqual({ ok: true });
    expect(verifyWebhook([SECRET], only(signatures[0]!), got.body, nowSeconds())).toMatchObject({
      ok: false,
    });
  });

  it('keeps the webhook-id on a retry and stamps the time of that attempt', async () => {
    const d = delivery();
    await send(d);
    const first = last();
    clockMs += 90_000;
    await send({ ...d, attempt: 2 });
    const second = last();
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(Number(second.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp'])).toBe(90);
    expect(verifyWebhook([SECRET], second.headers, second.body, nowSeconds())).toEqual({ ok: true });
  });

  it('sends { type, timestamp, data } built from the message, or the body the pack gave', async () => {
    const d = delivery();
    await send(d);
    expect(JSON.parse(last().body)).toEqual({
      type: 'incident.declared',
      timestamp: new Date(clockMs).toISOString(),
      data: {
        id: d.id,
        subject: 'Incident declared',
        text: 'P0: checkout is down',
        level: 'p0',
        about: 'incident:INC-1',
        url: 'https://ops.example/i/1',
      },
    });
    const body = { type: 'ticket.created', timestamp: '2026-03-01T09:00:00.000Z', data: { ticket: 'T1' } };
    await send(delivery({ body, context: undefined }));
    expect(JSON.parse(last().body)).toEqual(body);
    await send(delivery({ context: undefined }));
    expect(JSON.parse(last().body)).toMatchObject({ type: 'opsbook.notification' });
  });

  it('refuses to send unsigned: an endpoint without a secret is a configuration error', async () => {
    const before = receiver.requests().length;
    const d = delivery();
    const outcome = await send({ ...d, target: { address: d.target.address } });
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/has no signing secret/),
    });
    expect(receiver.requests().length).toBe(before);
  });

  it('disables on 410, honours an HTTP-date Retry-After on 503, retries a 4xx', async () => {
    receiver.behave('gone');
    expect(await send(delivery())).toMatchObject({ ok: false, retryable: false, disable: true, code: 410 });
    receiver.respondWith({
      status: 503,
      headers: { 'retry-after': new Date(clockMs + 120_000).toUTCString() },
    });
    expect(await send(delivery())).toMatchObject({
      ok: false,
      retryable: true,
      retryAfterMs: 120_000,
      code: 503,
    });
    receiver.respondWith({ status: 400, body: 'bad' });
    expect(await send(delivery())).toMatchObject({ ok: false, retryable: true, code: 400 });
  });

  it('names the redirect it did not follow, and never the path or query of the URL', async () => {
    receiver.behave('redirect');
    const redirected = await send(delivery());
    expect(redirected).toMatchObject({ ok: false, retryable: true, code: 302 });
    expect(redirected.ok || redirected.error).toBe(
      `${receiver.origin} answered 302: redirect to ${receiver.origin} not followed (redirects never are)`,
    );
    expect(receiver.redirectHits()).toBe(0);
    receiver.behave('error');
    const failed = await send(delivery());
    expect(failed.ok || failed.error).toBe(
      `${receiver.origin} answered 500: Internal error handling POST /…`,
    );
    receiver.behave('refuse');
    const refused = await send(delivery());
    receiver.behave('ok');
    for (const outcome of [redirected, failed, refused]) {
      expect(JSON.stringify(outcome)).not.toMatch(/opsbook-7f3a9|s3cr3t/);
    }
  });

  it('refuses a loopback endpoint when 127.0.0.1 is not allowlisted, for good', async () => {
    const strict = createWebhookAdapter({
      http: createOutboundHttp({ allow: [] }),
      now: () => new Date(clockMs),
    });
    const before = receiver.requests().length;
    const outcome = await strict.send(delivery(), AbortSignal.timeout(2000));
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      error: `${receiver.origin}/ resolves to 127.0.0.1, a loopback address; outbound requests to it are refused. Use a public address, or allowlist it with OPSBOOK_OUTBOUND_ALLOW`,
    });
    expect(receiver.requests().length).toBe(before);
  });
});
