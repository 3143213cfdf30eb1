/**
 * Reads an uploaded contact list: bytes to text (UTF-8 or UTF-16 by byte-order mark; an Excel workbook,
 * another encoding or NUL characters are refused), text to CSV rows numbered by the physical line each
 * starts on, and the header to the columns it names. Anything that makes the whole file unreadable is one
 * `fatal` problem; the rows themselves are checked by contact-import-rows.ts.
 */
import { parse, CsvError, type Options } from 'csv-parse/sync';
import { plural, problem, type ImportProblem } from './contact-import-problem.js';

export const REQUIRED = ['name', 'phone', 'unit', 'estate'] as const;
const OPTIONAL = ['email', 'role', 'locale'] as const;
export type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
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
const SAVE_AS_UTF8 = 'Save the file as UTF-8 (CSV UTF-8 in Excel) and upload it again.';

export interface Row {
  readonly line: number;
  readonly values: readonly string[];
}
export interface Columns {
  /** Where each column is in a row; -1 when the file does not have it. */
  readonly at: Readonly<Record<Column, number>>;
  readonly names: readonly string[];
}

/** The columns and the data rows (blank lines are not rows), or why the file cannot be imported at all. */
export type ContactFile =
  | { readonly columns: Columns; readonly data: readonly Row[] }
  | { readonly fatal: ImportProblem; readonly rows: number };

/**
 * The header and rows of an uploaded file. `rows` with a `fatal` problem counts the data rows read, which is
 * 0 unless the header is what is wrong.
 *
 * @example
 * const file = readContactFile(bytes);
 * if ('fatal' in file) return failed(file.fatal, file.rows);
 * const phones = file.data.map((row) => row.values[file.columns.at.phone]);
 */
export function readContactFile(bytes: Uint8Array): ContactFile {
  const decoded = decodeUpload(bytes);
  if ('fatal' in decoded) return { fatal: decoded.fatal, rows: 0 };
  const read = readRows(decoded.text);
  if ('fatal' in read) return { fatal: read.fatal, rows: 0 };
  const [header, ...data] = read.rows;
  if (!header) return { fatal: problem(1, 'IMPORT_EMPTY', 'the file is empty', emptyHint()), rows: 0 };
  const columns = readHeader(header);
  if ('fatal' in columns) return { fatal: columns.fatal, rows: data.length };
  if (data.length === 0) {
    const message = 'the file has a header but no rows';
    return { fatal: problem(header.line, 'IMPORT_EMPTY', message, emptyHint()), rows: 0 };
  }
  return { columns: columns.columns, data };
}

export function isBlank(value: string): boolean {
  return value.trim() === '';
}

// ---- Bytes to text ----

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

// ---- Text to rows ----

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

// ---- The header ----

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

/** `Phone_Number ` → `phone number`. */
function headerKey(name: string): string {
  return name.toLowerCase().replace(/[\s_]+/g, ' ');
}

function emptyHint(): string {
  return `The first line must be the header ${EXPECTED_HEADER}, then one contact per line.`;
}
