/**
 * The append-only history of a subject. Written in the same transaction as the change it records; the
 * database refuses updates and deletes (trigger) and the app role may only insert and read.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Queryable, Tx } from '../store/database.js';
import { timelineEvents } from '../store/schema.js';

export interface TimelineInput {
  readonly subject: string;
  readonly type: string;
  readonly actor: string;
  readonly data?: Record<string, unknown>;
  /** When it happened; omitted means the database's clock at commit time. */
  readonly occurredAt?: Date | null;
}

export type TimelineEntry = typeof timelineEvents.$inferSelect;

const rowOf = (workspaceId: string, input: TimelineInput) => ({
  workspaceId,
  subject: input.subject,
  type: input.type,
  actor: input.actor,
  data: input.data ?? {},
  ...(input.occurredAt ? { occurredAt: input.occurredAt } : {}),
});

/** Appends several entries in one statement, in order. */
export async function appendTimelines(
  tx: Tx,
  workspaceId: string,
  inputs: readonly TimelineInput[],
): Promise<void> {
  if (inputs.length) await tx.insert(timelineEvents).values(inputs.map((i) => rowOf(workspaceId, i)));
}

/** Appends one entry; returns it with its id and instant. */
export async function appendTimeline(
  tx: Tx,
  workspaceId: string,
  input: TimelineInput,
): Promise<TimelineEntry> {
  const [row] = await tx.insert(timelineEvents).values(rowOf(workspaceId, input)).returning();
  if (!row) throw new Error('timeline insert returned no row');
  return row;
}

/** A subject's entries in the order they were written, after `afterId` (for paging). */
export async function readTimeline(
  q: Queryable,
  subject: string,
  options: { afterId?: number; limit?: number } = {},
): Promise<TimelineEntry[]> {
  return q
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.subject, subject), gt(timelineEvents.id, options.afterId ?? 0)))
    .orderBy(asc(timelineEvents.id))
    .limit(options.limit ?? 500);
}
