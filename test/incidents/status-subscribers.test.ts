/**
 * Status-page subscribers end to end on both engines, through the real delivery path: the subscribe form,
 * the outbox, the dispatcher's lanes, a real SMTP receiver and a webhook endpoint on loopback.
 * - email: double opt-in (nothing but the confirmation before the link's form is posted), the same answer
 *   whether the address was known, one-click unsubscribe (RFC 8058) from the List-Unsubscribe header;
 * - webhook: the URL checked by the SSRF rules, a signed confirmation request, the signing secret shown on
 *   confirming, and every later delivery verifiable with it (Standard Webhooks);
 * - notices for a published public update and for maintenance scheduled; none for internal updates.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/channels/standard-webhooks.js';
import { databaseClock } from '../../src/engine/clock.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { startDelivery, type RunningDelivery } from '../../src/modules/notifications/runtime.js';
import { notifySubscribersIn } from '../../src/modules/status/notify.js';
import type { Database } from '../../src/store/database.js';
import { statusSubscribers } from '../../src/store/schema-incidents.js';
import { startHttpReceiver, type HttpReceiver } from '../channels/http-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from '../channels/smtp-receiver.js';
import { buildTestApp, signInAs, testKeyService, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { insertIncident, blankDemoStatusPages } from './status-support.js';

const PUBLIC_URL = 'http://status.opsbook.test';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`status-page subscribers: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let t: TestApp;
    let smtp: SmtpReceiver;
    let hooks: HttpReceiver;
    let delivery: RunningDelivery;
    let ws: string;
    let owner: Awaited<ReturnType<typeof signInAs>>;
    let ip = 0;
    /** A different client address for each form post, so the forms' rate limit stays out of the way. */
    const nextIp = () => `10.20.0.${++ip}`;
    const drain = async () => {
      for (let i = 0; i < 20 && (await delivery.dispatcher.runOnce()) > 0; i++);
    };
    const mailTo = (address: string) => smtp.received().filter((m) => m.envelope.to.includes(address));
    /** A link of a message, as a path the app serves (the public URL stripped). */
    const pathOf = (url: string) => url.replace(PUBLIC_URL, '');
    const linkIn = (text: string, what: string) => {
      const match = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/status/sofacover/${what}[^\\s]*`).exec(
        text,
      );
      if (!match) throw new Error(`no ${what} link in: ${text}`);
      return match[0];
    };
    const publish = async (title: string, audience: 'public' | 'internal' = 'public') => {
      const incident = await insertIncident(database, ws, {
        title,
        updates: [{ status: 'investigating', audience, text: `${title}: we are looking into it.` }],
      });
      return database.inWorkspace(ws, (tx) =>
        notifySubscribersIn(
          tx,
          ws,
          { incidentId: incident.id, updateId: incident.updateIds[0]! },
          {
            publicUrl: PUBLIC_URL,
          },
        ),
      );
    };
    const subscribeForm = (field: 'email' | 'webhook', value: string) =>
      t.app.inject({
        method: 'POST',
        url: '/status/sofacover/subscribe',
        headers: FORM,
        payload: new URLSearchParams({ [field]: value }).toString(),
        remoteAddress: nextIp(),
      });

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      smtp = await startSmtpReceiver();
      hooks = await startHttpReceiver({
        extract: (r) => ({ id: String(r.headers['webhook-id']), text: r.body }),
        okStatus: 204,
      });
      t = await buildTestApp(
        { OPSBOOK_PUBLIC_URL: PUBLIC_URL, OPSBOOK_OUTBOUND_ALLOW: '127.0.0.1' },
        { database },
      );
      await blankDemoStatusPages(database);
      owner = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces[0]!.id;
      delivery = await startDelivery({
        config: {
          smtpUrl: `smtp://${smtp.host}:${smtp.port}?tls=off`,
          smtpFrom: 'Opsbook <status@opsbook.test>',
          builtInMailbox: false,
          outboundAllow: ['127.0.0.1'],
          sendTimeoutMs: 5_000,
          publicUrl: PUBLIC_URL,
          leaseSeconds: 30,
          pollIntervalMs: 50,
        },
        database,
        keys: testKeyService(database),
        clock: databaseClock,
        workerId: `dsp_status_${engine.name}`,
        log: { info() {}, warn() {}, error() {}, debug() {} },
        autoStart: false,
      });
    }, 120_000);
    afterAll(async () => {
      await delivery?.stop();
      await smtp?.close();
      await hooks?.close();
      await t?.app.close();
      await opened?.close();
    });

    it('confirms an email by double opt-in, sending nothing else before, and answers alike for known addresses', async () => {
      const first = await subscribeForm('email', 'Reader@Example.com');
      expect(first.statusCode).toBe(202);
      expect(first.body).toContain('If <strong>reader@example.com</strong> is not subscribed yet');
      expect(first.body).not.toMatch(/<script/i);
      await drain();
      const [confirmation] = mailTo('reader@example.com');
      expect(confirmation!.subject).toBe('Confirm your subscription to SofaCover Pro status updates');
      expect(confirmation!.headers['list-unsubscribe-post']).toEqual(['List-Unsubscribe=One-Click']);

      // Nothing but the confirmation until it is confirmed.
      expect(await publish('Before confirming')).toBe(0);
      const again = await subscribeForm('email', 'reader@example.com');
      const stranger = await subscribeForm('email', 'someone-else@example.com');
      expect(again.statusCode).toBe(stranger.statusCode);
      expect(again.body.replace('reader@example.com', 'X')).toBe(
        stranger.body.replace('someone-else@example.com', 'X'),
      );
      await drain();
      expect(mailTo('reader@example.com')).toHaveLength(1); // asked twice: still one confirmation

      // The link shows a form (a link scanner opening it confirms nothing); posting it confirms.
      const confirmUrl = linkIn(confirmation!.text, 'confirm');
      const form = await t.app.inject({ url: pathOf(confirmUrl), headers: { accept: 'text/html' } });
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('<button type="submit">Confirm</button>');
      const [pending] = await database.inWorkspace(ws, (tx) =>
        tx.select().from(statusSubscribers).where(eq(statusSubscribers.address, 'reader@example.com')),
      );
      expect(pending!.confirmedAt).toBeNull();
      const token = new URL(confirmUrl).searchParams.get('t')!;
      const confirmed = await t.app.inject({
        method: 'POST',
        url: '/status/sofacover/confirm',
        headers: FORM,
        payload: new URLSearchParams({ t: token }).toString(),
      });
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.body).toContain('<h1>Subscribed</h1>');
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/status/sofacover/confirm',
        payload: { t: 'x'.repeat(43) },
      });
      expect(wrong.statusCode).toBe(404);
      expect(wrong.headers['content-type']).toContain('application/problem+json');
    });

    it('emails a published public update with one-click unsubscribe, never an internal one', async () => {
      expect(await publish('Login failures')).toBe(1);
      expect(await publish('Internal only', 'internal')).toBe(0);
      await drain();
      const mails = mailTo('reader@example.com');
      expect(mails).toHaveLength(2);
      const update = mails[1]!;
      expect(update.subject).toBe('[SofaCover Pro status] Login failures: Investigating');
      expect(update.text).toContain('Login failures: we are looking into it.');
      expect(update.text).toContain(`${PUBLIC_URL}/status/sofacover/incidents/inc_`);
      expect(update.headers['list-unsubscribe-post']).toEqual(['List-Unsubscribe=One-Click']);
      const header = update.headers['list-unsubscribe']![0]!;
      const unsubscribeUrl = /<([^>]+)>/.exec(header)![1]!;
      expect(update.text).toContain(unsubscribeUrl);

      // A wrong token changes nothing; the mail client's one-click POST unsubscribes.
      const forged = await t.app.inject({
        method: 'POST',
        url: pathOf(unsubscribeUrl).replace(/t=[^&]+/, `t=${'A'.repeat(32)}`),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(forged.statusCode).toBe(404);
      expect(await publish('Still subscribed')).toBe(1);
      const page = await t.app.inject({ url: pathOf(unsubscribeUrl), headers: { accept: 'text/html' } });
      expect(page.body).toContain('<button type="submit">Unsubscribe</button>');
      const oneClick = await t.app.inject({
        method: 'POST',
        url: pathOf(unsubscribeUrl),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.statusCode).toBe(200);
      expect(oneClick.json()).toEqual({ unsubscribed: true });
      expect(await publish('After unsubscribing')).toBe(0);
      await drain();
      expect(mailTo('reader@example.com').map((m) => m.subject)).not.toContain(
        '[SofaCover Pro status] After unsubscribing: Investigating',
      );
      // Subscribing again starts over: a new confirmation.
      await subscribeForm('email', 'reader@example.com');
      await drain();
      expect(mailTo('reader@example.com').at(-1)!.subject).toMatch(/^Confirm your subscription/);
    });

    it('refuses webhook URLs the SSRF rules forbid', async () => {
      for (const url of [
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.7/hook',
        'http://[::ffff:a9fe:a9fe]/',
      ]) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/status/sofacover/subscribe',
          payload: { webhook: url },
          remoteAddress: nextIp(),
        });
        expect(r.statusCode, url).toBe(400);
        expect(r.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/webhook');
      }
      const asForm = await subscribeForm('webhook', 'http://169.254.169.254/');
      expect(asForm.statusCode).toBe(400);
      expect(asForm.body).toContain('<h1>Not subscribed</h1>');
    });

    it('confirms a webhook by a signed request, then signs every delivery with the secret it shows once', async () => {
      const url = `${hooks.origin}/hooks/status`;
      const r = await t.app.inject({
        method: 'POST',
        url: '/status/sofacover/subscribe',
        payload: { webhook: url },
        remoteAddress: nextIp(),
      });
      expect(r.statusCode).toBe(202);
      await drain();
      const [request] = hooks.accepted();
      const confirm = JSON.parse(request!.body) as { type: string; data: { fields: Record<string, string> } };
      expect(confirm.type).toBe('status.subscription.confirm');
      expect(request!.headers['webhook-signature']).toMatch(/^v1,/);
      expect(await publish('Before the webhook confirms')).toBe(0);
      const confirmed = await t.app.inject({ method: 'POST', url: pathOf(confirm.data.fields.confirm_url!) });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      const { secret } = confirmed.json<{ secret: string }>();
      expect(secret).toMatch(/^whsec_/);
      const twice = await t.app.inject({ method: 'POST', url: pathOf(confirm.data.fields.confirm_url!) });
      expect(twice.json()).toMatchObject({ confirmed: true, already: true });
      expect(twice.json()).not.toHaveProperty('secret');

      expect(await publish('Webhook incident')).toBe(1);
      await drain();
      const delivered = hooks.accepted().at(-1)!;
      const nowS = Math.floor(Date.now() / 1000);
      expect(verifyWebhook([secret], delivered.headers, delivered.body, nowS)).toEqual({ ok: true });
      expect(
        verifyWebhook(
          ['whsec_' + Buffer.alloc(32, 1).toString('base64')],
          delivered.headers,
          delivered.body,
          nowS,
        ).ok,
      ).toBe(false);
      const body = JSON.parse(delivered.body) as { type: string; data: { fields: Record<string, string> } };
      expect(body.type).toBe('status.incident.updated');
      expect(body.data.fields).toMatchObject({ incident_name: 'Webhook incident', status: 'investigating' });
      expect(body.data.fields.unsubscribe_url).toContain('/status/sofacover/unsubscribe/msg_');
    });

    it('adds a confirmed webhook subscriber from the admin API and announces scheduled maintenance to all', async () => {
      const headers = { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken };
      const added = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/status/subscribers`,
        headers,
        payload: { url: `${hooks.origin}/hooks/admin` },
      });
      expect(added.statusCode, added.body).toBe(201);
      const { secret, subscriber } = added.json<{ secret: string; subscriber: { state: string } }>();
      expect(subscriber.state).toBe('confirmed');
      const duplicate = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/status/subscribers`,
        headers,
        payload: { url: `${hooks.origin}/hooks/admin` },
      });
      expect(duplicate.statusCode).toBe(409);
      const before = hooks.accepted().length;
      const maintenance = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/status/maintenance`,
        headers,
        payload: {
          title: 'Network upgrade',
          startsAt: new Date(Date.now() + 86_400_000).toISOString(),
          endsAt: new Date(Date.now() + 90_000_000).toISOString(),
        },
      });
      expect(maintenance.statusCode, maintenance.body).toBe(201);
      await drain();
      const notices = hooks.accepted().slice(before);
      expect(notices.map((n) => n.path).sort()).toEqual(['/hooks/admin', '/hooks/status']);
      const toAdmin = notices.find((n) => n.path === '/hooks/admin')!;
      expect(verifyWebhook([secret], toAdmin.headers, toAdmin.body, Math.floor(Date.now() / 1000))).toEqual({
        ok: true,
      });
      expect((JSON.parse(toAdmin.body) as { type: string }).type).toBe('status.maintenance.scheduled');
      const list = await t.app.inject({ url: `/api/v1/workspaces/${ws}/status/subscribers`, headers });
      const states = list.json<{ items: { address: string; state: string }[] }>().items;
      expect(states.find((s) => s.address === 'reader@example.com')!.state).toBe('pending');
      expect(states.find((s) => s.address === `${hooks.origin}/hooks/status`)!.state).toBe('confirmed');
    });

    it('limits the subscribe form per client address', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/status/sofacover/subscribe',
          payload: { email: `flood-${i}@example.com` },
          remoteAddress: '10.99.0.1',
        });
        codes.push(r.statusCode);
      }
      expect(codes.slice(0, 10).every((c) => c === 202)).toBe(true);
      expect(codes[10]).toBe(429);
    });
  });
}
