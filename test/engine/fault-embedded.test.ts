/**
 * Embedded mode under kill -9: one worker process on a PGlite data folder, killed -9 again and again and
 * reopened, until every timer fired. Each must fire exactly once (an effect per timer, and exactly one
 * non-idempotent timeline entry per timer). PGlite does not fsync: this proves survival of a killed
 * process, not of a power cut.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/store/pglite.js';
import { workspaces } from '../../src/store/schema.js';
import {
  killHard,
  scheduleSpread,
  seeded,
  seedOf,
  sleep,
  SOAK,
  startWorkerChild,
  tally,
} from './fault-support.js';

const TIMERS = SOAK ? 20_000 : 2_000;
const SPREAD_MS = SOAK ? 90_000 : 12_000;
/** Each reopen costs a few seconds (PGlite starts from its folder), so kills are counted, not timed. */
const KILLS = SOAK ? 20 : 4;
const LEASE_S = 4;
const dataDir = mkdtempSync(join(tmpdir(), 'opsbook-embedded-kill-'));
const ws = 'ws_embedded_kill';

describe('embedded: kill -9 of the worker process on PGlite', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    `fires ${TIMERS} timers once each across repeated kill -9s`,
    { timeout: SPREAD_MS + 240_000 },
    async () => {
      const seed = seedOf();
      const random = seeded(seed);
      const setup = await openPglite({ dataDir });
      const startMs = Date.now() + 4000;
      try {
        await setup.inWorkspace(ws, (tx) =>
          tx.insert(workspaces).values({ id: ws, slug: ws, name: 'Embedded kill', timeZone: 'UTC' }),
        );
        await scheduleSpread(setup, ws, TIMERS, startMs, SPREAD_MS);
      } finally {
        await setup.close();
      }
      let kills = 0;
      let generation = 0;
      const deadline = startMs + SPREAD_MS + 120_000;
      for (;;) {
        const child = await startWorkerChild(`pglite:${dataDir}`, ws, `wrk_emb.g${++generation}`, LEASE_S);
        if (kills < KILLS && Date.now() < deadline) {
          await sleep(1000 + random() * 2500);
          await killHard(child);
          kills++;
          continue;
        }
        // The kills are over: let this one finish the rest, then stop it the hard way too.
        await Promise.race([child.waitFor('empty'), sleep(Math.max(0, deadline - Date.now()))]);
        await killHard(child);
        break;
      }
      const check = await openPglite({ dataDir });
      try {
        const figures = await tally(check, ws);
        const lost = TIMERS - figures.effects;
        const dups = figures.entries - figures.distinct;
        console.log(
          `RESULT embedded-kill fired=${figures.effects}/${TIMERS} lost=${lost} effect_dups=${dups} ` +
            `timeline_entries=${figures.entries} kills=${kills + 1} seed=${seed}`,
        );
        expect(lost).toBe(0);
        expect(dups).toBe(0);
        expect(figures.entries).toBe(TIMERS);
      } finally {
        await check.close();
      }
    },
  );
});
