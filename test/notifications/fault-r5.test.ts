/**
 * R5 (RELIABILITY.md): a webhook endpoint that always answers 500, on a manual clock moved to each retry
 * as it comes due. The message must be tried at least 10 times over at least 72 hours of clock time, the
 * waits jittered (the dispatcher's own Math.random, not the schedule's bare base), then end `dead` with
 * the owner told in the app (and by email, through the built-in mailbox).
 */
import { describe, expect, it } from 'vitest';
import { WEBHOOK_RETRY } from '../../src/core/notify/retry.js';
import { ManualClock } from '../../src/engine/clock.js';
import { enqueueMessage } from '../../src/engine/outbox.js';
import { deliveryDetail, listNotifications } from '../../src/modules/notifications/inbox.js';
import { startDelivery, type RunningDelivery } from '../../src/modules/notifications/runtime.js';
import { saveDestination } from '../../src/modules/notifications/settings.js';
import { mailbox } from '../../src/store/schema.js';
import { startHttpReceiver } from '../channels/http-receiver.js';
import { ENGINES } from '../support/databases.js';
import { testKeyService } from '../support/keys.js';
import { deliveryConfig, nextDueAt, outboxRows, silentLog, workspaceWithOwner } from './fault-support.js';

const HOUR_MS = 3_600_000;
/** The schedule's waits after tries 1, 2, … before jitter (src/core/notify/retry.ts), the last repeating. */
const BASE_WAITS_MS = [5_000, 300_000, 1_800_000, 2 * HOUR_MS, 5 * HOUR_MS, 12 * HOUR_MS];

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`R5: an always-failing webhook: ${engine.title}`, () => {
    it(
      'retries ≥ 10 times over ≥ 72 h with jitter, then gives up and tells the owner',
      { timeout: 60_000 },
      async () => {
        const opened = await engine.open();
        const { database } = opened;
        const clock = new ManualClock(new Date());
        const keys = testKeyService(database);
        const endpoint = await startHttpReceiver({
          extract: (r) => ({ id: String(r.headers['webhook-id']), text: r.body }),
        });
        endpoint.behave('error');
        let delivery: RunningDelivery | undefined;
        try {
          const { ws, ownerId } = await workspaceWithOwner(database, 'R5', clock.now());
          const settings = { database, keys, outboundAllow: ['127.0.0.1'] };
          const url = `${endpoint.origin}/hooks/r5`;
          await saveDestination(settings, ws, 'orders-hook', { kind: 'webhook', url }, 'test', clock.now());
          delivery = await startDelivery({
            config: deliveryConfig({ sendTimeoutMs: 3_000 }),
            database,
            keys,
            clock,
            workerId: `dsp_r5_${engine.name}`,
            log: silentLog,
            autoStart: false,
          });
          const { id } = await database.inWorkspace(ws, (tx) =>
            enqueueMessage(tx, ws, {
              idempotencyKey: 'r5:order-shipped',
              channel: 'webhook',
              payload: {
                to: 'orders-hook',
                subject: 'Order shipped',
                text: 'Order 1042 shipped',
                automatic: true,
              },
              notBefore: clock.now(),
            }),
          );

          // Each pass sends what is due; then the clock jumps to the message's next try.
          const triedAt: number[] = [];
          const waits: number[] = [];
          for (let pass = 0; pass < 40; pass++) {
            const before = endpoint.requests().length;
            await delivery.dispatcher.runOnce();
            if (endpoint.requests().length > before) triedAt.push(clock.now().getTime());
            const row = (await outboxRows(database, ws)).find((r) => r.id === id)!;
            if (row.status !== 'pending') break;
            waits.push(row.nextAttemptAt.getTime() - clock.now().getTime());
            clock.set(row.nextAttemptAt);
          }
          // The owner's report mail is due at the database's now; deliver it to the built-in mailbox.
          for (let pass = 0; pass < 5 && (await nextDueAt(database, ws)) !== null; pass++) {
            clock.advance(1_000);
            await delivery.dispatcher.runOnce();
          }

          const detail = await deliveryDetail(database, ws, id);
          const attempts = detail.attempts.length;
          const spanH = (triedAt.at(-1)! - triedAt[0]!) / HOUR_MS;
          const inbox = await listNotifications(database, ws, ownerId);
          const told = inbox.items.filter((n) => n.level === 'undeliverable' && n.body.includes(id));
          const mails = await database.inWorkspace(ws, (tx) => tx.select().from(mailbox));
          const ratios = waits.map((w, i) => w / BASE_WAITS_MS[Math.min(i, BASE_WAITS_MS.length - 1)]!);
          console.log(
            `RESULT R5 attempts=${attempts} span_h=${spanH.toFixed(1)} owner_told=${told.length} ` +
              `engine=${engine.name} waits_over_base=${ratios.map((r) => r.toFixed(2)).join(',')}`,
          );

          expect(detail.delivery.status).toBe('dead');
          expect(attempts).toBe(WEBHOOK_RETRY.maxAttempts);
          expect(attempts).toBeGreaterThanOrEqual(10);
          expect(triedAt).toHaveLength(attempts); // every attempt reached the endpoint
          expect(detail.attempts.every((a) => a.outcome !== 'sent' && a.code === 500)).toBe(true);
          expect(spanH).toBeGreaterThanOrEqual(72);
          // Jittered within the schedule's ±20 %, and not all on its base.
          for (const ratio of ratios) {
            expect(ratio).toBeGreaterThanOrEqual(0.8);
            expect(ratio).toBeLessThanOrEqual(1.2);
          }
          expect(new Set(waits).size).toBeGreaterThan(1);
          expect(ratios.some((r) => Math.abs(r - 1) > 0.001)).toBe(true);
          expect(told).toHaveLength(1);
          expect(told[0]!.title).toContain('Could not deliver webhook message');
          expect(mails.map((m) => m.subject)).toEqual([told[0]!.title]);
        } finally {
          await delivery?.stop();
          await endpoint.close();
          await opened.close();
        }
      },
    );
  });
}
