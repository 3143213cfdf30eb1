/** Picks the engine from the configuration: DATABASE_URL means PostgreSQL, otherwise embedded PGlite. */
import type { Config } from '../config/config.js';
import type { Database } from './database.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export function openDatabase(
  config: Pick<
    Config,
    'databaseUrl' | 'migrationDatabaseUrl' | 'dataDir' | 'databasePoolMax' | 'embeddedSharedBuffersMb'
  >,
  options: { migrate?: boolean; onError?: (err: Error) => void } = {},
): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (config.databaseUrl) {
    return openPostgres({
      url: config.databaseUrl,
      migrationUrl: config.migrationDatabaseUrl,
      poolMax: config.databasePoolMax,
      migrate,
      onError: options.onError,
    });
  }
  return openPglite({ dataDir: config.dataDir, migrate, sharedBuffersMb: config.embeddedSharedBuffersMb });
}
