/**
 * Makes zod's issues precise enough for an author. A value that matches none of a union's forms (a
 * Target, a Cadence, an Action) yields one "Invalid input" with every branch's failures; we report the
 * failures of the branch that got furthest into the value instead: the form the author evidently meant.
 */
import type { z } from 'zod';

export interface PackIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly code: string;
  /** For unknown keys: the keys. */
  readonly keys?: readonly string[];
}

type Issue = z.core.$ZodIssue;

/** How far into the value a branch's failures point: deeper means the branch matched more of it. */
function depth(issues: readonly Issue[]): number {
  return Math.max(
    ...issues.map((i) => (i.code === 'unrecognized_keys' ? i.path.length - 0.5 : i.path.length)),
  );
}

function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  for (const branch of branches) {
    if (branch.length === 0) continue;
    if (
      !best ||
      depth(branch) > depth(best) ||
      (depth(branch) === depth(best) && branch.length < best.length)
    )
      best = branch;
  }
  return best;
}

export function flattenIssues(
  issues: readonly Issue[],
  prefix: readonly (string | number)[] = [],
): PackIssue[] {
  return issues.flatMap((issue): PackIssue[] => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'invalid_union') {
      const branch = bestBranch(issue.errors);
      if (branch && depth(branch) > 0) return flattenIssues(branch, path);
      return [
        {
          path,
          code: issue.code,
          message: 'does not match any accepted form; see docs/pack-reference.md for this field',
        },
      ];
    }
    if (issue.code === 'unrecognized_keys')
      return [{ path, code: issue.code, message: issue.message, keys: issue.keys }];
    return [{ path, code: issue.code, message: issue.message }];
  });
}
