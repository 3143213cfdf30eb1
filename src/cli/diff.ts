/**
 * `opsbook diff <pack-a> <pack-b>`: what changed in meaning between two pack folders, for the person who
 * approves a new SOP version. A thin shell over `loadPack` and `diffPacks`: it prints the changes (text or
 * JSON) and says whether there were any; an invalid pack is reported as `validate` reports it.
 */
import { diffPacks, formatChange, type Change } from '../packs/diff.js';
import { formatProblems } from '../packs/format.js';
import { loadPack, type LoadResult } from '../packs/load.js';

export interface DiffCliOptions {
  readonly json: boolean;
  /** Also show changes to `quote` and `facts`. */
  readonly all: boolean;
}

/** `same`: no change in meaning; `different`: changes printed; `invalid`: a pack's problems printed. */
export type DiffOutcome = 'same' | 'different' | 'invalid';

type Loaded = Extract<LoadResult, { ok: true }>;

/** Loads both folders, prints the outcome to stdout and returns it. */
export async function diffPackDirs(
  dirA: string,
  dirB: string,
  options: DiffCliOptions,
): Promise<DiffOutcome> {
  const [a, b] = await Promise.all([loadPack(dirA), loadPack(dirB)]);
  if (!a.ok || !b.ok) {
    const invalid = [
      { dir: dirA, result: a },
      { dir: dirB, result: b },
    ].filter(({ result }) => !result.ok);
    process.stdout.write(options.json ? invalidJson(invalid) : invalidText(invalid));
    return 'invalid';
  }
  const all = diffPacks(a.pack, b.pack, { annotations: true });
  const shown = options.all ? all : all.filter((change) => !change.annotation);
  const hidden = all.length - shown.length;
  process.stdout.write(options.json ? changesJson(a, b, shown, hidden) : changesText(shown, hidden));
  return shown.length > 0 ? 'different' : 'same';
}

function changesText(changes: readonly Change[], hidden: number): string {
  const count =
    changes.length === 0
      ? 'no differences in meaning'
      : `${changes.length} change${changes.length === 1 ? '' : 's'}`;
  const note = hidden > 0 ? ` (${hidden} to quotes and facts not shown; --all shows them)` : '';
  return [...changes.map(formatChange), `${count}${note}`, ''].join('\n');
}

function changesJson(a: Loaded, b: Loaded, changes: readonly Change[], hidden: number): string {
  const summary = (loaded: Loaded) => ({
    id: loaded.pack.pack.id,
    version: loaded.pack.pack.version,
    hash: loaded.hash,
  });
  return `${JSON.stringify({ ok: true, a: summary(a), b: summary(b), changes, hidden }, null, 2)}\n`;
}

type Invalid = { dir: string; result: LoadResult };

function invalidText(invalid: readonly Invalid[]): string {
  return invalid
    .map(({ dir, result }) => `${dir}: invalid pack\n${result.ok ? '' : formatProblems(result.problems)}`)
    .join('');
}

function invalidJson(invalid: readonly Invalid[]): string {
  const packs = invalid.map(({ dir, result }) => ({ dir, problems: result.ok ? [] : result.problems }));
  return `${JSON.stringify({ ok: false, invalid: packs }, null, 2)}\n`;
}
