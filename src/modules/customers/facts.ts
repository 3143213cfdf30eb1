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
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Engine, EngineEventInput } from '../../engine/engine.js';
import { rowsOf, type Tx } from '../../store/database.js';
import { accountContacts, accounts, type FactValue } from '../../store/schema-customers.js';
import { accountSubject } from './accounts.js';
import { refuseIfErased } from './retention.js';

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
  const [outcome] = await recordFactBatches(tx, engine, workspaceId, [batch], actor, nowMs);
  return outcome!;
}

/**
 * Applies batches in order in the caller's transaction, with the outcome of each as if applied one by one.
 * Written a statement per kind of row, not per batch (a bulk request of 100 batches was 900 statements and
 * 100 engine decisions): the receipts, the accounts made on first sight, one locked read of every account
 * (in id order, so two requests cannot deadlock on each other), their new facts, their registered
 * contacts, and one engine call deciding each account and contact once on all its changed values, in
 * order (Engine.handleSubjectsIn). The caller retries on SubjectConflictError.
 *
 * @example await recordFactBatches(tx, engine, ws, [{ account: 'shop_42', facts: { app_opens: 3 } }], 'api', now)
 */
export async function recordFactBatches(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  batches: readonly FactBatch[],
  actor: string,
  nowMs: number,
): Promise<FactOutcome[]> {
  const now = new Date(nowMs).toISOString();
  const fresh = await receive(tx, workspaceId, batches, now);
  const ids = [...new Set(batches.filter((_, i) => fresh[i]).map((b) => b.account))].sort();
  const stored = await lockAccounts(tx, workspaceId, ids, now);
  await refuseIfErased(tx, workspaceId, ids);
  const merged = mergeFactBatches(stored, batches, fresh, nowMs);
  await writeFacts(tx, workspaceId, merged.accounts, now);
  await tellEngine(tx, engine, workspaceId, merged.changes, actor);
  return merged.outcomes;
}

/** What an account row holds of its facts. */
export interface StoredFacts {
  readonly facts: Readonly<Record<string, FactValue>>;
  /** When each value was observed (ms). */
  readonly factsAt: Readonly<Record<string, number>>;
}

/** The values of one batch that changed: what the engine is told, in batch order. */
export interface FactChange {
  readonly account: string;
  readonly values: Readonly<Record<string, FactValue>>;
}

/**
 * The pure part: applies the batches in order to the stored facts (a batch not `fresh` is a duplicate
 * and changes nothing). A value observed before the stored one is stale; one equal to the stored value
 * is applied (its instant moves on) but is no change. Returns each batch's outcome, the accounts whose row
 * changed (their whole facts), and each batch's changed values.
 *
 * @example mergeFactBatches(new Map(), [{ account: 'a', facts: { x: 1 } }], [true], now).changes // [{ account: 'a', values: { x: 1 } }]
 */
export function mergeFactBatches(
  stored: ReadonlyMap<string, StoredFacts>,
  batches: readonly FactBatch[],
  fresh: readonly boolean[],
  nowMs: number,
): { outcomes: FactOutcome[]; accounts: Map<string, StoredFacts>; changes: FactChange[] } {
  const rows = new Map<string, { facts: Record<string, FactValue>; factsAt: Record<string, number> }>();
  const accounts = new Map<string, StoredFacts>();
  const outcomes: FactOutcome[] = [];
  const changes: FactChange[] = [];
  for (const [i, batch] of batches.entries()) {
    const outcome = { account: batch.account, duplicate: !fresh[i], applied: [] as string[] };
    const stale: string[] = [];
    const values: Record<string, FactValue> = {};
    if (fresh[i]) {
      const known = stored.get(batch.account) ?? { facts: {}, factsAt: {} };
      const row = rows.get(batch.account) ?? { facts: { ...known.facts }, factsAt: { ...known.factsAt } };
      rows.set(batch.account, row);
      const atMs = batch.atMs ?? nowMs;
      for (const [name, value] of Object.entries(batch.facts)) {
        if ((row.factsAt[name] ?? -Infinity) > atMs) {
          stale.push(name);
          continue;
        }
        outcome.applied.push(name);
        if (!Object.hasOwn(row.facts, name) || row.facts[name] !== value) values[name] = value;
        row.facts[name] = value;
        row.factsAt[name] = atMs;
      }
      if (outcome.applied.length > 0) accounts.set(batch.account, row);
    }
    const changed = Object.keys(values);
    if (changed.length > 0) changes.push({ account: batch.account, values });
    outcomes.push({ ...outcome, stale, changed });
  }
  return { outcomes, accounts, changes };
}

/**
 * Records the keys of keyed batches; answers, per batch, whether it is to be applied (false: its key was
 * applied before, or by an earlier batch of this call).
 */
async function receive(
  tx: Tx,
  workspaceId: string,
  batches: readonly FactBatch[],
  now: string,
): Promise<boolean[]> {
  const first = new Map<string, string>();
  for (const b of batches) if (b.key !== undefined && !first.has(b.key)) first.set(b.key, b.account);
  if (first.size === 0) return batches.map(() => true);
  const rows = [...first].map(([key, account]) => ({ key, account }));
  const inserted = rowsOf<{ key: string }>(
    await tx.execute(sql`
      insert into fact_receipts (workspace_id, key, account_id, created_at) -- created_at: receivedAt
      select ${workspaceId}, r.key, r.account, ${now}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(key text, account text)
      on conflict do nothing
      returning key`),
  );
  const fresh = new Set(inserted.map((r) => r.key));
  return batches.map((b) => b.key === undefined || fresh.delete(b.key));
}

/** Creates the accounts not seen before (accounts.ts: created on first sight), then locks and reads all. */
async function lockAccounts(
  tx: Tx,
  workspaceId: string,
  ids: readonly string[],
  now: string,
): Promise<Map<string, StoredFacts>> {
  if (ids.length === 0) return new Map();
  await tx.execute(sql`
    insert into accounts (workspace_id, id, name, created_at, updated_at)
    select ${workspaceId}, a.id, a.id, ${now}::timestamptz, ${now}::timestamptz
      from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as a(id)
     order by a.id
    on conflict do nothing`);
  const rows = await tx
    .select({ id: accounts.id, facts: accounts.facts, factsAt: accounts.factsAt })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), inArray(accounts.id, [...ids])))
    .orderBy(accounts.id)
    .for('update');
  return new Map(rows.map((r) => [r.id, { facts: r.facts, factsAt: r.factsAt }]));
}

async function writeFacts(
  tx: Tx,
  workspaceId: string,
  changed: ReadonlyMap<string, StoredFacts>,
  now: string,
): Promise<void> {
  if (changed.size === 0) return;
  const rows = [...changed].map(([id, row]) => ({ id, facts: row.facts, facts_at: row.factsAt }));
  await tx.execute(sql`
    update accounts as a set facts = r.facts, facts_at = r.facts_at, updated_at = ${now}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, facts jsonb, facts_at jsonb)
     where a.workspace_id = ${workspaceId} and a.id = r.id`);
}

/**
 * Tells the engine each changed value (`fact.set`) on the account's subject and each registered contact's
 * `user:` subject: every subject decided once, on its events in batch order. A subject no pack governs yet
 * (no active pack) is left undecided: the facts are kept, and no journey can read them until one does.
 */
async function tellEngine(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  changes: readonly FactChange[],
  actor: string,
): Promise<void> {
  if (changes.length === 0) return;
  const contacts = await registeredContactsOf(tx, workspaceId, [...new Set(changes.map((c) => c.account))]);
  const groups = new Map<string, EngineEventInput[]>();
  for (const { account, values } of changes) {
    for (const subject of [accountSubject(account), ...(contacts.get(account) ?? [])]) {
      const events = groups.get(subject) ?? [];
      groups.set(subject, events);
      for (const [name, value] of Object.entries(values))
        events.push({ type: 'fact.set', subject, data: { subject, name, value }, actor });
    }
  }
  await engine.handleSubjectsIn(tx, workspaceId, [...groups.values()], { skipUngoverned: true });
}

/** The `user:` subjects of each account's registered contacts, in one read (contacts.ts: registeredContacts). */
async function registeredContactsOf(
  tx: Tx,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const rows = await tx
    .select({ accountId: accountContacts.accountId, id: accountContacts.id })
    .from(accountContacts)
    .where(
      and(
        eq(accountContacts.workspaceId, workspaceId),
        inArray(accountContacts.accountId, [...ids]),
        sql`${accountContacts.registeredAt} is not null`,
      ),
    )
    .orderBy(accountContacts.accountId, accountContacts.id);
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.accountId, [...(out.get(r.accountId) ?? []), `user:${r.id}`]);
  return out;
}
