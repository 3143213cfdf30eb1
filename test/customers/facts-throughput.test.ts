/**
 * Usage facts in bulk on both engines (issue 9's throughput work): a call of many batches for many
 * accounts is written a statement per kind and decided once per subject (Engine.handleSubjectsIn), and
 * keeps every guarantee of applying the batches one by one — idempotent by key (also within one call), an
 * older observation never replaces a newer one, facts kept without an active pack, all or nothing per
 * request — and the engine still decides every changed fact: the new batch path leaves the same states,
 * effects, timers, outbox rows and timeline as handleAllIn per subject, and ShopSmart's day-1 and day-7
 * checks (SOP-001) read the facts a bulk call set.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER, type EngineEventInput } from '../../src/engine/engine.js';
import { readEffects } from '../../src/engine/effects.js';
import { Worker } from '../../src/engine/worker.js';
import { createAccount } from '../../src/modules/customers/accounts.js';
import { createContact } from '../../src/modules/customers/contacts.js';
import { recordFactBatches, type FactBatch } from '../../src/modules/customers/facts.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { effects, outbox, subjects, timelineEvents, timers } from '../../src/store/schema.js';
import { accounts } from '../../src/store/schema-customers.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Distinct owners' phones. */
let phones = 0;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`usage facts in bulk: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;

    const shopSmart = async (name: string, activate = true) => {
      const ws = await createWorkspace(database, name);
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      if (activate) await activatePack(database, ws, loaded, 'test', clock.now());
      return ws;
    };
    const record = (ws: string, batches: readonly FactBatch[]) =>
      database.inWorkspace(ws, (tx) =>
        recordFactBatches(tx, eng, ws, batches, 'test', clock.now().getTime()),
      );
    /** An account with one registered contact (a shop and its owner); returns the owner's subject. */
    const shopWithOwner = async (ws: string, id: string) =>
      database.inWorkspace(ws, async (tx) => {
        await createAccount(tx, ws, { id, name: id, kind: 'shop' }, clock.now());
        const owner = await createContact(
          tx,
          eng,
          ws,
          id,
          { name: `Owner of ${id}`, phone: `+9198123${String(++phones).padStart(5, '0')}`, register: true },
          'test',
          clock.now(),
        );
        return `user:${owner.id}`;
      });
    const subjectFacts = (ws: string, key: string) =>
      database.inWorkspace(ws, async (tx) => {
        const [row] = await tx
          .select({ state: subjects.state })
          .from(subjects)
          .where(and(eq(subjects.workspaceId, ws), eq(subjects.key, key)));
        return (row?.state as { facts: Record<string, unknown> } | undefined)?.facts ?? null;
      });
    const runTimers = async () => {
      const w = new Worker({
        database,
        workerId: `wrk_facts_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 100,
      });
      for (let i = 0; i < 20 && (await w.runOnce()).timers > 0; i++);
    };

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      eng = new Engine(database, clock);
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('applies many batches for many accounts in one call: in order, once per key, newest wins', async () => {
      clock.set(START);
      const ws = await shopSmart('Bulk');
      const owner = await shopWithOwner(ws, 'shop_0');
      const nowMs = clock.now().getTime();
      const batches: FactBatch[] = [];
      // 60 accounts × 3 batches, interleaved: the third batch of each account is older than the second.
      for (let round = 0; round < 3; round++)
        for (let a = 0; a < 60; a++)
          batches.push({
            account: `shop_${a}`,
            facts: { customers_added: round === 2 ? 100 : a + round, app_opens: round },
            atMs: nowMs - (round === 1 ? 0 : round === 2 ? 30_000 : 60_000),
          });
      batches.push({ account: 'shop_1', facts: { transactions: 7 }, key: 'sync-1' });
      batches.push({ account: 'shop_1', facts: { transactions: 99 }, key: 'sync-1' });
      const outcomes = await record(ws, batches);
      expect(outcomes).toHaveLength(182);
      expect(outcomes[0]).toEqual({
        account: 'shop_0',
        duplicate: false,
        applied: ['customers_added', 'app_opens'],
        stale: [],
        changed: ['customers_added', 'app_opens'],
      });
      // Round 1 moves customers_added on; app_opens 0 → 1 changed.
      expect(outcomes[60 + 5]).toMatchObject({ changed: ['customers_added', 'app_opens'], stale: [] });
      // Round 2 is older than round 1: both stale.
      expect(outcomes[120 + 5]).toMatchObject({ applied: [], stale: ['customers_added', 'app_opens'] });
      expect(outcomes[180]).toMatchObject({ duplicate: false, changed: ['transactions'] });
      expect(outcomes[181]).toEqual({
        account: 'shop_1',
        duplicate: true,
        applied: [],
        stale: [],
        changed: [],
      });

      const rows = await database.inWorkspace(ws, (tx) =>
        tx.select().from(accounts).where(eq(accounts.workspaceId, ws)).orderBy(asc(accounts.id)),
      );
      expect(rows).toHaveLength(60);
      const shop5 = rows.find((r) => r.id === 'shop_5')!;
      expect(shop5.facts).toEqual({ customers_added: 6, app_opens: 1 });
      expect(shop5.factsAt).toEqual({ customers_added: nowMs, app_opens: nowMs });
      expect(rows.find((r) => r.id === 'shop_1')!.facts).toMatchObject({ transactions: 7 });
      // The engine was told: the account's subject and its registered owner's see the newest values.
      expect(await subjectFacts(ws, 'account:shop_5')).toEqual({ customers_added: 6, app_opens: 1 });
      expect(await subjectFacts(ws, owner)).toEqual({ customers_added: 1, app_opens: 1 });
      // One timeline entry per changed fact of each subject, in batch order.
      const told = await database.inWorkspace(ws, (tx) =>
        tx
          .select({ data: timelineEvents.data })
          .from(timelineEvents)
          .where(and(eq(timelineEvents.subject, 'account:shop_5'), eq(timelineEvents.type, 'fact.set')))
          .orderBy(asc(timelineEvents.id)),
      );
      expect(told.map((t) => t.data)).toEqual([
        { subject: 'account:shop_5', name: 'customers_added', value: 5, effects: 0 },
        { subject: 'account:shop_5', name: 'app_opens', value: 0, effects: 0 },
        { subject: 'account:shop_5', name: 'customers_added', value: 6, effects: 0 },
        { subject: 'account:shop_5', name: 'app_opens', value: 1, effects: 0 },
      ]);

      // Again, a call later: the key is spent; unchanged values are applied but told to nobody.
      const again = await record(ws, [
        { account: 'shop_1', facts: { transactions: 1 }, key: 'sync-1' },
        { account: 'shop_5', facts: { customers_added: 6 } },
      ]);
      expect(again).toEqual([
        { account: 'shop_1', duplicate: true, applied: [], stale: [], changed: [] },
        { account: 'shop_5', duplicate: false, applied: ['customers_added'], stale: [], changed: [] },
      ]);
    });

    it('decides each subject exactly as handleAllIn would: states, effects, timers, outbox and timeline', async () => {
      clock.set(START);
      const [batched, oneByOne] = [await shopSmart('Batched'), await shopSmart('One by one')];
      const users = ['U1', 'U2', 'U3', 'U4'];
      for (const ws of [batched, oneByOne])
        for (const u of users)
          await eng.handle(ws, {
            type: 'user.registered',
            subject: `user:${u}`,
            data: { account: u },
            actor: 'test',
          });
      clock.set(new Date(Date.parse(START) + 2 * HOUR));
      const set = (subject: string, name: string, value: number): EngineEventInput => ({
        type: 'fact.set',
        subject,
        data: { subject, name, value },
        actor: 'test',
      });
      const groups: EngineEventInput[][] = [
        [set('account:new_1', 'app_opens', 2)],
        [set('user:U1', 'customers_added', 1), set('user:U1', 'customers_added', 6)],
        [set('user:U2', 'transactions', 12)],
        [set('user:U3', 'app_opens', 4), set('user:U3', 'customers_added', 0)],
      ];
      const handled = await database.inWorkspace(batched, (tx) => eng.handleSubjectsIn(tx, batched, groups));
      const each = [];
      for (const g of groups)
        each.push(await database.inWorkspace(oneByOne, (tx) => eng.handleAllIn(tx, oneByOne, g)));
      expect(handled).toEqual(each);
      // One group per subject, each of that subject's events only.
      await expect(
        database.inWorkspace(batched, (tx) =>
          eng.handleSubjectsIn(tx, batched, [[set('user:U4', 'x', 1)], [set('user:U4', 'x', 2)]]),
        ),
      ).rejects.toThrow(/each subject is in one group/);
      await expect(
        database.inWorkspace(batched, (tx) =>
          eng.handleSubjectsIn(tx, batched, [[set('user:U4', 'x', 1), set('user:U3', 'x', 2)]]),
        ),
      ).rejects.toThrow(/one subject/);
      // The journey steps that follow read what was decided: run them in both.
      clock.set(new Date(Date.parse(START) + 8 * DAY));
      await runTimers();
      const snapshot = (ws: string) =>
        database.inWorkspace(ws, async (tx) => ({
          subjects: (
            await tx.select().from(subjects).where(eq(subjects.workspaceId, ws)).orderBy(asc(subjects.key))
          ).map((s) => [s.key, s.kind, s.packHash, s.revision, s.state]),
          effects: (
            await tx.select().from(effects).where(eq(effects.workspaceId, ws)).orderBy(asc(effects.id))
          ).map((e) => [e.key, e.subject, e.type, e.at, e.data]),
          timers: (
            await tx.select().from(timers).where(eq(timers.workspaceId, ws)).orderBy(asc(timers.key))
          ).map((t) => [t.key, t.kind, t.runAt, t.payload]),
          outbox: (
            await tx
              .select()
              .from(outbox)
              .where(eq(outbox.workspaceId, ws))
              .orderBy(asc(outbox.idempotencyKey))
          ).map((o) => [o.idempotencyKey, o.channel, o.payload]),
          // The observers' work: the account mirror's row.
          accounts: (
            await tx.select().from(accounts).where(eq(accounts.workspaceId, ws)).orderBy(asc(accounts.id))
          ).map((r) => [r.id, r.name, r.lifecycles, r.state, r.plan]),
          timeline: (
            await tx
              .select()
              .from(timelineEvents)
              .where(eq(timelineEvents.workspaceId, ws))
              .orderBy(asc(timelineEvents.id))
          ).map((t) => [t.subject, t.type, t.actor, t.data, t.occurredAt]),
        }));
      // Recurring checklist runs have random ids (`ckr_…`), and their nag wake-ups are keyed by them.
      const comparable = (x: Awaited<ReturnType<typeof snapshot>>) => {
        const same = JSON.parse(JSON.stringify(x).replace(/ckr_[0-9a-z]+/g, 'ckr_*')) as typeof x;
        same.timers.sort((p, q) => JSON.stringify(p).localeCompare(JSON.stringify(q)));
        return same;
      };
      const [a, b] = [comparable(await snapshot(batched)), comparable(await snapshot(oneByOne))];
      expect(a.effects.length).toBeGreaterThan(10);
      expect(a).toEqual(b);
    });

    it('writes a call larger than one statement can carry (13,500 events, 65,535 parameters at most)', async () => {
      clock.set(START);
      const ws = await shopSmart('Large');
      const groups = ['account:big_1', 'account:big_2', 'account:big_3'].map((subject) =>
        Array.from({ length: 4500 }, (_, i) => ({
          type: 'fact.set',
          subject,
          data: { subject, name: `fact_${i % 5}`, value: i },
          actor: 'test',
        })),
      );
      const handled = await database.inWorkspace(ws, (tx) => eng.handleSubjectsIn(tx, ws, groups));
      expect(handled.map((h) => h?.length)).toEqual([4500, 4500, 4500]);
      const [told] = await database.inWorkspace(ws, (tx) =>
        tx
          .select({ n: sql<number>`count(*)::int` })
          .from(timelineEvents)
          .where(eq(timelineEvents.type, 'fact.set')),
      );
      expect(told!.n).toBe(13_500);
      expect(await subjectFacts(ws, 'account:big_2')).toMatchObject({ fact_0: 4495, fact_4: 4499 });
    });

    it('still runs the ShopSmart day-1 and day-7 checks on facts a bulk call set (SOP-001)', async () => {
      clock.set(START);
      const ws = await shopSmart('Journeys');
      const active = await shopWithOwner(ws, 'shop_active');
      const idle = await shopWithOwner(ws, 'shop_idle');
      const others = Array.from({ length: 40 }, (_, i) => ({
        account: `other_${i}`,
        facts: { app_opens: i },
      }));
      clock.set(new Date(Date.parse(START) + 3 * HOUR));
      await record(ws, [...others, { account: 'shop_active', facts: { customers_added: 2 } }]);
      clock.set(new Date(Date.parse(START) + DAY + 1000));
      await runTimers();
      const templates = (subject: string) =>
        database.inWorkspace(ws, async (tx) =>
          (await readEffects(tx, { subject, type: 'notify' })).map(
            (e) => (e.data as { template?: string }).template,
          ),
        );
      // "Check if first customer added | Send tutorial video if not active" (T+24 h).
      expect(await templates(active)).not.toContain('tutorial-video');
      expect(await templates(idle)).toContain('tutorial-video');

      clock.set(new Date(Date.parse(START) + 2 * DAY));
      await record(ws, [
        ...others.map((o) => ({ ...o, facts: { app_opens: 50 } })),
        { account: 'shop_active', facts: { customers_added: 6, transactions: 12, app_opens: 4 } },
        { account: 'shop_idle', facts: { customers_added: 5 } },
      ]);
      clock.set(new Date(Date.parse(START) + 7 * DAY + 1000));
      await runTimers();
      // Day 7: each check that fails sends its own tutorial; ≥ includes the bound (000#26).
      const day7 = ['add-customer-tutorial', 'transaction-tutorial', 're-engagement-campaign'];
      expect((await templates(active)).filter((t) => day7.includes(t ?? ''))).toEqual([]);
      expect((await templates(idle)).filter((t) => day7.includes(t ?? '')).sort()).toEqual([
        're-engagement-campaign',
        'transaction-tutorial',
      ]);
    });

    it('keeps the facts and decides nothing while no pack is active', async () => {
      clock.set(START);
      const ws = await shopSmart('No pack yet', false);
      const outcomes = await record(ws, [
        { account: 'shop_a', facts: { customers_added: 1 } },
        { account: 'shop_b', facts: { customers_added: 2 } },
      ]);
      expect(outcomes.map((o) => o.changed)).toEqual([['customers_added'], ['customers_added']]);
      const [rows, decided] = await database.inWorkspace(ws, async (tx) => [
        await tx.select({ id: accounts.id, facts: accounts.facts }).from(accounts).orderBy(asc(accounts.id)),
        await tx.select({ key: subjects.key }).from(subjects),
      ]);
      expect(rows).toEqual([
        { id: 'shop_a', facts: { customers_added: 1 } },
        { id: 'shop_b', facts: { customers_added: 2 } },
      ]);
      expect(decided).toEqual([]);
    });

    it('over HTTP: one request of 300 batches answers each in order; a bad batch refuses all', async () => {
      const t = await buildTestApp({}, { database, demo: true });
      try {
        const owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
        const ws = owner.me.workspaces.find((w) => w.slug === 'shopsmart')!.id;
        const made = await t.app.inject({
          method: 'POST',
          url: `/api/v1/workspaces/${ws}/tokens`,
          headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
          payload: { name: 'sync', scope: 'ingest' },
        });
        const token = made.json<{ token: string }>().token;
        const post = (items: object[]) =>
          t.app.inject({
            method: 'POST',
            url: `/api/v1/workspaces/${ws}/facts`,
            headers: { authorization: `Bearer ${token}` },
            payload: { items },
          });
        const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
        const items = Array.from({ length: 300 }, (_, i) => ({
          account: `bulk_${i % 100}`,
          facts: { transactions: i },
          at: at(i < 200 ? 10 - Math.floor(i / 100) : 30),
          key: `k-${i}`,
        }));
        items.push({ ...items[0]!, facts: { transactions: -1 } });
        const res = await post(items);
        expect(res.statusCode, res.body).toBe(200);
        const out = res.json<{
          items: { account: string; duplicate: boolean; stale: string[]; changed: string[] }[];
        }>().items;
        expect(out).toHaveLength(301);
        expect(out[150]).toMatchObject({ account: 'bulk_50', duplicate: false, changed: ['transactions'] });
        expect(out[250]).toMatchObject({ account: 'bulk_50', duplicate: false, stale: ['transactions'] });
        expect(out[300]).toMatchObject({ account: 'bulk_0', duplicate: true });

        // A batch dated in the future refuses the whole request: nothing of it is applied, its keys unspent.
        const refused = await post([
          { account: 'late_1', facts: { transactions: 1 }, key: 'late-1' },
          { account: 'late_2', facts: { transactions: 1 }, at: new Date(Date.now() + DAY).toISOString() },
        ]);
        expect(refused.statusCode).toBe(400);
        expect(refused.body).toContain('/body/items/1/at');
        const retry = await post([{ account: 'late_1', facts: { transactions: 1 }, key: 'late-1' }]);
        expect(retry.json<{ items: { duplicate: boolean }[] }>().items[0]!.duplicate).toBe(false);
        const accountsOf = await database.inWorkspace(ws, (tx) =>
          tx
            .select({ id: accounts.id, facts: accounts.facts })
            .from(accounts)
            .where(eq(accounts.id, 'bulk_50')),
        );
        expect(accountsOf).toEqual([{ id: 'bulk_50', facts: { transactions: 150 } }]);
      } finally {
        await t.app.close();
      }
    }, 120_000);
  });
}
