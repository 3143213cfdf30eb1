/**
 * Reads a dump back: `verifyDump` checks the whole file (its checksum line, its sidecar when present, its
 * header) without touching any database, and `loadDump` replaces a database's data with it in one
 * transaction. A damaged file is refused with OPS_BACKUP_CORRUPT naming what is wrong, before anything is
 * changed (issue 10: "a corrupted backup is detected by its checksum before anything is overwritten").
 * The load re-hashes what it reads and rolls back if the file changed between the two passes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { OpsError } from '../errors/catalog.js';
import { parseHeader, parseTrailer, TRAILER_BYTES, type DumpHeader } from './dump-format.js';

export interface VerifiedDump {
  readonly file: string;
  readonly header: DumpHeader;
  /** Bytes before the checksum line: what is loaded and what the checksum covers. */
  readonly bodyBytes: number;
  readonly bodySha256: string;
  /** SHA-256 of the whole file, as `sha256sum` prints it. */
  readonly sha256: string;
  readonly sidecar: 'matched' | 'absent';
}

const HEADER_MAX_BYTES = 256 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;

export function corrupt(file: string, why: string): OpsError {
  return new OpsError('OPS_BACKUP_CORRUPT', `${file}: ${why}. Nothing was changed.`);
}

/** The body of the file, in chunks (the checksum line left out). */
export function readBody(file: string, bodyBytes: number): AsyncIterable<Buffer> {
  if (bodyBytes === 0) return (async function* () {})();
  return createReadStream(file, { start: 0, end: bodyBytes - 1, highWaterMark: READ_CHUNK_BYTES });
}

async function readTrailer(file: string, size: number): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(TRAILER_BYTES);
    await handle.read(buf, 0, TRAILER_BYTES, size - TRAILER_BYTES);
    return parseTrailer(buf.toString('latin1'));
  } finally {
    await handle.close();
  }
}

async function readSidecar(file: string): Promise<string | null> {
  const text = await readFile(`${file}.sha256`, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return null;
  const hex = /^([0-9a-f]{64}) [ *]/.exec(text)?.[1];
  if (!hex) throw corrupt(file, `its sidecar ${file}.sha256 is not in sha256sum format ("<hex>  <name>")`);
  return hex;
}

/** Checks the file end to end; throws OPS_BACKUP_CORRUPT naming the first problem. */
export async function verifyDump(file: string): Promise<VerifiedDump> {
  const { size } = await stat(file);
  if (size <= TRAILER_BYTES)
    throw corrupt(file, `it is ${size} bytes long, too short to be a dump (an empty or truncated copy?)`);
  const expected = await readTrailer(file, size);
  if (!expected)
    throw corrupt(
      file,
      'its last line is not the checksum line "-- SHA-256: <hex>": the file is truncated or was not written by opsbook backup',
    );
  const bodyBytes = size - TRAILER_BYTES;
  const body = createHash('sha256');
  const whole = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  for await (const chunk of readBody(file, bodyBytes)) {
    body.update(chunk);
    whole.update(chunk);
    if (headBytes < HEADER_MAX_BYTES) {
      head.push(chunk);
      headBytes += chunk.length;
    }
  }
  const bodySha256 = body.digest('hex');
  if (bodySha256 !== expected)
    throw corrupt(
      file,
      `its content's SHA-256 is ${bodySha256} but its checksum line says ${expected}: the file was damaged or edited after it was written`,
    );
  const trailerBuf = Buffer.from(`-- SHA-256: ${expected}\n`, 'latin1');
  const sha256 = whole.update(trailerBuf).digest('hex');
  const sidecar = await readSidecar(file);
  if (sidecar !== null && sidecar !== sha256)
    throw corrupt(
      file,
      `its SHA-256 is ${sha256} but ${file}.sha256 says ${sidecar}: one of the two is not the file written with the other`,
    );
  const text = Buffer.concat(head).toString('utf8');
  const end = text.indexOf('\n\n');
  const header = parseHeader(end === -1 ? text : text.slice(0, end));
  if ('problem' in header) throw corrupt(file, header.problem);
  return { file, header, bodyBytes, bodySha256, sha256, sidecar: sidecar === null ? 'absent' : 'matched' };
}

/** What the parser meets in the body, in order. */
export interface BodyHandlers {
  /** A line outside the data; returns true when it opened a COPY block. */
  line(text: string, lineNo: number): Promise<boolean>;
  /** Whole lines of COPY text (one row each). */
  data(chunk: Buffer): Promise<void>;
  /** The `\.` that closes a COPY block. */
  endCopy(lineNo: number): Promise<void>;
}

const TERMINATOR = Buffer.from('\\.\n', 'latin1');
const MAX_STATEMENT_BYTES = 64 * 1024;

/** Where the `\.` line is in buf[from, to), from a line start; -1 when it is not there. */
function findTerminator(buf: Buffer, from: number, to: number): number {
  for (let i = buf.indexOf(TERMINATOR, from); i !== -1 && i < to; i = buf.indexOf(TERMINATOR, i + 1))
    if (i === from || buf[i - 1] === 10) return i;
  return -1;
}

/**
 * Splits the body into statement lines and COPY data, passing data on in large slices of whole lines (a
 * row is never split). `file` names the dump in errors.
 */
export async function parseBody(
  file: string,
  chunks: AsyncIterable<Buffer>,
  on: BodyHandlers,
): Promise<void> {
  let carry = Buffer.alloc(0);
  let inCopy = false;
  let lineNo = 0;
  for await (const chunk of chunks) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    while (pos < buf.length) {
      if (inCopy) {
        const lastNewline = buf.lastIndexOf(10);
        if (lastNewline < pos) break;
        const end = findTerminator(buf, pos, lastNewline + 1);
        const dataEnd = end === -1 ? lastNewline + 1 : end;
        if (dataEnd > pos) {
          const data = buf.subarray(pos, dataEnd);
          for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) lineNo++;
          await on.data(data);
        }
        if (end === -1) {
          pos = dataEnd;
          break;
        }
        pos = end + TERMINATOR.length;
        inCopy = false;
        await on.endCopy(++lineNo);
      } else {
        const newline = buf.indexOf(10, pos);
        if (newline === -1) break;
        const text = buf.toString('utf8', pos, newline);
        pos = newline + 1;
        inCopy = await on.line(text, ++lineNo);
      }
    }
    carry = Buffer.from(buf.subarray(pos));
    if (!inCopy && carry.length > MAX_STATEMENT_BYTES)
      throw corrupt(file, `line ${lineNo + 1} is longer than any line opsbook backup writes`);
  }
  if (inCopy) throw corrupt(file, `it ends inside a table's data (line ${lineNo}): no closing "\\." line`);
  if (carry.length > 0) throw corrupt(file, `its last line (${lineNo + 1}) does not end with a newline`);
}
