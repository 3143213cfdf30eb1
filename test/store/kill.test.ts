/**
 * R3 (short form): the embedded database keeps every acknowledged write when the process is killed -9.
 * A child appends entries and acknowledges each after commit; we kill it mid-stream, reopen the folder
 * and count. (PGlite does not fsync, so this proves survival of a process crash, not of a power cut.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { readTimeline } from '../../src/engine/timeline.js';
import { openPglite } from '../../src/store/pglite.js';

const ROUNDS = 3;
const dataDir = mkdtempSync(join(tmpdir(), 'opsbook-kill-'));
const workspaceId = 'ws_killtest';

/** Runs the writer until it has acknowledged `atLeast` writes past `start`, then kills it -9. */
async function writeThenKill(start: number, atLeast: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/kill-writer.ts', dataDir, workspaceId, String(start)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let lastAck = start - 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('ack ')) lastAck = Number(line.slice(4));
    if (lastAck - start + 1 >= atLeast) {
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  return lastAck;
}

describe('embedded database durability', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`keeps every acknowledged write across ${ROUNDS} kill -9s`, async () => {
    let next = 0;
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const lastAck = await writeThenKill(next, 150 + round * 50);
      const database = await openPglite({ dataDir });
      try {
        const entries = await database.inWorkspace(workspaceId, (tx) =>
          readTimeline(tx, 'durability', { limit: 100_000 }),
        );
        const present = new Set(entries.map((e) => (e.data as { n: number }).n));
        for (let n = 0; n <= lastAck; n++) if (!present.has(n)) lost++;
        // Writes after the last ack may or may not have committed; continue after the largest present.
        next = Math.max(lastAck, ...present) + 1;
      } finally {
        await database.close();
      }
    }
    console.log(`RESULT R3-short acked=${next} lost=${lost} kills=${ROUNDS} failed_reopens=0`);
    expect(lost).toBe(0);
  });
});
