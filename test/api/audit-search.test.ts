/**
 * The audit log's search and export through inject() on PGlite: entries found by the start of their action
 * and actor, their exact target, and by when; the export streams every match oldest first, as JSON lines numbered
 * without a gap and each with its hash, or as CSV with formula-like values defused; the export is itself
 * audited; bad filters are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { csvField } from '../../src/modules/access/audit-search.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  data: Record<string, unknown>;
  hash: string;
}

describe('audit search and export', () => {
  let t: TestApp;
  let owner: Session;
  let ws: string;
  const call = (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${ws}${path}`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await signInAs(t.app, 'owner@pos-saas.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces.find((w) => w.slug === 'pos-saas')!.id;
    for (const name of ['ci', 'billing', 'backup']) {
      const made = await call('POST', '/tokens', { name, scope: 'read' });
      expect(made.statusCode, made.body).toBe(201);
    }
    const tokens = (await call('GET', '/tokens')).json<{ items: { id: string; name: string }[] }>().items;
    const ci = tokens.find((x) => x.name === 'ci')!;
    expect((await call('DELETE', `/tokens/${ci.id}`)).statusCode).toBeLessThan(300);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('finds entries by the start of their action and actor, their exact target, and by when', async () => {
    const tokens = (await call('GET', '/audit?action=token.')).json<{ items: Entry[] }>().items;
    expect(tokens.map((e) => e.action)).toEqual([
      'token.revoked',
      'token.created',
      'token.created',
      'token.created',
    ]);
    const revoked = (await call('GET', '/audit?action=token.revoked')).json<{ items: Entry[] }>().items;
    expect(revoked).toHaveLength(1);
    const byTarget = (await call('GET', `/audit?target=${encodeURIComponent(revoked[0]!.target)}`)).json<{
      items: Entry[];
    }>().items;
    expect(byTarget.map((e) => e.action)).toContain('token.revoked');
    const actor = revoked[0]!.actor;
    expect(
      (await call('GET', `/audit?actor=${encodeURIComponent(actor)}&action=token.`)).json<{
        items: unknown[];
      }>().items,
    ).toHaveLength(4);
    expect((await call('GET', '/audit?actor=nobody')).json()).toEqual({ items: [] });
    // `%` and `_` are literal, not wildcards.
    expect((await call('GET', '/audit?action=%25')).json()).toEqual({ items: [] });
    const at = revoked[0]!.at;
    const until = (await call('GET', `/audit?action=token.&to=${encodeURIComponent(at)}`)).json<{
      items: Entry[];
    }>();
    expect(until.items.map((e) => e.action)).toEqual(['token.created', 'token.created', 'token.created']);
    const since = (await call('GET', `/audit?action=token.&from=${encodeURIComponent(at)}`)).json<{
      items: Entry[];
    }>();
    expect(since.items.map((e) => e.action)).toEqual(['token.revoked']);
    const bad = await call('GET', '/audit?from=yesterday&colour=red');
    expect(bad.statusCode).toBe(400);
  });

  it('exports every entry oldest first as chained JSON lines, and as CSV', async () => {
    const ndjson = await call('GET', '/audit/export');
    expect(ndjson.statusCode).toBe(200);
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(ndjson.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.ndjson"$/,
    );
    const entries = ndjson.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Entry);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    // The export itself is the last entry.
    expect(entries.at(-1)).toMatchObject({ action: 'audit.exported', data: { format: 'ndjson' } });
    const verdict = (await call('GET', '/audit/verify')).json<{ ok: boolean; head: { hash: string } }>();
    expect(verdict.ok).toBe(true);
    expect(new Set(entries.map((e) => e.hash)).size).toBe(entries.length);
    expect(entries.at(-1)!.hash).toMatch(/^[0-9a-f]{64}$/);

    const csv = await call('GET', '/audit/export?format=csv&action=token.');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor,action,target,data,hash');
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual([
      'token.created',
      'token.created',
      'token.created',
      'token.revoked',
    ]);
    const exported = (await call('GET', '/audit?action=audit.exported')).json<{ items: Entry[] }>().items;
    expect(exported.map((e) => e.data.format)).toEqual(['csv', 'ndjson']);
  });

  it('defuses formula-like CSV values and quotes what needs it', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(42)).toBe('42');
    expect(csvField('user:u1')).toBe('user:u1');
  });
});
