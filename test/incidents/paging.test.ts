/**
 * Paging on both engines, with a clock that moves only when told and the worker firing the page timers:
 * a SofaCover P0 pages step 0 over the route's channels (phone, SMS, Slack, email: 002#19) and in the
 * app, waits out each step's delay, skips a step that resolves to nobody at once, runs the policy again
 * `repeat` times, then is exhausted and the owners are told; acknowledging stops it (MTTA recorded);
 * resolving stops it; a repeated or stale timer never pages twice; a ShopSmart SEV1 pages whoever is on
 * call for the Incident Commander rotation (000#68).
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Dispatcher } from '../../src/engine/dispatcher.js';
import { readTimeline } from '../../src/engine/timeline.js';
import type { ClaimedTimer } from '../../src/engine/timers.js';
import { scheduleTimer } from '../../src/engine/timers.js';
import { Worker } from '../../src/engine/worker.js';
import { createPolicy, type PolicyInput } from '../../src/modules/incidents/escalation-policies.js';
import { createOverride } from '../../src/modules/incidents/oncall-overrides.js';
import { createSchedule } from '../../src/modules/incidents/oncall.js';
import {
  acknowledgePageIn,
  PAGE_TIMER,
  pageTimerHandler,
  startPagingIn,
  stopPagingIn,
  type PagedIncident,
} from '../../src/modules/incidents/paging.js';
import { notificationLanes } from '../../src/modules/notifications/lanes.js';
import { createTargets } from '../../src/modules/notifications/targets.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { escalationPolicies, incidents, pages } from '../../src/store/schema-incidents.js';
import { memberships, outbox, timers, users } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';
import { testKeyService } from '../support/keys.js';

const START = '2026-03-02T04:00:00Z';
const MIN = 60_000;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`paging: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let worker: Worker;
    let dispatcher: Dispatcher;
    let sofa: string;
    let shop: string;
    let numbers = 0;
    const id = (name: string) => `usr_${name}_pg_${engine.name}`;
    const [alice, bob, owner] = [id('alice'), id('bob'), id('owner')];

    const addMember = async (ws: string, userId: string, role: string, phone: string | null = null) => {
      await database.db
        .insert(users)
        .values({ id: userId, email: `${userId}@sofa.test`, name: userId, phone })
        .onConflictDoNothing();
      await database.inWorkspace(ws, (tx) =>
        tx.insert(memberships).values({ workspaceId: ws, userId, role }),
      );
    };
    const running = async (name: string, folder: string) => {
      const ws = await createWorkspace(database, name);
      const loaded = await loadPack(`packs/${folder}`);
      if (!loaded.ok) throw new Error(`${folder} does not load`);
      await activatePack(database, ws, loaded, 'test', clock.now());
      return ws;
    };
    /** A declared incident's row, as the incident room writes it. */
    const declare = async (ws: string, severity: string, restricted = false): Promise<PagedIncident> => {
      const number = ++numbers;
      const incident = {
        id: `inc_pg_${engine.name}_${number}`,
        number,
        severity,
        title: `Checkout down ${number}`,
        restricted,
      };
      await database.inWorkspace(ws, (tx) =>
        tx.insert(incidents).values({
          ...incident,
          workspaceId: ws,
          status: 'declared',
          declaredBy: 'user:test',
          detectedAt: clock.now(),
        }),
      );
      return incident;
    };
    const policy = async (ws: string, input: Partial<PolicyInput> & Pick<PolicyInput, 'steps'>) => {
      // One policy at a time: each scenario pages under its own.
      await database.inWorkspace(ws, (tx) => tx.delete(escalationPolicies));
      return createPolicy(
        database,
        ws,
        { name: 'On-call', repeat: 0, severities: [], ...input },
        clock.now(),
      );
    };
    const start = (ws: string, incident: PagedIncident) =>
      database.inWorkspace(ws, (tx) => startPagingIn(tx, ws, incident, clock.now()));
    const pageOf = async (ws: string, incidentId: string) => {
      const [row] = await database.inWorkspace(ws, (tx) =>
        tx.select().from(pages).where(eq(pages.incidentId, incidentId)),
      );
      return row!;
    };
    /** The outbox rows of one page, by idempotency key. */
    const sentFor = async (ws: string, pageId: string) =>
      (
        await database.inWorkspace(ws, (tx) =>
          tx
            .select({ key: outbox.idempotencyKey, channel: outbox.channel, payload: outbox.payload })
            .from(outbox)
            .where(like(outbox.idempotencyKey, `page:${pageId}:%`)),
        )
      ).sort((a, b) => a.key.localeCompare(b.key));
    const fire = async () => {
      for (let i = 0; i < 10 && (await worker.runOnce()).timers > 0; i++);
    };
    const after = async (minutes: number) => {
      clock.advance(minutes * MIN);
      await fire();
    };
    const paged = (log: { users: string[]; skipped?: boolean }[]) =>
      log.map((l) => (l.skipped ? 'skipped' : l.users.join('+')));

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      sofa = await running('SofaCover', 'sofacover-pro');
      shop = await running('ShopSmart', 'shopsmart-pro');
      for (const ws of [sofa, shop]) {
        await addMember(ws, alice, 'tier-1-support', '+14155550101');
        await addMember(ws, bob, 'tier-2-support', '+14155550102');
        await addMember(ws, owner, 'owner');
      }
      worker = new Worker({
        database,
        workerId: `wrk_pg_${engine.name}`,
        timerHandlers: { [PAGE_TIMER]: pageTimerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      dispatcher = new Dispatcher({
        database,
        workerId: `dsp_pg_${engine.name}`,
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        // The notify lane only: deliveries are recorded, not sent (the channels have their own tests).
        lanes: notificationLanes({
          database,
          adapters: [],
          targets: createTargets(database, testKeyService(database), () => clock.now().getTime()),
          now: () => clock.now(),
          publicUrl: 'http://opsbook.test',
          sendTimeoutMs: 3_000,
        }),
      });
    });
    afterAll(async () => {
      await opened?.close();
    });

    it("pages step 0 over the P0 route's channels and in the app, and the deliveries follow", async () => {
      await policy(sofa, { steps: [{ delayMinutes: 5, targets: [`user:${alice}`] }] });
      const incident = await declare(sofa, 'p0');
      const [page] = await start(sofa, incident);
      expect(page).toMatchObject({ status: 'triggered', pass: 0, step: 0 });
      const base = `page:${page!.id}:0:0`;
      const rows = await sentFor(sofa, page!.id);
      // SofaCover "Critical Alerts: Phone, SMS, Slack, Email" (002#19): a notify per person and channel,
      // one Slack post for the step, and the in-app page.
      expect(rows.map((r) => `${r.key} ${r.channel}`)).toEqual(
        [
          `${base}:${alice}:alert-email notify`,
          `${base}:${alice}:alert-phone notify`,
          `${base}:${alice}:alert-sms notify`,
          `${base}:${alice}:in-app in-app`,
          `${base}:channel:support-critical notify`,
        ].sort(),
      );
      expect(rows.find((r) => r.key.endsWith('alert-phone'))!.payload).toMatchObject({
        to: [`user:${alice}`],
        subject: `incident:${incident.number}`,
        level: 'p0',
        route: 'critical-alerts',
      });
      for (let i = 0; i < 5 && (await dispatcher.runOnce()) > 0; i++);
      const deliveries = await database.inWorkspace(sofa, (tx) =>
        tx
          .select({ channel: outbox.channel, recipient: outbox.recipient, payload: outbox.payload })
          .from(outbox)
          .where(like(outbox.idempotencyKey, `${base}:%`)),
      );
      const kinds = deliveries
        .filter((d) => d.channel !== 'notify')
        .map((d) => `${d.channel} ${String((d.payload as { to?: unknown }).to)}`)
        .sort();
      expect(kinds).toEqual(
        [
          `email ${alice}@sofa.test`,
          'in-app ' + alice,
          'slack support-critical',
          'sms +14155550101',
          'voice +14155550101',
        ].sort(),
      );
      const timeline = await database.inWorkspace(sofa, (tx) =>
        readTimeline(tx, `incident:${incident.number}`),
      );
      expect(timeline.map((e) => e.type)).toEqual(['page.started', 'page.paged']);
      expect(timeline[1]!.data).toMatchObject({ users: [alice], pass: 0, step: 0 });
      await database.inWorkspace(sofa, (tx) => stopPagingIn(tx, sofa, incident.id, clock.now()));
    });

    it('waits out each delay, skips an empty step at once, repeats, then is exhausted and tells the owners', async () => {
      await policy(sofa, {
        steps: [
          { delayMinutes: 5, targets: [`user:${alice}`] },
          // Nobody holds the built-in admin role here: skipped, not waited out.
          { delayMinutes: 30, targets: ['role:admin'] },
          { delayMinutes: 10, targets: [`user:${bob}`] },
        ],
        repeat: 1,
      });
      const incident = await declare(sofa, 'p1');
      const [started] = await start(sofa, incident);
      const id = started!.id;
      await after(4);
      expect(paged((await pageOf(sofa, incident.id)).log)).toEqual([alice]);
      await after(1); // T+5: step 1 has nobody, so bob is paged now
      let page = await pageOf(sofa, incident.id);
      expect(paged(page.log)).toEqual([alice, 'skipped', bob]);
      expect(page).toMatchObject({ pass: 0, step: 2, status: 'triggered' });
      const t5 = new Date(Date.parse(START) + 5 * MIN).toISOString();
      expect(page.log.map((l) => l.at)).toEqual([new Date(START).toISOString(), t5, t5]);
      await after(9);
      expect(paged((await pageOf(sofa, incident.id)).log)).toHaveLength(3);
      await after(1); // T+15: the second pass
      await after(5); // T+20
      page = await pageOf(sofa, incident.id);
      expect(paged(page.log)).toEqual([alice, 'skipped', bob, alice, 'skipped', bob]);
      expect(page).toMatchObject({ pass: 1, step: 2, status: 'triggered' });
      await after(10); // T+30: every step paged twice, nobody acknowledged
      page = await pageOf(sofa, incident.id);
      expect(page.status).toBe('exhausted');
      const rows = await sentFor(sofa, id);
      // SofaCover P1 "High Priority: Slack, Email" (002#20): email and in-app per person, Slack per step.
      expect(rows.filter((r) => r.key.includes(':alert-email')).map((r) => r.key)).toEqual([
        `page:${id}:0:0:${alice}:alert-email`,
        `page:${id}:0:2:${bob}:alert-email`,
        `page:${id}:1:0:${alice}:alert-email`,
        `page:${id}:1:2:${bob}:alert-email`,
      ]);
      expect(rows.filter((r) => r.key.includes(':exhausted:')).map((r) => `${r.key} ${r.channel}`)).toEqual([
        `page:${id}:exhausted:${owner}:email email`,
        `page:${id}:exhausted:${owner}:in-app in-app`,
      ]);
      const types = (
        await database.inWorkspace(sofa, (tx) => readTimeline(tx, `incident:${incident.number}`))
      ).map((e) => e.type);
      expect(types).toEqual([
        'page.started',
        'page.paged',
        'page.skipped',
        'page.paged',
        'page.paged',
        'page.skipped',
        'page.paged',
        'page.exhausted',
      ]);
      // Nothing is left to fire.
      const left = await database.inWorkspace(sofa, (tx) =>
        tx
          .select()
          .from(timers)
          .where(eq(timers.key, `page:${id}`)),
      );
      expect(left).toEqual([]);
    });

    it('is exhausted at once when no step has anyone, and pages the next step at once when step 0 has nobody', async () => {
      await policy(sofa, { steps: [{ delayMinutes: 5, targets: ['role:admin'] }], repeat: 3 });
      const empty = await declare(sofa, 'p0');
      const [page] = await start(sofa, empty);
      expect(page!.status).toBe('exhausted');
      expect(paged(page!.log)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
      await policy(sofa, {
        steps: [
          { delayMinutes: 5, targets: ['role:management'] },
          { delayMinutes: 5, targets: [`user:${bob}`] },
        ],
      });
      const next = await declare(sofa, 'p0');
      const [second] = await start(sofa, next);
      expect(paged(second!.log)).toEqual(['skipped', bob]);
      expect(second!.step).toBe(1);
      await database.inWorkspace(sofa, (tx) => stopPagingIn(tx, sofa, next.id, clock.now()));
    });

    it('stops when acknowledged, recording who and when (MTTA), and pages nobody after', async () => {
      await policy(sofa, {
        steps: [
          { delayMinutes: 5, targets: [`user:${alice}`] },
          { delayMinutes: 5, targets: [`user:${bob}`] },
        ],
      });
      const incident = await declare(sofa, 'p0');
      const [started] = await start(sofa, incident);
      await after(3);
      const acked = await database.inWorkspace(sofa, (tx) =>
        acknowledgePageIn(tx, sofa, incident.id, alice, clock.now()),
      );
      expect(acked).toHaveLength(1);
      const page = await pageOf(sofa, incident.id);
      expect(page).toMatchObject({ status: 'acknowledged', acknowledgedBy: alice });
      expect(page.acknowledgedAt!.getTime() - page.createdAt.getTime()).toBe(3 * MIN);
      const before = (await sentFor(sofa, started!.id)).length;
      await after(30);
      expect((await sentFor(sofa, started!.id)).length).toBe(before);
      expect(paged((await pageOf(sofa, incident.id)).log)).toEqual([alice]);
      // A second acknowledgement changes nothing.
      const again = await database.inWorkspace(sofa, (tx) =>
        acknowledgePageIn(tx, sofa, incident.id, bob, clock.now()),
      );
      expect(again).toEqual([]);
      const timeline = await database.inWorkspace(sofa, (tx) =>
        readTimeline(tx, `incident:${incident.number}`),
      );
      expect(timeline.at(-1)).toMatchObject({ type: 'page.acknowledged', actor: `user:${alice}` });
      expect(timeline.at(-1)!.data).toMatchObject({ by: alice, afterMs: 3 * MIN });
    });

    it('stops on resolution, and pages only for the severities a policy names', async () => {
      await policy(sofa, { steps: [{ delayMinutes: 5, targets: [`user:${alice}`] }], severities: ['p0'] });
      const low = await declare(sofa, 'p2');
      expect(await start(sofa, low)).toEqual([]);
      const lowTimeline = await database.inWorkspace(sofa, (tx) =>
        readTimeline(tx, `incident:${low.number}`),
      );
      expect(lowTimeline.map((e) => e.type)).toEqual(['page.none']);
      const high = await declare(sofa, 'p0');
      const [started] = await start(sofa, high);
      await database.inWorkspace(sofa, (tx) => stopPagingIn(tx, sofa, high.id, clock.now()));
      expect((await pageOf(sofa, high.id)).status).toBe('resolved');
      const before = (await sentFor(sofa, started!.id)).length;
      await after(10);
      expect((await sentFor(sofa, started!.id)).length).toBe(before);
      // Starting again for the same incident changes nothing.
      expect(await start(sofa, high)).toEqual([]);
    });

    it('never pages twice for a repeated, late or stale timer', async () => {
      await policy(sofa, {
        steps: [
          { delayMinutes: 5, targets: [`user:${alice}`] },
          { delayMinutes: 5, targets: [`user:${bob}`] },
          { delayMinutes: 5, targets: [`user:${alice}`] },
        ],
      });
      const incident = await declare(sofa, 'p0');
      const [started] = await start(sofa, incident);
      const pageId = started!.id;
      const timer: ClaimedTimer = {
        workspaceId: sofa,
        key: `page:${pageId}`,
        kind: PAGE_TIMER,
        subject: `incident:${incident.number}`,
        runAt: clock.now(),
        payload: { pageId, pass: 0, step: 0 },
        attempts: 1,
      };
      clock.advance(5 * MIN);
      // The same timer handled twice (a redelivery): the second finds the page moved on.
      for (let i = 0; i < 2; i++)
        await database.inWorkspace(sofa, (tx) => pageTimerHandler(tx, timer, { now: clock.now() }));
      expect(paged((await pageOf(sofa, incident.id)).log)).toEqual([alice, bob]);
      const count = (await sentFor(sofa, pageId)).length;
      // A stale copy of the first timer, rescheduled and fired by the worker: nothing happens.
      await database.inWorkspace(sofa, async (tx) => {
        await tx.delete(timers).where(and(eq(timers.workspaceId, sofa), eq(timers.key, `page:${pageId}`)));
        await scheduleTimer(tx, sofa, {
          key: `page:${pageId}:stale`,
          kind: PAGE_TIMER,
          subject: timer.subject,
          runAt: clock.now(),
          payload: timer.payload,
        });
      });
      await fire();
      expect((await sentFor(sofa, pageId)).length).toBe(count);
      expect(paged((await pageOf(sofa, incident.id)).log)).toEqual([alice, bob]);
      // A late timer (the worker was down for an hour) pages the next step once, not every missed one.
      await database.inWorkspace(sofa, (tx) =>
        scheduleTimer(tx, sofa, {
          key: `page:${pageId}`,
          kind: PAGE_TIMER,
          subject: timer.subject,
          runAt: clock.now(),
          payload: { pageId, pass: 0, step: 1 },
        }),
      );
      await after(60);
      expect(paged((await pageOf(sofa, incident.id)).log)).toEqual([alice, bob, alice]);
      await database.inWorkspace(sofa, (tx) => stopPagingIn(tx, sofa, incident.id, clock.now()));
    });

    it('keeps the title of a restricted incident off shared channels', async () => {
      await policy(sofa, { steps: [{ delayMinutes: 5, targets: [`user:${alice}`] }] });
      const incident = await declare(sofa, 'p0', true);
      const [page] = await start(sofa, incident);
      const rows = await sentFor(sofa, page!.id);
      expect(rows.some((r) => r.key.includes(':channel:'))).toBe(false);
      const inApp = rows.find((r) => r.channel === 'in-app')!.payload as { text: string; subject: string };
      expect(`${inApp.subject} ${inApp.text}`).not.toContain(incident.title);
      await database.inWorkspace(sofa, (tx) => stopPagingIn(tx, sofa, incident.id, clock.now()));
    });

    it("pages whoever is on call for ShopSmart's Incident Commander rotation (override first)", async () => {
      const schedule = await createSchedule(
        database,
        shop,
        {
          rotation: 'incident-commander',
          timeZone: 'Asia/Kolkata',
          layers: [
            {
              users: [alice, bob],
              handoff: 'daily',
              handoffTime: '09:00',
              startsAt: '2026-03-01T09:00:00+05:30',
            },
          ],
        },
        clock.now(),
      );
      // The clock is on 2026-03-02 after 09:30 IST: bob's day (the second turn).
      expect(clock.now().getTime()).toBeLessThan(Date.parse('2026-03-03T03:30:00Z'));
      await policy(shop, {
        steps: [
          { delayMinutes: 5, targets: ['rotation:incident-commander'] },
          { delayMinutes: 5, targets: ['role:owner'] },
        ],
      });
      const incident = await declare(shop, 'sev1');
      const [page] = await start(shop, incident);
      expect(paged(page!.log)).toEqual([bob]);
      const rows = await sentFor(shop, page!.id);
      // SOP-003 routes SEV1 to #incident on Slack (incident-slack); the customers' SMS is not a page.
      expect(rows.map((r) => r.channel).sort()).toEqual(['in-app', 'notify']);
      expect(rows.find((r) => r.channel === 'notify')!.payload).toMatchObject({
        channel: 'incident-slack',
        to: [`user:${bob}`],
      });
      await after(5);
      expect(paged((await pageOf(shop, incident.id)).log)).toEqual([bob, owner]);
      await database.inWorkspace(shop, (tx) => stopPagingIn(tx, shop, incident.id, clock.now()));
      // Alice covers bob for an hour: the next incident pages her.
      await createOverride(
        database,
        shop,
        schedule.id,
        { userId: alice, startsAt: clock.now(), endsAt: new Date(clock.now().getTime() + 60 * MIN) },
        { userId: owner, actor: `user:${owner}`, mayCoverOthers: true },
        clock.now(),
      );
      const covered = await declare(shop, 'sev1');
      expect(paged((await start(shop, covered))[0]!.log)).toEqual([alice]);
      await database.inWorkspace(shop, (tx) => stopPagingIn(tx, shop, covered.id, clock.now()));
    });
  });
}
