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
  /** Whether everyone must sign in with a second factor (company SOP 001#63). */
  readonly requireMfa: boolean;
  readonly createdAt: Date;
}

const columns = {
  id: workspaces.id,
  slug: workspaces.slug,
  name: workspaces.name,
  timeZone: workspaces.timeZone,
  role: memberships.role,
  requireMfa: workspaces.requireMfa,
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
  require_mfa: boolean;
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
  // One statement through a SECURITY DEFINER function (migration 0006): this runs on every authorised
  // request, and a transaction that first sets the tenant costs four round trips.
  const result = await database.db.execute(sql`select * from opsbook_membership(${userId}, ${workspaceId})`);
  const row = rowsOf<WorkspaceRow>(result)[0];
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timeZone: row.time_zone,
    role: row.role,
    requireMfa: row.require_mfa,
    createdAt: new Date(row.created_at),
  };
}

/** A workspace by id, for callers already authorised for it (an API token of that workspace). */
export async function getWorkspaceById(
  database: Database,
  workspaceId: string,
): Promise<Omit<WorkspaceView, 'role'>> {
  const [row] = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({
        id: workspaces.id,
        slug: workspaces.slug,
        name: workspaces.name,
        timeZone: workspaces.timeZone,
        requireMfa: workspaces.requireMfa,
        createdAt: workspaces.createdAt,
      })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId)),
  );
  if (!row) throw new Error(`workspace ${workspaceId} vanished`);
  return row;
}
