/**
 * Bulk import of an account's contacts from CSV (issue 9; Smart Estate's "Resident Data SOP"). The plan is
 * made by the pure planner (contact-import-plan.ts) against every contact of the workspace that has a
 * phone; a dry run returns it, and a real run writes it in one transaction only when it has no problem at
 * all, so nothing is ever imported half-way. Rows are written in chunks of multi-row statements, so a
 * 100,000-row file is a few dozen statements.
 *
 * The allowed roles are the pack's account roles (resident, guard, estate admin…); the request names the
 * default for rows without one. A contact changed by someone else while the file was checked (a phone
 * taken meanwhile) makes the write fail whole with a 409: run it again.
 *
 * A caller may follow the import (a progress bar): it is told when the file is being checked (one step of
 * about a second for 100,000 rows) and after each chunk written. Nothing is committed before the end.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import type { Engine } from '../../engine/engine.js';
import { NoActivePackError } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { pgCode } from '../../store/database.js';
import { accountContacts } from '../../store/schema-customers.js';
import { accountNotFound, lockAccount } from './accounts.js';
import { refuseIfErased } from './retention.js';
import { planContactImport, type ImportPlan, type ImportProblem } from './contact-import-plan.js';

export interface ImportRequest {
  readonly bytes: Uint8Array;
  readonly country: CountryCode;
  /** The role of rows that name none. */
  readonly role: string;
  readonly suspendAbsent: boolean;
  readonly dryRun: boolean;
}

export interface ImportReport {
  readonly dryRun: boolean;
  /** Whether the plan was written (never when it has a problem, never on a dry run). */
  readonly imported: boolean;
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly suspended: number;
  readonly fatal: ImportPlan['fatal'];
  readonly problems: ImportProblem[];
}

/** What the import is doing: checking the file, then writing `done` of `total` contacts (of `rows`). */
export type ImportProgress =
  | { readonly phase: 'checking' }
  | { readonly phase: 'writing'; readonly rows: number; readonly done: number; readonly total: number };

/** Told each step. The import waits for it, so a caller can send a line before the checks block. */
export type OnImportProgress = (progress: ImportProgress) => Promise<void>;

const quiet: OnImportProgress = async () => undefined;

const CHUNK = 2_000;

/** The pack's account roles, the default first; any role when the pack names none. */
async function rolesFor(tx: Tx, engine: Engine, workspaceId: string, role: string): Promise<string[]> {
  try {
    const { ep } = await engine.activePolicyIn(tx, workspaceId);
    const own = Object.values(ep.policy.roles)
      .filter((r) => r.scope === 'account')
      .map((r) => r.id);
    if (own.length > 0 && !own.includes(role))
      throw new OpsError('OPS_VALIDATION', `"${role}" is not an account role of the active pack.`, [
        { pointer: '/querystring/role', message: `Use one of: ${own.join(', ')}.` },
      ]);
    return [role, ...own.filter((r) => r !== role)];
  } catch (err) {
    if (err instanceof NoActivePackError) return [role];
    throw err;
  }
}

export async function importContacts(
  database: Database,
  engine: Engine,
  workspaceId: string,
  accountId: string,
  request: ImportRequest,
  now: Date,
  onProgress: OnImportProgress = quiet,
): Promise<ImportReport> {
  return database.inWorkspace(workspaceId, async (tx) => {
    // The account stays locked until commit: two imports into one estate run one after the other.
    const account = await lockAccount(tx, workspaceId, accountId);
    if (!account) throw accountNotFound(accountId);
    await refuseIfErased(tx, workspaceId, accountId);
    const roles = await rolesFor(tx, engine, workspaceId, request.role);
    await onProgress({ phase: 'checking' });
    const existing = await tx
      .select({
        id: accountContacts.id,
        accountId: accountContacts.accountId,
        name: accountContacts.name,
        phone: accountContacts.phone,
        email: accountContacts.email,
        unit: accountContacts.unit,
        role: accountContacts.role,
        locale: accountContacts.locale,
        status: accountContacts.status,
      })
      .from(accountContacts)
      .where(and(eq(accountContacts.workspaceId, workspaceId), isNotNull(accountContacts.phone)));
    const plan = planContactImport({
      bytes: request.bytes,
      account: { id: account.id, name: account.name },
      defaultCountry: request.country,
      roles,
      existing,
      suspendAbsent: request.suspendAbsent,
    });
    const report = (imported: boolean): ImportReport => ({
      dryRun: request.dryRun,
      imported,
      rows: plan.rows,
      created: plan.create.length,
      updated: plan.update.length,
      unchanged: plan.unchanged,
      suspended: plan.suspend.length,
      fatal: plan.fatal,
      problems: [...plan.problems],
    });
    if (!plan.ok || request.dryRun) return report(false);
    const total = plan.create.length + plan.update.length + plan.suspend.length;
    const wrote = (done: number) => onProgress({ phase: 'writing', rows: plan.rows, done, total });
    try {
      await wrote(0);
      await writePlan(tx, workspaceId, accountId, plan, now, wrote);
    } catch (err) {
      if (pgCode(err) === '23505')
        throw new OpsError(
          'OPS_CONFLICT',
          'A phone number in the file was given to another contact while the file was checked; nothing was imported. Run the import again.',
        );
      throw err;
    }
    return report(true);
  });
}

/** Writes the plan a chunk at a time; `wrote` is told how many contacts are written so far. */
async function writePlan(
  tx: Tx,
  workspaceId: string,
  accountId: string,
  plan: ImportPlan,
  now: Date,
  wrote: (done: number) => Promise<void>,
) {
  const at = now.toISOString();
  let done = 0;
  const chunkDone = (size: number) => wrote((done += size));
  for (let i = 0; i < plan.create.length; i += CHUNK) {
    const rows = plan.create.slice(i, i + CHUNK).map((c) => ({
      id: newId('ctc', now.getTime()),
      name: c.name,
      phone: c.phone,
      email: c.email,
      unit: c.unit,
      role: c.role,
      locale: c.locale,
    }));
    await tx.execute(sql`
      insert into account_contacts (id, workspace_id, account_id, name, phone, email, unit, role, locale, status, created_at, updated_at)
      select r.id, ${workspaceId}, ${accountId}, r.name, r.phone, r.email, r.unit, r.role, r.locale, 'active', ${at}::timestamptz, ${at}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(id text, name text, phone text, email text, unit text, role text, locale text)`);
    await chunkDone(rows.length);
  }
  // Updates name only the fields that changed; the others stay as they are (coalesce with the row).
  for (let i = 0; i < plan.update.length; i += CHUNK) {
    const rows = plan.update.slice(i, i + CHUNK).map((u) => ({ id: u.id, ...u.changes }));
    await tx.execute(sql`
      update account_contacts c set
          name = coalesce(r.name, c.name), phone = coalesce(r.phone, c.phone), email = coalesce(r.email, c.email),
          unit = coalesce(r.unit, c.unit), role = coalesce(r.role, c.role), locale = coalesce(r.locale, c.locale),
          status = coalesce(r.status, c.status), updated_at = ${at}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(id text, name text, phone text, email text, unit text, role text, locale text, status text)
       where c.workspace_id = ${workspaceId} and c.account_id = ${accountId} and c.id = r.id`);
    await chunkDone(rows.length);
  }
  // "Suspend records rather than deleting active users when there is uncertainty" (Smart Estate).
  const suspend = plan.suspend.map((s) => s.id);
  for (let i = 0; i < suspend.length; i += CHUNK) {
    const ids = suspend.slice(i, i + CHUNK);
    await tx.execute(sql`
      update account_contacts set status = 'suspended', updated_at = ${at}::timestamptz
       where workspace_id = ${workspaceId} and account_id = ${accountId}
         and id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
    await chunkDone(ids.length);
  }
}
