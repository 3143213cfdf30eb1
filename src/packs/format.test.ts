import { describe, expect, it } from 'vitest';
import { formatProblems } from './format.js';
import { formatPath, sortProblems, type PackProblem } from './problems.js';

const problem = (over: Partial<PackProblem>): PackProblem => ({
  file: 'calendars.yaml',
  line: 12,
  column: 7,
  path: 'calendars[0].hours.mon[1]',
  message: 'an interval is "HH:MM-HH:MM"',
  severity: 'error',
  ...over,
});

describe('formatProblems', () => {
  it('prints file:line:column, severity, path, message and hint, then the counts', () => {
    const text = formatProblems([
      problem({ hint: 'e.g. "09:00-21:00"' }),
      problem({
        file: 'notes.yaml',
        line: 1,
        column: 1,
        path: '',
        message: 'the file is empty',
        severity: 'warning',
      }),
      problem({ file: 'pack.yaml', line: 0, column: 0, path: 'pack', message: 'missing pack.yaml' }),
    ]);
    expect(text).toBe(
      [
        'calendars.yaml:12:7 error calendars[0].hours.mon[1]: an interval is "HH:MM-HH:MM" (hint: e.g. "09:00-21:00")',
        'notes.yaml:1:1 warning the file is empty',
        'pack.yaml error pack: missing pack.yaml',
        '2 errors, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it('colours severities only when asked', () => {
    expect(formatProblems([problem({})])).not.toContain('\x1b[');
    expect(formatProblems([problem({})], { color: true })).toContain('\x1b[31merror\x1b[0m');
    expect(formatProblems([])).toBe('0 errors, 0 warnings\n');
  });
});

describe('formatPath and sortProblems', () => {
  it('writes paths as authors read them', () => {
    expect(formatPath(['calendars', 0, 'hours', 'mon', 1])).toBe('calendars[0].hours.mon[1]');
    expect(formatPath(['slaPolicies', 0, 'targets', 'p1-urgent'])).toBe('slaPolicies[0].targets.p1-urgent');
    expect(formatPath(['lifecycles', 0, 'a b'])).toBe('lifecycles[0]["a b"]');
    expect(formatPath([])).toBe('');
  });

  it('sorts by file, then line, then column', () => {
    const sorted = sortProblems([
      problem({ file: 'pack.yaml', line: 2 }),
      problem({ line: 9, column: 3 }),
      problem({ line: 9, column: 1 }),
      problem({ file: '.', line: 0, column: 0 }),
    ]);
    expect(sorted.map((p) => `${p.file}:${p.line}:${p.column}`)).toEqual([
      '.:0:0',
      'calendars.yaml:9:1',
      'calendars.yaml:9:3',
      'pack.yaml:2:7',
    ]);
  });
});
