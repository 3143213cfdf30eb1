/**
 * What is wrong with a pack, as an author needs it: where (file, line, column, path inside the document),
 * what was expected, and a hint. Every check of a pack reports these, all at once, in file order.
 */

export type PackProblemSeverity = 'error' | 'warning';

export interface PackProblem {
  /** Relative to the pack folder, with `/` separators; `.` for the folder itself. */
  readonly file: string;
  /** 1-based; 0 when the problem is about the file or folder as a whole. */
  readonly line: number;
  /** 1-based; 0 when the problem is about the file or folder as a whole. */
  readonly column: number;
  /** Where inside the pack, e.g. `calendars[0].hours.mon[1]`; empty for a whole file. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
  readonly severity: PackProblemSeverity;
}

/**
 * A path as authors read it.
 *
 * @example formatPath(['calendars', 0, 'hours', 'mon', 1]) // 'calendars[0].hours.mon[1]'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(key))) text += text === '' ? String(key) : `.${String(key)}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/** Sorted by file, then line, then column, then path: the order an author fixes them in. */
export function sortProblems<T extends PackProblem>(problems: readonly T[]): T[] {
  return [...problems].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareText(a.path, b.path) ||
      compareText(a.message, b.message),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function countProblems(problems: readonly PackProblem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}
