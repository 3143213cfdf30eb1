/**
 * One-off checklist runs on both engines: Smart Estate's signup opens its 16-step onboarding run once
 * (004#8-004#23); an ordered checklist refuses a later step while an earlier one is open; evidence of the
 * wrong kind, or none, is refused; someone without the owner's role is refused; an item done with its
 * evidence, a conditional item skipped with its reason, an item approved by its approval role; the last
 * one completes the run and the engine decides `checklist.completed` on the estate. A refused call changes
 * nothing. Then the same through the HTTP API, signed in as the demo owner and as a support agent.
 *
 * The engine here lists the checklist observer beside the default ones it needs (the account mirror and the
 * estate activation); the HTTP app's own engine tells `checklist.completed`.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare } from '../../src/core/decide/prepare.js';
import type { SubjectState } from '../../src/core/decide/types.js';
import { databaseClock, ManualClock, type Clock } from '../../src/engine/clock.js';
import { Engine, type SubjectObserver } from '../../src/engine/engine.js';
import { loadSubject } from '../../src/engine/subjects.js';
import { readTimeline } from '../../src/engine/timeline.js';
import { OpsError } from '../../src/errors/catalog.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { hashPassword } from '../../src/modules/admin/passwords.js';
import { activationObserver } from '../../src/modules/customers/activation.js';
import { mirrorAccount } from '../../src/modules/customers/mirror.js';
import { decideSignup, submitSignup } from '../../src/modules/customers/signups.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import {
  listRuns,
  openChecklistRuns,
  workItem,
  type ItemAction,
  type RunView,
  type Worker,
} from '../../src/modules/work/checklists.js';
import { compilePack } from '../../src/packs/compile.js';
import { loadPack } from '../../src/packs/load.js';
import { newId } from '../../src/shared/ids.js';
import type { Database } from '../../src/store/database.js';
import { memberships, users } from '../../src/store/schema.js';
import { checklistItems, checklistRuns } from '../../src/store/schema-work.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T09:00:00Z';
const ONBOARDING = 'new-estate-onboarding';
const PLATFORM: Worker = { actor: 'user:platform', role: 'platform-team' };
const SUPPORT: Worker = { actor: 'user:support', role: 'support' };
const FINANCE: Worker = { actor: 'user:finance', role: 'finance' };

/** The engine as the app builds it, with the checklist observer added (the default list gains it later). */
function engineWithChecklists(database: Database, clock: Clock): Engine {
  const bound: { engine?: Engine } = {};
  const activation: SubjectObserver = (tx, change) => activationObserver(bound.engine!)(tx, change);
  bound.engine = new Engine(database, clock, { observers: [mirrorAccount, activation, openChecklistRuns] });
  return bound.engine;
}

/** Smart Estate with approval and other evidence kinds on onboarding steps (no seed item has them). */
async function variantPack(dir: string) {
  await cp('packs/smart-estate', dir, { recursive: true });
  const file = join(dir, 'operations.yaml');
  const edits: [string, string][] = [
    ['Confirm selected payment provider.\n', 'Confirm selected payment provider.\n        evidence: file\n'],
    [
      'Initialize hosted checkout or record manual payment.\n',
      'Initialize hosted checkout or record manual payment.\n        evidence: link\n',
    ],
    [
      'Confirm payment in the admin workflow.\n',
      'Confirm payment in the admin workflow.\n        evidence: number\n        approval: role:finance\n',
    ],
  ];
  let text = await readFile(file, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the pack no longer has: ${from}`);
    text = text.replace(from, to);
  }
  await writeFile(file, text);
  const loaded = await loadPack(dir);
  if (!loaded.ok) throw new Error(`variant does not load: ${JSON.stringify(loaded.problems)}`);
  return loaded;
}

const EVIDENCE: Record<string, ItemAction> = {
  none: { kind: 'complete' },
  note: { kind: 'complete', evidence: { kind: 'note', value: 'Checked with the estate admin' } },
  link: { kind: 'complete', evidence: { kind: 'link', value: 'https://pay.example.com/checkout/cs_88' } },
  file: { kind: 'complete', evidence: { kind: 'file', value: 'provider-confirmation.pdf' } },
  number: { kind: 'complete', evidence: { kind: 'number', value: 25000 } },
};

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`checklist runs: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;
    let folder: string;
    const ws = { real: '', variant: '' };

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      eng = engineWithChecklists(database, clock);
      folder = await mkdtemp(join(tmpdir(), 'opsbook-checklists-'));
      const real = await loadPack('packs/smart-estate');
      if (!real.ok) throw new Error('smart-estate does not load');
      ws.real = await createWorkspace(database, 'Smart Estate');
      ws.variant = await createWorkspace(database, 'Smart Estate variant');
      await activatePack(database, ws.real, real, 'test', clock.now());
      await activatePack(database, ws.variant, await variantPack(folder), 'test', clock.now());
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
    const runOf = async (w: string, account: string): Promise<RunView> => {
      const runs = await database.inWorkspace(w, (tx) =>
        listRuns(tx, w, { subject: `account:${account}`, limit: 10 }),
      );
      expect(runs).toHaveLength(1);
      return runs[0]!;
    };
    const work = (w: string, run: RunView, item: string, action: ItemAction, worker = PLATFORM) =>
      database.inWorkspace(w, (tx) => workItem(tx, eng, w, run.id, item, action, worker, clock.now()));
    /** The refusal's code and detail, after checking the run and the timeline are as they were. */
    const refused = async (w: string, run: RunView, item: string, action: ItemAction, worker = PLATFORM) => {
      const before = await snapshot(w, run);
      const error = await work(w, run, item, action, worker).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpsError);
      expect(await snapshot(w, run)).toEqual(before);
      return { code: (error as OpsError).code, detail: (error as OpsError).detail ?? '' };
    };
    const snapshot = (w: string, run: RunView) =>
      database.inWorkspace(w, async (tx) => ({
        run: await tx.select().from(checklistRuns).where(eq(checklistRuns.id, run.id)),
        items: await tx
          .select()
          .from(checklistItems)
          .where(eq(checklistItems.runId, run.id))
          .orderBy(checklistItems.position),
        timeline: (await readTimeline(tx, run.subject)).length,
      }));
    /** Works every open item before `stop` in order, each with the evidence it takes. */
    const workUpTo = async (w: string, run: RunView, stop: string) => {
      for (const item of run.items) {
        if (item.item === stop) return;
        if (item.status === 'open') await work(w, run, item.item, EVIDENCE[item.evidenceKind]!);
      }
    };

    it("opens the onboarding run of a signup once, with the pack's 16 steps in order", async () => {
      await signup(ws.real, 'E1');
      const run = await runOf(ws.real, 'E1');
      expect(run).toMatchObject({
        checklist: ONBOARDING,
        label: 'New Estate Onboarding Checklist',
        subject: 'account:E1',
        ordered: true,
        status: 'open',
      });
      expect(run.openedAt.toISOString()).toBe(new Date(START).toISOString());
      expect(run.items).toHaveLength(16);
      expect(run.items.map((i) => i.item).slice(0, 4)).toEqual([
        'receive-signup',
        'verify-signup-details',
        'review-fit-and-payment-readiness',
        'decide-signup',
      ]);
      expect(run.items.at(-1)).toMatchObject({ item: 'confirm-support-contact', position: 15 });
      expect(new Set(run.items.map((i) => i.owner))).toEqual(new Set(['role:platform-team']));
      expect(run.items.filter((i) => i.evidenceKind === 'note').map((i) => i.item)).toEqual([
        'verify-signup-details',
        'decide-signup',
        'run-gate-check-in-test',
        'confirm-support-contact',
      ]);
      expect(run.items[4]).toMatchObject({ item: 'select-plan', when: 'signup_status = approved' });

      // Another decision on the estate opens nothing; the same effect told twice opens one run.
      await database.inWorkspace(ws.real, (tx) =>
        decideSignup(tx, eng, ws.real, 'E1', { decision: 'suspend', reason: 'hold' }, 'user:r', clock.now()),
      );
      const real = await loadPack('packs/smart-estate');
      if (!real.ok) throw new Error('smart-estate does not load');
      const ep = prepare(compilePack(real.pack, real.hash));
      const effect = {
        type: 'checklist' as const,
        checklist: ONBOARDING,
        key: run.effectKey,
        subject: run.subject,
        atMs: clock.now().getTime(),
      };
      for (let i = 0; i < 2; i++)
        await database.inWorkspace(ws.real, (tx) =>
          openChecklistRuns(tx, {
            workspaceId: ws.real,
            event: { type: 'signup.submitted', subject: run.subject, data: {}, actor: 'test' },
            state: {} as SubjectState,
            effects: [effect],
            ep,
            nowMs: clock.now().getTime(),
          }),
        );
      await runOf(ws.real, 'E1');
    });

    it('refuses a later step of the ordered checklist while an earlier one is open', async () => {
      const run = await runOf(ws.real, 'E1');
      const r = await refused(ws.real, run, 'verify-signup-details', EVIDENCE.note!);
      expect(r.code).toBe('OPS_CONFLICT');
      expect(r.detail).toContain('step 1, "Receive estate signup."');
    });

    it("refuses someone without the owner's role, and lets the role (or an owner) do it", async () => {
      const run = await runOf(ws.real, 'E1');
      const r = await refused(ws.real, run, 'receive-signup', EVIDENCE.none!, SUPPORT);
      expect(r).toMatchObject({ code: 'OPS_FORBIDDEN' });
      expect(r.detail).toContain('"platform-team"');
      expect(
        (await refused(ws.real, run, 'receive-signup', EVIDENCE.none!, { actor: 'token:t1', role: null }))
          .code,
      ).toBe('OPS_FORBIDDEN');
      const after = await work(ws.real, run, 'receive-signup', { kind: 'complete', note: 'From the form' });
      expect(after.items[0]).toMatchObject({
        status: 'done',
        doneBy: 'user:platform',
        note: 'From the form',
      });
      expect((await refused(ws.real, run, 'receive-signup', EVIDENCE.none!)).code).toBe('OPS_CONFLICT');
    });

    it('refuses missing or wrong evidence, then takes the note and puts it on the timeline', async () => {
      const run = await runOf(ws.real, 'E1');
      const item = 'verify-signup-details';
      const missing = await refused(ws.real, run, item, { kind: 'complete' });
      expect(missing).toEqual({ code: 'OPS_VALIDATION', detail: 'This item needs a note as its evidence.' });
      const wrong = await refused(ws.real, run, item, EVIDENCE.link!);
      expect(wrong.detail).toBe('This item needs a note as its evidence, not a link (an http or https URL).');
      const blank = await refused(ws.real, run, item, {
        kind: 'complete',
        evidence: { kind: 'note', value: ' ' },
      });
      expect(blank.code).toBe('OPS_VALIDATION');
      const owner: Worker = { actor: 'user:owner', role: 'owner' };
      const after = await work(ws.real, run, item, EVIDENCE.note!, owner);
      expect(after.items[1]).toMatchObject({ status: 'done', evidence: 'Checked with the estate admin' });
      const timeline = await database.inWorkspace(ws.real, (tx) => readTimeline(tx, 'account:E1'));
      expect(timeline.filter((e) => e.type === 'checklist.item_done').map((e) => e.data)).toEqual([
        {
          run: run.id,
          checklist: ONBOARDING,
          item: 'receive-signup',
          text: 'Receive estate signup.',
          note: 'From the form',
        },
        {
          run: run.id,
          checklist: ONBOARDING,
          item,
          text: run.items[1]!.text,
          evidence: 'Checked with the estate admin',
          evidenceKind: 'note',
        },
      ]);
    });

    it('skips a step only when its condition does not hold on the estate, with the reason', async () => {
      const run = await runOf(ws.real, 'E1');
      await workUpTo(ws.real, run, 'select-plan');
      expect(
        (await refused(ws.real, run, 'confirm-payment-provider', { kind: 'skip', reason: 'n/a' })).detail,
      ).toContain('step 5');
      const fresh = await runOf(ws.real, 'E1');
      // E1's signup is suspended: "Help approved estate select the correct plan" does not apply now.
      const skipped = await work(ws.real, fresh, 'select-plan', { kind: 'skip', reason: 'Signup on hold' });
      expect(skipped.items[4]).toMatchObject({ status: 'skipped', note: 'Signup on hold' });
      const noCondition = await refused(ws.real, fresh, 'confirm-payment-provider', {
        kind: 'skip',
        reason: 'x',
      });
      expect(noCondition).toMatchObject({ code: 'OPS_CONFLICT' });
      expect(noCondition.detail).toContain('cannot be skipped');
      const timeline = await database.inWorkspace(ws.real, (tx) => readTimeline(tx, 'account:E1'));
      expect(timeline.find((e) => e.type === 'checklist.item_skipped')?.data).toMatchObject({
        item: 'select-plan',
        reason: 'Signup on hold',
        condition: 'signup_status = approved',
      });

      // E2 approved: the condition holds, so the step applies and cannot be skipped.
      await signup(ws.real, 'E2');
      await database.inWorkspace(ws.real, (tx) =>
        decideSignup(tx, eng, ws.real, 'E2', { decision: 'approve', reason: 'ok' }, 'user:r', clock.now()),
      );
      const e2 = await runOf(ws.real, 'E2');
      await workUpTo(ws.real, e2, 'select-plan');
      const applies = await refused(ws.real, await runOf(ws.real, 'E2'), 'select-plan', {
        kind: 'skip',
        reason: 'x',
      });
      expect(applies.detail).toContain('its condition (signup_status = approved) holds');
    });

    it('completes the run with its last step and the engine decides checklist.completed', async () => {
      const run = await runOf(ws.real, 'E1');
      await workUpTo(ws.real, run, 'confirm-support-contact');
      const done = await work(ws.real, await runOf(ws.real, 'E1'), 'confirm-support-contact', EVIDENCE.note!);
      expect(done.status).toBe('completed');
      expect(done.completedAt?.toISOString()).toBe(clock.now().toISOString());
      const subject = await database.inWorkspace(ws.real, (tx) => loadSubject(tx, ws.real, 'account:E1'));
      expect((subject!.state as unknown as SubjectState).marks[`checklist:${ONBOARDING}`]).toBeDefined();
      const timeline = await database.inWorkspace(ws.real, (tx) => readTimeline(tx, 'account:E1'));
      expect(timeline.filter((e) => e.type === 'checklist.completed').map((e) => e.data)).toEqual([
        expect.objectContaining({ checklist: ONBOARDING, run_id: run.id }),
      ]);
      const again = await refused(ws.real, done, 'confirm-support-contact', EVIDENCE.note!);
      expect(again.detail).toContain('This run was completed');
    });

    it('takes link, file and number evidence, and waits for the approval role before completing', async () => {
      await signup(ws.variant, 'V1');
      const run = await runOf(ws.variant, 'V1');
      expect(run.items.find((i) => i.item === 'confirm-payment')).toMatchObject({
        evidenceKind: 'number',
        approvalRole: 'role:finance',
      });
      await workUpTo(ws.variant, run, 'select-plan');
      // Suspended, so the conditional plan step can be skipped.
      await database.inWorkspace(ws.variant, (tx) =>
        decideSignup(
          tx,
          eng,
          ws.variant,
          'V1',
          { decision: 'suspend', reason: 'hold' },
          'user:r',
          clock.now(),
        ),
      );
      await work(ws.variant, run, 'select-plan', { kind: 'skip', reason: 'On hold' });
      expect(
        (await refused(ws.variant, run, 'initialize-checkout-or-record-manual-payment', EVIDENCE.link!))
          .detail,
      ).toContain('step 6');
      await work(ws.variant, run, 'confirm-payment-provider', EVIDENCE.file!);
      const badLink = await refused(ws.variant, run, 'initialize-checkout-or-record-manual-payment', {
        kind: 'complete',
        evidence: { kind: 'link', value: 'javascript:alert(1)' },
      });
      expect(badLink.detail).toContain('is not an http or https URL');
      await work(ws.variant, run, 'initialize-checkout-or-record-manual-payment', EVIDENCE.link!);
      const notNumber = await refused(ws.variant, run, 'confirm-payment', {
        kind: 'complete',
        evidence: { kind: 'number', value: 'twenty' },
      });
      expect(notNumber.detail).toBe('"twenty" is not a number.');
      const early = await refused(ws.variant, run, 'confirm-payment', { kind: 'approve' }, FINANCE);
      expect(early.detail).toContain('it is approved once it is done');
      await work(ws.variant, run, 'confirm-payment', EVIDENCE.number!);
      expect((await refused(ws.variant, run, 'confirm-payment', { kind: 'approve' })).code).toBe(
        'OPS_FORBIDDEN',
      );
      expect(
        (await refused(ws.variant, run, 'receive-signup', { kind: 'approve' }, FINANCE)).detail,
      ).toContain('needs no approval');
      // Every other step done: the run still waits for finance's approval.
      const rest = await runOf(ws.variant, 'V1');
      await workUpTo(ws.variant, rest, 'no-such-step');
      expect((await runOf(ws.variant, 'V1')).status).toBe('open');
      const approved = await work(
        ws.variant,
        run,
        'confirm-payment',
        { kind: 'approve', note: 'Seen' },
        FINANCE,
      );
      expect(approved.status).toBe('completed');
      expect(approved.items.find((i) => i.item === 'confirm-payment')).toMatchObject({
        evidence: '25000',
        approvedBy: 'user:finance',
      });
      const timeline = await database.inWorkspace(ws.variant, (tx) => readTimeline(tx, 'account:V1'));
      expect(timeline.find((e) => e.type === 'checklist.item_approved')?.data).toMatchObject({
        item: 'confirm-payment',
        approval: 'role:finance',
        note: 'Seen',
      });
    });

    it('keeps runs of another workspace out of sight', async () => {
      const other = await database.inWorkspace(ws.variant, (tx) =>
        tx
          .select()
          .from(checklistRuns)
          .where(and(eq(checklistRuns.workspaceId, ws.real))),
      );
      expect(other).toEqual([]);
    });
  });
}

interface RunJson {
  id: string;
  status: string;
  subject: string;
  items: {
    id: string;
    status: string;
    owner: string | null;
    evidence: string;
    evidenceValue: string | null;
  }[];
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`checklist runs over HTTP: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Awaited<ReturnType<typeof signInAs>>;
    let agent: Awaited<ReturnType<typeof signInAs>>;
    let ws: string;
    type Session = typeof owner;
    const as = (who: Session, method: 'GET' | 'POST', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken },
        ...(payload ? { payload } : {}),
      });

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@smart-estate.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'smart-estate')!.id;
      const id = newId('usr', Date.now());
      await opened.database.db.insert(users).values({
        id,
        email: 'support@checklists.test',
        name: 'Support Agent',
        passwordHash: await hashPassword(DEMO_PASSWORD),
      });
      await opened.database.inWorkspace(ws, (tx) =>
        tx.insert(memberships).values({ workspaceId: ws, userId: id, role: 'support' }),
      );
      agent = await signInAs(t.app, 'support@checklists.test', DEMO_PASSWORD);
      const eng = engineWithChecklists(opened.database, databaseClock);
      await opened.database.inWorkspace(ws, (tx) =>
        submitSignup(
          tx,
          eng,
          ws,
          {
            account: 'PG-20001',
            name: 'Palm Grove',
            location: 'Whitefield, Bengaluru',
            units: 240,
            type: 'gated community',
            admin: { name: 'Farah Khan', email: 'farah@example.com' },
          },
          'user:test',
          new Date(),
        ),
      );
    }, 120_000);
    afterAll(async () => {
      await t?.close();
    });

    const run = async () => {
      const r = await as(owner, 'GET', '/checklist-runs?subject=account:PG-20001');
      expect(r.statusCode, r.body).toBe(200);
      const items = r.json<{ items: RunJson[] }>().items;
      expect(items).toHaveLength(1);
      return items[0]!;
    };
    const item = (runId: string, itemId: string, verb: string) =>
      `/checklist-runs/${runId}/items/${itemId}/${verb}`;

    it('lists the account run and reads it with its items', async () => {
      const r = await run();
      expect(r).toMatchObject({ subject: 'account:PG-20001', status: 'open' });
      expect(r.items).toHaveLength(16);
      const one = await as(agent, 'GET', `/checklist-runs/${r.id}`);
      expect(one.statusCode, one.body).toBe(200);
      expect(one.json<RunJson>().items[0]).toMatchObject({
        id: 'receive-signup',
        owner: 'role:platform-team',
      });
      const open = await as(owner, 'GET', '/checklist-runs?status=completed');
      expect(open.json<{ items: RunJson[] }>().items).toEqual([]);
      expect((await as(owner, 'GET', '/checklist-runs/ckr_nope')).statusCode).toBe(404);
    });

    it('refuses the agent without the role, the wrong evidence and a later step, changing nothing', async () => {
      const r = await run();
      const forbidden = await as(agent, 'POST', item(r.id, 'receive-signup', 'complete'), {});
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json<{ code: string; detail: string }>()).toMatchObject({ code: 'OPS_FORBIDDEN' });
      const later = await as(owner, 'POST', item(r.id, 'verify-signup-details', 'complete'), {
        evidence: { kind: 'note', value: 'x' },
      });
      expect(later.statusCode).toBe(409);
      const bodyWrong = await as(owner, 'POST', item(r.id, 'receive-signup', 'complete'), { evidence: 'x' });
      expect(bodyWrong.statusCode).toBe(400);
      expect((await run()).items.every((i) => i.status === 'open')).toBe(true);
    });

    it('completes items with evidence as the owner and refuses a second completion', async () => {
      const r = await run();
      const first = await as(owner, 'POST', item(r.id, 'receive-signup', 'complete'), {});
      expect(first.statusCode, first.body).toBe(200);
      const wrong = await as(owner, 'POST', item(r.id, 'verify-signup-details', 'complete'), {
        evidence: { kind: 'number', value: 3 },
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toBe('/body/evidence');
      const second = await as(owner, 'POST', item(r.id, 'verify-signup-details', 'complete'), {
        evidence: { kind: 'note', value: 'Name, location and 240 units match' },
      });
      expect(second.statusCode, second.body).toBe(200);
      expect(second.json<RunJson>().items[1]).toMatchObject({
        status: 'done',
        evidenceValue: 'Name, location and 240 units match',
      });
      expect((await as(owner, 'POST', item(r.id, 'receive-signup', 'complete'), {})).statusCode).toBe(409);
      const skip = await as(owner, 'POST', item(r.id, 'review-fit-and-payment-readiness', 'skip'), {
        reason: 'x',
      });
      expect(skip.statusCode).toBe(409);
      const approve = await as(owner, 'POST', item(r.id, 'receive-signup', 'approve'), {});
      expect(approve.statusCode).toBe(409);
    });

    it('completes the run through the API and the engine records checklist.completed', async () => {
      let r = await run();
      const bodies: Record<string, object> = {
        note: { evidence: { kind: 'note', value: 'Done' } },
        none: {},
      };
      for (const step of r.items.filter((i) => i.status === 'open')) {
        const verb = step.id === 'select-plan' ? 'skip' : 'complete';
        const res = await as(
          owner,
          'POST',
          item(r.id, step.id, verb),
          verb === 'skip' ? { reason: 'Signup still pending review' } : bodies[step.evidence],
        );
        expect(res.statusCode, `${step.id}: ${res.body}`).toBe(200);
      }
      r = await run();
      expect(r.status).toBe('completed');
      const subject = await as(owner, 'GET', '/subjects/account:PG-20001');
      expect(subject.statusCode, subject.body).toBe(200);
      const timeline = await as(owner, 'GET', '/accounts/PG-20001/timeline');
      expect(timeline.body).toContain('checklist.completed');
    });
  });
}
