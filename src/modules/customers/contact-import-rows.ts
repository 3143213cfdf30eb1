/**
 * Checks each row of a contact import on its own: its shape against the header, the SOP's required fields
 * (Resident Data SOP: "resident name; phone number; unit; estate"), the phone, that the estate is this
 * account, and the optional email, role and locale. Rows against each other and against the workspace are
 * the planner's (contact-import-plan.ts).
 */
import type { CountryCode } from 'libphonenumber-js/mobile';
import { isBlank, REQUIRED, type Column, type Columns, type Row } from './contact-import-csv.js';
import { checkPhone, phoneHint } from './contact-import-phone.js';
import { HINTS, problem, type ImportProblem, type ProblemCode } from './contact-import-problem.js';

export interface ContactDraft {
  name: string;
  phone: string;
  email: string | null;
  unit: string;
  role: string;
  locale: string | null;
  line: number;
}

export interface CheckedRow {
  readonly line: number;
  readonly draft: ContactDraft;
  /** E.164, or null when the phone is missing or invalid (or the row could not be read). */
  readonly phone: string | null;
  /** The phone as written in the file, to quote in problems. */
  readonly phoneText: string;
  /** Which optional cells were filled in: a blank one never erases what a contact already has. */
  readonly given: { readonly email: boolean; readonly role: boolean; readonly locale: boolean };
  /** Problems found on this row so far; the planner adds those it finds against other rows. */
  problems: number;
}

/** What the row checks need from the import, worked out once per file. */
export interface RowContext {
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

type Cells = Readonly<Record<Column, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export function rowContext(
  input: {
    readonly account: { readonly id: string; readonly name: string };
    readonly defaultCountry: CountryCode;
    readonly roles: readonly string[];
  },
  columns: Columns,
  defaultRole: string,
): RowContext {
  return {
    columns,
    estates: new Set([foldName(input.account.id), foldName(input.account.name)]),
    estateName: input.account.name,
    roles: new Map(input.roles.map((role) => [role.toLowerCase(), role])),
    defaultRole,
    country: input.defaultCountry,
    phoneHint: phoneHint(input.defaultCountry),
    roleHint: `Use one of ${input.roles.join(', ')}, or leave it empty for ${defaultRole}.`,
    estateSeen: new Map(),
  };
}

/**
 * The row as a contact draft, adding a problem to `problems` for each thing wrong with it.
 *
 * @example
 * const context = rowContext(input, columns, 'resident');
 * const rows = data.map((row) => checkRow(row, context, problems));
 */
export function checkRow(row: Row, context: RowContext, problems: ImportProblem[]): CheckedRow {
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

function foldName(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}
