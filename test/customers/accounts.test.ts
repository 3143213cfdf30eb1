/**
 * Customer accounts' use cases on both engines, on a clock that moves only when told: the POS pack's
 * subscription runs on an account (trial → active → payment failed → 7 days → suspended, read-only →
 * reactivated), the row mirrors it, and the access answer follows the pack's `readOnly`. Usage facts are
 * idempotent by key, never overwritten by an older observation, and reach the engine for the account and
 * its registered contacts.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { loadSubject } from '../../src/engine/subjects.js';
import { Worker } from '../../src/engine/worker.js';
import { accessOfAccount } from '../../src/modules/customers/access.js';
import { createAccount, getAccount } from '../../src/modules/customers/accounts.js';
import { createContact } from '../../src/modules/customers/contacts.js';
import { recordFacts } from '../../src/modules/customers/facts.js';
import { accountTimeline } from '../../src/modules/customers/timeline.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { accounts } from '../../src/store/schema-customers.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const DAY = 86_400_000;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`customer accounts: ${engine.title}`, () => {
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
      ws = await createWorkspace(database, 'POS');
      const loaded = await loadPack('packs/pos-saas');
      if (!loaded.ok) throw new Error('pos-saas does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
    });
    afterAll(async () => {
      await opened?.close();
    });

    const send = (type: string, account: string, data: Record<string, string | number | boolean> = {}) =>
      eng.handle(ws, { type, subject: `account:${account}`, data: { account, ...data }, actor: 'test' });
    const access = async (id: string) =>
      database.inWorkspace(ws, async (tx) => {
        const account = await getAccount(tx, ws, id);
        const { ep } = await eng.policyFor(tx, ws, `account:${id}`);
        return { state: account.state, ...accessOfAccount(ep, account.lifecycles) };
      });
    const runTimers = async () => {
      const w = new Worker({
        database,
        workerId: `wrk_acc_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      for (let i = 0; i < 10 && (await w.runOnce()).timers > 0; i++);
    };

    it('mirrors the POS subscription and answers read-only while suspended (003#54, 003#56)', async () => {
      clock.set(START);
      await database.inWorkspace(ws, (tx) =>
        createAccount(tx, ws, { id: 'org_1', name: 'Chai Corner', kind: 'shop', plan: 'pro' }, clock.now()),
      );
      expect(await access('org_1')).toEqual({ state: 'new', access: 'read_write', because: null });
      await send('trial.started', 'org_1');
      expect((await access('org_1')).state).toBe('trialing');
      await send('subscription.upgraded', 'org_1');
      // A temporary failure waits for the automatic retry: nothing changes (003#8, reading A).
      await send('payment.failed', 'org_1', { permanent: false });
      expect((await access('org_1')).state).toBe('active');
      await send('payment.failed', 'org_1', { permanent: true });
      expect(await access('org_1')).toEqual({ state: 'past-due', access: 'read_write', because: null });
      // One minute before the 7 days, still past due; at 7 days, suspended and read-only.
      clock.set(new Date(Date.parse(START) + 7 * DAY - 60_000));
      await runTimers();
      expect((await access('org_1')).state).toBe('past-due');
      clock.set(new Date(Date.parse(START) + 7 * DAY + 1000));
      await runTimers();
      expect(await access('org_1')).toEqual({
        state: 'suspended',
        access: 'read_only',
        because: 'subscription: suspended',
      });
      // "To reactivate: 1. Update your payment method 2. Click Reactivate Account" (003#53).
      await send('subscription.reactivated', 'org_1');
      expect((await access('org_1')).state).toBe('suspended');
      await send('payment-method.updated', 'org_1');
      await send('subscription.reactivated', 'org_1');
      expect(await access('org_1')).toEqual({ state: 'active', access: 'read_write', because: null });
      const timeline = await database.inWorkspace(ws, (tx) =>
        accountTimeline(tx, ws, 'org_1', { limit: 100 }),
      );
      expect(timeline.items.map((e) => e.type)).toEqual(
        expect.arrayContaining([
          'trial.started',
          'payment.failed',
          'engine.timer',
          'subscription.reactivated',
        ]),
      );
    });

    it('creates the row of an account first seen in an event, named by its id', async () => {
      await send('trial.started', 'org_new', { plan: 'basic' });
      const row = await database.inWorkspace(ws, (tx) => getAccount(tx, ws, 'org_new'));
      expect(row).toMatchObject({ id: 'org_new', name: 'org_new', plan: 'basic', state: 'trialing' });
    });

    it('applies a fact batch once, keeps the newest observation, and tells the engine what changed', async () => {
      clock.set(new Date(Date.parse(START) + 10 * DAY));
      const nowMs = clock.now().getTime();
      const contact = await database.inWorkspace(ws, (tx) =>
        createContact(
          tx,
          eng,
          ws,
          'org_1',
          { name: 'Asha', phone: '+919876543210', register: true },
          'test',
          clock.now(),
        ),
      );
      const record = (batch: Parameters<typeof recordFacts>[3]) =>
        database.inWorkspace(ws, (tx) => recordFacts(tx, eng, ws, batch, 'test', nowMs));
      const first = await record({
        account: 'org_1',
        facts: { customers_added: 5, transactions: 9 },
        key: 'b1',
      });
      expect(first).toMatchObject({ duplicate: false, changed: ['customers_added', 'transactions'] });
      // The same key again: nothing applied, even with other values.
      expect(await record({ account: 'org_1', facts: { customers_added: 99 }, key: 'b1' })).toMatchObject({
        duplicate: true,
        applied: [],
      });
      // An observation older than the stored one loses; a newer one wins; an unchanged value is not re-sent.
      const older = await record({ account: 'org_1', facts: { customers_added: 1 }, atMs: nowMs - 60_000 });
      expect(older).toMatchObject({ stale: ['customers_added'], applied: [], changed: [] });
      const newer = await record({
        account: 'org_1',
        facts: { customers_added: 5, app_opens: 3 },
        atMs: nowMs + 1,
      });
      expect(newer).toMatchObject({ applied: ['customers_added', 'app_opens'], changed: ['app_opens'] });
      const [row] = await database.inWorkspace(ws, (tx) =>
        tx.select().from(accounts).where(eq(accounts.id, 'org_1')),
      );
      expect(row!.facts).toEqual({ customers_added: 5, transactions: 9, app_opens: 3 });
      for (const key of ['account:org_1', `user:${contact.id}`]) {
        const subject = await database.inWorkspace(ws, (tx) => loadSubject(tx, ws, key));
        expect((subject!.state as { facts: Record<string, unknown> }).facts).toMatchObject({
          customers_added: 5,
          transactions: 9,
          app_opens: 3,
        });
      }
    });
  });
}
