/** The help desk's dependencies, built once per app from its AppDeps. */
import type { AppDeps } from '../../api/deps.js';
import { databaseClock } from '../../engine/clock.js';
import { Engine } from '../../engine/engine.js';
import type { SupportContext } from './ticket-store.js';

export function supportContext(deps: Pick<AppDeps, 'database' | 'now' | 'config'>): SupportContext {
  return {
    database: deps.database,
    engine: new Engine(deps.database, databaseClock),
    now: deps.now,
    publicUrl: deps.config.publicUrl,
  };
}
