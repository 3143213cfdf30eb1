/**
 * Every seed pack's own scenario tests (packs/<id>/tests/*.yaml) pass, run the way `opsbook test` runs
 * them: the same parser, the same simulator, the same `decide` as production.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/core/decide/prepare.js';
import { compilePack } from '../../src/packs/compile.js';
import { loadPack } from '../../src/packs/load.js';
import { checkExpectations } from '../../src/engine/scenario/expect.js';
import { parseScenario } from '../../src/engine/scenario/parse.js';
import { simulateScenario } from '../../src/engine/scenario/simulate.js';

const PACKS = ['shopsmart-pro', 'company-ops', 'sofacover-pro', 'pos-saas', 'smart-estate'];

for (const id of PACKS) {
  const dir = join('packs', id);
  const files = (() => {
    try {
      return readdirSync(join(dir, 'tests'))
        .filter((f) => f.endsWith('.yaml'))
        .sort();
    } catch {
      return [];
    }
  })();
  describe(`${id} scenario tests`, () => {
    it('has scenario tests', () => {
      expect(files.length).toBeGreaterThan(0);
    });
    it.each(files)('%s', async (file) => {
      const loaded = await loadPack(dir);
      if (!loaded.ok) throw new Error(`${id} is invalid`);
      const ep = prepare(compilePack(loaded.pack, loaded.hash));
      const parsed = parseScenario(
        `tests/${file}`,
        readFileSync(join(dir, 'tests', file), 'utf8'),
        ep.timeZone,
      );
      if (!parsed.ok)
        throw new Error(parsed.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
      const failures = checkExpectations(parsed.scenario, simulateScenario(ep, parsed.scenario).effects)
        .filter((r) => !r.ok)
        .map((r) => `tests/${file}:${r.expectation.line}: ${r.message ?? ''}`);
      expect(failures).toEqual([]);
      expect(parsed.scenario.expectations.length).toBeGreaterThan(0);
    });
  });
}
