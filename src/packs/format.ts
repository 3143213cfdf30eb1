/**
 * Problems as lines for a terminal, one per problem, compiler-style (`file:line:column severity path:
 * message (hint: …)`) so editors can jump to them, then a count.
 */
import { countProblems, type PackProblem } from './problems.js';

export interface FormatOptions {
  /** ANSI colours for severities (for a terminal); off by default. */
  readonly color?: boolean;
  /** End with the line counting errors and warnings; on by default. */
  readonly counts?: boolean;
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', dim: '\x1b[2m', reset: '\x1b[0m' } as const;

/**
 * @example
 * formatProblems([{ file: 'calendars.yaml', line: 12, column: 7, path: 'calendars[0].hours.mon[1]',
 *   message: 'an interval is "HH:MM-HH:MM"', severity: 'error' }])
 * // 'calendars.yaml:12:7 error calendars[0].hours.mon[1]: an interval is "HH:MM-HH:MM"\n1 error, 0 warnings\n'
 */
export function formatProblems(problems: readonly PackProblem[], options: FormatOptions = {}): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${COLORS.reset}` : text);
  const lines = problems.map((p) => {
    const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
    const severity = paint(COLORS[p.severity], p.severity);
    const hint = p.hint ? paint(COLORS.dim, ` (hint: ${p.hint})`) : '';
    return `${where} ${severity} ${p.path ? `${p.path}: ` : ''}${p.message}${hint}`;
  });
  if (options.counts === false) return lines.map((line) => `${line}\n`).join('');
  const { errors, warnings } = countProblems(problems);
  lines.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return `${lines.join('\n')}\n`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
