/**
 * The public status page through inject(), on both engines: server-rendered HTML without any script, the
 * components the pack names with their 90-day uptime bars and target, incidents shown only once they have a
 * published public update (a restricted one without its internal title or updates), maintenance run by its
 * durable timers, the history and incident pages, RSS and Atom feeds that are well-formed XML, the JSON
 * summary, ETag / Last-Modified answered 304, and the page refreshed by NOTIFY from another connection.
 */
import { gunzipSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import { parseFeed } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseClock } from '../../src/engine/clock.js';
import { Worker } from '../../src/engine/worker.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { setComponentStatus } from '../../src/modules/status/components.js';
import { statusChangedIn } from '../../src/modules/status/invalidate.js';
import { StatusPageCache } from '../../src/modules/status/status-cache.js';
import { seedDemoStatus } from '../../src/modules/status/demo.js';
import { MAINTENANCE_TIMER, maintenanceTimerHandler } from '../../src/modules/status/maintenance.js';
import type { Database } from '../../src/store/database.js';
import { timers } from '../../src/store/schema.js';
import { componentStatusChanges } from '../../src/store/schema-incidents.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { insertIncident, xmlProblems, blankDemoStatusPages } from './status-support.js';

const PUBLIC_URL = 'https://status.opsbook.test';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Session = Awaited<ReturnType<typeof signInAs>>;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`public status page: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let t: TestApp;
    let owner: Session;
    let ws: string;
    const page = (path = '', headers: Record<string, string> = {}) =>
      t.app.inject({ url: `/status/sofacover${path}`, headers });
    const admin = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}/status${path}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        ...(payload ? { payload } : {}),
      });
    /** Reads the page until `check` holds (the cache is refreshed by NOTIFY, delivered at commit). */
    const eventually = async (path: string, check: (body: string) => boolean) => {
      let body = '';
      for (let i = 0; i < 50; i++) {
        body = (await page(path)).body;
        if (check(body)) return body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return body;
    };

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      t = await buildTestApp({ OPSBOOK_PUBLIC_URL: PUBLIC_URL }, { database });
      await blankDemoStatusPages(database);
      owner = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces[0]!.id;
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('creates the components the pack names, once, with the uptime target of 002#24', async () => {
      const created = await admin('POST', '/components/from-pack');
      expect(created.statusCode, created.body).toBe(200);
      const items = created.json<{ created: { name: string; uptimeTarget: number | null }[] }>().created;
      // SofaCover's pack has no vendor register: one component named after the product.
      expect(items).toEqual([expect.objectContaining({ name: 'SofaCover Pro', uptimeTarget: 99.9 })]);
      const again = await admin('POST', '/components/from-pack');
      expect(again.json<{ created: unknown[] }>().created).toEqual([]);
      // ShopSmart's vendor register names its services (000#145-149).
      const shop = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
      const shopWs = shop.me.workspaces[0]!.id;
      const fromShop = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${shopWs}/status/components/from-pack`,
        headers: { cookie: shop.cookie, 'x-csrf-token': shop.csrfToken },
      });
      expect(
        fromShop.json<{ created: { name: string; group: string }[] }>().created.map((c) => c.name),
      ).toEqual(['Cloud Infrastructure', 'Database', 'SMS', 'Email', 'Payments']);
      const api = await admin('POST', '/components', {
        name: 'Public API',
        group: 'Platform',
        uptimeTarget: 99.95,
      });
      expect(api.statusCode, api.body).toBe(201);
      expect((await admin('POST', '/components', { name: 'public api' })).statusCode).toBe(409);
    });

    it('serves server-rendered HTML with landmarks, no script, and a strict CSP', async () => {
      const r = await page();
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toContain("default-src 'none'");
      expect(r.headers['content-security-policy']).not.toContain('script-src');
      expect(r.body).not.toMatch(/<script/i);
      for (const landmark of [
        '<header>',
        '<nav aria-label="Status page">',
        '<main id="main">',
        '<footer>',
        '<h1>',
      ])
        expect(r.body).toContain(landmark);
      expect(r.body).toContain('All systems operational');
      expect(r.body).toContain('SofaCover Pro');
      expect(r.body).toMatch(/target above 99\.9 % \((met|not measured yet)\)/);
      expect(r.body).toContain('<form method="post" action="/status/sofacover/subscribe">');
      expect(r.body).toContain('href="/status/sofacover/history.atom"');
      expect((await page('', { accept: 'text/html' })).headers['cache-control']).toContain('max-age=30');
    });

    it('draws 90 days of uptime from the recorded changes, with text for each coloured bar', async () => {
      const components = (await admin('GET', '/components')).json<{ items: { id: string; name: string }[] }>()
        .items;
      const api = components.find((c) => c.name === 'Public API')!;
      const now = Date.now();
      const outage = new Date(now - 2 * DAY);
      await database.inWorkspace(ws, async (tx) => {
        // Known since ten days ago, down for an hour two days ago, partly down for two hours yesterday.
        await tx.insert(componentStatusChanges).values([
          {
            workspaceId: ws,
            componentId: api.id,
            status: 'operational',
            at: new Date(now - 10 * DAY),
            cause: 'test',
          },
          { workspaceId: ws, componentId: api.id, status: 'major-outage', at: outage, cause: 'test' },
          {
            workspaceId: ws,
            componentId: api.id,
            status: 'operational',
            at: new Date(outage.getTime() + HOUR),
            cause: 'test',
          },
          {
            workspaceId: ws,
            componentId: api.id,
            status: 'partial-outage',
            at: new Date(now - DAY),
            cause: 'test',
          },
          {
            workspaceId: ws,
            componentId: api.id,
            status: 'operational',
            at: new Date(now - DAY + 2 * HOUR),
            cause: 'test',
          },
        ]);
        await statusChangedIn(tx, ws);
      });
      const body = await eventually('', (b) => b.includes('class="major-outage"'));
      expect(body).toMatch(/<li class="major-outage" title="[^"]+: major outage 1 h; 9\d\.\d\d % up"><\/li>/);
      expect(body).toContain('Days with downtime or maintenance (2)');
      expect(body).toMatch(/<li>[^<]+: partial outage 2 h; 9\d\.\d\d % up<\/li>/);
      // 1 h + 0.3 × 2 h down over ten days: 99.3 %, under the 99.95 % target.
      expect(body).toMatch(/99\.[0-9]{2} % uptime · target above 99\.95 % \(not met\)/);
      expect(body).toContain('<ol class="bars" aria-hidden="true">');
      const summary = (await page('/api/v2/summary.json')).json<{
        components: { name: string; uptime: { percent: number; days: { level: string }[] } }[];
      }>();
      const apiJson = summary.components.find((c) => c.name === 'Public API')!;
      expect(apiJson.uptime.days).toHaveLength(90);
      expect(apiJson.uptime.percent).toBeCloseTo(100 * (1 - 1.6 / 240), 1);
    });

    it('shows an incident only once it has a published public update, and only its public updates', async () => {
      const quiet = await insertIncident(database, ws, {
        title: 'Quiet incident nobody announced',
        updates: [{ status: 'investigating', audience: 'internal', text: 'Internal only: disk on db-2.' }],
      });
      const pending = await insertIncident(database, ws, {
        title: 'Incident awaiting approval',
        updates: [
          { status: 'investigating', audience: 'public', text: 'Draft for approval.', publishedAt: null },
        ],
      });
      const open = await insertIncident(database, ws, {
        title: 'Checkout errors',
        severity: 'p2',
        components: [],
        updates: [
          {
            status: 'investigating',
            audience: 'public',
            text: 'We are looking into failed payments.',
            hi: 'हम जांच कर रहे हैं।',
          },
          {
            status: 'identified',
            audience: 'internal',
            text: 'Root cause: expired TLS certificate on pay-gw.',
          },
          { status: 'identified', audience: 'public', text: 'We found the cause & are fixing it <now>.' },
        ],
      });
      await database.inWorkspace(ws, (tx) => statusChangedIn(tx, ws));
      const body = await eventually('', (b) => b.includes('Checkout errors'));
      expect(body).toContain('Active incidents');
      expect(body).toContain('We found the cause &amp; are fixing it &lt;now&gt;.');
      expect(body).toContain('<p lang="hi">हम जांच कर रहे हैं।</p>');
      expect(body).toContain('Minor service disruption');
      for (const hidden of [
        'Quiet incident',
        'awaiting approval',
        'Draft for approval',
        'expired TLS',
        'db-2',
      ])
        expect(body).not.toContain(hidden);
      const incident = await page(`/incidents/${open.id}`);
      expect(incident.statusCode).toBe(200);
      expect(incident.body).toMatch(/<strong>Identified<\/strong>[\s\S]*<strong>Investigating<\/strong>/);
      expect(incident.body).not.toContain('expired TLS');
      expect(incident.body).not.toMatch(/<script/i);
      for (const id of [quiet.id, pending.id, 'inc_doesnotexist', '../../etc/passwd'])
        expect((await page(`/incidents/${encodeURIComponent(id)}`)).statusCode).toBe(404);
    });

    it('shows a restricted incident by its published updates only, never its title or internals', async () => {
      const secret = await insertIncident(database, ws, {
        title: 'SQL injection in the admin panel leaks customer emails',
        restricted: true,
        severity: 'p0',
        updates: [
          {
            status: 'investigating',
            audience: 'internal',
            text: 'Attacker IP 203.0.113.9, exfiltrated the users table.',
          },
          { status: 'investigating', audience: 'public', text: 'We are investigating unusual activity.' },
        ],
      });
      await database.inWorkspace(ws, (tx) => statusChangedIn(tx, ws));
      const body = await eventually('', (b) => b.includes('unusual activity'));
      expect(body).toContain('Service incident');
      const json = (await page('/api/v2/summary.json')).body;
      const feed = (await page('/history.atom')).body;
      const incident = (await page(`/incidents/${secret.id}`)).body;
      for (const text of [body, json, feed, incident]) {
        expect(text).toContain('unusual activity');
        expect(text).not.toContain('SQL injection');
        expect(text).not.toContain('203.0.113.9');
      }
    });

    it('lists resolved incidents in the history and the feeds, which are well-formed RSS and Atom', async () => {
      const resolvedAt = new Date(Date.now() - 3 * DAY);
      const old = await insertIncident(database, ws, {
        title: 'Slow search results',
        detectedAt: new Date(resolvedAt.getTime() - 2 * HOUR),
        resolvedAt,
        updates: [
          { status: 'investigating', audience: 'public', text: 'Search is slow.' },
          { status: 'resolved', audience: 'public', text: 'Search is fast again.\u0001' },
        ],
      });
      await database.inWorkspace(ws, (tx) => statusChangedIn(tx, ws));
      const history = await eventually('/history', (b) => b.includes('Slow search results'));
      expect(history).toContain('Incident history');
      expect(history).not.toMatch(/<script/i);
      expect((await page()).body).toContain(`href="/status/sofacover/incidents/${old.id}"`);
      for (const [path, type] of [
        ['/history.rss', 'application/rss+xml; charset=utf-8'],
        ['/history.atom', 'application/atom+xml; charset=utf-8'],
      ] as const) {
        const r = await page(path);
        expect(r.headers['content-type']).toBe(type);
        expect(xmlProblems(r.body), path).toEqual([]);
        const parsed = parseFeed(r.body)!;
        expect(parsed.type).toBe(path.endsWith('rss') ? 'rss' : 'atom');
        const titles = parsed.items.map((i) => i.title ?? '');
        expect(titles).toContain('Slow search results (Resolved)');
        expect(titles).toContain('Checkout errors (Identified)');
        expect(titles.join(' ')).not.toMatch(/Quiet incident|awaiting approval/);
        expect(parsed.items.find((i) => i.title?.startsWith('Slow'))!.link).toBe(
          `${PUBLIC_URL}/status/sofacover/incidents/${old.id}`,
        );
      }
    });

    it("answers the JSON summary in Statuspage's shape", async () => {
      const r = await page('/api/v2/summary.json');
      expect(r.statusCode).toBe(200);
      expect(r.headers['access-control-allow-origin']).toBe('*');
      const summary = r.json<{
        page: { name: string; url: string; time_zone: string };
        status: { indicator: string; description: string };
        components: { name: string; status: string }[];
        incidents: { name: string; status: string; incident_updates: { body: string }[] }[];
        stale: boolean;
      }>();
      expect(summary.page).toMatchObject({ name: 'SofaCover Pro', url: `${PUBLIC_URL}/status/sofacover` });
      expect(summary.stale).toBe(false);
      expect(summary.components.map((c) => c.status)).toContain('operational');
      const checkout = summary.incidents.find((i) => i.name === 'Checkout errors')!;
      expect(checkout.status).toBe('identified');
      expect(checkout.incident_updates.map((u) => u.body)).toEqual([
        'We found the cause & are fixing it <now>.',
        'We are looking into failed payments.',
      ]);
      expect(summary.incidents.map((i) => i.name)).not.toContain('Slow search results');
      const status = (await page('/api/v2/status.json')).json<{ status: { indicator: string } }>();
      expect(status.status.indicator).toBe(summary.status.indicator);
    });

    it('answers 304 to a current ETag or Last-Modified, and a new ETag after a change', async () => {
      const first = await page();
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect((await page('', { 'if-none-match': etag })).statusCode).toBe(304);
      expect((await page('', { 'if-none-match': `W/${etag}, "other"` })).statusCode).toBe(304);
      expect(
        (await page('', { 'if-modified-since': first.headers['last-modified'] as string })).statusCode,
      ).toBe(304);
      expect((await page('', { 'if-none-match': '"stale"' })).statusCode).toBe(200);
      const zipped = await page('', { 'accept-encoding': 'gzip, br' });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers.vary).toContain('accept-encoding');
      expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(first.body);
      expect(zipped.rawPayload.length).toBeLessThan(first.rawPayload.length / 2);
      expect(zipped.headers.etag).toBe(`${etag.slice(0, -1)}-gz"`);
      const zipped304 = await page('', {
        'accept-encoding': 'gzip',
        'if-none-match': zipped.headers.etag as string,
      });
      expect(zipped304.statusCode).toBe(304);
      expect((await page('', { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
      const components = (await admin('GET', '/components')).json<{ items: { id: string; name: string }[] }>()
        .items;
      const product = components.find((c) => c.name === 'SofaCover Pro')!;
      const patched = await admin('PATCH', `/components/${product.id}`, { status: 'degraded' });
      expect(patched.statusCode, patched.body).toBe(200);
      const after = await page('', { 'if-none-match': etag });
      expect(after.statusCode).toBe(200);
      expect(after.body).toContain('<span class="st st-degraded">Degraded performance</span>');
      const [recorded] = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(componentStatusChanges)
          .where(
            and(
              eq(componentStatusChanges.componentId, product.id),
              eq(componentStatusChanges.status, 'degraded'),
            ),
          ),
      );
      expect(recorded!.cause).toMatch(/^user:usr_/);
      await admin('PATCH', `/components/${product.id}`, { status: 'operational' });
    });

    it('refreshes the page when another connection commits a change (NOTIFY), not only by TTL', async () => {
      const components = (await admin('GET', '/components')).json<{ items: { id: string; name: string }[] }>()
        .items;
      const api = components.find((c) => c.name === 'Public API')!;
      expect((await page()).body).not.toContain('<span class="st st-major-outage">');
      const writer = engine.name === 'postgres' ? await opened.second() : database;
      await writer.inWorkspace(ws, async (tx) => {
        await setComponentStatus(tx, ws, api.id, 'major-outage', 'check:chk_test', new Date());
        await statusChangedIn(tx, ws);
      });
      const body = await eventually('', (b) => b.includes('<span class="st st-major-outage">'));
      expect(body).toContain('Major system outage');
      await writer.inWorkspace(ws, async (tx) => {
        await setComponentStatus(tx, ws, api.id, 'operational', 'check:chk_test', new Date());
        await statusChangedIn(tx, ws);
      });
      expect(await eventually('', (b) => !b.includes('<span class="st st-major-outage">'))).not.toContain(
        '<span class="st st-major-outage">',
      );
    });

    it('catches a change nobody announced when the TTL runs out, rereading only a fingerprint otherwise', async () => {
      const cache = new StatusPageCache({ database, now: () => new Date(), ttlMs: 50, refreshWaitMs: 2_000 });
      const first = (await cache.get('sofacover'))!;
      const settle = async () => {
        await new Promise((resolve) => setTimeout(resolve, 80));
        await cache.get('sofacover'); // starts the background check
        await new Promise((resolve) => setTimeout(resolve, 200));
        return (await cache.get('sofacover'))!;
      };
      // Nothing moved: the same snapshot is kept, not rebuilt.
      expect((await settle()).snapshot).toBe(first.snapshot);
      const components = (await admin('GET', '/components')).json<{ items: { id: string; name: string }[] }>()
        .items;
      const api = components.find((c) => c.name === 'Public API')!;
      // A writer that changes a component and does not say so (no NOTIFY, no invalidate).
      await database.inWorkspace(ws, (tx) =>
        setComponentStatus(tx, ws, api.id, 'degraded', 'test', new Date()),
      );
      const after = await settle();
      expect(after.snapshot).not.toBe(first.snapshot);
      expect(after.snapshot.components.find((c) => c.id === api.id)!.status).toBe('degraded');
      await database.inWorkspace(ws, async (tx) => {
        await setComponentStatus(tx, ws, api.id, 'operational', 'test', new Date());
        await statusChangedIn(tx, ws);
      });
      await cache.close();
    });

    it('announces maintenance, and its durable timers put components under maintenance and back', async () => {
      const components = (await admin('GET', '/components')).json<{ items: { id: string; name: string }[] }>()
        .items;
      const api = components.find((c) => c.name === 'Public API')!;
      const later = await admin('POST', '/maintenance', {
        title: 'Database upgrade',
        body: 'Upgrading to PostgreSQL 16.',
        startsAt: new Date(Date.now() + DAY).toISOString(),
        endsAt: new Date(Date.now() + DAY + 2 * HOUR).toISOString(),
        components: [api.id],
      });
      expect(later.statusCode, later.body).toBe(201);
      const scheduled = later.json<{ id: string; phase: string }>();
      expect(scheduled.phase).toBe('scheduled');
      const keys = await database.inWorkspace(ws, (tx) =>
        tx
          .select({ key: timers.key, kind: timers.kind })
          .from(timers)
          .where(eq(timers.kind, MAINTENANCE_TIMER)),
      );
      expect(keys.map((k) => k.key).sort()).toEqual([`${scheduled.id}:end`, `${scheduled.id}:start`]);
      let body = (await page()).body;
      expect(body).toMatch(
        /<h2 id="h-maintenance">Maintenance<\/h2><article class="maintenance"[^>]*><h3[^>]*>Database upgrade<\/h3><p class="meta">Scheduled/,
      );

      // A window that starts now and ends in a moment, run by a worker as `opsbook serve` runs them.
      const now = await admin('POST', '/maintenance', {
        title: 'Cache flush',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 1_500).toISOString(),
        components: [api.id],
      });
      expect(now.statusCode, now.body).toBe(201);
      const worker = new Worker({
        database,
        workerId: `wrk_status_${engine.name}`,
        clock: databaseClock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 20,
        timerHandlers: { [MAINTENANCE_TIMER]: maintenanceTimerHandler({ publicUrl: PUBLIC_URL }) },
      });
      await worker.runOnce();
      body = await eventually('', (b) => b.includes('<span class="st st-maintenance">'));
      expect(body).toContain('<span class="st st-maintenance">Under maintenance</span>');
      expect(body).toMatch(/Cache flush<\/h3><p class="meta">In progress/);
      const live = (await page('/api/v2/summary.json')).json<{
        scheduled_maintenances: { name: string; status: string }[];
      }>();
      expect(live.scheduled_maintenances).toContainEqual(
        expect.objectContaining({ name: 'Cache flush', status: 'in_progress' }),
      );
      for (let i = 0; i < 50 && (await page()).body.includes('<span class="st st-maintenance">'); i++) {
        await worker.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      body = (await page()).body;
      expect(body).not.toContain('<span class="st st-maintenance">');
      const history = await eventually('/history', (b) => b.includes('Cache flush'));
      expect(history).toMatch(/Cache flush<\/h3><p class="meta">Completed/);
      const changes = await database.inWorkspace(ws, (tx) =>
        tx.select().from(componentStatusChanges).where(eq(componentStatusChanges.componentId, api.id)),
      );
      expect(changes.filter((c) => c.cause.startsWith('maintenance:')).map((c) => c.status)).toEqual([
        'maintenance',
        'operational',
      ]);
    });

    it('refuses bad maintenance, component and page input precisely, changing nothing', async () => {
      const start = new Date(Date.now() + DAY).toISOString();
      const backwards = await admin('POST', '/maintenance', { title: 'x', startsAt: start, endsAt: start });
      expect(backwards.statusCode).toBe(400);
      expect(backwards.headers['content-type']).toContain('application/problem+json');
      expect(backwards.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/endsAt');
      const unknown = await admin('POST', '/maintenance', {
        title: 'x',
        startsAt: start,
        endsAt: new Date(Date.now() + 2 * DAY).toISOString(),
        components: ['cmp_nope'],
      });
      expect(unknown.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/components/0');
      const badDate = await admin('POST', '/maintenance', {
        title: 'x',
        startsAt: 'tomorrow',
        endsAt: start,
      });
      expect(badDate.statusCode).toBe(400);
      expect((await admin('PUT', '/components/order', { ids: ['cmp_x'] })).statusCode).toBe(400);
      expect((await admin('PATCH', '/components/cmp_nope', { name: 'x' })).statusCode).toBe(404);
      expect((await admin('PATCH', '/components/cmp_nope', { status: 'on-fire' })).statusCode).toBe(400);
      const list = (await admin('GET', '/maintenance')).json<{ items: { title: string }[] }>().items;
      expect(list.map((m) => m.title).filter((title) => title === 'x')).toEqual([]);
      expect((await t.app.inject({ url: '/status/no-such-page' })).statusCode).toBe(404);
      expect((await t.app.inject({ url: '/status/NO_SUCH' })).body).not.toMatch(/<script/i);
      expect(
        (await t.app.inject({ url: '/status/no-such-page/api/v2/summary.json' })).headers['content-type'],
      ).toContain('application/problem+json');
      expect((await t.app.inject({ method: 'HEAD', url: '/status/sofacover' })).statusCode).toBe(200);
    });

    it('seeds a demo page from the pack, once: components with history and maintenance next week', async () => {
      const pos = await signInAs(t.app, 'owner@pos-saas.demo', DEMO_PASSWORD);
      const posWs = pos.me.workspaces[0]!.id;
      const seeded = await database.inWorkspace(posWs, (tx) =>
        seedDemoStatus(tx, posWs, 'pos-saas', new Date()),
      );
      expect(seeded).toBe(1);
      expect(
        await database.inWorkspace(posWs, (tx) => seedDemoStatus(tx, posWs, 'pos-saas', new Date())),
      ).toBe(0);
      const summary = (await t.app.inject({ url: '/status/pos-saas/api/v2/summary.json' })).json<{
        components: { name: string; uptime: { target: number; days: { level: string }[] } }[];
        scheduled_maintenances: { name: string; status: string }[];
      }>();
      // No vendor register: one component named after the product; the strictest plan promise (003#62).
      expect(summary.components.map((c) => [c.name, c.uptime.target])).toEqual([['POS SaaS', 99.99]]);
      expect(summary.components[0]!.uptime.days.every((d) => d.level !== 'no-data')).toBe(true);
      expect(summary.scheduled_maintenances).toEqual([
        expect.objectContaining({ name: 'Database upgrade', status: 'scheduled' }),
      ]);
    });

    it('reorders components on the page', async () => {
      const items = (await admin('GET', '/components')).json<{ items: { id: string; name: string }[] }>()
        .items;
      const reversed = [...items].reverse();
      const r = await admin('PUT', '/components/order', { ids: reversed.map((c) => c.id) });
      expect(r.statusCode, r.body).toBe(200);
      const body = await eventually('', (b) => b.indexOf('Public API') < b.indexOf('SofaCover Pro</h3>'));
      expect(body.indexOf('<h3>Platform</h3>')).toBeLessThan(body.indexOf('<h3>SofaCover Pro</h3>'));
    });
  });
}
