/** The roles of the seed packs (packs/*), for docs/access.md. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PackRole } from '../../core/access.js';
import { loadPack } from '../../packs/load.js';
import { PACKAGE_ROOT } from '../../shared/paths.js';

export async function seedPackRoles(): Promise<{ packId: string; title: string; roles: PackRole[] }[]> {
  const dir = join(PACKAGE_ROOT, 'packs');
  const out: { packId: string; title: string; roles: PackRole[] }[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    const loaded = await loadPack(join(dir, name));
    if (!loaded.ok) throw new Error(`pack ${name} does not load`);
    out.push({ packId: loaded.pack.pack.id, title: loaded.pack.pack.title, roles: loaded.pack.roles ?? [] });
  }
  return out;
}
