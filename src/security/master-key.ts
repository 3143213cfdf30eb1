/**
 * The master keys (issue 5, RELIABILITY.md S7): they wrap each workspace's data key and nothing else.
 * They come from OPSBOOK_MASTER_KEY (comma-separated `id:base64key` entries) or OPSBOOK_MASTER_KEY_FILE (one
 * entry a line, `#` comments); the first is current, the rest are older keys still accepted for unwrapping
 * until `opsbook keys rotate` has re-wrapped everything. With neither set, a key is created once in
 * `<data dir>/master.key`, which is convenient for a laptop and a hazard in production (lose the file, lose
 * every secret), so that is said loudly.
 *
 * Errors name the entry and what is wrong with it, and never print key material.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config.js';
import { createKeyring, type Keyring, type SecretKey } from './secrets.js';

export const MASTER_KEY_FILE_NAME = 'master.key';
const KEY_BYTES = 32;
/** What a key id may be (secrets.ts stores it in each sealed value). */
export const MASTER_KEY_ID = /^[a-z0-9-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+={0,2})$/;
const HOW_TO_MAKE = 'Run `opsbook keys new` to print a fresh entry.';

export interface MasterKeySource {
  /** OPSBOOK_MASTER_KEY: comma-separated `id:base64key` entries, the current one first. */
  readonly masterKey: string | undefined;
  /** OPSBOOK_MASTER_KEY_FILE: the same entries, one a line. */
  readonly masterKeyFile: string | undefined;
  /** Where `master.key` is kept when neither is set. */
  readonly dataDir: string;
}

export interface MasterKeyLog {
  warn(message: string): void;
}

interface Entry {
  readonly text: string;
  /** Names the entry in errors: `OPSBOOK_MASTER_KEY entry 2`, `/etc/opsbook/master.key line 3`. */
  readonly where: string;
}

/** `k20261105`: the id a key made on that (UTC) day gets by default. */
export function defaultMasterKeyId(now: Date): string {
  return `k${now.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/**
 * A fresh `id:base64key` entry (32 random bytes) for `opsbook keys new`.
 *
 * @example newMasterKeyEntry('k20261105') // 'k20261105:q3J…='
 */
export function newMasterKeyEntry(id: string): string {
  if (!MASTER_KEY_ID.test(id))
    throw new ConfigError([`the key id "${id}" must be 1-32 of a-z, 0-9 and - (e.g. k20261105).`]);
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

function parseEntry(entry: Entry, problems: string[]): SecretKey | null {
  const colon = entry.text.indexOf(':');
  if (colon < 0) {
    problems.push(`${entry.where} is not "id:base64key" (no ":" found). ${HOW_TO_MAKE}`);
    return null;
  }
  // The id is printed only once it is known to be an id: a pasted key in its place must not be echoed.
  const id = entry.text.slice(0, colon).trim();
  if (!MASTER_KEY_ID.test(id)) {
    problems.push(`${entry.where}: the id before ":" must be 1-32 of a-z, 0-9 and - (e.g. k20261105).`);
    return null;
  }
  const text = entry.text.slice(colon + 1).trim();
  if (!BASE64.test(text)) {
    problems.push(
      `${entry.where} (id "${id}"): the key is not valid base64 (A-Z, a-z, 0-9, + and / with = padding). ${HOW_TO_MAKE}`,
    );
    return null;
  }
  const key = Buffer.from(text, 'base64'); // also reads the URL-safe alphabet
  if (key.length !== KEY_BYTES) {
    problems.push(
      `${entry.where} (id "${id}"): the key is ${key.length} bytes; a master key must be ${KEY_BYTES} bytes (AES-256). ${HOW_TO_MAKE}`,
    );
    return null;
  }
  return { id, key };
}

/** A keyring from entries, the first current; throws ConfigError listing every bad entry. */
function keyringOf(entries: readonly Entry[], source: string): Keyring {
  const problems: string[] = [];
  if (entries.length === 0)
    problems.push(`${source} holds no key: give at least one "id:base64key" entry. ${HOW_TO_MAKE}`);
  const seen = new Map<string, string>();
  const keys: SecretKey[] = [];
  for (const entry of entries) {
    const key = parseEntry(entry, problems);
    if (!key) continue;
    const first = seen.get(key.id);
    if (first !== undefined) {
      problems.push(
        `${entry.where}: the id "${key.id}" is also used by ${first}; each key needs its own id.`,
      );
      continue;
    }
    seen.set(key.id, entry.where);
    keys.push(key);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return createKeyring(keys);
}

/** Parses OPSBOOK_MASTER_KEY: `id:base64key` entries separated by commas, the current one first. */
export function parseMasterKeyValue(value: string): Keyring {
  const entries = value
    .split(',')
    .map((text, i) => ({ text: text.trim(), where: `OPSBOOK_MASTER_KEY entry ${i + 1}` }))
    .filter((e) => e.text !== '');
  return keyringOf(entries, 'OPSBOOK_MASTER_KEY');
}

/** Parses a key file: one `id:base64key` a line, the current one first; blank lines and `#` comments skipped. */
export function parseMasterKeyFile(text: string, path: string): Keyring {
  const entries = text
    .split(/\r?\n/)
    .map((line, i) => ({ text: line.trim(), where: `${path} line ${i + 1}` }))
    .filter((e) => e.text !== '' && !e.text.startsWith('#'));
  return keyringOf(entries, path);
}

function readKeyFile(path: string, setting: string, log: MasterKeyLog): Keyring {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([
      `${setting}: cannot read the master key file "${path}" (${code}). Fix the path or the file's permissions.`,
    ]);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0)
    log.warn(
      `the master key file ${path} can be read by other users (mode ${mode.toString(8)}): chmod 600 it.`,
    );
  return parseMasterKeyFile(text, path);
}

/**
 * Creates `path` with a fresh key, readable by this user only. Written aside and linked into place, so a
 * process starting at the same moment either finds no file or a whole one, and never overwrites it.
 * Returns false when another process created it first.
 */
function createKeyFile(path: string, id: string): boolean {
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const body = `# Opsbook master key, created ${id}. Back this file up: without it no secret can be opened.\n${newMasterKeyEntry(id)}\n`;
  writeFileSync(draft, body, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(draft, { force: true });
  }
}

/**
 * The master keyring from the configuration: OPSBOOK_MASTER_KEY, else OPSBOOK_MASTER_KEY_FILE, else
 * `<dataDir>/master.key` (created on first start, with a warning). Throws ConfigError on a bad key.
 *
 * @example const masterKeys = loadMasterKeyring(config, { warn: (m) => logger.warn(m) }, new Date());
 */
export function loadMasterKeyring(source: MasterKeySource, log: MasterKeyLog, now: Date): Keyring {
  if (source.masterKey && source.masterKeyFile)
    throw new ConfigError([
      'OPSBOOK_MASTER_KEY and OPSBOOK_MASTER_KEY_FILE are both set: set only one (the file keeps the key out of the environment).',
    ]);
  if (source.masterKey) return parseMasterKeyValue(source.masterKey);
  if (source.masterKeyFile) return readKeyFile(source.masterKeyFile, 'OPSBOOK_MASTER_KEY_FILE', log);
  const path = join(source.dataDir, MASTER_KEY_FILE_NAME);
  mkdirSync(source.dataDir, { recursive: true, mode: 0o700 });
  if (!existsSync(path) && createKeyFile(path, defaultMasterKeyId(now))) {
    log.warn(
      `created the master key file ${path}: back it up now, since without it no stored secret can be opened. ` +
        'In production set OPSBOOK_MASTER_KEY or OPSBOOK_MASTER_KEY_FILE instead (every process must share the same keys).',
    );
  }
  return readKeyFile(path, `OPSBOOK_DATA/${MASTER_KEY_FILE_NAME}`, log);
}
