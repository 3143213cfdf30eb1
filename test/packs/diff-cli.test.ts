/**
 * `opsbook diff` as a user runs it, in a child process, on a copy of a seed pack with one target and one
 * template line changed: exactly those changes in human terms, exit 1; exit 0 for packs that mean the same;
 * an invalid pack's problems and exit 1; exit 2 on bad usage.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { PACKS_DIR } from './support.js';

const SEED = join(PACKS_DIR, 'shopsmart-pro');
const FIXTURES = join(import.meta.dirname, 'fixtures');

const run = (args: string[]) => runCli(args);

/** Replaces one exact piece of a file, failing loudly if the seed no longer reads that way. */
function replaceOnce(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text.split(from)).toHaveLength(2);
  writeFileSync(file, text.replace(from, to));
}

describe('opsbook diff', () => {
  let edited = '';

  beforeAll(() => {
    edited = mkdtempSync(join(tmpdir(), 'opsbook-diff-'));
    cpSync(SEED, edited, { recursive: true });
    replaceOnce(
      join(edited, 'support.yaml'),
      'resolution: { within: 24 hours, calendar: always, since: created, quote: 24 hours }',
      'resolution: { within: 25 hours, calendar: always, since: created, quote: 25 hours }',
    );
    replaceOnce(
      join(edited, 'templates.yaml'),
      'Welcome to ShopSmart Pro! Your account is ready. Start by adding your first customer.',
      'Welcome to ShopSmart Pro! Add your first customer today.',
    );
  });

  it('prints each change in meaning and exits 1', () => {
    const r = run(['diff', SEED, edited]);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      'scales.support-priority.levels.p2.targets.resolution: within 1d → within 1d1h',
      'templates.welcome-email.locales.en.body: removed line 3: "Welcome to ShopSmart Pro! Your account is ready. Start by adding your first customer."',
      'templates.welcome-email.locales.en.body: added line 3: "Welcome to ShopSmart Pro! Add your first customer today."',
      '3 changes (1 to quotes and facts not shown; --all shows them)',
      '',
    ]);
    expect(r.code).toBe(1);
  });

  it('shows the quote too with --all, and JSON with --json', () => {
    const all = run(['diff', '--all', SEED, edited]);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(
      'scales.support-priority.levels.p2.targets.resolution.quote: "24 hours" → "25 hours"\n',
    );
    expect(all.stdout).toMatch(/\n4 changes\n$/);
    const json = run(['diff', SEED, edited, '--json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as {
      ok: boolean;
      a: { hash: string };
      b: { hash: string };
      changes: { path: string }[];
    };
    expect(parsed.ok).toBe(true);
    expect(parsed.a.hash).not.toBe(parsed.b.hash);
    expect(parsed.changes.map((c) => c.path)).toEqual([
      'scales.support-priority.levels.p2.targets.resolution',
      'templates.welcome-email.locales.en.body',
      'templates.welcome-email.locales.en.body',
    ]);
  });

  it('exits 0 for packs that mean the same, however their files are laid out', () => {
    const r = run(['diff', join(FIXTURES, 'valid'), join(FIXTURES, 'valid-reordered')]);
    expect(r.stdout).toBe('no differences in meaning\n');
    expect(r.code).toBe(0);
  });

  it('prints the problems of an invalid pack and exits 1', () => {
    const r = run(['diff', SEED, join(FIXTURES, 'unknown-field')]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      `${join(FIXTURES, 'unknown-field')}: invalid pack`,
      expect.stringMatching(/^calendars\.yaml:4:5 error calendars\[0\]\.timezone: unknown field `timezone`/),
    ]);
  });

  it('exits 2 on bad usage', () => {
    const missing = run(['diff', SEED]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing <pack-b>');
    expect(run(['diff', SEED, SEED, SEED]).code).toBe(2);
    expect(run(['diff', SEED, SEED, '--bogus']).code).toBe(2);
  });
});
