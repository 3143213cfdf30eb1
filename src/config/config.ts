/**
 * The one configuration object. Built once at start-up from environment variables (and an optional JSON
 * file named by OPSBOOK_CONFIG), validated, frozen, then passed down. Nothing else reads `process.env`.
 *
 * Every setting is listed in SETTINGS with its variable, default and meaning; the README table is checked
 * against this list by a test so the two never drift.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

export type ProcessRole = 'all' | 'api' | 'worker';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly migrationDatabaseUrl: string | undefined;
  readonly databasePoolMax: number;
  readonly embeddedSharedBuffersMb: number;
  readonly role: ProcessRole;
  readonly logLevel: LogLevel;
  readonly loadDemo: boolean;
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly shutdownDrainMs: number;
  readonly leaseSeconds: number;
  readonly pollIntervalMs: number;
  readonly workerBatchSize: number;
  readonly sessionIdleMinutes: number;
  readonly sessionMaxDays: number;
  /** `id:base64key` entries, comma-separated, the current first; a secret, never logged or printed. */
  readonly masterKey: string | undefined;
  /** Absolute path of a file holding the master key entries, one a line. */
  readonly masterKeyFile: string | undefined;
  /** `smtp://user:pass@host:587` or `smtps://…:465`; undefined: no SMTP server (the built-in mailbox). */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  /** SMTP connections kept open and used at once. */
  readonly smtpPoolSize: number;
  /** Keep mail in the built-in mailbox (an SMTP server inside the process) instead of sending it. */
  readonly builtInMailbox: boolean;
  /** Addresses (IPs, CIDRs) outbound webhooks and providers may reach although private or loopback. */
  readonly outboundAllow: readonly string[];
  readonly sendTimeoutMs: number;
  /** The help desk's SMTP listener (issue 7); null: off. */
  readonly supportSmtpPort: number | null;
  readonly supportSmtpHost: string;
  /** Mail to `<workspace slug>@<this domain>` becomes that workspace's tickets. */
  readonly supportDomain: string;
  /** Largest inbound support mail, over SMTP and over HTTP. */
  readonly supportMaxBytes: number;
  /** Authserv-ids (lower case) whose `Authentication-Results` headers the mail intake believes. */
  readonly supportAuthservIds: readonly string[];
  /** The sandbox checkout provider (free "payments"): test and demo servers only. */
  readonly paymentsSandbox: boolean;
}

interface Setting {
  readonly key: keyof Config;
  readonly env: string;
  readonly default: string;
  readonly help: string;
  readonly schema: z.ZodType;
  /** Its value is never shown: not in errors, not in renderings of the configuration. */
  readonly secret?: true;
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

/** Every setting, in the order the README documents them. */
export const SETTINGS: readonly Setting[] = [
  {
    key: 'port',
    env: 'PORT',
    default: '3000',
    help: 'TCP port of the HTTP server (0 picks a free one).',
    schema: int(0, 65535),
  },
  {
    key: 'host',
    env: 'HOST',
    default: '127.0.0.1',
    help: 'Address to listen on; `0.0.0.0` to accept connections from other machines (containers).',
    schema: z.string().min(1),
  },
  {
    key: 'publicUrl',
    env: 'OPSBOOK_PUBLIC_URL',
    default: '',
    help: 'The URL people use to reach Opsbook; defaults to `http://localhost:PORT`. An `https://` URL makes session cookies `Secure`.',
    schema: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
  },
  {
    key: 'dataDir',
    env: 'OPSBOOK_DATA',
    default: './data',
    help: 'Folder of the embedded database (used when `DATABASE_URL` is not set).',
    schema: z.string().min(1),
  },
  {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    default: '',
    help: 'A `postgres://` URL: use this PostgreSQL server instead of the embedded database. Its user should be a login that is a member of `opsbook_app` and neither superuser nor BYPASSRLS (see docs/operations.md).',
    schema: z.union([
      z.literal(''),
      z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://'),
    ]),
  },
  {
    key: 'migrationDatabaseUrl',
    env: 'OPSBOOK_MIGRATION_DATABASE_URL',
    default: '',
    help: 'A `postgres://` URL of the schema owner, used only to apply migrations; defaults to `DATABASE_URL`.',
    schema: z.union([
      z.literal(''),
      z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://'),
    ]),
  },
  {
    key: 'databasePoolMax',
    env: 'OPSBOOK_DB_POOL_MAX',
    default: '10',
    help: 'Most connections one process opens to PostgreSQL.',
    schema: int(1, 1000),
  },
  {
    key: 'embeddedSharedBuffersMb',
    env: 'OPSBOOK_EMBEDDED_SHARED_BUFFERS_MB',
    default: '16',
    help: "PostgreSQL `shared_buffers` of the embedded database, in MiB: its cache, and most of the process's memory (128 MiB would roughly double idle RSS).",
    schema: int(1, 4096),
  },
  {
    key: 'role',
    env: 'OPSBOOK_ROLE',
    default: 'all',
    help: 'What this process runs: `api` (HTTP only), `worker` (timers and outbox only) or `all`. `opsbook serve --role` overrides it.',
    schema: z.enum(['all', 'api', 'worker']),
  },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    default: 'info',
    help: 'fatal, error, warn, info, debug, trace or silent.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  {
    key: 'loadDemo',
    env: 'OPSBOOK_DEMO',
    default: 'auto',
    help: 'Load the five demo workspaces and their logins (published password!) at start-up; idempotent. `auto`: only on the embedded database, never on a `DATABASE_URL` server unless set to `true`.',
    schema: z.union([z.literal('auto'), bool]),
  },
  {
    key: 'bodyLimitBytes',
    env: 'OPSBOOK_BODY_LIMIT_BYTES',
    default: '1048576',
    help: 'Largest request body accepted; larger bodies get 413.',
    schema: int(1024, 1024 ** 3),
  },
  {
    key: 'requestTimeoutMs',
    env: 'OPSBOOK_REQUEST_TIMEOUT_MS',
    default: '30000',
    help: 'Most time a client may take to send a whole request.',
    schema: int(1000, 3_600_000),
  },
  {
    key: 'connectionTimeoutMs',
    env: 'OPSBOOK_CONNECTION_TIMEOUT_MS',
    default: '60000',
    help: 'An idle socket is closed after this long.',
    schema: int(1000, 3_600_000),
  },
  {
    key: 'shutdownTimeoutMs',
    env: 'OPSBOOK_SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    help: 'On SIGTERM/SIGINT, most time to finish in-flight work before exiting anyway.',
    schema: int(100, 600_000),
  },
  {
    key: 'shutdownDrainMs',
    env: 'OPSBOOK_SHUTDOWN_DRAIN_MS',
    default: '0',
    help: 'On SIGTERM/SIGINT, how long `/readyz` answers 503 while requests are still served, so a load balancer stops sending new ones (e.g. 5000 behind one).',
    schema: int(0, 600_000),
  },
  {
    key: 'leaseSeconds',
    env: 'OPSBOOK_LEASE_SECONDS',
    default: '20',
    help: "Lease on claimed timers and messages; a killed worker's work is retried after it lapses (heartbeated every third of it).",
    schema: int(3, 3600),
  },
  {
    key: 'pollIntervalMs',
    env: 'OPSBOOK_POLL_INTERVAL_MS',
    default: '30000',
    help: 'The longest an idle worker sleeps: it wakes at the next due timer or message, on NOTIFY, or on a clock step, else after this.',
    schema: int(10, 600_000),
  },
  {
    key: 'workerBatchSize',
    env: 'OPSBOOK_WORKER_BATCH',
    default: '200',
    help: 'Most timers or messages a worker claims at once (fired in transactions of at most 50).',
    schema: int(1, 10_000),
  },
  {
    key: 'sessionIdleMinutes',
    env: 'OPSBOOK_SESSION_IDLE_MINUTES',
    default: '720',
    help: 'A session unused this long is signed out.',
    schema: int(1, 525_600),
  },
  {
    key: 'sessionMaxDays',
    env: 'OPSBOOK_SESSION_MAX_DAYS',
    default: '14',
    help: 'A session ends this long after sign-in whatever its use.',
    schema: int(1, 365),
  },
  {
    key: 'masterKey',
    env: 'OPSBOOK_MASTER_KEY',
    default: '',
    help: "A secret: the master keys that wrap each workspace's data key, which encrypts stored credentials and TOTP secrets. Comma-separated `id:base64key` entries of 32 random bytes (`opsbook keys new` prints one), the current key first and older ones after it until `opsbook keys rotate` has run. When neither this nor `OPSBOOK_MASTER_KEY_FILE` is set, a key is created in `OPSBOOK_DATA/master.key`: back it up.",
    schema: z.string(),
    secret: true,
  },
  {
    key: 'masterKeyFile',
    env: 'OPSBOOK_MASTER_KEY_FILE',
    default: '',
    help: 'A file holding the master keys instead (one `id:base64key` a line, the current first, `#` comments); readable by the Opsbook user only.',
    schema: z.string(),
  },
  {
    key: 'smtpUrl',
    env: 'OPSBOOK_SMTP_URL',
    default: '',
    help: 'The SMTP server mail is sent through: `smtp://user:password@host:587` (STARTTLS required) or `smtps://user:password@host:465` (TLS from the start); `smtp://host:25?tls=off` for a local relay. Empty: mail goes to the built-in mailbox.',
    schema: z.union([
      z.literal(''),
      z.string().regex(/^smtps?:\/\/[^/]+/, 'must start with smtp:// or smtps://'),
    ]),
    secret: true,
  },
  {
    key: 'smtpFrom',
    env: 'OPSBOOK_SMTP_FROM',
    default: 'Opsbook <notifications@opsbook.localhost>',
    help: 'The From address of the mail Opsbook sends; its domain also ends every Message-ID.',
    schema: z.string().regex(/@[^@>\s]+>?\s*$/, 'must be an email address, e.g. Opsbook <ops@example.com>'),
  },
  {
    key: 'smtpPoolSize',
    env: 'OPSBOOK_SMTP_POOL',
    default: '16',
    help: 'SMTP connections kept open and used at once (each sends many messages). Lower it if your mail provider limits connections per client.',
    schema: int(1, 100),
  },
  {
    key: 'builtInMailbox',
    env: 'OPSBOOK_MAILBOX',
    default: 'auto',
    help: 'Keep mail in the built-in mailbox (shown in Admin → Mailbox) instead of delivering it: `auto` does so when `OPSBOOK_SMTP_URL` is empty.',
    schema: z.union([z.literal('auto'), bool]),
  },
  {
    key: 'outboundAllow',
    env: 'OPSBOOK_OUTBOUND_ALLOW',
    default: '',
    help: 'Comma-separated IPs or CIDRs (`127.0.0.1`, `10.1.0.0/16`) that webhooks, Slack and SMS providers may reach although private, loopback or link-local. Everything else of that kind is refused at connect time (SSRF).',
    schema: z.string().regex(/^[0-9a-fA-F.:/,\s]*$/, 'must list IP addresses or CIDRs separated by commas'),
  },
  {
    key: 'sendTimeoutMs',
    env: 'OPSBOOK_SEND_TIMEOUT_MS',
    default: '10000',
    help: 'The longest one send may take (connect, answer) before it counts as failed and is retried.',
    schema: int(100, 300_000),
  },
  {
    key: 'supportSmtpPort',
    env: 'OPSBOOK_SUPPORT_SMTP_PORT',
    default: '2525',
    help: "TCP port of the help desk's SMTP listener, which turns mail to support addresses into tickets (`0` picks a free one; `off` turns it off). No TLS and no AUTH: on a network, put it behind a mail relay that does TLS and spam filtering (docs/operations.md).",
    schema: z.union([z.literal('off').transform(() => null), int(0, 65535)]),
  },
  {
    key: 'supportSmtpHost',
    env: 'OPSBOOK_SUPPORT_SMTP_HOST',
    default: '127.0.0.1',
    help: 'Address the SMTP listener listens on; `0.0.0.0` to take mail from other machines (your relay).',
    schema: z.string().min(1),
  },
  {
    key: 'supportDomain',
    env: 'OPSBOOK_SUPPORT_DOMAIN',
    default: 'support.localhost',
    help: "Mail to `<workspace slug>@<this domain>` opens tickets in that workspace (besides each workspace's registered support addresses).",
    schema: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, 'must be a domain name')
      .transform((v) => v.toLowerCase()),
  },
  {
    key: 'supportMaxBytes',
    env: 'OPSBOOK_SUPPORT_MAX_BYTES',
    default: '26214400',
    help: 'Largest support mail accepted (SMTP `SIZE`, and the HTTP intake), attachments included; larger mail is refused with 552 / 413.',
    schema: int(1024, 1024 ** 3),
  },
  {
    key: 'supportAuthservIds',
    env: 'OPSBOOK_SUPPORT_AUTHSERV_IDS',
    default: '',
    help: "Comma-separated authserv-ids of the mail relay in front of the help desk (`mx.example.com`): the topmost `Authentication-Results` header carrying one of them is believed, and mail that failed DMARC (or DKIM) there opens a `suspected-spoof` ticket instead of joining a customer's conversation. Empty: such headers are ignored (anyone can write them).",
    schema: z
      .string()
      .regex(/^[a-zA-Z0-9._\-,\s]*$/, 'must list host names separated by commas')
      .transform((v) =>
        v
          .split(',')
          .map((id) => id.trim().toLowerCase())
          .filter((id) => id !== ''),
      ),
  },
  {
    key: 'paymentsSandbox',
    env: 'OPSBOOK_PAYMENTS_SANDBOX',
    default: 'auto',
    help: 'The sandbox hosted-checkout provider, whose page lets anyone with a checkout\'s link "pay" for nothing and confirms it through a payment webhook: for trying the payment flow on test and demo servers. `auto`: on only when the demo is loaded (OPSBOOK_DEMO).',
    schema: z.union([z.literal('auto'), bool]),
  },
];

/** How a setting's value may appear in an error or a rendering of the configuration. */
export function shownValue(setting: Pick<Setting, 'env' | 'secret'>, value: string): string {
  if (setting.secret) return value === '' ? '' : '***';
  return setting.env.endsWith('URL') ? redactPassword(value) : value;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Opsbook cannot start: the configuration has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`,
    );
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`: passwords never reach logs or errors. */
export function redactPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/** Reads the optional JSON file named by OPSBOOK_CONFIG: keys are the environment variables' names. */
function readConfigFile(path: string, problems: string[]): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(
      `OPSBOOK_CONFIG: cannot read "${path}" as JSON (${(err as Error).message}). Fix the file or unset OPSBOOK_CONFIG.`,
    );
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(
      `OPSBOOK_CONFIG: "${path}" must hold one JSON object whose keys are setting names such as "PORT".`,
    );
    return {};
  }
  const known = new Set(SETTINGS.map((s) => s.env));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!known.has(name)) {
      problems.push(
        `OPSBOOK_CONFIG: "${path}" has an unknown setting "${name}". Known settings: ${[...known].join(', ')}.`,
      );
    } else if (typeof value === 'object' && value !== null) {
      problems.push(`OPSBOOK_CONFIG: "${name}" in "${path}" must be a string, number or boolean.`);
    } else {
      out[name] = String(value);
    }
  }
  return out;
}

/**
 * Builds the frozen configuration. Environment variables win over the file; an empty variable counts as
 * unset. Throws ConfigError listing every problem at once, each with the setting, the value and a fix.
 *
 * @example loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://localhost/opsbook' })
 */
export function loadConfig(env: Env, cwd = '.'): Config {
  const problems: string[] = [];
  const file = env.OPSBOOK_CONFIG ? readConfigFile(resolve(cwd, env.OPSBOOK_CONFIG), problems) : {};
  const values: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const raw = env[setting.env] || file[setting.env] || setting.default;
    const result = setting.schema.safeParse(raw);
    if (result.success) {
      values[setting.key] = result.data;
    } else {
      const why = result.error.issues.map((i) => i.message).join('; ');
      const shown = shownValue(setting, raw);
      problems.push(
        `${setting.env}: ${why} (got "${shown}"). ${setting.help} Default: "${setting.default}".`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const port = values.port as number;
  const databaseUrl = (values.databaseUrl as string) || undefined;
  const loadDemo = values.loadDemo === 'auto' ? databaseUrl === undefined : (values.loadDemo as boolean);
  return Object.freeze({
    ...(values as Omit<
      Config,
      | 'publicUrl'
      | 'databaseUrl'
      | 'migrationDatabaseUrl'
      | 'dataDir'
      | 'loadDemo'
      | 'masterKey'
      | 'masterKeyFile'
      | 'smtpUrl'
      | 'builtInMailbox'
      | 'outboundAllow'
      | 'paymentsSandbox'
    >),
    publicUrl: (values.publicUrl as string) || `http://localhost:${port}`,
    databaseUrl,
    migrationDatabaseUrl: (values.migrationDatabaseUrl as string) || undefined,
    loadDemo,
    paymentsSandbox: values.paymentsSandbox === 'auto' ? loadDemo : (values.paymentsSandbox as boolean),
    dataDir: resolve(cwd, values.dataDir as string),
    masterKey: (values.masterKey as string) || undefined,
    masterKeyFile: values.masterKeyFile ? resolve(cwd, values.masterKeyFile as string) : undefined,
    smtpUrl: (values.smtpUrl as string) || undefined,
    builtInMailbox: values.builtInMailbox === 'auto' ? !values.smtpUrl : (values.builtInMailbox as boolean),
    outboundAllow: (values.outboundAllow as string)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  });
}
