/**
 * Activating packs from several processes at once (every api process loads the demo at start-up): the
 * per-pack lock serialises them, so each version is stored once and exactly one is active.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readTimeline } from '../../src/engine/timeline.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack, type ValidatedPack } from '../../src/packs/load.js';
import { packVersions } from '../../src/store/schema.js';
import { ENGINES } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';
import { PACKS_DIR } from './support.js';

async function load(dir: string): Promise<ValidatedPack> {
  const result = await loadPack(dir);
  if (!result.ok) throw new Error(`${dir} does not load`);
  return result;
}

const postgres = ENGINES.find((e) => e.name === 'postgres')!;

describe.runIf(postgres.available)(`concurrent activation: ${postgres.title}`, () => {
  it('stores each version once and leaves exactly one active', async () => {
    const opened = await postgres.open();
    try {
      const other = await opened.second();
      const ws = await createWorkspace(opened.database);
      const v1 = await load(join(PACKS_DIR, 'smart-estate'));
      const dir = mkdtempSync(join(tmpdir(), 'opsbook-activation-'));
      cpSync(join(PACKS_DIR, 'smart-estate'), dir, { recursive: true });
      const packFile = join(dir, 'pack.yaml');
      writeFileSync(packFile, readFileSync(packFile, 'utf8').replace(/^version: .*$/m, 'version: 1.0.1'));
      const v2 = await load(dir);
      const now = new Date();
      const same = await Promise.all([
        activatePack(opened.database, ws, v1, 'a', now),
        activatePack(other, ws, v1, 'b', now),
      ]);
      expect(same.map((r) => r.activated).sort()).toEqual([false, true]);
      await Promise.all([
        activatePack(opened.database, ws, v2, 'a', now),
        activatePack(other, ws, v1, 'b', now),
      ]);
      const rows = await opened.database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(packVersions)
          .where(and(eq(packVersions.workspaceId, ws), eq(packVersions.packId, 'smart-estate'))),
      );
      expect(rows.map((r) => r.hash).sort()).toEqual([v1.hash, v2.hash].sort());
      expect(rows.filter((r) => r.active)).toHaveLength(1);
      const timeline = await opened.database.inWorkspace(ws, (tx) => readTimeline(tx, 'pack:smart-estate'));
      expect(timeline.length).toBeGreaterThanOrEqual(2);
    } finally {
      await opened.close();
    }
  });
});
