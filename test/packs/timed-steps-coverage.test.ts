/**
 * Issue 9's "Done when": scenario tests cover every timed step of the customer seeds. For ShopSmart
 * (SOP-001 onboarding), POS (trial, dunning, retention) and Smart Estate (hand-off), every journey step at
 * an offset and every lifecycle transition after a duration must be **asserted** by one of the pack's own
 * tests: an expectation of that pack matched an effect the step or transition decided (a step with
 * branches counts when one of them is asserted). A step added to a pack without a test fails here, naming
 * it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/core/decide/prepare.js';
import { formatDuration } from '../../src/core/duration.js';
import type { Effect } from '../../src/core/decide/types.js';
import { matches } from '../../src/engine/scenario/expect.js';
import { parseScenario } from '../../src/engine/scenario/parse.js';
import { simulateScenario } from '../../src/engine/scenario/simulate.js';
import { compilePack } from '../../src/packs/compile.js';
import { loadPack } from '../../src/packs/load.js';

const CUSTOMER_PACKS = ['shopsmart-pro', 'pos-saas', 'smart-estate'];

/** The effects some expectation of the pack's tests asserted. */
async function assertedEffects(id: string): Promise<Effect[]> {
  const dir = join('packs', id);
  const loaded = await loadPack(dir);
  if (!loaded.ok) throw new Error(`${id} is invalid`);
  const ep = prepare(compilePack(loaded.pack, loaded.hash));
  const asserted: Effect[] = [];
  for (const file of readdirSync(join(dir, 'tests')).filter((f) => f.endsWith('.yaml'))) {
    const parsed = parseScenario(
      `tests/${file}`,
      readFileSync(join(dir, 'tests', file), 'utf8'),
      ep.timeZone,
    );
    if (!parsed.ok) throw new Error(`${id}/tests/${file} does not parse`);
    const { effects } = simulateScenario(ep, parsed.scenario);
    const positive = parsed.scenario.expectations.filter((x) => !x.absent);
    asserted.push(...effects.filter((e) => positive.some((x) => matches(x, e))));
  }
  return asserted;
}

const ruleOf = (e: Effect): string => ('rule' in e && typeof e.rule === 'string' ? e.rule : '');

describe('every timed step of the customer seeds is asserted by a pack test', () => {
  it.each(CUSTOMER_PACKS)('%s', async (id) => {
    const loaded = await loadPack(join('packs', id));
    if (!loaded.ok) throw new Error(`${id} is invalid`);
    const pack = loaded.pack;
    const asserted = await assertedEffects(id);
    const missing: string[] = [];
    let timed = 0;

    for (const journey of pack.journeys ?? [])
      for (const step of journey.steps) {
        if (step.at === undefined) continue;
        timed++;
        const rule = new RegExp(`^journey:${journey.id}@\\d+:${step.id}(:|$)`);
        if (!asserted.some((e) => rule.test(ruleOf(e))))
          missing.push(`journey ${journey.id}, step ${step.id} (at ${formatDuration(step.at)})`);
      }

    for (const lifecycle of pack.lifecycles ?? [])
      for (const t of lifecycle.transitions) {
        if (!('after' in t) || t.after === undefined) continue;
        timed++;
        const from = Array.isArray(t.from) ? t.from : [t.from];
        const hit = asserted.some(
          (e) =>
            e.type === 'transition' &&
            e.lifecycle === lifecycle.id &&
            e.to === t.to &&
            (from.includes(e.from) || from.includes('*')),
        );
        if (!hit)
          missing.push(
            `lifecycle ${lifecycle.id}: ${from.join('|')} → ${t.to} after ${formatDuration(t.after)}`,
          );
      }

    expect(missing).toEqual([]);
    expect(timed).toBeGreaterThan(0);
  });
});
