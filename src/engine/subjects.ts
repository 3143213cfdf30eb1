/**
 * The state of governed records (`ticket:T1`, `incident:I7`), read and written inside the caller's
 * workspace transaction. Writes are optimistic: `saveSubject` names the revision it read, and a concurrent
 * writer that got there first makes it throw `SubjectConflictError`, so the caller's transaction rolls
 * back and is retried on fresh state. Every row records the pack version that governs it (DESIGN.md).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../store/database.js';
import { subjects } from '../store/schema.js';

export interface PackRef {
  readonly id: string;
  readonly version: string;
  readonly hash: string;
}

export interface Subject {
  readonly key: string;
  readonly kind: string;
  readonly pack: PackRef;
  readonly state: Record<string, unknown>;
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SubjectWrite {
  readonly key: string;
  readonly kind: string;
  readonly pack: PackRef;
  readonly state: Record<string, unknown>;
  /** The revision read before deciding; null for a subject that did not exist yet. */
  readonly expectedRevision: number | null;
}

/** Another transaction changed (or created) the subject since it was read: retry on fresh state. */
export class SubjectConflictError extends Error {
  constructor(
    readonly key: string,
    readonly expectedRevision: number | null,
  ) {
    super(
      expectedRevision === null
        ? `subject ${key} was created concurrently; reload it and decide again`
        : `subject ${key} is no longer at revision ${expectedRevision}; reload it and decide again`,
    );
    this.name = 'SubjectConflictError';
  }
}

type SubjectRow = typeof subjects.$inferSelect;

function toSubject(row: SubjectRow): Subject {
  return {
    key: row.key,
    kind: row.kind,
    pack: { id: row.packId, version: row.packVersion, hash: row.packHash },
    state: row.state as Record<string, unknown>,
    revision: row.revision,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const byKey = (workspaceId: string, key: string) =>
  and(eq(subjects.workspaceId, workspaceId), eq(subjects.key, key));

/** The subject, or null when there is none. */
export async function loadSubject(q: Queryable, workspaceId: string, key: string): Promise<Subject | null> {
  const [row] = await q.select().from(subjects).where(byKey(workspaceId, key));
  return row ? toSubject(row) : null;
}

/**
 * The subject, locked until the transaction ends (SELECT … FOR UPDATE), for a caller that would rather
 * wait for a concurrent writer than retry after losing to it.
 */
export async function lockSubject(tx: Tx, workspaceId: string, key: string): Promise<Subject | null> {
  const [row] = await tx.select().from(subjects).where(byKey(workspaceId, key)).for('update');
  return row ? toSubject(row) : null;
}

/**
 * Inserts (expectedRevision null) or updates (only at the expected revision) a subject; returns it at its
 * new revision. Throws SubjectConflictError when another writer won.
 *
 * @example
 * const s = await loadSubject(tx, ws, 'ticket:T1');
 * await saveSubject(tx, ws, { key: 'ticket:T1', kind: 'ticket', pack, state, expectedRevision: s?.revision ?? null });
 */
export async function saveSubject(tx: Tx, workspaceId: string, write: SubjectWrite): Promise<Subject> {
  const fields = {
    kind: write.kind,
    packId: write.pack.id,
    packVersion: write.pack.version,
    packHash: write.pack.hash,
    state: write.state,
  };
  const rows =
    write.expectedRevision === null
      ? await tx
          .insert(subjects)
          .values({ workspaceId, key: write.key, ...fields, revision: 1 })
          .onConflictDoNothing()
          .returning()
      : await tx
          .update(subjects)
          .set({ ...fields, revision: write.expectedRevision + 1, updatedAt: sql`now()` })
          .where(and(byKey(workspaceId, write.key), eq(subjects.revision, write.expectedRevision)))
          .returning();
  const [row] = rows;
  if (!row) throw new SubjectConflictError(write.key, write.expectedRevision);
  return toSubject(row);
}
