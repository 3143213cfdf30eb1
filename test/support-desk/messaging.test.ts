/**
 * WhatsApp and SMS intake on both engines, through the real app and the provider's signature: a signed
 * WhatsApp message opens a ticket for the sender's E.164 number, the next one threads to it, an agent's
 * reply goes out on the `whatsapp` lane to that number; a redelivered message is recorded once; a bad or
 * missing signature is a 403 that stores nothing; a resolved ticket is not reopened by a new message.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../src/channels/twilio-signature.js';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { supportContext } from '../../src/modules/support/context.js';
import { addMessage, resolveTicket } from '../../src/modules/support/tickets.js';
import type { SupportContext } from '../../src/modules/support/ticket-store.js';
import { outbox, ticketMessages, tickets } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

const PUBLIC_URL = 'https://opsbook.example';
const AUTH_TOKEN = 'inbound-auth-token-0123456789';
const RAVI = '+919876543210';

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`WhatsApp and SMS intake: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let ws: string;
    let ctx: SupportContext;
    let sid = 0;
    const path = () => `/api/v1/hooks/twilio/${ws}/inbound`;
    const nextSid = () => `SM${engine.name}${String(++sid).padStart(24, '0')}`;

    /** Posts the provider's form, signed as the provider signs it unless `signature` says otherwise. */
    const post = (params: Record<string, string>, signature?: string | null) =>
      t.app.inject({
        method: 'POST',
        url: path(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signature === null
            ? {}
            : {
                'x-twilio-signature':
                  signature ?? twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${path()}`, params),
              }),
        },
        payload: new URLSearchParams(params).toString(),
      });

    const whatsapp = (body: string, extra: Record<string, string> = {}) => ({
      MessageSid: nextSid(),
      AccountSid: 'AC1',
      From: `whatsapp:${RAVI}`,
      To: 'whatsapp:+14155550100',
      Body: body,
      ProfileName: 'Ravi',
      NumMedia: '0',
      ...extra,
    });

    const ticketsOf = (phone: string) =>
      t.database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(tickets)
          .where(and(eq(tickets.workspaceId, ws), eq(tickets.requesterPhone, phone)))
          .orderBy(tickets.number),
      );
    const messagesOf = (ticketId: string) =>
      t.database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(ticketMessages)
          .where(eq(ticketMessages.ticketId, ticketId))
          .orderBy(ticketMessages.createdAt),
      );
    const stored = async () =>
      (await t.database.inWorkspace(ws, (tx) => tx.select({ id: ticketMessages.id }).from(ticketMessages)))
        .length;

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({ OPSBOOK_PUBLIC_URL: PUBLIC_URL }, { database: opened.database });
      const owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces[0]!.id;
      const saved = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/workspaces/${ws}/messaging-provider`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        payload: {
          baseUrl: 'https://8.8.8.8',
          accountSid: 'AC1',
          authToken: AUTH_TOKEN,
          smsFrom: '+14155550100',
          whatsappFrom: '+14155550100',
        },
      });
      expect(saved.statusCode, saved.body).toBe(200);
      ctx = supportContext({
        database: t.database,
        now: () => new Date(),
        config: loadConfig({ LOG_LEVEL: 'silent', OPSBOOK_PUBLIC_URL: PUBLIC_URL }),
      });
    }, 300_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('refuses a missing or wrong signature with a 403 and stores nothing', async () => {
      const before = await stored();
      const params = whatsapp('My app is down');
      const missing = await post(params, null);
      expect(missing.statusCode).toBe(403);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      expect(missing.json()).toMatchObject({ code: 'OPS_SIGNATURE_INVALID' });
      const forged = await post(params, twilioSignature('wrong-token', `${PUBLIC_URL}${path()}`, params));
      expect(forged.statusCode).toBe(403);
      // Signed for another URL (another workspace's hook): refused too.
      const elsewhere = await post(
        params,
        twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/api/v1/hooks/twilio/ws_x/inbound`, params),
      );
      expect(elsewhere.statusCode).toBe(403);
      expect(await stored()).toBe(before);
      expect(await ticketsOf(RAVI)).toEqual([]);
    });

    it('opens a WhatsApp ticket for the sender’s E.164 number, keeping media as links', async () => {
      const r = await post(
        whatsapp('My app is down since morning', {
          NumMedia: '1',
          MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
          MediaContentType0: 'image/jpeg',
        }),
      );
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toContain('text/xml');
      expect(r.body).toContain('<Response></Response>');
      const [ticket, ...others] = await ticketsOf(RAVI);
      expect(others).toEqual([]);
      expect(ticket).toMatchObject({
        channel: 'whatsapp',
        requesterPhone: RAVI,
        requesterName: 'Ravi',
        title: 'My app is down since morning',
        status: 'open',
      });
      const [message] = await messagesOf(ticket!.id);
      expect(message).toMatchObject({
        direction: 'in',
        authorType: 'customer',
        bodyText: 'My app is down since morning',
      });
      expect(message!.data).toMatchObject({
        media: [
          {
            url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
            contentType: 'image/jpeg',
          },
        ],
      });
    });

    it('threads the next message to the open ticket and records a redelivery once', async () => {
      const params = whatsapp('Still nothing loads');
      expect((await post(params)).statusCode).toBe(200);
      expect((await post(params)).statusCode).toBe(200);
      const [ticket, ...others] = await ticketsOf(RAVI);
      expect(others).toEqual([]);
      const messages = await messagesOf(ticket!.id);
      expect(messages.filter((m) => m.bodyText === 'Still nothing loads')).toHaveLength(1);
      expect(messages.find((m) => m.bodyText === 'Still nothing loads')!.emailMessageId).toBe(
        `twilio:${params.MessageSid}`,
      );
      expect(ticket!.messageCount).toBe(2);
    });

    it('sends an agent’s reply on the whatsapp lane to the sender’s number', async () => {
      const [ticket] = await ticketsOf(RAVI);
      await addMessage(ctx, ws, ticket!.number, {
        kind: 'reply',
        author: { type: 'agent', name: 'Priya' },
        text: 'We are on it.',
        actor: 'test',
      });
      const sent = await t.database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(and(eq(outbox.workspaceId, ws), eq(outbox.channel, 'whatsapp'))),
      );
      const reply = sent.find((m) => (m.payload as { text?: string }).text === 'We are on it.');
      expect(reply).toBeDefined();
      expect(reply!.recipient).toBe(RAVI);
      expect(reply!.payload).toMatchObject({ to: RAVI });
    });

    it('opens a new ticket when the sender’s ticket is resolved, and keeps SMS apart from WhatsApp', async () => {
      const [ticket] = await ticketsOf(RAVI);
      await resolveTicket(ctx, ws, ticket!.number, {}, 'test');
      expect((await post(whatsapp('Another question'))).statusCode).toBe(200);
      const sms = {
        MessageSid: nextSid(),
        From: RAVI,
        To: '+14155550100',
        Body: 'Sent by SMS',
        NumMedia: '0',
      };
      expect((await post(sms)).statusCode).toBe(200);
      const all = await ticketsOf(RAVI);
      expect(all.map((x) => [x.channel, x.title])).toEqual([
        ['whatsapp', 'My app is down since morning'],
        ['whatsapp', 'Another question'],
        ['sms', 'Sent by SMS'],
      ]);
    });

    it('refuses a signed message it cannot use, precisely, and a workspace with no provider', async () => {
      const before = await stored();
      const bad = await post(whatsapp('hi', { From: 'whatsapp:12345' }));
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/From');
      const script = await post(whatsapp('see this', { NumMedia: '1', MediaUrl0: 'javascript:alert(1)' }));
      expect(script.statusCode).toBe(400);
      expect(await stored()).toBe(before);
      const other = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD);
      const none = await t.app.inject({
        method: 'POST',
        url: `/api/v1/hooks/twilio/${other.me.workspaces[0]!.id}/inbound`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(whatsapp('hi')).toString(),
      });
      expect(none.statusCode).toBe(404);
    });
  });
}
