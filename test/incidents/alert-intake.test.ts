/**
 * Alert intake over HTTP (inject), on both engines: integrations and their tokens, Alertmanager's webhook,
 * PagerDuty's Events API v2 with the payloads of its public documentation, the generic JSON format, the
 * alerts API, and bad input: unknown and disabled tokens, malformed payloads, 10,000 alerts in one request
 * and one more, a flood from one integration (S9) while another goes on, and tokens kept out of the log.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { demoIntegrationToken, seedDemoAlerts } from '../../src/modules/incidents/integrations.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { buildTestApp, secretIn, signInAs, type TestApp } from '../support/app.js';

/** PagerDuty's documented example trigger (developer docs, "Send an Alert Event"), routing key aside. */
const PD_TRIGGER = {
  payload: {
    summary: 'Example alert on host1.example.com',
    timestamp: '2015-07-17T08:42:58.315+0000',
    source: 'monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003',
    severity: 'info',
    component: 'postgres',
    group: 'prod-datapipe',
    class: 'deploy',
    custom_details: { 'ping time': '1500ms', 'load avg': 0.75 },
  },
  routing_key: 'samplekeyhere',
  dedup_key: 'samplekeyhere',
  images: [
    {
      src: 'https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png',
      href: 'https://example.com/',
      alt: 'Example text',
    },
  ],
  links: [{ href: 'https://example.com/', text: 'Link text' }],
  event_action: 'trigger',
  client: 'Sample Monitoring Service',
  client_url: 'https://monitoring.example.com',
};

/** An Alertmanager webhook (version 4) as Alertmanager 0.2x sends it. */
function alertmanagerBody(
  status: 'firing' | 'resolved',
  alerts: { name: string; fp: string; service?: string }[],
) {
  return {
    receiver: 'opsbook',
    status,
    alerts: alerts.map((a) => ({
      status,
      labels: {
        alertname: a.name,
        severity: 'critical',
        service: a.service ?? 'checkout',
        instance: 'web-1',
      },
      annotations: { summary: `${a.name} on web-1`, description: 'More detail' },
      startsAt: '2026-03-02T04:00:00.123456789Z',
      endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-03-02T04:10:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up+%3D%3D+0',
      fingerprint: a.fp,
    })),
    groupLabels: { alertname: alerts[0]!.name },
    commonLabels: { severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="CheckoutDown"}',
    truncatedAlerts: 0,
  };
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`alert intake over HTTP: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let app: FastifyInstance;
    let owner: Awaited<ReturnType<typeof signInAs>>;
    let ws: string;
    const logLines: string[] = [];

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database, logLines });
      app = t.app;
      owner = await signInAs(app, 'owner@shopsmart.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces[0]!.id;
    });
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    const tokens: string[] = [];
    const asOwner = () => ({ cookie: owner.cookie, 'x-csrf-token': owner.csrfToken });
    const call = (options: InjectOptions) => app.inject(options);
    async function integration(kind: string, settings?: object) {
      const r = await call({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/integrations`,
        headers: asOwner(),
        payload: {
          kind,
          name: `${kind} ${Math.random().toString(36).slice(2, 6)}`,
          ...(settings ? { settings } : {}),
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      const created = r.json<{
        integration: { id: string; enabled: boolean };
        token: string;
        setup: { url: string };
      }>();
      tokens.push(created.token);
      return created;
    }
    const alertsOf = async (query = '') => {
      const limit = query.includes('limit=') ? '' : 'limit=200';
      const r = await call({ url: `/api/v1/workspaces/${ws}/alerts?${limit}${query}`, headers: asOwner() });
      expect(r.statusCode, r.body).toBe(200);
      return r.json<{ items: Record<string, unknown>[]; next: string | null }>();
    };
    const incident = async (number: number) => {
      const r = await call({ url: `/api/v1/workspaces/${ws}/incidents/${number}`, headers: asOwner() });
      expect(r.statusCode, r.body).toBe(200);
      return r.json<{ incident: { status: string; severity: string; resolvedAt: string | null } }>();
    };

    it('manages integrations: the token is shown once, rotated, disabled and deleted', async () => {
      const created = await integration('alertmanager');
      expect(created.token).toMatch(/^opsi_[A-Za-z0-9_-]{27}$/);
      expect(created.setup.url).toMatch(/\/api\/v1\/intake\/alertmanager$/);
      const list = await call({ url: `/api/v1/workspaces/${ws}/integrations`, headers: asOwner() });
      expect(list.body).not.toContain(created.token);
      expect(list.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(
        created.integration.id,
      );

      const post = (token: string) =>
        call({
          method: 'POST',
          url: '/api/v1/intake/alertmanager',
          headers: { authorization: `Bearer ${token}` },
          payload: alertmanagerBody('firing', [{ name: 'Rotate', fp: 'rot1', service: 'rot' }]),
        });
      expect((await post(created.token)).statusCode).toBe(202);
      const rotated = await call({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/integrations/${created.integration.id}/token`,
        headers: asOwner(),
      });
      const newToken = rotated.json<{ token: string }>().token;
      expect(newToken).not.toBe(created.token);
      const old = await post(created.token);
      expect(old.statusCode).toBe(401);
      expect(old.json()).toMatchObject({
        code: 'OPS_UNAUTHENTICATED',
        detail: expect.stringContaining('rotated'),
      });
      expect((await post(newToken)).statusCode).toBe(202);

      const disabled = await call({
        method: 'PATCH',
        url: `/api/v1/workspaces/${ws}/integrations/${created.integration.id}`,
        headers: asOwner(),
        payload: { enabled: false },
      });
      expect(disabled.json()).toMatchObject({ enabled: false });
      const refused = await post(newToken);
      expect(refused.statusCode).toBe(401);
      expect(refused.json<{ detail: string }>().detail).toContain('disabled');
      const byPath = await call({
        method: 'POST',
        url: `/api/v1/intake/alertmanager/${newToken}`,
        payload: alertmanagerBody('firing', [{ name: 'Rotate', fp: 'rot1' }]),
      });
      expect(byPath.statusCode).toBe(404);

      const deleted = await call({
        method: 'DELETE',
        url: `/api/v1/workspaces/${ws}/integrations/${created.integration.id}`,
        headers: asOwner(),
      });
      expect(deleted.statusCode).toBe(204);
      expect((await post(newToken)).statusCode).toBe(401);
      const again = await call({
        method: 'DELETE',
        url: `/api/v1/workspaces/${ws}/integrations/${created.integration.id}`,
        headers: asOwner(),
      });
      expect(again.statusCode).toBe(404);
    });

    it('takes Alertmanager webhooks by bearer token or token in the URL: alerts, incident, resolution', async () => {
      const { token } = await integration('alertmanager');
      const firing = await call({
        method: 'POST',
        url: '/api/v1/intake/alertmanager',
        headers: { authorization: `Bearer ${token}` },
        payload: alertmanagerBody('firing', [
          { name: 'CheckoutDown', fp: 'fp-a' },
          { name: 'CheckoutSlow', fp: 'fp-b' },
        ]),
      });
      expect(firing.statusCode, firing.body).toBe(202);
      const result = firing.json<{ opened: number; incidents: number[] }>();
      expect(result).toMatchObject({ accepted: 2, opened: 2 });
      expect(result.incidents).toHaveLength(1);
      const number = result.incidents[0]!;
      expect((await incident(number)).incident).toMatchObject({ severity: 'sev1', resolvedAt: null });
      const listed = await alertsOf(`&incident=${number}`);
      expect(listed.items.map((a) => a.dedupKey).sort()).toEqual(['fp-a', 'fp-b']);
      expect(listed.items[0]).toMatchObject({
        status: 'firing',
        severity: 'sev1',
        service: 'checkout',
        labels: { alertname: expect.any(String), severity: 'critical' },
        details: { generatorURL: expect.stringContaining('prometheus') },
        startedAt: '2026-03-02T04:00:00.123Z',
      });

      // The resolution, this time with the token in the path.
      const resolved = await call({
        method: 'POST',
        url: `/api/v1/intake/alertmanager/${token}`,
        payload: alertmanagerBody('resolved', [
          { name: 'CheckoutDown', fp: 'fp-a' },
          { name: 'CheckoutSlow', fp: 'fp-b' },
        ]),
      });
      expect(resolved.statusCode, resolved.body).toBe(202);
      expect(resolved.json()).toMatchObject({ resolved: 2 });
      expect((await incident(number)).incident).toMatchObject({ status: 'resolved' });
      // The token in the path never reached the log.
      expect(logLines.filter((l) => l.includes(token))).toEqual([]);
    });

    it("speaks PagerDuty's Events API v2 with its documented payloads and answers", async () => {
      const { token } = await integration('pagerduty');
      const url = '/api/v1/intake/pagerduty/v2/enqueue';
      const trigger = await call({ method: 'POST', url, payload: { ...PD_TRIGGER, routing_key: token } });
      expect(trigger.statusCode, trigger.body).toBe(202);
      expect(trigger.json()).toEqual({
        status: 'success',
        message: 'Event processed',
        dedup_key: 'samplekeyhere',
      });
      const [stored] = (await alertsOf('&dedupKey=samplekeyhere')).items;
      expect(stored).toMatchObject({
        summary: 'Example alert on host1.example.com',
        severity: 'sev4',
        incident: null, // info opens no incident
        labels: { alertname: 'deploy', component: 'postgres', group: 'prod-datapipe' },
        details: { custom_details: { 'load avg': 0.75 }, links: [{ text: 'Link text' }] },
        startedAt: '2015-07-17T08:42:58.315Z',
      });

      const ack = await call({
        method: 'POST',
        url,
        payload: { routing_key: token, dedup_key: 'samplekeyhere', event_action: 'acknowledge' },
      });
      expect(ack.json()).toEqual({
        status: 'success',
        message: 'Event processed',
        dedup_key: 'samplekeyhere',
      });
      expect((await alertsOf('&dedupKey=samplekeyhere')).items[0]).toMatchObject({ status: 'acknowledged' });
      const resolve = await call({
        method: 'POST',
        url,
        payload: { routing_key: token, dedup_key: 'samplekeyhere', event_action: 'resolve' },
      });
      expect(resolve.statusCode).toBe(202);
      expect((await alertsOf('&status=resolved&dedupKey=samplekeyhere')).items).toHaveLength(1);

      // No dedup_key: one is made and returned, and a resolve with it closes the alert.
      const noKey: Record<string, unknown> = { ...PD_TRIGGER };
      delete noKey.dedup_key;
      const generated = await call({
        method: 'POST',
        url,
        payload: { ...noKey, routing_key: token, payload: { ...PD_TRIGGER.payload, severity: 'critical' } },
      });
      const key = generated.json<{ dedup_key: string }>().dedup_key;
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      const [critical] = (await alertsOf(`&dedupKey=${key}`)).items;
      expect(critical).toMatchObject({ severity: 'sev1', incident: { number: expect.any(Number) } });

      const invalid = await call({
        method: 'POST',
        url,
        payload: {
          routing_key: token,
          event_action: 'trigger',
          payload: { summary: 'x', severity: 'fatal' },
        },
      });
      expect(invalid.statusCode).toBe(400);
      const problem = invalid.json<{
        status: string;
        message: string;
        errors: string[];
        fields: { pointer: string }[];
      }>();
      expect(problem).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
      expect(problem.fields.map((f) => f.pointer).sort()).toEqual([
        '/body/payload/severity',
        '/body/payload/source',
      ]);
      expect(problem.errors.join('\n')).toContain("'payload.severity'");
      const noAction = await call({ method: 'POST', url, payload: { routing_key: token, dedup_key: 'k' } });
      expect(noAction.json<{ errors: string[] }>().errors).toEqual([
        "'event_action' must be one of trigger, acknowledge, resolve",
      ]);
      const resolveNoKey = await call({
        method: 'POST',
        url,
        payload: { routing_key: token, event_action: 'resolve' },
      });
      expect(resolveNoKey.json<{ errors: string[] }>().errors).toEqual([
        "'dedup_key' is required to resolve",
      ]);
      const unknown = await call({ method: 'POST', url, payload: { ...PD_TRIGGER } });
      expect(unknown.statusCode).toBe(401);
      expect(unknown.headers['content-type']).toContain('application/problem+json');
    });

    it('takes generic JSON: one alert or a batch, deduplicated by a derived key when none is given', async () => {
      const { token } = await integration('generic', { severity: 'warning', service: 'billing' });
      const one = { summary: 'Invoice run failed', labels: { job: 'invoices' } };
      const first = await call({
        method: 'POST',
        url: '/api/v1/intake/generic',
        headers: { authorization: `Bearer ${token}` },
        payload: one,
      });
      expect(first.statusCode, first.body).toBe(202);
      expect(first.json()).toMatchObject({ opened: 1, updated: 0 });
      const again = await call({ method: 'POST', url: `/api/v1/intake/generic/${token}`, payload: one });
      expect(again.json()).toMatchObject({ opened: 0, updated: 1 });
      const [row] = (await alertsOf('&service=billing')).items;
      expect(row).toMatchObject({
        count: 2,
        severity: 'sev3',
        dedupKey: expect.stringMatching(/^gen:[0-9a-f]{32}$/),
      });

      const batch = await call({
        method: 'POST',
        url: '/api/v1/intake/generic',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          alerts: [
            { dedupKey: 'g-1', summary: 'Queue backlog', severity: 'error', component: 'queue' },
            { dedupKey: 'g-1', action: 'resolve' },
            { dedupKey: 'g-2', summary: 'Disk 91%', startedAt: '2026-03-02T03:59:00Z' },
          ],
        },
      });
      expect(batch.json()).toMatchObject({ accepted: 3, opened: 2, resolved: 1 });

      const bad = await call({
        method: 'POST',
        url: '/api/v1/intake/generic',
        headers: { authorization: `Bearer ${token}` },
        payload: { alerts: [{ summary: 'ok' }, { action: 'resolve' }, { summary: 'x', colour: 'red' }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual([
        '/body/alerts/2/colour',
      ]);
      const noKey = await call({
        method: 'POST',
        url: '/api/v1/intake/generic',
        headers: { authorization: `Bearer ${token}` },
        payload: { alerts: [{ summary: 'ok' }, { action: 'resolve' }] },
      });
      expect(noKey.json()).toMatchObject({
        code: 'OPS_VALIDATION',
        errors: [{ pointer: '/body/alerts/1/dedupKey' }],
      });
    });

    it('answers bad input precisely and changes nothing', async () => {
      const { token } = await integration('alertmanager');
      const before = (await alertsOf('&status=all')).items.length;
      const post = (
        payload: unknown,
        headers: Record<string, string> = { authorization: `Bearer ${token}` },
      ) =>
        call({
          method: 'POST',
          url: '/api/v1/intake/alertmanager',
          headers: { 'content-type': 'application/json', ...headers },
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        });
      const malformed = await post('{"version": "4", "alerts": [');
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toMatchObject({ code: 'OPS_MALFORMED_JSON' });
      const version = await post({ ...alertmanagerBody('firing', [{ name: 'A', fp: 'v' }]), version: '3' });
      expect(version.json()).toMatchObject({
        code: 'OPS_VALIDATION',
        errors: [{ pointer: '/body/version' }],
      });
      const body = alertmanagerBody('firing', [{ name: 'A', fp: 'v' }]);
      const wrong = await post({
        ...body,
        alerts: [{ ...body.alerts[0], status: 'burning', labels: { alertname: 7 }, startsAt: 'yesterday' }],
      });
      expect(
        wrong
          .json<{ errors: { pointer: string }[] }>()
          .errors.map((e) => e.pointer)
          .sort(),
      ).toEqual(['/body/alerts/0/labels/alertname', '/body/alerts/0/startsAt', '/body/alerts/0/status']);
      const nul = await post(alertmanagerBody('firing', [{ name: 'A\u0000B', fp: 'nul' }]));
      expect(nul.statusCode).toBe(400);
      // A stranger learns nothing about the body: no token, a wrong one, a malformed header.
      expect((await post({ nonsense: true }, {})).json()).toMatchObject({ code: 'OPS_UNAUTHENTICATED' });
      expect((await post({ nonsense: true }, { authorization: 'Bearer opsi_nope' })).statusCode).toBe(401);
      expect((await post({ nonsense: true }, { authorization: 'Basic abc' })).statusCode).toBe(401);
      const path = await call({
        method: 'POST',
        url: '/api/v1/intake/alertmanager/opsi_unknown',
        payload: {},
      });
      expect(path.json()).toMatchObject({ code: 'OPS_NOT_FOUND' });
      expect((await alertsOf('&status=all')).items.length).toBe(before);
    });

    it('takes 10,000 alerts in one request and refuses 10,001 with 413, writing none of them', async () => {
      const { token } = await integration('generic');
      const alerts = (n: number, prefix: string) =>
        Array.from({ length: n }, (_, i) => ({
          dedupKey: `${prefix}-${i}`,
          summary: `Alert ${i}`,
          severity: 'info',
        }));
      const big = await call({
        method: 'POST',
        url: '/api/v1/intake/generic',
        headers: { authorization: `Bearer ${token}` },
        payload: { alerts: alerts(10_000, 'big') },
      });
      expect(big.statusCode, big.body.slice(0, 300)).toBe(202);
      expect(big.json()).toMatchObject({ accepted: 10_000, opened: 10_000 });
      const over = await call({
        method: 'POST',
        url: '/api/v1/intake/generic',
        headers: { authorization: `Bearer ${token}` },
        payload: { alerts: alerts(10_001, 'over') },
      });
      expect(over.statusCode).toBe(413);
      expect(over.json()).toMatchObject({ code: 'OPS_BATCH_TOO_LARGE' });
      const page = await call({
        url: `/api/v1/workspaces/${ws}/alerts?status=all&dedupKey=over-0`,
        headers: asOwner(),
      });
      expect(page.json<{ items: unknown[] }>().items).toEqual([]);
    });

    it('answers a flood from one integration 429 with Retry-After, and the other integrations go on (S9)', async () => {
      const flooding = await integration('generic', { rateLimit: { perSecond: 0.001, burst: 20 } });
      const calm = await integration('generic');
      const send = (token: string, n: number) =>
        call({
          method: 'POST',
          url: '/api/v1/intake/generic',
          headers: { authorization: `Bearer ${token}` },
          payload: {
            alerts: Array.from({ length: n }, (_, i) => ({ dedupKey: `flood-${i}`, summary: 'Flood' })),
          },
        });
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await send(flooding.token, 5)).statusCode);
      expect(codes).toEqual([202, 202, 202, 202, 429, 429]);
      const limited = await send(flooding.token, 1);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.json()).toMatchObject({ code: 'OPS_RATE_LIMITED' });
      expect((await send(calm.token, 5)).statusCode).toBe(202);
    });

    it('lists alerts by cursor and lets a person acknowledge and resolve one', async () => {
      const { token } = await integration('generic');
      await call({
        method: 'POST',
        url: '/api/v1/intake/generic',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          alerts: [1, 2, 3].map((i) => ({
            dedupKey: `hand-${i}`,
            summary: `Hand ${i}`,
            service: 'hand',
            severity: 'critical',
          })),
        },
      });
      const first = await alertsOf('&service=hand&limit=2');
      expect(first.items).toHaveLength(2);
      const second = await call({
        url: `/api/v1/workspaces/${ws}/alerts?service=hand&limit=2&cursor=${first.next}`,
        headers: asOwner(),
      });
      const rest = second.json<{
        items: { id: string; incident: { number: number } }[];
        next: string | null;
      }>();
      expect(rest.items).toHaveLength(1);
      expect(rest.next).toBeNull();
      const ids = [...first.items.map((a) => a.id as string), rest.items[0]!.id];
      expect(new Set(ids).size).toBe(3);
      const number = rest.items[0]!.incident.number;

      const act = (id: string, action: string) =>
        call({ method: 'POST', url: `/api/v1/workspaces/${ws}/alerts/${id}/${action}`, headers: asOwner() });
      const acked = await act(ids[0]!, 'acknowledge');
      expect(acked.json()).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String) });
      for (const id of ids) expect((await act(id, 'resolve')).json()).toMatchObject({ status: 'resolved' });
      expect((await incident(number)).incident.status).toBe('resolved');
      expect((await act(ids[0]!, 'acknowledge')).statusCode).toBe(409);
      expect((await act('alr_nope', 'resolve')).statusCode).toBe(404);
      const one = await call({ url: `/api/v1/workspaces/${ws}/alerts/${ids[1]}`, headers: asOwner() });
      expect(one.json()).toMatchObject({ id: ids[1], status: 'resolved', count: 1 });
      const badCursor = await call({ url: `/api/v1/workspaces/${ws}/alerts?cursor=zzz`, headers: asOwner() });
      expect(badCursor.json()).toMatchObject({ errors: [{ pointer: '/querystring/cursor' }] });
    });

    it("answers 404 to another workspace's ids and people, and a token acts only in its own workspace", async () => {
      const mine = await integration('generic');
      await call({
        method: 'POST',
        url: '/api/v1/intake/generic',
        headers: { authorization: `Bearer ${mine.token}` },
        payload: { dedupKey: 'cross-1', summary: 'Cross' },
      });
      const [alert] = (await alertsOf('&dedupKey=cross-1')).items;
      const other = await signInAs(app, 'owner@sofacover.demo', DEMO_PASSWORD, '10.9.0.1');
      const otherWs = other.me.workspaces[0]!.id;
      const as = { cookie: other.cookie, 'x-csrf-token': other.csrfToken };
      for (const [method, url] of [
        ['GET', `/api/v1/workspaces/${ws}/integrations`],
        ['GET', `/api/v1/workspaces/${ws}/alerts`],
        ['PATCH', `/api/v1/workspaces/${otherWs}/integrations/${mine.integration.id}`],
        ['POST', `/api/v1/workspaces/${otherWs}/integrations/${mine.integration.id}/token`],
        ['DELETE', `/api/v1/workspaces/${otherWs}/integrations/${mine.integration.id}`],
        ['GET', `/api/v1/workspaces/${otherWs}/alerts/${alert!.id as string}`],
        ['POST', `/api/v1/workspaces/${otherWs}/alerts/${alert!.id as string}/resolve`],
      ] as const) {
        const r = await call({
          method,
          url,
          headers: as,
          ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}),
        });
        expect(r.statusCode, `${method} ${url}`).toBe(404);
      }
      // Their own alert list does not show it; the alert is untouched.
      const theirs = await call({ url: `/api/v1/workspaces/${otherWs}/alerts?status=all`, headers: as });
      expect(theirs.json<{ items: { dedupKey: string }[] }>().items.map((a) => a.dedupKey)).not.toContain(
        'cross-1',
      );
      expect((await alertsOf('&dedupKey=cross-1')).items[0]).toMatchObject({ status: 'firing' });
    });

    it('seeds the demo integration once, with the published token, which then works', async () => {
      const seed = () =>
        opened.database.inWorkspace(ws, (tx) => seedDemoAlerts(tx, ws, 'shopsmart', new Date()));
      const { token } = await seed();
      expect(token).toBe(demoIntegrationToken('shopsmart'));
      expect(token).toHaveLength(32);
      await seed();
      const list = await call({ url: `/api/v1/workspaces/${ws}/integrations`, headers: asOwner() });
      const demo = list
        .json<{ items: { name: string }[] }>()
        .items.filter((i) => i.name === 'Prometheus (demo)');
      expect(demo).toHaveLength(1);
      expect((await alertsOf('&dedupKey=demo-disk-shopsmart')).items).toHaveLength(1);
      const r = await call({
        method: 'POST',
        url: '/api/v1/intake/alertmanager',
        headers: { authorization: `Bearer ${token}` },
        payload: alertmanagerBody('firing', [{ name: 'DemoAlert', fp: 'demo-fp', service: 'demo' }]),
      });
      expect(r.statusCode, r.body).toBe(202);
    });

    it('kept every integration token and every other secret out of the log', () => {
      expect(tokens.length).toBeGreaterThan(5);
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.filter((line) => tokens.some((token) => line.includes(token)))).toEqual([]);
      expect(logLines.map(secretIn).filter((leak) => leak !== null)).toEqual([]);
    });
  });
}
