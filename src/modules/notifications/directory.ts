/**
 * What routing reads from the record: the pack version that governs a subject, the workspace's people
 * with the addresses and preferences channels need, and, for a message about an account, that account's
 * active contacts (so `role:estate-admin` reaches the estate's own admin, plan.ts).
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Fields } from '../../core/decide/types.js';
import type { AccountContact, AccountDirectory } from '../../core/notify/plan.js';
import { compilePack, type Policy } from '../../packs/compile.js';
import type { Pack } from '../../packs/schema/pack.js';
import { rowsOf, type Tx } from '../../store/database.js';
import { memberships, packVersions, users } from '../../store/schema.js';
import { accountContacts } from '../../store/schema-customers.js';
import { accountIdOf } from '../customers/accounts.js';
import { onCallByRotation } from '../incidents/oncall.js';

const policies = new Map<string, Policy>();

/** The pack version that governs `subject` (the workspace's active one for a subject never recorded). */
export async function governingPolicy(
  tx: Tx,
  workspaceId: string,
  hash: string | null,
): Promise<Policy | null> {
  if (hash && policies.has(hash)) return policies.get(hash)!;
  // The active version's hash first: its (large) document is read only when this process has not
  // compiled that version yet.
  let governing = hash;
  if (!governing) {
    const [active] = await tx
      .select({ hash: packVersions.hash })
      .from(packVersions)
      .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
      .limit(1);
    if (!active) return null;
    governing = active.hash;
    const cached = policies.get(governing);
    if (cached) return cached;
  }
  const rows = await tx
    .select({ document: packVersions.document, hash: packVersions.hash })
    .from(packVersions)
    .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.hash, governing)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const policy = compilePack(row.document as Pack, row.hash);
  policies.set(row.hash, policy);
  return policy;
}

/**
 * The workspace's people as recipients resolve them. Rotations with an on-call schedule carry who is on
 * call at `atMs` (default: the database's clock), so `rotation:<id>` reaches that person. With `subject`
 * an account (`account:EST-7`), its active contacts with a role come too.
 */
export async function directoryOf(
  tx: Tx,
  workspaceId: string,
  /** The governing pack (its contacts, tiers, rotations); null: members only. */
  policy: Policy | null,
  fields: Fields,
  atMs?: number,
  /** The record the message is about. */
  subject?: string,
): Promise<AccountDirectory> {
  const members = await tx
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      phone: users.phone,
      role: memberships.role,
      locale: users.locale,
      quietHours: users.quietHours,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId));
  const rotations = policy?.pack.rotations ?? [];
  const onCall =
    rotations.length > 0 ? await onCallByRotation(tx, workspaceId, atMs ?? (await dbNowMs(tx))) : null;
  return {
    members: members.map((m) => ({ ...m, quietHours: m.quietHours ?? null })),
    contacts: policy?.pack.contacts ?? [],
    tiers: policy?.pack.tiers ?? [],
    rotations: rotations.map((r) => {
      const scheduled = onCall?.get(r.id);
      return scheduled ? { ...r, onCall: scheduled.userIds } : r;
    }),
    fields,
    accountContacts: subject ? await contactsOf(tx, workspaceId, subject) : [],
  };
}

/** The active contacts with a role of the account `subject` names (none for another kind of subject). */
async function contactsOf(tx: Tx, workspaceId: string, subject: string): Promise<AccountContact[]> {
  const accountId = accountIdOf(subject);
  if (accountId === null) return [];
  const rows = await tx
    .select({
      role: accountContacts.role,
      name: accountContacts.name,
      email: accountContacts.email,
      phone: accountContacts.phone,
      locale: accountContacts.locale,
    })
    .from(accountContacts)
    .where(
      and(
        eq(accountContacts.workspaceId, workspaceId),
        eq(accountContacts.accountId, accountId),
        eq(accountContacts.status, 'active'),
        isNotNull(accountContacts.role),
      ),
    )
    .orderBy(accountContacts.id);
  return rows.map((r) => ({
    role: r.role!,
    name: r.name,
    ...(r.email ? { email: r.email } : {}),
    ...(r.phone ? { phone: r.phone } : {}),
    ...(r.locale ? { locale: r.locale } : {}),
  }));
}

async function dbNowMs(tx: Tx): Promise<number> {
  const [row] = rowsOf<{ now: Date | string }>(await tx.execute(sql`select statement_timestamp() as now`));
  return new Date(row?.now ?? 0).getTime();
}
