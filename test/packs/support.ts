/**
 * Test helpers for packs: load a pack folder (YAML, schema, cross-references) and read the seeds.
 * Seeds live in ../shared/seeds beside the repository, as in CI.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblems } from '../../src/packs/format.js';
import { loadPack } from '../../src/packs/load.js';
import type { Pack } from '../../src/packs/schema/pack.js';

export const PACKS_DIR = join(import.meta.dirname, '../../packs');
export const SEEDS_DIR = join(import.meta.dirname, '../../../shared/seeds');
export const seedsAvailable = existsSync(SEEDS_DIR);

/** Loads a pack with the product's loader; throws with every problem, as `opsbook validate` prints them. */
export async function loadPackForTest(id: string): Promise<Pack> {
  const result = await loadPack(join(PACKS_DIR, id));
  if (!result.ok) throw new Error(`pack ${id} is invalid:\n${formatProblems(result.problems)}`);
  return result.pack;
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

/** The text under a Markdown heading line (`## Billing`), up to the next heading of the same or a higher level. */
export function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading "${heading}" in the seed`);
  const level = /^#+/.exec(heading)![0];
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^#{1,${level.length}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

/** An item of a pack list by id, failing the test with a clear message when it is missing. */
export function byId<T extends { id: string }>(list: readonly T[] | undefined, id: string, what: string): T {
  const found = list?.find((item) => item.id === id);
  if (!found) throw new Error(`pack has no ${what} ${id}`);
  return found;
}
