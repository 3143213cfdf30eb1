/**
 * Data deletion at the end of retention on both engines, on a clock that moves only when told (issue 9,
 * POS 003#53-57, 003#70-72): an account goes payment failed → suspended (7 days) → cancelled (30 days
 * later, offered the export) → data deleted 30 days after cancellation (Standard) or 90 (Enterprise). Its
 * contacts, facts, custom fields and fact receipts are then gone, the deletion is recorded once on the
 * timeline and in the audit log, the access question answers `none`, and the export (over HTTP) shows the
 * data before and only the tombstone after.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { Worker } from '../../src/engine/worker.js';
import { listAudit } from '../../src/modules/access/audit.js';
import { createToken } from '../../src/modules/access/tokens.js';
import { accessOfAccount } from '../../src/modules/customers/access.js';
import { createAccount, getAccount } from '../../src/modules/customers/accounts.js';
import { createContact } from '../../src/modules/customers/contacts.js';
import { recordFacts } from '../../src/modules/customers/facts.js';
import { accountTimeline } from '../../src/modules/customers/timeline.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import { rowsOf, type Database } from '../../src/store/database.js';
import { accountContacts, factReceipts } from '../../src/store/schema-customers.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const DAY = 86_400_000;
const at = (days: number, ms = 0) => new Date(Date.parse(START) + days * DAY + ms);

interface ExportDocument {
  account: { id: string; name: string; state: string; lifecycles: Record<string, string> };
  dataDeleted: { at: string; data: Record<string, unknown> } | null;
  facts: Record<string, { value: unknown; observedAt: string | null }>;
  custom: Record<string, unknown>;
  contacts: { name: string }[];
  timeline: { type: string }[];
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`data deletion at the end of retention: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;
    let ws: string;
    let t: TestApp;
    let token: string;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      eng = new Engine(database, clock);
      ws = await createWorkspace(database, 'POS');
      const loaded = await loadPack('packs/pos-saas');
      if (!loaded.ok) throw new Error('pos-saas does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
      t = await buildTestApp({}, { database, demo: false });
      token = (
        await createToken(
          database,
          ws,
          { name: 'r', scope: 'read', expiresAt: null, createdBy: 'test' },
          clock.now(),
        )
      ).token;
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    const send = (type: string, account: string, data: Record<string, string | number | boolean> = {}) =>
      eng.handle(ws, { type, subject: `account:${account}`, data: { account, ...data }, actor: 'test' });
    const runTimers = async (until: Date) => {
      clock.set(until);
      const w = new Worker({
        database,
        workerId: `wrk_ret_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      for (let i = 0; i < 10 && (await w.runOnce()).timers > 0; i++);
    };
    const access = (id: string) =>
      database.inWorkspace(ws, async (tx) => {
        const account = await getAccount(tx, ws, id);
        const { ep } = await eng.policyFor(tx, ws, `account:${id}`);
        return { state: account.state, ...accessOfAccount(ep, account.lifecycles) };
      });
    const exported = async (id: string) => {
      const r = await t.app.inject({
        url: `/api/v1/workspaces/${ws}/accounts/${id}/export`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="account-${id}-\\d{4}-\\d\\d-\\d\\d\\.json"$`),
      );
      return r.json<ExportDocument>();
    };
    const deletions = async (id: string) => {
      const timeline = await database.inWorkspace(ws, (tx) => accountTimeline(tx, ws, id, { limit: 500 }));
      return timeline.items.filter((e) => e.type === 'account.data-deleted');
    };
    const rowsLeft = (id: string) =>
      database.inWorkspace(ws, async (tx) => ({
        contacts: (
          await tx
            .select()
            .from(accountContacts)
            .where(and(eq(accountContacts.workspaceId, ws), eq(accountContacts.accountId, id)))
        ).length,
        receipts: (
          await tx
            .select()
            .from(factReceipts)
            .where(and(eq(factReceipts.workspaceId, ws), eq(factReceipts.accountId, id)))
        ).length,
      }));

    /** An account with two contacts (one a sign-up), two facts sent with a key, and a custom field. */
    async function customer(id: string, plan: string, phones: [string, string]) {
      await database.inWorkspace(ws, (tx) =>
        createAccount(
          tx,
          ws,
          { id, name: `Shop ${id}`, kind: 'shop', custom: { city: 'Pune' } },
          clock.now(),
        ),
      );
      for (const [i, phone] of phones.entries())
        await database.inWorkspace(ws, (tx) =>
          createContact(
            tx,
            eng,
            ws,
            id,
            { name: `Owner ${i}`, phone, register: i === 0 },
            'test',
            clock.now(),
          ),
        );
      await database.inWorkspace(ws, (tx) =>
        recordFacts(
          tx,
          eng,
          ws,
          { account: id, facts: { customers_added: 6, transactions: 12 }, key: `${id}-1` },
          'test',
          clock.now().getTime(),
        ),
      );
      await send('trial.started', id, { plan: 'trial' });
      await send('subscription.upgraded', id, { plan });
      await send('payment.failed', id, { permanent: true });
    }

    it('deletes a Standard account 30 days after cancellation, once, and keeps the tombstone', async () => {
      await customer('org_pro', 'pro', ['+919876500001', '+919876500002']);
      await customer('org_ent', 'enterprise', ['+919876500003', '+919876500004']);
      await runTimers(at(7, 1000));
      expect(await access('org_pro')).toMatchObject({ state: 'suspended', access: 'read_only' });
      // Before the deletion the export has everything.
      const before = await exported('org_pro');
      expect(before.contacts.map((c) => c.name).sort()).toEqual(['Owner 0', 'Owner 1']);
      expect(before.facts).toMatchObject({ customers_added: { value: 6 }, transactions: { value: 12 } });
      expect(before.custom).toEqual({ city: 'Pune' });
      expect(before.dataDeleted).toBeNull();
      expect(before.timeline.map((e) => e.type)).toContain('payment.failed');

      // Cancelled 30 days after the suspension (003#57 B), with the export offered at that moment.
      await runTimers(at(37, 1000));
      expect((await access('org_pro')).state).toBe('cancelled');
      const effects = (await eng.describe(ws, 'account:org_pro'))!.effects;
      expect(effects).toContainEqual(
        expect.objectContaining({
          type: 'notify',
          data: expect.objectContaining({ template: 'account-cancelled-email' }),
        }),
      );
      expect((await exported('org_pro')).contacts).toHaveLength(2);

      // One minute before the 30 days, nothing is deleted; at 30 days, everything.
      await runTimers(at(67, -60_000));
      expect(await rowsLeft('org_pro')).toEqual({ contacts: 2, receipts: 1 });
      await runTimers(at(67, 1000));
      expect(await access('org_pro')).toEqual({
        state: 'data-deleted',
        access: 'none',
        because: 'subscription: data-deleted',
      });
      expect(await rowsLeft('org_pro')).toEqual({ contacts: 0, receipts: 0 });
      const row = await database.inWorkspace(ws, (tx) => getAccount(tx, ws, 'org_pro'));
      expect(row).toMatchObject({
        id: 'org_pro',
        name: 'org_pro',
        plan: 'pro',
        facts: {},
        custom: {},
        contacts: 0,
      });
      expect(row.lifecycles).toEqual({ subscription: 'data-deleted' });
      const [deletion, ...more] = await deletions('org_pro');
      expect(more).toEqual([]);
      expect(deletion!.data).toMatchObject({
        data_deleted:
          '2 contacts, 2 facts, 1 custom field, 1 fact receipt, per retention policy "Standard: 30 days after cancellation"',
        deleted: { contacts: 2, facts: 2, customFields: 1, factReceipts: 1 },
        policy: { lifecycle: 'subscription', state: 'data-deleted' },
      });
      expect(deletion!.at).toBe(at(67, 1000).toISOString());
      // Nothing kept elsewhere: the people's phones are gone from every record, entry and message, and
      // the engine's records of the account and its people hold no usage facts any more.
      const residue = await database.inWorkspace(ws, async (tx) =>
        rowsOf<{ phones: number; facts: number; values: number }>(
          await tx.execute(sql`
            select (select count(*) from subjects where state::text like '%+91987650000%')
                 + (select count(*) from timeline_events where data::text like '%+91987650000%')
                 + (select count(*) from outbox where payload::text like '%+91987650000%')
                 + (select count(*) from effects where data::text like '%+91987650000%') as phones,
                   (select count(*) from subjects where key = 'account:org_pro' and state->'facts' <> '{}'::jsonb) as facts,
                   (select count(*) from timeline_events where subject = 'account:org_pro' and type = 'fact.set'
                       and data ? 'value') as values`),
        ),
      );
      expect(
        residue.map((r) => ({ phones: Number(r.phones), facts: Number(r.facts), values: Number(r.values) })),
      ).toEqual([
        // org_ent's people (…03, …04) are not deleted yet; org_pro's (…01, …02) are.
        { phones: expect.any(Number), facts: 0, values: 0 },
      ]);
      const proPhones = await database.inWorkspace(ws, async (tx) =>
        rowsOf<{ n: number }>(
          await tx.execute(sql`
            select (select count(*) from timeline_events where data::text ~ '[+]91987650000[12]')
                 + (select count(*) from outbox where payload::text ~ '[+]91987650000[12]')
                 + (select count(*) from subjects where state::text ~ '[+]91987650000[12]') as n`),
        ),
      );
      expect(Number(proPhones[0]!.n)).toBe(0);

      // Another event and another pass of the timers delete nothing twice.
      await send('subscription.cancelled', 'org_pro');
      await runTimers(at(70));
      expect(await deletions('org_pro')).toHaveLength(1);
      const audit = await listAudit(database, ws, { limit: 100 });
      expect(
        audit.filter((e) => e.action === 'account.data-deleted' && e.target === 'account:org_pro'),
      ).toHaveLength(1);
      expect(audit.filter((e) => e.action === 'account.data-exported').length).toBeGreaterThanOrEqual(2);

      // After the deletion the export is the tombstone and the record of the deletion only.
      const after = await exported('org_pro');
      expect(after).toMatchObject({ contacts: [], facts: {}, custom: {} });
      expect(after.account).toMatchObject({ id: 'org_pro', name: 'org_pro', state: 'data-deleted' });
      expect(after.dataDeleted?.data).toMatchObject({ deleted: { contacts: 2 } });
      expect(after.timeline[0]?.type).toBe('account.data-deleted');
      expect(after.timeline.map((e) => e.type)).not.toContain('payment.failed');

      // Enterprise keeps its data at the Standard 30 days.
      expect((await access('org_ent')).state).toBe('cancelled');
      expect(await rowsLeft('org_ent')).toEqual({ contacts: 2, receipts: 1 });
      expect(await deletions('org_ent')).toEqual([]);
    });

    it('deletes an Enterprise account 90 days after cancellation', async () => {
      await runTimers(at(127, -60_000));
      expect((await access('org_ent')).state).toBe('cancelled');
      expect((await exported('org_ent')).contacts).toHaveLength(2);
      await runTimers(at(127, 1000));
      expect(await access('org_ent')).toMatchObject({ state: 'data-deleted', access: 'none' });
      expect(await rowsLeft('org_ent')).toEqual({ contacts: 0, receipts: 0 });
      const [deletion] = await deletions('org_ent');
      expect(deletion!.data.data_deleted).toBe(
        '2 contacts, 2 facts, 1 custom field, 1 fact receipt, per retention policy "Enterprise: 90 days after cancellation"',
      );
      expect(await exported('org_ent')).toMatchObject({ contacts: [], facts: {}, custom: {} });
      // A SaaS still syncing the cancelled customer cannot quietly undo the deletion.
      const late = await database
        .inWorkspace(ws, (tx) =>
          createContact(
            tx,
            eng,
            ws,
            'org_ent',
            { name: 'Late', phone: '+919811100999' },
            'test',
            clock.now(),
          ),
        )
        .catch((e: unknown) => e);
      expect(late).toMatchObject({ code: 'OPS_CONFLICT' });
      expect(String((late as Error).message)).toContain('deleted at the end of its retention');
      const lateFacts = await database
        .inWorkspace(ws, (tx) =>
          recordFacts(
            tx,
            eng,
            ws,
            { account: 'org_ent', facts: { transactions: 99 } },
            'test',
            clock.now().getTime(),
          ),
        )
        .catch((e: unknown) => e);
      expect(lateFacts).toMatchObject({ code: 'OPS_CONFLICT' });
      expect(await rowsLeft('org_ent')).toEqual({ contacts: 0, receipts: 0 });
    });

    it('answers 404 for an account that does not exist', async () => {
      const r = await t.app.inject({
        url: `/api/v1/workspaces/${ws}/accounts/nope/export`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.statusCode).toBe(404);
    });
  });
}
