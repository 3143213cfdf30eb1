/** Sign-in, sessions, CSRF and workspace visibility, through inject(). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

describe('sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('signs in with the demo login and sets an httpOnly, SameSite session cookie', async () => {
    const { setCookie, me } = await signInAs(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    expect(setCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(me.workspaces.map((w) => w.slug).sort()).toEqual([
      'company-ops',
      'pos-saas',
      'shopsmart',
      'smart-estate',
      'sofacover',
    ]);
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    for (const payload of [
      { email: DEMO_ADMIN_EMAIL, password: 'wrong' },
      { email: 'nobody@example.com', password: DEMO_PASSWORD },
    ]) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload });
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'OPS_INVALID_CREDENTIALS' });
      expect(r.cookies).toEqual([]);
    }
  });

  it('refuses a sign-in posted from another site, or from an opaque "null" origin', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { origin },
        payload: { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD },
      });
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ code: 'OPS_CSRF' });
    }
  });

  it('requires a session for /api/v1/me', async () => {
    const r = await t.app.inject({ url: '/api/v1/me' });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ code: 'OPS_UNAUTHENTICATED' });
    const forged = await t.app.inject({ url: '/api/v1/me', headers: { cookie: 'opsbook_session=forged' } });
    expect(forged.statusCode).toBe(401);
  });

  it('requires the CSRF token on state-changing requests', async () => {
    const { cookie, csrfToken, me } = await signInAs(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    const target = me.workspaces.find((w) => w.slug === 'sofacover')!;
    const without = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/workspace',
      headers: { cookie },
      payload: { workspaceId: target.id },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ code: 'OPS_CSRF' });
    const withToken = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/workspace',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: { workspaceId: target.id },
    });
    expect(withToken.statusCode).toBe(200);
    expect(withToken.json()).toMatchObject({ currentWorkspaceId: target.id });
    const after = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(after.json()).toMatchObject({ currentWorkspaceId: target.id });
  });

  it('ends the session on sign-out: the same cookie no longer works', async () => {
    const { cookie, csrfToken } = await signInAs(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-out',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it("shows a member only their own workspaces, and another workspace's id as not found", async () => {
    const admin = await signInAs(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    const sofacover = admin.me.workspaces.find((w) => w.slug === 'sofacover')!;
    const shopOwner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    expect(shopOwner.me.workspaces.map((w) => w.slug)).toEqual(['shopsmart']);
    const own = await t.app.inject({
      url: `/api/v1/workspaces/${shopOwner.me.workspaces[0]!.id}`,
      headers: { cookie: shopOwner.cookie },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ slug: 'shopsmart', timeZone: 'Asia/Kolkata', role: 'owner' });
    const other = await t.app.inject({
      url: `/api/v1/workspaces/${sofacover.id}`,
      headers: { cookie: shopOwner.cookie },
    });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ code: 'OPS_NOT_FOUND' });
    const switchTo = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/workspace',
      headers: { cookie: shopOwner.cookie, 'x-csrf-token': shopOwner.csrfToken },
      payload: { workspaceId: sofacover.id },
    });
    expect(switchTo.statusCode).toBe(404);
  });
});

describe('isSameSite (login CSRF)', () => {
  it('accepts no Origin, the public URL, and the Host the request was sent to; refuses others and "null"', async () => {
    const { isSameSite } = await import('../../src/api/routes/auth.js');
    const pub = 'https://ops.example.com';
    expect(isSameSite(undefined, 'x', pub)).toBe(true);
    expect(isSameSite('https://ops.example.com', '10.0.0.5:3000', pub)).toBe(true); // proxy rewrote Host
    expect(isSameSite('http://localhost:3000', 'localhost:3000', pub)).toBe(true);
    expect(isSameSite('https://evil.example', 'localhost:3000', pub)).toBe(false);
    expect(isSameSite('null', 'localhost:3000', pub)).toBe(false);
    expect(isSameSite('::not a url::', 'localhost:3000', pub)).toBe(false);
  });
});
