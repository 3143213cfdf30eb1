/**
 * `opsbook audit verify` as an operator runs it, in a child process on an embedded database: a whole log
 * exits 0 with its entry count and head; after an entry is edited behind the app's back (as a superuser,
 * triggers skipped) it exits 1 naming the entry; JSON on request; bad usage exits 2, an unknown workspace 1.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/modules/access/audit.js';
import { openPglite } from '../../src/store/pglite.js';
import { runCli } from '../support/cli.js';
import { createWorkspace } from '../support/fixtures.js';

describe('opsbook audit verify', () => {
  it('says a whole log is whole, names the entry edited behind its back, and exits 1 then', async () => {
    const data = mkdtempSync(join(tmpdir(), 'opsbook-audit-'));
    const database = await openPglite({ dataDir: data });
    const ws = await createWorkspace(database, 'Audited');
    for (let i = 1; i <= 5; i++)
      await database.inWorkspace(ws, (tx) =>
        appendAudit(tx, new Date(Date.UTC(2026, 11, 1, 9, i)), {
          actor: 'user:owner',
          action: 'member.role-changed',
          target: `user:u${i}`,
          data: { from: 'viewer', to: 'agent', i },
        }),
      );
    await database.close();
    const env = { OPSBOOK_DATA: data, LOG_LEVEL: 'warn' };

    const whole = runCli(['audit', 'verify', '--workspace', ws], env);
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(0);
    expect(whole.stdout).toMatch(/Audited: the audit log is whole: 5 entries, head: entry 5, [0-9a-f]{64}\./);

    const tamper = await openPglite({ dataDir: data });
    await tamper.db.transaction(async (tx) => {
      await tx.execute(sql`set local role postgres`);
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(
        sql`update audit_log set data = '{"from":"viewer","to":"owner","i":3}' where workspace_id = ${ws} and seq = 3`,
      );
    });
    await tamper.close();

    const broken = runCli(['audit', 'verify', '--workspace', ws], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('the audit log was tampered with');
    expect(broken.stdout).toContain('entry 3 was changed after it was written');
    const json = runCli(['audit', 'verify', '--workspace', ws, '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, entries: 5, problems: [expect.any(String)] });

    expect(runCli(['audit', 'verify'], env).code).toBe(2);
    expect(runCli(['audit', 'check', '--workspace', ws], env).code).toBe(2);
    const unknown = runCli(['audit', 'verify', '--workspace', 'ws_nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('No workspace "ws_nope"');
  }, 120_000);
});
