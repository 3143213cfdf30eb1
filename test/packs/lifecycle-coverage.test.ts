/**
 * Issue 10's "Done when": every checklist, cadence and workflow in the seeds runs from its pack in scenario
 * tests. For every pack under packs/, each lifecycle transition that an event (`on`) or time (`after`) moves
 * must have its target state asserted by one of the pack's own tests: an `expect` of `type: transition`
 * with that `to` (and that `lifecycle`, when the expectation names one) that is not `absent`. A transition
 * added to a pack without a test fails here, naming the pack, the lifecycle and the transitions missing.
 *
 * The pack is read with the project's loader and the tests with the scenario parser, the way
 * `opsbook test` reads them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/core/decide/prepare.js';
import { formatDuration } from '../../src/core/duration.js';
import type { Expectation } from '../../src/engine/scenario/parse.js';
import { parseScenario } from '../../src/engine/scenario/parse.js';
import { compilePack } from '../../src/packs/compile.js';
import { loadPack } from '../../src/packs/load.js';

const PACKS_DIR = 'packs';

const PACKS = readdirSync(PACKS_DIR)
  .filter((name) => statSync(join(PACKS_DIR, name)).isDirectory())
  .sort();

/** The positive `type: transition` expectations of the pack's tests. */
function transitionExpectations(dir: string, zone: string): Expectation[] {
  const tests = join(dir, 'tests');
  let files: string[];
  try {
    files = readdirSync(tests)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
  } catch {
    return [];
  }
  const found: Expectation[] = [];
  for (const file of files) {
    const parsed = parseScenario(`tests/${file}`, readFileSync(join(tests, file), 'utf8'), zone);
    if (!parsed.ok)
      throw new Error(
        `${dir}/tests/${file} does not parse:\n${parsed.problems.map((p) => `  ${p.line}: ${p.message}`).join('\n')}`,
      );
    found.push(...parsed.scenario.expectations.filter((x) => x.type === 'transition' && !x.absent));
  }
  return found;
}

describe('every event-driven and timed lifecycle transition is asserted by a test of its pack', () => {
  it('finds the packs', () => {
    expect(PACKS.length).toBeGreaterThan(0);
  });

  it.each(PACKS)('%s', async (id) => {
    const dir = join(PACKS_DIR, id);
    const loaded = await loadPack(dir);
    if (!loaded.ok)
      throw new Error(`${id} is invalid:\n${loaded.problems.map((p) => `  ${p.message}`).join('\n')}`);
    const zone = prepare(compilePack(loaded.pack, loaded.hash)).timeZone;
    const asserted = transitionExpectations(dir, zone);

    const missing: string[] = [];
    for (const lifecycle of loaded.pack.lifecycles ?? []) {
      const gaps: string[] = [];
      for (const t of lifecycle.transitions) {
        if (t.on === undefined && t.after === undefined) continue;
        const covered = asserted.some(
          (x) =>
            x.fields.to === t.to && (x.fields.lifecycle === undefined || x.fields.lifecycle === lifecycle.id),
        );
        const from = Array.isArray(t.from) ? t.from.join('|') : t.from;
        const by = t.on !== undefined ? `on ${t.on}` : `after ${formatDuration(t.after ?? 0)}`;
        if (!covered) gaps.push(`${from} → ${t.to} (${by})`);
      }
      if (gaps.length > 0)
        missing.push(`pack ${id}, lifecycle ${lifecycle.id}: no test asserts ${gaps.join('; ')}`);
    }

    expect(missing, missing.join('\n')).toEqual([]);
  });
});
