/**
 * A pack whose review date passes raises a task for its owner: on time to the minute in the pack's zone,
 * once, and only while that version is still the active one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { ENGINE_TIMER, Engine } from '../../src/engine/engine.js';
import { readTimeline } from '../../src/engine/timeline.js';
import { Worker } from '../../src/engine/worker.js';
import { PACK_REVIEW_TIMER, raisePackReviewTask } from '../../src/modules/packs/review.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { listTasks } from '../../src/modules/work/tasks.js';
import { loadPack, type ValidatedPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { createWorkspace } from '../support/fixtures.js';
import { PACKS_DIR } from './support.js';
import { join } from 'node:path';

describe('pack review task', () => {
  let database: Database;
  let ws: string;
  let shopsmart: ValidatedPack;

  beforeAll(async () => {
    database = await openPglite();
    ws = await createWorkspace(database);
    const loaded = await loadPack(join(PACKS_DIR, 'shopsmart-pro'));
    if (!loaded.ok) throw new Error('shopsmart-pro does not load');
    shopsmart = loaded;
  });
  afterAll(async () => database?.close());

  it('raises the owner task when the review date passes in Asia/Kolkata, once', async () => {
    // review.by 2027-05: on time through 31 May in India, overdue from 2027-06-01 00:00 IST = 18:30 UTC.
    expect(shopsmart.pack.pack.review).toEqual({ by: '2027-05' });
    await activatePack(database, ws, shopsmart, 'usr_test', new Date('2026-11-23T00:00:00Z'));
    const clock = new ManualClock('2027-05-31T18:29:59Z');
    const worker = new Worker({
      database,
      workerId: 'wrk_review',
      clock,
      leaseSeconds: 20,
      pollIntervalMs: 50,
      batchSize: 10,
      // The pack's recurring checklists run too (activation starts them): they must not disturb the review.
      timerHandlers: {
        [PACK_REVIEW_TIMER]: raisePackReviewTask,
        [ENGINE_TIMER]: new Engine(database, clock).timerHandler,
      },
    });
    const drain = async () => {
      while ((await worker.runOnce()).timers > 0);
    };
    // The pack's own review task (its vendors' review reminders are tasks too, on vendor: records).
    const reviews = () => listTasks(database, ws, 'open', ['pack:shopsmart-pro']);
    await drain();
    expect(await reviews()).toEqual([]);
    clock.advance(1_000);
    await drain();
    const open = await reviews();
    expect(open).toEqual([
      expect.objectContaining({
        title: 'Review the SOP "ShopSmart Pro - Standard Operating Procedures (SOPs)"',
        assignee: `owner:${shopsmart.pack.pack.owner}`,
        subject: 'pack:shopsmart-pro',
        dueAt: new Date('2027-05-31T18:30:00Z'),
      }),
    ]);
    clock.advance(86_400_000);
    await drain();
    expect(await reviews()).toHaveLength(1);
    const timeline = await database.inWorkspace(ws, (tx) => readTimeline(tx, 'pack:shopsmart-pro'));
    expect(timeline.map((e) => e.type)).toEqual(['pack.activated', 'pack.review-due']);
  });
});
