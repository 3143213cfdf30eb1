/**
 * `npm run bench -- simulate`: one simulated year of a seed pack's support desk with 100,000 tickets
 * (OPSBOOK_BENCH_TICKETS), through the same `decide` production runs, in virtual time. Each ticket is
 * created on a random channel and priority, answered by an agent after a random delay (some too late),
 * a fifth set pending for a while, and resolved; every clock, warning, breach and escalation timer runs.
 * Goal: ≤ 10 s for the year. Runs each seed pack that has a ticket scale; prints events, decisions,
 * effects and the rate.
 */
import { prepare } from '../src/core/decide/prepare.js';
import { simulate } from '../src/core/decide/simulate.js';
import type { EngineEvent } from '../src/core/decide/types.js';
import { compilePack } from '../src/packs/compile.js';
import { loadPack } from '../src/packs/load.js';
import { seeded } from '../src/core/seeded.js';
import { fmt, machine } from './lib.js';

const GOAL_MS = 10_000;
const YEAR_MS = 365 * 86_400_000;
const MIN = 60_000;

export function yearOfTickets(
  levels: readonly string[],
  channels: readonly string[],
  count: number,
  startMs: number,
): EngineEvent[] {
  const rand = seeded(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const events: EngineEvent[] = [];
  for (let i = 0; i < count; i++) {
    const createdMs = startMs + Math.floor((i / count) * YEAR_MS);
    const subject = `ticket:T${i}`;
    events.push({
      atMs: createdMs,
      type: 'ticket.created',
      subject,
      data: { priority: pick(levels), channel: pick(channels) },
    });
    const replyMs = createdMs + Math.floor(rand() * 6 * 60) * MIN;
    events.push({ atMs: replyMs, type: 'ticket.replied', subject, data: { by: 'agent' } });
    let resolveMs = replyMs + Math.floor(rand() * 72 * 60) * MIN;
    if (rand() < 0.2) {
      events.push({ atMs: replyMs + MIN, type: 'ticket.status', subject, data: { status: 'pending' } });
      events.push({
        atMs: replyMs + 2 * 60 * MIN,
        type: 'ticket.replied',
        subject,
        data: { by: 'customer' },
      });
      resolveMs += 2 * 60 * MIN;
    }
    events.push({ atMs: resolveMs, type: 'ticket.resolved', subject, data: {} });
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}

export async function benchSimulate(): Promise<void> {
  const count = Number(process.env.OPSBOOK_BENCH_TICKETS ?? 100_000);
  console.log(
    `simulate: one year of ${fmt(count)} tickets per seed pack (goal ≤ ${fmt(GOAL_MS)} ms) on ${machine()}`,
  );
  for (const id of ['shopsmart-pro', 'sofacover-pro', 'pos-saas', 'company-ops', 'smart-estate']) {
    const loaded = await loadPack(`packs/${id}`);
    if (!loaded.ok) throw new Error(`${id} is invalid`);
    const ep = prepare(compilePack(loaded.pack, loaded.hash));
    const scale = Object.values(ep.policy.scales).find((s) => s.for === 'ticket');
    if (!scale) {
      console.log(`  ${id.padEnd(14)} no ticket scale: skipped`);
      continue;
    }
    const channels = Object.values(ep.policy.channels)
      .filter((c) => c.audience === 'customer')
      .map((c) => c.id);
    const events = yearOfTickets(
      scale.levels.map((l) => l.id),
      channels,
      count,
      Date.parse('2026-01-01T00:00:00Z'),
    );
    const started = performance.now();
    let effects = 0;
    const result = simulate(ep, events, Date.parse('2027-01-15T00:00:00Z'), () => effects++);
    const ms = performance.now() - started;
    console.log(
      `  ${id.padEnd(14)} ${fmt(events.length)} events, ${fmt(result.decisions)} decisions, ${fmt(effects)} effects in ${fmt(ms)} ms ` +
        `(${fmt((result.decisions / ms) * 1000)} decisions/s) ${ms <= GOAL_MS ? 'goal met' : 'GOAL MISSED'}`,
    );
  }
}
