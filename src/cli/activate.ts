/**
 * `opsbook activate <pack-dir> --workspace <id>`: validates a pack and makes it the workspace's active
 * version of that pack, recorded on the pack's timeline with the operator as actor. An invalid pack prints
 * its problems and changes nothing: the active version keeps running.
 */
import { userInfo } from 'node:os';
import type { Config } from '../config/config.js';
import { activatePack } from '../modules/packs/versions.js';
import { formatProblems } from '../packs/format.js';
import { loadPack } from '../packs/load.js';
import { openDatabase } from '../store/open.js';
import { workspaces } from '../store/schema.js';

export async function activatePackCommand(
  config: Config,
  dir: string,
  workspaceId: string,
): Promise<boolean> {
  const loaded = await loadPack(dir);
  if (!loaded.ok) {
    process.stdout.write(`${formatProblems(loaded.problems)}Not activated: the pack is invalid.\n`);
    return false;
  }
  const database = await openDatabase(config);
  try {
    const found = await database.inWorkspace(workspaceId, (tx) =>
      tx.select({ id: workspaces.id }).from(workspaces),
    );
    if (found.length === 0) {
      process.stdout.write(
        `No workspace "${workspaceId}" (use its id, e.g. ws_…, shown on the Admin page).\n`,
      );
      return false;
    }
    const { id, version } = loaded.pack.pack;
    const result = await activatePack(
      database,
      workspaceId,
      loaded,
      `cli:${userInfo().username}`,
      new Date(),
    );
    process.stdout.write(
      result.activated
        ? `Activated ${id} ${version} (hash ${loaded.hash}) in ${workspaceId}.\n`
        : `${id} ${version} (hash ${loaded.hash}) is already active in ${workspaceId}.\n`,
    );
    return true;
  } finally {
    await database.close();
  }
}
