/** The demo workspaces run their seed packs; members read the SOP and its versions through the API. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTimeline } from '../../src/engine/timeline.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, loadDemo } from '../../src/modules/admin/demo.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { markdownToSafeHtml } from '../../src/packs/html.js';
import { loadPack } from '../../src/packs/load.js';
import { packVersions } from '../../src/store/schema.js';
import { PACKS_DIR } from '../packs/support.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

describe('packs API', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signInAs>>;
  const ws = (slug: string) => admin.me.workspaces.find((w) => w.slug === slug)!.id;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signInAs(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
  });
  afterAll(async () => t?.close());

  it('lists the pack each demo workspace runs', async () => {
    const r = await t.app.inject({
      url: `/api/v1/workspaces/${ws('shopsmart')}/packs`,
      headers: { cookie: admin.cookie },
    });
    expect(r.statusCode).toBe(200);
    const items = r.json<{ items: { packId: string; version: string; hash: string; active: boolean }[] }>()
      .items;
    expect(items).toEqual([
      expect.objectContaining({ packId: 'shopsmart-pro', version: '1.0.0', active: true }),
    ]);
    expect(items[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves the rendered SOP as Markdown and safe HTML, with its versions', async () => {
    const r = await t.app.inject({
      url: `/api/v1/workspaces/${ws('pos-saas')}/packs/pos-saas`,
      headers: { cookie: admin.cookie },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json<{ markdown: string; html: string; versions: unknown[]; title: string }>();
    expect(body.markdown.startsWith(`# ${body.title}`)).toBe(true);
    expect(body.html).toContain('<table>');
    expect(body.html).not.toMatch(/<script/i);
    expect(body.versions).toHaveLength(1);
  });

  it('does not add a version when the same pack is loaded again, and records activations', async () => {
    await loadDemo(t.database, new Date());
    const r = await t.app.inject({
      url: `/api/v1/workspaces/${ws('smart-estate')}/packs/smart-estate`,
      headers: { cookie: admin.cookie },
    });
    expect(r.json<{ versions: unknown[] }>().versions).toHaveLength(1);
    const timeline = await t.database.inWorkspace(ws('smart-estate'), (tx) =>
      readTimeline(tx, 'pack:smart-estate'),
    );
    expect(timeline.map((e) => e.type)).toEqual(['pack.activated']);
  });

  it('activates a changed version, keeps the history, and shows what changed in meaning', async () => {
    const loaded = await loadPack(join(PACKS_DIR, 'shopsmart-pro'));
    if (!loaded.ok) throw new Error('shopsmart-pro does not load');
    // A new version of the pack: P2's resolution target moves from 24 to 25 hours.
    const dir = mkdtempSync(join(tmpdir(), 'opsbook-pack-'));
    cpSync(join(PACKS_DIR, 'shopsmart-pro'), dir, { recursive: true });
    const supportFile = join(dir, 'support.yaml');
    const text = readFileSync(supportFile, 'utf8');
    const p2Line = 'resolution: { within: 24 hours, calendar: always, since: created, quote: 24 hours }';
    expect(text).toContain(p2Line);
    writeFileSync(supportFile, text.replace(p2Line, p2Line.replace('within: 24 hours', 'within: 25 hours')));
    const changed = await loadPack(dir);
    if (!changed.ok) throw new Error('the changed pack does not load');
    const hash = changed.hash;
    expect(await activatePack(t.database, ws('shopsmart'), changed, 'usr_test', new Date())).toEqual({
      activated: true,
    });
    const url = `/api/v1/workspaces/${ws('shopsmart')}/packs/shopsmart-pro`;
    const doc = (await t.app.inject({ url, headers: { cookie: admin.cookie } })).json<{
      hash: string;
      versions: { hash: string; active: boolean }[];
    }>();
    expect(doc.hash).toBe(hash);
    expect(doc.versions.map((v) => v.active)).toEqual([true, false]);
    const diff = await t.app.inject({
      url: `${url}/diff?from=${loaded.hash}&to=${hash}`,
      headers: { cookie: admin.cookie },
    });
    expect(diff.statusCode).toBe(200);
    const { changes } = diff.json<{ changes: string[] }>();
    expect(changes).toHaveLength(1);
    expect(changes[0]).toBe('scales.support-priority.levels.p2.targets.resolution: within 1d → within 1d1h');
    const timeline = await t.database.inWorkspace(ws('shopsmart'), (tx) =>
      readTimeline(tx, 'pack:shopsmart-pro'),
    );
    expect(timeline.map((e) => e.data)).toEqual([
      expect.objectContaining({ hash: loaded.hash, previous: null }),
      expect.objectContaining({ hash, previous: { version: '1.0.0', hash: loaded.hash } }),
    ]);
    const bad = await t.app.inject({
      url: `${url}/diff?from=${'0'.repeat(64)}&to=${hash}`,
      headers: { cookie: admin.cookie },
    });
    expect(bad.statusCode).toBe(404);
  });

  it('never lets the app rewrite a stored version, only move the active flag', async () => {
    await expect(
      t.database.inWorkspace(ws('pos-saas'), (tx) => tx.update(packVersions).set({ hash: '0'.repeat(64) })),
    ).rejects.toThrow();
    await expect(
      t.database.inWorkspace(ws('pos-saas'), (tx) => tx.update(packVersions).set({ document: {} })),
    ).rejects.toThrow();
  });

  it("hides other workspaces' packs", async () => {
    const owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    const r = await t.app.inject({
      url: `/api/v1/workspaces/${ws('pos-saas')}/packs/pos-saas`,
      headers: { cookie: owner.cookie },
    });
    expect(r.statusCode).toBe(404);
    const unknown = await t.app.inject({
      url: `/api/v1/workspaces/${ws('shopsmart')}/packs/nope`,
      headers: { cookie: admin.cookie },
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('markdownToSafeHtml', () => {
  it('shows raw HTML as text and keeps only http(s) and mailto links', () => {
    const html = markdownToSafeHtml(
      'Hello <script>alert(1)</script> [x](javascript:alert(1)) [y](https://example.com)',
    );
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer">y</a>');
  });
});
