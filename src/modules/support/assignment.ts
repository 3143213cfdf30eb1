/**
 * Assignment within a tier (ShopSmart SOP-002 "Assign to Agent"): the pack's strategy for the ticket's
 * tier, among the agents of that tier who are on shift (Admin → Support agents), by the pure chooser of
 * src/core/support/assign.ts. A tier with no strategy, or nobody on shift, leaves the ticket in the queue.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { chooseAgent, type Candidate } from '../../core/support/assign.js';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Tx } from '../../store/database.js';
import { memberships, supportAgents, tickets } from '../../store/schema.js';
import type { TicketRow } from './outbound.js';

const OPEN_STATUSES = ['open', 'pending', 'waiting', 'on-hold'];

export async function autoAssign(
  tx: Tx,
  ep: EnginePolicy,
  ticket: Pick<TicketRow, 'workspaceId' | 'tier' | 'assigneeId'>,
  nowMs: number,
): Promise<string | null> {
  if (ticket.assigneeId || !ticket.tier) return null;
  const rule = ep.policy.pack.desk?.assignment.find((a) => a.tier === ticket.tier);
  if (!rule || rule.strategy === 'manual') return null;
  const agents = await tx
    .select({
      userId: supportAgents.userId,
      onShift: supportAgents.onShift,
      lastAssignedAt: supportAgents.lastAssignedAt,
    })
    .from(supportAgents)
    .innerJoin(
      memberships,
      and(
        eq(memberships.workspaceId, supportAgents.workspaceId),
        eq(memberships.userId, supportAgents.userId),
      ),
    )
    .where(
      and(
        eq(supportAgents.workspaceId, ticket.workspaceId),
        eq(supportAgents.onShift, true),
        sql`${supportAgents.tiers} @> ${JSON.stringify([ticket.tier])}::jsonb`,
      ),
    );
  if (agents.length === 0) return null;
  const loads =
    rule.strategy === 'least-loaded'
      ? await tx
          .select({ userId: tickets.assigneeId, open: sql<number>`count(*)::int` })
          .from(tickets)
          .where(
            and(
              eq(tickets.workspaceId, ticket.workspaceId),
              inArray(
                tickets.assigneeId,
                agents.map((a) => a.userId),
              ),
              inArray(tickets.status, OPEN_STATUSES),
            ),
          )
          .groupBy(tickets.assigneeId)
      : [];
  const loadOf = new Map(loads.map((l) => [l.userId, Number(l.open)]));
  const candidates: Candidate[] = agents.map((a) => ({
    userId: a.userId,
    onShift: a.onShift,
    lastAssignedAtMs: a.lastAssignedAt?.getTime() ?? null,
    openTickets: loadOf.get(a.userId) ?? 0,
  }));
  const chosen = chooseAgent(rule.strategy, candidates);
  if (chosen)
    await tx
      .update(supportAgents)
      .set({ lastAssignedAt: new Date(nowMs) })
      .where(and(eq(supportAgents.workspaceId, ticket.workspaceId), eq(supportAgents.userId, chosen)));
  return chosen;
}
