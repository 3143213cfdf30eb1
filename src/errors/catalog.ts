/**
 * The one error catalog. Every error a client or operator can see has a stable `OPS_*` code, an HTTP
 * status, a title, whether retrying can help, and a hint that says how to fix it. `docs/errors.md` is
 * generated from this table (`npm run docs`), and a test fails when the two differ.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly retryable: boolean;
  readonly hint: string;
}

export const ERRORS = {
  OPS_VALIDATION: {
    status: 400,
    title: 'The request is not valid',
    retryable: false,
    hint: 'Correct each field listed in `errors` and send the request again.',
  },
  OPS_BAD_REQUEST: {
    status: 400,
    title: 'The request is malformed',
    retryable: false,
    hint: 'The detail says what could not be read (the URL, a header, the HTTP framing); fix it and send again.',
  },
  OPS_HEADERS_TOO_LARGE: {
    status: 431,
    title: 'The request headers are too large',
    retryable: false,
    hint: 'Send fewer or smaller headers (large cookies from other apps on the same host are a common cause).',
  },
  OPS_MALFORMED_JSON: {
    status: 400,
    title: 'The body is not valid JSON',
    retryable: false,
    hint: 'Send a well-formed JSON document; the detail says where parsing stopped.',
  },
  OPS_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'This content type is not accepted',
    retryable: false,
    hint: 'Send the body as `application/json`.',
  },
  OPS_BODY_TOO_LARGE: {
    status: 413,
    title: 'The body is too large',
    retryable: false,
    hint: 'Send a smaller body; the limit is set by OPSBOOK_BODY_LIMIT_BYTES.',
  },
  OPS_BATCH_TOO_LARGE: {
    status: 413,
    title: 'Too many items in one request',
    retryable: false,
    hint: 'Split the batch into requests of at most the number the detail names (alerts: 10,000).',
  },
  OPS_MAIL_REFUSED: {
    status: 422,
    title: 'The message was refused',
    retryable: false,
    hint: 'The detail says why (not readable MIME, no single From address); fix the message and send it again.',
  },
  OPS_ROUTE_NOT_FOUND: {
    status: 404,
    title: 'No such route',
    retryable: false,
    hint: 'Check the method and path against /api/openapi.json.',
  },
  OPS_NOT_FOUND: {
    status: 404,
    title: 'Not found',
    retryable: false,
    hint: 'Check the id; you can only see records of workspaces you belong to.',
  },
  OPS_UNAUTHENTICATED: {
    status: 401,
    title: 'Sign-in required',
    retryable: false,
    hint: 'Sign in (POST /api/v1/auth/sign-in) and send the session cookie.',
  },
  OPS_INVALID_CREDENTIALS: {
    status: 401,
    title: 'Email or password is wrong',
    retryable: false,
    hint: 'Check the email and password and try again. After repeated failures sign-in pauses for a few minutes, except from a browser that signed in to the account before.',
  },
  OPS_CSRF: {
    status: 403,
    title: 'Missing or wrong CSRF token',
    retryable: false,
    hint: 'Send the `x-csrf-token` header with the token from GET /api/v1/me.',
  },
  OPS_NO_ACTIVE_PACK: {
    status: 409,
    title: 'No pack is active in this workspace',
    retryable: false,
    hint: 'Activate a pack (`opsbook activate <pack-dir> --workspace <id>`); the engine decides by its rules.',
  },
  OPS_FORBIDDEN: {
    status: 403,
    title: 'Not allowed',
    retryable: false,
    hint: 'Your role in this workspace does not allow this action.',
  },
  OPS_SIGNATURE_INVALID: {
    status: 403,
    title: 'The request signature does not match',
    retryable: false,
    hint: "A provider webhook must carry the provider's signature over the exact public URL (OPSBOOK_PUBLIC_URL and the path) made with the workspace's auth token: check the auth token saved under the messaging provider and the webhook URL set at the provider.",
  },
  OPS_MFA_REQUIRED: {
    status: 403,
    title: 'Multi-factor authentication required',
    retryable: false,
    hint: 'This workspace requires MFA for everyone: set up an authenticator app under Security (POST /api/v1/me/mfa/totp), then sign in again with a code.',
  },
  OPS_INVALID_CODE: {
    status: 401,
    title: 'The code is wrong, used already or expired',
    retryable: false,
    hint: 'Enter the current code from your authenticator app (or an unused recovery code); an SMS code works once, for 5 minutes.',
  },
  OPS_RATE_LIMITED: {
    status: 429,
    title: 'Too many requests',
    retryable: true,
    hint: 'Wait for the number of seconds in the Retry-After header, then try again.',
  },
  OPS_CONFLICT: {
    status: 409,
    title: 'The request conflicts with the current state',
    retryable: false,
    hint: 'Read the detail: it names what is in the way and how to proceed.',
  },
  OPS_STEP_REFUSED: {
    status: 409,
    title: "This step of the record's lifecycle cannot be taken now",
    retryable: false,
    hint: 'The detail names what is missing (a field, a checklist, an approval, a go/no-go) or where the record is and which steps it can take; do that first. Nothing was changed.',
  },
  OPS_SURVEY_ANSWERED: {
    status: 409,
    title: 'This survey invitation was answered already',
    retryable: false,
    hint: 'An invitation takes one answer; the first one stands and nothing was changed. The detail says when it was answered.',
  },
  OPS_GONE: {
    status: 410,
    title: 'No longer valid',
    retryable: false,
    hint: 'The link or invitation expired or was used or revoked; ask for a new one.',
  },
  OPS_REQUEST_TIMEOUT: {
    status: 408,
    title: 'The request took too long to arrive',
    retryable: true,
    hint: 'Send the whole request within OPSBOOK_REQUEST_TIMEOUT_MS.',
  },
  OPS_DATABASE_UNAVAILABLE: {
    status: 503,
    title: 'The database is unavailable',
    retryable: true,
    hint: 'Retry shortly; operators should check that the database is running and reachable.',
  },
  OPS_NOT_READY: {
    status: 503,
    title: 'Opsbook is not ready',
    retryable: true,
    hint: 'Retry shortly; operators should run `opsbook migrate` if migrations are pending.',
  },
  OPS_SHUTTING_DOWN: {
    status: 503,
    title: 'Opsbook is shutting down',
    retryable: true,
    hint: 'Retry against another instance or after the restart.',
  },
  OPS_INTERNAL: {
    status: 500,
    title: 'Internal error',
    retryable: true,
    hint: 'Retry; if it persists, report the `instance` id to your operator, who will find it in the logs.',
  },
  OPS_CONFIG_INVALID: {
    status: 500,
    title: 'The configuration is not valid',
    retryable: false,
    hint: 'Fix each listed setting (see the README) and start again.',
  },
  OPS_DATA_DIR_LOCKED: {
    status: 500,
    title: 'The data folder is in use',
    retryable: false,
    hint: 'Another Opsbook process uses this OPSBOOK_DATA folder: stop it, or point this one at another folder.',
  },
  OPS_BACKUP_CORRUPT: {
    status: 422,
    title: 'The backup file is damaged',
    retryable: false,
    hint: 'The file does not match its checksum or is not laid out as `opsbook backup` writes it (a flipped byte, a truncated copy, an edit); nothing was changed. Restore another copy; `sha256sum -c <file>.sha256` checks a copy first.',
  },
  OPS_BACKUP_INCOMPATIBLE: {
    status: 422,
    title: 'This version cannot restore the backup',
    retryable: false,
    hint: "The dump's format or migration level differs from this build's; nothing was changed. Restore it with the Opsbook version named in its header, then upgrade that installation.",
  },
  OPS_BACKUP_TARGET_NOT_EMPTY: {
    status: 409,
    title: 'The target database holds data',
    retryable: false,
    hint: 'A restore replaces every workspace, person and record of the target. Run it again with --yes to replace them, or point OPSBOOK_DATA or DATABASE_URL at an empty database.',
  },
  OPS_BACKUP_PRIVILEGE: {
    status: 403,
    title: 'The database login cannot back up or restore',
    retryable: false,
    hint: 'On PostgreSQL, backup needs a superuser or BYPASSRLS login and restore a superuser: set OPSBOOK_MIGRATION_DATABASE_URL to one for the command (docs/operations.md, "Backup and restore").',
  },
} as const satisfies Record<`OPS_${string}`, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** One bad field of a request, as listed in a problem document's `errors`. */
export interface FieldError {
  /** JSON pointer into the request part, e.g. `/body/email`. */
  readonly pointer: string;
  readonly message: string;
}

/** An expected failure: thrown by use cases only where a value cannot be returned, mapped to HTTP in one place. */
export class OpsError extends Error {
  readonly spec: ErrorSpec;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(detail ?? ERRORS[code].title);
    this.name = 'OpsError';
    this.spec = ERRORS[code];
  }
}
