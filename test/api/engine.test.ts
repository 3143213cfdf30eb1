/**
 * The engine over HTTP: an event is checked against the catalog, decided and committed before the answer;
 * a record shows its clocks with their derivations; bad events change nothing; strangers see nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

describe('engine API', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signInAs>>;
  const ws = (slug: string) => admin.me.workspaces.find((w) => w.slug === slug)!.id;
  const send = (workspaceId: string, payload: Record<string, unknown>, session = admin) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${workspaceId}/events`,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      payload,
    });

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signInAs(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
  });
  afterAll(async () => t?.close());

  it('decides a P0 ticket and shows its clocks with the derivation of each due time', async () => {
    const r = await send(ws('sofacover'), {
      type: 'ticket.created',
      ticket: 'T1',
      priority: 'p0',
      channel: 'phone-support',
    });
    expect(r.statusCode).toBe(202);
    const body = r.json<{ subject: string; effects: { type: string; clock?: string }[] }>();
    expect(body.subject).toBe('ticket:T1');
    expect(body.effects).toContainEqual(expect.objectContaining({ type: 'clock.start', clock: 'response' }));

    const view = await t.app.inject({
      url: `/api/v1/workspaces/${ws('sofacover')}/subjects/ticket:T1`,
      headers: { cookie: admin.cookie },
    });
    expect(view.statusCode).toBe(200);
    const subject = view.json<{
      pack: { id: string };
      clocks: { id: string; phase: string; derivation: string }[];
    }>();
    expect(subject.pack.id).toBe('sofacover-pro');
    const response = subject.clocks.find((c) => c.id === 'response');
    expect(response?.phase).toBe('running');
    expect(response?.derivation).toMatch(/^due \w{3} \d\d:\d\d \S+: 15 min of wall-clock time/);
  });

  it('refuses an event that does not match the catalog, field by field, and changes nothing', async () => {
    const r = await send(ws('sofacover'), {
      type: 'ticket.created',
      ticket: 'T2',
      priority: 7,
      colour: 'red',
    });
    expect(r.statusCode).toBe(400);
    const problem = r.json<{ code: string; errors: { pointer: string }[] }>();
    expect(problem.code).toBe('OPS_VALIDATION');
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
      '/body/channel',
      '/body/colour',
      '/body/priority',
    ]);
    const view = await t.app.inject({
      url: `/api/v1/workspaces/${ws('sofacover')}/subjects/ticket:T2`,
      headers: { cookie: admin.cookie },
    });
    expect(view.statusCode).toBe(404);
    const unknown = await send(ws('sofacover'), { type: 'ticket.exploded', ticket: 'T2' });
    expect(unknown.statusCode).toBe(400);
  });

  it('answers 404 for an event about a record never created, and for a workspace you are not in', async () => {
    const r = await send(ws('sofacover'), { type: 'ticket.replied', ticket: 'T404', by: 'agent' });
    expect(r.statusCode).toBe(404);
    const owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    const foreign = await send(
      ws('sofacover'),
      { type: 'ticket.created', ticket: 'T3', priority: 'p0', channel: 'phone-support' },
      owner,
    );
    expect(foreign.statusCode).toBe(404);
    const read = await t.app.inject({
      url: `/api/v1/workspaces/${ws('sofacover')}/subjects/ticket:T1`,
      headers: { cookie: owner.cookie },
    });
    expect(read.statusCode).toBe(404);
  });

  it('needs the CSRF token to send', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${ws('sofacover')}/events`,
      headers: { cookie: admin.cookie },
      payload: { type: 'ticket.created', ticket: 'T5', priority: 'p0', channel: 'phone-support' },
    });
    expect(r.statusCode).toBe(403);
  });
});
