/**
 * Which files make up a pack: `pack.yaml` and every other `*.yaml` / `*.yml` file in the folder and its
 * subfolders, except `tests/` (scenario tests) and hidden files. Problems with the folder itself (it does
 * not exist, is empty, has no `pack.yaml`) are reported like any other problem.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackProblem } from './problems.js';

export const PACK_FILE = 'pack.yaml';
/** `tests/` holds scenario tests, not definitions. */
const TESTS_DIR = 'tests';

export interface PackFolder {
  /** The YAML files, relative with `/` separators, sorted; `pack.yaml` among them when present. */
  readonly files: string[];
  readonly problems: PackProblem[];
}

function folderProblem(file: string, message: string, hint: string): PackProblem {
  return { file, line: 0, column: 0, path: '', message, hint, severity: 'error' };
}

/** The pack's YAML files, or why there are none to read. */
export async function listPackFiles(dir: string): Promise<PackFolder> {
  const kind = await stat(dir).then(
    (s) => (s.isDirectory() ? 'folder' : 'file'),
    () => 'missing' as const,
  );
  if (kind !== 'folder') {
    const message =
      kind === 'missing' ? `the folder ${dir} does not exist` : `${dir} is a file, not a folder`;
    return { files: [], problems: [folderProblem('.', message, 'pass the folder that holds pack.yaml')] };
  }
  const entries = await readdir(dir);
  if (entries.length === 0) {
    const hint = 'a pack needs pack.yaml (document control) and YAML files for its sections';
    return { files: [], problems: [folderProblem('.', 'the folder is empty', hint)] };
  }
  const found = (await yamlFiles(dir, '')).sort();
  // A misnamed pack.yml is not a section file: reading it as one would only add noise.
  const files = found.filter((file) => file !== 'pack.yml');
  return { files, problems: files.includes(PACK_FILE) ? [] : [missingPackFile(found)] };
}

function missingPackFile(found: readonly string[]): PackProblem {
  const hint = found.includes('pack.yml')
    ? 'rename pack.yml to pack.yaml'
    : 'add pack.yaml with the document control: id, title, version, owner, approver, effective, review, …';
  return { ...folderProblem(PACK_FILE, 'missing pack.yaml', hint), path: 'pack' };
}

async function yamlFiles(root: string, relative: string): Promise<string[]> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) {
      const skipped = entry.name === 'node_modules' || (relative === '' && entry.name === TESTS_DIR);
      if (!skipped) found.push(...(await yamlFiles(root, path)));
    } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}
