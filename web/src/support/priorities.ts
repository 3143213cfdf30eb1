/**
 * The levels of the active pack's ticket scale (`p1`…`p4`, or `critical`…`low`), in the pack's order,
 * for the priority pickers. The API has no call for the scale itself; the dashboard's figures list one
 * SLA row per level, so an empty period's figures give the levels.
 */
import { useLoad } from '../session';
import { deskApi } from './desk-api';

/** `p1` → `P1`; `critical` → `Critical`. */
export const priorityLabel = (priority: string) =>
  /^p\d$/i.test(priority) ? priority.toUpperCase() : priority.charAt(0).toUpperCase() + priority.slice(1);

async function scaleLevels(workspaceId: string): Promise<readonly string[]> {
  const to = new Date();
  const from = new Date(to.getTime() - 1000);
  const figures = await deskApi.metrics(workspaceId, { from: from.toISOString(), to: to.toISOString() });
  return figures.slaCompliance.map((s) => s.priority);
}

/** The scale's levels, then any other level `seen` on tickets; only `seen` until (or unless) they load. */
export function usePriorities(workspaceId: string, seen: readonly string[]): readonly string[] {
  const levels = useLoad(`${workspaceId}/priorities`, () => scaleLevels(workspaceId));
  const known = levels.data ?? [];
  return [...known, ...[...new Set(seen)].filter((p) => !known.includes(p)).sort()];
}
