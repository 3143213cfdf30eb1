/**
 * `opsbook simulate <pack> <scenario>` and `opsbook test <pack>`: a pack's scenarios run in virtual time
 * with the production `decide`. Thin shells: load the pack, parse the scenario (every problem at once,
 * nothing run when there is one), run, print.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { prepare, type EnginePolicy } from '../core/decide/prepare.js';
import { compilePack } from '../packs/compile.js';
import { formatProblems, plural } from '../packs/format.js';
import { loadPack } from '../packs/load.js';
import { checkExpectations } from '../engine/scenario/expect.js';
import { effectLine, printable } from '../engine/scenario/output.js';
import { parseScenario } from '../engine/scenario/parse.js';
import { simulateScenario } from '../engine/scenario/simulate.js';

interface Loaded {
  readonly ep: EnginePolicy;
  readonly zone: string;
}

async function loadEngine(dir: string, color: boolean): Promise<Loaded | null> {
  const loaded = await loadPack(dir);
  if (!loaded.ok) {
    process.stderr.write(`the pack is invalid; fix it first (opsbook validate ${dir}):\n`);
    process.stderr.write(formatProblems(loaded.problems, { color }));
    return null;
  }
  const ep = prepare(compilePack(loaded.pack, loaded.hash));
  return { ep, zone: ep.timeZone };
}

export async function simulateCommand(
  packDir: string,
  scenarioPath: string,
  options: { json: boolean; explain: boolean; color: boolean },
): Promise<boolean> {
  const engine = await loadEngine(packDir, options.color);
  if (!engine) return false;
  const text = await readFile(scenarioPath, 'utf8');
  const parsed = parseScenario(scenarioPath, text, engine.zone);
  if (!parsed.ok) {
    process.stderr.write(formatProblems(parsed.problems, { color: options.color }));
    return false;
  }
  const { scenario } = parsed;
  const result = simulateScenario(engine.ep, scenario, options.explain);
  const lines = result.effects.map((e) => printable(e, scenario.zone, options.explain));
  process.stdout.write(
    lines.map((l) => (options.json ? JSON.stringify(l) : effectLine(l))).join('\n') +
      (lines.length ? '\n' : ''),
  );
  return true;
}

/** Runs every `tests/*.yaml` of the pack; prints a line per scenario and the failures with what happened. */
export async function testCommand(
  packDir: string,
  options: { color: boolean; json: boolean },
): Promise<boolean> {
  const engine = await loadEngine(packDir, options.color);
  if (!engine) return false;
  const testsDir = join(packDir, 'tests');
  const files = (await readdir(testsDir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  if (files.length === 0) {
    process.stdout.write(`${packDir}: no scenario tests (tests/*.yaml)\n`);
    return true;
  }
  let failed = 0;
  const report: unknown[] = [];
  for (const file of files) {
    const path = join(testsDir, file);
    const shown = relative(packDir, path);
    const parsed = parseScenario(shown, await readFile(path, 'utf8'), engine.zone);
    if (!parsed.ok) {
      failed++;
      report.push({ file: shown, ok: false, problems: parsed.problems });
      if (!options.json)
        process.stdout.write(
          `FAIL ${shown}: the scenario is invalid\n${formatProblems(parsed.problems, { color: options.color })}`,
        );
      continue;
    }
    const run = simulateScenario(engine.ep, parsed.scenario);
    const results = checkExpectations(parsed.scenario, run.effects);
    const bad = results.filter((r) => !r.ok);
    if (bad.length > 0) failed++;
    report.push({
      file: shown,
      name: parsed.scenario.name,
      ok: bad.length === 0,
      expectations: results.length,
      failures: bad.map((r) => ({ line: r.expectation.line, message: r.message })),
    });
    if (options.json) continue;
    process.stdout.write(
      `${bad.length === 0 ? 'PASS' : 'FAIL'} ${shown} (${plural(results.length, 'expectation')}): ${parsed.scenario.name}\n`,
    );
    for (const r of bad) process.stdout.write(`  ${shown}:${r.expectation.line}: ${r.message ?? ''}\n`);
  }
  if (options.json)
    process.stdout.write(
      `${JSON.stringify({ ok: failed === 0, pack: basename(packDir), scenarios: report })}\n`,
    );
  else process.stdout.write(`${files.length - failed}/${files.length} scenarios passed\n`);
  return failed === 0;
}
