/**
 * The `opsbook` command. Exit codes: 0 success, 1 a finding (a check failed, the database refused),
 * 2 bad usage (unknown command or option, bad configuration).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config, type ProcessRole } from '../config/config.js';
import { processEnv } from '../config/env.js';
import { OpsError } from '../errors/catalog.js';
import { MASTER_KEY_ID } from '../security/master-key.js';
import { packageVersion } from '../shared/paths.js';
import { openDatabase } from '../store/open.js';
import { migrationStatus } from '../store/migrate.js';
import { activatePackCommand } from './activate.js';
import { AUDIT_USAGE, auditVerifyCommand } from './audit.js';
import {
  BACKUP_OPTIONS,
  BACKUP_USAGE,
  backupCommand,
  RESTORE_OPTIONS,
  RESTORE_USAGE,
  restoreCommand,
} from './backup.js';
import { diffPackDirs } from './diff.js';
import { IMPORT_CONTACTS_OPTIONS, IMPORT_CONTACTS_USAGE, importContactsCommand } from './import-contacts.js';
import { KEYS_USAGE, newKeyCommand, rotateKeysCommand } from './keys.js';
import { createTokenCommand, isTokenScope } from './token.js';
import { LINT_USAGE, lintPackCommand } from './lint.js';
import { renderPackCommand } from './render.js';
import { serveUntilSignalled } from './serve.js';
import { simulateCommand, testCommand } from './simulate.js';
import { validatePack } from './validate.js';
import { RENDER_TEMPLATE_OPTIONS, RENDER_TEMPLATE_USAGE, renderTemplates } from './render-template.js';

export const EXIT = { ok: 0, finding: 1, usage: 2 } as const;

class UsageError extends Error {}

interface Command {
  readonly summary: string;
  readonly usage: string;
  /** Names of the positional arguments, all required; none when absent. */
  readonly args?: readonly string[];
  readonly options: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  run(
    values: Record<string, string | boolean | undefined>,
    config: () => Config,
    args: readonly string[],
  ): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'Run the HTTP server and/or the worker until SIGTERM or Ctrl+C.',
    usage: `opsbook serve [--role all|api|worker] [--port N]

  --role   all (default, or OPSBOOK_ROLE): HTTP API and worker in one process;
           api: HTTP only; worker: timers and outbox only. api and worker need DATABASE_URL,
           and then any number of each may share one PostgreSQL database.
  --port   TCP port (default PORT or 3000).`,
    options: { role: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    async run(values, config) {
      const role = (values.role as string | undefined) ?? config().role;
      if (!['all', 'api', 'worker'].includes(role))
        throw new UsageError(`--role must be all, api or worker (got "${role}").`);
      const overrides = values.port === undefined ? {} : { PORT: String(values.port) };
      const merged = values.port === undefined ? config() : loadConfig({ ...processEnv(), ...overrides });
      await serveUntilSignalled(merged, role as ProcessRole);
      return EXIT.ok;
    },
  },
  migrate: {
    summary: 'Apply pending database migrations, then report the schema version.',
    usage: `opsbook migrate [--status]

  --status  only report applied/expected migrations; exit 1 when some are pending.`,
    options: { status: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    async run(values, config) {
      const database = await openDatabase(config(), { migrate: values.status !== true });
      try {
        const status = await migrationStatus(database.db);
        process.stdout.write(
          `${status.applied} of ${status.expected} migrations applied (${database.engine}).\n`,
        );
        return status.current ? EXIT.ok : EXIT.finding;
      } finally {
        await database.close();
      }
    },
  },
  validate: {
    summary: 'Check a pack folder; print every problem with file:line:column. Exit 1 when invalid.',
    usage: `opsbook validate <pack-dir> [--json]

  <pack-dir>  the pack's folder: pack.yaml and the YAML files of its sections (tests/ is not read).
  --json      print { ok, problems } or { ok, pack: { id, version, hash, … } } as JSON.`,
    args: ['pack-dir'],
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    async run(values, _config, [dir = '']) {
      const color = process.stdout.isTTY && processEnv().NO_COLOR === undefined;
      const valid = await validatePack(dir, { json: values.json === true, color });
      return valid ? EXIT.ok : EXIT.finding;
    },
  },
  simulate: {
    summary: 'Run a scenario against a pack in virtual time and print the effects in time order.',
    usage: `opsbook simulate <pack-dir> <scenario.yaml> [--json] [--explain]

  <scenario.yaml>  start, events and optional until (docs/scenarios.md).
  --json           one JSON object per line: at, type, subject and the type's fields.
  --explain        add the derivation of each due time.

Exit 0 after a run, 1 when the pack or the scenario is invalid (nothing is run), 2 on bad usage.`,
    args: ['pack-dir', 'scenario'],
    options: {
      json: { type: 'boolean' },
      explain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    async run(values, _config, [dir = '', scenario = '']) {
      const color = process.stdout.isTTY && processEnv().NO_COLOR === undefined;
      const ok = await simulateCommand(dir, scenario, {
        json: values.json === true,
        explain: values.explain === true,
        color,
      });
      return ok ? EXIT.ok : EXIT.finding;
    },
  },
  test: {
    summary: "Run a pack's scenario tests (tests/*.yaml). Exit 1 when one fails.",
    usage: `opsbook test <pack-dir> [--json]

  Runs each tests/*.yaml of the pack and checks its expect list; a failure shows the expected effect
  and the effects of that type that did happen.
  --json  print { ok, scenarios: [{ file, ok, failures }] }.`,
    args: ['pack-dir'],
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    async run(values, _config, [dir = '']) {
      const color = process.stdout.isTTY && processEnv().NO_COLOR === undefined;
      const ok = await testCommand(dir, { color, json: values.json === true });
      return ok ? EXIT.ok : EXIT.finding;
    },
  },
  diff: {
    summary: 'Show what changed in meaning between two packs (targets, steps, templates). Exit 1 if any.',
    usage: `opsbook diff <pack-a> <pack-b> [--all] [--json]

  <pack-a>  the old version's folder; <pack-b> the new one's.
  --all     also show changes to \`quote\` and \`facts\` (the SOP's wording and citations).
  --json    print { ok, a, b, changes, hidden }, or { ok: false, invalid } when a pack is invalid.

Exit 0 when the packs mean the same, 1 when they differ or a pack is invalid, 2 on bad usage.`,
    args: ['pack-a', 'pack-b'],
    options: { json: { type: 'boolean' }, all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    async run(values, _config, [a = '', b = '']) {
      const outcome = await diffPackDirs(a, b, { json: values.json === true, all: values.all === true });
      return outcome === 'same' ? EXIT.ok : EXIT.finding;
    },
  },
  lint: {
    summary: 'Warn about what a careful author would fix in a valid pack. Exit 1 when there are warnings.',
    usage: LINT_USAGE,
    args: ['pack-dir'],
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    async run(values, _config, [dir = '']) {
      const color = process.stdout.isTTY && processEnv().NO_COLOR === undefined;
      const clean = await lintPackCommand(dir, { json: values.json === true, color, now: new Date() });
      return clean ? EXIT.ok : EXIT.finding;
    },
  },
  activate: {
    summary: 'Validate a pack and make it the active version of that pack in a workspace.',
    usage: `opsbook activate <pack-dir> --workspace <id>

  <pack-dir>    the pack's folder; an invalid pack is refused and nothing changes.
  --workspace   the workspace id (ws_…), shown on the web app's Admin page.`,
    args: ['pack-dir'],
    options: { workspace: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    async run(values, config, [dir = '']) {
      if (typeof values.workspace !== 'string' || values.workspace === '')
        throw new UsageError('--workspace <id> is required.');
      return (await activatePackCommand(config(), dir, values.workspace)) ? EXIT.ok : EXIT.finding;
    },
  },
  render: {
    summary: 'Print a pack as its readable SOP document (Markdown). Exit 1 when the pack is invalid.',
    usage: `opsbook render <pack-dir> [--out FILE]

  <pack-dir>  the pack's folder.
  --out       write the document to FILE instead of standard output.`,
    args: ['pack-dir'],
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    async run(values, _config, [dir = '']) {
      return (await renderPackCommand(dir, values.out as string | undefined)) ? EXIT.ok : EXIT.finding;
    },
  },
  'render-template': {
    summary: 'Show a template rendered with example values, per locale. Exit 1 when one fails to render.',
    usage: RENDER_TEMPLATE_USAGE,
    args: ['pack-dir', 'template-id'],
    options: RENDER_TEMPLATE_OPTIONS,
    async run(values, _config, [dir = '', id = '']) {
      const vars = (values.var as unknown as string[] | undefined) ?? [];
      const options = { locale: values.locale as string | undefined, vars, json: values.json === true };
      return renderTemplates(dir, id, options, {
        out: (text) => void process.stdout.write(text),
        err: (text) => void process.stderr.write(text),
      });
    },
  },
  token: {
    summary: 'Create a workspace API token (`token create`); its secret is printed once.',
    usage: `opsbook token create --workspace <id> --role <read|write|ingest|admin> [--name NAME] [--days N]

  --workspace   the workspace id (ws_…), shown on the web app's Admin page.
  --role        the token's scope: read, write, ingest (integrations: alerts, heartbeats, mail) or admin.
  --name        what the token is for (default: cli).
  --days        expire after N days (default: never).`,
    args: ['create'],
    options: {
      workspace: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      days: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    async run(values, config, [action = '']) {
      if (action !== 'create') throw new UsageError(`unknown action "${action}": use \`token create\`.`);
      if (typeof values.workspace !== 'string' || values.workspace === '')
        throw new UsageError('--workspace <id> is required.');
      const role = String(values.role ?? '');
      if (!isTokenScope(role))
        throw new UsageError(`--role must be read, write, ingest or admin (got "${role}").`);
      const days = values.days === undefined ? null : Number(values.days);
      if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650))
        throw new UsageError(`--days must be a whole number from 1 to 3650 (got "${String(values.days)}").`);
      const name = String(values.name ?? 'cli').slice(0, 100);
      return (await createTokenCommand(config(), { workspace: values.workspace, scope: role, name, days }))
        ? EXIT.ok
        : EXIT.finding;
    },
  },
  audit: {
    summary:
      "Verify a workspace's audit log hash chain (`audit verify`): exit 1 naming each edit or deletion.",
    usage: AUDIT_USAGE,
    args: ['verify'],
    options: {
      workspace: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    async run(values, config, [action = '']) {
      if (action !== 'verify') throw new UsageError(`unknown action "${action}": use \`audit verify\`.`);
      if (typeof values.workspace !== 'string' || values.workspace === '')
        throw new UsageError("--workspace <id> is required (or '*' for the accounts' own chain).");
      const ok = await auditVerifyCommand(
        config(),
        { workspace: values.workspace, json: values.json === true },
        (text) => void process.stdout.write(text),
      );
      return ok ? EXIT.ok : EXIT.finding;
    },
  },
  'import-contacts': {
    summary: "Import an account's contacts from CSV into a running server, with progress and a report.",
    usage: IMPORT_CONTACTS_USAGE,
    args: ['file.csv'],
    options: IMPORT_CONTACTS_OPTIONS,
    async run(values, _config, [file = '']) {
      const io = {
        out: (t: string) => void process.stdout.write(t),
        err: (t: string) => void process.stderr.write(t),
      };
      return importContactsCommand(values, file, { ...io, tty: process.stderr.isTTY === true });
    },
  },
  keys: {
    summary: 'Manage the master key: `keys new` prints a fresh one, `keys rotate` re-wraps data keys.',
    usage: KEYS_USAGE,
    args: ['new|rotate'],
    options: { id: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    async run(values, config, [action = '']) {
      const id = values.id as string | undefined;
      if (action === 'new') {
        if (id !== undefined && !MASTER_KEY_ID.test(id))
          throw new UsageError(`--id must be 1-32 of a-z, 0-9 and - (got "${id}").`);
        newKeyCommand(id, new Date());
        return EXIT.ok;
      }
      if (action === 'rotate') {
        if (id !== undefined) throw new UsageError('--id is for `keys new`.');
        return (await rotateKeysCommand(config(), new Date())) ? EXIT.ok : EXIT.finding;
      }
      throw new UsageError(`unknown action "${action}": use \`keys new\` or \`keys rotate\`.`);
    },
  },
  backup: {
    summary: 'Write all data to a dump file (PostgreSQL COPY format) with a SHA-256 checksum.',
    usage: BACKUP_USAGE,
    options: BACKUP_OPTIONS,
    async run(values, config) {
      if (typeof values.out !== 'string' || values.out === '')
        throw new UsageError('--out <file> is required.');
      return backupCommand(config(), { out: values.out, json: values.json === true }, backupIo());
    },
  },
  restore: {
    summary: "Replace the database's data with a dump from `backup`, after checking its checksum.",
    usage: RESTORE_USAGE,
    options: RESTORE_OPTIONS,
    async run(values, config) {
      if (typeof values.from !== 'string' || values.from === '')
        throw new UsageError('--from <file> is required.');
      const input = { from: values.from, yes: values.yes === true, json: values.json === true };
      return restoreCommand(config(), input, backupIo());
    },
  },
};

function backupIo() {
  return {
    out: (t: string) => void process.stdout.write(t),
    err: (t: string) => void process.stderr.write(t),
    tty: process.stderr.isTTY === true,
  };
}

function mainHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`);
  return `opsbook ${packageVersion()}: standard operating procedures, run as code.

Usage: opsbook <command> [options]

Commands:
${rows.join('\n')}

Run \`opsbook <command> --help\` for a command's options. Settings come from environment variables
(see the README); exit codes: 0 success, 1 a finding, 2 bad usage.
`;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(
      `opsbook: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. See opsbook --help.\n`,
    );
    return EXIT.usage;
  }
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const positionals = parsed.positionals;
    if (values.help) {
      process.stdout.write(`${command.usage}\n`);
      return EXIT.ok;
    }
    checkPositionals(command.args ?? [], positionals);
    let config: Config | undefined;
    return await command.run(values, () => (config ??= loadConfig(processEnv())), positionals);
  } catch (err) {
    return reportFailure(name, err);
  }
}

function checkPositionals(names: readonly string[], positionals: readonly string[]): void {
  if (positionals.length > names.length)
    throw new UsageError(`unexpected argument "${positionals[names.length]}".`);
  if (positionals.length < names.length) throw new UsageError(`missing <${names[positionals.length]}>.`);
}

function reportFailure(name: string, err: unknown): number {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`opsbook ${name}: ${(err as Error).message}\nSee opsbook ${name} --help.\n`);
    return EXIT.usage;
  }
  if (err instanceof OpsError) {
    process.stderr.write(`opsbook ${name}: ${err.code}: ${err.message}\n${err.spec.hint}\n`);
    return err.code === 'OPS_CONFIG_INVALID' ? EXIT.usage : EXIT.finding;
  }
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    process.stderr.write(
      `opsbook ${name}: cannot listen: ${(err as Error).message}. Set PORT (or HOST) to a free address.\n`,
    );
    return EXIT.finding;
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
    process.stderr.write(
      `opsbook ${name}: cannot reach the database (${code}: ${(err as Error).message}). Check DATABASE_URL and that PostgreSQL is running.\n`,
    );
    return EXIT.finding;
  }
  const cause = (err as { cause?: Error }).cause;
  process.stderr.write(
    `opsbook ${name}: ${(err as Error).stack ?? String(err)}\n${cause ? `Caused by: ${cause.message}\n` : ''}`,
  );
  return EXIT.finding;
}
