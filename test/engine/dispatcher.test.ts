/**
 * The dispatcher on both engines, with a manual clock: each channel's lane sends what was recorded,
 * retries retryable failures (honouring Retry-After), gives up on others, logs every attempt, and a lane
 * whose far end hangs never holds up another channel.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../src/channels/types.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Dispatcher, type Lane } from '../../src/engine/dispatcher.js';
import { enqueueMessage, type OutboxMessage } from '../../src/engine/outbox.js';
import type { Database } from '../../src/store/database.js';
import { deliveryAttempts, outbox } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const T0 = '2026-03-29T00:30:00Z';

const lane = (channel: string, run: Lane['run'], overrides: Partial<Lane> = {}): Lane => ({
  channel,
  concurrency: 4,
  batchSize: 50,
  timeoutMs: 2_000,
  retry: { maxAttempts: 5, delayMs: (attempt) => 5_000 * 2 ** (attempt - 1) },
  run,
  ...overrides,
});

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`dispatcher: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ws: string;
    const clock = new ManualClock(T0);

    const enqueue = (keys: readonly string[], channel: string) =>
      database.inWorkspace(ws, async (tx) => {
        for (const key of keys)
          await enqueueMessage(tx, ws, { idempotencyKey: key, channel, payload: {}, notBefore: clock.now() });
      });
    const status = async () =>
      Object.fromEntries(
        (await database.inWorkspace(ws, (tx) => tx.select().from(outbox))).map((m) => [
          m.idempotencyKey,
          m.status,
        ]),
      );

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database);
    });
    afterAll(async () => opened?.close());

    it('sends, retries retryable failures (honouring Retry-After), gives up on others, logs each attempt', async () => {
      const outcomes: Record<string, SendOutcome[]> = {
        'm:ok': [{ ok: true, providerId: 'p-1', code: 250 }],
        'm:retry': [
          { ok: false, retryable: true, error: '429 Too Many Requests', retryAfterMs: 120_000 },
          { ok: true },
        ],
        'm:gone': [{ ok: false, retryable: false, error: '410 Gone', disable: true }],
      };
      const sent: string[] = [];
      const gaveUp: string[] = [];
      const test = lane(
        'test',
        async (message: OutboxMessage) => {
          sent.push(message.idempotencyKey);
          return outcomes[message.idempotencyKey]!.shift()!;
        },
        { onGiveUp: async (_tx, message) => void gaveUp.push(message.idempotencyKey) },
      );
      await enqueue(Object.keys(outcomes), 'test');
      const d = new Dispatcher({
        database,
        workerId: 'dsp_a',
        clock,
        leaseSeconds: 20,
        pollIntervalMs: 50,
        lanes: [test],
      });
      expect(await d.runLaneOnce(test)).toBe(3);
      expect(await status()).toMatchObject({ 'm:ok': 'sent', 'm:retry': 'pending', 'm:gone': 'dead' });
      expect(gaveUp).toEqual(['m:gone']);
      clock.advance(119_000);
      expect(await d.runLaneOnce(test)).toBe(0);
      clock.advance(1_000); // Retry-After: 120 s
      expect(await d.runLaneOnce(test)).toBe(1);
      expect((await status())['m:retry']).toBe('sent');
      expect(sent.sort()).toEqual(['m:gone', 'm:ok', 'm:retry', 'm:retry']);
      const rows = await database.inWorkspace(ws, (tx) =>
        tx.select().from(outbox).where(eq(outbox.idempotencyKey, 'm:ok')),
      );
      expect(rows[0]).toMatchObject({ providerId: 'p-1', lockedBy: null });
      const attempts = await database.inWorkspace(ws, (tx) => tx.select().from(deliveryAttempts));
      expect(attempts.map((a) => a.outcome).sort()).toEqual(['dead', 'retry', 'sent', 'sent']);
      expect(attempts.find((a) => a.messageId === rows[0]!.id)).toMatchObject({
        code: 250,
        providerId: 'p-1',
        attempt: 1,
      });
    });

    it('records nothing for a message another dispatcher took over while it was being sent', async () => {
      const stolen = lane('stolen', async (message: OutboxMessage) => {
        // The lease lapsed mid-send and another dispatcher claimed the row.
        await database.inWorkspace(ws, (tx) =>
          tx.update(outbox).set({ lockedBy: 'dsp_other:1' }).where(eq(outbox.id, message.id)),
        );
        return { ok: false, retryable: false, error: '410 Gone', disable: true };
      });
      const gaveUp: string[] = [];
      const watched = {
        ...stolen,
        onGiveUp: async (_tx: unknown, m: OutboxMessage) => void gaveUp.push(m.id),
      };
      await enqueue(['s:1'], 'stolen');
      const d = new Dispatcher({
        database,
        workerId: 'dsp_s',
        clock,
        leaseSeconds: 20,
        pollIntervalMs: 50,
        lanes: [watched],
      });
      expect(await d.runLaneOnce(watched)).toBe(1);
      const [row] = await database.inWorkspace(ws, (tx) =>
        tx.select().from(outbox).where(eq(outbox.idempotencyKey, 's:1')),
      );
      expect(row).toMatchObject({ status: 'pending', lockedBy: 'dsp_other:1' });
      const attempts = await database.inWorkspace(ws, (tx) =>
        tx.select().from(deliveryAttempts).where(eq(deliveryAttempts.messageId, row!.id)),
      );
      expect(attempts).toEqual([]);
      expect(gaveUp).toEqual([]);
    });

    it('marks a message dead after the retry policy gives up', async () => {
      const failing = lane('flaky', async () => ({ ok: false, retryable: true, error: '500' }), {
        retry: { maxAttempts: 3, delayMs: () => 1_000 },
      });
      await enqueue(['f:1'], 'flaky');
      const d = new Dispatcher({
        database,
        workerId: 'dsp_b',
        clock,
        leaseSeconds: 20,
        pollIntervalMs: 50,
        lanes: [failing],
      });
      for (let i = 0; i < 3; i++) {
        expect(await d.runLaneOnce(failing)).toBe(1);
        clock.advance(1_000);
      }
      expect((await status())['f:1']).toBe('dead');
      expect(await d.runLaneOnce(failing)).toBe(0);
    });

    it('a lane whose far end hangs does not hold up another channel', async () => {
      const hanging = lane('hangs', () => new Promise<never>(() => {}), { timeoutMs: 1_500 });
      const quick = lane('quick', async () => ({ ok: true }));
      await enqueue(['h:1'], 'hangs');
      await enqueue(['q:1', 'q:2'], 'quick');
      const d = new Dispatcher({
        database,
        workerId: 'dsp_c',
        clock,
        leaseSeconds: 20,
        pollIntervalMs: 20,
        lanes: [hanging, quick],
      });
      await d.start();
      try {
        for (let i = 0; i < 100 && (await status())['q:2'] !== 'sent'; i++)
          await new Promise((r) => setTimeout(r, 20));
        const mid = await status();
        expect(mid['q:1']).toBe('sent');
        expect(mid['q:2']).toBe('sent');
        expect(mid['h:1']).toBe('pending');
      } finally {
        await d.stop();
      }
      const attempts = await database.inWorkspace(ws, (tx) =>
        tx.select().from(deliveryAttempts).where(eq(deliveryAttempts.channel, 'hangs')),
      );
      expect(attempts[0]?.error).toContain('gave up after 1500 ms');
    });
  });
}
