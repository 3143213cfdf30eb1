/**
 * Usage facts (issue 9): what the SaaS tells us about an account's use — customers added, transactions,
 * app opens, units, residents — which journeys test ("day 7: ≥ 5 customers, ≥ 10 transactions, ≥ 3 app
 * opens", ShopSmart SOP-001).
 *
 * - A batch names the instant the SaaS observed the values (`at`, default: when it arrives). Each fact
 *   keeps the instant of its value, and an older value never replaces a newer one, so batches that arrive
 *   out of order (retries, parallel senders) end with the newest values.
 * - A batch with a `key` is applied once: a replay is answered `duplicate` and changes nothing.
 * - A value that changed is told to the engine (`fact.set`) for the account's subject and for each of its
 *   registered contacts' `user:` subjects, in the same transaction, so a journey running on a shop's owner
 *   reads the shop's usage. Unchanged values are not re-sent (they decide nothing).
 * - An unknown account is created on first sight (accounts.ts). Without an active pack the facts are kept
 *   and no journey runs.
 */
import { and, eq } from 'drizzle-orm';
import type { Engine, EngineEventInput } from '../../engine/engine.js';
import { NoActivePackError } from '../../engine/engine.js';
import type { Tx } from '../../store/database.js';
import { accounts, factReceipts, type FactValue } from '../../store/schema-customers.js';
import { accountSubject, ensureAccount, lockAccount } from './accounts.js';
import { registeredContacts } from './contacts.js';

/**
 * Facts the pack's payment guards read (Smart Estate: `payment_method`, `finance_confirmed`,
 * `provider_reference_verified`): set only with a payment's confirmation, never through the facts API or
 * `fact.set`, so nobody can satisfy finance's or the provider's check by asserting it.
 */
export const RESERVED_FACTS: ReadonlySet<string> = new Set([
  'payment_method',
  'finance_confirmed',
  'provider_reference_verified',
]);

/** Fact names as conditions read them (`facts.customers_added`). */
export const FACT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export interface FactBatch {
  readonly account: string;
  readonly facts: Readonly<Record<string, FactValue>>;
  /** When the SaaS observed these values (ms); default: now. */
  readonly atMs?: number;
  /** Idempotency key: a batch with a key already seen is not applied again. */
  readonly key?: string;
}

export interface FactOutcome {
  readonly account: string;
  readonly duplicate: boolean;
  /** Facts whose value was stored (changed or not). */
  readonly applied: string[];
  /** Facts skipped because a newer value was already stored. */
  readonly stale: string[];
  /** Facts whose value changed and were told to the engine. */
  readonly changed: string[];
}

/** Applies one batch in the caller's transaction; the caller retries on SubjectConflictError. */
export async function recordFacts(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  batch: FactBatch,
  actor: string,
  nowMs: number,
): Promise<FactOutcome> {
  const none = { account: batch.account, applied: [], stale: [], changed: [] };
  if (batch.key !== undefined) {
    const inserted = await tx
      .insert(factReceipts)
      .values({ workspaceId, key: batch.key, accountId: batch.account, receivedAt: new Date(nowMs) })
      .onConflictDoNothing()
      .returning({ key: factReceipts.key });
    if (inserted.length === 0) return { ...none, duplicate: true };
  }
  await ensureAccount(tx, workspaceId, batch.account, new Date(nowMs));
  const row = (await lockAccount(tx, workspaceId, batch.account))!;
  const atMs = batch.atMs ?? nowMs;
  const facts = { ...row.facts };
  const factsAt = { ...row.factsAt };
  const applied: string[] = [];
  const stale: string[] = [];
  const changed: string[] = [];
  for (const [name, value] of Object.entries(batch.facts)) {
    if ((factsAt[name] ?? -Infinity) > atMs) {
      stale.push(name);
      continue;
    }
    applied.push(name);
    if (!Object.hasOwn(facts, name) || facts[name] !== value) changed.push(name);
    facts[name] = value;
    factsAt[name] = atMs;
  }
  if (applied.length > 0)
    await tx
      .update(accounts)
      .set({ facts, factsAt, updatedAt: new Date(nowMs) })
      .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, batch.account)));
  if (changed.length > 0) await tellEngine(tx, engine, workspaceId, batch.account, facts, changed, actor);
  return { account: batch.account, duplicate: false, applied, stale, changed };
}

async function tellEngine(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  accountId: string,
  facts: Record<string, FactValue>,
  changed: readonly string[],
  actor: string,
): Promise<void> {
  const subjects = [
    accountSubject(accountId),
    ...(await registeredContacts(tx, workspaceId, accountId)).map((c) => `user:${c.id}`),
  ];
  try {
    for (const subject of subjects) {
      const events: EngineEventInput[] = changed.map((name) => ({
        type: 'fact.set',
        subject,
        data: { subject, name, value: facts[name] ?? null },
        actor,
      }));
      await engine.handleAllIn(tx, workspaceId, events);
    }
  } catch (err) {
    // No pack governs the workspace yet: the facts are kept, and no journey can read them until one does.
    if (!(err instanceof NoActivePackError)) throw err;
  }
}
