/**
 * Packs a workspace runs: each loaded version is stored with its hash and rendered document; activating a
 * version deactivates the previous one and is recorded on the pack's timeline. An invalid pack never gets
 * here (the loader refuses it), so the active version keeps running.
 */
import { and, desc, eq } from 'drizzle-orm';
import { appendTimeline } from '../../engine/timeline.js';
import { diffPacks, formatChange } from '../../packs/diff.js';
import { renderPack } from '../../packs/render.js';
import type { Pack } from '../../packs/schema/pack.js';
import { newId } from '../../shared/ids.js';
import type { Database } from '../../store/database.js';
import { packVersions } from '../../store/schema.js';

export interface PackVersionSummary {
  readonly packId: string;
  readonly title: string;
  readonly version: string;
  readonly hash: string;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  readonly activatedBy: string | null;
}

const summary = {
  packId: packVersions.packId,
  title: packVersions.title,
  version: packVersions.version,
  hash: packVersions.hash,
  active: packVersions.active,
  createdAt: packVersions.createdAt,
  activatedAt: packVersions.activatedAt,
  activatedBy: packVersions.activatedBy,
};

/** Stores the version (once per hash) and makes it the active one; returns whether anything changed. */
export async function activatePack(
  database: Database,
  workspaceId: string,
  loaded: { readonly pack: Pack; readonly hash: string },
  actor: string,
  now: Date,
): Promise<{ activated: boolean }> {
  const packId = loaded.pack.pack.id;
  return database.inWorkspace(workspaceId, async (tx) => {
    const same = and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.packId, packId));
    const [existing] = await tx
      .select()
      .from(packVersions)
      .where(and(same, eq(packVersions.hash, loaded.hash)));
    if (existing?.active) return { activated: false };
    const [previous] = await tx
      .select(summary)
      .from(packVersions)
      .where(and(same, eq(packVersions.active, true)));
    await tx
      .update(packVersions)
      .set({ active: false })
      .where(and(same, eq(packVersions.active, true)));
    const id = existing?.id ?? newId('pv', now.getTime());
    if (!existing) {
      await tx.insert(packVersions).values({
        id,
        workspaceId,
        packId,
        version: loaded.pack.pack.version,
        title: loaded.pack.pack.title,
        hash: loaded.hash,
        document: loaded.pack,
        rendered: renderPack(loaded.pack),
      });
    }
    await tx
      .update(packVersions)
      .set({ active: true, activatedAt: now, activatedBy: actor })
      .where(eq(packVersions.id, id));
    await appendTimeline(tx, workspaceId, {
      subject: `pack:${packId}`,
      type: 'pack.activated',
      actor,
      data: {
        version: loaded.pack.pack.version,
        hash: loaded.hash,
        previous: previous ? { version: previous.version, hash: previous.hash } : null,
      },
      occurredAt: now,
    });
    return { activated: true };
  });
}

/** The active version of every pack of the workspace. */
export function listActivePacks(database: Database, workspaceId: string): Promise<PackVersionSummary[]> {
  return database.inWorkspace(workspaceId, (tx) =>
    tx
      .select(summary)
      .from(packVersions)
      .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
      .orderBy(packVersions.title),
  );
}

/** A pack's active document (Markdown) and its version history, newest first; null when unknown. */
export async function getPack(
  database: Database,
  workspaceId: string,
  packId: string,
): Promise<{ active: PackVersionSummary & { rendered: string }; versions: PackVersionSummary[] } | null> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const same = and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.packId, packId));
    const versions = await tx
      .select(summary)
      .from(packVersions)
      .where(same)
      .orderBy(desc(packVersions.createdAt));
    const [active] = await tx
      .select({ ...summary, rendered: packVersions.rendered })
      .from(packVersions)
      .where(and(same, eq(packVersions.active, true)));
    return active ? { active, versions } : null;
  });
}

/** What changed in meaning from one stored version of a pack to another (by hash); null when unknown. */
export async function diffPackVersions(
  database: Database,
  workspaceId: string,
  packId: string,
  fromHash: string,
  toHash: string,
): Promise<string[] | null> {
  const documents = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({ hash: packVersions.hash, document: packVersions.document })
      .from(packVersions)
      .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.packId, packId))),
  );
  const from = documents.find((d) => d.hash === fromHash);
  const to = documents.find((d) => d.hash === toHash);
  if (!from || !to) return null;
  return diffPacks(from.document as Pack, to.document as Pack).map(formatChange);
}
