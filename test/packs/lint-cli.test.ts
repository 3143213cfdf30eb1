/**
 * `opsbook lint` as a user runs it, in a child process: exit 0 for a pack with no warnings, 1 when it has
 * warnings (each at file:line:column with its rule) or is invalid, 2 for bad usage.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

const run = (args: string[]) => runCli(args);

describe('opsbook lint', () => {
  it('exits 0 and says so for a pack with nothing to warn about', () => {
    const r = run(['lint', join(FIXTURES, 'lint-clean')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('lint-clean 1.0.0: no warnings\n');
  });

  it('exits 1 and prints every warning at file:line:column with its rule, then a summary', () => {
    const r = run(['lint', join(FIXTURES, 'lint-warnings')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^pack\.yaml:9:7 warning pack\.review\.by: the review date 2024-07 has passed \(today is \d{4}-\d{2}-\d{2} in UTC\) \[review-overdue\] \(hint: /,
      ),
      expect.stringMatching(
        /^support\.yaml:5:33 warning calendars\[0\]\.hours\.weekdays\[1\]: calendar `office`: `12:00-18:00` overlaps `09:00-13:00` on weekdays \[calendar-overlap\]/,
      ),
      expect.stringMatching(
        /^support\.yaml:9:7 warning calendars\[1\]\.hours: calendar `never` is never open.* \[calendar-never-open\]/,
      ),
      expect.stringMatching(
        /^support\.yaml:23:45 warning scales\[0\]\.levels\[0\]\.targets\.firstResponse\.within: .*`sev1` has a longer firstResponse target \(4h\) than less urgent `sev2` \(1h\) \[sla-not-monotonic\]/,
      ),
      expect.stringMatching(
        /^support\.yaml:31:15 warning routes\[0\]\.channels: the only channel of route `critical` \(`desk`\) is closed Mon 18:00-Tue 09:00, .* \[escalation-reaches-nobody\]/,
      ),
      'lint-warnings 1.0.0: 5 warnings (calendar-never-open 1, calendar-overlap 1, escalation-reaches-nobody 1, review-overdue 1, sla-not-monotonic 1)',
      '',
    ]);
  });

  it('prints the findings as JSON with --json', () => {
    const r = run(['lint', '--json', join(FIXTURES, 'lint-warnings')]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      clean: boolean;
      pack: { id: string };
      findings: { rule: string; file: string; line: number; column: number; severity: string }[];
    };
    expect(out).toMatchObject({ ok: true, clean: false, pack: { id: 'lint-warnings' } });
    expect(out.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}`)).toEqual([
      'pack.yaml:9:7 warning review-overdue',
      'support.yaml:5:33 warning calendar-overlap',
      'support.yaml:9:7 warning calendar-never-open',
      'support.yaml:23:45 warning sla-not-monotonic',
      'support.yaml:31:15 warning escalation-reaches-nobody',
    ]);
    const clean = run(['lint', join(FIXTURES, 'lint-clean'), '--json']);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, clean: true, findings: [] });
  });

  it('exits 1 for an invalid pack, printing its problems as validate does', () => {
    const r = run(['lint', join(FIXTURES, 'unknown-field')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^calendars\.yaml:4:5 error calendars\[0\]\.timezone: unknown field `timezone`/);
    expect(r.stdout).toMatch(/\n2 errors, 0 warnings\n$/);
    const json = run(['lint', '--json', join(FIXTURES, 'unknown-field')]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, errors: 2 });
  });

  it('exits 2 on bad usage, and lists the rules in --help', () => {
    const missing = run(['lint']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing <pack-dir>');
    expect(run(['lint', 'a', 'b']).code).toBe(2);
    expect(run(['lint', 'a', '--bogus']).code).toBe(2);
    const help = run(['lint', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('opsbook lint <pack-dir> [--json]');
    expect(help.stdout).toContain('escalation-reaches-nobody');
  });
});
