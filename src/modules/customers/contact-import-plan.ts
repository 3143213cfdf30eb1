/**
 * Plans a bulk import of one account's contacts (the residents of one estate) from an uploaded CSV file.
 * Pure: the caller reads the workspace's contacts, shows the plan as a dry run, and writes it in one
 * transaction only when `ok`, so nothing is ever imported half-way.
 *
 * The rules come from the Smart Estate SOP, "Resident Data SOP": required fields "resident name; phone
 * number; unit; estate", and the controls "check duplicate phone numbers before import", "confirm phone
 * format before OTP rollout", "assign residents only to their estate" and "suspend records rather than
 * deleting active users when there is uncertainty". Contacts are matched by phone number (E.164), so a
 * re-import updates the people already there instead of creating them twice.
 *
 * The file is read by contact-import-csv.ts and each row checked on its own by contact-import-rows.ts;
 * this file checks the rows against each other and against the workspace, and says what to do with each.
 */
import type { CountryCode } from 'libphonenumber-js/mobile';
import { readContactFile } from './contact-import-csv.js';
import { HINTS, plural, problem, type ImportProblem, type ProblemCode } from './contact-import-problem.js';
import { checkRow, rowContext, type CheckedRow, type ContactDraft } from './contact-import-rows.js';

export type { ImportProblem } from './contact-import-problem.js';
export type { ContactDraft } from './contact-import-rows.js';

export type ImportRole = string;

export interface ExistingContact {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly unit: string | null;
  readonly role: string | null;
  readonly locale: string | null;
  readonly status: 'active' | 'suspended';
}

export interface ImportInput {
  /** The uploaded file as received. */
  readonly bytes: Uint8Array;
  /** The account (estate) the import is for. */
  readonly account: { readonly id: string; readonly name: string };
  /** Country for numbers written without `+` and a country code. */
  readonly defaultCountry: CountryCode;
  /** Allowed values of the role column; the first is the default when the column is absent or blank. */
  readonly roles: readonly ImportRole[];
  /** Every contact of the workspace that has a phone, in any account. */
  readonly existing: readonly ExistingContact[];
  /** Contacts of this account absent from the file get suspended (never deleted). */
  readonly suspendAbsent?: boolean;
  /** Default 100,000. */
  readonly maxRows?: number;
}

export type ContactChanges = Partial<Omit<ContactDraft, 'line'>> & { status?: 'active' };

export interface ImportPlan {
  readonly ok: boolean;
  /** A problem with the whole file (wrong header, encoding, empty, too many rows): nothing else is checked. */
  readonly fatal: ImportProblem | null;
  /** Data rows read (blank lines are not rows). */
  readonly rows: number;
  readonly create: readonly ContactDraft[];
  readonly update: readonly { id: string; line: number; changes: ContactChanges }[];
  readonly unchanged: number;
  /** Only when `suspendAbsent`. */
  readonly suspend: readonly { id: string; name: string; phone: string | null }[];
  /** Sorted by line; at most `MAX_PROBLEMS`, then one `IMPORT_MORE_PROBLEMS` saying how many were left out. */
  readonly problems: readonly ImportProblem[];
}

export const DEFAULT_MAX_ROWS = 100_000;
/** Enough to fix a file in one sitting; a longer list means the file is wrong as a whole. */
export const MAX_PROBLEMS = 1_000;

/**
 * Checks an uploaded contact list against the account and the workspace and says what importing it would
 * do. Throws only when `roles` is empty (a caller's mistake); everything wrong with the file is in the plan.
 *
 * @example
 * const plan = planContactImport({ bytes, account, defaultCountry: 'IN', roles: ['resident'], existing });
 * if (plan.ok) await writeContactImport(tx, account.id, plan); // else show plan.fatal or plan.problems
 */
export function planContactImport(input: ImportInput): ImportPlan {
  const defaultRole = input.roles[0];
  if (defaultRole === undefined) throw new TypeError('planContactImport: roles must name at least one role');
  const file = readContactFile(input.bytes);
  if ('fatal' in file) return failed(file.fatal, file.rows);
  const { columns, data } = file;
  const maxRows = input.maxRows ?? DEFAULT_MAX_ROWS;
  const firstOver = data[maxRows];
  if (firstOver) {
    const message = `the file has ${data.length.toLocaleString('en')} rows; at most ${maxRows.toLocaleString('en')} can be imported at once`;
    const hint = `Split the file into parts of at most ${maxRows.toLocaleString('en')} rows, each with the header line.`;
    return failed(problem(firstOver.line, 'IMPORT_TOO_MANY_ROWS', message, hint), data.length);
  }

  const problems: ImportProblem[] = [];
  const context = rowContext(input, columns, defaultRole);
  const rows = data.map((row) => checkRow(row, context, problems));
  flagDuplicatePhones(rows, problems);
  const matched = matchExisting(rows, input, problems);
  return {
    ok: problems.length === 0,
    fatal: null,
    rows: data.length,
    ...matched,
    suspend: input.suspendAbsent ? absentContacts(rows, input) : [],
    problems: capped(problems),
  };
}

// ---- Rows against each other and against the workspace ----

/** SOP: "check duplicate phone numbers before import". Both lines are reported, so neither is imported. */
function flagDuplicatePhones(rows: readonly CheckedRow[], problems: ImportProblem[]): void {
  const first = new Map<string, CheckedRow>();
  const repeats = new Map<string, number[]>();
  for (const row of rows) {
    if (row.phone === null) continue;
    const earlier = first.get(row.phone);
    if (!earlier) {
      first.set(row.phone, row);
      continue;
    }
    const lines = repeats.get(row.phone) ?? [];
    if (lines.length === 0) repeats.set(row.phone, lines);
    lines.push(row.line);
    report(
      row,
      problems,
      phoneProblemOf(row, 'IMPORT_DUPLICATE_PHONE', `${row.phone} is already on line ${earlier.line}`),
    );
  }
  for (const [phone, lines] of repeats) {
    const row = first.get(phone);
    if (!row) continue;
    const shown =
      lines.length > 5 ? `${lines.slice(0, 5).join(', ')} and ${lines.length - 5} more` : lines.join(', ');
    const message = `${phone} appears again on line${plural(lines)} ${shown}`;
    report(row, problems, phoneProblemOf(row, 'IMPORT_DUPLICATE_PHONE', message));
  }
}

function matchExisting(
  rows: readonly CheckedRow[],
  input: ImportInput,
  problems: ImportProblem[],
): Pick<ImportPlan, 'create' | 'update' | 'unchanged'> {
  const holders = holdersByPhone(input.existing, input.account.id);
  const create: ContactDraft[] = [];
  const update: { id: string; line: number; changes: ContactChanges }[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const held = row.phone === null ? undefined : holders.get(row.phone);
    if (held?.elsewhere) {
      // Names the account, as the import is run by the platform team (SOP onboarding step 11, "Import or
      // create residents"); a screen for estate admins must not show it ("Keep estate data tenant-scoped").
      const message = `${row.phone} belongs to a contact of another account (${held.elsewhere.accountId})`;
      report(row, problems, phoneProblemOf(row, 'IMPORT_PHONE_TAKEN', message));
    } else if (held && held.here.length > 1) {
      const ids = held.here.map((contact) => contact.id).join(', ');
      const message = `${row.phone} belongs to ${held.here.length} contacts of this account (${ids})`;
      report(row, problems, phoneProblemOf(row, 'IMPORT_PHONE_AMBIGUOUS', message));
    }
    if (row.problems > 0) continue;
    const contact = held?.here[0];
    if (!contact) {
      create.push(row.draft);
      continue;
    }
    const changes = changesFor(contact, row);
    if (Object.keys(changes).length === 0) unchanged++;
    else update.push({ id: contact.id, line: row.line, changes });
  }
  return { create, update, unchanged };
}

/** The workspace's contacts by phone: those of this account, and one of another account if any. */
function holdersByPhone(
  existing: readonly ExistingContact[],
  accountId: string,
): Map<string, { here: ExistingContact[]; elsewhere: ExistingContact | undefined }> {
  const byPhone = new Map<string, { here: ExistingContact[]; elsewhere: ExistingContact | undefined }>();
  for (const contact of existing) {
    if (contact.phone === null) continue;
    let held = byPhone.get(contact.phone);
    if (!held) byPhone.set(contact.phone, (held = { here: [], elsewhere: undefined }));
    if (contact.accountId === accountId) held.here.push(contact);
    else held.elsewhere ??= contact;
  }
  return byPhone;
}

/** Only what differs; a blank optional cell keeps the contact's value, and a blank role keeps its role. */
function changesFor(contact: ExistingContact, row: CheckedRow): ContactChanges {
  const { draft, given } = row;
  const changes: ContactChanges = {};
  if (contact.name !== draft.name) changes.name = draft.name;
  if (contact.unit !== draft.unit) changes.unit = draft.unit;
  if (given.email && contact.email !== draft.email) changes.email = draft.email;
  if (given.locale && contact.locale !== draft.locale) changes.locale = draft.locale;
  const role = given.role ? draft.role : (contact.role ?? draft.role);
  if (contact.role !== role) changes.role = role;
  if (contact.status === 'suspended') changes.status = 'active';
  return changes;
}

/**
 * SOP: "suspend records rather than deleting active users when there is uncertainty". A contact missing
 * from the file may have moved out or may have been left out by mistake, so it is suspended, never deleted.
 * Rows with other problems still count as present: their phone is in the file.
 */
function absentContacts(rows: readonly CheckedRow[], input: ImportInput): ImportPlan['suspend'] {
  const inFile = new Set(rows.map((row) => row.phone));
  // Only people of the roles the file is about: a residents file says nothing about the estate's admin or
  // its guards, so they are not "absent" from it.
  const roles = new Set(rows.map((row) => row.draft.role));
  return input.existing
    .filter((c) => c.accountId === input.account.id && c.status === 'active' && c.phone !== null)
    .filter((c) => !inFile.has(c.phone) && roles.has(c.role ?? input.roles[0]!))
    .map((c) => ({ id: c.id, name: c.name, phone: c.phone }));
}

// ---- Small helpers ----

function report(row: CheckedRow, problems: ImportProblem[], found: ImportProblem): void {
  problems.push(found);
  row.problems++;
}

function phoneProblemOf(row: CheckedRow, code: ProblemCode, message: string): ImportProblem {
  return { ...problem(row.line, code, message, HINTS[code]), column: 'phone', value: row.phoneText };
}

function failed(fatal: ImportProblem, rows: number): ImportPlan {
  return { ok: false, fatal, rows, create: [], update: [], unchanged: 0, suspend: [], problems: [] };
}

/** Sorted by line (stable, so a row's problems stay in column order), cut at `MAX_PROBLEMS`. */
function capped(problems: ImportProblem[]): ImportProblem[] {
  const sorted = problems.sort((a, b) => a.line - b.line);
  const next = sorted[MAX_PROBLEMS];
  if (!next) return sorted;
  const more = sorted.length - MAX_PROBLEMS;
  const summary = problem(
    next.line,
    'IMPORT_MORE_PROBLEMS',
    `${more.toLocaleString('en')} more problem${more === 1 ? '' : 's'} from line ${next.line} on are not listed`,
    'Fix the problems listed and check the file again.',
  );
  return [...sorted.slice(0, MAX_PROBLEMS), summary];
}
