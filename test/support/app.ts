/** Builds the real HTTP app around a fresh embedded database with the demo loaded, for inject() tests. */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { createMetrics } from '../../src/api/metrics.js';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_PASSWORD, loadDemo } from '../../src/modules/admin/demo.js';
import type { KeyService } from '../../src/security/keys.js';
import { LOG_REDACT } from '../../src/security/log-redact.js';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { TEST_MASTER_KEY, testKeyService } from './keys.js';

export { testKeyring, testKeyService } from './keys.js';

/**
 * What must never be in a log line: the demo password, API tokens, session cookies, bearer headers, TOTP
 * URIs, the tests' master key, and any password, secret, token or code field that is not redacted.
 */
const LEAKS: readonly [string, RegExp][] = [
  ['the demo password', new RegExp(DEMO_PASSWORD)],
  ['an API token', /opsb_[A-Za-z0-9_-]{20,}/],
  ['a session cookie', /opsbook_session=[A-Za-z0-9_-]{20,}/],
  ['a bearer token', /Bearer [A-Za-z0-9_-]{20,}/],
  ['a TOTP secret', /otpauth:\/\/|secret=[A-Z2-7]{16,}/],
  ['the master key', new RegExp(TEST_MASTER_KEY.key.toString('base64').replace(/[+/]/g, '\\$&'))],
  ['an unredacted secret field', /"(password|secret|token|totpSecret|masterKey)":"(?!\[redacted\])[^"]+"/],
];

/** The first kind of secret found in a log line, or null. */
export function secretIn(line: string): string | null {
  for (const [what, re] of LEAKS) if (re.test(line)) return what;
  return null;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly keys: KeyService;
  readonly lifecycle: { shuttingDown: boolean };
  close(): Promise<void>;
}

export async function buildTestApp(
  env: Record<string, string> = {},
  options: {
    database?: Database;
    demo?: boolean;
    /** When given, the app logs everything (level trace, redacted as in production) into this array. */
    logLines?: string[];
  } = {},
): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const database = options.database ?? (await openPglite());
  if (options.demo !== false) await loadDemo(database, new Date());
  const lifecycle = { shuttingDown: false };
  const keys = testKeyService(database);
  const lines = options.logLines;
  // Every test app logs (debug level, redacted as in production) into a scan for secrets; close() fails
  // the test file when one got through, so no test of the suite can leak one unnoticed.
  const leaks: string[] = [];
  const logger = pino(
    { level: lines ? 'trace' : 'debug', redact: LOG_REDACT },
    {
      write: (line: string) => {
        lines?.push(line);
        const leak = secretIn(line);
        if (leak && leaks.length < 5) leaks.push(`${leak}: ${line.slice(0, 300)}`);
      },
    },
  );
  const app = await buildApp({
    config,
    database,
    keys,
    metrics: createMetrics(),
    logger,
    webRoot: null,
    version: 'test',
    now: () => new Date(),
    lifecycle,
  });
  await app.ready();
  return {
    app,
    database,
    keys,
    lifecycle,
    async close() {
      await app.close();
      await database.close();
      if (leaks.length > 0) throw new Error(`a secret reached the app's log:\n${leaks.join('\n')}`);
    },
  };
}

/** Signs in through the API; returns the cookie header and CSRF token to send. */
export async function signInAs(app: FastifyInstance, email: string, password: string, ip = '127.0.0.1') {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
    remoteAddress: ip,
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'opsbook_session');
  if (!cookie) throw new Error('no session cookie');
  const me = response.json<{ csrfToken: string; workspaces: { id: string; slug: string }[] }>();
  return { cookie: `opsbook_session=${cookie.value}`, csrfToken: me.csrfToken, me, setCookie: cookie };
}
