/**
 * The engine's durable shell on both engines: subjects with optimistic revisions, effects recorded once,
 * the `cancel` schedule mode, batch firing with a savepoint per timer, the idle worker's wake-up instant,
 * and the clock-step watch.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, watchClockSteps, type SystemTime } from '../../src/engine/clock.js';
import { readEffects, recordEffect } from '../../src/engine/effects.js';
import { loadSubject, lockSubject, saveSubject, SubjectConflictError } from '../../src/engine/subjects.js';
import { appendTimeline, readTimeline } from '../../src/engine/timeline.js';
import { scheduleTimer } from '../../src/engine/timers.js';
import { Worker, type TimerHandler, type WorkerOptions } from '../../src/engine/worker.js';
import { rowsOf, type Database, type Tx } from '../../src/store/database.js';
import { effects, timers } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const T0 = '2026-10-25T00:30:00Z';
const pack = { id: 'support', version: '1.2.0', hash: 'sha256:abc' };

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`engine store: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ws: string;
    let other: string;
    const clock = new ManualClock(T0);
    const inWs = <T>(fn: (tx: Tx) => Promise<T>) => database.inWorkspace(ws, fn);

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database);
      other = await createWorkspace(database);
    });
    afterAll(async () => opened?.close());

    it('saves a subject with its pack version and refuses a write from a stale revision', async () => {
      const first = await inWs((tx) =>
        saveSubject(tx, ws, {
          key: 'ticket:T1',
          kind: 'ticket',
          pack,
          state: { status: 'new' },
          expectedRevision: null,
        }),
      );
      expect(first).toMatchObject({ revision: 1, pack, state: { status: 'new' } });
      const second = await inWs((tx) =>
        saveSubject(tx, ws, { ...first, state: { status: 'open' }, expectedRevision: first.revision }),
      );
      expect(second.revision).toBe(2);
      await expect(
        inWs((tx) => saveSubject(tx, ws, { ...first, state: { status: 'lost' }, expectedRevision: 1 })),
      ).rejects.toBeInstanceOf(SubjectConflictError);
      await expect(inWs((tx) => saveSubject(tx, ws, { ...first, expectedRevision: null }))).rejects.toThrow(
        /created concurrently/,
      );
      expect(await inWs((tx) => lockSubject(tx, ws, 'ticket:T1'))).toMatchObject({
        revision: 2,
        state: { status: 'open' },
      });
      expect(await database.inWorkspace(other, (tx) => loadSubject(tx, other, 'ticket:T1'))).toBeNull();
    });

    it('records an effect once per key and keeps effects append-only', async () => {
      const effect = {
        key: 'ticket:T1:frt:breach:1',
        subject: 'ticket:T1',
        type: 'clock.breach',
        at: clock.now(),
      };
      expect(await inWs((tx) => recordEffect(tx, ws, effect))).toEqual({ created: true });
      expect(await inWs((tx) => recordEffect(tx, ws, { ...effect, data: { again: true } }))).toEqual({
        created: false,
      });
      const read = await inWs((tx) => readEffects(tx, { subject: 'ticket:T1' }));
      expect(read.map((e) => [e.key, e.data])).toEqual([['ticket:T1:frt:breach:1', {}]]);
      await expect(inWs((tx) => tx.delete(effects).where(eq(effects.key, effect.key)))).rejects.toThrow();
      await expect(
        inWs((tx) => tx.update(effects).set({ type: 'x' }).where(eq(effects.key, effect.key))),
      ).rejects.toThrow();
      expect(await database.inWorkspace(other, (tx) => readEffects(tx))).toEqual([]);
    });

    it('cancels a timer by key with mode "cancel", and ignores a key that is not there', async () => {
      const runAt = clock.now();
      await inWs((tx) => scheduleTimer(tx, ws, { key: 'c:1', kind: 'k', subject: 'c', runAt }));
      await inWs((tx) =>
        scheduleTimer(tx, ws, { key: 'c:1', kind: 'k', subject: 'c', runAt, mode: 'cancel' }),
      );
      await inWs((tx) =>
        scheduleTimer(tx, ws, { key: 'c:2', kind: 'k', subject: 'c', runAt, mode: 'cancel' }),
      );
      expect(await inWs((tx) => tx.select().from(timers).where(eq(timers.subject, 'c')))).toEqual([]);
    });

    const worker = (overrides: Partial<WorkerOptions>) =>
      new Worker({
        database,
        workerId: 'wrk_e',
        clock,
        leaseSeconds: 20,
        pollIntervalMs: 30_000,
        batchSize: 100,
        random: () => 0.5,
        ...overrides,
      });
    const record: TimerHandler = async (tx, timer) => {
      await appendTimeline(tx, timer.workspaceId, {
        subject: timer.subject,
        type: 'fired',
        actor: 'test',
        data: { key: timer.key },
      });
    };

    it('commits the rest of a batch when one handler fails, and retries only that one', async () => {
      for (let i = 0; i < 5; i++)
        await inWs((tx) =>
          scheduleTimer(tx, ws, { key: `sp:${i}`, kind: 'maybe', subject: 'sp', runAt: clock.now() }),
        );
      let calls = 0;
      const maybe: TimerHandler = async (tx, timer) => {
        calls++;
        await record(tx, timer);
        if (timer.key === 'sp:2' && timer.attempts === 1) {
          await tx.execute(sql`select 1 / 0`); // a failed statement: only a savepoint can save the others
        }
      };
      const w = worker({ timerHandlers: { maybe } });
      expect((await w.runOnce()).timers).toBe(5);
      const fired = (await inWs((tx) => readTimeline(tx, 'sp'))).map((e) => (e.data as { key: string }).key);
      expect(fired.sort()).toEqual(['sp:0', 'sp:1', 'sp:3', 'sp:4']);
      const [left] = await inWs((tx) => tx.select().from(timers).where(eq(timers.subject, 'sp')));
      expect(left).toMatchObject({ key: 'sp:2', lockedBy: null, attempts: 1 });
      expect(left?.lastError).toMatch(/division by zero/);
      clock.advance(4_000); // retryDelayMs(1, 0.5) = 3.75 s
      expect((await w.runOnce()).timers).toBe(1);
      expect((await inWs((tx) => readTimeline(tx, 'sp'))).length).toBe(5);
      console.log(`RESULT savepoint-batch handler_calls=${calls} (5 fired, 1 failure retried)`);
    });

    it('hands a claimed timer back, unfired, when the clock is stepped back before it fires', async () => {
      const at = clock.now();
      await inWs((tx) => scheduleTimer(tx, ws, { key: 'sb:1', kind: 'stepBack', subject: 'sb', runAt: at }));
      await inWs((tx) => scheduleTimer(tx, ws, { key: 'sb:2', kind: 'record', subject: 'sb', runAt: at }));
      const stepBack: TimerHandler = async (tx, timer) => {
        await record(tx, timer);
        clock.advance(-3_600_000);
      };
      const w = worker({ timerHandlers: { stepBack, record }, timersPerTransaction: 1 });
      await w.runOnce();
      expect((await inWs((tx) => readTimeline(tx, 'sb'))).length).toBe(1);
      const [row] = await inWs((tx) => tx.select().from(timers).where(eq(timers.key, 'sb:2')));
      expect(row).toMatchObject({ lockedBy: null, attempts: 0 });
      clock.advance(3_600_000);
      expect((await w.runOnce()).timers).toBe(1);
      expect((await inWs((tx) => readTimeline(tx, 'sb'))).length).toBe(2);
    });

    it('tells an idle worker how long it may sleep: until the next due timer or lapsing lease, capped', async () => {
      const wakeMs = async () =>
        Number(
          rowsOf<{ ms: number }>(
            await database.db.execute(
              sql`select opsbook_next_wake_ms(${clock.now().toISOString()}::timestamptz, 30000) as ms`,
            ),
          )[0]?.ms,
        );
      await inWs((tx) => tx.delete(timers));
      expect(await wakeMs()).toBe(30_000);
      const inMs = (ms: number) => new Date(clock.now().getTime() + ms);
      await inWs((tx) => scheduleTimer(tx, ws, { key: 'w:1', kind: 'k', subject: 'w', runAt: inMs(5_000) }));
      expect(await wakeMs()).toBe(5_000);
      await inWs((tx) => scheduleTimer(tx, ws, { key: 'w:2', kind: 'k', subject: 'w', runAt: inMs(0) }));
      expect(await wakeMs()).toBe(0);
      await database.db.execute(
        sql`select * from opsbook_claim_timers('wrk_other', 10, 2, ${clock.now().toISOString()}::timestamptz)`,
      );
      expect(await wakeMs()).toBe(2_000); // w:2's lease lapses before w:1 is due
      await inWs((tx) => tx.delete(timers));
    });
  });
}

describe('clock-step watch', () => {
  it('reports a wall-clock step of a second or more, and not steady time', async () => {
    let wall = 1_000_000;
    let mono = 0;
    const system: SystemTime = { wallMs: () => wall, monotonicMs: () => mono };
    const clock = { now: () => null };
    const steps: number[] = [];
    const watch = watchClockSteps(clock, system, (ms) => steps.push(ms), { intervalMs: 10 });
    try {
      const tick = (wallMs: number, monoMs: number) => {
        wall += wallMs;
        mono += monoMs;
        return new Promise((r) => setTimeout(r, 30));
      };
      await tick(500, 500);
      expect(steps).toEqual([]);
      await tick(3_600_000, 0);
      await tick(-7_200_000, 0);
      expect(steps).toEqual([3_600_000, -7_200_000]);
      const manual = new ManualClock('2026-01-01T00:00:00Z');
      const viaClock: number[] = [];
      const watch2 = watchClockSteps(manual, system, (ms) => viaClock.push(ms), { intervalMs: 10 });
      manual.advance(25 * 3_600_000);
      await new Promise((r) => setTimeout(r, 30));
      watch2.stop();
      expect(viaClock).toEqual([25 * 3_600_000]);
    } finally {
      watch.stop();
    }
  });
});
