/** What the HTTP app is built from: passed in whole, so tests build it around their own database. */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.js';
import type { KeyService } from '../security/keys.js';
import type { Database } from '../store/database.js';
import type { Metrics } from './metrics.js';

export interface AppDeps {
  readonly config: Config;
  readonly database: Database;
  /** Seals and opens stored secrets (credentials, webhook and TOTP secrets) under per-owner data keys. */
  readonly keys: KeyService;
  readonly metrics: Metrics;
  readonly logger: FastifyBaseLogger;
  /** The built web app (index.html and assets); null serves the API only. */
  readonly webRoot: string | null;
  readonly version: string;
  /** Wall-clock time for sessions and cookies. */
  readonly now: () => Date;
  /** Set by the shell when SIGTERM arrives: /readyz answers 503 so load balancers drain us. */
  readonly lifecycle: { shuttingDown: boolean };
}
