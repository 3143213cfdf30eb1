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
 */
import { parse, CsvError, type Options } from 'csv-parse/sync';
import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/mobile';
import examples from 'libphonenumber-js/mobile/examples';
import { normalisePhone as explainPhone } from '../../core/phone.js';
import { normalisePhone as smsPhone } from '../../security/otp.js';

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

export interface ContactDraft {
  name: string;
  phone: string;
  email: string | null;
  unit: string;
  role: string;
  locale: string | null;
  line: number;
}

export interface ImportProblem {
  line: number;
  column?: string;
  value?: string;
  code: string;
  message: string;
  hint: string;
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

const REQUIRED = ['name', 'phone', 'unit', 'estate'] as const;
const OPTIONAL = ['email', 'role', 'locale'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const EXPECTED_HEADER = [...REQUIRED, ...OPTIONAL].join(',');
/** Header names as people write them, lower case with spaces and underscores folded to one space. */
const ALIASES: ReadonlyMap<string, Column> = new Map<string, Column>([
  ...(['name', 'full name', 'resident name'] as const).map((a) => [a, 'name'] as const),
  ...(['phone', 'phone number', 'mobile', 'mobile number'] as const).map((a) => [a, 'phone'] as const),
  ...(['unit', 'unit number', 'flat', 'flat number'] as const).map((a) => [a, 'unit'] as const),
  ...(['estate', 'estate name', 'account'] as const).map((a) => [a, 'estate'] as const),
  ...(['email', 'e-mail', 'email address'] as const).map((a) => [a, 'email'] as const),
  ['role', 'role'],
  ['locale', 'locale'],
]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
/** Digits and the separators people type; anything else (letters, `ext. 5`, `#5`) cannot be dialled. */
const DIALLABLE = /^\+?[\d\s\-()./\u00a0]+$/;
const SAVE_AS_UTF8 = 'Save the file as UTF-8 (CSV UTF-8 in Excel) and upload it again.';

/**
 * What to do about each row problem. The plan shows a more precise phone hint (an example number for the
 * default country) and role hint (this workspace's roles).
 */
const HINTS = {
  IMPORT_REQUIRED: 'Every row needs name, phone, unit and estate (Resident Data SOP: required fields).',
  IMPORT_PHONE: 'Write the number with its country code.',
  IMPORT_OTHER_ACCOUNT: 'Import it into its own estate (SOP: "assign residents only to their estate").',
  IMPORT_EMAIL: 'Write it as name@example.com, or leave it empty.',
  IMPORT_ROLE: 'Use one of the roles of this workspace, or leave it empty.',
  IMPORT_LOCALE: 'Use a language tag such as en, hi or en-IN, or leave it empty.',
  IMPORT_ROW_SHAPE: 'Check for a missing or extra comma; put a value that contains a comma in double quotes.',
  IMPORT_DUPLICATE_PHONE: 'Each phone number may appear once: correct the number or remove one of the rows.',
  IMPORT_PHONE_TAKEN: 'One phone number is one person: correct the number, or move that contact first.',
  IMPORT_PHONE_AMBIGUOUS: 'Merge those contacts first, so the import knows which one to update.',
};
type ProblemCode = keyof typeof HINTS;

interface Row {
  readonly line: number;
  readonly values: readonly string[];
}
type Cells = Readonly<Record<Column, string>>;
interface Columns {
  /** Where each column is in a row; -1 when the file does not have it. */
  readonly at: Readonly<Record<Column, number>>;
  readonly names: readonly string[];
}
interface CheckedRow {
  readonly line: number;
  readonly draft: ContactDraft;
  /** E.164, or null when the phone is missing or invalid (or the row could not be read). */
  readonly phone: string | null;
  /** The phone as written in the file, to quote in problems. */
  readonly phoneText: string;
  /** Which optional cells were filled in: a blank one never erases what a contact already has. */
  readonly given: { readonly email: boolean; readonly role: boolean; readonly locale: boolean };
  problems: number;
}
interface RowContext {
  readonly columns: Columns;
  readonly estates: ReadonlySet<string>;
  readonly estateName: string;
  readonly roles: ReadonlyMap<string, string>;
  readonly defaultRole: string;
  readonly country: CountryCode;
  readonly phoneHint: string;
  readonly roleHint: string;
  /** Estate cells already compared with the account. */
  readonly estateSeen: Map<string, boolean>;
}

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
  const decoded = decodeUpload(input.bytes);
  if ('fatal' in decoded) return failed(decoded.fatal, 0);
  const read = readRows(decoded.text);
  if ('fatal' in read) return failed(read.fatal, 0);
  const [header, ...data] = read.rows;
  if (!header) return failed(problem(1, 'IMPORT_EMPTY', 'the file is empty', emptyHint()), 0);
  const columns = readHeader(header);
  if ('fatal' in columns) return failed(columns.fatal, data.length);
  if (data.length === 0) {
    return failed(problem(header.line, 'IMPORT_EMPTY', 'the file has a header but no rows', emptyHint()), 0);
  }
  const maxRows = input.maxRows ?? DEFAULT_MAX_ROWS;
  const firstOver = data[maxRows];
  if (firstOver) {
    const message = `the file has ${data.length.toLocaleString('en')} rows; at most ${maxRows.toLocaleString('en')} can be imported at once`;
    const hint = `Split the file into parts of at most ${maxRows.toLocaleString('en')} rows, each with the header line.`;
    return failed(problem(firstOver.line, 'IMPORT_TOO_MANY_ROWS', message, hint), data.length);
  }

  const problems: ImportProblem[] = [];
  const context = rowContext(input, columns.columns, defaultRole);
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

// ---- The file: bytes to text, text to rows, the header ----

function decodeUpload(bytes: Uint8Array): { text: string } | { fatal: ImportProblem } {
  if (isWorkbook(bytes)) {
    const message = 'this is an Excel workbook, not a CSV file';
    return { fatal: problem(1, 'IMPORT_ENCODING', message, `In Excel use File › Save As › CSV UTF-8.`) };
  }
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes); // drops the byte-order mark
  } catch {
    const line = encoding === 'utf-8' ? firstLineNotUtf8(bytes) : firstBadUtf16Line(bytes, encoding);
    const message = `line ${line} is not ${encoding.toUpperCase()} text (the file is in another encoding, or mixes encodings)`;
    return { fatal: problem(line, 'IMPORT_ENCODING', message, SAVE_AS_UTF8) };
  }
  text = text.replace(/\r\n?/g, '\n');
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const line = lineAt(text, nul);
    const message = `line ${line} contains NUL characters: this is not a text file, or it is UTF-16 without a byte-order mark`;
    return { fatal: problem(line, 'IMPORT_ENCODING', message, SAVE_AS_UTF8) };
  }
  return { text };
}

/** A zip (.xlsx) or OLE (.xls) file, which people upload when they forget to export CSV. */
function isWorkbook(bytes: Uint8Array): boolean {
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  return magic === '504b0304' || magic === 'd0cf11e0';
}

/** Decodes line by line (CR, LF or CRLF) to name the first line that is not UTF-8. */
function firstLineNotUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    if (i < bytes.length && byte !== 0x0a && byte !== 0x0d) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    if (byte === 0x0d && bytes[i + 1] === 0x0a) i++;
    line++;
    start = i + 1;
  }
  return line;
}

function firstBadUtf16Line(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): number {
  const text = new TextDecoder(encoding).decode(bytes).replace(/\r\n?/g, '\n');
  return lineAt(text, Math.max(0, text.indexOf('\uFFFD')));
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const CSV_OPTIONS = { relax_column_count: true, relax_quotes: true, skip_empty_lines: false } as const;

/**
 * Rows with the physical line each starts on. csv-parse's `info` gives the line a record ends on, but nearly
 * doubles the parse time; with empty lines kept as records, each record takes one line plus the line breaks
 * inside its quoted values, which gives the same numbers. Blank rows are dropped here.
 */
function readRows(text: string): { rows: Row[] } | { fatal: ImportProblem } {
  // Every value is trimmed later anyway; csv-parse's `trim` only matters for spaces beside a quote
  // (`a, "b"`) and costs about 40% more time, so it is on only when the file has such a space.
  const options: Options = { ...CSV_OPTIONS, trim: /[ \t]"|"[ \t]/.test(text) };
  let records: string[][];
  try {
    records = parse(text, options);
  } catch (error) {
    return { fatal: csvProblem(text, options, error) };
  }
  const rows: Row[] = [];
  let line = 1;
  for (const values of records) {
    if (!values.every(isBlank)) rows.push({ line, values });
    line += 1 + lineBreaksIn(values);
  }
  return { rows };
}

function csvProblem(text: string, options: Options, error: unknown): ImportProblem {
  // csv-parse names the line where it gave up (the end of the file for an unclosed quote), not the line
  // the broken record starts on; parsing again up to the failure finds that line.
  let line = 1;
  try {
    const countLines = (values: string[]): string[] => {
      line += 1 + lineBreaksIn(values);
      return values;
    };
    parse(text, { ...options, on_record: countLines });
  } catch {
    // the same error again, with `line` now at the start of the broken record
  }
  if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED') {
    const message = `a quoted value on line ${line} is never closed, so the rest of the file cannot be read`;
    return problem(line, 'IMPORT_CSV', message, 'Add the closing " or remove the stray one.');
  }
  const message = `the file cannot be read as CSV from line ${line}: ${error instanceof Error ? error.message : 'unknown error'}`;
  return problem(line, 'IMPORT_CSV', message, SAVE_AS_UTF8);
}

function lineBreaksIn(values: readonly string[]): number {
  let count = 0;
  for (const value of values) {
    for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) count++;
  }
  return count;
}

function readHeader(header: Row): { columns: Columns } | { fatal: ImportProblem } {
  const names = header.values.map((value) => value.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop(); // Excel's trailing empty columns
  const at: Partial<Record<Column, number>> = {};
  const unknown: string[] = [];
  const twice: string[] = [];
  names.forEach((name, index) => {
    const column = ALIASES.get(headerKey(name));
    const earlier = column === undefined ? undefined : at[column];
    if (column === undefined) unknown.push(name === '' ? `(empty, column ${index + 1})` : `“${name}”`);
    else if (earlier !== undefined) twice.push(`“${names[earlier]}” and “${name}” are both ${column}`);
    else at[column] = index;
  });
  const missing = REQUIRED.filter((column) => at[column] === undefined);
  if (unknown.length === 0 && missing.length === 0 && twice.length === 0) {
    const all = Object.fromEntries([...REQUIRED, ...OPTIONAL].map((column) => [column, at[column] ?? -1]));
    return { columns: { at: all as Record<Column, number>, names } };
  }
  const message = [
    missing.length > 0 ? `missing column${plural(missing)}: ${missing.join(', ')}` : '',
    unknown.length > 0 ? `unknown column${plural(unknown)}: ${unknown.join(', ')}` : '',
    ...twice,
  ]
    .filter(Boolean)
    .join('; ');
  const hint = `The first line must be the header ${EXPECTED_HEADER} (email, role and locale may be left out; any order).`;
  const column = missing[0] ?? names.find((name) => !ALIASES.has(headerKey(name)));
  return {
    fatal: { ...problem(header.line, 'IMPORT_HEADER', message, hint), ...(column ? { column } : {}) },
  };
}

// ---- Each row on its own ----

function rowContext(input: ImportInput, columns: Columns, defaultRole: string): RowContext {
  const example = getExampleNumber(input.defaultCountry, examples);
  const shown = example ? `${example.formatInternational()} (saved as ${example.number})` : '+91 98765 43210';
  return {
    columns,
    estates: new Set([foldName(input.account.id), foldName(input.account.name)]),
    estateName: input.account.name,
    roles: new Map(input.roles.map((role) => [role.toLowerCase(), role])),
    defaultRole,
    country: input.defaultCountry,
    phoneHint: `Write the number with its country code, e.g. ${shown}.`,
    roleHint: `Use one of ${input.roles.join(', ')}, or leave it empty for ${defaultRole}.`,
    estateSeen: new Map(),
  };
}

function checkRow(row: Row, context: RowContext, problems: ImportProblem[]): CheckedRow {
  const { at, names } = context.columns;
  const { values, line } = row;
  const cells: Cells = {
    name: cellAt(values, at.name),
    phone: cellAt(values, at.phone),
    unit: cellAt(values, at.unit),
    estate: cellAt(values, at.estate),
    email: cellAt(values, at.email),
    role: cellAt(values, at.role),
    locale: cellAt(values, at.locale),
  };
  const before = problems.length;
  const shape = shapeProblem(row, names.length);
  if (shape) problems.push(shape);
  const { phone, role } = shape
    ? { phone: null, role: undefined }
    : checkCells(line, cells, context, problems);
  const { name, unit, email, locale } = cells;
  return {
    line,
    draft: {
      name,
      phone: phone ?? '',
      email: email || null,
      unit,
      role: role ?? '',
      locale: locale || null,
      line,
    },
    phone,
    phoneText: cells.phone,
    given: { email: email !== '', role: cells.role !== '', locale: locale !== '' },
    problems: problems.length - before,
  };
}

/** Checks each cell of a well-shaped row, adding a problem per bad cell (the SOP's required fields first). */
function checkCells(
  line: number,
  cells: Cells,
  context: RowContext,
  problems: ImportProblem[],
): { phone: string | null; role: string | undefined } {
  const flag = (column: Column, code: ProblemCode, message: string, hint = HINTS[code]): void => {
    const index = context.columns.at[column];
    const value = cells[column].length > 100 ? `${cells[column].slice(0, 100)}…` : cells[column];
    problems.push({
      ...problem(line, code, message, hint),
      ...(index < 0 ? {} : { column: context.columns.names[index] }),
      ...(value ? { value } : {}),
    });
  };
  for (const column of REQUIRED)
    if (cells[column] === '') flag(column, 'IMPORT_REQUIRED', `${column} is empty`);
  const { estate, email, locale } = cells;
  const checked = cells.phone === '' ? null : checkPhone(cells.phone, context.country);
  const phone = checked && 'e164' in checked ? checked.e164 : null;
  if (checked && 'problem' in checked) flag('phone', 'IMPORT_PHONE', checked.problem, context.phoneHint);
  // SOP: "assign residents only to their estate"; a row naming another estate is never moved here.
  if (estate !== '' && !isThisEstate(estate, context)) {
    const message = `row is for estate “${estate}”, this import is for “${context.estateName}”`;
    flag('estate', 'IMPORT_OTHER_ACCOUNT', message);
  }
  if (email !== '' && !EMAIL.test(email)) flag('email', 'IMPORT_EMAIL', `“${email}” is not an email address`);
  const role = cells.role === '' ? context.defaultRole : context.roles.get(cells.role.toLowerCase());
  if (role === undefined) flag('role', 'IMPORT_ROLE', `“${cells.role}” is not a role here`, context.roleHint);
  if (locale !== '' && !LOCALE.test(locale))
    flag('locale', 'IMPORT_LOCALE', `“${locale}” is not a language tag`);
  return { phone, role };
}

function cellAt(values: readonly string[], index: number): string {
  return values[index]?.trim() ?? '';
}

/** The estate column names this account by id or name; remembered, as every row repeats the same few. */
function isThisEstate(estate: string, context: RowContext): boolean {
  let known = context.estateSeen.get(estate);
  if (known === undefined) context.estateSeen.set(estate, (known = context.estates.has(foldName(estate))));
  return known;
}

/** A row with fewer values than the header, or more that are not blank (Excel pads rows with commas). */
function shapeProblem(row: Row, width: number): ImportProblem | null {
  const extra = row.values.length > width && row.values.slice(width).some((value) => !isBlank(value));
  if (row.values.length >= width && !extra) return null;
  const message = `this line has ${row.values.length} values, the header has ${width}`;
  return problem(row.line, 'IMPORT_ROW_SHAPE', message, HINTS.IMPORT_ROW_SHAPE);
}

/**
 * The phone in E.164 when the contacts API would take it (`normalisePhone` of src/security/otp.ts): valid
 * for the country's number plan and able to receive the sign-in code by SMS (SOP "confirm phone format before
 * OTP rollout"). That check takes about 2.5 s of CPU per 100,000 numbers, so a faster one goes first:
 * libphonenumber's mobile metadata (about 1 s) accepts only mobile numbers, which the OTP check accepts too;
 * only what it refuses, rare in a good file, gets the OTP check, which also takes VoIP and pager numbers.
 * Text with letters or symbols (`ext. 5`, `tel:`) is refused outright, as `src/core/phone.ts` does.
 */
function checkPhone(text: string, country: CountryCode): { e164: string } | { problem: string } {
  const dialable = DIALLABLE.test(text);
  if (dialable) {
    const mobile = parsePhoneNumberFromString(text, { defaultCountry: country, extract: false });
    if (mobile?.isValid()) return { e164: mobile.number };
  }
  const sms = dialable ? smsPhone(text, country) : null;
  if (sms?.ok) return { e164: sms.e164 };
  // core/phone.ts says precisely what is wrong with an invalid number; for a valid one (a landline, a
  // toll-free number) the OTP check's own reason is the one that matters.
  const reason = explainPhone(text, country);
  if (!reason.ok) return { problem: reason.error };
  return {
    problem: sms ? `“${text}”: ${sms.problem}` : `“${text}” contains characters that cannot be dialled`,
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
  return input.existing
    .filter((c) => c.accountId === input.account.id && c.status === 'active' && c.phone !== null)
    .filter((c) => !inFile.has(c.phone))
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

function problem(line: number, code: string, message: string, hint: string): ImportProblem {
  return { line, code, message, hint };
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

function emptyHint(): string {
  return `The first line must be the header ${EXPECTED_HEADER}, then one contact per line.`;
}

/** `Phone_Number ` → `phone number`. */
function headerKey(name: string): string {
  return name.toLowerCase().replace(/[\s_]+/g, ' ');
}

function foldName(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

function isBlank(value: string): boolean {
  return value.trim() === '';
}

function plural(items: readonly unknown[]): string {
  return items.length === 1 ? '' : 's';
}
