/**
 * Test helpers for packs: load a pack folder (YAML, schema, cross-references) and read the seeds.
 * Seeds live in ../shared/seeds beside the repository, as in CI.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { crossCheck } from '../../src/packs/cross-check.js';
import { flattenIssues } from '../../src/packs/issues.js';
import { type Pack, PackSchema } from '../../src/packs/schema/pack.js';

export const PACKS_DIR = join(import.meta.dirname, '../../packs');
export const SEEDS_DIR = join(import.meta.dirname, '../../../shared/seeds');
export const seedsAvailable = existsSync(SEEDS_DIR);

/** Loads and fully checks a pack; throws listing every problem. */
export function loadPackForTest(id: string): Pack {
  const dir = join(PACKS_DIR, id);
  const doc: Record<string, unknown> = {};
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && statSync(join(dir, f)).isFile())) {
    const data = parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    if (file === 'pack.yaml') doc.pack = data;
    else Object.assign(doc, data);
  }
  const result = PackSchema.safeParse(doc);
  if (!result.success) {
    const issues = flattenIssues(result.error.issues);
    throw new Error(
      `pack ${id} is invalid:\n${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const problems = crossCheck(result.data);
  if (problems.length > 0)
    throw new Error(`pack ${id}:\n${problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('\n')}`);
  return result.data;
}

/** The text of a seed file, by its three-digit number. */
export function readSeed(number: string): string {
  const file = readdirSync(SEEDS_DIR).find((f) => f.startsWith(`${number}_`));
  if (!file) throw new Error(`no seed ${number} in ${SEEDS_DIR}`);
  return readFileSync(join(SEEDS_DIR, file), 'utf8');
}

/** The rows of every Markdown table in a text, as arrays of trimmed cells (header and rule rows skipped). */
export function markdownTables(text: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of text.split('\n')) {
    if (/^\s*\|.*\|\s*$/.test(line)) {
      const cells = line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim());
      if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue;
      current ??= [];
      current.push(cells);
    } else if (current) {
      tables.push(current);
      current = null;
    }
  }
  if (current) tables.push(current);
  return tables;
}

/** The number of facts FACTS.md lists for a seed. */
export function factCount(number: string): number {
  const facts = readFileSync(join(SEEDS_DIR, 'FACTS.md'), 'utf8');
  const start = facts.indexOf(`## ${number} `);
  const end = facts.indexOf('\n## ', start + 1);
  const section = facts.slice(start, end < 0 ? undefined : end);
  const numbers = [...section.matchAll(/^(\d+)\. \[/gm)].map((m) => Number(m[1]));
  return Math.max(0, ...numbers);
}
