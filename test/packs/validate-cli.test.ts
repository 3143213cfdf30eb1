/**
 * `opsbook validate` as a user runs it, in a child process: exit 0 for a valid pack, 1 for an invalid one
 * (with the problems on stdout, as text or JSON), 2 for bad usage.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

const run = (args: string[]) => runCli(args);

describe('opsbook validate', () => {
  it('exits 0 for a valid pack and prints its id, version and hash', () => {
    const r = run(['validate', join(FIXTURES, 'valid')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fixture-pack 1\.0\.0: valid \(hash [0-9a-f]{64}\)\n$/);
  });

  it('exits 1 for an invalid pack, printing every problem and the counts', () => {
    const r = run(['validate', join(FIXTURES, 'unknown-field')]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^calendars\.yaml:4:5 error calendars\[0\]\.timezone: unknown field `timezone` \(hint: did you mean `timeZone`\?/,
      ),
      expect.stringMatching(/^calendars\.yaml:7:7 error calendars\[0\]\.hours\.tues: unknown field `tues`/),
      '2 errors, 0 warnings',
      '',
    ]);
  });

  it('prints JSON with --json', () => {
    const invalid = run(['validate', join(FIXTURES, 'bad-duration'), '--json']);
    expect(invalid.code).toBe(1);
    const problems = JSON.parse(invalid.stdout) as {
      ok: boolean;
      problems: { file: string; line: number }[];
    };
    expect(problems.ok).toBe(false);
    expect(problems.problems.map((p) => `${p.file}:${p.line}`)).toEqual([
      'support.yaml:9',
      'support.yaml:12',
    ]);
    const valid = run(['validate', '--json', join(FIXTURES, 'valid')]);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({
      ok: true,
      pack: {
        id: 'fixture-pack',
        version: '1.0.0',
        files: ['calendars.yaml', 'pack.yaml'],
        sections: ['calendars'],
      },
    });
  });

  it('exits 1 for a folder that does not exist', () => {
    const r = run(['validate', join(FIXTURES, 'no-such-pack')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('does not exist');
  });

  it('exits 2 on bad usage: no folder, two folders, an unknown option; other commands still take none', () => {
    const missing = run(['validate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing <pack-dir>');
    const extra = run(['validate', 'a', 'b']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "b"');
    expect(run(['validate', 'a', '--bogus']).code).toBe(2);
    expect(run(['migrate', 'extra']).code).toBe(2);
    const help = run(['validate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('opsbook validate <pack-dir> [--json]');
  });
});
