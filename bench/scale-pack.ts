/**
 * Writes a pack `factor` times the size of a seed pack, for the packs benchmark: every list item of every
 * section (and of the lists inside the incidents, releases, vendors, backups and monitors sections) is
 * copied `factor` times. Copy k > 0 gets `-r<k>` after its id and after every reference it makes, by the
 * loader's own reference rules, so copy k points at copy k and the pack stays valid; vendor criteria
 * weights are divided by `factor` so they still sum to 100 %. Works on the YAML as written (durations as
 * text), since the validated pack holds durations in milliseconds that the schema would not read back.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { referenceKind } from '../src/packs/cross-check.js';
import { PACK_FILE, listPackFiles } from '../src/packs/pack-folder.js';

type Segment = string | number;
type Data = Record<string, unknown>;

const isObject = (value: unknown): value is Data =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The kinds a recipient prefix names; the others (`customer:`, …) name no item. */
const RECIPIENT_PREFIXES = new Set(['role', 'tier', 'rotation', 'contact', 'channel']);

/** A reference as copy `suffix` of the pack names it. */
function renamed(value: string, kind: ReturnType<typeof referenceKind>, suffix: string): string {
  if (kind === null || kind === 'level') return value; // levels live inside their scale, copied with it
  if (kind === 'recipient') {
    const [prefix = '', id = ''] = value.split(':');
    return RECIPIENT_PREFIXES.has(prefix) && id !== '' ? `${prefix}:${id}${suffix}` : value;
  }
  if (kind === 'tierOrRole' && value === 'any') return value;
  return `${value}${suffix}`;
}

/** Renames the references of one copied item, walking it as `crossCheck` does. */
function renameReferences(node: unknown, path: Segment[], keys: string[], suffix: string): unknown {
  if (Array.isArray(node)) {
    const kind = referenceKind(path, keys.at(-1) ?? '', keys);
    return node.map((item: unknown, i) =>
      typeof item === 'string'
        ? renamed(item, kind, suffix)
        : renameReferences(item, [...path, i], keys, suffix),
    );
  }
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === 'quote' || key === 'facts') return [key, value];
      if (typeof value === 'string') return [key, renamed(value, referenceKind(path, key, keys), suffix)];
      return [key, renameReferences(value, [...path, key], [...keys, key], suffix)];
    }),
  );
}

/** `factor` copies of each item of a list; copy 0 is the item itself. */
function replicate(items: readonly unknown[], path: Segment[], factor: number): unknown[] {
  const copies: unknown[] = [];
  for (let k = 0; k < factor; k++) {
    const suffix = k === 0 ? '' : `-r${k}`;
    for (const item of items) {
      const copy = renameReferences(item, [...path, copies.length], [], suffix);
      if (isObject(copy) && typeof copy.id === 'string') copy.id = `${copy.id}${suffix}`;
      if (isObject(copy) && typeof copy.weightPercent === 'number') copy.weightPercent /= factor;
      copies.push(copy);
    }
  }
  return copies;
}

/** A section scaled up: its items, or for a map section (incidents, vendors, …) the items of its lists. */
function scaleSection(name: string, value: unknown, factor: number): unknown {
  if (Array.isArray(value)) return replicate(value, [name], factor);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      Array.isArray(inner) ? replicate(inner, [name, key], factor) : inner,
    ]),
  );
}

function scaleFile(file: string, content: unknown, factor: number): unknown {
  if (!isObject(content)) return content;
  if (file === PACK_FILE) return { ...content, id: `${String(content.id)}-x${factor}` };
  return Object.fromEntries(
    Object.entries(content).map(([name, value]) => [name, scaleSection(name, value, factor)]),
  );
}

/**
 * Writes the scaled copy of the pack in `seedDir` to `outDir`; returns the number of files and bytes written.
 *
 * @example await writeScaledPack('packs/company-ops', '/tmp/company-ops-x50', 50)
 */
export async function writeScaledPack(
  seedDir: string,
  outDir: string,
  factor: number,
): Promise<{ files: number; bytes: number }> {
  const { files } = await listPackFiles(seedDir);
  let bytes = 0;
  for (const file of files) {
    const content: unknown = parse(await readFile(join(seedDir, file), 'utf8'));
    const text = stringify(scaleFile(file, content, factor), { lineWidth: 0, aliasDuplicateObjects: false });
    await mkdir(dirname(join(outDir, file)), { recursive: true });
    await writeFile(join(outDir, file), text);
    bytes += Buffer.byteLength(text);
  }
  return { files: files.length, bytes };
}
