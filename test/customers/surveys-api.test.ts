/**
 * Survey routes through inject() on PGlite: the page a link opens (a scanner opening it answers nothing),
 * the answer by the page's form and by JSON, one answer per invitation (409 the second time, nothing
 * changed), a wrong token (404) and a score off the scale (400) refused, the in-app answer by id, an
 * account's invitations and each survey's results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { inviteToSurvey } from '../../src/modules/customers/surveys.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

type Session = Awaited<ReturnType<typeof signInAs>>;

describe('survey routes', () => {
  let t: TestApp;
  let owner: Session;
  let ws: string;
  const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${ws}${path}`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      ...(payload ? { payload } : {}),
    });
  const invite = async (user: string, messageId: string) =>
    t.database.inWorkspace(ws, (tx) =>
      inviteToSurvey(tx, ws, {
        survey: 'nps-day-30',
        scale: 'nps',
        subject: `user:${user}`,
        accountId: 'shop_api',
        messageId,
        at: new Date(),
      }),
    );

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces.find((w) => w.slug === 'shopsmart')!.id;
    expect((await call('POST', '/accounts', { id: 'shop_api', name: 'Api Store' })).statusCode).toBe(201);
    const contact = await call('POST', '/accounts/shop_api/contacts', {
      name: 'Ramesh Gupta',
      phone: '+919812300001',
      register: true,
    });
    expect(contact.statusCode, contact.body).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('shows the form without answering, then takes one answer by the form', async () => {
    const contacts = (await call('GET', '/accounts/shop_api/contacts')).json<{ items: { id: string }[] }>();
    const user = contacts.items[0]!.id;
    const { id, token } = await invite(user, 'msg_form');
    const page = await t.app.inject({ method: 'GET', url: `/survey/${ws}/${id}?t=${token}&score=9` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('value="9" required checked');
    expect(page.body).toContain(`action="/api/v1/surveys/${ws}/${id}"`);
    expect((await call('GET', '/accounts/shop_api/surveys')).json()).toMatchObject({
      invitations: [{ id, answeredAt: null }],
    });
    const wrong = await t.app.inject({ method: 'GET', url: `/survey/${ws}/${id}?t=nope` });
    expect(wrong.statusCode).toBe(404);

    const form = (score: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/surveys/${ws}/${id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        payload: `t=${token}&score=${score}&comment=Missing+GST+invoices`,
      });
    expect((await form('12')).statusCode).toBe(400);
    // No choice is not a 0 (a detractor): refused, nothing recorded.
    expect((await form('')).statusCode).toBe(400);
    expect((await form('1e1')).statusCode).toBe(400);
    const answered = await form('8');
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.body).toContain('8 of 10');
    const again = await form('10');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('one answer');
    const after = await t.app.inject({ method: 'GET', url: `/survey/${ws}/${id}?t=${token}` });
    expect(after.body).toContain('You answered this survey');
    const list = (await call('GET', '/accounts/shop_api/surveys')).json<{
      invitations: { score: number; comment: string; answeredVia: string }[];
    }>();
    expect(list.invitations[0]).toMatchObject({
      score: 8,
      comment: 'Missing GST invoices',
      answeredVia: 'link',
    });
  });

  it('answers JSON clients with the precise error, and takes in-app answers by id', async () => {
    const { id, token } = await invite('u_json', 'msg_json');
    const post = (body: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1/surveys/${ws}/${id}`, payload: body });
    expect((await post({ t: 'x'.repeat(32), score: 9 })).json()).toMatchObject({ code: 'OPS_NOT_FOUND' });
    expect((await post({ t: token, score: 9.5 })).json()).toMatchObject({ code: 'OPS_VALIDATION' });
    expect((await post({ t: token, score: 11 })).json()).toMatchObject({
      code: 'OPS_VALIDATION',
      detail: expect.stringContaining('0 to 10'),
    });

    const contacts = (await call('GET', '/accounts/shop_api/contacts')).json<{ items: { id: string }[] }>();
    const inApp = await invite(contacts.items[0]!.id, 'msg_in_app');
    const first = await call('POST', `/survey-invitations/${inApp.id}/answer`, { score: 10 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ score: 10, answeredVia: 'api' });
    const second = await call('POST', `/survey-invitations/${inApp.id}/answer`, { score: 2 });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'OPS_SURVEY_ANSWERED' });
    const missing = await call('POST', '/survey-invitations/sv_0000000000000000000000000/answer', {
      score: 2,
    });
    expect(missing.statusCode).toBe(404);

    const results = await call('GET', '/surveys');
    expect(results.statusCode).toBe(200);
    expect(results.json()).toMatchObject({
      surveys: [{ survey: 'nps-day-30', invited: 3, answers: 2, score: 50, responseRate: 67 }],
    });
  });
});
