/**
 * Bad input gets a precise problem document and changes nothing: malformed JSON, wrong types, unknown
 * fields, oversized bodies, wrong content types, prototype poisoning, unknown routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../src/store/schema.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

const SIGN_IN = '/api/v1/auth/sign-in';

describe('bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ OPSBOOK_BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => t?.close());

  const post = (payload: string, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url: SIGN_IN, headers: { 'content-type': contentType }, payload });

  it('lists every bad field with a JSON pointer', async () => {
    const r = await post(JSON.stringify({ email: 'not-an-email', password: 42, remember: true }));
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const problem = r.json<{ code: string; errors: { pointer: string; message: string }[] }>();
    expect(problem.code).toBe('OPS_VALIDATION');
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
      '/body/email',
      '/body/password',
      '/body/remember',
    ]);
    expect(problem.errors.find((e) => e.pointer === '/body/remember')?.message).toMatch(/Unknown field/);
  });

  it('says where malformed JSON stops parsing', async () => {
    const r = await post('{"email": "a@b.c",');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'OPS_MALFORMED_JSON', detail: expect.any(String) });
  });

  it('refuses an empty JSON body', async () => {
    const r = await post('');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'OPS_MALFORMED_JSON' });
  });

  it('refuses prototype poisoning', async () => {
    const r = await post('{"email":"a@b.c","password":"x","__proto__":{"admin":true}}');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'OPS_MALFORMED_JSON' });
  });

  it('refuses a body over the limit with 413', async () => {
    const r = await post(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(5000) }));
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ code: 'OPS_BODY_TOO_LARGE' });
  });

  it('refuses a content type it does not speak with 415', async () => {
    const r = await post('email=a@b.c', 'application/x-www-form-urlencoded');
    expect(r.statusCode).toBe(415);
    expect(r.json()).toMatchObject({ code: 'OPS_UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers unknown routes with a problem, not HTML', async () => {
    const r = await t.app.inject({ url: '/api/v1/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'OPS_ROUTE_NOT_FOUND', detail: 'No route GET /api/v1/nope.' });
  });

  it('changed nothing: no session was created by any of the bad requests', async () => {
    const rows = await t.database.db.select().from(sessions);
    expect(rows).toEqual([]);
  });

  it('validates path parameters too, after authentication (a stranger learns nothing of the schema)', async () => {
    const url = `/api/v1/workspaces/${'x'.repeat(65)}/tasks`;
    const stranger = await t.app.inject({ url, headers: { cookie: 'opsbook_session=x' } });
    expect(stranger.json()).toMatchObject({ code: 'OPS_UNAUTHENTICATED' });
    const signedIn = await signInAs(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    const r = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${'x'.repeat(65)}`,
      headers: { cookie: signedIn.cookie, 'x-csrf-token': signedIn.csrfToken },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual([
      '/params/sessionId',
    ]);
  });
});
