/**
 * Loads a pack folder and checks it against the pack schema, then its cross-references, reporting every
 * problem at once with the file, line and column an author has to fix. A valid pack comes back with a
 * content hash, so the same definitions always identify the same version.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { assemblePack, type AssembledPack } from './assemble.js';
import { contentHash } from './canonical.js';
import { crossCheck, type CrossProblem } from './cross-check.js';
import { packErrorMap } from './issue-messages.js';
import { issuesToProblems, type IssueContext } from './issue-problems.js';
import { listPackFiles } from './pack-folder.js';
import { formatPath, sortProblems, type PackProblem } from './problems.js';
import { PackSchema, type Pack } from './schema/pack.js';
import { locateKey, locateValue, parseYamlSource, type YamlSource } from './source-map.js';

declare const validated: unique symbol;

/**
 * A pack that passed the loader: only `loadPack` makes one, so whatever accepts a ValidatedPack (activation)
 * cannot be handed a pack that was never checked.
 */
export interface ValidatedPack {
  readonly pack: Pack;
  readonly hash: string;
  readonly [validated]: true;
}

export type LoadResult =
  | (ValidatedPack & {
      readonly ok: true;
      readonly pack: Pack;
      /** The files read, relative to the folder, sorted. */
      readonly files: string[];
      /** SHA-256 (hex) of the validated pack with sorted keys. */
      readonly hash: string;
      /** Problems that do not make the pack invalid (e.g. an empty file). */
      readonly warnings: PackProblem[];
      /** Where a path of the pack is written, for checks run after loading (`opsbook lint`). */
      readonly locate: PackLocator;
    })
  | { readonly ok: false; readonly problems: PackProblem[] };

/** From a path inside the pack (`['calendars', 0, 'hours']`) to its file, line and column. */
export type PackLocator = IssueContext['locate'];

/**
 * Reads, assembles and validates the pack in `dir`. Cross-references are checked once the schema passes
 * (they need a well-formed pack to read).
 *
 * @example
 * const result = await loadPack('packs/shopsmart-pro');
 * if (!result.ok) process.stdout.write(formatProblems(result.problems));
 */
export async function loadPack(dir: string): Promise<LoadResult> {
  const folder = await listPackFiles(dir);
  const { sources, problems: yamlProblems } = await readSources(dir, folder.files);
  const assembled = assemblePack(sources);
  const locateIn = (path: readonly PropertyKey[], key?: string) => locate(assembled.origins, path, key);
  const parsed = PackSchema.safeParse(assembled.input, { error: packErrorMap });
  const checked = parsed.success
    ? crossCheck(parsed.data).map((p) => crossProblem(p, locateIn))
    : schemaProblems(parsed.error.issues, assembled, locateIn);
  const problems = sortProblems([...folder.problems, ...yamlProblems, ...assembled.problems, ...checked]);
  if (!parsed.success || problems.some((p) => p.severity === 'error')) return { ok: false, problems };
  return {
    ok: true,
    pack: parsed.data,
    files: folder.files,
    hash: contentHash(parsed.data),
    warnings: problems,
    locate: locateIn,
  } as LoadResult;
}

function schemaProblems(issues: readonly z.core.$ZodIssue[], assembled: AssembledPack, locate: PackLocator) {
  // When pack.yaml is missing or unreadable that has been reported; "missing `pack`" would be no news.
  const packRead = assembled.origins.has('pack');
  const relevant = issues.filter((i) => packRead || i.path[0] !== 'pack');
  return issuesToProblems(relevant, { schema: PackSchema, input: assembled.input, locate });
}

/** A broken reference (checked once the schema passes), where the referring value is written. */
function crossProblem(problem: CrossProblem, locate: PackLocator): PackProblem {
  const { path, message, hint } = problem;
  return { ...locate(path), path: formatPath(path), message, severity: 'error', ...(hint ? { hint } : {}) };
}

/** Parses each file; a file with YAML errors is reported and left out. */
async function readSources(dir: string, files: readonly string[]) {
  const sources: YamlSource[] = [];
  const problems: PackProblem[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8').catch((err: Error) => err);
    if (text instanceof Error) {
      problems.push({
        file,
        line: 0,
        column: 0,
        path: '',
        message: `cannot read: ${text.message}`,
        severity: 'error',
      });
      continue;
    }
    const parsed = parseYamlSource(file, text);
    problems.push(...parsed.problems);
    if (!parsed.problems.some((p) => p.severity === 'error')) sources.push(parsed.source);
  }
  return { sources, problems };
}

/** Where a path of the assembled pack is written: `pack.*` in pack.yaml, a section in its own file. */
function locate(origins: ReadonlyMap<string, YamlSource>, path: readonly PropertyKey[], key?: string) {
  const [root] = path;
  const source = origins.get(String(root));
  if (root === undefined || !source) return { file: '.', line: 0, column: 0 };
  const inFile = root === 'pack' ? path.slice(1) : path;
  const position = key === undefined ? locateValue(source, inFile) : locateKey(source, inFile, key);
  return { file: source.file, ...position };
}
