/**
 * The monitoring admin API through inject(), on both engines: health checks (create, list, read, change,
 * run now, pause and resume, results, uptime, delete) and their validation (a field list for each bad
 * field, a private target refused with 400 and nothing written: S5), heartbeats' ping URL shown once,
 * "import from pack", and who may do what (reading needs records.read, changing incidents.manage).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`monitoring API: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Awaited<ReturnType<typeof signInAs>>;
    let base = '';
    let readToken = '';

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD);
      base = `/api/v1/workspaces/${owner.me.workspaces[0]!.id}`;
      const minted = await call('POST', '/tokens', { name: 'monitoring-read', scope: 'read' });
      expect(minted.statusCode).toBe(201);
      readToken = minted.json<{ token: string }>().token;
    });
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) {
      return t.app.inject({
        method,
        url: `${base}${path}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        ...(payload ? { payload } : {}),
      });
    }
    const checks = async () => (await call('GET', '/checks')).json<{ items: { id: string }[] }>().items;

    it('creates a check with the defaults, lists it, reads it, changes it and deletes it', async () => {
      const created = await call('POST', '/checks', {
        name: 'Public API',
        kind: 'http',
        target: 'https://8.8.8.8/health',
        packCheck: 'health-checks',
      });
      expect(created.statusCode, created.body).toBe(201);
      const check = created.json<{
        id: string;
        intervalMs: number;
        timeoutMs: number;
        failureThreshold: number;
        status: string;
      }>();
      expect(check).toMatchObject({
        intervalMs: 30_000,
        timeoutMs: 10_000,
        failureThreshold: 2,
        status: 'unknown',
      });
      expect(check.id).toMatch(/^chk_/);
      expect((await checks()).map((c) => c.id)).toContain(check.id);
      const read = await call('GET', `/checks/${check.id}`);
      expect(read.json<{ name: string }>().name).toBe('Public API');
      const changed = await call('PATCH', `/checks/${check.id}`, { keyword: 'ok', latencyThresholdMs: 2000 });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ keyword: 'ok', latencyThresholdMs: 2000, intervalMs: 30_000 });
      const paused = await call('POST', `/checks/${check.id}/pause`);
      expect(paused.json()).toMatchObject({ status: 'paused', paused: true });
      const run = await call('POST', `/checks/${check.id}/run`);
      expect(run.statusCode).toBe(409);
      const resumed = await call('POST', `/checks/${check.id}/resume`);
      expect(resumed.json()).toMatchObject({ status: 'unknown', paused: false });
      expect((await call('POST', `/checks/${check.id}/run`)).statusCode).toBe(200);
      const results = await call('GET', `/checks/${check.id}/results?limit=10`);
      expect(results.json()).toEqual({ items: [], next: null });
      const uptime = await call('GET', `/checks/${check.id}/uptime`);
      expect(uptime.statusCode).toBe(200);
      expect(uptime.json()).toMatchObject({ uptime: { '24h': null, '90d': null }, days: [] });
      expect((await call('DELETE', `/checks/${check.id}`)).statusCode).toBe(204);
      expect((await call('GET', `/checks/${check.id}`)).statusCode).toBe(404);
    });

    it('refuses a private, loopback or metadata target with 400 on /body/target, and writes nothing (S5)', async () => {
      const before = (await checks()).length;
      for (const target of [
        'http://127.0.0.1:3000/healthz',
        'http://169.254.169.254/latest/meta-data/',
        'http://10.1.2.3/',
      ]) {
        const r = await call('POST', '/checks', { name: 'Internal', kind: 'http', target });
        expect(r.statusCode, target).toBe(400);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        const problem = r.json<Problem>();
        expect(problem.code).toBe('OPS_VALIDATION');
        expect(problem.errors?.[0]?.pointer).toBe('/body/target');
        expect(problem.errors?.[0]?.message).toMatch(/OPSBOOK_OUTBOUND_ALLOW/);
      }
      const tcp = await call('POST', '/checks', { name: 'Redis', kind: 'tcp', target: '192.168.1.10:6379' });
      expect(tcp.statusCode).toBe(400);
      expect((await checks()).length).toBe(before);
    });

    it('lists every bad field at once with a precise pointer', async () => {
      const bad = await call('POST', '/checks', {
        name: '',
        kind: 'ftp',
        target: 'https://8.8.8.8/',
        intervalMs: 500,
        extra: true,
      });
      expect(bad.statusCode).toBe(400);
      const pointers = bad.json<Problem>().errors!.map((e) => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['/body/name', '/body/kind', '/body/intervalMs']));
      const tcpKeyword = await call('POST', '/checks', {
        name: 'Redis',
        kind: 'tcp',
        target: '8.8.8.8:6379',
        keyword: 'PONG',
        intervalMs: 10_000,
        timeoutMs: 20_000,
        component: 'no-such-component',
      });
      expect(tcpKeyword.statusCode).toBe(400);
      expect(
        tcpKeyword
          .json<Problem>()
          .errors!.map((e) => e.pointer)
          .sort(),
      ).toEqual(['/body/component', '/body/keyword', '/body/timeoutMs']);
      const pack = await call('POST', '/checks', {
        name: 'x',
        kind: 'http',
        target: 'https://8.8.8.8/',
        packCheck: 'nope',
      });
      expect(pack.json<Problem>().errors?.[0]).toMatchObject({
        pointer: '/body/packCheck',
        message: expect.stringMatching(/health-checks/),
      });
      expect((await call('GET', '/checks/chk_nope')).statusCode).toBe(404);
      expect((await call('PATCH', '/checks/chk_nope', { name: 'x' })).statusCode).toBe(404);
    });

    it('shows a heartbeat ping URL once, and imports the pack monitors (SofaCover names no check URL)', async () => {
      const made = await call('POST', '/heartbeats', {
        name: 'Nightly export',
        schedule: '0 2 * * *',
        timeZone: 'UTC',
      });
      expect(made.statusCode, made.body).toBe(201);
      const body = made.json<{
        heartbeat: { id: string; graceMs: number; periodMs: number | null };
        pingUrl: string;
      }>();
      expect(body.heartbeat).toMatchObject({ graceMs: 3_600_000, periodMs: null });
      expect(body.pingUrl).toMatch(/\/ping\/hbp_/);
      const read = await call('GET', `/heartbeats/${body.heartbeat.id}`);
      expect(read.body).not.toContain(body.pingUrl.split('/ping/')[1]!);
      const list = await call('GET', '/heartbeats?status=new');
      expect(list.json<{ items: { id: string }[] }>().items.map((h) => h.id)).toContain(body.heartbeat.id);
      const imported = await call('POST', '/monitors/import');
      expect(imported.statusCode).toBe(200);
      expect(imported.json()).toMatchObject({
        heartbeats: [],
        checks: [],
        skipped: expect.arrayContaining([expect.objectContaining({ kind: 'check', id: 'health-checks' })]),
      });
      expect((await call('DELETE', `/heartbeats/${body.heartbeat.id}`)).statusCode).toBe(204);
    });

    it("answers 404 to another workspace's owner for every check and heartbeat route, and changes nothing (S1)", async () => {
      const check = (
        await call('POST', '/checks', { name: 'Mine', kind: 'http', target: 'https://8.8.8.8/' })
      ).json<{ id: string }>();
      const hb = (await call('POST', '/heartbeats', { name: 'Mine' })).json<{ heartbeat: { id: string } }>()
        .heartbeat;
      const other = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD, '10.9.0.1');
      const otherBase = `/api/v1/workspaces/${other.me.workspaces[0]!.id}`;
      const asOther = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
        t.app.inject({
          method,
          url: `${otherBase}${path}`,
          headers: { cookie: other.cookie, 'x-csrf-token': other.csrfToken },
          ...(payload ? { payload } : {}),
        });
      const attempts = [
        asOther('GET', `/checks/${check.id}`),
        asOther('PATCH', `/checks/${check.id}`, { name: 'Theirs' }),
        asOther('POST', `/checks/${check.id}/pause`),
        asOther('POST', `/checks/${check.id}/run`),
        asOther('GET', `/checks/${check.id}/results`),
        asOther('GET', `/checks/${check.id}/uptime`),
        asOther('DELETE', `/checks/${check.id}`),
        asOther('GET', `/heartbeats/${hb.id}`),
        asOther('PATCH', `/heartbeats/${hb.id}`, { name: 'Theirs' }),
        asOther('POST', `/heartbeats/${hb.id}/token`),
        asOther('GET', `/heartbeats/${hb.id}/pings`),
        asOther('DELETE', `/heartbeats/${hb.id}`),
      ];
      for (const r of await Promise.all(attempts)) expect(r.statusCode, r.body).toBe(404);
      expect(
        (await asOther('GET', '/checks')).json<{ items: { id: string }[] }>().items.map((c) => c.id),
      ).not.toContain(check.id);
      expect((await call('GET', `/checks/${check.id}`)).json()).toMatchObject({
        name: 'Mine',
        paused: false,
      });
      expect((await call('GET', `/heartbeats/${hb.id}`)).json()).toMatchObject({ name: 'Mine' });
    });

    it('lets a read token read and refuses it every change (403)', async () => {
      const asReader = (method: 'GET' | 'POST', path: string, payload?: object) =>
        t.app.inject({
          method,
          url: `${base}${path}`,
          headers: { authorization: `Bearer ${readToken}` },
          ...(payload ? { payload } : {}),
        });
      expect((await asReader('GET', '/checks')).statusCode).toBe(200);
      expect((await asReader('GET', '/heartbeats')).statusCode).toBe(200);
      const create = await asReader('POST', '/checks', {
        name: 'x',
        kind: 'http',
        target: 'https://8.8.8.8/',
      });
      expect(create.statusCode).toBe(403);
      expect((await asReader('POST', '/heartbeats', { name: 'x' })).statusCode).toBe(403);
      expect((await asReader('POST', '/monitors/import')).statusCode).toBe(403);
    });
  });
}
