/** Runs a parsed scenario through the pure simulator (src/core/decide/simulate.ts). */
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { simulate, type SimulationResult } from '../../core/decide/simulate.js';
import type { Scenario } from './parse.js';

export function simulateScenario(ep: EnginePolicy, scenario: Scenario, explain = false): SimulationResult {
  return simulate(ep, scenario.events, scenario.untilMs, undefined, {
    explain,
    schedulesFromMs: scenario.startMs,
  });
}
