/**
 * The customer dashboard's figures on both engines, on a clock that moves only when told. ShopSmart shop
 * owners register (SOP-001) and their shops' usage facts arrive around the bounds: D1 activation counts a
 * first customer recorded at exactly T+24h, or observed by the SaaS at T+24h and delivered later, and not
 * one a second late; D7 active counts 3 app opens at exactly T+7d; D30 retention counts usage at T+30d and
 * not at T+23d; users whose day has not come, or falls on the period's end, are in no cohort. The
 * onboarding journey raises the Day 3 calls (the CRM note beside each is not a call), and a call task
 * marked done counts, on time by T+96h. MRR and ARPU are the last 30 days' payments per currency, and the
 * weekly series places accounts, payments, NPS answers and cancellations in their weeks. Then the route
 * answers for the ShopSmart demo with SOP-001's targets beside each metric, and for POS without targets.
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { recordEffects } from '../../src/engine/effects.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { Worker } from '../../src/engine/worker.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { createAccount } from '../../src/modules/customers/accounts.js';
import { createContact } from '../../src/modules/customers/contacts.js';
import { recordFacts } from '../../src/modules/customers/facts.js';
import {
  type CustomerDashboard,
  customerDashboard,
  type PackKpi,
} from '../../src/modules/customers/metrics.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { effects, tasks } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const T0 = Date.parse('2026-03-02T04:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0 + ms);

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`customer metrics: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let t: TestApp;
    let clock: ManualClock;
    let eng: Engine;
    let ws: string;
    let kpis: PackKpi[];
    /** Contact id of each shop's registered owner. */
    const owners = new Map<string, string>();

    const register = async (shop: string, phone: string) =>
      database.inWorkspace(ws, async (tx) => {
        await createAccount(tx, ws, { id: shop, name: shop, kind: 'shop' }, clock.now());
        const contact = await createContact(
          tx,
          eng,
          ws,
          shop,
          { name: `Owner of ${shop}`, phone, register: true },
          'test',
          clock.now(),
        );
        owners.set(shop, contact.id);
      });
    /** Facts the SaaS observed at `observedMs` (default: now), delivered now. */
    const facts = (shop: string, values: Record<string, number>, observedMs?: number) =>
      database.inWorkspace(ws, (tx) =>
        recordFacts(
          tx,
          eng,
          ws,
          { account: shop, facts: values, atMs: observedMs ?? clock.now().getTime() },
          'test',
          clock.now().getTime(),
        ),
      );
    const pay = (type: string, shop: string, amount: number, currency = 'INR') =>
      eng.handle(ws, {
        type,
        subject: `account:${shop}`,
        data: { account: shop, amount, currency },
        actor: 'test',
      });
    const runTimers = async () => {
      const w = new Worker({
        database,
        workerId: `wrk_metrics_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      for (let i = 0; i < 10 && (await w.runOnce()).timers > 0; i++);
    };
    const dashboard = (from: number, to: number) =>
      database.inWorkspace(ws, (tx) =>
        customerDashboard(tx, ws, { from: at(from), to: at(to) }, kpis, clock.now().getTime()),
      );

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      t = await buildTestApp({}, { database });
      clock = new ManualClock(at(-5 * DAY));
      eng = new Engine(database, clock);
      ws = await createWorkspace(database, 'ShopSmart metrics');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
      kpis = [...(loaded.pack.kpis ?? [])];
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('measures onboarding, payments and the weekly series around their bounds', async () => {
      // Five days before the period: a payment outside the MRR window, by a shop created on first sight.
      await pay('payment.succeeded', 'shop_9', 10, 'USD');
      clock.set(at(0));
      for (const [i, shop] of ['shop_1', 'shop_2', 'shop_3', 'shop_4'].entries())
        await register(shop, `+91981000000${i + 1}`);
      clock.set(at(HOUR));
      await facts('shop_3', { customers_added: 0 });
      clock.set(at(DAY));
      await facts('shop_1', { customers_added: 1 }); // exactly T+24h: activated
      clock.set(at(DAY + 1000));
      await facts('shop_2', { customers_added: 1 }); // a second late: not
      clock.set(at(30 * HOUR));
      await facts('shop_4', { customers_added: 2 }, T0 + DAY); // observed at T+24h, delivered at T+30h
      clock.set(at(2 * DAY));
      await facts('shop_2', { app_opens: 2 });
      clock.set(at(3 * DAY));
      await runTimers(); // the journey's Day 3 calls, at T+72h
      clock.set(at(5 * DAY));
      await facts('shop_1', { customers_added: 6 }); // its current value no longer says when the first came
      clock.set(at(7 * DAY));
      await facts('shop_1', { app_opens: 3 }); // exactly T+7d, "≥ 3": active
      clock.set(at(7 * DAY + 60_000));
      await facts('shop_2', { app_opens: 5 }); // a minute late
      clock.set(at(10 * DAY));
      await pay('payment.succeeded', 'shop_1', 499);
      clock.set(at(15 * DAY));
      await pay('payment.failed', 'shop_2', 999);
      clock.set(at(16 * DAY));
      await database.inWorkspace(ws, (tx) =>
        recordEffects(tx, ws, [
          {
            key: 'account:shop_3:test-cancelled',
            subject: 'account:shop_3',
            type: 'transition',
            at: clock.now(),
            data: { lifecycle: 'subscription', from: 'active', to: 'cancelled' },
          },
        ]),
      );
      clock.set(at(20 * DAY));
      await pay('payment.succeeded', 'shop_2', 999);
      clock.set(at(23 * DAY));
      await facts('shop_2', { transactions: 5 }); // exactly T+23d: outside D30's (T+23d, T+30d]
      clock.set(at(29 * DAY));
      await register('shop_5', '+919810000005'); // day 1 at T+30d: in the D1 cohort only
      clock.set(at(30 * DAY));
      await facts('shop_1', { transactions: 40 }); // exactly T+30d: retained
      await register('shop_6', '+919810000006'); // day 1 on the period's end: in no cohort
      for (const [shop, score] of [
        ['shop_1', 10],
        ['shop_2', 3],
      ] as const)
        await eng.handle(ws, {
          type: 'survey.answered',
          subject: `user:${owners.get(shop)}`,
          data: { survey: 'nps-day-30', score },
          actor: 'test',
        });

      // The Day 3 calls: shop_1's done exactly 24 h after it was raised (on time), shop_2's a second
      // later, shop_3's open, shop_4's never materialised as a task.
      const calls = await database.inWorkspace(ws, (tx) =>
        tx
          .select({ key: effects.key, subject: effects.subject, at: effects.at })
          .from(effects)
          .where(
            and(eq(effects.workspaceId, ws), eq(effects.type, 'task'), like(effects.key, '%:day-3-call:%')),
          ),
      );
      expect(calls).toHaveLength(8); // the call and the CRM note, for each of the four
      const callOf = (shop: string) =>
        calls.find((c) => c.subject === `user:${owners.get(shop)}` && c.key.endsWith(':day-3-call:0'))!;
      for (const [shop, status, doneMs] of [
        ['shop_1', 'done', DAY],
        ['shop_2', 'done', DAY + 1000],
        ['shop_3', 'open', null],
      ] as const) {
        const call = callOf(shop);
        // The journey raised the call as a task (src/modules/work/engine-tasks.ts); the CSM marks it done.
        const [task] = await database.inWorkspace(ws, (tx) =>
          tx
            .update(tasks)
            .set({
              status,
              completedAt: doneMs === null ? null : new Date(call.at.getTime() + doneMs),
            })
            .where(and(eq(tasks.workspaceId, ws), eq(tasks.key, call.key)))
            .returning({ assignee: tasks.assignee }),
        );
        expect(task).toEqual({ assignee: 'role:csm' });
      }

      clock.set(at(31 * DAY));
      const m: CustomerDashboard = await dashboard(0, 31 * DAY);
      expect(m.onboarding).toEqual({
        // shop_1 (T+24h on the timeline) and shop_4 (observed at T+24h); not shop_2 (late), shop_3 (0),
        // shop_5 (nothing); shop_6's day 1 is the period's end.
        d1Activation: { cohort: 5, count: 2, rate: 40 },
        d7Active: { cohort: 4, count: 1, rate: 25 },
        d30Retention: { cohort: 4, count: 1, rate: 25 },
        day3Calls: { raised: 4, done: 2, onTime: 1, rate: 50, onTimeRate: 25 },
      });
      const kpi = new Map(m.kpis.map((k) => [k.id, k]));
      expect(kpi.get('d1-activation-rate')).toMatchObject({
        label: 'D1 Activation Rate',
        value: 40,
        of: 5,
        target: { op: '>=', value: 60, unit: '%' },
        met: false,
      });
      expect(kpi.get('day-3-call-completion')).toMatchObject({ value: 50, met: false });
      expect(kpi.get('nps-score')).toMatchObject({ value: 0, of: 2, target: { op: '>=', value: 40 } });
      expect(m.nps).toMatchObject({ answers: 2, promoters: 1, detractors: 1, score: 0 });
      expect(m.nps.target).toEqual({ op: '>=', value: 40 });

      // The 30 days up to the end: shop_1's and shop_2's payments; shop_9's USD payment is older.
      expect(m.mrr).toEqual({
        from: at(DAY).toISOString(),
        to: at(31 * DAY).toISOString(),
        byCurrency: [{ currency: 'INR', amount: 1498, payers: 2, arpu: 749 }],
      });
      expect(m.churn.cancelled).toBe(1);

      expect(m.series.bucketDays).toBe(7);
      const weeks = m.series.points;
      expect(weeks.map((p) => p.from)).toEqual([0, 7, 14, 21, 28].map((d) => at(d * DAY).toISOString()));
      expect(weeks.at(-1)!.to).toBe(at(31 * DAY).toISOString());
      expect(weeks.map((p) => p.newAccounts)).toEqual([4, 0, 0, 0, 2]);
      expect(weeks.map((p) => p.paymentsSucceeded)).toEqual([0, 1, 1, 0, 0]);
      expect(weeks.map((p) => p.paymentsFailed)).toEqual([0, 0, 1, 0, 0]);
      expect(weeks.map((p) => p.failureRate)).toEqual([null, 0, 50, null, null]);
      expect(weeks.map((p) => p.cancelled)).toEqual([0, 0, 1, 0, 0]);
      expect(weeks.map((p) => p.npsAnswers)).toEqual([0, 0, 0, 0, 2]);
      expect(weeks[4]!.nps).toBe(0);
    });

    it('keeps days that have not come out of the cohorts', async () => {
      // Now T+31d; a period reaching into the future counts only what has passed.
      const m = await dashboard(25 * DAY, 60 * DAY);
      // Day 30 of shops 1-4 (T+30d) is in it; shop_5's day 30 (T+59d) and shop_6's (T+60d) are to come.
      expect(m.onboarding.d30Retention).toEqual({ cohort: 4, count: 1, rate: 25 });
      // Day 1 of shop_5 (T+30d) is in it; shop_6's (T+31d) is now: not passed.
      expect(m.onboarding.d1Activation).toEqual({ cohort: 1, count: 0, rate: 0 });
      expect(m.onboarding.d7Active).toEqual({ cohort: 0, count: 0, rate: null });
    });

    it("answers over HTTP with the pack's targets beside each metric", async () => {
      for (const [email, slug, targets] of [
        ['owner@shopsmart.demo', 'shopsmart', true],
        ['owner@pos-saas.demo', 'pos-saas', false],
      ] as const) {
        const owner = await signInAs(t.app, email, DEMO_PASSWORD);
        const id = owner.me.workspaces.find((w) => w.slug === slug)!.id;
        const r = await t.app.inject({
          method: 'GET',
          url: `/api/v1/workspaces/${id}/customer-metrics`,
          headers: { cookie: owner.cookie },
        });
        expect(r.statusCode, r.body).toBe(200);
        const body = r.json<CustomerDashboard>();
        expect(body.kpis.map((k) => k.id)).toEqual([
          'd1-activation-rate',
          'd7-active-rate',
          'd30-retention',
          'day-3-call-completion',
          'nps-score',
          'trial-conversion-rate',
          'churn-rate',
          'payment-failure-rate',
        ]);
        const d1 = body.kpis[0]!;
        expect(d1).toMatchObject({ value: null, of: 0, met: null });
        expect(d1.target).toEqual(targets ? { op: '>=', value: 60, unit: '%' } : null);
        expect(body.nps.target).toEqual(targets ? { op: '>=', value: 40 } : null);
        expect(body.series.points.length).toBeGreaterThanOrEqual(4);
        expect(body).toHaveProperty('byState');
        expect(body).toHaveProperty('mrr.byCurrency');
      }
    });
  });
}
