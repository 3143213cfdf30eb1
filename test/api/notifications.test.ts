/**
 * The notification routes through inject(), on PGlite with the demo: destinations refuse SSRF targets with
 * a precise error and keep URLs and secrets out of answers; the provider refuses bad numbers; the SMS
 * provider's signed status callback lands on its delivery (and an unsigned one is refused); in-app
 * notifications list, mark read and stream live over server-sent events; templates list and preview.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInAppAdapter } from '../../src/channels/in-app.js';
import { twilioSignature } from '../../src/channels/twilio-signature.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { enqueueMessage, messageId } from '../../src/engine/outbox.js';
import { outbox, unsubscribes } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

describe('notification routes', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signInAs>>;
  let ws: string;
  const as = () => ({ cookie: owner.cookie, 'x-csrf-token': owner.csrfToken });
  const url = (path: string) => `/api/v1/workspaces/${ws}${path}`;

  beforeAll(async () => {
    t = await buildTestApp({ OPSBOOK_PUBLIC_URL: 'https://ops.example.com' });
    owner = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces[0]!.id;
  });
  afterAll(async () => t?.close());

  it('refuses a destination at a metadata address, precisely, and changes nothing', async () => {
    const r = await t.app.inject({
      method: 'PUT',
      url: url('/destinations/alerts-hook'),
      headers: as(),
      payload: { kind: 'webhook', url: 'http://169.254.169.254/latest/meta-data' },
    });
    expect(r.statusCode).toBe(400);
    const problem = r.json<{ code: string; errors: { pointer: string; message: string }[] }>();
    expect(problem.code).toBe('OPS_VALIDATION');
    expect(problem.errors[0]!.pointer).toBe('/body/url');
    expect(problem.errors[0]!.message).toMatch(/169\.254\.169\.254.*link-local/);
    const list = await t.app.inject({ url: url('/destinations'), headers: as() });
    expect(list.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('saves a webhook destination, shows its secret once, rotates and retires it', async () => {
    const saved = await t.app.inject({
      method: 'PUT',
      url: url('/destinations/incident-microsoft-teams'),
      headers: as(),
      payload: { kind: 'webhook', url: 'https://8.8.8.8/hooks/very-secret-path' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const body = saved.json<{ destination: { urlHint: string; signed: boolean }; secret: string }>();
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.destination).toMatchObject({ signed: true });
    expect(body.destination.urlHint).not.toContain('very-secret');
    const list = await t.app.inject({ url: url('/destinations'), headers: as() });
    expect(list.body).not.toContain('very-secret');
    expect(list.body).not.toContain(body.secret);
    const rotate = await t.app.inject({
      method: 'POST',
      url: url('/destinations/incident-microsoft-teams/secret'),
      headers: as(),
      payload: { action: 'rotate' },
    });
    expect(rotate.json()).toMatchObject({ secrets: 2 });
    const retire = await t.app.inject({
      method: 'POST',
      url: url('/destinations/incident-microsoft-teams/secret'),
      headers: as(),
      payload: { action: 'retire' },
    });
    expect(retire.json()).toEqual({ secrets: 1 });
  });

  it('refuses a provider number that is not a phone number, naming the field', async () => {
    const r = await t.app.inject({
      method: 'PUT',
      url: url('/messaging-provider'),
      headers: as(),
      payload: { baseUrl: 'https://8.8.8.8', accountSid: 'AC1', authToken: 'tok', smsFrom: '12' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/smsFrom');
  });

  it('keeps the stored provider token only for the same API and account', async () => {
    const base = { baseUrl: 'https://8.8.8.8', accountSid: 'AC-keep', smsFrom: '+14155550100' };
    const first = await t.app.inject({
      method: 'PUT',
      url: url('/messaging-provider'),
      headers: as(),
      payload: { ...base, authToken: 'first-token' },
    });
    expect(first.statusCode, first.body).toBe(200);
    const same = await t.app.inject({
      method: 'PUT',
      url: url('/messaging-provider'),
      headers: as(),
      payload: base,
    });
    expect(same.statusCode).toBe(200);
    const moved = await t.app.inject({
      method: 'PUT',
      url: url('/messaging-provider'),
      headers: as(),
      payload: { ...base, baseUrl: 'https://1.1.1.1' },
    });
    expect(moved.statusCode).toBe(400);
    expect(moved.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/authToken');
  });

  it('hides the text of a message that holds a secret from the delivery log', async () => {
    await t.database.inWorkspace(ws, (tx) =>
      enqueueMessage(tx, ws, {
        idempotencyKey: 'secret:1',
        channel: 'sms',
        payload: { to: '+919876543210', text: 'Your Opsbook sign-in code is 123456', sensitive: true },
      }),
    );
    const detail = await t.app.inject({
      url: url(`/deliveries/${messageId(ws, 'secret:1')}`),
      headers: as(),
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain('123456');
    const list = await t.app.inject({ url: url('/deliveries?channel=sms'), headers: as() });
    expect(list.body).not.toContain('123456');
  });

  it('records a signed status callback on its delivery and refuses an unsigned one', async () => {
    const token = 'provider-auth-token-0123456789';
    const saved = await t.app.inject({
      method: 'PUT',
      url: url('/messaging-provider'),
      headers: as(),
      payload: { baseUrl: 'https://8.8.8.8', accountSid: 'AC1', authToken: token, smsFrom: '+14155550100' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).not.toContain(token);
    await t.database.inWorkspace(ws, async (tx) => {
      await enqueueMessage(tx, ws, {
        idempotencyKey: 'cb:1',
        channel: 'sms',
        payload: { to: '+919876543210', text: 'x' },
      });
      await tx
        .update(outbox)
        .set({ status: 'sent', providerId: 'SMcallback1' })
        .where(eq(outbox.idempotencyKey, 'cb:1'));
    });
    const path = `/api/v1/hooks/twilio/${ws}/status`;
    const params = { MessageSid: 'SMcallback1', MessageStatus: 'delivered', AccountSid: 'AC1' };
    const form = new URLSearchParams(params).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const unsigned = await t.app.inject({ method: 'POST', url: path, headers, payload: form });
    expect(unsigned.statusCode).toBe(401);
    const forged = await t.app.inject({
      method: 'POST',
      url: path,
      headers: {
        ...headers,
        'x-twilio-signature': twilioSignature('wrong-token', `https://ops.example.com${path}`, params),
      },
      payload: form,
    });
    expect(forged.statusCode).toBe(401);
    const signed = await t.app.inject({
      method: 'POST',
      url: path,
      headers: {
        ...headers,
        'x-twilio-signature': twilioSignature(token, `https://ops.example.com${path}`, params),
      },
      payload: form,
    });
    expect(signed.statusCode).toBe(204);
    const detail = await t.app.inject({ url: url(`/deliveries/${messageId(ws, 'cb:1')}`), headers: as() });
    expect(detail.json()).toMatchObject({
      delivery: { providerStatus: 'delivered', providerId: 'SMcallback1' },
    });
  });

  it('lists, marks read and streams a person’s in-app notifications', async () => {
    const app = t.app;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${address.port}${url('/notifications/stream')}`, {
      headers: { cookie: owner.cookie },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const userId = (await app.inject({ url: '/api/v1/me', headers: as() })).json<{ user: { id: string } }>()
      .user.id;
    await createInAppAdapter(t.database).send(
      {
        id: 'msg_streamtest0000000000000000',
        workspaceId: ws,
        attempt: 1,
        kind: 'in-app',
        target: { address: userId },
        subject: 'P0: checkout down',
        text: 'P0: checkout down',
        automatic: true,
      },
      AbortSignal.timeout(5000),
    );
    let received = '';
    while (!received.includes('event: notification')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(received).toContain('"id":"ntf_streamtest0000000000000000"');
    const list = await app.inject({ url: url('/notifications?unread=true'), headers: as() });
    expect(list.json()).toMatchObject({ unread: 1, items: [{ title: 'P0: checkout down', readAt: null }] });
    const read = await app.inject({
      method: 'POST',
      url: url('/notifications/read'),
      headers: as(),
      payload: { all: true },
    });
    expect(read.json()).toEqual({ marked: 1 });
    expect((await app.inject({ url: url('/notifications'), headers: as() })).json()).toMatchObject({
      unread: 0,
    });
  });

  it('lists the active pack’s templates and previews one per locale, or says which exist', async () => {
    const list = await t.app.inject({ url: url('/templates'), headers: as() });
    const ids = list.json<{ items: { id: string }[] }>().items.map((i) => i.id);
    expect(ids).toContain('incident-acknowledgment');
    const preview = await t.app.inject({
      method: 'POST',
      url: url('/templates/incident-acknowledgment/preview'),
      headers: as(),
      payload: {},
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json<{ items: { locale: string; text: string }[] }>().items[0]!.locale).toBe('en');
    const unknown = await t.app.inject({
      method: 'POST',
      url: url('/templates/nope/preview'),
      headers: as(),
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ detail: string }>().detail).toContain('incident-acknowledgment');
  });

  it('unsubscribes through a journey email’s link only with its token, asking first on GET', async () => {
    const token = 'a'.repeat(32);
    await t.database.inWorkspace(ws, (tx) =>
      enqueueMessage(tx, ws, {
        idempotencyKey: 'journey:unsub:1',
        channel: 'email',
        payload: { to: 'Customer@Example.com', text: 'Welcome', unsubscribeToken: token },
      }),
    );
    const path = `/api/v1/unsubscribe/${ws}/${messageId(ws, 'journey:unsub:1')}`;
    const wrong = await t.app.inject({ url: `${path}?t=${'b'.repeat(32)}` });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json()).toMatchObject({ code: 'OPS_NOT_FOUND' });
    expect((await t.app.inject({ url: path, headers: { accept: 'text/html' } })).body).toContain('not valid');
    const html = { accept: 'text/html,application/xhtml+xml' };
    const ask = await t.app.inject({ url: `${path}?t=${token}`, headers: html });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('<form method="post">');
    expect(await t.database.inWorkspace(ws, (tx) => tx.select().from(unsubscribes))).toEqual([]);
    const done = await t.app.inject({
      method: 'POST',
      url: `${path}?t=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...html },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('You are unsubscribed');
    const rows = await t.database.inWorkspace(ws, (tx) => tx.select().from(unsubscribes));
    expect(rows.map((r) => r.address)).toEqual(['customer@example.com']);
  });

  it('saves a person’s language and quiet hours, refusing an unknown time zone', async () => {
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-settings',
      headers: as(),
      payload: { locale: 'hi', quietHours: { from: '22:00', to: '07:00', timeZone: 'Mars/Olympus' } },
    });
    expect(bad.statusCode).toBe(400);
    const good = { locale: 'hi', quietHours: { from: '22:00', to: '07:00', timeZone: 'Asia/Kolkata' } };
    const ok = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-settings',
      headers: as(),
      payload: good,
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me/notification-settings', headers: as() })).json()).toEqual(
      good,
    );
  });
});
