/**
 * The `opsbook` command as a user runs it, in child processes: help, exit codes 0/1/2, migrate, and
 * `serve` from start to a graceful SIGTERM shutdown; on PostgreSQL, an api and a worker process together.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../src/engine/outbox.js';
import { resolveToken } from '../../src/modules/access/tokens.js';
import { openPglite } from '../../src/store/pglite.js';
import { apiTokens, outbox } from '../../src/store/schema.js';
import { openPostgres } from '../../src/store/postgres.js';
import {
  PG_ADMIN_URL,
  createPostgresDatabase,
  postgresAvailable,
  postgresSkipReason,
} from '../support/databases.js';
import { runCli } from '../support/cli.js';
import { TEST_MASTER_KEY } from '../support/keys.js';
import { createWorkspace } from '../support/fixtures.js';

const CLI = ['--import', 'tsx', 'test/fixtures/opsbook-cli.ts'];
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn' };

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { LOG_LEVEL: 'warn', ...env });

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'opsbook-cli-'));

/** Starts `opsbook serve`, resolves with the URL it prints. */
async function startServe(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], {
    env: { ...baseEnv, PORT: '0', OPSBOOK_SUPPORT_SMTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let url: string | null = null;
  for await (const line of createInterface({ input: child.stdout })) {
    const m =
      /running at (http:\/\/\S+)/.exec(line) ??
      (/Opsbook worker is running/.test(line) ? ['', 'worker'] : null);
    if (m) {
      url = m[1]!;
      break;
    }
  }
  if (!url) throw new Error(`serve did not start: ${stderr}`);
  return { child, url, exited, stderr: () => stderr };
}

describe('opsbook CLI', () => {
  it('prints help with exit 0, and each command has --help', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/serve .*\n.*migrate/s);
    expect(run(['serve', '--help']).stdout).toContain('--role');
    expect(run(['migrate', '--help']).code).toBe(0);
  });

  it('exits 2 on bad usage: unknown command, unknown option, bad configuration', () => {
    const unknown = run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(run(['migrate', '--bogus']).code).toBe(2);
    const badConfig = run(['migrate'], { PORT: 'abc', OPSBOOK_ROLE: 'boss' });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/2 problem\(s\)[\s\S]*PORT: [\s\S]*OPSBOOK_ROLE: /);
    const split = run(['serve', '--role', 'worker'], { OPSBOOK_DATA: tempDir() });
    expect(split.code).toBe(2);
    expect(split.stderr).toContain('needs DATABASE_URL');
  });

  it('migrates an embedded database and reports its status', () => {
    const data = tempDir();
    const first = run(['migrate'], { OPSBOOK_DATA: data });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^(\d+) of \1 migrations applied \(pglite\)/);
    expect(run(['migrate', '--status'], { OPSBOOK_DATA: data }).code).toBe(0);
    expect(run(['migrate', '--status'], { OPSBOOK_DATA: tempDir() }).code).toBe(1);
  });

  it('creates a scoped API token from the command line, printed once and stored hashed', async () => {
    const data = tempDir();
    const database = await openPglite({ dataDir: data });
    const workspaceId = await createWorkspace(database, 'Token workspace');
    await database.close();
    const env = { OPSBOOK_DATA: data, OPSBOOK_MASTER_KEY: `test:${TEST_MASTER_KEY.key.toString('base64')}` };
    const made = run(
      ['token', 'create', '--workspace', workspaceId, '--role', 'ingest', '--name', 'alerts'],
      env,
    );
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const token = /opsb_[A-Za-z0-9_-]{43}/.exec(made.stdout)?.[0];
    expect(token).toBeDefined();
    expect(run(['token', 'create', '--workspace', workspaceId, '--role', 'root'], env).code).toBe(2);
    expect(run(['token', 'create', '--workspace', 'ws_nope', '--role', 'read'], env).code).toBe(1);
    const reopened = await openPglite({ dataDir: data });
    try {
      expect(await resolveToken(reopened, token!, new Date())).toMatchObject({
        workspaceId,
        scope: 'ingest',
      });
      const stored = await reopened.inWorkspace(workspaceId, (tx) => tx.select().from(apiTokens));
      expect(JSON.stringify(stored)).not.toContain(token!);
    } finally {
      await reopened.close();
    }
  });

  it('exits 1 with a precise message when the database is unreachable', () => {
    const r = run(['migrate'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the database');
  });

  it('serves until SIGTERM, then shuts down cleanly and frees the data folder', async () => {
    const data = tempDir();
    const server = await startServe([], { OPSBOOK_DATA: data });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(existsSync(join(data, 'opsbook.lock'))).toBe(true);
      const started = Date.now();
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      console.log(`RESULT shutdown_ms=${Date.now() - started}`);
      expect(existsSync(join(data, 'opsbook.lock'))).toBe(false);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('refuses a second process on the same data folder', async () => {
    const data = tempDir();
    const server = await startServe([], { OPSBOOK_DATA: data, OPSBOOK_DEMO: 'false' });
    try {
      const second = run(['migrate'], { OPSBOOK_DATA: data });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('OPS_DATA_DIR_LOCKED');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});

describe.runIf(postgresAvailable)(`opsbook serve on PostgreSQL${postgresSkipReason}`, () => {
  it('runs an api process and a worker process on one database, each with the unprivileged login', async () => {
    const db = await createPostgresDatabase();
    // The operator's one-time step: a login of its own for the application, with no other rights.
    const login = `opsbook_cli_${Date.now().toString(36)}`;
    await adminQuery(`CREATE ROLE ${login} LOGIN NOSUPERUSER NOBYPASSRLS`);
    const appUrl = new URL(db.appUrl);
    appUrl.username = login;
    // Both processes share one master key, as operators must configure it (else each makes its own file).
    const masterKey = `test:${TEST_MASTER_KEY.key.toString('base64')}`;
    const env = {
      DATABASE_URL: appUrl.toString(),
      OPSBOOK_MIGRATION_DATABASE_URL: db.url,
      OPSBOOK_MASTER_KEY: masterKey,
      OPSBOOK_DATA: tempDir(),
    };
    const migrated = run(['migrate'], env); // migrates as the owner and grants the login opsbook_app
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    const api = await startServe(['--role', 'api'], env);
    const worker = await startServe(['--role', 'worker'], { ...env, OPSBOOK_POLL_INTERVAL_MS: '100' });
    try {
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ engine: 'postgres' });
      expect(api.stderr() + worker.stderr()).not.toContain('BYPASSRLS');
      // The worker process claims work written by others: its dispatcher delivers an in-app message
      // another process recorded, which shows in its attempts.
      const owner = await openPostgres({ url: db.url, migrate: false });
      const ws = await createWorkspace(owner);
      await owner.inWorkspace(ws, (tx) =>
        enqueueMessage(tx, ws, {
          idempotencyKey: 'cli:1',
          channel: 'in-app',
          payload: { to: '', subject: 'From another process', text: 'Hello' },
        }),
      );
      let attempts = 0;
      for (let i = 0; i < 100 && attempts === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        attempts = (await owner.inWorkspace(ws, (tx) => tx.select().from(outbox)))[0]?.attempts ?? 0;
      }
      await owner.close();
      expect(attempts).toBeGreaterThan(0);
      api.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      expect(await worker.exited).toBe(0);
    } finally {
      api.child.kill('SIGKILL');
      worker.child.kill('SIGKILL');
      await db.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${login}`);
    }
  });
});
