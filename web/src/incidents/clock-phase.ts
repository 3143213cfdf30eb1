/** The phases a clock of the engine reports, as the shared countdown knows them. */
import type { ClockPhase } from '../support-api';

const PHASES: readonly ClockPhase[] = ['running', 'paused', 'met', 'breached'];

export const asPhase = (phase: string): ClockPhase => PHASES.find((p) => p === phase) ?? 'running';
