/** The real app as `opsbook serve` builds it, listening on loopback for a benchmark's load (no web root). */
import { pino } from 'pino';
import { buildApp } from '../src/api/app.js';
import { createMetrics } from '../src/api/metrics.js';
import { loadConfig } from '../src/config/config.js';
import { createKeyService } from '../src/security/keys.js';
import { createKeyring } from '../src/security/secrets.js';
import type { Database } from '../src/store/database.js';

/** Builds the app on `database` and listens on a free loopback port; returns the port. */
export async function listenBenchApp(database: Database): Promise<number> {
  const app = await buildApp({
    config: loadConfig({ PORT: '0', LOG_LEVEL: 'warn' }),
    database,
    metrics: createMetrics(),
    logger: pino({ level: 'warn' }, pino.destination(2)),
    webRoot: null,
    version: 'bench',
    now: () => new Date(),
    lifecycle: { shuttingDown: false },
    keys: createKeyService(database, createKeyring([{ id: 'bench', key: Buffer.alloc(32, 3) }])),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
