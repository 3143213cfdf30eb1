/**
 * The SMS, WhatsApp and voice adapters against a local server playing the Twilio API: the shared channel
 * contract for each kind, then what only Twilio has (whatsapp: prefixes, TwiML, error codes, Basic auth),
 * asserted on what the receiver got rather than on what the adapter says it sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutboundHttp } from '../../src/channels/outbound-http.js';
import { createTwilioAdapter, type TwilioKind, type TwilioProvider } from '../../src/channels/twilio.js';
import type { ChannelAdapter, Delivery, HttpPost } from '../../src/channels/types.js';
import { runChannelContract } from './contract.js';
import { startTwilioReceiver, type TwilioReceiver } from './twilio-receiver.js';

const TO = '+919876543210';
const CALLBACK = (workspaceId: string, messageId: string) =>
  `https://opsbook.example/hooks/twilio/${workspaceId}/${messageId}`;

function providerOf(receiver: TwilioReceiver, overrides: Partial<TwilioProvider> = {}): TwilioProvider {
  return {
    baseUrl: receiver.url,
    accountSid: receiver.accountSid,
    authToken: receiver.authToken,
    smsFrom: '+15005550006',
    whatsappFrom: 'whatsapp:+14155238886',
    voiceFrom: '+15005550006',
    ...overrides,
  };
}

function adapterFor(
  kind: TwilioKind,
  receiver: TwilioReceiver,
  overrides: Partial<TwilioProvider> | null = {},
  http: HttpPost = createOutboundHttp({ allow: ['127.0.0.1'] }),
): ChannelAdapter {
  return createTwilioAdapter(kind, {
    http,
    provider: async () => (overrides === null ? null : providerOf(receiver, overrides)),
    statusCallbackUrl: CALLBACK,
  });
}

for (const kind of ['sms', 'whatsapp', 'voice'] as const) {
  runChannelContract({
    name: `${kind} (Twilio-compatible API)`,
    kind,
    async setup() {
      const receiver = await startTwilioReceiver();
      return {
        adapter: adapterFor(kind, receiver),
        target: { address: TO },
        received: () => receiver.received(),
        redirectHits: () => receiver.redirectHits(),
        behave: (mode) => receiver.behave(mode),
        close: () => receiver.close(),
      };
    },
  });
}

describe('Twilio requests as the receiver got them', () => {
  let receiver: TwilioReceiver;
  let n = 0;
  beforeAll(async () => {
    receiver = await startTwilioReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(() => receiver.behave('ok'));

  const delivery = (kind: TwilioKind, overrides: Partial<Delivery> = {}): Delivery => ({
    id: `msg_twilio${String(++n).padStart(4, '0')}`,
    workspaceId: 'wsp_twilio',
    attempt: 1,
    kind,
    target: { address: TO },
    text: 'P1: payments are failing',
    automatic: true,
    ...overrides,
  });
  const send = (adapter: ChannelAdapter, d: Delivery) => adapter.send(d, AbortSignal.timeout(5000));
  const lastRequest = () => receiver.requests().at(-1)!;

  it('sends an SMS as Twilio expects: path, Basic auth, form fields, idempotency token', async () => {
    const d = delivery('sms');
    const outcome = await send(adapterFor('sms', receiver), d);
    expect(outcome).toMatchObject({
      ok: true,
      code: 201,
      providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
    });
    const request = lastRequest();
    expect(request.path).toBe(`/2010-04-01/Accounts/${receiver.accountSid}/Messages.json`);
    expect(request.auth).toEqual({ user: receiver.accountSid, password: receiver.authToken });
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.headers['i-twilio-idempotency-token']).toBe(d.id);
    expect(request.form).toEqual({
      To: [TO],
      From: ['+15005550006'],
      Body: [d.text],
      StatusCallback: [CALLBACK('wsp_twilio', d.id)],
    });
  });

  it('normalises a written-out number to E.164 before sending', async () => {
    await send(adapterFor('sms', receiver), delivery('sms', { target: { address: '+91 98765-43210' } }));
    expect(lastRequest().form['To']).toEqual([TO]);
  });

  it('prefixes both WhatsApp numbers with whatsapp:', async () => {
    const outcome = await send(adapterFor('whatsapp', receiver), delivery('whatsapp'));
    expect(outcome).toMatchObject({ ok: true });
    expect(lastRequest().form).toMatchObject({ To: [`whatsapp:${TO}`], From: ['whatsapp:+14155238886'] });
    // A From configured without the prefix gets it too.
    await send(adapterFor('whatsapp', receiver, { whatsappFrom: '+14155238886' }), delivery('whatsapp'));
    expect(lastRequest().form['From']).toEqual(['whatsapp:+14155238886']);
  });

  it('calls with TwiML that says the escaped text twice in Hindi, and asks for every call event', async () => {
    const text = 'P0 <checkout> & "payments" डाउन हैं';
    const d = delivery('voice', { text, locale: 'hi' });
    expect(await send(adapterFor('voice', receiver), d)).toMatchObject({
      ok: true,
      providerId: expect.stringMatching(/^CA/),
    });
    const request = lastRequest();
    expect(request.path).toBe(`/2010-04-01/Accounts/${receiver.accountSid}/Calls.json`);
    const say = '<Say language="hi-IN">P0 &lt;checkout&gt; &amp; &quot;payments&quot; डाउन हैं</Say>';
    expect(request.form['Twiml']).toEqual([`<Response>${say}<Pause length="1"/>${say}</Response>`]);
    expect(request.form['StatusCallbackEvent']).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(request.form['StatusCallback']).toEqual([CALLBACK('wsp_twilio', d.id)]);
    expect(receiver.received().at(-1)).toMatchObject({ text, language: 'hi-IN' });
  });

  it('speaks English (en-US) when the message has no locale, and keeps a given region', async () => {
    await send(adapterFor('voice', receiver), delivery('voice'));
    expect(receiver.received().at(-1)!.language).toBe('en-US');
    await send(adapterFor('voice', receiver), delivery('voice', { locale: 'en-gb' }));
    expect(receiver.received().at(-1)!.language).toBe('en-GB');
  });

  it('rejects an invalid number before any request, precisely and for good', async () => {
    const before = receiver.requests().length;
    const outcome = await send(
      adapterFor('sms', receiver),
      delivery('sms', { target: { address: '98765' } }),
    );
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      error: expect.stringContaining('“98765” has no country code'),
    });
    expect(receiver.requests().length).toBe(before);
  });

  it('says which provider is missing when none is set up, per kind', async () => {
    for (const [kind, name] of [
      ['sms', 'SMS'],
      ['whatsapp', 'WhatsApp'],
      ['voice', 'voice-call'],
    ] as const) {
      expect(await send(adapterFor(kind, receiver, null), delivery(kind))).toEqual({
        ok: false,
        retryable: false,
        error: `no ${name} provider is set up for this workspace: add one in Admin → Notifications (a Twilio-compatible API)`,
      });
    }
  });

  it('says when the provider has no number to send from for this kind', async () => {
    const outcome = await send(adapterFor('voice', receiver, { voiceFrom: undefined }), delivery('voice'));
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/no number to send from/),
    });
  });

  it('reports a provider lookup that throws as retryable', async () => {
    const adapter = createTwilioAdapter('sms', {
      http: createOutboundHttp({ allow: ['127.0.0.1'] }),
      provider: () => Promise.reject(new Error('database is restarting')),
    });
    expect(await send(adapter, delivery('sms'))).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringContaining('database is restarting'),
    });
  });

  it("gives Twilio's error 21211 for an invalid 'To' as not retryable, code and message included", async () => {
    const outcome = await send(
      adapterFor('sms', receiver),
      delivery('sms', { target: { address: '+15005550001' } }),
    );
    expect(outcome).toMatchObject({ ok: false, retryable: false, code: 400 });
    expect(outcome.ok ? '' : outcome.error).toContain(
      "error 21211: The 'To' number +15005550001 is not a valid phone number.",
    );
  });

  it('reports refused credentials as not retryable, without the token in the error', async () => {
    const token = 'wrong-token-that-must-not-leak';
    const outcome = await send(adapterFor('sms', receiver, { authToken: token }), delivery('sms'));
    expect(outcome).toMatchObject({ ok: false, retryable: false, code: 401 });
    const error = outcome.ok ? '' : outcome.error;
    expect(error).toContain('refused the credentials (HTTP 401, error 20003: Authenticate)');
    expect(error).not.toContain(token);
    expect(lastRequest().status).toBe(401);
  });

  it('does not disable anything on a 410: it means nothing special to Twilio', async () => {
    receiver.behave('gone');
    const outcome = await send(adapterFor('sms', receiver), delivery('sms'));
    expect(outcome).toMatchObject({ ok: false, retryable: false, code: 410 });
    expect(outcome).not.toHaveProperty('disable', true);
  });

  it('refuses a loopback provider address unless allowlisted, as not retryable', async () => {
    const strict = adapterFor('sms', receiver, {}, createOutboundHttp({ allow: [] }));
    const before = receiver.requests().length;
    const outcome = await send(strict, delivery('sms'));
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('loopback'),
    });
    expect(receiver.requests().length).toBe(before);
  });

  it('reports a provider that stopped listening as retryable: the pooled connection, then refused ones', async () => {
    const adapter = adapterFor('sms', receiver);
    expect(await send(adapter, delivery('sms'))).toMatchObject({ ok: true });
    receiver.behave('refuse');
    await receiver.settled();
    // The first send may still try the kept-alive connection the receiver just cut (ECONNRESET).
    expect(await send(adapter, delivery('sms'))).toMatchObject({ ok: false, retryable: true });
    expect(await send(adapter, delivery('sms'))).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringContaining('ECONNREFUSED'),
    });
    receiver.behave('ok');
    await receiver.settled();
    expect(await send(adapter, delivery('sms'))).toMatchObject({ ok: true });
  });

  it('refuses a message over 1,600 characters before sending', async () => {
    const outcome = await send(adapterFor('sms', receiver), delivery('sms', { text: 'ॐ'.repeat(1601) }));
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('1601 characters'),
    });
  });
});
