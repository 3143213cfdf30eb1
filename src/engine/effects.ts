/**
 * Every effect the engine decided (a notification, a task, an escalation, a transition, a clock verdict),
 * recorded once: its key is derived from the subject, the rule and the occurrence, and is unique per
 * workspace, so a re-run timer or a redelivered event records nothing new (RELIABILITY.md: "no effect is
 * recorded twice"). Written in the deciding transaction; append-only.
 */
import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { Queryable, Tx } from '../store/database.js';
import { effects } from '../store/schema.js';

export interface EffectInput {
  /** Idempotency key, e.g. `"ticket:T1:first-response:breach:1"`. */
  readonly key: string;
  readonly subject: string;
  readonly type: string;
  /** When the engine decided it happens. */
  readonly at: Date;
  readonly data?: Record<string, unknown>;
}

export type EffectRow = typeof effects.$inferSelect;

/**
 * Records a decision's effects in one statement; returns the keys that were new (a key recorded before, or
 * twice in `inputs`, is recorded once).
 */
export async function recordEffects(
  tx: Tx,
  workspaceId: string,
  inputs: readonly EffectInput[],
): Promise<Set<string>> {
  // A key decided twice keeps its first decision, as recording them one by one did.
  const first = new Map<string, EffectInput>();
  for (const input of inputs) if (!first.has(input.key)) first.set(input.key, input);
  const distinct = [...first.values()];
  if (distinct.length === 0) return new Set();
  const rows = await tx
    .insert(effects)
    .values(
      distinct.map((input) => ({
        workspaceId,
        key: input.key,
        subject: input.subject,
        type: input.type,
        at: input.at,
        data: input.data ?? {},
      })),
    )
    .onConflictDoNothing()
    .returning({ key: effects.key });
  return new Set(rows.map((r) => r.key));
}

/** Records an effect; recording the same key again changes nothing and returns `created: false`. */
export async function recordEffect(
  tx: Tx,
  workspaceId: string,
  input: EffectInput,
): Promise<{ created: boolean }> {
  return { created: (await recordEffects(tx, workspaceId, [input])).has(input.key) };
}

export interface EffectFilter {
  readonly subject?: string;
  readonly type?: string;
  /** Only effects recorded after this id (for paging). */
  readonly afterId?: number;
  readonly limit?: number;
}

/** The workspace's effects (row-level security scopes them) in the order they were recorded. */
export async function readEffects(q: Queryable, filter: EffectFilter = {}): Promise<EffectRow[]> {
  const conditions: SQL[] = [gt(effects.id, filter.afterId ?? 0)];
  if (filter.subject !== undefined) conditions.push(eq(effects.subject, filter.subject));
  if (filter.type !== undefined) conditions.push(eq(effects.type, filter.type));
  return q
    .select()
    .from(effects)
    .where(and(...conditions))
    .orderBy(asc(effects.id))
    .limit(filter.limit ?? 500);
}
