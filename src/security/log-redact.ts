/**
 * What pino masks in every log line (issue 5: "Secrets are masked in logs"; RELIABILITY.md S7): credentials
 * in request and response headers, and any field named like a secret up to three levels deep. The server's
 * logger and the tests' captured logger use these same options.
 *
 * @example pino({ level: 'info', redact: LOG_REDACT })
 */
import type { LoggerOptions } from 'pino';

export const REDACTED = '[redacted]';

/** Field names whose values are secrets wherever they appear (top level and two levels down). */
export const SECRET_FIELDS = ['password', 'token', 'secret', 'code', 'totpSecret', 'masterKey'] as const;

const HEADER_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'];

/**
 * Error codes (`OPS_NOT_FOUND`, `ECONNREFUSED`, `FST_ERR_…`, SQLSTATE `23505`) are what an operator needs
 * from a logged error and are not secrets, so a `code` of that shape is kept. One-time codes (six digits),
 * recovery codes (lower case with dashes) and OAuth codes (mixed case) do not have it.
 */
const ERROR_CODE = /^(?:[A-Z]{2,}(?:_[A-Z0-9]+)*|[0-9][0-9A-Z]{4})$/;

function censor(value: unknown, path: string[]): unknown {
  if (path[path.length - 1] === 'code' && typeof value === 'string' && ERROR_CODE.test(value)) return value;
  return REDACTED;
}

export const LOG_REDACT = {
  paths: [...HEADER_PATHS, ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`])],
  censor,
} satisfies LoggerOptions['redact'];
