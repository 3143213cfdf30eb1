/**
 * The worker loop on both engines, with a manual clock: timers fire once when due and their effects commit
 * with their removal; failures back off; a dead worker's lease lapses and another takes over; a heartbeat
 * keeps what a live worker holds. (Sending messages is the dispatcher's: test/engine/dispatcher.test.ts.)
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, databaseClock } from '../../src/engine/clock.js';
import { appendTimeline, readTimeline } from '../../src/engine/timeline.js';
import { scheduleTimer } from '../../src/engine/timers.js';
import { Worker, type TimerHandler, type WorkerOptions } from '../../src/engine/worker.js';
import type { Database } from '../../src/store/database.js';
import { timers } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const T0 = '2026-03-29T00:30:00Z'; // the night Europe springs forward: wall clocks do not matter here
const LEASE_S = 20;

/** Writes one timeline entry per firing, so "fired exactly once" is read from the record. */
const recordFiring: TimerHandler = async (tx, timer) => {
  await appendTimeline(tx, timer.workspaceId, {
    subject: timer.subject,
    type: 'timer.fired',
    actor: 'worker',
    data: { key: timer.key },
  });
};

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`worker: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ws: string;
    const clock = new ManualClock(T0);

    const worker = (id: string, overrides: Partial<WorkerOptions> = {}) =>
      new Worker({
        database,
        workerId: id,
        clock,
        leaseSeconds: LEASE_S,
        pollIntervalMs: 50,
        batchSize: 100,
        timerHandlers: { record: recordFiring },
        random: () => 0.5,
        ...overrides,
      });
    const schedule = (key: string, inMs: number, kind = 'record') =>
      database.inWorkspace(ws, (tx) =>
        scheduleTimer(tx, ws, { key, kind, subject: key, runAt: new Date(clock.now().getTime() + inMs) }),
      );
    const firings = (subject: string) => database.inWorkspace(ws, (tx) => readTimeline(tx, subject));
    const timerRow = async (key: string) =>
      (await database.inWorkspace(ws, (tx) => tx.select().from(timers).where(eq(timers.key, key))))[0];

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database);
    });
    afterAll(async () => opened?.close());

    it('fires a timer once, when due, and removes it in the same transaction', async () => {
      await schedule('t:due', 60_000);
      const w = worker('wrk_a');
      expect(await w.runOnce()).toEqual({ timers: 0 });
      clock.advance(60_000);
      expect((await w.runOnce()).timers).toBe(1);
      expect((await w.runOnce()).timers).toBe(0);
      expect((await firings('t:due')).length).toBe(1);
      expect(await timerRow('t:due')).toBeUndefined();
    });

    it('rolls back a failing handler and retries it later with back-off', async () => {
      let calls = 0;
      const flaky: TimerHandler = async (tx, timer) => {
        calls++;
        await recordFiring(tx, timer);
        if (calls === 1) throw new Error('downstream refused');
      };
      await schedule('t:flaky', 0, 'flaky');
      const w = worker('wrk_b', { timerHandlers: { flaky } });
      await w.runOnce();
      const row = await timerRow('t:flaky');
      expect(row?.lastError).toBe('downstream refused');
      // retryDelayMs(1, 0.5) = 3.75 s: not before, then once.
      expect((await firings('t:flaky')).length).toBe(0);
      clock.advance(3_000);
      expect((await w.runOnce()).timers).toBe(0);
      clock.advance(1_000);
      expect((await w.runOnce()).timers).toBe(1);
      expect((await firings('t:flaky')).length).toBe(1);
      expect(calls).toBe(2);
    });

    it("hands a dead worker's timers to another only after its lease lapses", async () => {
      await schedule('t:orphan', 0);
      // wrk_dead claims and "dies": it never fires nor heartbeats.
      const claimed = await database.db.execute(
        sql`select key from opsbook_claim_timers('wrk_dead', 10, ${LEASE_S}, ${clock.now().toISOString()}::timestamptz)`,
      );
      expect((claimed as { rows: unknown[] }).rows.length).toBe(1);
      const rescuer = worker('wrk_rescuer');
      clock.advance(LEASE_S * 1000 - 1);
      expect((await rescuer.runOnce()).timers).toBe(0);
      clock.advance(1);
      expect((await rescuer.runOnce()).timers).toBe(1);
      expect((await firings('t:orphan')).length).toBe(1);
    });

    it('does not fire a timer rescheduled by an earlier timer of the same batch', async () => {
      await schedule('t:first', 0, 'moves-second');
      await schedule('t:second', 0);
      const movesSecond: TimerHandler = async (tx, timer) => {
        await recordFiring(tx, timer);
        const runAt = new Date(clock.now().getTime() + 3_600_000);
        await scheduleTimer(tx, ws, { key: 't:second', kind: 'record', subject: 't:second', runAt });
      };
      const w = worker('wrk_c', { timerHandlers: { record: recordFiring, 'moves-second': movesSecond } });
      expect((await w.runOnce()).timers).toBe(2); // both handled: the first fired, the second found moved
      expect((await firings('t:second')).length).toBe(0);
      expect((await timerRow('t:second'))?.lockedBy).toBeNull();
      clock.advance(3_600_000);
      expect((await w.runOnce()).timers).toBe(1);
      expect((await firings('t:second')).length).toBe(1);
    });

    it('lets a handler schedule its own key again, whatever the mode', async () => {
      const recurring: TimerHandler = async (tx, timer) => {
        await recordFiring(tx, timer);
        const runAt = new Date(clock.now().getTime() + 60_000);
        await scheduleTimer(tx, ws, {
          key: timer.key,
          kind: 'recurring',
          subject: timer.subject,
          runAt,
          mode: 'keep-earliest',
        });
      };
      await schedule('t:recurring', 0, 'recurring');
      const w = worker('wrk_r', { timerHandlers: { recurring } });
      for (let i = 0; i < 3; i++) {
        expect((await w.runOnce()).timers).toBe(1);
        clock.advance(60_000);
      }
      expect((await firings('t:recurring')).length).toBe(3);
      expect(await timerRow('t:recurring')).toMatchObject({ lockedBy: null });
      await database.inWorkspace(ws, (tx) => tx.delete(timers).where(eq(timers.key, 't:recurring')));
    });

    it('heartbeats only the batch in hand, and hands back by worker id every batch of its own', async () => {
      const claim = (token: string) =>
        database.db.execute(
          sql`select * from opsbook_claim_timers(${token}, 10, ${LEASE_S}, ${clock.now().toISOString()}::timestamptz)`,
        );
      await schedule('t:abandoned', 0);
      await claim('wrk_h:1');
      const claimedAt = clock.now().getTime();
      clock.advance(LEASE_S * 500);
      await worker('wrk_h').heartbeat(); // nothing in hand: the abandoned batch is not kept alive
      expect((await timerRow('t:abandoned'))?.lockedUntil).toEqual(new Date(claimedAt + LEASE_S * 1000));
      await schedule('t:other', 0);
      await claim('wrk_h2:1');
      await database.db.execute(sql`select opsbook_release_leases('wrk_h')`);
      expect((await timerRow('t:abandoned'))?.lockedBy).toBeNull();
      expect((await timerRow('t:other'))?.lockedBy).toBe('wrk_h2:1'); // a prefix of the id, not of the token
      await database.db.execute(sql`select opsbook_release_leases('wrk_h2')`);
      expect((await worker('wrk_z').runOnce()).timers).toBe(2);
    });

    it('on stop, finishes the timer in hand and hands back the rest of its batch at once', async () => {
      let entered!: () => void;
      const inHandler = new Promise<void>((resolve) => (entered = resolve));
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const slow: TimerHandler = async (tx, timer) => {
        entered();
        await gate;
        await recordFiring(tx, timer);
      };
      const past = new Date(Date.now() - 60_000);
      await database.inWorkspace(ws, async (tx) => {
        for (const key of ['t:stop1', 't:stop2', 't:stop3']) {
          await scheduleTimer(tx, ws, { key, kind: 'slow', subject: 't:stop', runAt: past });
        }
      });
      const live = worker('wrk_stop', {
        clock: databaseClock,
        pollIntervalMs: 600_000,
        timerHandlers: { slow },
      });
      await live.start();
      await inHandler;
      const stopped = live.stop();
      openGate();
      await stopped;
      expect((await firings('t:stop')).length).toBe(1);
      const rest = await database.inWorkspace(ws, (tx) =>
        tx.select().from(timers).where(eq(timers.subject, 't:stop')),
      );
      expect(rest.map((t) => ({ lockedBy: t.lockedBy, attempts: t.attempts }))).toEqual([
        { lockedBy: null, attempts: 0 },
        { lockedBy: null, attempts: 0 },
      ]);
      await database.inWorkspace(ws, (tx) => tx.delete(timers).where(eq(timers.subject, 't:stop')));
    });

    it('wakes on NOTIFY instead of waiting out its poll interval', async () => {
      let fired!: () => void;
      const done = new Promise<void>((resolve) => (fired = resolve));
      const live = worker('wrk_live', {
        clock: databaseClock,
        pollIntervalMs: 600_000,
        timerHandlers: { wake: async () => fired() },
      });
      await live.start();
      try {
        await new Promise((r) => setTimeout(r, 300)); // let it go idle
        const started = Date.now();
        await database.inWorkspace(ws, (tx) =>
          scheduleTimer(tx, ws, {
            key: 't:wake',
            kind: 'wake',
            subject: 't:wake',
            runAt: new Date(Date.now() - 1000),
          }),
        );
        await done;
        console.log(`RESULT wake engine=${engine.name} latency_ms=${Date.now() - started}`);
      } finally {
        await live.stop();
      }
    });
  });
}

for (const engine of ENGINES.filter((e) => e.name === 'postgres')) {
  describe.runIf(engine.available)(
    `several workers share one PostgreSQL database${engine.available ? '' : engine.title.slice('postgres'.length)}`,
    () => {
      it('fires 300 timers exactly once across 3 workers with their own pools', async () => {
        const opened = await engine.open();
        try {
          const ws = await createWorkspace(opened.database);
          const runAt = new Date(Date.now() - 1000);
          await opened.database.inWorkspace(ws, async (tx) => {
            for (let i = 0; i < 300; i++)
              await scheduleTimer(tx, ws, { key: `bulk:${i}`, kind: 'record', subject: 'bulk', runAt });
          });
          const pools = [opened.database, await opened.second(), await opened.second()];
          const workers = pools.map(
            (database, i) =>
              new Worker({
                database,
                workerId: `wrk_${i}`,
                clock: databaseClock,
                leaseSeconds: LEASE_S,
                pollIntervalMs: 20,
                batchSize: 25,
                timerHandlers: { record: recordFiring },
              }),
          );
          await Promise.all(workers.map((w) => w.start()));
          const deadline = Date.now() + 30_000;
          let count = 0;
          while (Date.now() < deadline) {
            count = (await opened.database.inWorkspace(ws, (tx) => readTimeline(tx, 'bulk', { limit: 1000 })))
              .length;
            if (count >= 300) break;
            await new Promise((r) => setTimeout(r, 100));
          }
          await Promise.all(workers.map((w) => w.stop()));
          const entries = await opened.database.inWorkspace(ws, (tx) =>
            readTimeline(tx, 'bulk', { limit: 1000 }),
          );
          const keys = new Set(entries.map((e) => (e.data as { key: string }).key));
          console.log(`RESULT multi-worker fired=${keys.size}/300 duplicates=${entries.length - keys.size}`);
          expect(keys.size).toBe(300);
          expect(entries.length).toBe(300);
        } finally {
          await opened.close();
        }
      });
    },
  );
}
