/**
 * Who gets a new ticket of a tier: round-robin (the on-shift agent given a ticket automatically longest
 * ago, never-assigned first) or least-loaded (fewest open tickets, then round-robin among equals), as
 * Zendesk's and Freshdesk's omnichannel routing do. Ties break on the user id so the choice is stable.
 */
export interface Candidate {
  readonly userId: string;
  readonly onShift: boolean;
  /** When this agent was last given a ticket automatically (ms), or null. */
  readonly lastAssignedAtMs: number | null;
  readonly openTickets: number;
}

export type Strategy = 'round-robin' | 'least-loaded' | 'manual';

export function chooseAgent(strategy: Strategy, candidates: readonly Candidate[]): string | null {
  if (strategy === 'manual') return null;
  const onShift = candidates.filter((c) => c.onShift);
  if (onShift.length === 0) return null;
  const byTurn = (a: Candidate, b: Candidate) =>
    (a.lastAssignedAtMs ?? -Infinity) - (b.lastAssignedAtMs ?? -Infinity) || (a.userId < b.userId ? -1 : 1);
  const ordered = [...onShift].sort(
    strategy === 'least-loaded' ? (a, b) => a.openTickets - b.openTickets || byTurn(a, b) : byTurn,
  );
  return ordered[0]!.userId;
}
