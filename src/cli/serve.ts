/**
 * `opsbook serve`: opens the database (migrating it), loads the demo, starts the HTTP server and/or the
 * worker, and shuts down gracefully on SIGTERM/SIGINT: stop accepting, finish in-flight requests and the
 * work item in hand, hand back leases, close the database.
 */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from '../api/app.js';
import { createMetrics } from '../api/metrics.js';
import type { Config, ProcessRole } from '../config/config.js';
import { databaseClock } from '../engine/clock.js';
import { ENGINE_TIMER, Engine } from '../engine/engine.js';
import { ACTION_NAG_TIMER, actionNagHandler } from '../modules/incidents/review.js';
import { PAGE_TIMER, pageTimerHandler } from '../modules/incidents/paging.js';
import { MAINTENANCE_TIMER, maintenanceTimerHandler } from '../modules/status/maintenance.js';
import { REVIEW_DIGEST_TIMER, reviewDigestTimerHandler } from '../modules/customers/digest.js';
import { incidentsContext } from '../modules/incidents/context.js';
import { monitoringContext } from '../modules/monitoring/context.js';
import { HEARTBEAT_TIMER } from '../modules/monitoring/heartbeat-state.js';
import { heartbeatTimerHandler } from '../modules/monitoring/pings.js';
import { type HealthCheckScheduler, startHealthChecks } from '../intake/health-checks.js';
import { Worker } from '../engine/worker.js';
import { OpsError } from '../errors/catalog.js';
import { startSupportSmtp, type RunningSupportSmtp } from '../intake/support-smtp.js';
import { loadDemo, type DemoLogin } from '../modules/admin/demo.js';
import { startDelivery, type RunningDelivery } from '../modules/notifications/runtime.js';
import { PACK_REVIEW_TIMER, raisePackReviewTask } from '../modules/packs/review.js';
import { supportContext } from '../modules/support/context.js';
import { createKeyService } from '../security/keys.js';
import { LOG_REDACT } from '../security/log-redact.js';
import { loadMasterKeyring } from '../security/master-key.js';
import { newId } from '../shared/ids.js';
import { WEB_ROOT, packageVersion } from '../shared/paths.js';
import type { Database } from '../store/database.js';
import { openDatabase } from '../store/open.js';

export interface Running {
  readonly url: string | null;
  readonly database: Database;
  readonly logins: readonly DemoLogin[];
  /** The help desk's SMTP listener (`<slug>@domain`), when this process runs the API and it is on. */
  readonly supportSmtp: { readonly host: string; readonly port: number } | null;
  stop(): Promise<void>;
}

/** The process's logger; secrets in headers and secret-named fields are masked (src/security/log-redact.ts). */
export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'opsbook' }, redact: LOG_REDACT });
}

/** Starts what `role` asks for; returns a handle whose stop() is the graceful shutdown. */
export async function startServer(config: Config, role: ProcessRole, logger: Logger): Promise<Running> {
  if (!config.databaseUrl && role !== 'all') {
    throw new OpsError(
      'OPS_CONFIG_INVALID',
      `--role ${role} needs DATABASE_URL: the embedded database belongs to one process, which must run both the API and the worker. Set DATABASE_URL=postgres://… or use --role all.`,
    );
  }
  // Before the database opens, so a bad key refuses to start without leaving anything open.
  const masterKeys = loadMasterKeyring(config, { warn: (message) => logger.warn(message) }, new Date());
  const database = await openDatabase(config, {
    onError: (err) => logger.error({ err }, 'database connection error'),
  });
  if (database.engine === 'postgres' && database.loginCanBypassRls) {
    logger.warn(
      'DATABASE_URL logs in as a superuser or BYPASSRLS role: queries run as opsbook_app, but injected SQL could switch back. Give the application its own login (docs/operations.md) and keep this one in OPSBOOK_MIGRATION_DATABASE_URL.',
    );
  }
  const keys = createKeyService(database, masterKeys);
  const metrics = createMetrics();
  const lifecycle = { shuttingDown: false };
  let app: FastifyInstance | null = null;
  let worker: Worker | null = null;
  let delivery: RunningDelivery | null = null;
  let supportSmtp: RunningSupportSmtp | null = null;
  let healthChecks: HealthCheckScheduler | null = null;
  const stopAll = async (drainMs: number) => {
    lifecycle.shuttingDown = true; // /readyz answers 503 from now on
    if (app && drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
    await supportSmtp?.stop(); // mail in flight gets its answer; senders retry the rest elsewhere or later
    await app?.close(); // stops accepting, waits for in-flight requests
    await healthChecks?.stop(); // runs in flight are recorded, the rest of the claims handed back
    await worker?.stop(); // finishes the item in hand, hands back leases
    await delivery?.stop(); // finishes the sends in hand, hands back the rest
    await database.close();
  };
  try {
    const logins =
      config.loadDemo && role !== 'worker'
        ? await loadDemo(database, new Date(), (message) => logger.error(message))
        : [];
    let url: string | null = null;
    if (role !== 'worker') {
      app = await buildApp({
        config,
        database,
        keys,
        metrics,
        logger,
        webRoot: WEB_ROOT,
        version: packageVersion(),
        now: () => new Date(),
        lifecycle,
      });
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url =
        config.publicUrl === `http://localhost:${config.port}`
          ? `http://localhost:${port}`
          : config.publicUrl;
      // Support mail is intake, like the API: it runs where the API runs.
      if (config.supportSmtpPort !== null)
        supportSmtp = await startSupportSmtp({
          support: supportContext({ database, now: () => new Date(), config }),
          log: logger,
          host: config.supportSmtpHost,
          port: config.supportSmtpPort,
          domain: config.supportDomain,
          maxBytes: config.supportMaxBytes,
          trustedAuthservIds: config.supportAuthservIds,
        });
    }
    if (role !== 'api') {
      const monitoring = monitoringContext(
        incidentsContext({ database, now: () => new Date(), config }),
        config.outboundAllow,
      );
      worker = new Worker({
        database,
        workerId: newId('wrk', Date.now()),
        clock: databaseClock,
        leaseSeconds: config.leaseSeconds,
        pollIntervalMs: config.pollIntervalMs,
        batchSize: config.workerBatchSize,
        log: logger,
        observe: (event) => metrics.observeWorker(event),
        timerHandlers: {
          [PACK_REVIEW_TIMER]: raisePackReviewTask,
          [ENGINE_TIMER]: new Engine(database, databaseClock).timerHandler,
          [ACTION_NAG_TIMER]: actionNagHandler,
          [PAGE_TIMER]: pageTimerHandler,
          [MAINTENANCE_TIMER]: maintenanceTimerHandler({ publicUrl: config.publicUrl }),
          [REVIEW_DIGEST_TIMER]: reviewDigestTimerHandler({ publicUrl: config.publicUrl }),
          [HEARTBEAT_TIMER]: heartbeatTimerHandler(monitoring),
        },
      });
      await worker.start();
      healthChecks = startHealthChecks({ ctx: monitoring, workerId: newId('wrk', Date.now()), log: logger });
      delivery = await startDelivery({
        config,
        database,
        keys,
        clock: databaseClock,
        workerId: newId('dsp', Date.now()),
        log: logger,
        observe: (event) => metrics.observeWorker(event),
      });
    }
    let stopping: Promise<void> | undefined;
    return {
      url,
      database,
      logins,
      supportSmtp: supportSmtp ? { host: supportSmtp.host, port: supportSmtp.port } : null,
      stop: () => (stopping ??= stopAll(config.shutdownDrainMs)),
    };
  } catch (err) {
    // A port in use or a failed demo load: release what was opened so the process can exit at once.
    await stopAll(0).catch(() => undefined);
    throw err;
  }
}

/** Runs until SIGTERM/SIGINT, then shuts down within the configured time. */
export async function serveUntilSignalled(config: Config, role: ProcessRole): Promise<void> {
  const logger = createLogger(config);
  const running = await startServer(config, role, logger);
  printBanner(running, role, config);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting anyway');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      force.unref();
      running.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}

function printBanner(running: Running, role: ProcessRole, config: Config): void {
  const lines = [''];
  const engine = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
  if (running.url) lines.push(`  Opsbook is running at ${running.url}  (role: ${role}, database: ${engine})`);
  else lines.push(`  Opsbook worker is running  (database: ${engine})`);
  if (running.supportSmtp)
    lines.push(
      `  Support mail: smtp://${running.supportSmtp.host}:${running.supportSmtp.port}, to <workspace-slug>@${config.supportDomain}`,
    );
  if (running.logins.length > 0) {
    lines.push('', '  Demo logins (password for all: ' + (running.logins[0]?.password ?? '') + '):');
    for (const login of running.logins)
      lines.push(`    ${login.email.padEnd(28)} ${login.workspaces.join(', ')}`);
  }
  lines.push('', '  Press Ctrl+C to stop.', '');
  process.stdout.write(lines.join('\n') + '\n');
}
