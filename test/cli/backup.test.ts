/**
 * `opsbook backup` and `opsbook restore` as an operator runs them (child processes, real engines): on each
 * engine a database with the demo workspaces and audit entries is backed up and restored into a fresh one,
 * every table's rows compare equal and the audit chains verify; a flipped byte, a truncated file, a wrong
 * migration level and a non-empty target without --yes are refused and change nothing. Then PGlite →
 * PostgreSQL, psql loading a dump as pg_dump's output, and the refusals about who may run them.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCOUNT_CHAIN, appendAccountAudit, appendAudit } from '../../src/modules/access/audit.js';
import { loadDemo } from '../../src/modules/admin/demo.js';
import type { Database } from '../../src/store/database.js';
import { rowsOf } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { runCli } from '../support/cli.js';
import { createPostgresDatabase, ENGINES } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T09:00:00Z');
const TABLES_SQL = `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = 'public' and c.relkind = 'r' order by 1`;

/** A database the CLI can reach: its environment, a way to write to it, and its rows' digest. */
interface Target {
  readonly env: Record<string, string>;
  use<T>(fn: (database: Database) => Promise<T>): Promise<T>;
  /** Runs a statement as a superuser, past row-level security. */
  query(text: string): Promise<Record<string, unknown>[]>;
  /** md5 of each table's rows as text, in text order: equal digests, equal data. */
  digests(): Promise<Record<string, string>>;
  drop(): Promise<void>;
}

async function digestWith(query: (text: string) => Promise<Record<string, unknown>[]>) {
  const out: Record<string, string> = {};
  for (const { name } of (await query(TABLES_SQL)) as { name: string }[]) {
    const [row] = await query(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from public.${name} t`,
    );
    out[name] = `${String(row!.n)}:${String(row!.md5)}`;
  }
  return out;
}

function pgliteTarget(): Target {
  const dataDir = mkdtempSync(join(tmpdir(), 'opsbook-backup-'));
  const use = async <T>(fn: (database: Database) => Promise<T>) => {
    const database = await openPglite({ dataDir });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  };
  const privileged = <T>(fn: (query: (text: string) => Promise<Record<string, unknown>[]>) => Promise<T>) =>
    use((database) =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`set local role none`);
        await tx.execute(sql`set local timezone = 'UTC'`);
        return fn(async (text) => rowsOf(await tx.execute(sql.raw(text))));
      }),
    );
  return {
    env: { OPSBOOK_DATA: dataDir },
    use,
    query: (text) => privileged((query) => query(text)),
    digests: () => privileged(digestWith),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresTarget(options: { migrated: boolean }): Promise<Target & { appUrl: string }> {
  const created = await createPostgresDatabase();
  if (options.migrated) await created.migrate();
  const privileged = async <T>(
    fn: (query: (text: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
  ) => {
    const client = new pg.Client({ connectionString: created.url });
    await client.connect();
    try {
      await client.query(`set timezone = 'UTC'`);
      return await fn(async (text) => (await client.query(text)).rows as Record<string, unknown>[]);
    } finally {
      await client.end();
    }
  };
  return {
    env: { DATABASE_URL: created.appUrl, OPSBOOK_MIGRATION_DATABASE_URL: created.url },
    appUrl: created.appUrl,
    async use(fn) {
      const database = await openPostgres({ url: created.appUrl, migrationUrl: created.url, poolMax: 2 });
      try {
        return await fn(database);
      } finally {
        await database.close();
      }
    },
    query: (text) => privileged((query) => query(text)),
    digests: () => privileged(digestWith),
    drop: created.drop,
  };
}

/**
 * The demo workspaces, a workspace whose name holds every character COPY escapes, and audit entries in
 * three workspace chains and the account chain. Returns the audited workspaces' ids.
 */
async function seed(target: Target): Promise<string[]> {
  const odd = await target.use(async (database) => {
    await loadDemo(database, NOW);
    return createWorkspace(database, 'Tab\there, new\nline, back\\slash, ünïcødé ✓, \r\u0007');
  });
  const rows = await target.query(`select id from workspaces where id <> '${odd}' order by name`);
  const audited = [odd, ...rows.map((r) => String(r.id)).slice(0, 2)];
  await target.use(async (database) => {
    for (const [i, ws] of audited.entries())
      await database.inWorkspace(ws, (tx) =>
        appendAudit(tx, new Date(NOW.getTime() + i * 60_000), {
          actor: 'user:owner',
          action: 'member.role-changed',
          target: `user:u${i}`,
          data: { from: 'viewer', to: 'agent', note: 'quote " tab \t end' },
        }),
      );
    await appendAccountAudit(database, NOW, { actor: 'user:owner', action: 'sign-in', data: { ok: true } });
  });
  return audited;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Writes `text` as a dump with a correct checksum line and sidecar: checksum-valid, content changed. */
function writeResummed(path: string, body: string): void {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  writeFileSync(path, `${body}-- SHA-256: ${bodyHash}\n`);
  writeFileSync(`${path}.sha256`, `${sha256(path)}  dump.sql\n`);
}

function expectAuditWhole(env: Record<string, string>, workspaces: readonly string[]): void {
  for (const ws of [ACCOUNT_CHAIN, ...workspaces]) {
    const verdict = runCli(['audit', 'verify', '--workspace', ws, '--json'], env);
    expect(verdict.stderr).toBe('');
    expect({ ws, ...(JSON.parse(verdict.stdout) as object) }).toMatchObject({ ws, ok: true });
    expect(verdict.code).toBe(0);
  }
}

const folder = mkdtempSync(join(tmpdir(), 'opsbook-dumps-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  rmSync(folder, { recursive: true, force: true });
});

const pgliteDump = join(folder, 'pglite.sql');
let pgliteSource: Target | undefined;

describe.each(ENGINES)('opsbook backup and restore on $title', (engine) => {
  const open = async (): Promise<Target> => {
    const target = engine.name === 'pglite' ? pgliteTarget() : await postgresTarget({ migrated: false });
    cleanups.push(target.drop);
    return target;
  };
  const dump = join(folder, `${engine.name}.sql`);
  let source: Target;
  let restored: Target;
  let workspaces: string[];

  it.skipIf(!engine.available)(
    'backs up, restores into a fresh database with every row equal, and the audit chains verify',
    async () => {
      source = await open();
      workspaces = await seed(source);
      if (engine.name === 'pglite') pgliteSource = source;

      const backup = runCli(['backup', '--out', dump, '--json'], { ...source.env, LOG_LEVEL: 'warn' });
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      const summary = JSON.parse(backup.stdout) as { rows: number; bytes: number; sha256: string };
      expect(summary.rows).toBeGreaterThan(100);
      expect(summary.sha256).toBe(sha256(dump));
      expect(readFileSync(`${dump}.sha256`, 'utf8')).toBe(`${summary.sha256}  ${engine.name}.sql\n`);
      const text = readFileSync(dump, 'utf8');
      expect(text).toMatch(/^--\n-- Opsbook data dump, format 1\n/);
      expect(text).toContain('COPY public.workspaces (');
      expect(text).toMatch(/\n-- SHA-256: [0-9a-f]{64}\n$/);

      restored = await open();
      const restore = runCli(['restore', '--from', dump], { ...restored.env, LOG_LEVEL: 'warn' });
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      expect(restore.stdout).toMatch(/^Restored \d+ tables, [\d,]+ rows, .* MB\/s\) from /);
      expect(await restored.digests()).toEqual(await source.digests());
      expectAuditWhole(restored.env, workspaces);
    },
    240_000,
  );

  it.skipIf(!engine.available)(
    'refuses a flipped byte, a truncated file, another migration level and a full target, changing nothing',
    async () => {
      const before = await restored.digests();
      const text = readFileSync(dump);
      const restoreFrom = (file: string, yes = true) =>
        runCli(['restore', '--from', file, ...(yes ? ['--yes'] : [])], {
          ...restored.env,
          LOG_LEVEL: 'warn',
        });

      const flipped = Buffer.from(text);
      const at = text.indexOf('COPY public.workspaces') + 200;
      flipped[at] = flipped[at]! ^ 0x01;
      writeFileSync(join(folder, 'flipped.sql'), flipped);
      const damaged = restoreFrom(join(folder, 'flipped.sql'));
      expect(damaged.code).toBe(1);
      expect(damaged.stderr).toContain('OPS_BACKUP_CORRUPT');
      expect(damaged.stderr).toContain('but its checksum line says');

      writeFileSync(join(folder, 'truncated.sql'), text.subarray(0, Math.floor(text.length / 2)));
      const truncated = restoreFrom(join(folder, 'truncated.sql'));
      expect(truncated.code).toBe(1);
      expect(truncated.stderr).toContain('OPS_BACKUP_CORRUPT');
      expect(truncated.stderr).toContain('is not the checksum line');

      const body = text.subarray(0, text.lastIndexOf('-- SHA-256:')).toString('utf8');
      const older = body.replace(/-- Migration level: (\d+) \(\w+\)/, (_, n: string) => {
        return `-- Migration level: ${Number(n) - 1} (0000_older)`;
      });
      writeResummed(join(folder, 'older.sql'), older);
      const other = restoreFrom(join(folder, 'older.sql'));
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('OPS_BACKUP_INCOMPATIBLE');
      expect(other.stderr).toMatch(
        /is at migration level \d+ \(0000_older\).* restores level \d+ \(\w+\) only/,
      );

      // Checksum-valid but refused by PostgreSQL halfway through loading (a row of the last table that
      // does not fit it): everything rolls back, the tables truncated before it included.
      const last = body.lastIndexOf('\nCOPY public.');
      const rowAt = body.indexOf('\n', last + 1) + 1;
      const rowEnd = body.indexOf('\n', rowAt);
      const badRow = `${body.slice(0, rowAt)}not-a-row-of-this-table${body.slice(rowEnd)}`;
      writeResummed(join(folder, 'bad-row.sql'), badRow);
      const midway = restoreFrom(join(folder, 'bad-row.sql'));
      expect(midway.code).toBe(1);
      expect(midway.stderr).toContain('OPS_BACKUP_CORRUPT');
      expect(await restored.digests()).toEqual(before);

      const full = restoreFrom(dump, false);
      expect(full.code).toBe(1);
      expect(full.stderr).toContain('OPS_BACKUP_TARGET_NOT_EMPTY');
      expect(full.stderr).toMatch(/holds \d+ workspaces \(.*ShopSmart Pro.*\) and \d+ people.*--yes/s);

      expect(await restored.digests()).toEqual(before);
      const replaced = restoreFrom(dump);
      expect(replaced.stderr).toBe('');
      expect(replaced.code).toBe(0);
      expect(await restored.digests()).toEqual(await source.digests());
    },
    240_000,
  );
});

const pgOnly = ENGINES.find((e) => e.name === 'postgres')!;

describe('opsbook backup and restore across engines and tools', () => {
  it.skipIf(!pgOnly.available)(
    'restores an embedded dump into PostgreSQL, and psql loads a dump as it loads pg_dump output',
    async () => {
      expect(pgliteSource).toBeDefined();
      const target = await postgresTarget({ migrated: false });
      cleanups.push(target.drop);
      const restore = runCli(['restore', '--from', pgliteDump], { ...target.env, LOG_LEVEL: 'warn' });
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      const expected = await pgliteSource!.digests();
      expect(await target.digests()).toEqual(expected);

      const viaPsql = await postgresTarget({ migrated: true });
      cleanups.push(viaPsql.drop);
      const ownerUrl = viaPsql.env.OPSBOOK_MIGRATION_DATABASE_URL!;
      execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', ownerUrl, '-f', pgliteDump], {
        stdio: 'pipe',
      });
      expect(await viaPsql.digests()).toEqual(expected);
    },
    240_000,
  );

  it.skipIf(!pgOnly.available)('refuses a login that row-level security applies to', async () => {
    const target = await postgresTarget({ migrated: true });
    cleanups.push(target.drop);
    const refused = runCli(['backup', '--out', join(folder, 'refused.sql')], {
      DATABASE_URL: target.appUrl,
      LOG_LEVEL: 'warn',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('OPS_BACKUP_PRIVILEGE');
    expect(refused.stderr).toContain('"opsbook_test_login" is neither superuser nor BYPASSRLS');
  });

  it('says the server must be stopped, and what is missing from the command line', async () => {
    const target = pgliteTarget();
    cleanups.push(target.drop);
    await target.use(async () => {
      const locked = runCli(['backup', '--out', join(folder, 'locked.sql')], target.env);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain('OPS_DATA_DIR_LOCKED');
      expect(locked.stderr).toContain('stop `opsbook serve` before `opsbook backup`');
    });
    expect(runCli(['backup'], target.env).code).toBe(2);
    expect(runCli(['restore'], target.env).code).toBe(2);
    const missing = runCli(['restore', '--from', join(folder, 'nope.sql')], target.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no file');
  }, 120_000);
});
