/**
 * What the incident system's use cases are built from (alerts, incidents, monitors, on-call, the status
 * page): built once per app or worker, passed in whole so tests build it around their own database.
 */
import type { Config } from '../../config/config.js';
import { databaseClock } from '../../engine/clock.js';
import { Engine } from '../../engine/engine.js';
import type { Database } from '../../store/database.js';

export interface IncidentsContext {
  readonly database: Database;
  readonly engine: Engine;
  /** Wall-clock time for what is not decided by the engine (the engine reads the database clock). */
  readonly now: () => Date;
  /** The public URL, for links in messages (status page, incident room, heartbeat ping URLs). */
  readonly publicUrl: string;
}

export function incidentsContext(deps: {
  readonly database: Database;
  readonly now: () => Date;
  readonly config: Pick<Config, 'publicUrl'>;
}): IncidentsContext {
  return {
    database: deps.database,
    engine: new Engine(deps.database, databaseClock),
    now: deps.now,
    publicUrl: deps.config.publicUrl,
  };
}
