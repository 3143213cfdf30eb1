/**
 * The pack version the vendor and backup registers read: the one that governs the workspace's new records
 * (the engine's active policy), with the instant it was activated, which is when its registers began.
 */
import { and, eq } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { NoActivePackError, type Engine } from '../../engine/engine.js';
import { SubjectConflictError, type PackRef } from '../../engine/subjects.js';
import { OpsError } from '../../errors/catalog.js';
import { pgCode, type Database, type Tx } from '../../store/database.js';
import { packVersions } from '../../store/schema.js';

export interface ActivePack {
  readonly ep: EnginePolicy;
  readonly ref: PackRef;
  readonly activatedAt: Date;
}

/** The governing pack, or OPS_NO_ACTIVE_PACK (409) when the workspace runs none. */
export async function activePackOf(tx: Tx, engine: Engine, workspaceId: string): Promise<ActivePack> {
  let governing: { ep: EnginePolicy; ref: PackRef };
  try {
    governing = await engine.activePolicyIn(tx, workspaceId);
  } catch (err) {
    if (err instanceof NoActivePackError)
      throw new OpsError(
        'OPS_NO_ACTIVE_PACK',
        'This workspace runs no pack, so it has no vendor or backup register: activate one first.',
      );
    throw err;
  }
  const [row] = await tx
    .select({ activatedAt: packVersions.activatedAt, createdAt: packVersions.createdAt })
    .from(packVersions)
    .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.hash, governing.ref.hash)))
    .limit(1);
  return { ...governing, activatedAt: row?.activatedAt ?? row?.createdAt ?? new Date(0) };
}

/**
 * Runs `fn` in one workspace transaction, again (up to three times) when it lost a race to create an engine
 * subject (two first readers of the register starting the same vendor) or PostgreSQL broke a deadlock.
 */
export async function inWorkspaceRetrying<T>(
  database: Database,
  workspaceId: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.inWorkspace(workspaceId, fn);
    } catch (err) {
      const lost = err instanceof SubjectConflictError || pgCode(err) === '40P01';
      if (!lost || attempt >= 3) throw err;
    }
  }
}

/** A duration for people: `30 days`, `2 h 5 min`, `45 min`, `90 s`. */
export function minutesText(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms % 86_400_000 === 0) return ms === 86_400_000 ? '1 day' : `${ms / 86_400_000} days`;
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}
