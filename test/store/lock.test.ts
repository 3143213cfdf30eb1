/**
 * One process per embedded data folder: the lock refuses a live owner or another host, and takes over a
 * lock left by a process that is gone (including an earlier process that had our pid, as in a container).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/store/pglite.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opsbook-lock-'));
const lockFile = join(dataDir, 'opsbook.lock');
const startedOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
};
const writeLock = (owner: object) => writeFileSync(lockFile, JSON.stringify(owner));

describe('embedded data folder lock', () => {
  beforeAll(async () => {
    await (await openPglite({ dataDir })).close(); // create the database once
  });

  it('refuses a second open in the same process, and frees the folder on close', async () => {
    const first = await openPglite({ dataDir });
    await expect(openPglite({ dataDir })).rejects.toMatchObject({ code: 'OPS_DATA_DIR_LOCKED' });
    await first.close();
    await (await openPglite({ dataDir })).close();
  });

  it('refuses a live owner on this host', async () => {
    writeLock({ pid: process.ppid, host: hostname(), started: startedOf(process.ppid) });
    await expect(openPglite({ dataDir })).rejects.toMatchObject({
      code: 'OPS_DATA_DIR_LOCKED',
      message: expect.stringContaining(`process ${process.ppid}`),
    });
  });

  it('refuses an owner on another host, saying how to clear it', async () => {
    writeLock({ pid: 1, host: 'elsewhere', started: null });
    await expect(openPglite({ dataDir })).rejects.toMatchObject({
      message: expect.stringMatching(/host "elsewhere".*delete .*opsbook\.lock/),
    });
  });

  it('takes over the lock of a process that is gone, or of an earlier process with a reused pid', async () => {
    for (const stale of [
      { pid: 2 ** 22 + 17, host: hostname(), started: '1' }, // no such process
      { pid: process.pid, host: hostname(), started: '1' }, // our pid, but another start time
      { pid: process.ppid, host: hostname(), started: '1' }, // a live pid that is not the owner
    ]) {
      writeLock(stale);
      const database = await openPglite({ dataDir });
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({
        pid: process.pid,
        host: hostname(),
      });
      await database.close();
    }
  });
});
