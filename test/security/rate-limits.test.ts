/**
 * Ingestion is rate limited per token (1,200 events a minute each): a flooding integration is answered
 * 429 with Retry-After, and another token of the same workspace is not slowed by it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

describe('ingestion rate limits', () => {
  let t: TestApp;
  let workspaceId = '';
  const tokens: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    const owner = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD);
    workspaceId = owner.me.workspaces[0]!.id;
    for (const name of ['flood', 'calm']) {
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${workspaceId}/tokens`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        payload: { name, scope: 'ingest' },
      });
      tokens.push(r.json<{ token: string }>().token);
    }
  }, 120_000);
  afterAll(async () => t?.close());

  const send = (token: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${workspaceId}/events`,
      headers: { authorization: `Bearer ${token}` },
      payload: { type: 'no.such.event' }, // refused quickly (400), but counted like any request
    });

  it('answers the 1,201st event of a minute from one token with 429, and not the other token', async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1200; i++) {
      const r = await send(tokens[0]!);
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
    }
    expect(statuses.get(429)).toBeUndefined();
    const limited = await send(tokens[0]!);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'OPS_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await send(tokens[1]!)).statusCode).toBe(400);
  }, 120_000);
});
