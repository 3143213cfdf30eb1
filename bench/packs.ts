/**
 * `npm run bench -- packs`: how long a pack takes to load, validate and compile (read the YAML files,
 * check the schema and the cross-references, hash, freeze the policy), for each seed pack and for a
 * generated pack 50 times the largest seed. The server does this on every activation and the CLI on
 * every command. Goals: a seed pack in ≤ 100 ms, the large pack in ≤ 2 s.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePack } from '../src/packs/compile.js';
import { formatProblems } from '../src/packs/format.js';
import { loadPack } from '../src/packs/load.js';
import { listPackFiles } from '../src/packs/pack-folder.js';
import { fmt, machine, median } from './lib.js';
import { writeScaledPack } from './scale-pack.js';

const PACKS_DIR = join(import.meta.dirname, '../packs');
const SEED_RUNS = 20;
const LARGE_RUNS = 5;
const WARM_UP = 3;
const FACTOR = 50;
const SEED_GOAL_MS = 100;
const LARGE_GOAL_MS = 2_000;

interface Row {
  readonly pack: string;
  readonly kb: number;
  readonly runs: readonly number[];
  readonly goalMs: number;
}

/** One load + validate + compile, in ms; an invalid pack stops the benchmark with its problems. */
async function loadValidateCompile(dir: string): Promise<number> {
  const started = performance.now();
  const loaded = await loadPack(dir);
  if (!loaded.ok) throw new Error(`${dir} is invalid:\n${formatProblems(loaded.problems)}`);
  compilePack(loaded.pack, loaded.hash);
  return performance.now() - started;
}

async function measure(dir: string, runs: number, warmUp: number): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await loadValidateCompile(dir);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await loadValidateCompile(dir));
  return times;
}

/** The size of a pack's YAML files, in KiB. */
async function yamlKb(dir: string): Promise<number> {
  const { files } = await listPackFiles(dir);
  return files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0) / 1024;
}

function seedPacks(): string[] {
  return readdirSync(PACKS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function printTable(rows: readonly Row[]): void {
  console.log('| pack | YAML | runs | median ms | min–max ms | goal | result |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const mid = median(row.runs);
    const range = `${fmt(Math.min(...row.runs))}–${fmt(Math.max(...row.runs))}`;
    const met = mid <= row.goalMs ? 'met' : '**NOT met**';
    console.log(
      `| ${row.pack} | ${fmt(row.kb)} KiB | ${row.runs.length} | ${fmt(mid)} | ${range} | ≤ ${fmt(row.goalMs)} ms | ${met} |`,
    );
  }
}

export async function benchPacks(): Promise<void> {
  console.log(`packs: load + validate + compile, median after ${WARM_UP} warm-up runs`);
  const rows: Row[] = [];
  for (const pack of seedPacks()) {
    const dir = join(PACKS_DIR, pack);
    rows.push({
      pack,
      kb: await yamlKb(dir),
      runs: await measure(dir, SEED_RUNS, WARM_UP),
      goalMs: SEED_GOAL_MS,
    });
  }
  const largest = [...rows].sort((a, b) => b.kb - a.kb)[0]!;
  const out = mkdtempSync(join(tmpdir(), 'opsbook-bench-pack-'));
  try {
    await writeScaledPack(join(PACKS_DIR, largest.pack), out, FACTOR);
    const runs = await measure(out, LARGE_RUNS, 1); // the warm-up run also checks that it loads valid
    rows.push({
      pack: `${largest.pack} ×${FACTOR} (generated)`,
      kb: await yamlKb(out),
      runs,
      goalMs: LARGE_GOAL_MS,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  printTable(rows);
  console.log(machine());
}
