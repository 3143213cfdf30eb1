/**
 * Secrets never reach the app's logs (issue 5: "a test greps the captured logs for them"): the real app,
 * logging at trace level with the production redaction, through sign-in, a failed sign-in and a session.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, secretIn, signInAs } from '../support/app.js';

const WRONG_PASSWORD = 'pw-canary-41c7';

describe('app logs', () => {
  it('keeps passwords and session cookies out of the app logs (at trace level)', async () => {
    const logLines: string[] = [];
    const { app, close } = await buildTestApp({}, { logLines });
    try {
      const session = await signInAs(app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: DEMO_ADMIN_EMAIL, password: WRONG_PASSWORD },
      });
      expect(wrong.statusCode).toBeGreaterThanOrEqual(400);
      await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } });
      const text = logLines.join('');
      expect(logLines.length).toBeGreaterThan(0);
      for (const leak of [DEMO_PASSWORD, WRONG_PASSWORD, session.setCookie.value, session.csrfToken])
        expect(text).not.toContain(leak);
    } finally {
      await close();
    }
  });

  it('fails the test app that logs a secret: every test app of the suite is scanned at close', async () => {
    expect(secretIn('{"password":"hunter2"}')).toBe('an unredacted secret field');
    expect(secretIn('{"password":"[redacted]"}')).toBeNull();
    expect(secretIn('cookie: opsbook_session=abcdefghijklmnopqrstuvwxyz')).toBe('a session cookie');
    const t = await buildTestApp({}, { demo: false });
    t.app.log.info({ note: `pasted ${DEMO_PASSWORD} by mistake` }, 'a careless log line');
    await expect(t.close()).rejects.toThrow(/a secret reached the app's log:\nthe demo password/);
  });
});
