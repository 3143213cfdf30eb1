/** Builds the real HTTP app around a fresh embedded database with the demo loaded, for inject() tests. */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { createMetrics } from '../../src/api/metrics.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemo } from '../../src/modules/admin/demo.js';
import type { KeyService } from '../../src/security/keys.js';
import { LOG_REDACT } from '../../src/security/log-redact.js';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { testKeyService } from './keys.js';

export { testKeyring, testKeyService } from './keys.js';

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
  const logger = lines
    ? pino({ level: 'trace', redact: LOG_REDACT }, { write: (line: string) => void lines.push(line) })
    : pino({ level: 'silent' });
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
