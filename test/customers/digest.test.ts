/**
 * The daily review digest (issue 9; Smart Estate 004#63-64) on both engines, on a clock that moves only
 * when told: a signup arms it for 08:00 in the workspace's zone; at 08:00 the platform team and finance get
 * the signups waiting for review and the approved estates waiting for payment, with counts, ages and
 * links; once per day, whatever fires it again; nothing when both lists are empty, and then no timer
 * either until the next signup. The wording and the instant are pure and checked first.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { Worker } from '../../src/engine/worker.js';
import {
  nextDigestAt,
  REVIEW_DIGEST_TIMER,
  reviewDigestTimerHandler,
  sendReviewDigest,
} from '../../src/modules/customers/digest.js';
import { composeReviewDigest, formatAge } from '../../src/modules/customers/digest-text.js';
import { decideSignup, recordManualPayment, submitSignup } from '../../src/modules/customers/signups.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import { newId } from '../../src/shared/ids.js';
import type { Database } from '../../src/store/database.js';
import { memberships, outbox, timers, users, workspaces } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const PUBLIC_URL = 'https://ops.example';

describe('the digest, pure', () => {
  it('says how long each item waited, to two units', () => {
    expect(formatAge(12 * 60_000)).toBe('12 min');
    expect(formatAge(5 * 3_600_000 + 10 * 60_000)).toBe('5 h 10 min');
    expect(formatAge(3 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe('3 d 4 h');
    expect(formatAge(-5)).toBe('0 min');
  });

  it('lists both queues with counts, ages and links, and is nothing when both are empty', () => {
    const nowMs = Date.parse('2026-03-03T02:30:00Z');
    const base = {
      day: '2026-03-03',
      nowMs,
      reviewUrl: `${PUBLIC_URL}/customers/review`,
      accountUrl: (id: string) => `${PUBLIC_URL}/customers/${id}`,
    };
    expect(composeReviewDigest({ ...base, signups: [], payments: [] })).toBeNull();
    const digest = composeReviewDigest({
      ...base,
      signups: [{ account: 'EST-A', name: 'Palm Grove', plan: null, sinceMs: nowMs - 26 * 3_600_000 }],
      payments: [],
    })!;
    expect(digest.title).toBe('Daily review 2026-03-03: 1 signup to review, 0 payments to confirm');
    expect(digest.text.split('\n')).toEqual([
      digest.title,
      '',
      'Signups waiting for review (1)',
      `- Palm Grove (EST-A): submitted 1 d 2 h — ${PUBLIC_URL}/customers/EST-A`,
      '',
      'Approved estates waiting for payment (0)',
      '- none',
      '',
      `Review queue: ${PUBLIC_URL}/customers/review`,
    ]);
  });

  it('falls at 08:00 local time, across a DST change', () => {
    // Europe/London moves to BST on 29 March 2026: 08:00 is 08:00 UTC the day before, 07:00 UTC after.
    expect(new Date(nextDigestAt(Date.parse('2026-03-27T09:00:00Z'), 'Europe/London')).toISOString()).toBe(
      '2026-03-28T08:00:00.000Z',
    );
    expect(new Date(nextDigestAt(Date.parse('2026-03-28T09:00:00Z'), 'Europe/London')).toISOString()).toBe(
      '2026-03-29T07:00:00.000Z',
    );
    expect(new Date(nextDigestAt(Date.parse('2026-03-02T04:00:00Z'), 'Asia/Kolkata')).toISOString()).toBe(
      '2026-03-03T02:30:00.000Z',
    );
  });
});

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`daily review digest: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;
    let ws: string;
    const people = { reviewer: '', finance: '' };

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      // Monday 2 March 2026, 09:30 in India.
      clock = new ManualClock('2026-03-02T04:00:00Z');
      eng = new Engine(database, clock);
      ws = await createWorkspace(database, 'Smart Estate');
      await database.inWorkspace(ws, (tx) =>
        tx.update(workspaces).set({ timeZone: 'Asia/Kolkata' }).where(eq(workspaces.id, ws)),
      );
      for (const [who, role] of [
        ['reviewer', 'platform-team'],
        ['finance', 'finance'],
      ] as const) {
        const id = newId('usr', Date.now());
        await database.db.insert(users).values({ id, email: `${who}-${ws}@example.com`, name: who });
        await database.inWorkspace(ws, (tx) =>
          tx.insert(memberships).values({ workspaceId: ws, userId: id, role }),
        );
        people[who] = id;
      }
      const loaded = await loadPack('packs/smart-estate');
      if (!loaded.ok) throw new Error('smart-estate does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
    }, 120_000);
    afterAll(async () => {
      await opened?.close();
    });

    const signup = (account: string) =>
      database.inWorkspace(ws, (tx) =>
        submitSignup(
          tx,
          eng,
          ws,
          {
            account,
            name: `Estate ${account}`,
            location: 'Whitefield',
            units: 80,
            type: 'apartments',
            admin: { name: `Admin ${account}` },
          },
          'test',
          clock.now(),
        ),
      );
    const approve = (account: string) =>
      database.inWorkspace(ws, (tx) =>
        decideSignup(tx, eng, ws, account, { decision: 'approve', reason: 'ok' }, 'test', clock.now()),
      );
    const pay = (account: string) =>
      database.inWorkspace(ws, (tx) =>
        recordManualPayment(
          tx,
          eng,
          ws,
          account,
          { amount: 1, reference: 'R', note: 'n' },
          'test',
          clock.now(),
        ),
      );
    const runTimers = async () => {
      const w = new Worker({
        database,
        workerId: `wrk_digest_${engine.name}`,
        timerHandlers: {
          [ENGINE_TIMER]: eng.timerHandler,
          [REVIEW_DIGEST_TIMER]: reviewDigestTimerHandler({ publicUrl: PUBLIC_URL }),
        },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      for (let i = 0; i < 10 && (await w.runOnce()).timers > 0; i++);
    };
    const digests = () =>
      database.inWorkspace(ws, async (tx) =>
        (await tx.select().from(outbox))
          .filter((m) => m.idempotencyKey.startsWith('review-digest:'))
          .map((m) => ({
            key: m.idempotencyKey,
            channel: m.channel,
            payload: m.payload as Record<string, unknown>,
          }))
          .sort((a, b) => a.key.localeCompare(b.key)),
      );
    const digestTimer = () =>
      database.inWorkspace(
        ws,
        async (tx) =>
          (await tx.select().from(timers)).find((t) => t.kind === REVIEW_DIGEST_TIMER)?.runAt.toISOString() ??
          null,
      );

    it('arms on the first signup for the next 08:00 in the workspace zone', async () => {
      expect(await digestTimer()).toBeNull();
      await signup('EST-A');
      expect(await digestTimer()).toBe('2026-03-03T02:30:00.000Z');
      clock.set('2026-03-02T05:00:00Z');
      await signup('EST-B');
      await approve('EST-B');
      await signup('EST-C');
      await approve('EST-C');
      await pay('EST-C');
      // Arming again keeps the earliest: still tomorrow 08:00.
      expect(await digestTimer()).toBe('2026-03-03T02:30:00.000Z');
    });

    it('sends the two lists at 08:00 to the platform team and finance, once that day', async () => {
      clock.set('2026-03-03T02:29:00Z');
      await runTimers();
      expect(await digests()).toEqual([]);
      clock.set('2026-03-03T02:30:00Z');
      await runTimers();
      const sent = await digests();
      const keys = sent.map((m) => m.key);
      expect(keys).toEqual(
        [
          `review-digest:2026-03-03:email:finance-${ws}@example.com`.toLowerCase(),
          `review-digest:2026-03-03:email:reviewer-${ws}@example.com`.toLowerCase(),
          `review-digest:2026-03-03:in-app:${people.finance}`,
          `review-digest:2026-03-03:in-app:${people.reviewer}`,
        ].sort(),
      );
      const text = String(sent[0]!.payload.text);
      expect(sent[0]!.payload.subject).toBe(
        'Daily review 2026-03-03: 1 signup to review, 1 payment to confirm',
      );
      expect(text).toContain('Signups waiting for review (1)');
      expect(text).toContain(`- Estate EST-A (EST-A): submitted 22 h 30 min — ${PUBLIC_URL}/customers/EST-A`);
      expect(text).toContain('Approved estates waiting for payment (1)');
      expect(text).toContain(`- Estate EST-B (EST-B): approved 21 h 30 min — ${PUBLIC_URL}/customers/EST-B`);
      expect(text).toContain(`Review queue: ${PUBLIC_URL}/customers/review`);
      expect(text).not.toContain('EST-C');
      // Fired again the same day (a retry, a clock stepped back): nothing new is recorded.
      expect(
        await database.inWorkspace(ws, (tx) =>
          sendReviewDigest(tx, ws, Date.parse('2026-03-03T03:00:00Z'), { publicUrl: PUBLIC_URL }),
        ),
      ).toBe(0);
      expect(await digests()).toHaveLength(4);
      // Something still waits: tomorrow's is armed.
      expect(await digestTimer()).toBe('2026-03-04T02:30:00.000Z');
    });

    it('sends nothing when both lists are empty, and keeps no timer until the next signup', async () => {
      clock.set('2026-03-03T10:00:00Z');
      await approve('EST-A');
      await pay('EST-A');
      await pay('EST-B');
      clock.set('2026-03-04T02:30:00Z');
      await runTimers();
      expect((await digests()).filter((m) => m.key.startsWith('review-digest:2026-03-04'))).toEqual([]);
      expect(await digestTimer()).toBeNull();
      await signup('EST-D');
      expect(await digestTimer()).toBe('2026-03-05T02:30:00.000Z');
    });
  });
}
