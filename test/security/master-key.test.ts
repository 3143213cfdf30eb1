/** Master keys from the configuration: parsing, precise errors without key material, the default file. */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import {
  defaultMasterKeyId,
  loadMasterKeyring,
  newMasterKeyEntry,
  parseMasterKeyFile,
  parseMasterKeyValue,
} from '../../src/security/master-key.js';

const NOW = new Date('2026-11-05T10:00:00Z');
const key32 = () => randomBytes(32).toString('base64');
const tempDir = () => mkdtempSync(join(tmpdir(), 'opsbook-keys-'));

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

function collect() {
  const warnings: string[] = [];
  return { warnings, log: { warn: (m: string) => void warnings.push(m) } };
}

describe('master keys', () => {
  it('reads comma-separated entries, the first current and the rest still accepted', () => {
    const [a, b] = [key32(), key32()];
    const ring = parseMasterKeyValue(` k2:${b} , k1:${a}`);
    expect(ring.current.id).toBe('k2');
    expect(ring.byId('k1')?.key.toString('base64')).toBe(a);
    expect(ring.byId('k2')?.key.toString('base64')).toBe(b);
  });

  it('names the entry and the fault, and never prints key material', () => {
    const short = randomBytes(16).toString('base64');
    const good = key32();
    const pasted = key32(); // a key pasted without its id
    const problems = problemsOf(() =>
      parseMasterKeyValue(`k1:${good},k2:not*base64!,k3:${short},k1:${good},${pasted},${pasted}:x`),
    );
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^OPSBOOK_MASTER_KEY entry 2 \(id "k2"\): the key is not valid base64/);
    expect(problems[1]).toMatch(/entry 3 \(id "k3"\): the key is 16 bytes; a master key must be 32 bytes/);
    expect(problems[2]).toMatch(/entry 4: the id "k1" is also used by OPSBOOK_MASTER_KEY entry 1/);
    expect(problems[3]).toMatch(/entry 5 is not "id:base64key" \(no ":" found\)\. Run `opsbook keys new`/);
    expect(problems[4]).toMatch(/entry 6: the id before ":" must be 1-32 of a-z/);
    const text = problems.join('\n');
    for (const secret of [short, good, pasted, 'not*base64!']) expect(text).not.toContain(secret);
    expect(problemsOf(() => parseMasterKeyValue(' , '))).toEqual([
      expect.stringMatching(/OPSBOOK_MASTER_KEY holds no key/),
    ]);
  });

  it('reads a key file with comments, naming lines in errors', () => {
    const ring = parseMasterKeyFile(`# current\nk2:${key32()}\n\n# old\nk1:${key32()}\n`, '/etc/k');
    expect(ring.current.id).toBe('k2');
    expect(problemsOf(() => parseMasterKeyFile(`# c\nk1:abc\n`, '/etc/k'))).toEqual([
      expect.stringMatching(/^\/etc\/k line 2 \(id "k1"\): the key is 2 bytes/),
    ]);
  });

  it('makes entries for `opsbook keys new`', () => {
    expect(defaultMasterKeyId(NOW)).toBe('k20261105');
    const entry = newMasterKeyEntry('k20261105');
    expect(parseMasterKeyValue(entry).current.id).toBe('k20261105');
    expect(newMasterKeyEntry('k1')).not.toBe(newMasterKeyEntry('k1'));
    expect(() => newMasterKeyEntry('Bad Id')).toThrow(ConfigError);
  });

  it('uses the variable, else the file, and refuses both at once', () => {
    const dir = tempDir();
    const file = join(dir, 'keys');
    writeFileSync(file, `kf:${key32()}\n`, { mode: 0o600 });
    const { log, warnings } = collect();
    const fromEnv = loadMasterKeyring(
      { masterKey: `ke:${key32()}`, masterKeyFile: undefined, dataDir: dir },
      log,
      NOW,
    );
    expect(fromEnv.current.id).toBe('ke');
    const fromFile = loadMasterKeyring({ masterKey: undefined, masterKeyFile: file, dataDir: dir }, log, NOW);
    expect(fromFile.current.id).toBe('kf');
    expect(warnings).toEqual([]);
    expect(
      problemsOf(() =>
        loadMasterKeyring({ masterKey: `ke:${key32()}`, masterKeyFile: file, dataDir: dir }, log, NOW),
      ),
    ).toEqual([expect.stringMatching(/both set: set only one/)]);
    expect(
      problemsOf(() =>
        loadMasterKeyring({ masterKey: undefined, masterKeyFile: join(dir, 'nope'), dataDir: dir }, log, NOW),
      ),
    ).toEqual([expect.stringMatching(/OPSBOOK_MASTER_KEY_FILE: cannot read .*nope" \(ENOENT\)/)]);
    chmodSync(file, 0o644);
    loadMasterKeyring({ masterKey: undefined, masterKeyFile: file, dataDir: dir }, log, NOW);
    expect(warnings).toEqual([expect.stringMatching(/can be read by other users .*chmod 600/)]);
  });

  it('creates <data>/master.key once, readable by its owner only, with a warning to back it up', () => {
    const dir = join(tempDir(), 'data');
    const { log, warnings } = collect();
    const source = { masterKey: undefined, masterKeyFile: undefined, dataDir: dir };
    const first = loadMasterKeyring(source, log, NOW);
    expect(first.current.id).toBe('k20261105');
    const path = join(dir, 'master.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/created the master key file .*master\.key: back it up/);
    expect(warnings[0]).toMatch(/OPSBOOK_MASTER_KEY or OPSBOOK_MASTER_KEY_FILE/);
    expect(warnings[0]).not.toContain(first.current.key.toString('base64'));
    const again = loadMasterKeyring(source, log, new Date('2027-01-01T00:00:00Z'));
    expect(again.current.key.equals(first.current.key)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toMatch(/^# Opsbook master key/);
  });
});
