/**
 * The people of an account (issue 9): owners, estate admins, guards, residents. One contact per phone
 * number in the workspace, stored in E.164, so a message, a survey or a re-import finds the same person.
 *
 * A contact created with `register: true` is a sign-up: the engine is told `user.registered` for
 * `user:<contact id>` in the same transaction, which starts the pack's journeys (ShopSmart's onboarding,
 * "User registers via app/web | Customer | T+0"). Imported residents are not sign-ups and start nothing.
 *
 * Contacts are suspended, not deleted, by the workflows ("suspend records rather than deleting active users
 * when there is uncertainty", Smart Estate); erasing one is the personal-data erasure's job.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import type { Engine } from '../../engine/engine.js';
import { loadSubject } from '../../engine/subjects.js';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { normalisePhone } from '../../security/otp.js';
import { newId } from '../../shared/ids.js';
import type { Queryable, Tx } from '../../store/database.js';
import { pgCode } from '../../store/database.js';
import { accountContacts, accounts, type ContactStatus } from '../../store/schema-customers.js';
import { accountNotFound, lockAccount } from './accounts.js';
import { refuseIfErased } from './retention.js';

type ContactRow = typeof accountContacts.$inferSelect;

export interface ContactInput {
  readonly name: string;
  readonly phone?: string | null;
  readonly email?: string | null;
  readonly locale?: string | null;
  /** IANA zone: journeys' send windows are read in it (else the pack's zone). */
  readonly timeZone?: string | null;
  readonly role?: string | null;
  readonly unit?: string | null;
}

export interface ContactView {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly locale: string | null;
  readonly timeZone: string | null;
  readonly role: string | null;
  readonly unit: string | null;
  readonly status: ContactStatus;
  readonly registeredAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const contactView = (row: ContactRow): ContactView => ({
  id: row.id,
  accountId: row.accountId,
  name: row.name,
  phone: row.phone,
  email: row.email,
  locale: row.locale,
  timeZone: row.timeZone,
  role: row.role,
  unit: row.unit,
  status: row.status,
  registeredAt: row.registeredAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const contactNotFound = (id: string) => new OpsError('OPS_NOT_FOUND', `No contact "${id}" in this account.`);

/** The phone in E.164, or a field error saying how to write it. */
export function phoneOrProblem(
  phone: string | null | undefined,
  pointer: string,
  country?: CountryCode,
): { phone: string | null; problem: FieldError | null } {
  if (phone === undefined || phone === null || phone.trim() === '') return { phone: null, problem: null };
  const checked = normalisePhone(phone, country);
  if (checked.ok) return { phone: checked.e164, problem: null };
  return {
    phone: null,
    problem: { pointer, message: `${checked.problem} Write it in E.164, e.g. +919876543210.` },
  };
}

function phoneTaken(phone: string): OpsError {
  return new OpsError(
    'OPS_CONFLICT',
    `Another contact of this workspace already has the phone ${phone}; find it with GET …/contacts?phone=${encodeURIComponent(phone)} and change that one instead.`,
  );
}

/** Tells the engine the contact signed up (`user.registered`), starting the pack's journeys for it. */
async function register(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  row: ContactRow,
  plan: string | null,
  actor: string,
): Promise<void> {
  const data: Record<string, string> = { account: row.accountId, name: row.name };
  for (const [field, value] of [
    ['phone', row.phone],
    ['email', row.email],
    ['locale', row.locale],
    ['time_zone', row.timeZone],
    ['plan', plan],
  ] as const)
    if (value) data[field] = value;
  await engine.handleIn(tx, workspaceId, {
    type: 'user.registered',
    subject: `user:${row.id}`,
    data,
    actor,
  });
}

export async function createContact(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  accountId: string,
  input: ContactInput & { readonly register?: boolean },
  actor: string,
  now: Date,
): Promise<ContactView> {
  const account = await lockAccount(tx, workspaceId, accountId);
  if (!account) throw accountNotFound(accountId);
  await refuseIfErased(tx, workspaceId, accountId);
  const { phone, problem } = phoneOrProblem(input.phone, '/body/phone');
  if (problem) throw new OpsError('OPS_VALIDATION', 'The phone number is not valid.', [problem]);
  let row: ContactRow;
  try {
    [row] = (await tx
      .insert(accountContacts)
      .values({
        id: newId('ctc', now.getTime()),
        workspaceId,
        accountId,
        name: input.name,
        phone,
        email: input.email ?? null,
        locale: input.locale ?? null,
        timeZone: input.timeZone ?? null,
        role: input.role ?? null,
        unit: input.unit ?? null,
        registeredAt: input.register ? now : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning()) as [ContactRow];
  } catch (err) {
    if (pgCode(err) === '23505') throw phoneTaken(phone!);
    throw err;
  }
  if (input.register) await register(tx, engine, workspaceId, row, account.plan, actor);
  return contactView(row);
}

export interface ContactPatch extends Partial<ContactInput> {
  readonly status?: ContactStatus;
}

export async function updateContact(
  tx: Tx,
  workspaceId: string,
  accountId: string,
  contactId: string,
  patch: ContactPatch,
  now: Date,
  /** Told when a registered contact is suspended or reinstated, in the same transaction. */
  engine?: Engine,
  actor = 'system',
): Promise<ContactView> {
  const where = and(
    eq(accountContacts.workspaceId, workspaceId),
    eq(accountContacts.accountId, accountId),
    eq(accountContacts.id, contactId),
  );
  const [current] = await tx.select().from(accountContacts).where(where).for('update');
  if (!current) throw contactNotFound(contactId);
  const { phone, problem } = phoneOrProblem(patch.phone, '/body/phone');
  if (problem) throw new OpsError('OPS_VALIDATION', 'The phone number is not valid.', [problem]);
  const set: Partial<ContactRow> = { updatedAt: now };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.phone !== undefined) set.phone = phone;
  for (const field of ['email', 'locale', 'timeZone', 'role', 'unit'] as const)
    if (patch[field] !== undefined) set[field] = patch[field] ?? null;
  if (patch.status !== undefined) set.status = patch.status;
  try {
    const [row] = await tx.update(accountContacts).set(set).where(where).returning();
    // The person's account in the pack's lifecycle (Smart Estate's user-account: suspend, reinstate),
    // for a contact registered as a user ("suspend records rather than deleting active users", 004#39).
    if (engine && patch.status !== undefined && patch.status !== current.status) {
      const subject = `user:${contactId}`;
      if (await loadSubject(tx, workspaceId, subject))
        await engine.handleIn(tx, workspaceId, {
          type: patch.status === 'suspended' ? 'user.suspended' : 'user.reinstated',
          subject,
          data: { account: accountId },
          actor,
        });
    }
    return contactView(row!);
  } catch (err) {
    if (pgCode(err) === '23505') throw phoneTaken(phone!);
    throw err;
  }
}

export interface ContactQuery {
  readonly status?: ContactStatus;
  readonly role?: string;
  readonly phone?: string;
  readonly after?: string;
  readonly limit: number;
}

export async function listContacts(
  q: Queryable,
  workspaceId: string,
  accountId: string,
  query: ContactQuery,
): Promise<{ items: ContactView[]; next: string | null }> {
  const [account] = await q
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)));
  if (!account) throw accountNotFound(accountId);
  const rows = await q
    .select()
    .from(accountContacts)
    .where(
      and(
        eq(accountContacts.workspaceId, workspaceId),
        eq(accountContacts.accountId, accountId),
        query.status ? eq(accountContacts.status, query.status) : undefined,
        query.role ? eq(accountContacts.role, query.role) : undefined,
        query.phone ? eq(accountContacts.phone, query.phone) : undefined,
        query.after ? gt(accountContacts.id, query.after) : undefined,
      ),
    )
    .orderBy(asc(accountContacts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(contactView),
    next: rows.length > query.limit ? page[page.length - 1]!.id : null,
  };
}

/**
 * The account's registered contacts (sign-ups), whose `user:` subjects see the account's facts and belong
 * on its timeline and journeys.
 */
export async function registeredContacts(
  q: Queryable,
  workspaceId: string,
  accountId: string,
): Promise<{ id: string; name: string }[]> {
  return q
    .select({ id: accountContacts.id, name: accountContacts.name })
    .from(accountContacts)
    .where(
      and(
        eq(accountContacts.workspaceId, workspaceId),
        eq(accountContacts.accountId, accountId),
        sql`${accountContacts.registeredAt} is not null`,
      ),
    );
}
