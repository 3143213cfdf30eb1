/**
 * Keeps an incident's row in step with its engine subject, as the help desk's mirror does for tickets:
 * the clocks with their derivations, the soonest due one, whether one was breached, the stages reached and
 * the severity, whether an API call or a timer decided. A subject with no incident row (an event sent
 * straight to /events, a scenario) is left alone.
 */
import { and, eq } from 'drizzle-orm';
import type { SubjectObserver } from '../../engine/engine.js';
import { clockViews } from '../../engine/engine.js';
import { incidents, type IncidentClock } from '../../store/schema-incidents.js';

/** `incident:12` → 12; null for subjects the incident room did not create. */
export function incidentNumberOf(subjectKey: string): number | null {
  const match = /^incident:([1-9][0-9]{0,9})$/.exec(subjectKey);
  return match ? Number(match[1]) : null;
}

export const incidentSubject = (number: number) => `incident:${number}`;

export const mirrorIncident: SubjectObserver = async (tx, { workspaceId, state, ep, nowMs }) => {
  if (state.kind !== 'incident') return;
  const number = incidentNumberOf(state.key);
  if (number === null) return;
  const views = clockViews(ep, state, nowMs);
  const clocks: IncidentClock[] = views.map((v) => ({
    id: v.id,
    source: v.source,
    phase: v.phase,
    due: v.due,
    derivation: v.derivation,
  }));
  const running = views
    .filter((v) => v.due !== null && v.phase !== 'paused' && state.clocks[v.id]?.clock.stoppedAtMs === null)
    .map((v) => v.due!);
  const stages = Object.entries(state.marks)
    .filter(([mark]) => mark.startsWith('stage:'))
    .map(([mark, atMs]) => ({ id: mark.slice('stage:'.length), at: new Date(atMs).toISOString() }))
    .sort((a, b) => a.at.localeCompare(b.at));
  const severity = state.fields.severity ?? state.fields.priority;
  await tx
    .update(incidents)
    .set({
      clocks,
      nextDueAt: running.length ? new Date(running.sort()[0]!) : null,
      breached: views.some((v) => v.phase === 'breached'),
      stages,
      ...(typeof severity === 'string' ? { severity } : {}),
      updatedAt: new Date(nowMs),
    })
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.number, number)));
};
