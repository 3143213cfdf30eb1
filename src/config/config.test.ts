import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, loadConfig } from './config.js';
import { redactedConfig, renderSettingsTable, withSettingsTable } from './render.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('has a documented default for every setting and freezes the result', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      role: 'all',
      loadDemo: true,
      databaseUrl: undefined,
    });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.dataDir).toBe(resolve('./data'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads environment variables, treating empty ones as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db/ops',
      OPSBOOK_DEMO: 'false',
      OPSBOOK_ROLE: '',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u@db/ops',
      loadDemo: false,
      role: 'all',
    });
  });

  it('reports every bad setting at once, each with the value, the meaning and the default', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      OPSBOOK_ROLE: 'boss',
      OPSBOOK_LEASE_SECONDS: '1',
    });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^PORT: .*\(got "eighty"\)\. TCP port .* Default: "3000"\.$/);
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/postgres:\/\//);
    expect(problems.find((p) => p.startsWith('OPSBOOK_ROLE'))).toMatch(/got "boss"/);
    expect(problems.find((p) => p.startsWith('OPSBOOK_LEASE_SECONDS'))).toMatch(/got "1"/);
  });

  it('loads the demo by default only on the embedded database', () => {
    expect(loadConfig({}).loadDemo).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db/ops' }).loadDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db/ops', OPSBOOK_DEMO: 'true' }).loadDemo).toBe(true);
    expect(loadConfig({ OPSBOOK_DEMO: 'false' }).loadDemo).toBe(false);
  });

  it('never repeats a database password in an error', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://app:s3cret@db/ops',
      OPSBOOK_MIGRATION_DATABASE_URL: 'http://owner:t0p@db',
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toMatch(/s3cret|t0p/);
    expect(problems[0]).toContain('mysql://app:***@db/ops');
  });

  it('reads the master key settings and never shows the key', () => {
    const key = 'k20261105:Y2FuYXJ5LW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE=';
    const config = loadConfig(
      { OPSBOOK_MASTER_KEY: key, OPSBOOK_MASTER_KEY_FILE: 'keys/master.key' },
      '/srv',
    );
    expect(config.masterKey).toBe(key);
    expect(config.masterKeyFile).toBe(resolve('/srv', 'keys/master.key'));
    expect(loadConfig({}).masterKey).toBeUndefined();
    const shown = JSON.stringify(redactedConfig(config));
    expect(shown).not.toContain('Y2FuYXJ5');
    expect(shown).toContain('"masterKey":"***"');
    const problems = problemsOf({ OPSBOOK_MASTER_KEY: key, PORT: 'x' });
    expect(problems.join('\n')).not.toContain('Y2FuYXJ5');
    expect(renderSettingsTable()).toContain('| `OPSBOOK_MASTER_KEY` | (unset) | A secret:');
  });

  it('masks database passwords in a rendered configuration', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db/ops' });
    expect(JSON.stringify(redactedConfig(config))).not.toContain('s3cret');
  });

  it('treats "≥ 1024" as inclusive for the body limit', () => {
    expect(problemsOf({ OPSBOOK_BODY_LIMIT_BYTES: '1024' })).toEqual([]);
    expect(problemsOf({ OPSBOOK_BODY_LIMIT_BYTES: '1023' })).toHaveLength(1);
  });

  it('reads a JSON file named by OPSBOOK_CONFIG; environment variables win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbook-config-'));
    const file = join(dir, 'opsbook.json');
    writeFileSync(file, JSON.stringify({ PORT: 4000, LOG_LEVEL: 'debug' }));
    expect(loadConfig({ OPSBOOK_CONFIG: file })).toMatchObject({ port: 4000, logLevel: 'debug' });
    expect(loadConfig({ OPSBOOK_CONFIG: file, PORT: '5000' }).port).toBe(5000);
  });

  it('names unknown keys and unreadable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbook-config-'));
    const file = join(dir, 'opsbook.json');
    writeFileSync(file, JSON.stringify({ PROT: 4000 }));
    expect(problemsOf({ OPSBOOK_CONFIG: file })).toEqual([expect.stringMatching(/unknown setting "PROT"/)]);
    writeFileSync(file, '{ nope');
    expect(problemsOf({ OPSBOOK_CONFIG: file })).toEqual([expect.stringMatching(/cannot read .* as JSON/)]);
    expect(problemsOf({ OPSBOOK_CONFIG: join(dir, 'missing.json') })).toHaveLength(1);
  });

  it('is documented in the README, setting by setting', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(withSettingsTable(readme)).toBe(readme);
    for (const s of SETTINGS) expect(readme).toContain(`\`${s.env}\``);
  });
});
