/**
 * A real Prometheus Alertmanager (the Debian package's binary) sends its webhooks to Opsbook listening on
 * loopback: alerts posted to Alertmanager's API arrive as alerts of an incident, and their resolution
 * (posted with `endsAt` in the past) resolves them and the incident. Group wait and interval are kept
 * short so the test runs in seconds; it waits by polling, never by timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import {
  ALERTMANAGER_MISSING as missing,
  startAlertmanager,
  until,
  type AlertmanagerProcess,
} from '../support/alertmanager.js';

for (const engine of ENGINES) {
  describe.runIf(engine.available && !missing)(
    `a real Alertmanager sends to Opsbook: ${engine.title}${missing}`,
    () => {
      let opened: OpenedDatabase;
      let t: TestApp;
      let am: AlertmanagerProcess;
      let owner: Awaited<ReturnType<typeof signInAs>>;
      let ws: string;
      let integrationId: string;

      beforeAll(async () => {
        opened = await engine.open();
        t = await buildTestApp({}, { database: opened.database });
        owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
        ws = owner.me.workspaces[0]!.id;
        const created = await t.app.inject({
          method: 'POST',
          url: `/api/v1/workspaces/${ws}/integrations`,
          headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
          payload: { kind: 'alertmanager', name: 'Prometheus (test)' },
        });
        expect(created.statusCode, created.body).toBe(201);
        const { token, integration } = created.json<{ token: string; integration: { id: string } }>();
        integrationId = integration.id;
        const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
        am = await startAlertmanager(`${address}/api/v1/intake/alertmanager`, token);
      }, 60_000);
      afterAll(async () => {
        await am?.stop();
        await t?.app.close();
        await opened?.close();
      });

      const alertsInOpsbook = async (status: string) => {
        const r = await t.app.inject({
          url: `/api/v1/workspaces/${ws}/alerts?status=${status}&source=alertmanager:${integrationId}`,
          headers: { cookie: owner.cookie },
        });
        return r.json<{
          items: {
            dedupKey: string;
            status: string;
            summary: string;
            labels: Record<string, string>;
            incident: { number: number } | null;
          }[];
        }>().items;
      };
      const postToAlertmanager = async (endsAt: string | null) => {
        const alerts = ['web-1', 'web-2'].map((instance) => ({
          labels: { alertname: 'CheckoutDown', service: 'checkout', severity: 'critical', instance },
          annotations: { summary: `Checkout is down on ${instance}` },
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          ...(endsAt ? { endsAt } : {}),
          generatorURL: 'http://prometheus.test/graph',
        }));
        const r = await fetch(`${am.url}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alerts),
        });
        expect(r.status, await r.text()).toBe(200);
      };

      it('turns firing alerts into one incident, and their resolution resolves it', async () => {
        await postToAlertmanager(null);
        const firing = await until('the firing alerts to arrive', async () => {
          const items = await alertsInOpsbook('open');
          return items.length === 2 ? items : null;
        });
        expect(firing.map((a) => a.summary).sort()).toEqual([
          'Checkout is down on web-1',
          'Checkout is down on web-2',
        ]);
        expect(firing.every((a) => /^[0-9a-f]{16}$/.test(a.dedupKey))).toBe(true); // Alertmanager's fingerprints
        expect(firing[0]!.labels).toMatchObject({ alertname: 'CheckoutDown', service: 'checkout' });
        const numbers = new Set(firing.map((a) => a.incident?.number));
        expect(numbers.size).toBe(1);
        const number = [...numbers][0]!;
        const incident = await t.app.inject({
          url: `/api/v1/workspaces/${ws}/incidents/${number}`,
          headers: { cookie: owner.cookie },
        });
        expect(incident.json()).toMatchObject({ incident: { severity: 'sev1', resolvedAt: null } });

        await postToAlertmanager(new Date(Date.now() - 1000).toISOString());
        await until('the resolution to arrive', async () => {
          const items = await alertsInOpsbook('resolved');
          return items.length === 2 ? items : null;
        });
        const resolved = await until('the incident to resolve', async () => {
          const r = await t.app.inject({
            url: `/api/v1/workspaces/${ws}/incidents/${number}`,
            headers: { cookie: owner.cookie },
          });
          const body = r.json<{ incident: { status: string; resolvedAt: string | null } }>();
          return body.incident.resolvedAt ? body.incident : null;
        });
        expect(resolved.status).toBe('resolved');
        expect(await alertsInOpsbook('open')).toEqual([]);
        // Alertmanager saw every notification succeed.
        expect(am.output.join('').match(/level=error.*Notify/g) ?? []).toEqual([]);
      }, 60_000);
    },
  );
}
