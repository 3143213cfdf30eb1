/**
 * R1: two worker processes on PostgreSQL, timers spread over ~40 s (soak: 100,000 over ~3 min), and every
 * few seconds a random worker is killed -9 and started again. Every timer must fire, none twice; recovery
 * (from a kill until every timer the dead worker held has fired) is reported against its 30 s goal.
 */
import { count, inArray, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/store/postgres.js';
import { timers } from '../../src/store/schema.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';
import {
  killHard,
  seeded,
  seedOf,
  sleep,
  scheduleSpread,
  SOAK,
  startWorkerChild,
  stopChild,
  tally,
  type WorkerChild,
} from './fault-support.js';

const TIMERS = SOAK ? 100_000 : 20_000;
const SPREAD_MS = SOAK ? 180_000 : 40_000;
const LEASE_S = 10;

describe.runIf(postgresAvailable)(`R1: kill -9 of workers on PostgreSQL${postgresSkipReason}`, () => {
  it(
    `fires ${TIMERS} timers once each while workers are killed`,
    { timeout: SPREAD_MS + 240_000 },
    async () => {
      const seed = seedOf();
      const random = seeded(seed);
      const created = await createPostgresDatabase();
      await created.migrate();
      const database = await openPostgres({ url: created.appUrl, poolMax: 3, migrate: false });
      const children: (WorkerChild | null)[] = [null, null];
      try {
        const ws = await createWorkspace(database);
        const startMs = Date.now() + 3000;
        await scheduleSpread(database, ws, TIMERS, startMs, SPREAD_MS);
        let generation = 0;
        const spawnSlot = async (slot: number) => {
          children[slot] = await startWorkerChild(
            created.appUrl,
            ws,
            `wrk_${slot}.g${++generation}`,
            LEASE_S,
          );
        };
        await Promise.all([spawnSlot(0), spawnSlot(1)]);

        const recoveries: Promise<number>[] = [];
        const recoveryOf = async (victim: string, killedAt: number): Promise<number> => {
          const held = await database.inWorkspace(ws, (tx) =>
            tx
              .select({ key: timers.key })
              .from(timers)
              .where(like(timers.lockedBy, `${victim}:%`)),
          );
          const keys = held.map((r) => r.key);
          if (keys.length === 0) return 0;
          for (;;) {
            const [left] = await database.inWorkspace(ws, (tx) =>
              tx.select({ n: count() }).from(timers).where(inArray(timers.key, keys)),
            );
            if (left?.n === 0) return Date.now() - killedAt;
            await sleep(200);
          }
        };
        let kills = 0;
        while (Date.now() < startMs + SPREAD_MS) {
          await sleep(3000 + random() * 5000);
          const slot = random() < 0.5 ? 0 : 1;
          const victim = children[slot]!;
          await killHard(victim);
          const killedAt = Date.now();
          kills++;
          recoveries.push(recoveryOf(victim.id, killedAt));
          await spawnSlot(slot);
        }

        const deadline = startMs + SPREAD_MS + 120_000; // generous: the goal is recovery within 30 s
        let figures = await tally(database, ws);
        while (figures.effects < TIMERS && Date.now() < deadline) {
          await sleep(500);
          figures = await tally(database, ws);
        }
        const finishedMs = Date.now() - (startMs + SPREAD_MS);
        const recoveryMs = await Promise.all(recoveries);
        const lost = TIMERS - figures.effects;
        const dups = figures.entries - figures.distinct;
        console.log(
          `RESULT R1 fired=${figures.effects}/${TIMERS} lost=${lost} effect_dups=${dups} ` +
            `timeline_entries=${figures.entries} recovery_max_ms=${Math.max(0, ...recoveryMs)} ` +
            `recovery_goal_ms=30000 kills=${kills} tail_after_last_due_ms=${finishedMs} seed=${seed}`,
        );
        expect(lost).toBe(0);
        expect(dups).toBe(0);
        expect(figures.entries).toBe(TIMERS);
      } finally {
        await Promise.all(children.flatMap((c) => (c ? [stopChild(c)] : [])));
        await database.close();
        await created.drop();
      }
    },
  );
});
