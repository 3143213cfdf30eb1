/**
 * `opsbook import-contacts` as a user runs it, in a child process, against the real app listening on
 * loopback (PostgreSQL when available, else the embedded database; the Smart Estate demo) with a write API
 * token: a generated 20,000-row file on a dry run (a report, nothing written) and for real (all imported),
 * each with its progress lines on standard error (not a terminal: a line per tenth); a refused file exits 1
 * and imports nothing; bad usage exits 2 and a refused token 1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { createToken } from '../../src/modules/access/tokens.js';
import { accountContacts } from '../../src/store/schema-customers.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

const ROWS = 20_000;
const engine = ENGINES.find((e) => e.name === 'postgres' && e.available) ?? ENGINES[0]!;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI from source without blocking this process, which serves the app it calls. */
function opsbook(args: readonly string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/opsbook-cli.ts', 'import-contacts', ...args],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `rows` residents of Green Acres with distinct valid Indian mobile numbers from `first`. */
function residents(rows: number, first = 0): string {
  const lines = ['name,phone,unit,estate'];
  for (let i = first; i < first + rows; i++)
    lines.push(`Resident ${i},+91986${String(i).padStart(7, '0')},T${i % 40}-${i % 1000},Green Acres`);
  return `${lines.join('\n')}\n`;
}

describe(`opsbook import-contacts against a running server: ${engine.title}`, () => {
  let opened: OpenedDatabase;
  let t: TestApp;
  let ws: string;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'opsbook-import-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const imported = async () => {
    const [row] = await t.database.inWorkspace(ws, (tx) =>
      tx.select({ n: count() }).from(accountContacts).where(eq(accountContacts.accountId, 'GA-1')),
    );
    return row?.n;
  };

  beforeAll(async () => {
    opened = await engine.open();
    t = await buildTestApp({}, { database: opened.database });
    const owner = await signInAs(t.app, 'owner@smart-estate.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces.find((w) => w.slug === 'smart-estate')!.id;
    const made = await createToken(
      t.database,
      ws,
      { name: 'import test', scope: 'write', expiresAt: null, createdBy: 'test' },
      new Date(),
    );
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    env = { OPSBOOK_URL: url, OPSBOOK_TOKEN: made.token };
    const created = await fetch(`${url}/api/v1/workspaces/${ws}/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${made.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'GA-1', name: 'Green Acres', kind: 'estate' }),
    });
    expect(created.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t?.app.close();
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const args = (...more: string[]) => ['--account', 'GA-1', '--workspace', ws, '--country', 'IN', ...more];

  it('reports a 20,000-row dry run with its progress, writing nothing, then imports the file', async () => {
    const path = file('residents.csv', residents(ROWS));
    const dry = await opsbook([path, ...args('--dry-run')], env);
    expect(dry.stderr).toMatch(/^100%: Uploading (\d+ kB) of \1$/m);
    expect(dry.stderr).toContain('Checking the file…');
    expect(dry.stderr).not.toContain('Importing');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(
      'Dry run of residents.csv: nothing was written.\n' +
        '20,000 rows: 20,000 to create, 0 to update, 0 unchanged, 0 to suspend.\n' +
        'Run it again without --dry-run to import it.\n',
    );
    expect(await imported()).toBe(0);

    const real = await opsbook([path, ...args()], env);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toBe(
      'Imported residents.csv.\n20,000 rows: 20,000 created, 0 updated, 0 unchanged, 0 suspended.\n',
    );
    // Not a terminal: a line per step, and per tenth of the upload and of the writing.
    const lines = real.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^\d+%: Uploading \d+ kB of 9\d\d kB$/);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^100%: Uploading (\d+ kB) of \1$/),
        'Uploaded; waiting for the server…',
        'Checking the file…',
        '0%: Importing 0 of 20,000 contacts',
        '50%: Importing 10,000 of 20,000 contacts',
        '100%: Importing 20,000 of 20,000 contacts',
      ]),
    );
    expect(lines.indexOf('Checking the file…')).toBeLessThan(
      lines.indexOf('0%: Importing 0 of 20,000 contacts'),
    );
    expect(await imported()).toBe(ROWS);
  }, 120_000);

  it('exits 1 on a refused file and imports nothing of it', async () => {
    const duplicate = `${residents(100, 50_000)}Twin,+919860050000,T1-1,Green Acres\n`;
    const refused = await opsbook([file('refused.csv', duplicate), ...args()], env);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stdout).toContain('refused.csv: refused, nothing was imported: 2 problems.');
    expect(refused.stdout).toContain('101 rows: 99 to create');
    expect(refused.stdout).toMatch(/ {2}line 2, phone "\+919860050000": .*\(IMPORT_DUPLICATE_PHONE\)/);
    expect(refused.stdout).toMatch(/ {2}line 102, phone "\+919860050000": /);
    expect(await imported()).toBe(ROWS);
  }, 60_000);

  it('exits 2 on bad usage and 1 when the server refuses the token', async () => {
    const path = file('small.csv', residents(3, 60_000));
    const noAccount = await opsbook([path, '--workspace', ws, '--country', 'IN'], env);
    expect(noAccount.code).toBe(2);
    expect(noAccount.stderr).toContain('--account <id> is required.');
    const noToken = await opsbook([path, ...args()], { OPSBOOK_URL: env.OPSBOOK_URL! });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('OPSBOOK_TOKEN');
    const badToken = await opsbook([path, ...args('--token', 'opsb_not-a-real-token-at-all-000000')], env);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain('OPS_UNAUTHENTICATED');
    expect(await imported()).toBe(ROWS);
  }, 60_000);
});
