/**
 * The browser suites' set-up: the real server (embedded database, the built web app) listening on a free
 * port, and headless Chromium at /usr/bin/chromium. Without Chromium the suites skip, unless
 * OPSBOOK_TEST_REQUIRE_CHROMIUM=1 (CI) makes that an error.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { createMetrics } from '../../src/api/metrics.js';
import { loadConfig } from '../../src/config/config.js';
import { loadDemo } from '../../src/modules/admin/demo.js';
import type { KeyService } from '../../src/security/keys.js';
import { PACKAGE_ROOT, WEB_ROOT } from '../../src/shared/paths.js';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { describe } from 'vitest';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { testKeyService } from './keys.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.OPSBOOK_TEST_REQUIRE_CHROMIUM === '1') {
  throw new Error(`OPSBOOK_TEST_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing: apt-get install chromium`);
}
/** A suite that needs Chromium: skipped without it, and its name then says why. */
export const describeInBrowser = (name: string, suite: () => void) =>
  describe.skipIf(!hasChromium)(
    `${name}${hasChromium ? '' : ` (skipped: ${CHROMIUM} not found; apt-get install chromium)`}`,
    suite,
  );
/** The machine is slow and shared: every wait is generous. */
export const WAIT = 30_000;

/** A build takes a minute or two on this machine; a lock older than this was left by a killed run. */
const BUILD_LOCK_STALE_MS = 10 * 60_000;

/**
 * ensureBuilt under a lock: vitest runs the browser suites in parallel processes, and two Vite builds into
 * web/dist at once would empty it under a server that is already serving it. The first builds; the others
 * wait, then find the build fresh.
 */
async function ensureBuiltOnce(): Promise<void> {
  const lock = join(PACKAGE_ROOT, 'node_modules/.cache/opsbook-build.lock');
  mkdirSync(join(lock, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const heldMs = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (heldMs > BUILD_LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    await ensureBuilt({ web: true });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface BrowserApp {
  readonly baseUrl: string;
  /** The server's database, for what a test stores or runs beside the web app (the delivery dispatcher). */
  readonly database: Database;
  /** The key service the server seals and opens secrets with. */
  readonly keys: KeyService;
  /** A new browser (own cookies) whose script errors and CSP violations are collected in `problems`. */
  openPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  close(): Promise<void>;
}

/** Starts the server (with the demo loaded when `demo`) and Chromium; close() stops both. */
export async function startBrowserApp(options: { demo?: boolean } = {}): Promise<BrowserApp> {
  await ensureBuiltOnce();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
  let database: Database | undefined;
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  };
  try {
    const opened = await openPglite();
    database = opened;
    if (options.demo) await loadDemo(opened, new Date());
    const keys = testKeyService(opened);
    app = await buildApp({
      config,
      database: opened,
      keys,
      metrics: createMetrics(),
      logger: pino({ level: 'silent' }),
      webRoot: WEB_ROOT,
      version: 'test',
      now: () => new Date(),
      lifecycle: { shuttingDown: false },
    });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const started = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 60_000,
    });
    browser = started;
    return {
      baseUrl,
      database: opened,
      keys,
      async openPage() {
        const context = await started.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        page.setDefaultTimeout(WAIT);
        page.setDefaultNavigationTimeout(60_000);
        // Failed API calls (401 before sign-in, wrong codes) log "Failed to load resource": not problems.
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
            problems.push(message.text());
        });
        return { context, page, problems };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
