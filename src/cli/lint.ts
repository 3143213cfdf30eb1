/**
 * `opsbook lint <pack-dir>`: loads a pack, then prints the warnings of `lintPack` at file:line:column. A
 * thin shell: the rules are pure (src/packs/lint), this reads the folder and the clock and prints.
 */
import { formatProblems, plural } from '../packs/format.js';
import { LINT_RULES, lintPack, lintProblems, type LintProblem } from '../packs/lint.js';
import { loadPack } from '../packs/load.js';
import { countProblems, sortProblems, type PackProblem } from '../packs/problems.js';

export const LINT_USAGE = `opsbook lint <pack-dir> [--json]

  <pack-dir>  the pack's folder; an invalid pack prints its problems (as validate does) and exits 1.
  --json      print { ok, pack, clean, findings } as JSON; each finding names its rule.

Rules (each warning ends with its rule in brackets):
${Object.entries(LINT_RULES)
  .map(([rule, meaning]) => `  ${rule.padEnd(31)} ${meaning}`)
  .join('\n')}`;

export interface LintOptions {
  readonly json: boolean;
  readonly color: boolean;
  /** Review dates are compared with this moment. */
  readonly now: Date;
}

/** Prints the outcome to stdout; resolves to true when the pack is valid and has no warnings. */
export async function lintPackCommand(dir: string, options: LintOptions): Promise<boolean> {
  const result = await loadPack(dir);
  if (!result.ok) {
    const { problems } = result;
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ ok: false, problems, ...countProblems(problems) }, null, 2)}\n`
        : formatProblems(problems, { color: options.color }),
    );
    return false;
  }
  const found = lintProblems(lintPack(result.pack, options.now), result.locate);
  // Loader warnings (an empty file) are warnings the author wants too.
  const findings = sortProblems<PackProblem | LintProblem>([...result.warnings, ...found]);
  const { id, version } = result.pack.pack;
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ ok: true, pack: { id, version, hash: result.hash }, clean: findings.length === 0, findings }, null, 2)}\n`
      : asText(findings, `${id} ${version}`, options.color),
  );
  return findings.length === 0;
}

function asText(findings: readonly (PackProblem | LintProblem)[], pack: string, color: boolean): string {
  if (findings.length === 0) return `${pack}: no warnings\n`;
  const tagged = findings.map((p) => ('rule' in p ? { ...p, message: `${p.message} [${p.rule}]` } : p));
  return `${formatProblems(tagged, { color, counts: false })}${pack}: ${plural(findings.length, 'warning')}${byRule(findings)}\n`;
}

/** ` (template-missing-locale 10, review-overdue 1)`, most frequent first. */
function byRule(findings: readonly (PackProblem | LintProblem)[]): string {
  const counts = new Map<string, number>();
  for (const p of findings) {
    const rule = 'rule' in p ? p.rule : 'loader';
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return ` (${sorted.map(([rule, n]) => `${rule} ${n}`).join(', ')})`;
}
