/**
 * R2: two worker processes while their PostgreSQL (a throwaway cluster of this test's own, never the
 * shared server) is stopped with `pg_ctl stop -m immediate` and started again, twice (soak: 5 times).
 * Nothing may be lost or fire twice, no worker may crash; the time from the server accepting connections
 * again to the next firing is reported against its 10 s goal.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migratePostgres, openPostgres } from '../../src/store/postgres.js';
import { createWorkspace } from '../support/fixtures.js';
import {
  clusterAvailable,
  clusterSkipReason,
  createThrowawayCluster,
  scheduleSpread,
  seeded,
  seedOf,
  sleep,
  SOAK,
  startWorkerChild,
  stopChild,
  tally,
  type WorkerChild,
} from './fault-support.js';

const RESTARTS = SOAK ? 5 : 2;
const TIMERS = SOAK ? 20_000 : 3_000;
const SPREAD_MS = SOAK ? 100_000 : Number(process.env.R2_SPREAD ?? 24_000);
const LEASE_S = 10;

describe.runIf(clusterAvailable)(
  `R2: PostgreSQL stopped -m immediate and restarted under the workers${clusterSkipReason}`,
  () => {
    it(`loses nothing across ${RESTARTS} restarts`, { timeout: SPREAD_MS + 240_000 }, async () => {
      const seed = seedOf();
      const random = seeded(seed);
      const cluster = await createThrowawayCluster();
      const ownerUrl = cluster.url.replace(/\/postgres$/, '/opsbook');
      const appUrl = ownerUrl.replace('postgres@', 'opsbook_app_login@');
      const children: WorkerChild[] = [];
      const poolErrors: string[] = [];
      try {
        const admin = new pg.Client({ connectionString: cluster.url });
        await admin.connect();
        await admin.query('create database opsbook');
        await admin.query('create role opsbook_app_login login nosuperuser nobypassrls');
        await admin.end();
        await migratePostgres(ownerUrl, { grantTo: 'opsbook_app_login' });
        const database = await openPostgres({
          url: appUrl,
          poolMax: 2,
          migrate: false,
          onError: (err) => poolErrors.push(err.message),
        });
        try {
          const ws = await createWorkspace(database);
          const startMs = Date.now() + 3000;
          await scheduleSpread(database, ws, TIMERS, startMs, SPREAD_MS);
          for (let slot = 0; slot < 2; slot++)
            children.push(await startWorkerChild(appUrl, ws, `wrk_${slot}`, LEASE_S));

          const reconnects: number[] = [];
          const downtimes: number[] = [];
          const gapMs = SPREAD_MS / (RESTARTS + 1);
          for (let r = 0; r < RESTARTS; r++) {
            await sleep(gapMs * (0.6 + random() * 0.4));
            const before = await tally(database, ws);
            cluster.stopImmediate();
            const downMs = 1000 + random() * 3000;
            downtimes.push(Math.round(downMs));
            await sleep(downMs);
            cluster.start(); // returns once the server accepts connections
            const acceptedAt = Date.now();
            // The next firing after the restart: the workers reconnected and work again.
            for (;;) {
              const now = await tally(database, ws).catch(() => before);
              if (now.effects > before.effects || Date.now() - acceptedAt > 60_000) break;
              await sleep(100);
            }
            reconnects.push(Date.now() - acceptedAt);
          }

          const deadline = startMs + SPREAD_MS + 90_000;
          let figures = await tally(database, ws);
          while (figures.effects < TIMERS && Date.now() < deadline) {
            await sleep(500);
            figures = await tally(database, ws);
          }
          const crashed = children.filter(
            (c) => c.process.exitCode !== null || c.process.signalCode !== null,
          );
          const lost = TIMERS - figures.effects;
          const dups = figures.entries - figures.distinct;
          console.log(
            `RESULT R2 fired=${figures.effects}/${TIMERS} lost=${lost} effect_dups=${dups} restarts=${RESTARTS} ` +
              `reconnect_max_ms=${Math.max(...reconnects)} reconnect_goal_ms=10000 downtime_ms=${downtimes.join(',')} ` +
              `crashed_workers=${crashed.length} pool_guard=${children.some((c) => c.poolGuarded()) ? 'fixture' : 'store'} seed=${seed}`,
          );
          for (const c of crashed) console.log(`worker ${c.id} exited: ${c.stderr()}`);
          expect(crashed.map((c) => c.id)).toEqual([]);
          expect(lost).toBe(0);
          expect(dups).toBe(0);
        } finally {
          await Promise.all(children.map((c) => stopChild(c)));
          await database.close();
        }
      } finally {
        cluster.destroy();
      }
    });
  },
);
