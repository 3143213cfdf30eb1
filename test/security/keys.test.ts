/**
 * S7 on each engine: values sealed under per-owner data keys open only in their place, a flipped bit fails,
 * first uses racing converge on one data key, master key rotation re-wraps every data key (and only once),
 * and the canary secret appears in neither the logs nor a dump of the key table.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyService, type KeyService, type SecretPlace } from '../../src/security/keys.js';
import { LOG_REDACT } from '../../src/security/log-redact.js';
import { createKeyring, SecretError, type SecretKey } from '../../src/security/secrets.js';
import type { Database } from '../../src/store/database.js';
import { dataKeys } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

const CANARY = 'xoxb-canary-7d3f9a-webhook-secret';
const place: SecretPlace = { field: 'channels.webhook_secret', recordId: 'ch_1' };
const masterA: SecretKey = { id: 'ka', key: randomBytes(32) };
const masterB: SecretKey = { id: 'kb', key: randomBytes(32) };
const masterC: SecretKey = { id: 'kc', key: randomBytes(32) };
const LEAKS = [CANARY, ...[masterA, masterB, masterC].map((m) => m.key.toString('base64'))];
const service = (database: Database, ...keys: SecretKey[]) => createKeyService(database, createKeyring(keys));

/** Flips one bit of the sealed value's ciphertext (its last part). */
function flipBit(sealed: string): string {
  const parts = sealed.split('.');
  const body = Buffer.from(parts[3]!, 'base64url');
  body[0] = body[0]! ^ 0x01;
  parts[3] = body.toString('base64url');
  return parts.join('.');
}

async function failsToOpen(keys: KeyService, owner: string, sealed: string, where: SecretPlace) {
  return keys.open(owner, sealed, where).then(
    () => false,
    (err: unknown) => err instanceof SecretError && !err.message.includes(CANARY),
  );
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`S7 secrets under data keys: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let keysA: KeyService;
    const sealedValues: { owner: string; sealed: string; where: SecretPlace }[] = [];
    const logLines: string[] = [];
    const log = pino({ level: 'trace', redact: LOG_REDACT }, { write: (l: string) => void logLines.push(l) });
    const figures = { movedFail: 0, flippedFail: 0, rotated: -1 };

    const dump = async () => JSON.stringify(await database.db.select().from(dataKeys));
    const rowsOf = async (owner: string) =>
      database.db.select().from(dataKeys).where(eq(dataKeys.owner, owner));
    const setWrapped = (owner: string, wrapped: string) =>
      database.db.update(dataKeys).set({ wrapped }).where(eq(dataKeys.owner, owner));

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      keysA = service(database, masterA);
    });
    afterAll(async () => {
      const logs = logLines.join('');
      const inLogs = LEAKS.filter((l) => logs.includes(l)).length;
      console.log(
        `RESULT S7 engine=${engine.name} moved_fail=${figures.movedFail} flipped_fail=${figures.flippedFail} ` +
          `rotated=${figures.rotated} canary_in_logs=${inLogs}`,
      );
      await opened?.close();
    });

    it('seals and opens in place, creating one wrapped data key per owner', async () => {
      const sealed = await keysA.seal('ws_a', CANARY, place);
      sealedValues.push({ owner: 'ws_a', sealed, where: place });
      expect(sealed).not.toContain('canary');
      expect(sealed.startsWith('v1.d1.')).toBe(true);
      expect(await keysA.open('ws_a', sealed, place)).toBe(CANARY);
      // A fresh service (another process) unwraps the same data key from the table.
      expect(await service(database, masterA).open('ws_a', sealed, place)).toBe(CANARY);
      const rows = await rowsOf('ws_a');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ version: 1, wrapped: expect.stringMatching(/^v1\.ka\./) });
      const system = await keysA.seal('*', 'JBSWY3DPEHPK3PXP', {
        field: 'users.totp_secret',
        recordId: 'usr_1',
      });
      sealedValues.push({
        owner: '*',
        sealed: system,
        where: { field: 'users.totp_secret', recordId: 'usr_1' },
      });
      log.info({ owner: 'ws_a', sealed, secret: CANARY, dump: await dump() }, 'sealed a secret');
      expect(await dump()).not.toContain(CANARY);
    });

    it('refuses a value moved to another owner, field or record', async () => {
      const sealed = sealedValues[0]!.sealed;
      const other = await keysA.seal('ws_b', 'another secret', place);
      sealedValues.push({ owner: 'ws_b', sealed: other, where: place });
      const moves = await Promise.all([
        failsToOpen(keysA, 'ws_b', sealed, place),
        failsToOpen(keysA, 'ws_a', sealed, { ...place, field: 'channels.api_key' }),
        failsToOpen(keysA, 'ws_a', sealed, { ...place, recordId: 'ch_2' }),
        failsToOpen(keysA, 'ws_none', sealed, place), // an owner with no data key at all
      ]);
      expect(moves).toEqual([true, true, true, true]);
      expect(await rowsOf('ws_none')).toHaveLength(0); // opening never creates a key
      figures.movedFail = moves.every(Boolean) ? 1 : 0;
    });

    it('refuses a flipped bit, in the value or in a wrapped data key', async () => {
      const sealed = sealedValues[0]!.sealed;
      const flipped = await failsToOpen(keysA, 'ws_a', flipBit(sealed), place);
      expect(flipped).toBe(true);
      const [a] = await rowsOf('ws_a');
      const [b] = await rowsOf('ws_b');
      const other = sealedValues.find((v) => v.owner === 'ws_b')!;
      // ws_b's wrapped data key with a bit flipped, then replaced by ws_a's: neither unwraps as ws_b's.
      for (const wrapped of [flipBit(b!.wrapped), a!.wrapped]) {
        await setWrapped('ws_b', wrapped);
        const err = await service(database, masterA)
          .open('ws_b', other.sealed, other.where)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SecretError);
        expect((err as Error).message).toMatch(/data key of "ws_b" .* does not unwrap/);
        log.error({ err }, 'a tampered data key');
      }
      await setWrapped('ws_b', b!.wrapped);
      expect(await service(database, masterA).open('ws_b', other.sealed, other.where)).toBe('another secret');
      figures.flippedFail = flipped ? 1 : 0;
    });

    it('converges on one data key when first uses race', async () => {
      const other = engine.name === 'postgres' ? await opened.second() : database;
      const one = service(database, masterA);
      const two = service(other, masterA);
      const sealed = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? one : two).seal('ws_race', `value ${i}`, { field: 'f', recordId: `r${i}` }),
        ),
      );
      expect(await rowsOf('ws_race')).toHaveLength(1);
      for (const [i, s] of sealed.entries()) {
        expect(await one.open('ws_race', s, { field: 'f', recordId: `r${i}` })).toBe(`value ${i}`);
        expect(await two.open('ws_race', s, { field: 'f', recordId: `r${i}` })).toBe(`value ${i}`);
      }
      sealedValues.push({ owner: 'ws_race', sealed: sealed[0]!, where: { field: 'f', recordId: 'r0' } });
    });

    it('rotates the master key: re-wraps every data key once, and the old key can then go', async () => {
      const rowCount = (await database.db.select().from(dataKeys)).length;
      expect(rowCount).toBeGreaterThanOrEqual(4);
      const both = service(database, masterB, masterA);
      const { rewrapped } = await both.rotateMaster();
      expect(rewrapped).toBe(rowCount);
      figures.rotated = rewrapped;
      const rows = await database.db.select().from(dataKeys);
      expect(rows.every((r) => r.wrapped.startsWith('v1.kb.'))).toBe(true);
      const onlyB = service(database, masterB);
      for (const v of sealedValues) expect(await onlyB.open(v.owner, v.sealed, v.where)).toBeTruthy();
      expect(await onlyB.open('ws_a', sealedValues[0]!.sealed, place)).toBe(CANARY);
      // Values never changed, so a server that cached its keys before rotating keeps working.
      expect(await keysA.open('ws_a', sealedValues[0]!.sealed, place)).toBe(CANARY);
      expect(await both.rotateMaster()).toEqual({ rewrapped: 0 });
      const err = await service(database, masterA)
        .open('ws_a', sealedValues[0]!.sealed, place)
        .catch((e: unknown) => e as Error);
      expect(String(err)).toMatch(/wrapped under master key "kb".*not in the keyring/);
      log.warn({ err, rewrapped, masterKey: masterB.key.toString('base64') }, 'rotated');
    });

    it('re-wraps the others when one data key does not unwrap, and names it', async () => {
      const [a] = await rowsOf('ws_a');
      const [b] = await rowsOf('ws_b');
      await setWrapped('ws_b', a!.wrapped); // ws_a's wrapped key moved into ws_b's row
      const rowCount = (await database.db.select().from(dataKeys)).length;
      const err = await service(database, masterC, masterB)
        .rotateMaster()
        .then(
          () => new Error('rotated everything'),
          (e: unknown) => e as Error,
        );
      expect(err).toBeInstanceOf(SecretError);
      expect(err.message).toMatch(
        new RegExp(
          `^re-wrapped ${rowCount - 1} data keys under master key kc, but 1 did not unwrap:\\n- the data key of "ws_b"`,
        ),
      );
      await setWrapped('ws_b', b!.wrapped);
      expect(await service(database, masterC, masterB).rotateMaster()).toEqual({ rewrapped: 1 });
      const onlyC = service(database, masterC);
      for (const v of sealedValues) expect(await onlyC.open(v.owner, v.sealed, v.where)).toBeTruthy();
      log.warn({ err, masterKey: masterC.key.toString('base64') }, 'partial rotation');
    });

    it('keeps the canary and the master keys out of logs and the key table', async () => {
      const logs = logLines.join('');
      expect(logLines.length).toBeGreaterThanOrEqual(5);
      expect(logs).toContain('[redacted]');
      for (const leak of LEAKS) {
        expect(logs).not.toContain(leak);
        expect(await dump()).not.toContain(leak);
      }
    });
  });
}
