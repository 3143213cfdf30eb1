/**
 * Smart Estate's activation made whole, on both engines (issue 9; 004#2, 004#17, 004#31, 004#77): whatever
 * path the pack allows makes the estate ACTIVE — finance's manual payment, approval arriving after the
 * payment, support's manual `activate` — the estate, its subscription and the estate admin's user account
 * are ACTIVE together in one transaction, and the customer-success hand-off is decided exactly once.
 * `role:estate-admin` messages reach the estate's own admin contact.
 *
 * Two variants of the pack run beside the real one (written to a temporary folder and validated by the
 * loader): payments confirmed before approval with the estate going live on the approval, and reading B
 * of 004#34 (confirmation does not activate; support's `activate` does).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fields } from '../../src/core/decide/types.js';
import { planDeliveries, type NotifyIntent } from '../../src/core/notify/plan.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { readEffects } from '../../src/engine/effects.js';
import { loadSubject } from '../../src/engine/subjects.js';
import { getAccount } from '../../src/modules/customers/accounts.js';
import { listContacts } from '../../src/modules/customers/contacts.js';
import { decideSignup, recordManualPayment, submitSignup } from '../../src/modules/customers/signups.js';
import { directoryOf, governingPolicy } from '../../src/modules/notifications/directory.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { outbox } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';

/** Writes the Smart Estate pack with its lifecycles edited, and loads it (the loader validates it). */
async function variant(dir: string, edits: readonly [from: string, to: string][]) {
  await cp('packs/smart-estate', dir, { recursive: true });
  const file = join(dir, 'lifecycles.yaml');
  let text = await readFile(file, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the pack no longer has: ${from}`);
    text = text.replaceAll(from, to);
  }
  await writeFile(file, text);
  const loaded = await loadPack(dir);
  if (!loaded.ok) throw new Error(`variant does not load: ${JSON.stringify(loaded.problems)}`);
  return loaded;
}

/** Payments are confirmed whatever the signup; the estate goes live when the signup is approved after. */
const PAY_BEFORE_APPROVAL: [string, string][] = [
  [
    '            - { field: signup_status, eq: approved }\n            - { field: payment_method',
    '            - { field: payment_method',
  ],
  [
    '      # The P2 case',
    `      - from: pending
        to: active
        on: signup.approved
        guard:
          all:
            - { field: signup_status, eq: approved }
            - { field: payment_status, eq: confirmed }
        effects:
          - transition: { lifecycle: subscription, to: active }
          - send: estate-access-enabled
            to: role:estate-admin
      # The P2 case`,
  ],
];
/** Reading B of 004#34: confirming the payment activates nothing; support's `activate` does. */
const MANUAL_ACTIVATION: [string, string][] = [
  ['to: active\n        on: payment.confirmed', 'to: active\n        on: go-live-by-hand'],
];

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`estate activation made whole: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;
    let folder: string;
    const ws = { real: '', early: '', manual: '' };

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      eng = new Engine(database, clock);
      folder = await mkdtemp(join(tmpdir(), 'opsbook-activation-'));
      const real = await loadPack('packs/smart-estate');
      if (!real.ok) throw new Error('smart-estate does not load');
      const packs = {
        real,
        early: await variant(join(folder, 'early'), PAY_BEFORE_APPROVAL),
        manual: await variant(join(folder, 'manual'), MANUAL_ACTIVATION),
      };
      for (const name of ['real', 'early', 'manual'] as const) {
        ws[name] = await createWorkspace(database, `Smart Estate ${name}`);
        await activatePack(database, ws[name], packs[name], 'test', clock.now());
      }
    }, 120_000);
    afterAll(async () => {
      await opened?.close();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    const signup = (w: string, account: string) =>
      database.inWorkspace(w, (tx) =>
        submitSignup(
          tx,
          eng,
          w,
          {
            account,
            name: `Palm Grove ${account}`,
            location: 'Lekki, Lagos',
            units: 120,
            type: 'gated community',
            admin: { name: 'Adaeze Okafor', email: `admin-${account}@example.com` },
          },
          'user:reviewer',
          clock.now(),
        ),
      );
    const approve = (w: string, account: string) =>
      database.inWorkspace(w, (tx) =>
        decideSignup(
          tx,
          eng,
          w,
          account,
          { decision: 'approve', reason: 'verified' },
          'user:reviewer',
          clock.now(),
        ),
      );
    const pay = (w: string, account: string) =>
      database.inWorkspace(w, (tx) =>
        recordManualPayment(
          tx,
          eng,
          w,
          account,
          { amount: 250000, currency: 'NGN', reference: 'TRF-77', note: 'Matched on the statement' },
          'user:finance',
          clock.now(),
        ),
      );
    /** The account's positions, its admin's user account, and how often the hand-off was decided. */
    const observe = (w: string, account: string) =>
      database.inWorkspace(w, async (tx) => {
        const row = await getAccount(tx, w, account);
        const [admin] = (await listContacts(tx, w, account, { role: 'estate-admin', limit: 5 })).items;
        const user = admin ? await loadSubject(tx, w, `user:${admin.id}`) : null;
        const lifecycles = (user?.state as { lifecycles?: Record<string, { state: string }> } | undefined)
          ?.lifecycles;
        const effects = await readEffects(tx, { subject: `account:${account}` });
        return {
          lifecycles: row.lifecycles,
          admin: { registered: admin?.registeredAt !== null, account: lifecycles?.['user-account']?.state },
          handoffs: effects.filter((e) => e.type === 'handoff').length,
          journeyStarts: effects.filter((e) => e.type === 'journey.start').length,
        };
      });
    const ALL_ACTIVE = { estate: 'active', subscription: 'active' };

    it('activates estate, subscription and admin account together on the manual payment, hand-off once', async () => {
      clock.set(START);
      await signup(ws.real, 'EST-1');
      expect(await observe(ws.real, 'EST-1')).toMatchObject({
        lifecycles: { 'estate-signup': 'pending', estate: 'pending', subscription: 'pending' },
        admin: { registered: true, account: 'pending' },
        handoffs: 0,
      });
      await approve(ws.real, 'EST-1');
      clock.set('2026-03-03T09:00:00Z');
      expect(await pay(ws.real, 'EST-1')).toEqual({ confirmed: true, activated: true });
      expect(await observe(ws.real, 'EST-1')).toEqual({
        lifecycles: {
          'estate-signup': 'approved',
          'payment-record': 'confirmed',
          ...ALL_ACTIVE,
        },
        admin: { registered: true, account: 'active' },
        handoffs: 1,
        journeyStarts: 1,
      });
      // Support's `activate` on a live estate moves nothing and hands nothing over again.
      await eng.handle(ws.real, {
        type: 'activate',
        subject: 'account:EST-1',
        data: {},
        actor: 'user:support',
      });
      expect((await observe(ws.real, 'EST-1')).handoffs).toBe(1);
    });

    it('commits nothing of it when the transaction that activated rolls back', async () => {
      await signup(ws.real, 'EST-2');
      await approve(ws.real, 'EST-2');
      await expect(
        database.inWorkspace(ws.real, async (tx) => {
          await recordManualPayment(
            tx,
            eng,
            ws.real,
            'EST-2',
            { amount: 1, reference: 'TRF-1', note: 'x' },
            'user:finance',
            clock.now(),
          );
          throw new Error('the caller failed after the payment');
        }),
      ).rejects.toThrow('the caller failed');
      expect(await observe(ws.real, 'EST-2')).toMatchObject({
        lifecycles: { estate: 'pending', subscription: 'pending', 'payment-record': 'pending' },
        admin: { account: 'pending' },
        handoffs: 0,
      });
    });

    it('activates when the approval comes after the payment (the approval is what moves the estate)', async () => {
      await signup(ws.early, 'EST-3');
      expect(await pay(ws.early, 'EST-3')).toEqual({ confirmed: true, activated: false });
      expect(await observe(ws.early, 'EST-3')).toMatchObject({
        lifecycles: { 'payment-record': 'confirmed', estate: 'pending' },
        admin: { account: 'pending' },
        handoffs: 0,
      });
      await approve(ws.early, 'EST-3');
      expect(await observe(ws.early, 'EST-3')).toEqual({
        lifecycles: { 'estate-signup': 'approved', 'payment-record': 'confirmed', ...ALL_ACTIVE },
        admin: { registered: true, account: 'active' },
        handoffs: 1,
        journeyStarts: 1,
      });
    });

    it("activates by the pack's manual `activate` when confirmation does not (004#34 reading B, 004#50)", async () => {
      await signup(ws.manual, 'EST-4');
      await approve(ws.manual, 'EST-4');
      expect(await pay(ws.manual, 'EST-4')).toEqual({ confirmed: true, activated: false });
      expect(await observe(ws.manual, 'EST-4')).toMatchObject({
        lifecycles: { 'payment-record': 'confirmed', estate: 'pending', subscription: 'pending' },
        admin: { account: 'pending' },
        handoffs: 0,
      });
      for (let i = 0; i < 2; i++)
        await eng.handle(ws.manual, {
          type: 'activate',
          subject: 'account:EST-4',
          data: { account: 'EST-4' },
          actor: 'user:support',
        });
      expect(await observe(ws.manual, 'EST-4')).toEqual({
        lifecycles: { 'estate-signup': 'approved', 'payment-record': 'confirmed', ...ALL_ACTIVE },
        admin: { registered: true, account: 'active' },
        handoffs: 1,
        journeyStarts: 1,
      });
    });

    it('activates the admin with the estate when `estate.activated` itself makes it live, announced once', async () => {
      await signup(ws.manual, 'EST-5');
      await approve(ws.manual, 'EST-5');
      await pay(ws.manual, 'EST-5');
      // `estate.activated` is in the catalog: sent to /events it is also the pack's manual `activate`.
      await eng.handle(ws.manual, {
        type: 'estate.activated',
        subject: 'account:EST-5',
        data: { account: 'EST-5' },
        actor: 'user:support',
      });
      expect(await observe(ws.manual, 'EST-5')).toEqual({
        lifecycles: { 'estate-signup': 'approved', 'payment-record': 'confirmed', ...ALL_ACTIVE },
        admin: { registered: true, account: 'active' },
        handoffs: 1,
        journeyStarts: 1,
      });
    });

    it("sends estate-access-enabled to the estate's own admin contact, by email, with its values", async () => {
      const { intent, fields } = await database.inWorkspace(ws.real, async (tx) => {
        const payloads = (await tx.select().from(outbox)).map((m) => m.payload as Record<string, unknown>);
        const [payload] = payloads.filter(
          (p) => p.template === 'estate-access-enabled' && p.subject === 'account:EST-1',
        );
        const subject = await loadSubject(tx, ws.real, 'account:EST-1');
        return {
          intent: payload as unknown as NotifyIntent,
          fields: (subject!.state as { fields: Fields }).fields,
        };
      });
      expect(intent.to).toEqual(['role:estate-admin']);
      const plan = await database.inWorkspace(ws.real, async (tx) => {
        const policy = (await governingPolicy(tx, ws.real, null))!;
        const nowMs = clock.now().getTime();
        const plan = (subject?: string) =>
          directoryOf(tx, ws.real, policy, fields, nowMs, subject).then((directory) =>
            planDeliveries({
              policy,
              intent,
              directory,
              values: { ...fields, support_contact: 'support@smartestate.example' },
              nowMs,
            }),
          );
        return { account: await plan('account:EST-1'), members: await plan() };
      });
      expect(plan.account.problems).toEqual([]);
      expect(plan.account.deliveries).toHaveLength(1);
      expect(plan.account.deliveries[0]).toMatchObject({
        kind: 'email',
        recipient: 'role:estate-admin',
        address: 'admin-EST-1@example.com',
        name: 'Adaeze Okafor',
        subject: 'Access enabled for Palm Grove EST-1',
      });
      expect(plan.account.deliveries[0]!.text).toContain('Hello Adaeze Okafor');
      // Without the account, the role falls back to the workspace's members, as before: here nobody.
      expect(plan.members.deliveries).toEqual([]);
      expect(plan.members.problems.join()).toContain(
        'no member of the workspace holds the role "estate-admin"',
      );
    });
  });
}
