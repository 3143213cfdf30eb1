/**
 * Customer accounts (issue 9): the shops, estates and organisations a workspace serves. An account is a
 * row here (name, plan, owner, custom fields, latest usage facts) and, once its first event is decided, a
 * subject of the engine (`account:<id>`) whose lifecycles — signup, payment, subscription, estate — the
 * pack runs. The row mirrors the lifecycle positions (mirror.ts), so lists and metrics read one table.
 *
 * Like Customer.io's people, an account is created on first sight: an event for an unknown account (a
 * `trial.started` from billing) creates its row with the id as its name, to be named later.
 */
import { and, asc, eq, gt, ilike, or, sql } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { Queryable, Tx } from '../../store/database.js';
import { pgCode } from '../../store/database.js';
import { accountContacts, accounts, type FactValue } from '../../store/schema-customers.js';
import { refuseIfErased } from './retention.js';

type AccountRow = typeof accounts.$inferSelect;

/** The SaaS's own ids: letters, digits and `_ - . :`, as they appear in its database and URLs. */
export const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export interface AccountInput {
  readonly id: string;
  readonly name: string;
  readonly kind?: string;
  readonly plan?: string | null;
  readonly ownerUserId?: string | null;
  readonly custom?: Readonly<Record<string, FactValue>>;
}

export type AccountPatch = Partial<Omit<AccountInput, 'id'>>;

export interface AccountView {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly plan: string | null;
  readonly ownerUserId: string | null;
  readonly custom: Record<string, FactValue>;
  readonly facts: Record<string, FactValue>;
  /** When each fact was last observed (ISO 8601). */
  readonly factsAt: Record<string, string>;
  readonly lifecycles: Record<string, string>;
  readonly state: string;
  readonly contacts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const accountSubject = (id: string): string => `account:${id}`;

/** `account:EST-7` → `EST-7`; null for any other subject. */
export function accountIdOf(subjectKey: string): string | null {
  if (!subjectKey.startsWith('account:')) return null;
  const id = subjectKey.slice('account:'.length);
  return ACCOUNT_ID.test(id) ? id : null;
}

function view(row: AccountRow, contacts: number): AccountView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    plan: row.plan,
    ownerUserId: row.ownerUserId,
    custom: row.custom,
    facts: row.facts,
    factsAt: Object.fromEntries(
      Object.entries(row.factsAt).map(([name, ms]) => [name, new Date(ms).toISOString()]),
    ),
    lifecycles: row.lifecycles,
    state: row.state,
    contacts,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const accountNotFound = (id: string): OpsError =>
  new OpsError('OPS_NOT_FOUND', `No account "${id}" in this workspace.`);

async function contactCount(q: Queryable, workspaceId: string, accountId: string): Promise<number> {
  const [row] = await q
    .select({ n: sql<number>`count(*)::int` })
    .from(accountContacts)
    .where(and(eq(accountContacts.workspaceId, workspaceId), eq(accountContacts.accountId, accountId)));
  return row?.n ?? 0;
}

export async function getAccount(q: Queryable, workspaceId: string, id: string): Promise<AccountView> {
  const [row] = await q
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, id)));
  if (!row) throw accountNotFound(id);
  return view(row, await contactCount(q, workspaceId, id));
}

/** The account row locked for the rest of the transaction, or null. */
export async function lockAccount(tx: Tx, workspaceId: string, id: string): Promise<AccountRow | null> {
  const [row] = await tx
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, id)))
    .for('update');
  return row ?? null;
}

export async function createAccount(
  tx: Tx,
  workspaceId: string,
  input: AccountInput,
  now: Date,
): Promise<AccountView> {
  try {
    const [row] = await tx
      .insert(accounts)
      .values({
        workspaceId,
        id: input.id,
        name: input.name,
        kind: input.kind ?? 'organisation',
        plan: input.plan ?? null,
        ownerUserId: input.ownerUserId ?? null,
        custom: { ...input.custom },
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return view(row!, 0);
  } catch (err) {
    if (pgCode(err) === '23505')
      throw new OpsError(
        'OPS_CONFLICT',
        `An account "${input.id}" already exists; change it with PATCH …/accounts/${input.id} instead.`,
      );
    throw err;
  }
}

/** Changes the given fields; `custom` is merged key by key, and a key set to null is removed. */
export async function updateAccount(
  tx: Tx,
  workspaceId: string,
  id: string,
  patch: AccountPatch,
  now: Date,
): Promise<AccountView> {
  const row = await lockAccount(tx, workspaceId, id);
  if (!row) throw accountNotFound(id);
  await refuseIfErased(tx, workspaceId, id);
  const custom = { ...row.custom };
  for (const [key, value] of Object.entries(patch.custom ?? {})) {
    if (value === null) delete custom[key];
    else custom[key] = value;
  }
  const [updated] = await tx
    .update(accounts)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.plan !== undefined ? { plan: patch.plan } : {}),
      ...(patch.ownerUserId !== undefined ? { ownerUserId: patch.ownerUserId } : {}),
      custom,
      updatedAt: now,
    })
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, id)))
    .returning();
  return view(updated!, await contactCount(tx, workspaceId, id));
}

/**
 * Makes sure the row exists (an event named an account the API never created): the id doubles as its
 * name until someone names it.
 */
export async function ensureAccount(tx: Tx, workspaceId: string, id: string, now: Date): Promise<void> {
  await tx
    .insert(accounts)
    .values({ workspaceId, id, name: id, createdAt: now, updatedAt: now })
    .onConflictDoNothing();
}

export interface AccountQuery {
  readonly state?: string;
  /** `lifecycle:state`, e.g. `estate-signup:pending` (the review queue). */
  readonly lifecycle?: string;
  readonly plan?: string;
  /** Matches the id or the name, case-insensitively. */
  readonly q?: string;
  /** The last id of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

function lifecycleIs(filter: string | undefined) {
  if (!filter) return undefined;
  const at = filter.lastIndexOf(':');
  return sql`${accounts.lifecycles} ->> ${filter.slice(0, at)} = ${filter.slice(at + 1)}`;
}

/** Accounts in id order, a page at a time. */
export async function listAccounts(
  q: Queryable,
  workspaceId: string,
  query: AccountQuery,
): Promise<{ items: AccountView[]; next: string | null }> {
  const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await q
    .select({
      row: accounts,
      contacts: sql<number>`(select count(*)::int from ${accountContacts} c where c.workspace_id = ${accounts.workspaceId} and c.account_id = ${accounts.id})`,
    })
    .from(accounts)
    .where(
      and(
        eq(accounts.workspaceId, workspaceId),
        query.state ? eq(accounts.state, query.state) : undefined,
        query.plan ? eq(accounts.plan, query.plan) : undefined,
        lifecycleIs(query.lifecycle),
        pattern ? or(ilike(accounts.id, pattern), ilike(accounts.name, pattern)) : undefined,
        query.after ? gt(accounts.id, query.after) : undefined,
      ),
    )
    .orderBy(asc(accounts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => view(r.row, r.contacts)),
    next: rows.length > query.limit ? page[page.length - 1]!.row.id : null,
  };
}
