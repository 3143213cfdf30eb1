/**
 * `opsbook render <pack-dir>`: the pack as the readable SOP document (Markdown), so the pack *is* the SOP
 * people read. An invalid pack prints its problems instead.
 */
import { writeFile } from 'node:fs/promises';
import { formatProblems } from '../packs/format.js';
import { loadPack } from '../packs/load.js';
import { renderPack } from '../packs/render.js';

/** Writes the document to `out` (or stdout); resolves to false when the pack is invalid. */
export async function renderPackCommand(dir: string, out: string | undefined): Promise<boolean> {
  const result = await loadPack(dir);
  if (!result.ok) {
    process.stdout.write(formatProblems(result.problems));
    return false;
  }
  const document = `${renderPack(result.pack)}\n<!-- pack ${result.pack.pack.id} ${result.pack.pack.version}, hash ${result.hash} -->\n`;
  if (out) await writeFile(out, document);
  else process.stdout.write(document);
  return true;
}
