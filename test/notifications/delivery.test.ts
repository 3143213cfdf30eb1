/**
 * Notifications end to end, on both engines, against real receivers on loopback: a SofaCover P0 ticket
 * rings tier 1 (a voice call and an SMS through the Twilio-compatible provider), posts to #support-critical
 * (Slack) and emails them (the built-in mailbox, a real SMTP server); a ShopSmart customer is welcomed in
 * Hindi. Provider status callbacks land on the delivery; a Slack URL answering 410 is disabled and the
 * owners are told; every attempt is in the log.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_CHANNEL } from '../../src/engine/outbox.js';
import { deliveryDetail, listNotifications } from '../../src/modules/notifications/inbox.js';
import { recordProviderStatus } from '../../src/modules/notifications/provider-status.js';
import { startDelivery, type RunningDelivery } from '../../src/modules/notifications/runtime.js';
import {
  saveDestination,
  saveProvider,
  type SettingsDeps,
} from '../../src/modules/notifications/settings.js';
import { unsubscribe } from '../../src/modules/notifications/unsubscribe.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { destinations, mailbox, memberships, outbox, users } from '../../src/store/schema.js';
import { startHttpReceiver, type HttpReceiver } from '../channels/http-receiver.js';
import { startTwilioReceiver, type TwilioReceiver } from '../channels/twilio-receiver.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';
import { testKeyService } from '../support/keys.js';

const CONFIG = {
  smtpUrl: undefined,
  smtpFrom: 'Opsbook <notifications@opsbook.test>',
  builtInMailbox: true,
  outboundAllow: ['127.0.0.1'],
  sendTimeoutMs: 3_000,
  publicUrl: 'http://opsbook.test',
  leaseSeconds: 30,
  pollIntervalMs: 50,
};

async function addMember(
  database: Database,
  ws: string,
  user: { id: string; email: string; name: string; phone?: string; role: string; locale?: string },
) {
  await database.db
    .insert(users)
    .values({
      id: user.id,
      email: user.email,
      name: user.name,
      phone: user.phone ?? null,
      locale: user.locale ?? null,
    })
    .onConflictDoNothing();
  await database.inWorkspace(ws, (tx) =>
    tx.insert(memberships).values({ workspaceId: ws, userId: user.id, role: user.role }),
  );
}

/** A zone where it is between 10:00 and 19:00 now (their offsets leave no gap of 10 hours). */
function daytimeZone(): string {
  const zones = [
    'Asia/Kolkata',
    'Europe/London',
    'America/New_York',
    'America/Los_Angeles',
    'Asia/Tokyo',
    'Pacific/Auckland',
  ];
  const hourIn = (zone: string) =>
    Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(
        new Date(),
      ),
    );
  return zones.find((zone) => hourIn(zone) >= 10 && hourIn(zone) < 19) ?? 'Asia/Kolkata';
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`notifications end to end: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let delivery: RunningDelivery;
    let slack: HttpReceiver;
    let twilio: TwilioReceiver;
    let settings: SettingsDeps;
    let live: Engine;
    const suffix = engine.name;

    /** A new workspace with a seed pack active. */
    const workspaceRunning = async (name: string, folder: string) => {
      const ws = await createWorkspace(database, name);
      const loaded = await loadPack(`packs/${folder}`);
      if (!loaded.ok) throw new Error(`${folder} does not load`);
      await activatePack(database, ws, loaded, 'test', new Date());
      return ws;
    };
    /** Runs every lane until nothing is due. */
    const drain = async () => {
      for (let i = 0; i < 20 && (await delivery.dispatcher.runOnce()) > 0; i++);
    };
    const rowsOf = (ws: string) => database.inWorkspace(ws, (tx) => tx.select().from(outbox));

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      const keys = testKeyService(database);
      settings = { database, keys, outboundAllow: ['127.0.0.1'] };
      slack = await startHttpReceiver({
        extract: (r) => ({ id: r.body, text: (JSON.parse(r.body) as { text: string }).text }),
        okBody: 'ok',
        goneBody: 'channel_is_archived',
      });
      twilio = await startTwilioReceiver();
      live = new Engine(database, databaseClock);
      delivery = await startDelivery({
        config: CONFIG,
        database,
        keys,
        clock: databaseClock,
        workerId: `dsp_e2e_${suffix}`,
        log: { info() {}, warn() {}, error() {}, debug() {} },
        autoStart: false,
      });
    });
    afterAll(async () => {
      await delivery?.stop();
      await slack?.close();
      await twilio?.close();
      await opened?.close();
    });

    it('rings, texts, posts to Slack and emails tier 1 for a SofaCover P0 incident, each once, and logs every attempt', async () => {
      const ws = await workspaceRunning('SofaCover', 'sofacover-pro');
      await addMember(database, ws, {
        id: `usr_asha_${suffix}`,
        email: `asha-${suffix}@sofacover.test`,
        name: 'Asha Rao',
        phone: suffix === 'pglite' ? '+919876543210' : '+919876543211',
        role: 'agent-l1',
      });
      await addMember(database, ws, {
        id: `usr_own_${suffix}`,
        email: `owner-${suffix}@sofacover.test`,
        name: 'Owner',
        role: 'owner',
      });
      await saveDestination(
        settings,
        ws,
        'support-critical',
        { kind: 'slack', url: `${slack.origin}/services/T0/B0/xyz` },
        'test',
        new Date(),
      );
      await saveProvider(
        settings,
        ws,
        {
          baseUrl: twilio.url,
          accountSid: twilio.accountSid,
          authToken: twilio.authToken,
          smsFrom: '+14155550100',
          voiceFrom: '+14155550100',
        },
        'test',
        new Date(),
      );
      const slackBefore = slack.received().length;
      const twilioBefore = twilio.received().length;
      await live.handle(ws, {
        type: 'incident.declared',
        subject: 'incident:P0-1',
        data: { priority: 'p0', title: 'Checkout is down' },
        actor: 'test',
      });
      await drain();
      await drain(); // a second pass changes nothing: every row is recorded once
      const rows = await rowsOf(ws);
      const notifies = rows.filter((r) => r.channel === NOTIFY_CHANNEL);
      expect(notifies.length).toBeGreaterThanOrEqual(4);
      expect(notifies.every((r) => r.status === 'sent')).toBe(true);
      const byChannel = (channel: string) => rows.filter((r) => r.channel === channel);
      expect(byChannel('voice').map((r) => r.status)).toEqual(['sent']);
      expect(byChannel('sms').map((r) => r.status)).toEqual(['sent']);
      expect(byChannel('email').map((r) => r.status)).toEqual(['sent']);
      expect(byChannel('slack').every((r) => r.status === 'sent')).toBe(true);
      expect(rows.every((r) => r.status !== 'pending')).toBe(true);

      const calls = twilio.received().slice(twilioBefore);
      expect(calls.map((c) => c.resource).sort()).toEqual(['Calls', 'Messages']);
      expect(calls.every((c) => c.text.includes('Checkout is down'))).toBe(true);
      expect(slack.received().length - slackBefore).toBe(byChannel('slack').length);
      const [mail] = await database.inWorkspace(ws, (tx) => tx.select().from(mailbox));
      expect(mail).toMatchObject({ to: [`asha-${suffix}@sofacover.test`] });
      expect(mail!.subject).toContain('Checkout is down');
      expect(mail!.messageId).toContain(byChannel('email')[0]!.id);
      expect(mail!.headers['auto-submitted']).toBe('auto-generated');

      // The provider reports the SMS delivered: the log shows it.
      const sms = byChannel('sms')[0]!;
      expect(sms.providerId).toMatch(/^SM/);
      await recordProviderStatus(
        database,
        ws,
        { kind: 'message', providerId: sms.providerId!, status: 'delivered', final: true, failed: false },
        new Date(),
      );
      const detail = await deliveryDetail(database, ws, sms.id);
      expect(detail.delivery.providerStatus).toBe('delivered');
      expect(detail.attempts).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'sent', code: 201, providerId: sms.providerId }),
      ]);
      const parent = await deliveryDetail(database, ws, notifies[0]!.id);
      expect(parent.children.length).toBeGreaterThanOrEqual(1);
    });

    it('disables a Slack URL that answers 410 and tells the owners in the app', async () => {
      const ws = await workspaceRunning('SofaCover 410', 'sofacover-pro');
      await addMember(database, ws, {
        id: `usr_own2_${suffix}`,
        email: `owner2-${suffix}@sofacover.test`,
        name: 'Owner',
        role: 'owner',
      });
      await saveDestination(
        settings,
        ws,
        'support-critical',
        { kind: 'slack', url: `${slack.origin}/services/gone` },
        'test',
        new Date(),
      );
      slack.behave('gone');
      try {
        await live.handle(ws, {
          type: 'incident.declared',
          subject: 'incident:P1-1',
          data: { priority: 'p1', title: 'Refunds failing' },
          actor: 'test',
        });
        await drain();
      } finally {
        slack.behave('ok');
      }
      const [dest] = await database.inWorkspace(ws, (tx) =>
        tx.select().from(destinations).where(eq(destinations.id, 'support-critical')),
      );
      expect(dest!.disabledAt).not.toBeNull();
      const slackRows = (await rowsOf(ws)).filter((r) => r.channel === 'slack');
      expect(slackRows.every((r) => r.status === 'dead')).toBe(true);
      const inbox = await listNotifications(database, ws, `usr_own2_${suffix}`);
      expect(inbox.items[0]?.title).toContain('Could not deliver slack message');
      expect(inbox.unread).toBeGreaterThanOrEqual(1);
    });

    it('welcomes a ShopSmart customer by SMS in Hindi', async () => {
      const ws = await workspaceRunning('ShopSmart', 'shopsmart-pro');
      await saveProvider(
        settings,
        ws,
        {
          baseUrl: twilio.url,
          accountSid: twilio.accountSid,
          authToken: twilio.authToken,
          smsFrom: '+14155550101',
        },
        'test',
        new Date(),
      );
      const before = twilio.received().length;
      await live.handle(ws, {
        type: 'user.registered',
        subject: `account:ramesh-${suffix}`,
        data: {
          customer_name: 'Ramesh',
          customer_phone: '+91 98123 45678',
          customer_email: `ramesh-${suffix}@shop.test`,
          locale: 'hi',
          // The onboarding's send window (09:00-21:00 in the customer's zone) would hold the welcome
          // until morning when this runs at night in India: the customer lives where it is day now.
          time_zone: daytimeZone(),
        },
        actor: 'test',
      });
      await drain();
      const sms = twilio
        .received()
        .slice(before)
        .filter((m) => m.resource === 'Messages');
      expect(sms.map((m) => m.to)).toContain('+919812345678');
      expect(sms.find((m) => m.to === '+919812345678')!.text).toContain('नमस्ते Ramesh जी');
      const [mail] = await database.inWorkspace(ws, (tx) => tx.select().from(mailbox));
      expect(mail!.subject).toBe('ShopSmart Pro में आपका स्वागत है');
      // Journey mail carries a one-click unsubscribe link; once used, the next journey mail is not sent.
      expect(mail!.headers['list-unsubscribe']).toContain('http://opsbook.test/api/v1/unsubscribe/');
      expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      const [emailRow] = (await rowsOf(ws)).filter((r) => r.channel === 'email');
      const token = (emailRow!.payload as { unsubscribeToken: string }).unsubscribeToken;
      expect(await unsubscribe(database, ws, emailRow!.id, 'wrong', new Date())).toBe('invalid');
      expect(await unsubscribe(database, ws, emailRow!.id, token, new Date())).toBe('unsubscribed');
      await live.handle(ws, {
        type: 'user.registered',
        subject: `account:ramesh-again-${suffix}`,
        data: {
          customer_name: 'Ramesh',
          customer_email: `RAMESH-${suffix}@shop.test`,
          locale: 'en',
          time_zone: daytimeZone(),
        },
        actor: 'test',
      });
      await drain();
      expect(await database.inWorkspace(ws, (tx) => tx.select().from(mailbox))).toHaveLength(1);
      const skipped = (await rowsOf(ws)).filter(
        (r) => r.channel === NOTIFY_CHANNEL && (r.lastError ?? '').includes('unsubscribed'),
      );
      expect(skipped).toHaveLength(1);
    });
  });
}
