/**
 * `opsbook keys new` and `opsbook keys rotate`: the master key's life. A new key goes first in
 * OPSBOOK_MASTER_KEY with the old one kept after it; once every process runs with that, `rotate` re-wraps
 * every data key under the new key (servers may keep running), and then the old key can be dropped.
 */
import type { Config } from '../config/config.js';
import { createKeyService } from '../security/keys.js';
import { SecretError } from '../security/secrets.js';
import { defaultMasterKeyId, loadMasterKeyring, newMasterKeyEntry } from '../security/master-key.js';
import { openDatabase } from '../store/open.js';

export const KEYS_USAGE = `opsbook keys new [--id ID]
opsbook keys rotate

  new      print a fresh master key entry (id:base64 of 32 random bytes). Put it first in
           OPSBOOK_MASTER_KEY (or OPSBOOK_MASTER_KEY_FILE), keep the old entry after it, and restart
           every process with that.
  --id     the new key's id (default k<yyyymmdd>, today in UTC); 1-32 of a-z, 0-9 and -.
  rotate   re-wrap every data key under the current (first) master key; safe while servers run.
           Afterwards the older entries can be removed from OPSBOOK_MASTER_KEY.`;

const stderrLog = { warn: (message: string) => process.stderr.write(`opsbook keys: ${message}\n`) };

/** Prints a new entry on standard output alone (so `$(opsbook keys new)` captures it), the advice on stderr. */
export function newKeyCommand(id: string | undefined, now: Date): void {
  const keyId = id ?? defaultMasterKeyId(now);
  process.stdout.write(`${newMasterKeyEntry(keyId)}\n`);
  process.stderr.write(
    `Put this entry first in OPSBOOK_MASTER_KEY (comma-separated) or OPSBOOK_MASTER_KEY_FILE (one a line), keep the current entry after it, restart every process, then run \`opsbook keys rotate\`. It is a secret: do not paste it into tickets or chat.\n`,
  );
}

/**
 * Re-wraps the data keys under the current master key. False when some did not unwrap (each is named; the
 * others were re-wrapped).
 */
export async function rotateKeysCommand(config: Config, now: Date): Promise<boolean> {
  const masterKeys = loadMasterKeyring(config, stderrLog, now);
  const database = await openDatabase(config);
  try {
    const { rewrapped } = await createKeyService(database, masterKeys).rotateMaster();
    process.stdout.write(`re-wrapped ${rewrapped} data keys under master key ${masterKeys.current.id}\n`);
    return true;
  } catch (err) {
    if (!(err instanceof SecretError)) throw err;
    process.stderr.write(`opsbook keys rotate: ${err.message}\n`);
    return false;
  } finally {
    await database.close();
  }
}
