/**
 * compilePack on a seed pack: the policy is deep-frozen, its indexes find what the engine looks up, and
 * the same files always compile to the same hash (whatever their layout), so a record can name its version.
 */
import { cpSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePack, type Policy } from '../../src/packs/compile.js';
import { loadPack } from '../../src/packs/load.js';
import { PackSchema } from '../../src/packs/schema/pack.js';
import { PACKS_DIR } from './support.js';

const SEED = join(PACKS_DIR, 'shopsmart-pro');

async function compileDir(dir: string): Promise<Policy> {
  const loaded = await loadPack(dir);
  if (!loaded.ok) throw new Error(`${dir} is invalid: ${JSON.stringify(loaded.problems)}`);
  return compilePack(loaded.pack, loaded.hash);
}

function everyObject(value: unknown, seen = new Set<unknown>()): unknown[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return [value, ...Object.values(value).flatMap((child) => everyObject(child, seen))];
}

describe('compilePack', () => {
  it('carries the id, version and hash of the loaded pack', async () => {
    const loaded = await loadPack(SEED);
    if (!loaded.ok) throw new Error('seed invalid');
    const policy = compilePack(loaded.pack, loaded.hash);
    expect(policy).toMatchObject({ id: 'shopsmart-pro', version: '1.0.0', hash: loaded.hash });
    expect(policy.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deep-frozen, and leaves the pack it was given unfrozen', async () => {
    const loaded = await loadPack(SEED);
    if (!loaded.ok) throw new Error('seed invalid');
    const policy = compilePack(loaded.pack, loaded.hash);
    const objects = everyObject(policy);
    expect(objects.length).toBeGreaterThan(500);
    expect(objects.filter((o) => !Object.isFrozen(o))).toEqual([]);
    expect(() => {
      (policy.scales['support-priority']!.levels as unknown[]).push({});
    }).toThrow(TypeError);
    expect(Object.isFrozen(loaded.pack)).toBe(false);
    expect(Object.isFrozen(loaded.pack.scales)).toBe(false);
  });

  it('indexes scales and their levels, calendars, channels, templates, lifecycles, checklists, journeys and roles by id', async () => {
    const policy = await compileDir(SEED);
    const pack = policy.pack;
    const ids = (list: readonly { id: string }[] | undefined) => (list ?? []).map((item) => item.id).sort();
    expect(Object.keys(policy.scales).sort()).toEqual(ids(pack.scales));
    expect(Object.keys(policy.calendars).sort()).toEqual(ids(pack.calendars));
    expect(Object.keys(policy.channels).sort()).toEqual(ids(pack.channels));
    expect(Object.keys(policy.templates).sort()).toEqual(ids(pack.templates));
    expect(Object.keys(policy.lifecycles).sort()).toEqual(ids(pack.lifecycles));
    expect(Object.keys(policy.checklists).sort()).toEqual(ids(pack.checklists));
    expect(Object.keys(policy.journeys).sort()).toEqual(ids(pack.journeys));
    expect(Object.keys(policy.roles).sort()).toEqual(ids(pack.roles));
    expect(Object.keys(policy.templates).length).toBeGreaterThan(0);

    const priority = policy.scales['support-priority']!;
    expect(priority.levels.map((l) => l.id)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(priority.levelsById.p2?.targets?.resolution).toMatchObject({ within: 24 * 3_600_000 });
    expect(policy.templates['welcome-sms']?.channel).toBe('sms');
    expect(policy.templates['no-such-template']).toBeUndefined();
    expect(policy.roles.constructor).toBeUndefined();
  });

  it('compiles the same files to the same hash, in any layout', async () => {
    const first = await compileDir(SEED);
    const again = await compileDir(SEED);
    const moved = mkdtempSync(join(tmpdir(), 'opsbook-compile-'));
    cpSync(SEED, moved, { recursive: true });
    // Other file names for the same sections: the hash is of the meaning, not of the files.
    for (const file of readdirSync(moved).filter((f) => f.endsWith('.yaml') && f !== 'pack.yaml'))
      renameSync(join(moved, file), join(moved, `x-${file.replace(/\.yaml$/, '.yml')}`));
    const relaid = await compileDir(moved);
    expect(again.hash).toBe(first.hash);
    expect(relaid.hash).toBe(first.hash);
  });

  it('refuses duplicate ids, which a loaded pack never has', () => {
    const pack = PackSchema.parse({
      pack: {
        id: 'dup',
        title: 'Dup',
        version: '1',
        owner: 'o',
        approver: 'a',
        effective: '2026-01-01',
        review: { every: 'year' },
        timeZone: 'UTC',
        locales: ['en'],
        changelog: [{ version: '1', date: '2026-01', author: 'o', changes: 'first' }],
      },
      roles: [
        { id: 'agent', label: 'Agent' },
        { id: 'agent', label: 'Agent again' },
      ],
    });
    expect(() => compilePack(pack, 'h')).toThrow('the id "agent" appears twice in roles');
  });
});
