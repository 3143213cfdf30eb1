/** `opsbook activate`: a valid pack becomes the workspace's active version; an invalid one changes nothing. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { readTimeline } from '../../src/engine/timeline.js';
import { listActivePacks } from '../../src/modules/packs/versions.js';
import { openPglite } from '../../src/store/pglite.js';
import { createWorkspace } from '../support/fixtures.js';

const data = mkdtempSync(join(tmpdir(), 'opsbook-activate-'));
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  OPSBOOK_DATA: data,
  LOG_LEVEL: 'warn',
};
const cli = (...args: string[]) => {
  const r = runCli(args, env);
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
};

describe('opsbook activate', () => {
  it('activates a valid pack once, refuses an invalid one, and records who activated it', async () => {
    const setup = await openPglite({ dataDir: data });
    const ws = await createWorkspace(setup);
    await setup.close();

    const first = cli('activate', 'packs/smart-estate', '--workspace', ws);
    expect(first.stdout).toMatch(/^Activated smart-estate 1\.0\.0 \(hash [0-9a-f]{64}\) in ws_/);
    expect(first.status).toBe(0);
    const again = cli('activate', 'packs/smart-estate', '--workspace', ws);
    expect(again.stdout).toContain('is already active');
    expect(again.status).toBe(0);

    const invalid = cli('activate', 'test/packs/fixtures/bad-duration', '--workspace', ws);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toContain('Not activated: the pack is invalid.');
    expect(cli('activate', 'packs/smart-estate', '--workspace', 'ws_nope').status).toBe(1);
    expect(cli('activate', 'packs/smart-estate').status).toBe(2);

    const check = await openPglite({ dataDir: data });
    try {
      expect((await listActivePacks(check, ws)).map((p) => p.packId)).toEqual(['smart-estate']);
      const timeline = await check.inWorkspace(ws, (tx) => readTimeline(tx, 'pack:smart-estate'));
      expect(timeline.map((e) => e.actor)).toEqual([expect.stringMatching(/^cli:/)]);
    } finally {
      await check.close();
    }
  });
});
