/** Builds the real HTTP app around a fresh embedded database with the demo loaded, for inject() tests. */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { createMetrics } from '../../src/api/metrics.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemo } from '../../src/modules/admin/demo.js';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly lifecycle: { shuttingDown: boolean };
  close(): Promise<void>;
}

export async function buildTestApp(
  env: Record<string, string> = {},
  options: { database?: Database; demo?: boolean } = {},
): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const database = options.database ?? (await openPglite());
  if (options.demo !== false) await loadDemo(database, new Date());
  const lifecycle = { shuttingDown: false };
  const app = await buildApp({
    config,
    database,
    metrics: createMetrics(),
    logger: pino({ level: 'silent' }),
    webRoot: null,
    version: 'test',
    now: () => new Date(),
    lifecycle,
  });
  await app.ready();
  return {
    app,
    database,
    lifecycle,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Signs in through the API; returns the cookie header and CSRF token to send. */
export async function signInAs(app: FastifyInstance, email: string, password: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'opsbook_session');
  if (!cookie) throw new Error('no session cookie');
  const me = response.json<{ csrfToken: string; workspaces: { id: string; slug: string }[] }>();
  return { cookie: `opsbook_session=${cookie.value}`, csrfToken: me.csrfToken, me, setCookie: cookie };
}
