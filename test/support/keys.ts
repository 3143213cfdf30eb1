/** A fixed master key for tests, so any test can build the key service its app would have. */
import { createHash } from 'node:crypto';
import { createKeyService, type KeyService } from '../../src/security/keys.js';
import { createKeyring, type Keyring } from '../../src/security/secrets.js';
import type { Database } from '../../src/store/database.js';

/** The tests' master key (derived from a fixed phrase: not a secret, never used outside tests). */
export const TEST_MASTER_KEY = {
  id: 'test',
  key: createHash('sha256').update('opsbook test master key').digest(),
};

/** The tests' master keyring: the fixed test key alone. */
export function testKeyring(): Keyring {
  return createKeyring([TEST_MASTER_KEY]);
}

/** The key service over `database` under the test master key. */
export function testKeyService(database: Database): KeyService {
  return createKeyService(database, testKeyring());
}
