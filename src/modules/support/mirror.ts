/**
 * Keeps a help-desk ticket's row in step with its engine subject. The engine decides (status, tier after
 * an escalation, clocks and their verdicts); this copies what the inbox sorts and filters on into the
 * `tickets` row in the same transaction, whether an API call, an email or a timer caused the decision. A
 * subject with no ticket row (an event sent straight to /events, a scenario) is left alone.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { SubjectObserver } from '../../engine/engine.js';
import { clockViews } from '../../engine/engine.js';
import { tickets, type TicketClock } from '../../store/schema.js';
import { clockVerdicts } from './clock-groups.js';

/** `ticket:1042` → 1042; null for subjects the help desk did not create. */
export function ticketNumberOf(subjectKey: string): number | null {
  const match = /^ticket:([1-9][0-9]{0,9})$/.exec(subjectKey);
  return match ? Number(match[1]) : null;
}

export const ticketSubject = (number: number) => `ticket:${number}`;

export const mirrorTicket: SubjectObserver = async (tx, { workspaceId, state, ep, nowMs }) => {
  if (state.kind !== 'ticket') return;
  const number = ticketNumberOf(state.key);
  if (number === null) return;
  const views = clockViews(ep, state, nowMs);
  const clocks: TicketClock[] = views.map((v) => ({
    id: v.id,
    phase: v.phase,
    due: v.due,
    derivation: v.derivation,
  }));
  // Clocks still counting (running, or past due and not yet stopped): the inbox shows the soonest first.
  const running = views
    .filter((v) => v.due !== null && v.phase !== 'paused' && state.clocks[v.id]?.clock.stoppedAtMs === null)
    .map((v) => v.due!);
  const nextDue = running.length ? running.sort()[0]! : null;
  const breached = views.some((v) => v.phase === 'breached');
  const f = state.fields;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const firstResponse = state.marks['first-response'];
  const escalated = state.marks.escalated;
  await tx
    .update(tickets)
    .set({
      status: str(f.status) ?? 'open',
      ...(str(f.priority) ? { priority: str(f.priority)! } : {}),
      tier: str(f.tier),
      clocks,
      nextDueAt: nextDue ? new Date(nextDue) : null,
      breached,
      ...clockVerdicts(views),
      ...(firstResponse !== undefined
        ? {
            firstResponseAt: sql`coalesce(${tickets.firstResponseAt}, ${new Date(firstResponse).toISOString()}::timestamptz)`,
          }
        : {}),
      resolvedAt: state.open ? null : new Date(state.marks.resolved ?? nowMs),
      ...(escalated !== undefined ? { escalatedAt: new Date(escalated) } : {}),
      updatedAt: new Date(nowMs),
    })
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, number)));
};
