/**
 * "Did you mean …?" for pack authors: the closest known name to a misspelt key or value. Pure, so the
 * loader, the linter and the CLI give the same suggestions.
 */

/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, ignoring case, dashes and underscores, if it is close enough to be a
 * likely slip (at most a third of the word's letters differ).
 *
 * @example closestName('calender', ['calendars', 'holidaySets']) // 'calendars'
 * @example closestName('xyz', ['calendars']) // undefined
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const target = plain(word);
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(target, plain(name));
    if (distance < (best?.distance ?? Infinity)) best = { name, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(target.length, plain(best.name).length) / 3));
  return best.distance <= allowed ? best.name : undefined;
}
