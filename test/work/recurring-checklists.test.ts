/**
 * Recurring checklist runs on both engines, on a clock that moves only when told, with the real worker:
 *
 * - every time-based cadence of the five packs opens its runs over a quarter (Q2 2026, in each pack's
 *   zone), one per occurrence, with only that item for an item's own cadence; event cadences
 *   (`on: every-commit`, `before-release`, `as-needed`, …) open none;
 * - runs missed while no worker ran (ten days down) are opened when the worker next runs, exactly the
 *   missed ones, each once, each due at its own scheduled instant; a second pass opens nothing;
 * - an overdue run nags its owner role once at its due instant and escalates once after 24 h to the
 *   workspace's owners and admins (POS's checklists name the same owner as their items); a completed run
 *   is nagged no more.
 */
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { readTimeline } from '../../src/engine/timeline.js';
import { Worker } from '../../src/engine/worker.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { listRuns, workItem } from '../../src/modules/work/checklists.js';
import { loadPack } from '../../src/packs/load.js';
import { newId } from '../../src/shared/ids.js';
import type { Database } from '../../src/store/database.js';
import { memberships, outbox, timers, users } from '../../src/store/schema.js';
import { checklistRuns } from '../../src/store/schema-work.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const DAY = 86_400_000;

/** Q2 2026 in each pack's zone: Apr 1 00:00 to just before Jul 1 00:00. */
const QUARTER: Record<string, { start: string; end: string }> = {
  UTC: { start: '2026-04-01T00:00:00Z', end: '2026-06-30T23:59:59Z' },
  IST: { start: '2026-03-31T18:30:00Z', end: '2026-06-30T18:29:59Z' },
};

/**
 * Runs per schedule subject over Q2 2026: 91 days, 13 Mondays, 3 months, 1 quarter; Smart Estate's daily
 * runs fall on the 65 weekdays its business-hours calendar (Mon-Fri 09:00-17:00) is open at 09:00.
 */
const EXPECTED: Record<string, { zone: string; runs: Record<string, number> }> = {
  'pos-saas': {
    zone: 'UTC',
    runs: { 'schedule:daily': 91, 'schedule:weekly': 13, 'schedule:monthly': 3 },
  },
  'shopsmart-pro': {
    zone: 'IST',
    runs: {
      'schedule:testing/e2e-tests': 91,
      'schedule:testing/performance-tests': 13,
      'schedule:testing/security-tests': 3,
      'schedule:backup-verification/backup-completion': 91,
      'schedule:backup-verification/restore-test-sample': 13,
      'schedule:backup-verification/full-restore-drill': 3,
      'schedule:backup-verification/dr-failover-test': 1,
    },
  },
  'smart-estate': {
    zone: 'UTC',
    runs: {
      'schedule:daily-operations': 65,
      'schedule:weekly-operations': 13,
      'schedule:monthly-operations': 3,
    },
  },
  'company-ops': {
    zone: 'UTC',
    runs: {
      'schedule:daily-scrum': 91,
      'schedule:weekly-maintenance': 13,
      'schedule:monthly-maintenance': 3,
      'schedule:sdlc-development/backlogs': 91,
      'schedule:sdlc-development/daily-stand-up': 91,
      'schedule:security-compliance/security-audits': 3,
    },
  },
  'sofacover-pro': { zone: 'UTC', runs: {} },
};

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`recurring checklist runs: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
    }, 120_000);
    afterAll(async () => {
      await opened?.close();
    });

    /** A workspace running `pack` from `start`, with the engine and a worker on `clock`. */
    async function workspaceOf(pack: string, start: string) {
      const clock = new ManualClock(start);
      const eng = new Engine(database, clock);
      const ws = await createWorkspace(database, pack);
      const loaded = await loadPack(`packs/${pack}`);
      if (!loaded.ok) throw new Error(`${pack} does not load`);
      await activatePack(database, ws, loaded, 'test', clock.now());
      const worker = new Worker({
        database,
        workerId: `wrk_${pack}_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 200,
      });
      /** Runs the worker until nothing is due; returns the timers it handled. */
      const work = async () => {
        let handled = 0;
        for (let i = 0; i < 50; i++) {
          const { timers: n } = await worker.runOnce();
          if (n === 0) break;
          handled += n;
        }
        return handled;
      };
      return { ws, clock, eng, work };
    }

    const runsBySubject = async (ws: string) => {
      const rows = await database.inWorkspace(ws, (tx) =>
        tx
          .select({ subject: checklistRuns.subject, dueAt: checklistRuns.dueAt })
          .from(checklistRuns)
          .where(eq(checklistRuns.workspaceId, ws))
          .orderBy(asc(checklistRuns.dueAt)),
      );
      const counts: Record<string, number> = {};
      for (const r of rows) counts[r.subject] = (counts[r.subject] ?? 0) + 1;
      return { counts, rows };
    };

    for (const [pack, expected] of Object.entries(EXPECTED)) {
      it(`${pack}: every time-based cadence opens one run per occurrence over Q2 2026`, async () => {
        const { start, end } = QUARTER[expected.zone]!;
        const { ws, clock, work } = await workspaceOf(pack, start);
        // A week at a time, the worker running after each (as a live worker would, only later).
        for (let at = Date.parse(start); at < Date.parse(end); at += 7 * DAY) {
          clock.set(new Date(Math.min(at + 7 * DAY, Date.parse(end))));
          await work();
        }
        const { counts } = await runsBySubject(ws);
        expect(counts).toEqual(expected.runs);
      }, 240_000);
    }

    it('ShopSmart: an item with its own cadence runs alone, due when its period ends in IST', async () => {
      const { ws } = await workspaceOf('shopsmart-pro', QUARTER.IST!.start);
      const runs = await database.inWorkspace(ws, (tx) =>
        listRuns(tx, ws, { checklist: 'backup-verification', limit: 10 }),
      );
      // Apr 1 00:00 IST is a day, a month and a quarter: the daily, monthly and quarterly checks open, each
      // due at its cadence's next instant (tomorrow, May 1, July 1, at 00:00 IST).
      const due = Object.fromEntries(runs.map((r) => [r.subject, r.dueAt?.toISOString()]));
      expect(due).toEqual({
        'schedule:backup-verification/backup-completion': '2026-04-01T18:30:00.000Z',
        'schedule:backup-verification/full-restore-drill': '2026-04-30T18:30:00.000Z',
        'schedule:backup-verification/dr-failover-test': '2026-06-30T18:30:00.000Z',
      });
      for (const run of runs) {
        expect(run.items).toHaveLength(1);
        expect(run.items[0]!.dueAt).toEqual(run.dueAt);
      }
      const drill = runs.find((r) => r.subject.endsWith('/dr-failover-test'))!;
      expect(drill.items[0]).toMatchObject({ item: 'dr-failover-test', owner: 'role:devops-engineering' });
    });

    it('opens the runs missed while no worker ran, each once, when the worker next runs', async () => {
      // POS (UTC): activated on Monday 2 March 2026 at 00:00, the day's and the week's runs open at once.
      const { ws, clock, work } = await workspaceOf('pos-saas', '2026-03-02T00:00:00Z');
      expect((await runsBySubject(ws)).counts).toEqual({ 'schedule:daily': 1, 'schedule:weekly': 1 });
      // Ten and a half days with no worker: nothing opens by itself.
      clock.set('2026-03-12T12:00:00Z');
      expect((await runsBySubject(ws)).counts).toEqual({ 'schedule:daily': 1, 'schedule:weekly': 1 });
      await work();
      const { counts, rows } = await runsBySubject(ws);
      // Exactly the missed runs: 3-12 March daily, Monday 9 March weekly; April's monthly is not due. Each
      // is due when its own day ends, though opened late.
      expect(counts).toEqual({ 'schedule:daily': 11, 'schedule:weekly': 2 });
      const daily = rows.filter((r) => r.subject === 'schedule:daily').map((r) => r.dueAt?.toISOString());
      expect(daily).toEqual(
        Array.from({ length: 11 }, (_, i) =>
          new Date(Date.parse('2026-03-03T00:00:00Z') + i * DAY).toISOString(),
        ),
      );
      // Only the runs still ahead of their due are nagged (today's daily, this week's): the ones already
      // late when they opened count as missed, with no burst of nags and escalations.
      const nags = await database.inWorkspace(ws, (tx) =>
        tx
          .select({ key: timers.key })
          .from(timers)
          .where(and(eq(timers.workspaceId, ws), like(timers.key, '%checklist-nag:%'))),
      );
      const ahead = rows.filter((r) => r.dueAt && r.dueAt.getTime() >= Date.parse('2026-03-12T12:00:00Z'));
      expect(ahead.map((r) => r.subject).sort()).toEqual(['schedule:daily', 'schedule:weekly']);
      expect(nags).toHaveLength(ahead.length);
      // A second pass, and a later one the same day, open nothing more.
      await work();
      clock.set('2026-03-12T20:00:00Z');
      await work();
      expect((await runsBySubject(ws)).counts).toEqual({ 'schedule:daily': 11, 'schedule:weekly': 2 });
    }, 120_000);

    it('nags the owner role once at the due instant and escalates once after 24 h', async () => {
      const { ws, clock, eng, work } = await workspaceOf('pos-saas', '2026-05-04T00:00:00Z');
      const person = async (role: string) => {
        const id = newId('usr', Date.parse('2026-05-01T00:00:00Z'));
        await database.db
          .insert(users)
          .values({ id, email: `${role}-${id}@recurring.test`, name: `The ${role}`, passwordHash: 'x' });
        await database.inWorkspace(ws, (tx) =>
          tx.insert(memberships).values({ workspaceId: ws, userId: id, role }),
        );
        return id;
      };
      const ops = await person('operations');
      const owner = await person('owner');
      const told = async () =>
        (
          await database.inWorkspace(ws, (tx) =>
            tx
              .select({ recipient: outbox.recipient, payload: outbox.payload })
              .from(outbox)
              .where(and(eq(outbox.workspaceId, ws), like(outbox.idempotencyKey, 'checklist:%:in-app'))),
          )
        )
          .map((r) => `${r.recipient} ${(r.payload as { subject: string }).subject}`)
          .sort();
      const daily = async () =>
        database.inWorkspace(ws, (tx) => listRuns(tx, ws, { subject: 'schedule:daily', limit: 10 }));

      // Monday's daily run is done during the day: it is never nagged, and its wake-up is gone.
      const [monday] = await daily();
      clock.set('2026-05-04T10:00:00Z');
      for (const item of monday!.items)
        await database.inWorkspace(ws, (tx) =>
          workItem(
            tx,
            eng,
            ws,
            monday!.id,
            item.item,
            { kind: 'complete' },
            { actor: `user:${ops}`, role: 'operations' },
            clock.now(),
          ),
        );
      const wakeUps = await database.inWorkspace(ws, (tx) =>
        tx
          .select({ key: timers.key })
          .from(timers)
          .where(like(timers.key, `%checklist-nag:${monday!.id}`)),
      );
      expect(wakeUps).toEqual([]);

      // Tuesday's is not: when it falls due (Wednesday 00:00) operations is told, once.
      clock.set('2026-05-06T00:00:00Z');
      await work();
      await work();
      expect(await told()).toEqual([`user:${ops} Due: Daily (4 items)`]);

      // 24 h later it is escalated to the owner (POS names no other checklist owner), once; Wednesday's
      // run falls due and is nagged.
      clock.set('2026-05-07T00:00:00Z');
      await work();
      await work();
      expect(await told()).toEqual(
        [
          `user:${ops} Due: Daily (4 items)`,
          `user:${ops} Due: Daily (4 items)`,
          `user:${owner} Overdue, escalated: Daily (4 items not done)`,
        ].sort(),
      );
      const timeline = await database.inWorkspace(ws, (tx) => readTimeline(tx, 'schedule:daily'));
      expect(
        timeline
          .filter((e) => e.type.startsWith('checklist.'))
          .map((e) => e.type)
          .sort(),
      ).toEqual([
        'checklist.completed',
        'checklist.escalated',
        'checklist.item_done',
        'checklist.item_done',
        'checklist.item_done',
        'checklist.item_done',
        'checklist.nagged',
        'checklist.nagged',
      ]);
    }, 120_000);
  });
}
