/**
 * Aligns two sequences by their longest common subsequence, as `diff` does for lines: what stayed, what
 * was removed from the first, what was added in the second. Used for template bodies (lines) and for lists
 * whose items have no id. Quadratic, which suits the short lists and messages of a pack.
 */

export type AlignOp =
  | { readonly op: 'same'; readonly from: number; readonly to: number }
  | { readonly op: 'removed'; readonly from: number }
  | { readonly op: 'added'; readonly to: number };

/**
 * The edit script from `before` to `after`, in order; removals come before additions at the same place.
 *
 * @example align(['a', 'b', 'c'], ['a', 'x', 'c']).map((o) => o.op) // ['same', 'removed', 'added', 'same']
 */
export function align<T>(
  before: readonly T[],
  after: readonly T[],
  same: (a: T, b: T) => boolean = Object.is,
): AlignOp[] {
  const table = lcsTable(before, after, same);
  const ops: AlignOp[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    if (same(before[i]!, after[j]!)) ops.push({ op: 'same', from: i++, to: j++ });
    else if (table[i + 1]![j]! >= table[i]![j + 1]!) ops.push({ op: 'removed', from: i++ });
    else ops.push({ op: 'added', to: j++ });
  }
  while (i < before.length) ops.push({ op: 'removed', from: i++ });
  while (j < after.length) ops.push({ op: 'added', to: j++ });
  return ops;
}

/** `table[i][j]`: the length of the longest common subsequence of `before[i..]` and `after[j..]`. */
function lcsTable<T>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean): number[][] {
  const table = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      table[i]![j] = same(before[i]!, after[j]!)
        ? table[i + 1]![j + 1]! + 1
        : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  return table;
}
