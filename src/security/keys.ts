/**
 * Envelope encryption of stored secrets (issue 5, RELIABILITY.md S7): provider credentials, webhook secrets
 * and TOTP secrets are sealed with AES-256-GCM under their owner's data key (one per workspace, and `*` for
 * the system: users' TOTP secrets), and each data key is stored wrapped by the master key from the
 * configuration. A value is bound to its owner, field and row, so one copied elsewhere does not open.
 *
 * Master key rotation re-wraps the data keys only; the values sealed under them never change, so it runs
 * while servers run. A per-owner data key version bump (re-sealing every value) is not needed now: the
 * table and the sealed form carry a version (`d1`) so one can be added without a migration.
 *
 * On PGlite, the first use of an owner's data key queries the database outside any open transaction, so
 * seal values before opening a transaction (ids are made up front) and open them after reading.
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../store/database.js';
import { dataKeys } from '../store/schema.js';
import {
  createKeyring,
  openSecret,
  resealSecret,
  sealSecret,
  SecretError,
  type Keyring,
  type SecretContext,
  type SecretKey,
} from './secrets.js';

/** The owner of secrets that belong to no workspace (users' TOTP secrets). */
export const SYSTEM_OWNER = '*';

/** Where a sealed value lives within its owner: it opens only there. */
export interface SecretPlace {
  /** e.g. `channels.slack_webhook_url`. */
  readonly field: string;
  /** e.g. the row's id. */
  readonly recordId: string;
}

export interface KeyService {
  /** Seals `plaintext` for `owner`'s `place`, creating the owner's data key on first use. */
  seal(owner: string, plaintext: string, place: SecretPlace): Promise<string>;
  /** Opens a sealed value; throws SecretError if it was altered, moved, or its key is gone. */
  open(owner: string, sealed: string, place: SecretPlace): Promise<string>;
  /**
   * Re-wraps every data key not yet under the current master key, each in its own short transaction, so
   * it is safe while servers run. Throws SecretError naming the data keys that did not unwrap, after
   * re-wrapping all the others.
   */
  rotateMaster(): Promise<{ rewrapped: number }>;
}

const DATA_KEY_BYTES = 32;
const WRAPPED_FIELD = 'data_keys.wrapped';

interface DataKeyRow {
  readonly owner: string;
  readonly version: number;
  readonly wrapped: string;
}

const dataKeyId = (version: number) => `d${version}`;
const keyIdOf = (sealed: string) => sealed.split('.')[1] ?? '';
const wrapContext = (owner: string, version: number): SecretContext => ({
  workspaceId: owner,
  field: WRAPPED_FIELD,
  recordId: `${owner}:${version}`,
});

function unwrapFailure(row: DataKeyRow, err: unknown): SecretError {
  return new SecretError(
    `the data key of "${row.owner}" (version ${row.version}, wrapped under master key "${keyIdOf(row.wrapped)}") does not unwrap: ${(err as Error).message}. ` +
      'If that master key is an older one, list it after the current key in OPSBOOK_MASTER_KEY.',
  );
}

/**
 * The key service over the `data_keys` table and a master keyring (loadMasterKeyring).
 *
 * @example
 * const sealed = await keys.seal(workspaceId, url, { field: 'channels.webhook_url', recordId: channelId });
 * const url = await keys.open(workspaceId, sealed, { field: 'channels.webhook_url', recordId: channelId });
 */
export function createKeyService(database: Database, masterKeys: Keyring): KeyService {
  /** Unwrapped data keys by owner; a failed load is forgotten so the next call retries. */
  const cache = new Map<string, Promise<Keyring>>();

  function unwrap(row: DataKeyRow): SecretKey {
    try {
      const encoded = openSecret(masterKeys, row.wrapped, wrapContext(row.owner, row.version));
      return { id: dataKeyId(row.version), key: Buffer.from(encoded, 'base64') };
    } catch (err) {
      throw unwrapFailure(row, err);
    }
  }

  async function readDataKeys(owner: string): Promise<Keyring | null> {
    const rows = await database.db
      .select({ owner: dataKeys.owner, version: dataKeys.version, wrapped: dataKeys.wrapped })
      .from(dataKeys)
      .where(eq(dataKeys.owner, owner))
      .orderBy(desc(dataKeys.version));
    return rows.length === 0 ? null : createKeyring(rows.map(unwrap));
  }

  async function readOrCreate(owner: string): Promise<Keyring> {
    const found = await readDataKeys(owner);
    if (found) return found;
    const version = 1;
    const key = randomBytes(DATA_KEY_BYTES).toString('base64');
    const wrapped = sealSecret(masterKeys, key, wrapContext(owner, version));
    // First uses racing (here or in another process): one insert wins, and everyone reads back the winner.
    await database.db.insert(dataKeys).values({ owner, version, wrapped }).onConflictDoNothing();
    const created = await readDataKeys(owner);
    if (!created) throw new SecretError(`the data key of "${owner}" was not stored`);
    return created;
  }

  async function readExisting(owner: string): Promise<Keyring> {
    const found = await readDataKeys(owner);
    if (!found) throw new SecretError(`"${owner}" has no data key: this value was not sealed for it`);
    return found;
  }

  function dataKeyring(owner: string, load: (owner: string) => Promise<Keyring>): Promise<Keyring> {
    if (owner === '') throw new SecretError('a secret needs an owner (a workspace id, or "*")');
    const cached = cache.get(owner);
    if (cached) return cached;
    const loading = load(owner);
    cache.set(owner, loading);
    loading.catch(() => {
      if (cache.get(owner) === loading) cache.delete(owner);
    });
    return loading;
  }

  async function rewrap(row: DataKeyRow): Promise<boolean> {
    const current = masterKeys.current.id;
    const match = and(eq(dataKeys.owner, row.owner), eq(dataKeys.version, row.version));
    // One short transaction a row: readers see the old wrap or the new one, and both hold the same key.
    return database.transaction(async (tx) => {
      const [locked] = await tx
        .select({ owner: dataKeys.owner, version: dataKeys.version, wrapped: dataKeys.wrapped })
        .from(dataKeys)
        .where(match)
        .for('update');
      if (!locked || keyIdOf(locked.wrapped) === current) return false;
      let wrapped: string;
      try {
        wrapped = resealSecret(masterKeys, locked.wrapped, wrapContext(locked.owner, locked.version));
      } catch (err) {
        throw unwrapFailure(locked, err);
      }
      await tx.update(dataKeys).set({ wrapped }).where(match);
      return true;
    });
  }

  return {
    async seal(owner, plaintext, place) {
      const ring = await dataKeyring(owner, readOrCreate);
      return sealSecret(ring, plaintext, { workspaceId: owner, ...place });
    },
    async open(owner, sealed, place) {
      let ring = await dataKeyring(owner, readExisting);
      const keyId = keyIdOf(sealed);
      if (/^d\d+$/.test(keyId) && !ring.byId(keyId)) {
        // A data key version made since this owner's keys were cached (none are yet: see the module comment).
        cache.delete(owner);
        ring = await dataKeyring(owner, readExisting);
      }
      return openSecret(ring, sealed, { workspaceId: owner, ...place });
    },
    async rotateMaster() {
      const rows = await database.db
        .select({ owner: dataKeys.owner, version: dataKeys.version, wrapped: dataKeys.wrapped })
        .from(dataKeys);
      let rewrapped = 0;
      // A data key that does not unwrap (its master key missing, or tampered with) holds up no other.
      const failures: string[] = [];
      for (const row of rows) {
        if (keyIdOf(row.wrapped) === masterKeys.current.id) continue;
        try {
          if (await rewrap(row)) rewrapped++;
        } catch (err) {
          if (!(err instanceof SecretError)) throw err;
          failures.push(err.message);
        }
      }
      if (failures.length > 0)
        throw new SecretError(
          `re-wrapped ${rewrapped} data keys under master key ${masterKeys.current.id}, but ${failures.length} did not unwrap:\n- ${failures.join('\n- ')}`,
        );
      return { rewrapped };
    },
  };
}
