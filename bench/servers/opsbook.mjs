// The real Opsbook app (built), as `opsbook serve` runs it but with request logging at warn.
import { Buffer } from 'node:buffer';
import { pino } from 'pino';
import { buildApp } from '../../dist/api/app.js';
import { createMetrics } from '../../dist/api/metrics.js';
import { loadConfig } from '../../dist/config/config.js';
import { createKeyService } from '../../dist/security/keys.js';
import { createKeyring } from '../../dist/security/secrets.js';
import { announce, setUp } from './setup.mjs';

const setup = await setUp(process.argv[2]);
const app = await buildApp({
  config: loadConfig({ PORT: '0', LOG_LEVEL: 'warn' }),
  database: setup.database,
  metrics: createMetrics(),
  logger: pino({ level: 'warn' }),
  webRoot: null,
  version: 'bench',
  now: () => new Date(),
  lifecycle: { shuttingDown: false },
  keys: createKeyService(setup.database, createKeyring([{ id: 'bench', key: Buffer.alloc(32, 3) }])),
});
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server.address().port, setup);
process.once('SIGTERM', () => process.exit(0));
