/** Secrets are masked in logs (issue 5, S7): the redaction options, alone and in the running app. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACT } from '../../src/security/log-redact.js';

const CANARIES = {
  password: 'pw-canary-41c7',
  token: 'tok-canary-9e2a',
  authorization: 'Bearer auth-canary-55d0',
  cookie: 'opsbook_session=cookie-canary-1b3f',
  setCookie: 'opsbook_session=set-cookie-canary-77aa',
  secret: 'secret-canary-c0de',
  totpSecret: 'JBSWY3DPCANARY3PXP',
  masterKey: 'k1:master-canary-0f0f',
  code: '287082',
};

function capture() {
  const lines: string[] = [];
  const log = pino({ level: 'trace', redact: LOG_REDACT }, { write: (l: string) => void lines.push(l) });
  return { lines, log };
}

describe('log redaction', () => {
  it('masks secret fields up to three levels deep and credential headers', () => {
    const { lines, log } = capture();
    log.info({ password: CANARIES.password, code: CANARIES.code }, 'top level');
    log.info({ body: { token: CANARIES.token, totpSecret: CANARIES.totpSecret } }, 'one down');
    log.info({ user: { mfa: { secret: CANARIES.secret, code: CANARIES.code } } }, 'two down');
    log.info({ config: { masterKey: CANARIES.masterKey } }, 'config');
    log.info(
      {
        req: { headers: { authorization: CANARIES.authorization, cookie: CANARIES.cookie } },
        res: { headers: { 'set-cookie': CANARIES.setCookie } },
      },
      'headers',
    );
    log.child({ password: CANARIES.password }).warn('child bindings');
    const text = lines.join('');
    for (const canary of Object.values(CANARIES)) expect(text).not.toContain(canary);
    expect(text.match(/\[redacted\]/g)).toHaveLength(11);
  });

  it("keeps an error's code, which operators need and which is no secret", () => {
    const { lines, log } = capture();
    const err = Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
    log.error({ err }, 'database connection error');
    log.error({ err: Object.assign(new Error('unique'), { code: '23505' }) }, 'sql');
    log.error({ err: Object.assign(new Error('ops'), { code: 'OPS_NOT_FOUND' }) }, 'ops');
    const text = lines.join('');
    expect(text).toContain('"code":"ECONNREFUSED"');
    expect(text).toContain('"code":"23505"');
    expect(text).toContain('"code":"OPS_NOT_FOUND"');
  });
});
