/**
 * An account's journeys on both engines, on a clock that moves only when told: a ShopSmart shop owner
 * registers (SOP-001 onboarding), and the account's journey view says what is next and why — the day-1
 * check at T+24 h, run only if no customer was added — then, after the day passes, that the step is done
 * and the day-3 call is next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { Worker } from '../../src/engine/worker.js';
import { createAccount } from '../../src/modules/customers/accounts.js';
import { createContact } from '../../src/modules/customers/contacts.js';
import { accountJourneys } from '../../src/modules/customers/journeys.js';
import { customerMetrics } from '../../src/modules/customers/metrics.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const HOUR = 3_600_000;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`account journeys: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;
    let ws: string;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      eng = new Engine(database, clock);
      ws = await createWorkspace(database, 'ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
    });
    afterAll(async () => {
      await opened?.close();
    });

    const journeys = () => database.inWorkspace(ws, (tx) => accountJourneys(tx, eng, ws, 'shop_1'));

    it('shows the onboarding with what is next and why, and moves on as the day passes', async () => {
      await database.inWorkspace(ws, async (tx) => {
        await createAccount(tx, ws, { id: 'shop_1', name: 'Gupta General Store', kind: 'shop' }, clock.now());
        await createContact(
          tx,
          eng,
          ws,
          'shop_1',
          { name: 'Ramesh Gupta', phone: '+919812345678', locale: 'hi-IN', register: true },
          'test',
          clock.now(),
        );
      });
      const [onboarding] = await journeys();
      expect(onboarding).toMatchObject({ journey: 'onboarding', contact: 'Ramesh Gupta', status: 'running' });
      expect(onboarding!.steps.filter((s) => s.done).map((s) => s.id)).toEqual([
        'account-created',
        'welcome',
      ]);
      expect(onboarding!.next).toMatchObject({
        id: 'day-1-check',
        at: new Date(Date.parse(START) + 24 * HOUR).toISOString(),
        when: expect.stringContaining('customers_added'),
      });
      expect(onboarding!.steps.find((s) => s.id === 'nps-answer')).toMatchObject({
        at: null,
        waitsFor: 'survey.answered nps-day-30',
      });
      clock.set(new Date(Date.parse(START) + 24 * HOUR + 1000));
      const w = new Worker({
        database,
        workerId: `wrk_journeys_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      for (let i = 0; i < 5 && (await w.runOnce()).timers > 0; i++);
      const [after] = await journeys();
      expect(after!.steps.find((s) => s.id === 'day-1-check')?.done).toBe(true);
      expect(after!.next?.id).toBe('day-3-call');
    });

    it('scores NPS as % promoters minus % detractors of the period, beside the target', async () => {
      const scores = [10, 9, 8, 3];
      for (const [i, score] of scores.entries()) {
        const subject = `user:nps${i}`;
        await eng.handle(ws, {
          type: 'user.registered',
          subject,
          data: { account: 'shop_1' },
          actor: 'test',
        });
        await eng.handle(ws, {
          type: 'survey.answered',
          subject,
          data: { survey: 'nps-day-30', score },
          actor: 'test',
        });
      }
      const period = {
        from: new Date(Date.parse(START) - HOUR),
        to: new Date(Date.parse(START) + 48 * HOUR),
      };
      const target = { op: '>=', value: 40 };
      const m = await database.inWorkspace(ws, (tx) => customerMetrics(tx, ws, period, target));
      expect(m.nps).toEqual({ answers: 4, promoters: 2, passives: 1, detractors: 1, score: 25, target });
    });
  });
}
