/**
 * R4 (RELIABILITY.md): each provider in turn — SMTP, Slack, SMS (Twilio-compatible), a webhook endpoint —
 * refuses connections, hangs, answers slowly, fails (HTTP 500 / SMTP 451), throttles (429 with
 * `Retry-After: 7` / SMTP 421), is gone (410 / SMTP 550) or redirects (302; SMTP has no redirect), while
 * the other three are healthy. Every scenario records deliveries on all four channels and runs the
 * dispatcher pass by pass on a manual clock, so back-off waits cost no real time. Checked: the healthy
 * channels are all sent in the first pass (no waiting on the sick one), Retry-After is honoured to the
 * millisecond, a 410 disables the Slack or webhook destination and tells the owner, redirects are never
 * followed, and once the provider heals (and, after a 410 or 550, someone re-enables it and retries the
 * dead messages) every message reaches its receiver exactly once: 0 lost, 0 duplicates.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { enqueueMessage } from '../../src/engine/outbox.js';
import { retryDelivery } from '../../src/modules/notifications/inbox.js';
import { startDelivery, type RunningDelivery } from '../../src/modules/notifications/runtime.js';
import {
  saveDestination,
  saveProvider,
  type SettingsDeps,
} from '../../src/modules/notifications/settings.js';
import type { Database } from '../../src/store/database.js';
import { destinations } from '../../src/store/schema.js';
import type { ReceiverMode } from '../channels/contract.js';
import { startHttpReceiver, type HttpReceiver } from '../channels/http-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from '../channels/smtp-receiver.js';
import { startTwilioReceiver, type TwilioReceiver } from '../channels/twilio-receiver.js';
import { ENGINES } from '../support/databases.js';
import { testKeyService } from '../support/keys.js';
import {
  deliveryConfig,
  nextDueAt,
  outboxIdIn,
  outboxRows,
  ownerNotice,
  silentLog,
  tallyReceipts,
  workspaceWithOwner,
  type OutboxRow,
} from './fault-support.js';

const PROVIDERS = ['smtp', 'slack', 'sms', 'webhook'] as const;
type Provider = (typeof PROVIDERS)[number];
const CHANNEL: Record<Provider, string> = { smtp: 'email', slack: 'slack', sms: 'sms', webhook: 'webhook' };
const MODES: readonly ReceiverMode[] = ['refuse', 'hang', 'slow', 'error', 'throttle', 'gone', 'redirect'];
const PER_CHANNEL = 2;
/** Under the 300 ms of 'slow' many times over, and short, since every 'hang' pass waits for it. */
const SEND_TIMEOUT_MS = 2_000;
const RETRY_AFTER_MS = 7_000;
const SLACK = 'alerts-slack';
const HOOK = 'alerts-hook';

interface Rig {
  readonly smtp: SmtpReceiver;
  readonly slack: HttpReceiver;
  readonly webhook: HttpReceiver;
  readonly twilio: TwilioReceiver;
}

async function startRig(): Promise<Rig> {
  const slack = await startHttpReceiver({
    extract: (r) => ({ id: outboxIdIn(r.body) ?? '', text: (JSON.parse(r.body) as { text: string }).text }),
    okBody: 'ok',
    goneBody: 'channel_is_archived',
  });
  const webhook = await startHttpReceiver({
    extract: (r) => ({ id: String(r.headers['webhook-id'] ?? ''), text: r.body }),
    okStatus: 204,
    okBody: '',
  });
  return { smtp: await startSmtpReceiver(), slack, webhook, twilio: await startTwilioReceiver() };
}

async function behave(rig: Rig, provider: Provider, mode: ReceiverMode): Promise<void> {
  if (provider === 'smtp') {
    rig.smtp.behave(mode);
    await rig.smtp.settled();
  } else if (provider === 'sms') {
    rig.twilio.behave(mode);
    await rig.twilio.settled();
  } else {
    rig[provider].behave(mode);
  }
}

/** Requests that reached a provider's receiver, whatever it answered (SMTP: accepted mail only). */
function requestsAt(rig: Rig, provider: Provider): number {
  if (provider === 'smtp') return rig.smtp.received().length;
  if (provider === 'sms') return rig.twilio.requests().length;
  return rig[provider].requests().length;
}

function receiptsOf(rig: Rig, channel: string): (string | null)[] {
  if (channel === 'email') return rig.smtp.received().map((m) => outboxIdIn(m.id));
  if (channel === 'sms') return rig.twilio.received().map((m) => outboxIdIn(m.id));
  return (channel === 'slack' ? rig.slack : rig.webhook).received().map((m) => outboxIdIn(m.id));
}

function payloadOf(provider: Provider, tag: string, i: number): Record<string, unknown> {
  const subject = `R4 ${tag} #${i}`;
  const text = `Checkout is down (${tag} #${i})`;
  const context = { subject: 'incident:R4', eventType: 'incident.declared', level: 'p1' };
  switch (provider) {
    case 'smtp':
      return { to: `oncall-${i}@example.test`, subject, text, automatic: true, context };
    case 'slack':
      return { to: SLACK, subject, text, automatic: true, context };
    case 'sms':
      return { to: '+919876543210', text, automatic: true };
    case 'webhook':
      return { to: HOOK, subject, text, automatic: true, context };
  }
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`R4: providers misbehaving in turn: ${engine.title}`, () => {
    it(
      'keeps healthy channels flowing, honours Retry-After, disables on 410, never follows a redirect, loses nothing',
      { timeout: 120_000 },
      async () => {
        const opened = await engine.open();
        const database: Database = opened.database;
        // From the real now: rows the code records with the database's default `now()` (the owners' report
        // mails) are then never in the virtual future.
        const clock = new ManualClock(new Date());
        const keys = testKeyService(database);
        const settings: SettingsDeps = { database, keys, outboundAllow: ['127.0.0.1'] };
        const rig = await startRig();
        let delivery: RunningDelivery | undefined;
        try {
          const { ws, ownerId } = await workspaceWithOwner(database, 'R4', clock.now());
          const saveDestinations = async () => {
            const at = clock.now();
            await saveDestination(
              settings,
              ws,
              SLACK,
              { kind: 'slack', url: `${rig.slack.origin}/services/T0/B0/r4` },
              'test',
              at,
            );
            await saveDestination(
              settings,
              ws,
              HOOK,
              { kind: 'webhook', url: `${rig.webhook.origin}/hooks/r4` },
              'test',
              at,
            );
          };
          await saveDestinations();
          const { twilio } = rig;
          const provider = {
            baseUrl: twilio.url,
            accountSid: twilio.accountSid,
            authToken: twilio.authToken,
          };
          await saveProvider(settings, ws, { ...provider, smsFrom: '+14155550100' }, 'test', clock.now());
          delivery = await startDelivery({
            config: deliveryConfig({ smtpPort: rig.smtp.port, sendTimeoutMs: SEND_TIMEOUT_MS }),
            database,
            keys,
            clock,
            workerId: `dsp_r4_${engine.name}`,
            log: silentLog,
            autoStart: false,
          });
          const dispatcher = delivery.dispatcher;
          const rowsById = async () => new Map((await outboxRows(database, ws)).map((r) => [r.id, r]));

          /** Passes until nothing is pending, moving the clock to the next retry each time. */
          const drain = async (tag: string) => {
            for (let pass = 0; pass < 40; pass++) {
              await dispatcher.runOnce();
              const next = await nextDueAt(database, ws);
              if (next === null) return;
              // +1 ms: the database keeps microseconds, the clock milliseconds.
              if (next >= clock.now()) clock.set(new Date(next.getTime() + 1));
            }
            const stuck = (await outboxRows(database, ws)).filter((r) => r.status === 'pending');
            const what = stuck.map(
              (r) =>
                `${r.channel} ${r.attempts} ${r.nextAttemptAt.toISOString()} ${r.lockedUntil?.toISOString()} ${r.lastError}`,
            );
            throw new Error(
              `${tag}: still pending after 40 passes at ${clock.now().toISOString()}: ${what.join('; ')}`,
            );
          };

          let scenarios = 0;
          for (const sick of PROVIDERS) {
            for (const mode of MODES) {
              if (sick === 'smtp' && mode === 'redirect') continue; // SMTP has no redirect
              scenarios++;
              const tag = `${sick}/${mode}`;
              clock.advance(60_000); // past the 5 s cache of destinations, and the last scenario's retries
              const ids = new Map<Provider, string[]>();
              await database.inWorkspace(ws, async (tx) => {
                for (const p of PROVIDERS) {
                  const list: string[] = [];
                  for (let i = 0; i < PER_CHANNEL; i++) {
                    const { id } = await enqueueMessage(tx, ws, {
                      idempotencyKey: `r4:${tag}:${p}:${i}`,
                      channel: CHANNEL[p],
                      payload: payloadOf(p, tag, i),
                      notBefore: clock.now(),
                    });
                    list.push(id);
                  }
                  ids.set(p, list);
                }
              });
              await behave(rig, sick, mode);
              const passAt = clock.now().getTime();
              await dispatcher.runOnce();
              let rows = await rowsById();
              const of = (p: Provider): OutboxRow[] => ids.get(p)!.map((id) => rows.get(id)!);

              // The healthy channels went out in this one pass, at once, first try.
              for (const p of PROVIDERS.filter((p) => p !== sick))
                for (const row of of(p))
                  expect([tag, p, row.status, row.attempts]).toEqual([tag, p, 'sent', 1]);

              const sickRows = of(sick);
              const statuses = sickRows.map((r) => r.status);
              if (mode === 'slow' || (sick === 'smtp' && mode === 'redirect')) {
                expect([tag, statuses]).toEqual([tag, sickRows.map(() => 'sent')]);
              } else if (mode === 'gone') {
                expect([tag, statuses]).toEqual([tag, sickRows.map(() => 'dead')]);
              } else {
                expect([tag, statuses]).toEqual([tag, sickRows.map(() => 'pending')]);
              }
              if (mode === 'redirect') {
                expect(
                  rig.slack.redirectHits() + rig.webhook.redirectHits() + rig.twilio.redirectHits(),
                ).toBe(0);
              }
              if (mode === 'gone' && (sick === 'slack' || sick === 'webhook')) {
                const [dest] = await database.inWorkspace(ws, (tx) =>
                  tx
                    .select()
                    .from(destinations)
                    .where(eq(destinations.id, sick === 'slack' ? SLACK : HOOK)),
                );
                expect(dest?.disabledAt, `${tag}: destination disabled`).not.toBeNull();
                for (const row of sickRows) {
                  const notice = await ownerNotice(database, ws, ownerId, row.id);
                  expect(notice?.level, `${tag}: owner told about ${row.id}`).toBe('undeliverable');
                }
              }

              await behave(rig, sick, 'ok');
              if (mode === 'throttle' && sick !== 'smtp') {
                // Retry-After: 7 means 7 s from the answer: nothing is tried a millisecond sooner.
                for (const row of sickRows)
                  expect(row.nextAttemptAt.getTime() - passAt, tag).toBe(RETRY_AFTER_MS);
                const before = requestsAt(rig, sick);
                clock.set(new Date(passAt + RETRY_AFTER_MS - 1));
                await dispatcher.runOnce();
                expect(requestsAt(rig, sick), `${tag}: retried before Retry-After`).toBe(before);
                clock.set(new Date(passAt + RETRY_AFTER_MS));
                await dispatcher.runOnce();
                rows = await rowsById();
                expect(
                  of(sick).map((r) => r.status),
                  tag,
                ).toEqual(sickRows.map(() => 'sent'));
              }
              if (mode === 'gone') {
                // An operator fixes the far end, re-enables the destination and retries the dead messages.
                clock.advance(10_000);
                if (sick === 'slack' || sick === 'webhook') await saveDestinations();
                for (const row of sickRows) await retryDelivery(database, ws, row.id, 'test', clock.now());
              }
              await drain(tag);
            }
          }

          // Every delivery (the owners' reports included) reached its receiver: none lost, none astray.
          const all = (await outboxRows(database, ws)).filter((r) => r.channel !== 'in-app');
          expect(
            all.filter((r) => r.status !== 'sent').map((r) => [r.channel, r.status, r.lastError]),
          ).toEqual([]);
          let lost = 0;
          let duplicates = 0;
          for (const channel of ['email', 'slack', 'sms', 'webhook']) {
            const receipts = tallyReceipts(receiptsOf(rig, channel));
            const ours = all.filter((r) => r.channel === channel);
            lost += ours.filter((r) => !receipts.byId.has(r.id)).length;
            duplicates += receipts.duplicates;
            const known = new Set(ours.map((r) => r.id));
            expect(
              [...receipts.byId.keys()].filter((id) => !known.has(id)),
              `${channel}: strangers`,
            ).toEqual([]);
          }
          const redirects = rig.slack.redirectHits() + rig.webhook.redirectHits() + rig.twilio.redirectHits();
          console.log(
            `RESULT R4 providers=${PROVIDERS.length} modes=${MODES.length} lost=${lost} duplicates=${duplicates} ` +
              `redirects_followed=${redirects} seed=- engine=${engine.name} scenarios=${scenarios} messages=${all.length}`,
          );
          expect(lost).toBe(0);
          // Exactly once: no failure here leaves the far end holding a message the dispatcher thinks failed.
          expect(duplicates).toBe(0);
          expect(redirects).toBe(0);
        } finally {
          await delivery?.stop();
          await Promise.all([rig.smtp.close(), rig.slack.close(), rig.webhook.close(), rig.twilio.close()]);
          await opened.close();
        }
      },
    );
  });
}
