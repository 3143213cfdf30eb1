/**
 * Smart Estate's user accounts follow their contacts (004#39: "suspend records rather than deleting active
 * users when there is uncertainty"), through inject() on PGlite: a registered contact whose account the
 * estate's activation made active is suspended and reinstated with PATCH …/contacts/{id}, and the engine's
 * `user-account` lifecycle moves with it in the same request; `POST …/events` cannot move it around the
 * contacts API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

type Session = Awaited<ReturnType<typeof signInAs>>;

describe('a contact suspended and reinstated moves its user account', () => {
  let t: TestApp;
  let owner: Session;
  let ws: string;
  const call = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${ws}${path}`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      ...(payload ? { payload } : {}),
    });
  const accountState = async (contactId: string) =>
    (await call('GET', `/subjects/${encodeURIComponent(`user:${contactId}`)}`)).json<{
      lifecycles: Record<string, string>;
    }>().lifecycles['user-account'];

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await signInAs(t.app, 'owner@smart-estate.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces.find((w) => w.slug === 'smart-estate')!.id;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('suspends and reinstates the account with the contact, and refuses the same through /events', async () => {
    expect((await call('POST', '/accounts', { id: 'EST-SUS', name: 'Lagoon Court' })).statusCode).toBe(201);
    const made = await call('POST', '/accounts/EST-SUS/contacts', {
      name: 'Farah Khan',
      phone: '+2348031234567',
      register: true,
    });
    expect(made.statusCode, made.body).toBe(201);
    const contact = made.json<{ id: string }>().id;
    expect(await accountState(contact)).toBe('pending');
    // As the estate's activation does (src/modules/customers/activation.ts).
    const engine = new Engine(t.database, databaseClock);
    await engine.handle(ws, {
      type: 'user.activated',
      subject: `user:${contact}`,
      data: {},
      actor: 'system',
    });
    expect(await accountState(contact)).toBe('active');

    const suspended = await call('PATCH', `/accounts/EST-SUS/contacts/${contact}`, { status: 'suspended' });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(await accountState(contact)).toBe('suspended');
    const reinstated = await call('PATCH', `/accounts/EST-SUS/contacts/${contact}`, { status: 'active' });
    expect(reinstated.statusCode, reinstated.body).toBe(200);
    expect(await accountState(contact)).toBe('active');

    const around = await call('POST', '/events', { type: 'user.deleted', user: contact });
    expect(around.statusCode).toBe(403);
    expect(await accountState(contact)).toBe('active');
  });
});
