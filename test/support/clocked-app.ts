/**
 * The real HTTP app for inject() tests on a clock the test holds: the demo is loaded at `now()` and the
 * app asks `now()` for the time, so a test moves time only when it means to.
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { createMetrics } from '../../src/api/metrics.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemo } from '../../src/modules/admin/demo.js';
import type { Database } from '../../src/store/database.js';
import { ENGINES } from './databases.js';
import { testKeyService } from './keys.js';

export interface ClockedApp {
  readonly app: FastifyInstance;
  readonly database: Database;
  close(): Promise<void>;
}

/** A fresh PGlite database with the demo, and the app around it, both on `now`. */
export async function buildClockedApp(now: () => Date): Promise<ClockedApp> {
  const opened = await ENGINES[0]!.open();
  const database = opened.database;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    await opened.close();
  };
  try {
    await loadDemo(database, now());
    app = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      database,
      keys: testKeyService(database),
      metrics: createMetrics(),
      logger: pino({ level: 'silent' }),
      webRoot: null,
      version: 'test',
      now,
      lifecycle: { shuttingDown: false },
    });
    await app.ready();
    return { app, database, close };
  } catch (err) {
    await close();
    throw err;
  }
}
