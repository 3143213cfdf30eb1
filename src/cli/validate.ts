/**
 * `opsbook validate <pack-dir>`: loads a pack folder and reports whether it is valid. A thin shell over
 * `loadPack`: it only prints the result (text or JSON) and picks the exit code.
 */
import { loadPack, type LoadResult } from '../packs/load.js';
import { formatProblems } from '../packs/format.js';
import { countProblems } from '../packs/problems.js';

export interface ValidateOptions {
  readonly json: boolean;
  readonly color: boolean;
}

/** Prints the outcome to stdout; resolves to true when the pack is valid. */
export async function validatePack(dir: string, options: ValidateOptions): Promise<boolean> {
  const result = await loadPack(dir);
  process.stdout.write(
    options.json ? `${JSON.stringify(asJson(result), null, 2)}\n` : asText(result, options),
  );
  return result.ok;
}

function asText(result: LoadResult, options: ValidateOptions): string {
  if (!result.ok) return formatProblems(result.problems, { color: options.color });
  const { id, version } = result.pack.pack;
  const warnings =
    result.warnings.length > 0 ? formatProblems(result.warnings, { color: options.color }) : '';
  return `${warnings}${id} ${version}: valid (hash ${result.hash})\n`;
}

function asJson(result: LoadResult) {
  if (!result.ok) return { ok: false, problems: result.problems, ...countProblems(result.problems) };
  const { pack, files, hash, warnings } = result;
  const sections = Object.keys(pack).filter((key) => key !== 'pack');
  return {
    ok: true,
    pack: { id: pack.pack.id, title: pack.pack.title, version: pack.pack.version, hash, files, sections },
    warnings,
  };
}
