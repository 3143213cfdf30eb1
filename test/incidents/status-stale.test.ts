/**
 * RELIABILITY R11: the status page while the database is down is served from its last snapshot, marked
 * stale with the time it dates from. On PostgreSQL the test's own database is made unreachable (new
 * connections refused, every open one terminated) and then reachable again; on the embedded engine the
 * database is closed under the running app. A page never read before cannot be made up: 503.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { invalidateStatusPage } from '../../src/modules/status/invalidate.js';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { blankDemoStatusPages } from './status-support.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import {
  createPostgresDatabase,
  PG_ADMIN_URL,
  postgresAvailable,
  postgresSkipReason,
} from '../support/databases.js';

const STALE_NOTICE = 'This page may be out of date.';

/** Reads the page until `check` holds or 20 s pass (the cache retries a dead database every 2 s). */
async function until(t: TestApp, url: string, check: (r: { statusCode: number; body: string }) => boolean) {
  let last = await t.app.inject({ url });
  for (let i = 0; i < 100 && !check(last); i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await t.app.inject({ url });
  }
  return last;
}

/** What both engines must show once their database is gone. */
async function expectServedStale(t: TestApp, workspaceId: string, fresh: { builtAt: string; body: string }) {
  invalidateStatusPage(workspaceId); // something changed: the page must be read again, and cannot be
  const page = await t.app.inject({ url: '/status/sofacover' });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(STALE_NOTICE);
  expect(page.body).toContain(`this is the status as of <time datetime="${fresh.builtAt}">`);
  expect(page.body).toContain('role="alert"');
  expect(page.body).not.toMatch(/<script/i);
  expect(page.headers['x-opsbook-stale-since']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  expect(page.headers['cache-control']).toBe('public, max-age=5');
  const summary = await t.app.inject({ url: '/status/sofacover/api/v2/summary.json' });
  expect(summary.statusCode).toBe(200);
  expect(summary.json()).toMatchObject({ stale: true, page: { updated_at: fresh.builtAt } });
  const feed = await t.app.inject({ url: '/status/sofacover/history.atom' });
  expect(feed.statusCode).toBe(200);
  // Never read while the database was up: nothing to show.
  const never = await t.app.inject({ url: '/status/shopsmart', headers: { accept: 'text/html' } });
  expect(never.statusCode).toBe(503);
  expect(never.headers['retry-after']).toBe('30');
  expect(never.body).not.toMatch(/<script/i);
  const neverJson = await t.app.inject({ url: '/status/shopsmart/api/v2/summary.json' });
  expect(neverJson.statusCode).toBe(503);
  expect(neverJson.json()).toMatchObject({ code: 'OPS_DATABASE_UNAVAILABLE' });
}

/** Reads the page once while the database is up; returns when its data was read. */
async function readFresh(t: TestApp) {
  const page = await t.app.inject({ url: '/status/sofacover' });
  expect(page.statusCode).toBe(200);
  expect(page.body).not.toContain(STALE_NOTICE);
  const summary = await t.app.inject({ url: '/status/sofacover/api/v2/summary.json' });
  await t.app.inject({ url: '/status/sofacover/history.atom' });
  return { builtAt: summary.json<{ page: { updated_at: string } }>().page.updated_at, body: page.body };
}

async function setUp(database: Database) {
  const t = await buildTestApp({}, { database });
  await blankDemoStatusPages(database);
  const owner = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD);
  const workspaceId = owner.me.workspaces[0]!.id;
  const created = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${workspaceId}/status/components/from-pack`,
    headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
  });
  expect(created.statusCode).toBe(200);
  return { t, workspaceId };
}

describe.runIf(postgresAvailable)(
  `R11: the status page with PostgreSQL unreachable${postgresSkipReason}`,
  () => {
    let created: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let database: Database;
    let t: TestApp;
    let workspaceId: string;
    const poolErrors: string[] = [];
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    const name = () => new URL(created.url).pathname.slice(1);

    beforeAll(async () => {
      created = await createPostgresDatabase();
      await created.migrate();
      database = await openPostgres({
        url: created.appUrl,
        poolMax: 4,
        migrate: false,
        onError: (err) => poolErrors.push(err.message),
      });
      ({ t, workspaceId } = await setUp(database));
    }, 120_000);
    afterAll(async () => {
      await admin(`alter database ${name()} allow_connections true`).catch(() => undefined);
      await t?.app.close();
      await database?.close().catch(() => undefined);
      await created?.drop();
    });

    it('serves the last snapshot marked stale while the database refuses connections, and fresh once it is back', async () => {
      const fresh = await readFresh(t);
      await admin(`alter database ${name()} allow_connections false`);
      await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name()}'`);
      await expectServedStale(t, workspaceId, fresh);
      // Many readers while it is down: every one served, none waiting on the dead database.
      const burst = await Promise.all(
        Array.from({ length: 50 }, () => t.app.inject({ url: '/status/sofacover' })),
      );
      expect(burst.map((r) => r.statusCode)).toEqual(Array.from({ length: 50 }, () => 200));

      await admin(`alter database ${name()} allow_connections true`);
      const back = await until(
        t,
        '/status/sofacover',
        (r) => r.statusCode === 200 && !r.body.includes(STALE_NOTICE),
      );
      expect(back.body).not.toContain(STALE_NOTICE);
      const summary = (await t.app.inject({ url: '/status/sofacover/api/v2/summary.json' })).json<{
        stale: boolean;
        page: { updated_at: string };
      }>();
      expect(summary.stale).toBe(false);
      expect(summary.page.updated_at > fresh.builtAt).toBe(true);
      expect((await t.app.inject({ url: '/status/shopsmart' })).statusCode).toBe(200);
    }, 60_000);
  },
);

describe('R11: the status page with the embedded database closed', () => {
  it('serves the last snapshot marked stale', async () => {
    const database = await openPglite();
    const { t, workspaceId } = await setUp(database);
    try {
      const fresh = await readFresh(t);
      await database.close();
      await expectServedStale(t, workspaceId, fresh);
    } finally {
      await t.app.close();
    }
  }, 60_000);
});
