/**
 * Health checks on both engines against real local HTTP and TCP servers that go down and come back: the
 * expected status, the latency threshold, the keyword, failure and recovery thresholds, the alert and the
 * status-page component following the check, maintenance holding the alert back until the window ends,
 * SSRF refusal when saved and again at connect time (DNS rebinding), the drift-free schedule with missed
 * slots counted, a run dropped when its check changed meanwhile, retention, and the live loop handing its
 * leases back. Scheduling runs on a manual clock through `runDue()`; the live loop on the real one.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { OpsError } from '../../src/errors/catalog.js';
import { HealthCheckScheduler } from '../../src/intake/health-checks.js';
import { checkUptime } from '../../src/modules/monitoring/check-history.js';
import { setCheckPaused } from '../../src/modules/monitoring/check-actions.js';
import { createCheck, updateCheck, type CheckInput } from '../../src/modules/monitoring/checks.js';
import { claimDueChecks, extendCheckLeases, releaseChecks } from '../../src/modules/monitoring/claims.js';
import { monitoringContext, type MonitoringContext } from '../../src/modules/monitoring/context.js';
import { importPackMonitors } from '../../src/modules/monitoring/pack-import.js';
import { recordRuns } from '../../src/modules/monitoring/record-runs.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import {
  alerts,
  checkDays,
  checkResults,
  checkStatusChanges,
  healthChecks,
  maintenanceWindows,
  statusComponents,
} from '../../src/store/schema-incidents.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const SEC = 1000;
const LOOPBACK = ['127.0.0.1/32'];

type Mode = 'ok' | 'error' | 'slow' | 'degraded';

/** A real HTTP server whose answer the test sets, that can be stopped and started again on its port. */
class TestHttpServer {
  mode: Mode = 'ok';
  requests = 0;
  private server: HttpServer | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = createHttpServer((req, res) => {
      this.requests++;
      const answer = () => {
        if (this.mode === 'error') res.writeHead(503).end('unavailable');
        else
          res
            .writeHead(200, { 'content-type': 'text/plain' })
            .end(this.mode === 'degraded' ? 'status: degraded' : 'status: healthy');
      };
      if (this.mode === 'slow') setTimeout(answer, 300);
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/health`;
  }
}

class TestTcpServer {
  private server: TcpServer | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`health checks: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let ctx: MonitoringContext;
    let scheduler: HealthCheckScheduler;
    let ws: string;
    const web = new TestHttpServer();
    const tcp = new TestTcpServer();

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      const base = {
        database,
        engine: new Engine(database, clock),
        now: () => clock.now(),
        publicUrl: 'http://opsbook.test',
      };
      ctx = monitoringContext(base, LOOPBACK);
      scheduler = new HealthCheckScheduler({ ctx, workerId: `wrk_checks_${engine.name}` });
      ws = await createWorkspace(database, 'SofaCover');
      const loaded = await loadPack('packs/sofacover-pro');
      if (!loaded.ok) throw new Error('sofacover-pro does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
      await database.inWorkspace(ws, (tx) =>
        tx.insert(statusComponents).values([
          { id: 'storefront', workspaceId: ws, name: 'Storefront' },
          { id: 'database', workspaceId: ws, name: 'Database' },
        ]),
      );
      await web.start();
      await tcp.start();
    });
    afterAll(async () => {
      await web.stop();
      await tcp.stop();
      await opened?.close();
    });

    const http = (more: Partial<CheckInput> = {}): CheckInput => ({
      name: 'Storefront',
      kind: 'http',
      target: web.url,
      intervalMs: 30 * SEC,
      ...more,
    });
    const row = async (id: string) =>
      (
        await database.inWorkspace(ws, (tx) => tx.select().from(healthChecks).where(eq(healthChecks.id, id)))
      )[0]!;
    const alertOf = async (id: string) =>
      database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(alerts)
          .where(eq(alerts.dedupKey, `check:${id}`))
          .orderBy(alerts.createdAt),
      );
    const component = async (id: string) =>
      (
        await database.inWorkspace(ws, (tx) =>
          tx.select().from(statusComponents).where(eq(statusComponents.id, id)),
        )
      )[0]!.status;
    /** Moves to the check's next slot and runs what is due. */
    const tick = async (ms = 30 * SEC) => {
      clock.advance(ms);
      return scheduler.runDue();
    };
    /** Pauses every check made by earlier tests, so each test's ticks run its own only. */
    const quiet = async () => {
      const ids = await database.inWorkspace(ws, (tx) =>
        tx.select({ id: healthChecks.id }).from(healthChecks).where(eq(healthChecks.enabled, true)),
      );
      for (const { id } of ids) await setCheckPaused(ctx, ws, id, true, 'test');
    };

    it('an HTTP check goes down after its failure threshold, alerts and marks its component; recovery resolves both', async () => {
      web.mode = 'ok';
      const check = await createCheck(
        ctx,
        ws,
        http({ component: 'storefront', failureThreshold: 2 }),
        'test',
      );
      expect(check.status).toBe('unknown');
      expect((await scheduler.runDue()).recorded).toBe(1);
      expect((await row(check.id)).status).toBe('up');

      web.mode = 'error';
      await tick();
      let r = await row(check.id);
      expect(r.status).toBe('up'); // one failure of two
      expect(r.consecutiveFailures).toBe(1);
      expect(r.lastError).toBe('HTTP 503, expected a 2xx status');
      await tick();
      r = await row(check.id);
      expect(r.status).toBe('down');
      expect(r.alerting).toBe(true);
      const [opened1] = await alertOf(check.id);
      expect(opened1).toMatchObject({
        status: 'firing',
        source: `check:${check.id}`,
        severity: expect.any(String),
      });
      expect(opened1!.summary).toBe('Storefront is down: HTTP 503, expected a 2xx status');
      expect(await component('storefront')).toBe('major-outage');

      web.mode = 'ok';
      await tick();
      r = await row(check.id);
      expect(r.status).toBe('up');
      expect(r.alerting).toBe(false);
      expect((await alertOf(check.id)).map((a) => a.status)).toEqual(['resolved']);
      expect(await component('storefront')).toBe('operational');

      const results = await database.inWorkspace(ws, (tx) =>
        tx.select().from(checkResults).where(eq(checkResults.checkId, check.id)).orderBy(checkResults.at),
      );
      expect(results.map((x) => [x.ok, x.statusCode])).toEqual([
        [true, 200],
        [false, 503],
        [false, 503],
        [true, 200],
      ]);
      const changes = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(checkStatusChanges)
          .where(eq(checkStatusChanges.checkId, check.id))
          .orderBy(checkStatusChanges.id),
      );
      expect(changes.map((c) => c.status)).toEqual(['unknown', 'up', 'down', 'up']);
      // Down from the second failure (T+60 s) to the recovery (T+90 s): 30 s of the 90 s monitored.
      const uptime = await checkUptime(database, ws, check.id, clock.now());
      expect(uptime.downSeconds['24h']).toBe(30);
      expect(uptime.uptime['24h']).toBeCloseTo(60 / 90, 6);
      expect(uptime.days).toEqual([expect.objectContaining({ day: '2026-03-02', runs: 4, failures: 2 })]);
      await quiet();
    });

    it('a server that stops listening is down (refused) and up again when it listens on its port again', async () => {
      const check = await createCheck(ctx, ws, http({ failureThreshold: 1 }), 'test');
      await scheduler.runDue();
      await web.stop();
      await tick();
      const r = await row(check.id);
      expect(r.status).toBe('down');
      expect(r.lastError).toMatch(/refused the connection \(ECONNREFUSED\)/);
      await web.start();
      await tick();
      expect((await row(check.id)).status).toBe('up');
      await quiet();
    });

    it('fails a run slower than the latency threshold, and one whose answer lacks the keyword', async () => {
      const slow = await createCheck(ctx, ws, http({ latencyThresholdMs: 100, failureThreshold: 1 }), 'test');
      const keyword = await createCheck(ctx, ws, http({ keyword: 'healthy', failureThreshold: 1 }), 'test');
      web.mode = 'slow';
      await scheduler.runDue();
      expect((await row(slow.id)).lastError).toMatch(/^answered in \d+ ms, over the 100 ms threshold$/);
      expect((await row(slow.id)).status).toBe('down');
      expect((await row(keyword.id)).status).toBe('up'); // slow but healthy: no threshold of its own
      web.mode = 'degraded';
      await tick();
      expect((await row(keyword.id)).lastError).toBe('the answer does not contain "healthy"');
      expect((await row(keyword.id)).status).toBe('down');
      expect((await row(slow.id)).status).toBe('up');
      web.mode = 'ok';
      await quiet();
    });

    it('a TCP check connects; a closed port is down, reopened it is up', async () => {
      const check = await createCheck(
        ctx,
        ws,
        {
          name: 'Database',
          kind: 'tcp',
          target: `127.0.0.1:${tcp.port}`,
          intervalMs: 30 * SEC,
          failureThreshold: 1,
          component: 'database',
        },
        'test',
      );
      await scheduler.runDue();
      expect((await row(check.id)).status).toBe('up');
      await tcp.stop();
      await tick();
      expect((await row(check.id)).status).toBe('down');
      expect(await component('database')).toBe('major-outage');
      await tcp.start();
      await tick();
      expect((await row(check.id)).status).toBe('up');
      expect(await component('database')).toBe('operational');
      await quiet();
    });

    it('holds the alert back during a maintenance window of its component, and raises it when the window ends', async () => {
      const check = await createCheck(
        ctx,
        ws,
        http({ component: 'storefront', failureThreshold: 1 }),
        'test',
      );
      await scheduler.runDue();
      const now = clock.now().getTime();
      await database.inWorkspace(ws, (tx) =>
        tx.insert(maintenanceWindows).values({
          id: `mnt_${engine.name}`,
          workspaceId: ws,
          title: 'Storefront upgrade',
          startsAt: new Date(now),
          endsAt: new Date(now + 100 * SEC),
          components: ['storefront'],
          createdBy: 'test',
        }),
      );
      web.mode = 'error';
      await tick();
      expect((await row(check.id)).status).toBe('down');
      expect((await row(check.id)).alerting).toBe(false);
      expect(await alertOf(check.id)).toEqual([]);
      expect(await component('storefront')).not.toBe('major-outage');
      await tick(); // T+60: still inside the window
      expect(await alertOf(check.id)).toEqual([]);
      await tick(); // T+90
      await tick(); // T+120: the window ended at T+100, the check is still down
      expect((await row(check.id)).alerting).toBe(true);
      expect((await alertOf(check.id)).map((a) => a.status)).toEqual(['firing']);
      web.mode = 'ok';
      await tick();
      expect((await alertOf(check.id)).map((a) => a.status)).toEqual(['resolved']);
      await quiet();
    });

    it('refuses private, loopback and metadata targets when saved, naming the field (S5)', async () => {
      const strict = monitoringContext(ctx, []);
      for (const target of [
        web.url,
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:7f00:1]/',
        'http://localhost:8080/',
        'http://2130706433/',
      ]) {
        const refused = await createCheck(strict, ws, http({ target }), 'test').catch((e: unknown) => e);
        expect(refused, target).toBeInstanceOf(OpsError);
        expect((refused as OpsError).code).toBe('OPS_VALIDATION');
        expect((refused as OpsError).errors?.[0]?.pointer).toBe('/body/target');
      }
      const tcpRefused = await createCheck(
        strict,
        ws,
        { name: 'db', kind: 'tcp', target: '10.0.0.5:5432' },
        'test',
      ).catch((e: unknown) => e);
      expect((tcpRefused as OpsError).errors?.[0]?.message).toMatch(/10\.0\.0\.5 is private/);
      const badTcp = await createCheck(
        strict,
        ws,
        { name: 'db', kind: 'tcp', target: 'db.example.com' },
        'test',
      ).catch((e: unknown) => e);
      expect((badTcp as OpsError).errors?.[0]?.message).toMatch(/host:port/);
    });

    it('vets the address again at connect time: a name that now resolves to loopback is never reached (rebinding)', async () => {
      let answer = '93.184.216.34';
      const rebinding = monitoringContext(ctx, [], async () => [{ address: answer, family: 4 }]);
      const target = `http://status.example.test:${web.port}/health`;
      const check = await createCheck(rebinding, ws, http({ target, failureThreshold: 1 }), 'test');
      answer = '127.0.0.1';
      const before = web.requests;
      const rebound = new HealthCheckScheduler({ ctx: rebinding, workerId: `wrk_rebind_${engine.name}` });
      await rebound.runDue();
      const r = await row(check.id);
      expect(r.status).toBe('down');
      expect(r.lastError).toMatch(/resolves to 127\.0\.0\.1, loopback; checks of it are refused/);
      expect(web.requests).toBe(before);
      await quiet();
    });

    it('keeps to its slots; a check that fell behind skips to the next slot and counts the missed ones', async () => {
      const check = await createCheck(ctx, ws, http(), 'test');
      const slot = clock.now().getTime();
      await scheduler.runDue();
      expect((await row(check.id)).nextRunAt.getTime()).toBe(slot + 30 * SEC);
      clock.advance(30 * SEC + 400); // a late start does not move the grid
      await scheduler.runDue();
      expect((await row(check.id)).nextRunAt.getTime()).toBe(slot + 60 * SEC);
      clock.set(new Date(slot + 60 * SEC + 95 * SEC)); // the scheduler was away for 95 s
      const run = await scheduler.runDue();
      expect(run.missed).toBe(3); // slots +90, +120 and +150 s
      const r = await row(check.id);
      expect(r.missedRuns).toBe(3);
      expect(r.nextRunAt.getTime()).toBe(slot + 180 * SEC);
      await quiet();
    });

    it('takes its interval from the pack check it implements (SofaCover: every 30 s, 002#15)', async () => {
      const imported = await importPackMonitors(ctx, ws, 'test');
      expect(imported.skipped).toContainEqual({
        kind: 'check',
        id: 'health-checks',
        reason: expect.stringMatching(/names no target/),
      });
      const check = await createCheck(
        ctx,
        ws,
        { name: 'Health', kind: 'http', target: web.url, packCheck: 'health-checks' },
        'test',
      );
      expect(check.intervalMs).toBe(30 * SEC);
      expect(check.packCheck).toBe('health-checks');
      const wrong = await createCheck(
        ctx,
        ws,
        { name: 'x', kind: 'tcp', target: `127.0.0.1:${tcp.port}`, packCheck: 'health-checks' },
        'test',
      ).catch((e: unknown) => e);
      expect((wrong as OpsError).errors).toEqual([
        { pointer: '/body/kind', message: "the pack's health-checks is a http check" },
      ]);
      await quiet();
    });

    it('drops a run whose check was changed while it ran, and records nothing of it', async () => {
      const check = await createCheck(ctx, ws, http(), 'test');
      const workerId = `wrk_drop_${engine.name}`;
      const claimed = await claimDueChecks(database, workerId, 100, 30, clock.now());
      const mine = claimed.find((c) => c.id === check.id)!;
      expect(mine).toBeDefined();
      await updateCheck(ctx, ws, check.id, { name: 'Storefront (new)' }, 'test');
      const outcome = { statusCode: 200, latencyMs: 5, body: 'ok', error: null };
      const recorded = await recordRuns(
        ctx,
        ws,
        workerId,
        [{ check: mine, startedAt: clock.now(), outcome }],
        clock.now(),
      );
      expect(recorded).toEqual({ recorded: 0, dropped: 1, missed: 0, changes: 0 });
      const results = await database.inWorkspace(ws, (tx) =>
        tx.select().from(checkResults).where(eq(checkResults.checkId, check.id)),
      );
      expect(results).toEqual([]);
      await quiet();
    });

    it('extends the leases of the checks a scheduler holds only, so one whose run it dropped is claimed again', async () => {
      const [held, dropped] = [
        await createCheck(ctx, ws, http(), 'test'),
        await createCheck(ctx, ws, http(), 'test'),
      ];
      const first = `wrk_lease_a_${engine.name}`;
      const claimed = await claimDueChecks(database, first, 100, 30, clock.now());
      expect(claimed.map((c) => c.id)).toEqual(expect.arrayContaining([held.id, dropped.id]));
      // 20 s later the first scheduler still holds `held` (its run was recorded, say) but let go of `dropped`.
      clock.advance(20 * SEC);
      await extendCheckLeases(database, first, [held.id], 30, clock.now());
      clock.advance(15 * SEC);
      const second = await claimDueChecks(database, `wrk_lease_b_${engine.name}`, 100, 30, clock.now());
      expect(second.map((c) => c.id)).toContain(dropped.id);
      expect(second.map((c) => c.id)).not.toContain(held.id);
      await releaseChecks(database, first);
      await releaseChecks(database, `wrk_lease_b_${engine.name}`);
      await quiet();
    });

    it('purges raw results past their retention and keeps status changes and day roll-ups', async () => {
      const check = await createCheck(ctx, ws, http(), 'test');
      await scheduler.runDue();
      clock.advance(49 * 3600 * SEC);
      const purged = await scheduler.purge();
      expect(purged.results).toBeGreaterThanOrEqual(1);
      const left = await database.inWorkspace(ws, async (tx) => ({
        results: await tx.select().from(checkResults).where(eq(checkResults.checkId, check.id)),
        changes: await tx.select().from(checkStatusChanges).where(eq(checkStatusChanges.checkId, check.id)),
        days: await tx.select().from(checkDays).where(eq(checkDays.checkId, check.id)),
      }));
      expect(left.results).toEqual([]);
      expect(left.changes.length).toBe(2);
      expect(left.days.length).toBe(1);
      await quiet();
    });

    it('a paused check is not run and its alert is resolved; resumed, it runs at once', async () => {
      web.mode = 'error';
      const check = await createCheck(ctx, ws, http({ failureThreshold: 1 }), 'test');
      await scheduler.runDue();
      expect((await row(check.id)).alerting).toBe(true);
      const paused = await setCheckPaused(ctx, ws, check.id, true, 'user:test');
      expect(paused).toMatchObject({ status: 'paused', paused: true, alerting: false });
      expect((await alertOf(check.id)).map((a) => a.status)).toEqual(['resolved']);
      const before = web.requests;
      await tick();
      expect(web.requests).toBe(before);
      web.mode = 'ok';
      await setCheckPaused(ctx, ws, check.id, false, 'user:test');
      await scheduler.runDue();
      expect((await row(check.id)).status).toBe('up');
      await quiet();
    });
  });

  describe.runIf(engine.available)(`health-check scheduler, live: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    const web = new TestHttpServer();

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      await web.start();
    });
    afterAll(async () => {
      await web.stop();
      await opened?.close();
    });

    it('runs checks at their slots until stopped, then hands every lease back', async () => {
      const now = () => new Date();
      const clock = { now: () => null };
      const ctx = monitoringContext(
        { database, engine: new Engine(database, clock), now, publicUrl: 'http://opsbook.test' },
        LOOPBACK,
      );
      const ws = await createWorkspace(database, 'Live');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          (
            await createCheck(
              ctx,
              ws,
              { name: `c${i}`, kind: 'http', target: web.url, intervalMs: 1_000 },
              'test',
            )
          ).id,
        );
      const started: number[] = [];
      const scheduler = new HealthCheckScheduler({
        ctx,
        workerId: `wrk_live_${engine.name}`,
        pollIntervalMs: 100,
        lookaheadMs: 500,
        flushIntervalMs: 50,
        observe: (e) => {
          if (e.type === 'check.started') started.push(e.lateMs);
        },
      });
      scheduler.start();
      const count = async () =>
        Number(
          (
            await database.inWorkspace(ws, (tx) =>
              tx
                .select({ n: sql<number>`count(*)` })
                .from(checkResults)
                .where(eq(checkResults.workspaceId, ws)),
            )
          )[0]!.n,
        );
      const deadline = Date.now() + 30_000;
      while ((await count()) < 15 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await scheduler.stop();
      expect(await count()).toBeGreaterThanOrEqual(15);
      const rows = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(healthChecks)
          .where(and(eq(healthChecks.workspaceId, ws))),
      );
      expect(rows.every((r) => r.lockedBy === null && r.status === 'up')).toBe(true);
      // Each check's slots stay on its grid: whole seconds from its first slot.
      for (const r of rows) expect((r.nextRunAt.getTime() - r.createdAt.getTime()) % 1_000).toBe(0);
      console.log(
        `RESULT monitors-live engine=${engine.name} runs=${started.length} late_max_ms=${Math.max(...started)}`,
      );
    });
  });
}
