/** Reading workspaces as a member sees them. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
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
        .innerJoin(
          memberships,
          and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, userId)),
        )
        .orderBy(asc(workspaces.name)),
    { userId },
  );
}

interface WorkspaceRow {
  id: string;
  slug: string;
  name: string;
  time_zone: string;
  role: string;
  created_at: Date | string;
}

/**
 * One workspace, if the person is a member; null otherwise (no hint whether it exists). Plain SQL: this
 * runs on most requests of a workspace, and the ORM's query building was a fifth of its CPU time.
 */
export async function getWorkspace(
  database: Database,
  userId: string,
  workspaceId: string,
): Promise<WorkspaceView | null> {
  const result = await database.inWorkspace(
    workspaceId,
    (tx) =>
      tx.execute(sql`select w.id, w.slug, w.name, w.time_zone, m.role, w.created_at
                       from workspaces w join memberships m on m.workspace_id = w.id and m.user_id = ${userId}
                      where w.id = ${workspaceId} limit 1`),
    { userId },
  );
  const row = rowsOf<WorkspaceRow>(result)[0];
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timeZone: row.time_zone,
    role: row.role,
    createdAt: new Date(row.created_at),
  };
}
