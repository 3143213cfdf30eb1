/**
 * Every checkable fact of a seed (shared/seeds/FACTS.md) is encoded in its pack: each fact number is cited
 * by an item (`facts: ['000#38']`) or, for prose and ambiguities, in the pack's README.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKS_DIR, factCount, loadPackForTest, seedsAvailable } from './support.js';

const packs = readdirSync(PACKS_DIR).filter((d) => statSync(join(PACKS_DIR, d)).isDirectory());

function citedFacts(dir: string, seed: string): Set<number> {
  const cited = new Set<number>();
  for (const file of readdirSync(dir)) {
    const path = join(dir, file);
    if (!statSync(path).isFile()) continue;
    for (const m of readFileSync(path, 'utf8').matchAll(new RegExp(`\\b${seed}#(\\d+)\\b`, 'g')))
      cited.add(Number(m[1]));
  }
  return cited;
}

const SEED_PACKS = ['shopsmart-pro', 'company-ops', 'sofacover-pro', 'pos-saas', 'smart-estate'];

describe.runIf(seedsAvailable)(
  `seed facts in packs${seedsAvailable ? '' : ' (skipped: ../shared/seeds not found)'}`,
  () => {
    it('holds the five seed packs, named after their SOPs', () => {
      expect([...packs].sort()).toEqual([...SEED_PACKS].sort());
    });

    for (const id of packs) {
      it(`${id}: validates and cites every fact of its seed`, async () => {
        const pack = await loadPackForTest(id);
        const seed = /^(\d{3})_/.exec(pack.pack.source ?? '')?.[1];
        expect(seed, 'pack.yaml `source` names the seed file').toBeDefined();
        const cited = citedFacts(join(PACKS_DIR, id), seed!);
        const total = factCount(seed!);
        const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !cited.has(n));
        expect(missing.map((n) => `${seed}#${n}`)).toEqual([]);
        expect(readFileSync(join(PACKS_DIR, id, 'README.md'), 'utf8')).toMatch(/AMBIGUOUS|Choices|choice/i);
      });
    }
  },
);
