/**
 * Text PostgreSQL cannot store: a NUL character (U+0000) in any text or jsonb value, or a lone UTF-16
 * surrogate (`\ud800` in JSON). Both are valid JSON, so they pass the schemas, and the database would
 * refuse them mid-transaction with a server error. Refused here, with the field named, before any use case
 * runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OpsError, type FieldError } from '../errors/catalog.js';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 64;
// eslint-disable-next-line no-control-regex -- the same characters, all of them
const UNSTORABLE_ALL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text with what cannot be stored replaced by U+FFFD, for bodies kept as they came rather than refused
 * (a heartbeat ping's log: a job's output must not turn its ping into a 400 and its heartbeat down).
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_ALL, '\uFFFD');
}

function find(value: unknown, pointer: string, out: FieldError[], depth: number): void {
  if (out.length >= 10) return;
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) {
      out.push({
        pointer,
        message: 'Contains a NUL character or a lone UTF-16 surrogate, which cannot be stored.',
      });
    }
    return;
  }
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (UNSTORABLE.test(key))
      out.push({ pointer: `${pointer}/${key}`, message: 'The key cannot be stored.' });
    find(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, out, depth + 1);
  }
}

export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const errors: FieldError[] = [];
    find(request.params, '/params', errors, 0);
    find(request.query, '/query', errors, 0);
    find(request.body, '/body', errors, 0);
    if (errors.length > 0) {
      throw new OpsError(
        'OPS_VALIDATION',
        `${errors.length} field(s) hold text that cannot be stored.`,
        errors,
      );
    }
  });
}
