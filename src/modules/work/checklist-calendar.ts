/**
 * The iCalendar feed of a workspace's recurring work (src/core/checklist-ical.ts builds it): each schedule
 * of the active pack from its first run since the pack was activated, and each open run at its due instant.
 */
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { checklistCalendarOf, type ScheduleEvent } from '../../core/checklist-ical.js';
import { nextRun, schedulesOf } from '../../core/decide/schedules.js';
import { zoneOffsetMs } from '../../core/instant.js';
import { NoActivePackError, type Engine } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { packVersions } from '../../store/schema.js';
import { checklistRuns } from '../../store/schema-work.js';

/** Open runs in the feed, the latest due first. */
const RUN_LIMIT = 500;

export async function checklistCalendar(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  options: { readonly name: string; readonly now: Date; readonly publicUrl: string },
): Promise<string> {
  let governing;
  try {
    governing = await engine.activePolicyIn(tx, workspaceId);
  } catch (err) {
    if (err instanceof NoActivePackError) throw new OpsError('OPS_NO_ACTIVE_PACK');
    throw err;
  }
  const { ep, ref } = governing;
  const [version] = await tx
    .select({ activatedAt: packVersions.activatedAt })
    .from(packVersions)
    .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.hash, ref.hash)));
  const since = (version?.activatedAt ?? options.now).getTime() - 1;
  const schedules: ScheduleEvent[] = [];
  for (const s of schedulesOf({ ep })) {
    const firstMs = nextRun({ ep }, s.cadence, since);
    if (firstMs === null) continue;
    const checklist = ep.policy.checklists[s.checklist];
    const item = s.item ? checklist?.items.find((i) => i.id === s.item) : undefined;
    schedules.push({
      uid: `${s.key}@${workspaceId}.opsbook`,
      summary: item ? `${checklist?.label ?? s.checklist}: ${item.text}` : (checklist?.label ?? s.checklist),
      description: (item ? [item] : (checklist?.items ?? [])).map((i) => `- ${i.text}`).join('\n'),
      cadence: s.cadence,
      firstMs,
      ...weekdaysOf(ep, s.cadence, firstMs),
      ...(options.publicUrl ? { url: `${options.publicUrl}/checklists` } : {}),
    });
  }
  const runs = await tx
    .select({ id: checklistRuns.id, label: checklistRuns.label, dueAt: checklistRuns.dueAt })
    .from(checklistRuns)
    .where(
      and(
        eq(checklistRuns.workspaceId, workspaceId),
        eq(checklistRuns.status, 'open'),
        isNotNull(checklistRuns.dueAt),
      ),
    )
    .orderBy(desc(checklistRuns.dueAt))
    .limit(RUN_LIMIT);
  return checklistCalendarOf({
    name: options.name,
    timeZone: ep.timeZone,
    stampMs: options.now.getTime(),
    schedules,
    runs: runs.map((r) => ({
      uid: `${r.id}@${workspaceId}.opsbook`,
      summary: `Due: ${r.label}`,
      dueMs: r.dueAt!.getTime(),
      ...(options.publicUrl ? { url: `${options.publicUrl}/checklists/${r.id}` } : {}),
    })),
  });
}

/** The weekdays an `every: day` cadence on a calendar falls on, read from its next two weeks of runs. */
function weekdaysOf(
  ep: Parameters<typeof nextRun>[0]['ep'],
  cadence: ScheduleEvent['cadence'],
  firstMs: number,
): { weekdays?: number[] } {
  if (!('every' in cadence) || cadence.every !== 'day' || !cadence.calendar) return {};
  const days = new Set<number>();
  let at: number | null = firstMs;
  for (let i = 0; i < 14 && at !== null; i++) {
    days.add(new Date(at + zoneOffsetMs(at, ep.timeZone)).getUTCDay());
    at = nextRun({ ep }, cadence, at);
  }
  return { weekdays: [...days].sort() };
}
