/**
 * Heartbeats on both engines with a clock that moves only when told, driven by the real worker and its
 * durable timers: period + grace (up, late, down, the next ping resolving the alert), a cron schedule in
 * a zone across the March DST change, `/start` without a success within the grace, `/fail` and exit
 * statuses, pauses, a maintenance window holding the alert back until it ends, a restarted worker firing
 * the timer, ShopSmart's backup-completion heartbeat from its pack (000#91), and the public ping URLs
 * through the HTTP app (GET, POST with a log, HEAD, 404, rate limit).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { Worker } from '../../src/engine/worker.js';
import type { OpsError } from '../../src/errors/catalog.js';
import { monitoringContext, type MonitoringContext } from '../../src/modules/monitoring/context.js';
import { HEARTBEAT_TIMER } from '../../src/modules/monitoring/heartbeat-state.js';
import {
  createHeartbeat,
  getHeartbeat,
  setHeartbeatPaused,
  updateHeartbeat,
  type HeartbeatInput,
} from '../../src/modules/monitoring/heartbeats.js';
import { importPackMonitors, seedDemoMonitoring } from '../../src/modules/monitoring/pack-import.js';
import { heartbeatTimerHandler, listPings, receivePing } from '../../src/modules/monitoring/pings.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import {
  alerts,
  heartbeats,
  maintenanceWindows,
  statusComponents,
} from '../../src/store/schema-incidents.js';
import { timers } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const MIN = 60_000;
const HOUR = 60 * MIN;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`heartbeats: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let ctx: MonitoringContext;
    let ws: string;
    let workers = 0;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      ctx = monitoringContext(
        {
          database,
          engine: new Engine(database, clock),
          now: () => clock.now(),
          publicUrl: 'http://opsbook.test/',
        },
        [],
      );
      ws = await createWorkspace(database, 'ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
      await database.inWorkspace(ws, (tx) =>
        tx.insert(statusComponents).values({ id: 'backups', workspaceId: ws, name: 'Backups' }),
      );
    });
    afterAll(async () => {
      await opened?.close();
    });

    /** A fresh worker each time, as after a restart: the timers are rows, not memory. */
    const fire = async () => {
      const worker = new Worker({
        database,
        workerId: `wrk_hb_${engine.name}_${++workers}`,
        timerHandlers: { [HEARTBEAT_TIMER]: heartbeatTimerHandler(ctx) },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      for (let i = 0; i < 10 && (await worker.runOnce()).timers > 0; i++);
    };
    const at = async (instant: string | number) => {
      clock.set(new Date(instant));
      await fire();
    };
    const make = async (input: Partial<HeartbeatInput> = {}) => {
      const made = await createHeartbeat(ctx, ws, { name: 'Nightly backup', ...input }, 'test');
      const token = made.pingUrl.split('/ping/')[1]!;
      expect(made.pingUrl).toBe(`http://opsbook.test/ping/${token}`);
      return { id: made.heartbeat.id, token };
    };
    const status = async (id: string) => (await getHeartbeat(database, ws, id)).status;
    const alertsOf = async (id: string) =>
      (
        await database.inWorkspace(ws, (tx) =>
          tx
            .select()
            .from(alerts)
            .where(eq(alerts.dedupKey, `heartbeat:${id}`))
            .orderBy(alerts.createdAt),
        )
      ).map((a) => a.status);
    const ping = (token: string, kind: 'success' | 'start' | 'fail' | 'log' = 'success', body?: string) =>
      receivePing(ctx, token, { kind, body });

    it('period + grace: up, late when the period passes, down after the grace with an alert; the next ping resolves it', async () => {
      clock.set(START);
      const t0 = clock.now().getTime();
      const { id, token } = await make({ periodMs: HOUR, graceMs: 10 * MIN, component: 'backups' });
      expect(await status(id)).toBe('new');
      expect(await ping(token)).toBe(true);
      expect(await status(id)).toBe('up');
      expect((await getHeartbeat(database, ws, id)).downAt).toBe(new Date(t0 + 70 * MIN).toISOString());
      await at(t0 + 59 * MIN);
      expect(await status(id)).toBe('up');
      await at(t0 + 60 * MIN);
      expect(await status(id)).toBe('late');
      expect(await alertsOf(id)).toEqual([]);
      await at(t0 + 70 * MIN - 1);
      expect(await status(id)).toBe('late');
      await at(t0 + 70 * MIN);
      expect(await status(id)).toBe('down');
      expect(await alertsOf(id)).toEqual(['firing']);
      const [alert] = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(alerts)
          .where(eq(alerts.dedupKey, `heartbeat:${id}`)),
      );
      expect(alert!.summary).toBe('Nightly backup is down: no ping came within its period and grace time');
      const component = async () =>
        (
          await database.inWorkspace(ws, (tx) =>
            tx.select().from(statusComponents).where(eq(statusComponents.id, 'backups')),
          )
        )[0]!.status;
      expect(await component()).toBe('major-outage');
      clock.advance(5 * MIN);
      await ping(token, 'success', 'backup done, 2.1 GB');
      expect(await status(id)).toBe('up');
      expect(await alertsOf(id)).toEqual(['resolved']);
      expect(await component()).toBe('operational');
      const pings = await listPings(database, ws, id, { limit: 10 });
      expect(pings.items.map((p) => [p.kind, p.body])).toEqual([
        ['success', 'backup done, 2.1 GB'],
        ['success', null],
      ]);
    });

    it('a new heartbeat waits for its first ping: no timer, never late', async () => {
      clock.set(START);
      const { id } = await make({ periodMs: HOUR, graceMs: MIN });
      await at(new Date(START).getTime() + 48 * HOUR);
      expect(await status(id)).toBe('new');
      const left = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(timers)
          .where(eq(timers.key, `heartbeat:${id}`)),
      );
      expect(left).toEqual([]);
    });

    it('a cron schedule in a zone expects 09:00 local on both sides of the DST change', async () => {
      // Saturday 7 March 2026 09:05 EST (UTC-5); New York moves to EDT (UTC-4) on Sunday 8 March.
      clock.set('2026-03-07T14:05:00Z');
      const { id, token } = await make({
        schedule: '0 9 * * *',
        timeZone: 'America/New_York',
        graceMs: 30 * MIN,
      });
      await ping(token);
      expect((await getHeartbeat(database, ws, id)).downAt).toBe('2026-03-08T13:30:00.000Z'); // 09:30 EDT
      await at('2026-03-08T12:59:59Z');
      expect(await status(id)).toBe('up');
      await at('2026-03-08T13:00:00Z');
      expect(await status(id)).toBe('late');
      await at('2026-03-08T13:30:00Z');
      expect(await status(id)).toBe('down');
      await ping(token);
      expect((await getHeartbeat(database, ws, id)).downAt).toBe('2026-03-09T13:30:00.000Z');
      const bad = await createHeartbeat(ctx, ws, { name: 'x', schedule: '0 25 * * *' }, 'test').catch(
        (e: unknown) => e,
      );
      expect((bad as OpsError).errors?.[0]?.pointer).toBe('/body/schedule');
      const zone = await createHeartbeat(
        ctx,
        ws,
        { name: 'x', schedule: '0 2 * * *', timeZone: 'Mars/Base' },
        'test',
      ).catch((e: unknown) => e);
      expect((zone as OpsError).errors?.[0]?.pointer).toBe('/body/timeZone');
    });

    it('a start not followed by a success within the grace is down; a finished run records its duration', async () => {
      clock.set(START);
      const t0 = clock.now().getTime();
      const { id, token } = await make({ periodMs: 24 * HOUR, graceMs: 20 * MIN });
      await ping(token);
      clock.set(new Date(t0 + HOUR));
      await ping(token, 'start');
      expect(await status(id)).toBe('started');
      clock.set(new Date(t0 + HOUR + 7 * MIN));
      await ping(token);
      const [done] = (await listPings(database, ws, id, { limit: 1 })).items;
      expect(done).toMatchObject({ kind: 'success', durationMs: 7 * MIN });
      clock.set(new Date(t0 + 2 * HOUR));
      await ping(token, 'start');
      await at(t0 + 2 * HOUR + 20 * MIN - 1);
      expect(await status(id)).toBe('started');
      await at(t0 + 2 * HOUR + 20 * MIN);
      expect(await status(id)).toBe('down');
      const [alert] = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(alerts)
          .where(eq(alerts.dedupKey, `heartbeat:${id}`)),
      );
      expect(alert!.summary).toMatch(/a run started and did not succeed within its grace time/);
      await ping(token);
      expect(await alertsOf(id)).toEqual(['resolved']);
    });

    it('/fail is down at once and the next success is up; /log changes nothing', async () => {
      clock.set(START);
      const { id, token } = await make({ periodMs: HOUR, graceMs: 5 * MIN });
      await ping(token);
      await ping(token, 'log', 'halfway');
      expect(await status(id)).toBe('up');
      await ping(token, 'fail', 'exit 2: disk full');
      expect(await status(id)).toBe('down');
      expect(await alertsOf(id)).toEqual(['firing']);
      await ping(token);
      expect(await status(id)).toBe('up');
      expect(await alertsOf(id)).toEqual(['resolved']);
    });

    it('paused: nothing is expected and an open alert is resolved; a ping resumes it', async () => {
      clock.set(START);
      const t0 = clock.now().getTime();
      const { id, token } = await make({ periodMs: HOUR, graceMs: 5 * MIN });
      await ping(token, 'fail');
      expect(await alertsOf(id)).toEqual(['firing']);
      const paused = await setHeartbeatPaused(ctx, ws, id, true, 'user:test');
      expect(paused).toMatchObject({ status: 'paused', paused: true, alerting: false });
      expect(await alertsOf(id)).toEqual(['resolved']);
      await at(t0 + 10 * HOUR);
      expect(await status(id)).toBe('paused');
      await ping(token);
      expect((await getHeartbeat(database, ws, id)).paused).toBe(false);
      expect(await status(id)).toBe('up');
    });

    it('a down heartbeat under maintenance raises its alert when the window ends', async () => {
      clock.set(START);
      const t0 = clock.now().getTime();
      const { id, token } = await make({ periodMs: HOUR, graceMs: 5 * MIN, component: 'backups' });
      await ping(token);
      await database.inWorkspace(ws, (tx) =>
        tx.insert(maintenanceWindows).values({
          id: `mnt_hb_${engine.name}`,
          workspaceId: ws,
          title: 'Backup storage migration',
          startsAt: new Date(t0 + 30 * MIN),
          endsAt: new Date(t0 + 2 * HOUR),
          components: ['backups'],
          createdBy: 'test',
        }),
      );
      await at(t0 + 65 * MIN);
      expect(await status(id)).toBe('down');
      expect(await alertsOf(id)).toEqual([]);
      await at(t0 + 2 * HOUR);
      expect(await alertsOf(id)).toEqual(['firing']);
      await ping(token);
      expect(await alertsOf(id)).toEqual(['resolved']);
    });

    it('a changed period moves the late and down instants of a heartbeat waiting for its ping', async () => {
      clock.set(START);
      const t0 = clock.now().getTime();
      const { id, token } = await make({ periodMs: HOUR, graceMs: 5 * MIN });
      await ping(token);
      const changed = await updateHeartbeat(ctx, ws, id, { periodMs: 3 * HOUR }, 'test');
      expect(changed.downAt).toBe(new Date(t0 + 3 * HOUR + 5 * MIN).toISOString());
      await at(t0 + 2 * HOUR);
      expect(await status(id)).toBe('up');
      const both = await updateHeartbeat(
        ctx,
        ws,
        id,
        { periodMs: HOUR, schedule: '0 * * * *' },
        'test',
      ).catch((e: unknown) => e);
      expect((both as OpsError).errors?.[0]?.pointer).toBe('/body/schedule');
    });

    it("imports ShopSmart's backup-completion heartbeat from its pack once (000#91)", async () => {
      const first = await importPackMonitors(ctx, ws, 'user:test');
      expect(first.heartbeats).toHaveLength(1);
      expect(first.heartbeats[0]!.heartbeat).toMatchObject({
        name: 'Backup completion',
        packHeartbeat: 'backup-completion',
        periodMs: 24 * HOUR,
        graceMs: HOUR,
        status: 'new',
      });
      expect(first.heartbeats[0]!.pingUrl).toMatch(/^http:\/\/opsbook\.test\/ping\/hbp_[A-Za-z0-9_-]{32}$/);
      const again = await importPackMonitors(ctx, ws, 'user:test');
      expect(again.heartbeats).toEqual([]);
    });

    it('seeds the demo with the pack heartbeats, once', async () => {
      const demo = await createWorkspace(database, 'Demo ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, demo, loaded, 'test', clock.now());
      for (let i = 0; i < 2; i++)
        await database.inWorkspace(demo, (tx) => seedDemoMonitoring(tx, demo, 'shopsmart', clock.now()));
      const rows = await database.inWorkspace(demo, (tx) => tx.select().from(heartbeats));
      expect(rows.map((r) => [r.packHeartbeat, r.status, r.periodMs])).toEqual([
        ['backup-completion', 'new', 24 * HOUR],
      ]);
    });
  });

  describe.runIf(engine.available)(`heartbeat ping URLs over HTTP: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let token = '';
    let heartbeatId = '';
    let base = '';
    let owner: Awaited<ReturnType<typeof signInAs>>;

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
      base = `/api/v1/workspaces/${owner.me.workspaces[0]!.id}`;
      const r = await t.app.inject({
        method: 'POST',
        url: `${base}/heartbeats`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        payload: { name: 'Nightly backup', periodMs: 86_400_000, graceMs: 3_600_000 },
      });
      expect(r.statusCode, r.body).toBe(201);
      const made = r.json<{ heartbeat: { id: string }; pingUrl: string }>();
      token = made.pingUrl.split('/ping/')[1]!;
      heartbeatId = made.heartbeat.id;
    });
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    const pings = async () => {
      const r = await t.app.inject({
        url: `${base}/heartbeats/${heartbeatId}/pings`,
        headers: { cookie: owner.cookie },
      });
      return r.json<{ items: { kind: string; body: string | null }[] }>().items;
    };

    it('answers OK as text to GET, POST (keeping the body as the log) and HEAD, and records each', async () => {
      const get = await t.app.inject({ url: `/ping/${token}` });
      expect(get.statusCode).toBe(200);
      expect(get.headers['content-type']).toMatch(/^text\/plain/);
      expect(get.body).toBe('OK');
      const post = await t.app.inject({
        method: 'POST',
        url: `/ping/${token}/start`,
        headers: { 'content-type': 'application/json' },
        payload: '{"job":"backup","note":"not parsed"}',
      });
      expect(post.statusCode).toBe(200);
      const head = await t.app.inject({ method: 'HEAD', url: `/ping/${token}` });
      expect(head.statusCode).toBe(200);
      const fail = await t.app.inject({
        method: 'POST',
        url: `/ping/${token}/1`,
        headers: { 'content-type': 'text/plain' },
        payload: 'exit 1',
      });
      expect(fail.statusCode).toBe(200);
      expect((await pings()).map((p) => [p.kind, p.body])).toEqual([
        ['fail', 'exit 1'],
        ['success', null],
        ['start', '{"job":"backup","note":"not parsed"}'],
        ['success', null],
      ]);
      const r = await t.app.inject({
        url: `${base}/heartbeats/${heartbeatId}`,
        headers: { cookie: owner.cookie },
      });
      expect(r.json<{ status: string }>().status).toBe('down');
      await t.app.inject({ url: `/ping/${token}/0` });
      const back = await t.app.inject({
        url: `${base}/heartbeats/${heartbeatId}`,
        headers: { cookie: owner.cookie },
      });
      expect(back.json<{ status: string }>().status).toBe('up');
    });

    it("keeps a log with a NUL or a lone surrogate (a job's raw output) instead of refusing the ping", async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: `/ping/${token}`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: Buffer.from('tar: a\u0000b \ud800 done', 'utf8'),
      });
      expect(r.statusCode, r.body).toBe(200);
      const [latest] = await pings();
      expect(latest?.kind).toBe('success');
      expect(latest?.body).toMatch(/^tar: a\uFFFDb .* done$/);
    });

    it('answers 404 for an unknown token and 400 for an unknown signal, recording nothing', async () => {
      const before = (await pings()).length;
      const unknown = await t.app.inject({ url: '/ping/hbp_not-a-real-token' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
      const signal = await t.app.inject({ url: `/ping/${token}/reboot` });
      expect(signal.statusCode).toBe(400);
      expect(signal.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/params/signal');
      const status = await t.app.inject({ url: `/ping/${token}/256` });
      expect(status.statusCode).toBe(400);
      expect((await pings()).length).toBe(before);
    });

    it('a replaced ping URL stops working at once', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: `${base}/heartbeats/${heartbeatId}/token`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      });
      expect(r.statusCode).toBe(200);
      const fresh = r.json<{ pingUrl: string }>().pingUrl.split('/ping/')[1]!;
      expect((await t.app.inject({ url: `/ping/${token}` })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/ping/${fresh}` })).statusCode).toBe(200);
      token = fresh;
    });

    it('rate-limits each ping URL to 60 a minute (429), without touching another', async () => {
      const other = await t.app.inject({
        method: 'POST',
        url: `${base}/heartbeats`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        payload: { name: 'Hourly export', periodMs: 3_600_000 },
      });
      const otherToken = other.json<{ pingUrl: string }>().pingUrl.split('/ping/')[1]!;
      const codes: number[] = [];
      for (let i = 0; i < 62; i++) codes.push((await t.app.inject({ url: `/ping/${token}/log` })).statusCode);
      expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
      expect(codes.filter((c) => c === 200).length).toBeLessThanOrEqual(60);
      expect((await t.app.inject({ url: `/ping/${otherToken}` })).statusCode).toBe(200);
      const rows = await opened.database.inWorkspace(owner.me.workspaces[0]!.id, (tx) =>
        tx
          .select()
          .from(timers)
          .where(and(eq(timers.key, `heartbeat:${heartbeatId}`))),
      );
      expect(rows).toHaveLength(1); // the durable timer of the heartbeat, set by its pings
    });
  });
}
