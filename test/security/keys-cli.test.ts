/** `opsbook keys new` and `opsbook keys rotate`, run as a user runs them (child processes). */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyService } from '../../src/security/keys.js';
import { parseMasterKeyValue } from '../../src/security/master-key.js';
import { openPglite } from '../../src/store/pglite.js';
import { runCli } from '../support/cli.js';

/** Each test spawns the CLI a few times; the shared machine can make each take seconds. */
const CLI_TIMEOUT_MS = 180_000;
const entry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('opsbook keys', () => {
  it(
    'prints a fresh entry alone on standard output',
    () => {
      const made = runCli(['keys', 'new', '--id', 'k2027']);
      expect(made.code).toBe(0);
      expect(parseMasterKeyValue(made.stdout.trim()).current.id).toBe('k2027');
      expect(made.stderr).toMatch(/first in OPSBOOK_MASTER_KEY .* keys rotate/);
      const dated = runCli(['keys', 'new']);
      expect(dated.stdout).toMatch(/^k\d{8}:[A-Za-z0-9+/]{43}=\n$/);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'answers bad usage with exit 2',
    () => {
      expect(runCli(['keys', 'new', '--id', 'Not OK']).code).toBe(2);
      expect(runCli(['keys']).stderr).toContain('missing <new|rotate>');
      expect(runCli(['keys', 'spin']).code).toBe(2);
      expect(runCli(['keys', '--help']).stdout).toContain('opsbook keys rotate');
    },
    CLI_TIMEOUT_MS,
  );

  it(
    're-wraps the data keys under the new master key, once',
    async () => {
      const data = mkdtempSync(join(tmpdir(), 'opsbook-keys-cli-'));
      const [a, b] = [entry('ka'), entry('kb')];
      const database = await openPglite({ dataDir: data });
      const sealed = await createKeyService(database, parseMasterKeyValue(a)).seal('ws_1', 'hook secret', {
        field: 'channels.secret',
        recordId: 'ch_1',
      });
      await database.close();
      const env = { OPSBOOK_DATA: data, OPSBOOK_MASTER_KEY: `${b},${a}`, LOG_LEVEL: 'warn' };
      const first = runCli(['keys', 'rotate'], env);
      expect(first.stderr).toBe('');
      expect(first.stdout).toBe('re-wrapped 1 data keys under master key kb\n');
      expect(first.code).toBe(0);
      expect(runCli(['keys', 'rotate'], env).stdout).toBe('re-wrapped 0 data keys under master key kb\n');
      const reopened = await openPglite({ dataDir: data });
      try {
        const keys = createKeyService(reopened, parseMasterKeyValue(b));
        expect(await keys.open('ws_1', sealed, { field: 'channels.secret', recordId: 'ch_1' })).toBe(
          'hook secret',
        );
      } finally {
        await reopened.close();
      }
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'refuses a bad master key with exit 2, naming the entry but not the key',
    () => {
      const short = randomBytes(16).toString('base64');
      const r = runCli(['keys', 'rotate'], {
        OPSBOOK_MASTER_KEY: `k1:${short}`,
        OPSBOOK_DATA: '/nonexistent',
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/OPSBOOK_MASTER_KEY entry 1 \(id "k1"\): the key is 16 bytes/);
      expect(r.stderr).not.toContain(short);
    },
    CLI_TIMEOUT_MS,
  );
});
