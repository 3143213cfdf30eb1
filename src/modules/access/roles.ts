/**
 * The role table of a workspace: built-in roles plus the roles of its active packs (src/core/access.ts
 * says how they map to permissions). Read on every authorised request, so kept in memory per workspace
 * and dropped when a pack is activated here (and after ROLE_CACHE_MS, for activations by another process).
 */
import { and, eq } from 'drizzle-orm';
import type { PackRole, ResolvedRole } from '../../core/access.js';
import { resolveRoles } from '../../core/access.js';
import type { Database } from '../../store/database.js';
import { packVersions } from '../../store/schema.js';

const ROLE_CACHE_MS = 30_000;
const cache = new Map<string, { readonly atMs: number; readonly roles: Promise<ResolvedRole[]> }>();

async function loadRoles(database: Database, workspaceId: string): Promise<ResolvedRole[]> {
  const rows = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({ packId: packVersions.packId, document: packVersions.document })
      .from(packVersions)
      .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
      .orderBy(packVersions.packId),
  );
  return resolveRoles(
    rows.map((r) => ({
      packId: r.packId,
      roles: ((r.document as { roles?: PackRole[] }).roles ?? []).map((role) => ({
        ...role,
        scope: role.scope ?? 'team',
      })),
    })),
  );
}

export function workspaceRoles(
  database: Database,
  workspaceId: string,
  nowMs: number,
): Promise<ResolvedRole[]> {
  const hit = cache.get(workspaceId);
  if (hit && nowMs - hit.atMs < ROLE_CACHE_MS && nowMs >= hit.atMs) return hit.roles;
  const roles = loadRoles(database, workspaceId);
  cache.set(workspaceId, { atMs: nowMs, roles });
  roles.catch(() => cache.delete(workspaceId));
  return roles;
}

/** Called when a workspace's packs change. */
export function forgetRoles(workspaceId: string): void {
  cache.delete(workspaceId);
}

export async function findRole(
  database: Database,
  workspaceId: string,
  roleId: string,
  nowMs: number,
): Promise<ResolvedRole | undefined> {
  return (await workspaceRoles(database, workspaceId, nowMs)).find((r) => r.id === roleId);
}
