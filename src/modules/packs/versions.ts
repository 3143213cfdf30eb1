/**
 * Packs a workspace runs: each loaded version is stored with its hash; activating a version deactivates
 * the previous one and is recorded on the pack's timeline. Only a ValidatedPack (made by the loader) can be
 * activated, so an invalid pack never replaces the version that keeps running.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { startVendorReviews } from '../ops/vendors.js';
import { Engine } from '../../engine/engine.js';
import { appendTimeline } from '../../engine/timeline.js';
import { diffPacks, formatChange } from '../../packs/diff.js';
import { renderPack } from '../../packs/render.js';
import type { ValidatedPack } from '../../packs/load.js';
import type { Pack } from '../../packs/schema/pack.js';
import { newId } from '../../shared/ids.js';
import { schedulePackReview } from './review.js';
import { forgetRoles } from '../access/roles.js';
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

const packFilter = (workspaceId: string, packId: string) =>
  and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.packId, packId));

/**
 * Stores the version (once per hash) and makes it the active one; returns whether anything changed. A
 * transaction-scoped advisory lock per pack serialises activations, so processes starting together (each
 * loading the demo) cannot both insert or both activate.
 */
export async function activatePack(
  database: Database,
  workspaceId: string,
  loaded: ValidatedPack,
  actor: string,
  now: Date,
): Promise<{ activated: boolean }> {
  const packId = loaded.pack.pack.id;
  const outcome = await database.inWorkspace(workspaceId, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`pack:${workspaceId}:${packId}`}))`);
    const thisPack = packFilter(workspaceId, packId);
    const [existing] = await tx
      .select(summary)
      .from(packVersions)
      .where(and(thisPack, eq(packVersions.hash, loaded.hash)));
    if (existing?.active) return { activated: false };
    const [previous] = await tx
      .select(summary)
      .from(packVersions)
      .where(and(thisPack, eq(packVersions.active, true)));
    await tx
      .update(packVersions)
      .set({ active: false })
      .where(and(thisPack, eq(packVersions.active, true)));
    const id = newId('pv', now.getTime());
    await tx
      .insert(packVersions)
      .values({
        id,
        workspaceId,
        packId,
        version: loaded.pack.pack.version,
        title: loaded.pack.pack.title,
        hash: loaded.hash,
        document: loaded.pack,
        createdAt: now,
      })
      .onConflictDoNothing();
    await tx
      .update(packVersions)
      .set({ active: true, activatedAt: now, activatedBy: actor })
      .where(and(thisPack, eq(packVersions.hash, loaded.hash)));
    await schedulePackReview(tx, workspaceId, loaded);
    // The pack's recurring checklists run from now on, under this version; so do its vendors' review and
    // contract reminders (SOP-006), whether or not anyone opens the register.
    const engine = new Engine(database, { now: () => now });
    await engine.startSchedules(tx, workspaceId, {
      id: packId,
      version: loaded.pack.pack.version,
      hash: loaded.hash,
    });
    await startVendorReviews(tx, engine, workspaceId);
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
  forgetRoles(workspaceId); // a new version may bring other roles
  return outcome;
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

/**
 * A pack's active document, rendered now from the stored pack (so renderer improvements reach every stored
 * version), and its version history, newest first; null when the workspace runs no such pack.
 */
export async function getPack(
  database: Database,
  workspaceId: string,
  packId: string,
): Promise<{ active: PackVersionSummary & { rendered: string }; versions: PackVersionSummary[] } | null> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const thisPack = packFilter(workspaceId, packId);
    const versions = await tx
      .select(summary)
      .from(packVersions)
      .where(thisPack)
      .orderBy(desc(packVersions.createdAt));
    const [active] = await tx
      .select({ ...summary, document: packVersions.document })
      .from(packVersions)
      .where(and(thisPack, eq(packVersions.active, true)));
    if (!active) return null;
    const { document, ...rest } = active;
    return { active: { ...rest, rendered: renderPack(document as Pack) }, versions };
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
      .where(and(packFilter(workspaceId, packId), inArray(packVersions.hash, [fromHash, toHash]))),
  );
  const from = documents.find((d) => d.hash === fromHash);
  const to = documents.find((d) => d.hash === toHash);
  if (!from || !to) return null;
  return diffPacks(from.document as Pack, to.document as Pack).map(formatChange);
}
