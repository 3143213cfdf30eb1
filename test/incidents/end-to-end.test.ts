/**
 * Issue 8's "done when", end to end on both engines with no part faked: a real Prometheus Alertmanager
 * posts its webhook to Opsbook on loopback; the alert opens a SEV1 incident (ShopSmart's rules), which
 * pages whoever is on call for the Incident Commander rotation (SOP-003) and records the SEV1 stage
 * deadlines; the IC acknowledges (MTTA), posts a public update marking a component down, and the public
 * status page shows both; Alertmanager's resolution resolves the alert and the incident, the component
 * comes back, the incident moves to the page's history, and the review opens pre-filled with the alert and
 * the timeline, due at T+48 h, and is published.
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { outbox } from '../../src/store/schema.js';
import {
  ALERTMANAGER_MISSING as missing,
  startAlertmanager,
  until,
  type AlertmanagerProcess,
} from '../support/alertmanager.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

const HOUR_MS = 3_600_000;

interface Detail {
  incident: {
    number: number;
    severity: string;
    status: string;
    detectedAt: string;
    acknowledgedAt: string | null;
    resolvedAt: string | null;
    clocks: { id: string; due: string | null }[];
  };
  review: { status: string; dueAt: string | null; sections: Record<string, string> } | null;
}

for (const engine of ENGINES) {
  describe.runIf(engine.available && !missing)(
    `Alertmanager → incident → page → status page → review: ${engine.title}${missing}`,
    () => {
      let opened: OpenedDatabase;
      let t: TestApp;
      let am: AlertmanagerProcess;
      let owner: Awaited<ReturnType<typeof signInAs>>;
      let ws: string;
      const call = async (method: 'GET' | 'POST' | 'PUT', path: string, payload?: object) =>
        t.app.inject({
          method,
          url: `/api/v1/workspaces/${ws}${path}`,
          headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
          ...(payload ? { payload } : {}),
        });
      /** The public page, read with no session until `check` holds (its cache is refreshed at commit). */
      const statusPage = (path: string, check: (body: string) => boolean) =>
        until(`the status page ${path} to change`, async () => {
          const r = await t.app.inject({ url: `/status/shopsmart${path}` });
          expect(r.statusCode).toBe(200);
          return check(r.body) ? r.body : null;
        });
      const alertsOf = async (status: string) =>
        (await call('GET', `/alerts?status=${status}`)).json<{
          items: { summary: string; status: string; incident: { number: number } | null }[];
        }>().items;
      const postToAlertmanager = async (endsAt: string | null) => {
        const r = await fetch(`${am.url}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([
            {
              labels: { alertname: 'StorefrontDown', service: 'storefront', severity: 'critical' },
              annotations: { summary: 'Storefront answers 503 for every store' },
              startsAt: new Date(Date.now() - 120_000).toISOString(),
              ...(endsAt ? { endsAt } : {}),
            },
          ]),
        });
        expect(r.status, await r.text()).toBe(200);
      };

      beforeAll(async () => {
        opened = await engine.open();
        t = await buildTestApp({}, { database: opened.database });
        owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
        ws = owner.me.workspaces.find((w) => w.slug === 'shopsmart')!.id;
        const created = await call('POST', '/integrations', { kind: 'alertmanager', name: 'Prometheus' });
        expect(created.statusCode, created.body).toBe(201);
        const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
        am = await startAlertmanager(
          `${address}/api/v1/intake/alertmanager`,
          created.json<{ token: string }>().token,
        );
      }, 120_000);
      afterAll(async () => {
        await am?.stop();
        await t?.app.close();
        await opened?.close();
      });

      it('runs from the first alert to the published review', async () => {
        // Detect: the alert arrives through Alertmanager and opens a SEV1 (critical → SEV1, 000#63).
        await postToAlertmanager(null);
        const [alert] = await until('the alert to open an incident', async () => {
          const items = (await alertsOf('open')).filter((a) => a.summary.startsWith('Storefront'));
          return items.length === 1 && items[0]!.incident ? items : null;
        });
        const number = alert!.incident!.number;
        const read = async () => (await call('GET', `/incidents/${number}`)).json<Detail>();
        const declared = await read();
        expect(declared.incident.severity).toBe('sev1');
        // SOP-003's SEV1 stage deadlines, counted from detection: assess T+5, assemble T+10, communicate T+15.
        const t0 = Date.parse(declared.incident.detectedAt);
        const dueMin = (id: string) => {
          const clock = declared.incident.clocks.find((c) => c.id === `stage:${id}`);
          return clock?.due ? (Date.parse(clock.due) - t0) / 60_000 : null;
        };
        expect([dueMin('assess-severity'), dueMin('assemble-team'), dueMin('communicate')]).toEqual([
          5, 10, 15,
        ]);

        // Page: the Incident Commander rotation's on-call person is paged at once, on the route's channels.
        const pages = (await call('GET', `/pages?incident=${number}`)).json<{
          items: { id: string; status: string; log: { step: number; users: string[] }[] }[];
        }>().items;
        expect(pages).toHaveLength(1);
        expect(pages[0]!.status).toBe('triggered');
        const paged = pages[0]!.log[0]!.users;
        expect(paged.length).toBeGreaterThan(0);
        const onCall = (await call('GET', '/oncall/now')).json<{
          items: { rotation: string; onCall: { userId: string }[] }[];
        }>().items;
        const commander = onCall.find((o) => o.rotation === 'incident-commander')?.onCall[0]?.userId;
        expect(commander).toBeDefined();
        expect(paged).toContain(commander);
        const sent = await opened.database.inWorkspace(ws, (tx) =>
          tx
            .select({ recipient: outbox.recipient })
            .from(outbox)
            .where(and(eq(outbox.workspaceId, ws), like(outbox.idempotencyKey, `page:${pages[0]!.id}%`))),
        );
        expect(sent.length).toBeGreaterThan(0);

        // Acknowledge: the page stops (MTTA recorded).
        expect((await call('POST', `/incidents/${number}/acknowledge`)).statusCode).toBe(200);
        const acknowledged = (await call('GET', `/pages/${pages[0]!.id}`)).json<{
          status: string;
          timeToAcknowledgeMs: number | null;
        }>();
        expect(acknowledged.status).toBe('acknowledged');
        expect(acknowledged.timeToAcknowledgeMs).not.toBeNull();

        // Communicate: a public update marks a component down; the public page shows both.
        const components = (await call('GET', '/status/components')).json<{
          items: { id: string; name: string }[];
        }>().items;
        expect(components.length).toBeGreaterThan(0);
        const component = components[0]!;
        const update = await call('POST', `/incidents/${number}/updates`, {
          audience: 'public',
          status: 'identified',
          body: { en: 'Stores cannot load the storefront; we found the cause and are fixing it.' },
          components: { [component.id]: 'major-outage' },
        });
        expect(update.statusCode, update.body).toBe(201);
        const live = await statusPage('', (b) => b.includes('we found the cause and are fixing it'));
        expect(live).toContain('Active incidents');
        const statusOf = (body: string) =>
          new RegExp(`>${component.name}</h[34]><span class="st st-([a-z-]+)"`).exec(body)?.[1];
        expect(statusOf(live)).toBe('major-outage');

        // Resolve: Alertmanager's resolution resolves the alert and the incident; the component comes back.
        await postToAlertmanager(new Date(Date.now() - 1000).toISOString());
        await until('the incident to resolve', async () => {
          const d = await read();
          return d.incident.resolvedAt ? d : null;
        });
        const calm = await statusPage('', (b) => !b.includes('Active incidents'));
        expect(statusOf(calm)).toBe('operational');
        await statusPage('/history', (b) => b.includes('we found the cause and are fixing it'));

        // Learn: the review is open, due at T+48 h, its timeline starting with the alert; then published.
        const resolved = await read();
        expect(resolved.review?.status).toBe('draft');
        expect(Date.parse(resolved.review!.dueAt!) - t0).toBe(48 * HOUR_MS);
        expect(resolved.review!.sections.timeline).toMatch(/alert fired: Storefront answers 503/);
        expect(resolved.review!.sections.impact).toContain(`Components affected: ${component.name}.`);
        const published = await call('PUT', `/incidents/${number}/review`, {
          publish: true,
          sections: {
            'root-cause': 'A bad load-balancer rule after a deploy.',
            'what-went-well': 'The alert paged the IC within a minute.',
            'what-went-wrong': 'No canary for load-balancer changes.',
            'action-items': 'Canary load-balancer changes.',
          },
        });
        expect(published.statusCode, published.body).toBe(200);
        expect((await read()).review?.status).toBe('published');
      }, 120_000);
    },
  );
}
