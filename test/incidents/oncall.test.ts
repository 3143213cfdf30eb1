/**
 * On-call schedules on both engines. `rotation:incident-commander` (ShopSmart 000#68) resolves to everyone
 * holding the rotation's role until the workspace schedules it, then to who is on call (an override
 * first); a schedule with nobody on call at the time resolves to nobody. Through the API (inject), as the
 * demo owner and as an agent: schedules, who is on call now, shifts, the iCalendar feed, overrides (one's
 * own with incidents.write, others' with incidents.manage), escalation policies, and bad input answered
 * with a precise 4xx that changes nothing. The demo seed staffs the rotation and adds a default policy.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRecipients } from '../../src/core/notify/recipients.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { seedDemoOnCall } from '../../src/modules/incidents/oncall-demo.js';
import { createOverride } from '../../src/modules/incidents/oncall-overrides.js';
import { createSchedule, deleteSchedule } from '../../src/modules/incidents/oncall.js';
import { startPagingIn } from '../../src/modules/incidents/paging.js';
import { directoryOf, governingPolicy } from '../../src/modules/notifications/directory.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import {
  escalationPolicies,
  incidents,
  oncallOverrides,
  oncallSchedules,
} from '../../src/store/schema-incidents.js';
import { memberships, users } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`on-call rotations resolve to who is on call: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ws: string;
    const id = (name: string) => `usr_${name}_oc_${engine.name}`;
    const [alice, bob, carol] = [id('alice'), id('bob'), id('carol')];

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database, 'ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, ws, loaded, 'test', new Date('2026-03-01T00:00:00Z'));
      for (const [userId, role] of [
        [alice, 'agent-l1'],
        [bob, 'agent-l1'],
        [carol, 'incident-commander'],
      ] as const) {
        await database.db
          .insert(users)
          .values({ id: userId, email: `${userId}@shop.test`, name: userId })
          .onConflictDoNothing();
        await database.inWorkspace(ws, (tx) =>
          tx.insert(memberships).values({ workspaceId: ws, userId, role }),
        );
      }
    });
    afterAll(async () => {
      await opened?.close();
    });

    const resolveAt = (iso: string) =>
      database.inWorkspace(ws, async (tx) => {
        const policy = await governingPolicy(tx, ws, null);
        const directory = await directoryOf(tx, ws, policy, {}, Date.parse(iso));
        const resolved = resolveRecipients(directory, ['rotation:incident-commander']);
        return { who: resolved.addressees.map((a) => a.userId), why: resolved.unresolved };
      });

    it('falls back to the role holders without a schedule, then follows the schedule and its overrides', async () => {
      expect((await resolveAt('2026-03-02T04:00:00Z')).who).toEqual([carol]);
      const schedule = await createSchedule(
        database,
        ws,
        {
          rotation: 'incident-commander',
          timeZone: 'Europe/London',
          layers: [
            {
              users: [alice, bob],
              handoff: 'daily',
              handoffTime: '09:00',
              startsAt: '2026-03-27T09:00:00Z',
            },
          ],
        },
        new Date('2026-03-01T00:00:00Z'),
      );
      // Before the first turn nobody is on call: that is nobody, not the role.
      expect(await resolveAt('2026-03-02T04:00:00Z')).toEqual({
        who: [],
        why: [expect.stringMatching(/nobody is on call now/)],
      });
      expect((await resolveAt('2026-03-27T12:00:00Z')).who).toEqual([alice]);
      // London springs forward on 2026-03-29: the 09:00 hand-off is at 08:00 UTC that day.
      expect((await resolveAt('2026-03-28T09:00:00Z')).who).toEqual([bob]);
      expect((await resolveAt('2026-03-29T07:59:00Z')).who).toEqual([bob]);
      expect((await resolveAt('2026-03-29T08:00:00Z')).who).toEqual([alice]);
      await createOverride(
        database,
        ws,
        schedule.id,
        {
          userId: carol,
          startsAt: new Date('2026-03-29T10:00:00Z'),
          endsAt: new Date('2026-03-29T12:00:00Z'),
        },
        { userId: null, actor: 'user:test', mayCoverOthers: true },
        new Date('2026-03-01T00:00:00Z'),
      );
      expect((await resolveAt('2026-03-29T11:00:00Z')).who).toEqual([carol]);
      expect((await resolveAt('2026-03-29T12:00:00Z')).who).toEqual([alice]);
      await deleteSchedule(database, ws, schedule.id);
      expect((await resolveAt('2026-03-29T11:00:00Z')).who).toEqual([carol]);
      const left = await database.inWorkspace(ws, (tx) => tx.select().from(oncallOverrides));
      expect(left).toEqual([]);
    });
  });

  describe.runIf(engine.available)(`on-call API: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let ws: string;
    let ownerId: string;
    let agentId: string;
    let owner: Record<string, string>;
    let agent: Record<string, string>;
    const url = (path: string) => `/api/v1/workspaces/${ws}${path}`;
    const call = (
      headers: Record<string, string>,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      path: string,
      payload?: object,
    ) => t.app.inject({ method, url: url(path), headers, ...(payload ? { payload } : {}) });
    const counts = async () =>
      t.database.inWorkspace(ws, async (tx) => ({
        schedules: (await tx.select().from(oncallSchedules)).length,
        overrides: (await tx.select().from(oncallOverrides)).length,
        policies: (await tx.select().from(escalationPolicies)).length,
      }));
    const schedule = (users: string[]) => ({
      rotation: 'incident-commander',
      timeZone: 'Asia/Kolkata',
      layers: [
        {
          users,
          handoff: 'weekly',
          handoffDay: 1,
          handoffTime: '09:00',
          startsAt: '2026-03-02T09:00:00+05:30',
        },
      ],
    });
    let scheduleId = '';

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      const signedIn = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD, '10.44.0.1');
      ws = signedIn.me.workspaces[0]!.id;
      owner = { cookie: signedIn.cookie, 'x-csrf-token': signedIn.csrfToken };
      ownerId = (await t.app.inject({ url: '/api/v1/me', headers: owner })).json<{ user: { id: string } }>()
        .user.id;
      // An L1 agent (incidents.write, not incidents.manage), signing in with the demo password.
      const [hash] = await t.database.db
        .select({ hash: users.passwordHash })
        .from(users)
        .where(eq(users.id, ownerId));
      agentId = `usr_agent_oc_${engine.name}`;
      await t.database.db.insert(users).values({
        id: agentId,
        email: `agent-${engine.name}@oncall.test`,
        name: 'Asha Agent',
        passwordHash: hash!.hash,
      });
      await t.database.inWorkspace(ws, (tx) =>
        tx.insert(memberships).values({ workspaceId: ws, userId: agentId, role: 'agent-l1' }),
      );
      const a = await signInAs(t.app, `agent-${engine.name}@oncall.test`, DEMO_PASSWORD, '10.44.0.2');
      agent = { cookie: a.cookie, 'x-csrf-token': a.csrfToken };
    }, 240_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('seeds the demo: a schedule for the rotation and a default policy, once', async () => {
      await t.database.inWorkspace(ws, (tx) => seedDemoOnCall(tx, ws, 'shopsmart', new Date()));
      await t.database.inWorkspace(ws, (tx) => seedDemoOnCall(tx, ws, 'shopsmart', new Date()));
      expect(await counts()).toMatchObject({ schedules: 1, policies: 1 });
      const now = (await call(owner, 'GET', '/oncall/now')).json<{
        items: { rotation: string; scheduleId: string | null; onCall: { source: string }[] }[];
      }>();
      expect(now.items).toHaveLength(1);
      expect(now.items[0]).toMatchObject({ rotation: 'incident-commander', onCall: [{ source: 'layer' }] });
      // Cleared, so the API tests below start from nothing.
      await t.database.inWorkspace(ws, async (tx) => {
        await tx.delete(oncallSchedules);
        await tx.delete(escalationPolicies);
      });
    });

    it('creates a schedule, says who is on call now and until when, lists shifts and serves them as iCalendar', async () => {
      const created = await call(owner, 'POST', '/oncall/schedules', schedule([ownerId, agentId]));
      expect(created.statusCode, created.body).toBe(201);
      scheduleId = created.json<{ id: string }>().id;
      expect(created.json()).toMatchObject({
        rotation: 'incident-commander',
        name: 'Incident Commander on-call rotation',
      });
      const now = (await call(owner, 'GET', '/oncall/now')).json<{
        items: { rotation: string; onCall: { userId: string; until: string | null }[] }[];
      }>();
      const onCall = now.items.find((i) => i.rotation === 'incident-commander')!.onCall;
      expect(onCall).toHaveLength(1);
      expect([ownerId, agentId]).toContain(onCall[0]!.userId);
      // Weekly on Monday 09:00 IST: the turn ends on a Monday at 03:30 UTC.
      const until = new Date(onCall[0]!.until!);
      expect(until.getUTCDay()).toBe(1);
      expect(until.toISOString().slice(11, 16)).toBe('03:30');

      const shifts = await call(
        owner,
        'GET',
        `/oncall/schedules/${scheduleId}/shifts?from=2026-03-02T00:00:00Z&to=2026-03-23T03:30:00Z`,
      );
      expect(shifts.statusCode, shifts.body).toBe(200);
      expect(shifts.json<{ items: unknown[] }>().items).toEqual([
        {
          userId: ownerId,
          name: 'ShopSmart Pro Owner',
          startsAt: '2026-03-02T03:30:00.000Z',
          endsAt: '2026-03-09T03:30:00.000Z',
          layer: 0,
        },
        {
          userId: agentId,
          name: 'Asha Agent',
          startsAt: '2026-03-09T03:30:00.000Z',
          endsAt: '2026-03-16T03:30:00.000Z',
          layer: 0,
        },
        {
          userId: ownerId,
          name: 'ShopSmart Pro Owner',
          startsAt: '2026-03-16T03:30:00.000Z',
          endsAt: '2026-03-23T03:30:00.000Z',
          layer: 0,
        },
      ]);

      const feed = await call(
        agent,
        'GET',
        `/oncall/schedules/${scheduleId}/calendar.ics?from=2026-03-02T00:00:00Z&to=2026-03-16T00:00:00Z`,
      );
      expect(feed.statusCode).toBe(200);
      expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
      expect(feed.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
      const lines = feed.body.split('\r\n');
      expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
      expect(lines).toContain('DTSTART:20260302T033000Z');
      expect(lines).toContain('DTEND:20260309T033000Z');
      expect(lines).toContain('DTEND:20260316T000000Z');
      expect(lines.filter((l) => l.startsWith('UID:'))).toHaveLength(2);
      for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    });

    it('lets an agent cover themselves but not others, and the owner cover anyone', async () => {
      const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
      const own = await call(agent, 'POST', `/oncall/schedules/${scheduleId}/overrides`, {
        userId: agentId,
        startsAt: at(1),
        endsAt: at(2),
      });
      expect(own.statusCode, own.body).toBe(201);
      const before = await counts();
      const others = await call(agent, 'POST', `/oncall/schedules/${scheduleId}/overrides`, {
        userId: ownerId,
        startsAt: at(3),
        endsAt: at(4),
      });
      expect(others.statusCode).toBe(403);
      expect(others.json()).toMatchObject({ code: 'OPS_FORBIDDEN' });
      const byOwner = await call(owner, 'POST', `/oncall/schedules/${scheduleId}/overrides`, {
        userId: agentId,
        startsAt: at(3),
        endsAt: at(4),
      });
      expect(byOwner.statusCode, byOwner.body).toBe(201);
      expect((await counts()).overrides).toBe(before.overrides + 1);
      // The agent cannot remove the owner's... but may remove their own.
      const listed = (
        await call(agent, 'GET', `/oncall/schedules/${scheduleId}/overrides?from=${at(0)}&to=${at(10)}`)
      ).json<{
        items: { id: string; userId: string; createdBy: string }[];
      }>().items;
      expect(listed).toHaveLength(2);
      const theirs = listed.find((o) => o.createdBy === `user:${agentId}`)!;
      expect(
        (await call(agent, 'DELETE', `/oncall/schedules/${scheduleId}/overrides/${theirs.id}`)).statusCode,
      ).toBe(204);
      // The owner's override of the agent is the agent's own cover: theirs to remove too.
      const other = listed.find((o) => o.id !== theirs.id)!;
      expect(other.userId).toBe(agentId);
      expect(
        (await call(agent, 'DELETE', `/oncall/schedules/${scheduleId}/overrides/${other.id}`)).statusCode,
      ).toBe(204);
      // Setting up schedules is incidents.manage: the agent is refused and nothing changes.
      const put = await call(agent, 'PUT', `/oncall/schedules/${scheduleId}`, schedule([agentId]));
      expect(put.statusCode).toBe(403);
    });

    it('answers bad schedules and overrides with a precise 4xx that changes nothing', async () => {
      const before = await counts();
      const problem = async (
        method: 'POST' | 'PUT' | 'GET',
        path: string,
        body: object | undefined,
        status: number,
        pointer?: string,
      ) => {
        const r = await call(owner, method, path, body);
        expect(r.statusCode, `${method} ${path}: ${r.body}`).toBe(status);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        if (pointer)
          expect(r.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toContain(pointer);
        return r.json<{ code: string }>();
      };
      // Unknown users, named by place.
      await problem(
        'PUT',
        `/oncall/schedules/${scheduleId}`,
        schedule([ownerId, 'usr_nobody']),
        400,
        '/body/layers/0/users/1',
      );
      // A schedule with no users, or no layers.
      await problem('PUT', `/oncall/schedules/${scheduleId}`, schedule([]), 400, '/body/layers/0/users');
      await problem(
        'PUT',
        `/oncall/schedules/${scheduleId}`,
        { ...schedule([ownerId]), layers: [] },
        400,
        '/body/layers',
      );
      // Nonsense times and zones.
      const bad = schedule([ownerId]);
      await problem(
        'PUT',
        `/oncall/schedules/${scheduleId}`,
        { ...bad, timeZone: 'Mars/Olympus' },
        400,
        '/body/timeZone',
      );
      await problem(
        'PUT',
        `/oncall/schedules/${scheduleId}`,
        { ...bad, layers: [{ ...bad.layers[0]!, restrict: { from: '09:00', to: '09:00' } }] },
        400,
        '/body/layers/0/restrict',
      );
      await problem(
        'PUT',
        `/oncall/schedules/${scheduleId}`,
        { ...bad, layers: [{ ...bad.layers[0]!, handoffTime: '25:00' }] },
        400,
        '/body/layers/0/handoffTime',
      );
      await problem('POST', '/oncall/schedules', { ...bad, rotation: 'night-watch' }, 400, '/body/rotation');
      // One schedule per rotation.
      expect((await problem('POST', '/oncall/schedules', bad, 409)).code).toBe('OPS_CONFLICT');
      // Overrides that end before they start, are over already, or overlap the same person's cover.
      const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
      const overrides = `/oncall/schedules/${scheduleId}/overrides`;
      await problem(
        'POST',
        overrides,
        { userId: ownerId, startsAt: at(2), endsAt: at(1) },
        400,
        '/body/endsAt',
      );
      await problem(
        'POST',
        overrides,
        { userId: ownerId, startsAt: at(-3), endsAt: at(-2) },
        400,
        '/body/endsAt',
      );
      await problem(
        'POST',
        overrides,
        { userId: 'usr_nobody', startsAt: at(1), endsAt: at(2) },
        400,
        '/body/userId',
      );
      await call(owner, 'POST', overrides, { userId: ownerId, startsAt: at(5), endsAt: at(7) });
      const mid = await counts();
      expect(
        (await problem('POST', overrides, { userId: ownerId, startsAt: at(6), endsAt: at(8) }, 409)).code,
      ).toBe('OPS_CONFLICT');
      expect(await counts()).toEqual(mid);
      // Ranges that run backwards or too far; ids of nothing.
      await problem(
        'GET',
        `/oncall/schedules/${scheduleId}/shifts?from=2026-03-10T00:00:00Z&to=2026-03-01T00:00:00Z`,
        undefined,
        400,
        '/querystring/to',
      );
      await problem(
        'GET',
        `/oncall/schedules/${scheduleId}/shifts?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z`,
        undefined,
        400,
        '/querystring/to',
      );
      await problem('GET', `/oncall/schedules/${scheduleId}/shifts?from=yesterday`, undefined, 400);
      await problem('GET', '/oncall/schedules/onc_nothing', undefined, 404);
      await problem(
        'POST',
        '/oncall/schedules/onc_nothing/overrides',
        { userId: ownerId, startsAt: at(1), endsAt: at(2) },
        404,
      );
      expect({ ...(await counts()), overrides: mid.overrides }).toEqual({
        ...before,
        overrides: mid.overrides,
      });
      const stored = (await call(owner, 'GET', `/oncall/schedules/${scheduleId}`)).json<{
        layers: { users: string[] }[];
      }>();
      expect(stored.layers[0]!.users).toEqual([ownerId, agentId]);
    });

    it('keeps escalation policies: create, read, replace, delete, and refuses what cannot be paged', async () => {
      const body = {
        name: 'SEV1 commander first',
        steps: [
          { delayMinutes: 5, targets: ['rotation:incident-commander'] },
          { delayMinutes: 10, targets: ['role:owner', `user:${agentId}`, 'contact:cto'] },
        ],
        repeat: 2,
        severities: ['sev1', 'sev2'],
      };
      const created = await call(owner, 'POST', '/escalation-policies', body);
      expect(created.statusCode, created.body).toBe(201);
      const policyId = created.json<{ id: string }>().id;
      expect((await call(agent, 'GET', `/escalation-policies/${policyId}`)).json()).toMatchObject(body);
      expect((await call(agent, 'POST', '/escalation-policies', body)).statusCode).toBe(403);
      const replaced = await call(owner, 'PUT', `/escalation-policies/${policyId}`, { ...body, repeat: 0 });
      expect(replaced.json()).toMatchObject({ repeat: 0 });
      const before = await counts();
      const refused = async (patch: object, pointer: string) => {
        const r = await call(owner, 'POST', '/escalation-policies', { ...body, ...patch });
        expect(r.statusCode, r.body).toBe(400);
        expect(r.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toContain(pointer);
      };
      await refused(
        { steps: [{ delayMinutes: 5, targets: ['rotation:night-watch'] }] },
        '/body/steps/0/targets/0',
      );
      await refused(
        { steps: [{ delayMinutes: 5, targets: ['user:usr_nobody'] }] },
        '/body/steps/0/targets/0',
      );
      await refused({ steps: [{ delayMinutes: 5, targets: ['role:wizard'] }] }, '/body/steps/0/targets/0');
      await refused(
        { steps: [{ delayMinutes: 5, targets: ['tier:l1-support'] }] },
        '/body/steps/0/targets/0',
      );
      await refused({ steps: [{ delayMinutes: 0, targets: ['role:owner'] }] }, '/body/steps/0/delayMinutes');
      await refused({ steps: [] }, '/body/steps');
      await refused({ severities: ['p0'] }, '/body/severities/0');
      await refused({ repeat: 100 }, '/body/repeat');
      expect(await counts()).toEqual(before);
      expect(
        (await call(owner, 'GET', '/escalation-policies')).json<{ items: unknown[] }>().items,
      ).toHaveLength(1);
      expect((await call(owner, 'DELETE', `/escalation-policies/${policyId}`)).statusCode).toBe(204);
      expect((await call(owner, 'GET', `/escalation-policies/${policyId}`)).statusCode).toBe(404);
    });

    it("shows a page's state, and hides a restricted incident's pages from those who may not see it", async () => {
      const policy = await call(owner, 'POST', '/escalation-policies', {
        name: 'Everyone',
        steps: [{ delayMinutes: 5, targets: ['rotation:incident-commander'] }],
      });
      expect(policy.statusCode, policy.body).toBe(201);
      const now = new Date();
      const [open, secret] = await t.database.inWorkspace(ws, async (tx) => {
        const rows = [];
        for (const [n, restricted] of [
          [801, false],
          [802, true],
        ] as const) {
          const incident = {
            id: `inc_oc_${engine.name}_${n}`,
            number: n,
            severity: 'sev1',
            title: `Checkout ${n}`,
            restricted,
          };
          await tx.insert(incidents).values({
            ...incident,
            workspaceId: ws,
            status: 'declared',
            declaredBy: 'user:test',
            detectedAt: now,
          });
          rows.push((await startPagingIn(tx, ws, incident, now))[0]!);
        }
        return rows;
      });
      const listed = await call(agent, 'GET', '/pages?incident=801');
      expect(listed.statusCode, listed.body).toBe(200);
      expect(
        listed.json<{ items: { id: string; status: string; log: { users: string[] }[] }[] }>().items,
      ).toEqual([
        expect.objectContaining({
          id: open!.id,
          status: 'triggered',
          log: [expect.objectContaining({ step: 0, pass: 0 })],
        }),
      ]);
      const one = await call(agent, 'GET', `/pages/${open!.id}`);
      expect(one.json()).toMatchObject({
        incidentNumber: 801,
        policyName: 'Everyone',
        timeToAcknowledgeMs: null,
      });
      // The agent holds no role on the security incident and lacks security-incidents.read.
      expect((await call(agent, 'GET', '/pages?incident=802')).statusCode).toBe(404);
      expect((await call(agent, 'GET', `/pages/${secret!.id}`)).statusCode).toBe(404);
      expect((await call(owner, 'GET', `/pages/${secret!.id}`)).statusCode).toBe(200);
      expect((await call(owner, 'GET', '/pages/pg_nothing')).statusCode).toBe(404);
      // A policy paging for an open incident cannot be deleted from under it.
      const del = await call(owner, 'DELETE', `/escalation-policies/${policy.json<{ id: string }>().id}`);
      expect(del.statusCode).toBe(409);
    });
  });
}
