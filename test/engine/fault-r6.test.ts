/**
 * R6: a worker whose clock is the real time plus an offset the test changes while timers run: +1 h, then
 * -1 h (a two-hour step back), then +25 h. No timer may fire before its instant by the clock it fires
 * under, none twice, none missed; overdue timers must fire soon after a forward step (goal: 10 s),
 * although no NOTIFY announces them: the worker notices the step itself.
 */
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/engine/clock.js';
import { readEffects, recordEffect } from '../../src/engine/effects.js';
import { appendTimeline } from '../../src/engine/timeline.js';
import { scheduleTimers, type TimerInput } from '../../src/engine/timers.js';
import { Worker, type TimerHandler } from '../../src/engine/worker.js';
import type { Database } from '../../src/store/database.js';
import { effects, timelineEvents } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';
import { seedOf, sleep } from './fault-support.js';

/** The real time plus an offset, as a machine whose clock an operator or NTP steps. */
class OffsetClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

const HOUR = 3_600_000;
const PER_SET = 150;

const recordFiring: TimerHandler = async (tx, timer, context) => {
  await recordEffect(tx, timer.workspaceId, {
    key: `fire:${timer.key}`,
    subject: timer.subject,
    type: 'timer.fired',
    at: context!.now!,
    data: { runAt: timer.runAt.toISOString() },
  });
  await appendTimeline(tx, timer.workspaceId, {
    subject: timer.subject,
    type: 'timer.fired',
    actor: 'r6',
    data: { key: timer.key },
  });
};

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`R6: clock steps under a running worker: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ws: string;
    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database);
    });
    afterAll(async () => opened?.close());

    const schedule = (set: string, fromMs: number, toMs: number) => {
      const inputs: TimerInput[] = [];
      for (let i = 0; i < PER_SET; i++) {
        const runAt = new Date(fromMs + Math.floor(((toMs - fromMs) * i) / PER_SET));
        inputs.push({ key: `${set}:${i}`, kind: 'fire', subject: set, runAt });
      }
      return database.inWorkspace(ws, (tx) => scheduleTimers(tx, ws, inputs));
    };
    const firedOf = async (set: string) =>
      (await database.inWorkspace(ws, (tx) => readEffects(tx, { subject: set, limit: 10_000 }))).length;
    /** Real milliseconds until every timer of `set` fired (or the bound passed). */
    const waitAll = async (set: string, boundMs: number) => {
      const started = Date.now();
      while ((await firedOf(set)) < PER_SET && Date.now() - started < boundMs) await sleep(50);
      return Date.now() - started;
    };

    it('fires nothing early, nothing twice, nothing missed across +1 h, -1 h and +25 h', async () => {
      const seed = seedOf();
      const clock = new OffsetClock();
      const worker = new Worker({
        database,
        workerId: `wrk_r6_${engine.name}`,
        clock,
        leaseSeconds: 20,
        pollIntervalMs: 30_000, // no polling to hide behind: only the step detector may wake it
        batchSize: 100,
        timerHandlers: { fire: recordFiring },
      });
      const t0 = clock.now().getTime();
      await schedule('a', t0 + 500, t0 + 3000); // due now, on the unstepped clock
      await schedule('b', t0 + 10 * 60_000, t0 + 50 * 60_000); // overdue after +1 h
      await schedule('c', t0 + 90 * 60_000, t0 + 10 * HOUR); // overdue only after +25 h
      await schedule('e', t0 + 30 * HOUR, t0 + 31 * HOUR); // never due in this test
      await worker.start();
      try {
        const normalMs = await waitAll('a', 20_000);
        await sleep(1500); // the worker now sleeps for its 30 s cap: 'b' is 10 min away
        clock.offsetMs = HOUR;
        const plusOneMs = await waitAll('b', 30_000);
        clock.offsetMs = -HOUR;
        const back = clock.now().getTime();
        await schedule('d', back + 500, back + 3000); // due on the stepped-back clock
        const minusOneMs = await waitAll('d', 20_000);
        await sleep(1500);
        clock.offsetMs = 25 * HOUR;
        const plus25Ms = await waitAll('c', 30_000);
        await sleep(1500); // anything wrongly due would fire now
        const rows = await database.inWorkspace(ws, (tx) => readEffects(tx, { limit: 10_000 }));
        const early = rows.filter((r) => r.at < new Date((r.data as { runAt: string }).runAt));
        const [entries] = await database.inWorkspace(ws, (tx) =>
          tx.select({ n: count() }).from(timelineEvents),
        );
        const [recorded] = await database.inWorkspace(ws, (tx) => tx.select({ n: count() }).from(effects));
        const bySet = (set: string) => rows.filter((r) => r.subject === set).length;
        const missed = ['a', 'b', 'c', 'd'].reduce((n, set) => n + PER_SET - bySet(set), 0);
        const dups = (entries?.n ?? 0) - (recorded?.n ?? 0);
        console.log(
          `RESULT R6 engine=${engine.name} fired=${rows.length}/${4 * PER_SET} early=${early.length} ` +
            `duplicates=${dups} missed=${missed} fired_not_due=${bySet('e')} normal_ms=${normalMs} ` +
            `step_plus1h_fire_ms=${plusOneMs} step_minus1h_fire_ms=${minusOneMs} ` +
            `step_plus25h_fire_ms=${plus25Ms} goal_ms=10000 seed=${seed}`,
        );
        expect(early).toEqual([]);
        expect(dups).toBe(0);
        expect(missed).toBe(0);
        expect(bySet('e')).toBe(0);
      } finally {
        await worker.stop();
      }
    });
  });
}
