/**
 * The vendor register (ShopSmart SOP-006) on both engines: weighted totals to the cent (all 5s = 5.00, the
 * seed's weights 25/20/20/15/10/10, 000#136-000#141); a scorecard out of range, with a half point, missing a
 * criterion or naming an unknown one is refused with a pointer per problem and writes nothing; reminders
 * come once each at their instant (contract end 60 and 30 days ahead, a review on its due date), and a
 * scorecard pushes the next review out a cadence (quarterly for a critical vendor, 000#142).
 *
 * The pack is ShopSmart with Twilio's contract ending on 30 June 2026 (the seed's "Dec 2024" has passed).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScores, weightedScore } from '../../src/core/vendors.js';
import { ENGINE_TIMER, Engine } from '../../src/engine/engine.js';
import { ManualClock } from '../../src/engine/clock.js';
import { readEffects } from '../../src/engine/effects.js';
import { Worker } from '../../src/engine/worker.js';
import { OpsError } from '../../src/errors/catalog.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import {
  recordScorecard,
  startVendorReviews,
  vendorDetail,
  vendorRegister,
} from '../../src/modules/ops/vendors.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { tasks } from '../../src/store/schema.js';
import { vendorScorecards } from '../../src/store/schema-ops.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

/** 10:00 IST on Monday 2 March 2026: the pack is activated then. */
const START = '2026-03-02T04:30:00Z';
const SEED = [
  ['reliability-uptime', 25],
  ['cost', 20],
  ['security', 20],
  ['support', 15],
  ['scalability', 10],
  ['integration', 10],
] as const;
const CRITERIA = SEED.map(([id, weightPercent]) => ({ id, weightPercent }));
const scoresOf = (...values: number[]) => Object.fromEntries(SEED.map(([id], i) => [id, values[i]!]));

async function variantPack(dir: string) {
  await cp('packs/shopsmart-pro', dir, { recursive: true });
  const file = join(dir, 'registers.yaml');
  const text = await readFile(file, 'utf8');
  const from = '      contractEnd: 2024-12\n      owner: Engineering\n';
  if (!text.includes(from)) throw new Error('the pack no longer has Twilio ending Dec 2024');
  await writeFile(file, text.replace(from, '      contractEnd: 2026-06-30\n      owner: Engineering\n'));
  const loaded = await loadPack(dir);
  if (!loaded.ok) throw new Error(`variant does not load: ${JSON.stringify(loaded.problems)}`);
  return loaded;
}

describe('weighted vendor scores', () => {
  it('sums score × weight / 100 on the seed weights', () => {
    expect(weightedScore(CRITERIA, scoresOf(5, 5, 5, 5, 5, 5))).toBe(5);
    expect(weightedScore(CRITERIA, scoresOf(1, 1, 1, 1, 1, 1))).toBe(1);
    expect(weightedScore(CRITERIA, scoresOf(4, 3, 5, 4, 3, 5))).toBe(4);
    expect(weightedScore(CRITERIA, scoresOf(5, 4, 3, 2, 1, 5))).toBe(3.55);
    expect(weightedScore(CRITERIA, scoresOf(3, 3, 3, 3, 3, 4))).toBe(3.1);
  });

  it('names every problem with its pointer: out of range, half points, missing, unknown', () => {
    const problems = checkScores(CRITERIA, {
      'reliability-uptime': 6,
      cost: 0,
      security: 3.5,
      support: '4',
      scalability: 3,
      speed: 4,
    });
    expect(problems.map((p) => p.pointer)).toEqual([
      '/body/scores/reliability-uptime',
      '/body/scores/cost',
      '/body/scores/security',
      '/body/scores/support',
      '/body/scores/integration',
      '/body/scores/speed',
    ]);
    expect(problems[0]!.message).toContain('whole number from 1 to 5');
    expect(problems[4]!.message).toContain('weight 10 %');
    expect(problems[5]!.message).toContain('no criterion "speed"');
    expect(checkScores(CRITERIA, scoresOf(1, 2, 3, 4, 5, 1))).toEqual([]);
  });
});

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`vendor register and reminders: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;
    let worker: Worker;
    let folder: string;
    let ws = '';

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      eng = new Engine(database, clock);
      folder = await mkdtemp(join(tmpdir(), 'opsbook-vendors-'));
      ws = await createWorkspace(database, 'ShopSmart vendors');
      await activatePack(database, ws, await variantPack(folder), 'test', clock.now());
      // What activation would do (or the register's first reader): start each vendor's reminders.
      await database.inWorkspace(ws, (tx) => startVendorReviews(tx, eng, ws));
      worker = new Worker({
        database,
        workerId: `wrk_vendors_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 200,
      });
    }, 120_000);
    afterAll(async () => {
      await opened?.close();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    const at = async (instant: string) => {
      clock.set(new Date(instant));
      for (let i = 0; i < 10 && (await worker.runOnce()).timers > 0; i++);
    };
    const reminders = (vendor: string) =>
      database.inWorkspace(ws, (tx) => readEffects(tx, { subject: `vendor:${vendor}`, type: 'notify' }));
    const score = (vendor: string, scores: Record<string, unknown>) =>
      database.inWorkspace(ws, (tx) => recordScorecard(tx, eng, ws, vendor, { scores }, 'user:ops'));

    it('lists the register from the pack with next reviews one cadence after activation', async () => {
      const register = await database.inWorkspace(ws, (tx) => vendorRegister(tx, eng, ws));
      expect(register.criteria.map((c) => [c.id, c.weightPercent])).toEqual(SEED);
      const byId = Object.fromEntries(register.vendors.map((v) => [v.id, v]));
      expect(byId.aws).toMatchObject({
        category: { id: 'critical' },
        risk: 'high',
        owner: 'DevOps',
        ownerRecipient: 'role:devops',
        contractEnd: 'rolling',
        contractEndsAt: null,
        daysToContractEnd: null,
        latest: null,
        overdue: false,
      });
      // Quarterly (000#142): three calendar months after 10:00 IST on 2 March.
      expect(byId.aws!.nextReviewDue?.toISOString()).toBe('2026-06-02T04:30:00.000Z');
      expect(byId.twilio!.nextReviewDue?.toISOString()).toBe('2026-09-02T04:30:00.000Z');
      // The contract runs through 30 June (IST): it has ended at midnight starting 1 July.
      expect(byId.twilio!.contractEndsAt?.toISOString()).toBe('2026-06-30T18:30:00.000Z');
      expect(byId.twilio!.daysToContractEnd).toBe(121);
      expect(byId.razorpay!.daysToContractEnd).toBeLessThan(0);
    });

    it('refuses a bad scorecard with a pointer per problem and records nothing', async () => {
      const err = await score('aws', { 'reliability-uptime': 6, cost: 3.5, speed: 4 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpsError);
      const problem = err as OpsError;
      expect(problem.code).toBe('OPS_VALIDATION');
      expect(problem.errors?.map((e) => e.pointer)).toEqual([
        '/body/scores/reliability-uptime',
        '/body/scores/cost',
        '/body/scores/security',
        '/body/scores/support',
        '/body/scores/scalability',
        '/body/scores/integration',
        '/body/scores/speed',
      ]);
      const unknownVendor = await score('oracle', scoresOf(5, 5, 5, 5, 5, 5)).catch((e: unknown) => e);
      expect((unknownVendor as OpsError).code).toBe('OPS_NOT_FOUND');
      const rows = await database.inWorkspace(ws, (tx) =>
        tx.select().from(vendorScorecards).where(eq(vendorScorecards.workspaceId, ws)),
      );
      expect(rows).toHaveLength(0);
    });

    it('reminds of a contract end 60 and 30 days ahead, once each, at the instant', async () => {
      // 60 days before 1 July 00:00 IST is 2 May 00:00 IST.
      await at('2026-05-01T18:29:59Z');
      expect(await reminders('twilio')).toHaveLength(0);
      await at('2026-05-01T18:30:00Z');
      await at('2026-05-03T00:00:00Z');
      const first = await reminders('twilio');
      expect(first).toHaveLength(1);
      expect(first[0]!.at.toISOString()).toBe('2026-05-01T18:30:00.000Z');
      expect(first[0]!.data).toMatchObject({
        to: ['role:engineering'],
        rule: expect.stringContaining('60 days'),
      });
      await at('2026-05-31T18:30:00Z');
      await at('2026-06-01T09:00:00Z');
      const both = await reminders('twilio');
      expect(both.map((e) => e.at.toISOString())).toEqual([
        '2026-05-01T18:30:00.000Z',
        '2026-05-31T18:30:00.000Z',
      ]);
      expect(both[1]!.data).toMatchObject({ rule: expect.stringContaining('30 days') });
      // Rolling contracts and those that ended before the register began are reminded of nothing.
      expect(await reminders('razorpay')).toHaveLength(0);
    });

    it('a scorecard is the review: stores the weighted total with its weights and moves the next review', async () => {
      clock.set(new Date('2026-04-01T04:30:00Z'));
      const detail = await score('aws', scoresOf(5, 4, 3, 2, 1, 5));
      expect(detail.scorecards).toHaveLength(1);
      expect(detail.scorecards[0]).toMatchObject({
        weighted: 3.55,
        weights: Object.fromEntries(SEED),
        scoredBy: 'user:ops',
      });
      expect(detail.latest?.weighted).toBe(3.55);
      expect(detail.nextReviewDue?.toISOString()).toBe('2026-07-01T04:30:00.000Z');
      const all5 = await score('mongodb-atlas', scoresOf(5, 5, 5, 5, 5, 5));
      expect(all5.latest?.weighted).toBe(5);
      const history = await database.inWorkspace(ws, (tx) => vendorDetail(tx, eng, ws, 'mongodb-atlas'));
      expect(history.scorecards.map((s) => s.weighted)).toEqual([5]);
    });

    it('reminds the owner on the review date, once, and not at the date a scorecard replaced', async () => {
      // AWS's first due date (2 June) was replaced by its scorecard of 1 April: nothing then.
      await at('2026-06-02T04:30:00Z');
      expect(await reminders('aws')).toHaveLength(0);
      await at('2026-07-01T04:29:59Z');
      expect(await reminders('aws')).toHaveLength(0);
      await at('2026-07-01T04:30:00Z');
      await at('2026-07-05T00:00:00Z');
      const sent = await reminders('aws');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.at.toISOString()).toBe('2026-07-01T04:30:00.000Z');
      expect(sent[0]!.data).toMatchObject({
        to: ['role:devops'],
        rule: expect.stringContaining('review due'),
      });
      const task = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(tasks)
          .where(and(eq(tasks.workspaceId, ws), eq(tasks.subject, 'vendor:aws'))),
      );
      expect(task).toHaveLength(1);
      expect(task[0]).toMatchObject({ assignee: 'role:devops', dueAt: new Date('2026-07-01T04:30:00Z') });
      const register = await database.inWorkspace(ws, (tx) => vendorRegister(tx, eng, ws));
      expect(register.vendors.find((v) => v.id === 'aws')).toMatchObject({ overdue: true });
    });
  });
}
