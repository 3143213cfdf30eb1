/**
 * The one error handler: every failure leaves as `application/problem+json` (RFC 9457) with an `OPS_*`
 * code from the catalog. Internal messages never reach the client; they go to the log with the request id.
 */
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode, FieldError } from '../errors/catalog.js';
import { ERRORS, OpsError } from '../errors/catalog.js';
import { pgCode } from '../store/database.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance: string;
  retryable: boolean;
  errors?: readonly FieldError[];
}

export function problemOf(
  code: ErrorCode,
  instance: string,
  detail?: string,
  errors?: readonly FieldError[],
): Problem {
  const spec = ERRORS[code];
  return {
    type: `urn:opsbook:problem:${code}`,
    title: spec.title,
    status: spec.status,
    code,
    detail: detail ?? spec.hint,
    instance,
    retryable: spec.retryable,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

interface ValidationItem {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fieldErrors(context: string, items: readonly ValidationItem[]): FieldError[] {
  const base = `/${context}`;
  return items.flatMap((item) => {
    const path = item.instancePath === '/' ? '' : item.instancePath;
    if (item.keyword === 'unrecognized_keys' && Array.isArray(item.params.keys)) {
      return (item.params.keys as string[]).map((key) => ({
        pointer: `${base}${path}/${key}`,
        message: 'Unknown field: remove it (see /api/openapi.json for the accepted fields).',
      }));
    }
    return [{ pointer: `${base}${path}`, message: item.message ?? 'Invalid value.' }];
  });
}

const DATABASE_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  '53300',
]);

/** Connection-level failures of either engine (also when Drizzle wrapped them in `cause`). */
function isDatabaseDown(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    depth++
  ) {
    if (typeof e.code === 'string' && DATABASE_DOWN.has(e.code)) return true;
    if (e.message === 'PGlite is closed' || e.message === 'Connection terminated unexpectedly') return true;
    if (typeof e.message === 'string' && /^timeout exceeded when trying to connect/i.test(e.message))
      return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Maps any error to a problem; unexpected ones are logged in full and answered as OPS_INTERNAL. */
export function toProblem(error: unknown, request: FastifyRequest): Problem {
  const instance = String(request.id);
  if (error instanceof OpsError) return problemOf(error.code, instance, error.detail, error.errors);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const errors = fieldErrors(context, error.validation);
    return problemOf(
      'OPS_VALIDATION',
      instance,
      `${errors.length} field(s) of the ${context} are not valid.`,
      errors,
    );
  }
  const fastifyError = error as Partial<FastifyError> & { message?: string };
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemOf('OPS_BODY_TOO_LARGE', instance);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problemOf(
        'OPS_UNSUPPORTED_MEDIA_TYPE',
        instance,
        `Content-Type "${request.headers['content-type'] ?? ''}" is not accepted; send application/json.`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problemOf(
        'OPS_MALFORMED_JSON',
        instance,
        'The body is empty but Content-Type says JSON: send a JSON document or no Content-Type.',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problemOf('OPS_MALFORMED_JSON', instance, fastifyError.message);
    default:
      break;
  }
  if (fastifyError.statusCode === 400 && error instanceof SyntaxError) {
    return problemOf('OPS_MALFORMED_JSON', instance, `The body is not valid JSON: ${error.message}.`);
  }
  if (fastifyError.statusCode === 400 && /prototype|constructor/i.test(fastifyError.message ?? '')) {
    return problemOf(
      'OPS_MALFORMED_JSON',
      instance,
      'The body contains a forbidden "__proto__" or "constructor" key.',
    );
  }
  // Text the database cannot store that slipped past the text guard (e.g. from a stored value).
  if (['22021', '22P05'].includes(pgCode(error) ?? '')) {
    return problemOf('OPS_VALIDATION', instance, 'The request holds text that cannot be stored.');
  }
  if (isDatabaseDown(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return problemOf('OPS_DATABASE_UNAVAILABLE', instance);
  }
  const status = fastifyError.statusCode;
  if (status === 404) return problemOf('OPS_ROUTE_NOT_FOUND', instance);
  // Another client error raised by the framework itself (its messages name no internals).
  if (typeof status === 'number' && status >= 400 && status < 500 && fastifyError.code?.startsWith('FST_')) {
    return problemOf('OPS_BAD_REQUEST', instance, fastifyError.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return problemOf('OPS_INTERNAL', instance);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (garbage, oversized headers, a
 * request that took too long to arrive) with a problem document too, then closes the connection.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'OPS_REQUEST_TIMEOUT'
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? 'OPS_HEADERS_TOO_LARGE'
        : 'OPS_BAD_REQUEST';
  const detail =
    code === 'OPS_BAD_REQUEST'
      ? `The HTTP request could not be parsed (${err.code ?? 'unknown'}).`
      : undefined;
  const problem = problemOf(code, 'connection', detail);
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${REASONS[problem.status] ?? 'Error'}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
