/**
 * Recurring checklists for a year (issue 10, goal ≤ 10 s): 1,000 workspaces, each running the ShopSmart,
 * POS and Smart Estate schedules (13 schedules: ShopSmart's test and backup-verification items, POS's
 * daily / weekly / monthly checklists, Smart Estate's business-day operations), through the engine's own
 * pure path: `decide` on each `schedule:` subject, woken at each of its instants as the live engine's
 * timer would wake it, and each `checklist` effect planned into a run with its items and due instants as
 * the checklist observer plans it (checklist-plan.ts). The database writes are not part of this figure.
 * The median of 3; no peer exists for this.
 *
 * `OPSBOOK_BENCH_CHECKLIST_WORKSPACES` sets the count (default 1,000).
 */
import { decide } from '../src/core/decide/decide.js';
import { prepare, type EnginePolicy } from '../src/core/decide/prepare.js';
import { schedulesOf } from '../src/core/decide/schedules.js';
import { periodEndOf, planRun } from '../src/modules/work/checklist-plan.js';
import { compilePack } from '../src/packs/compile.js';
import { loadPack } from '../src/packs/load.js';
import { fmt, machine, median } from './lib.js';

const PACKS = ['shopsmart-pro', 'pos-saas', 'smart-estate'];
const START_MS = Date.UTC(2026, 0, 1);
const END_MS = Date.UTC(2027, 0, 1);

/** One workspace's year of one pack: the runs (and items) its schedules open. */
function yearOf(ep: EnginePolicy): { runs: number; items: number } {
  let runs = 0;
  let items = 0;
  for (const schedule of schedulesOf({ ep })) {
    let decision = decide(
      ep,
      null,
      { type: 'schedule.started', atMs: START_MS, subject: schedule.key, data: {} },
      { explain: false, inPlace: true },
    );
    for (;;) {
      for (const effect of decision.effects) {
        if (effect.type !== 'checklist') continue;
        const plan = planRun(ep.policy.checklists[effect.checklist]!, effect, periodEndOf(ep, effect));
        runs++;
        items += plan?.items.length ?? 0;
      }
      const wake = decision.timers.find((t) => t.name === 'schedule')?.atMs ?? null;
      if (wake === null || wake >= END_MS) break;
      decision = decide(
        ep,
        decision.state,
        { type: 'timer', atMs: wake, subject: schedule.key, data: { timer: 'schedule' } },
        { explain: false, inPlace: true },
      );
    }
  }
  return { runs, items };
}

export async function benchChecklists(): Promise<void> {
  const workspaces = Number(process.env.OPSBOOK_BENCH_CHECKLIST_WORKSPACES ?? 1000);
  const policies: EnginePolicy[] = [];
  for (const id of PACKS) {
    const loaded = await loadPack(`packs/${id}`);
    if (!loaded.ok) throw new Error(`${id} does not load`);
    policies.push(prepare(compilePack(loaded.pack, loaded.hash)));
  }
  const schedules = policies.reduce((n, ep) => n + schedulesOf({ ep }).length, 0);
  console.log(`\n## Recurring checklists for a year (${machine()})`);
  console.log(`${fmt(workspaces)} workspaces × ${schedules} schedules (${PACKS.join(', ')}), 2026`);
  const times: number[] = [];
  let totals = { runs: 0, items: 0 };
  for (let round = 0; round < 3; round++) {
    totals = { runs: 0, items: 0 };

    const started = performance.now();
    for (let w = 0; w < workspaces; w++)
      for (const ep of policies) {
        const year = yearOf(ep);
        totals.runs += year.runs;
        totals.items += year.items;
      }

    times.push(performance.now() - started);
  }
  const ms = median(times);
  console.log(
    `runs opened: ${fmt(totals.runs)} (${fmt(totals.runs / workspaces)} per workspace), items: ${fmt(totals.items)}`,
  );
  console.log(
    `time: ${fmt(ms / 1000, 2)} s median of 3 (${times.map((t) => fmt(t / 1000, 2)).join(', ')}; goal ≤ 10 s), ${fmt((totals.runs / ms) * 1000)} runs/s`,
  );
}
