/**
 * The compliance report over HTTP (inject), signed in as the ShopSmart demo owner: JSON with the exact
 * figures of records the engine ran in a past period; the same URL asked for HTML, and /report.html, give
 * the printable page (the figures, the SOP's words, no script); a bad period or an unknown pack gets a
 * precise problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceReport } from '../../src/core/compliance.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

const START = Date.parse('2026-03-02T04:00:00Z');
const MIN = 60_000;
const PERIOD = 'from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z';

describe('compliance report API', () => {
  let t: TestApp;
  let cookie: string;
  let base: string;

  beforeAll(async () => {
    t = await buildTestApp();
    const session = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    cookie = session.cookie;
    const ws = session.me.workspaces.find((w) => w.slug === 'shopsmart')!.id;
    base = `/api/v1/workspaces/${ws}/compliance`;
    // Two P1 tickets in March: one answered in 10 minutes, one in 20 (SOP-002: first response 15 min).
    const clock = new ManualClock(new Date(START));
    const engine = new Engine(t.database, clock);
    const send = async (minutes: number, type: string, subject: string, data: Record<string, string>) => {
      clock.set(new Date(START + minutes * MIN));
      await engine.handle(ws, { type, subject, data, actor: 'test' });
    };
    await send(0, 'ticket.created', 'ticket:C1', { priority: 'p1', channel: 'email' });
    await send(0, 'ticket.created', 'ticket:C2', { priority: 'p1', channel: 'email' });
    await send(10, 'ticket.replied', 'ticket:C1', { by: 'agent' });
    await send(20, 'ticket.replied', 'ticket:C2', { by: 'agent' });
  }, 120_000);
  afterAll(async () => t?.close());

  const get = (url: string, accept = 'application/json') =>
    t.app.inject({ method: 'GET', url, headers: { cookie, accept } });

  it('answers JSON with the figures of each step of the pack version', async () => {
    const r = await get(`${base}?${PERIOD}`);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json<ComplianceReport>();
    expect(report.from).toBe('2026-03-01T00:00:00.000Z');
    const pack = report.packs.find((p) => p.packId === 'shopsmart-pro')!;
    const lines = pack.families.flatMap((f) => f.lines);
    const fr = lines.find((l) => l.step === 'first-response' && l.level === 'p1')!;
    expect([fr.met, fr.breached, fr.running, fr.percent, fr.targetPercent]).toEqual([1, 1, 0, 50, 100]);
    // Nothing else of the demo (run at today's date) falls in March.
    expect(pack.steps).toBe(lines.reduce((n, l) => n + l.total, 0));
    expect(lines.every((l) => l.total === 2)).toBe(true);
  });

  it('serves the printable page on the same URL for a browser, and at report.html, without script', async () => {
    for (const r of [
      await get(`${base}?${PERIOD}`, 'text/html'),
      await get(`${base}/report.html?${PERIOD}`),
    ]) {
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(r.headers['content-security-policy']).not.toMatch(/script-src/);
      expect(r.body).not.toMatch(/<script/i);
      expect(r.body).toContain('@media print');
      expect(r.body).toContain('ShopSmart');
      expect(r.body).toMatch(/Period: 2026-03-01 05:30 .* to 2026-03-03 05:30/);
      expect(r.body).toMatch(/version \d+\.\d+\.\d+/);
      // The figures and the SOP's words beside the step.
      expect(r.body).toMatch(/First response within 15 min[\s\S]*?<q>15 min<\/q>[\s\S]*?1 of 2[\s\S]*?50 %/);
      expect(r.body).toContain('generated');
    }
  });

  it('refuses a bad period or an unknown pack precisely, as a problem', async () => {
    const backwards = await get(`${base}?from=2026-03-03T00:00:00Z&to=2026-03-01T00:00:00Z`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.headers['content-type']).toMatch(/problem\+json/);
    expect(JSON.stringify(backwards.json())).toContain('/querystring/to');
    const notADate = await get(`${base}?from=yesterday`);
    expect(notADate.statusCode).toBe(400);
    expect(JSON.stringify(notADate.json())).toContain('from');
    const unknown = await get(`${base}?${PERIOD}&pack=no-such-pack`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ detail: string }>().detail).toContain('no-such-pack');
    const badId = await get(`${base}?pack=Not%20An%20Id`);
    expect(badId.statusCode).toBe(400);
  });

  it('is refused without a session', async () => {
    const r = await t.app.inject({ method: 'GET', url: `${base}?${PERIOD}` });
    expect(r.statusCode).toBe(401);
  });
});
