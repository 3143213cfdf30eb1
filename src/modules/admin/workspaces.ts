/** Reading workspaces as a member sees them. */
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { memberships, workspaces } from '../../store/schema.js';

export interface WorkspaceView {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly timeZone: string;
  readonly role: string;
  readonly createdAt: Date;
}

const columns = {
  id: workspaces.id,
  slug: workspaces.slug,
  name: workspaces.name,
  timeZone: workspaces.timeZone,
  role: memberships.role,
  createdAt: workspaces.createdAt,
};

/** The workspaces a person belongs to, by name. */
export function listMyWorkspaces(database: Database, userId: string): Promise<WorkspaceView[]> {
  return database.transaction(
    (tx) =>
      tx
        .select(columns)
        .from(workspaces)
        .innerJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, userId)))
        .orderBy(asc(workspaces.name)),
    { userId },
  );
}

/** One workspace, if the person is a member; null otherwise (no hint whether it exists). */
export async function getWorkspace(database: Database, userId: string, workspaceId: string): Promise<WorkspaceView | null> {
  const rows = await database.inWorkspace(
    workspaceId,
    (tx) =>
      tx
        .select(columns)
        .from(workspaces)
        .innerJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, userId)))
        .where(eq(workspaces.id, workspaceId))
        .limit(1),
    { userId },
  );
  return rows[0] ?? null;
}
