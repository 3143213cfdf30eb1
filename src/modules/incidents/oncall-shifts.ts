/**
 * Reading on-call schedules (issue 8): who is on call now for each rotation, with until when, and the
 * shifts of a range for the calendar view and the iCalendar feed. The maths is src/core/oncall.ts.
 */
import { and, asc, eq } from 'drizzle-orm';
import { onCallUntil, shiftsBetween, type Shift } from '../../core/oncall.js';
import type { Database } from '../../store/database.js';
import { oncallSchedules } from '../../store/schema-incidents.js';
import { memberships, users } from '../../store/schema.js';
import {
  activeRotations,
  checkRange,
  coreOverrides,
  coreSchedule,
  membersAmong,
  overridesIn,
  scheduleIn,
  UNTIL_HORIZON_MS,
  type OnCallPerson,
  type RotationOnCall,
  type ScheduleRow,
} from './oncall.js';

export interface ShiftView {
  readonly userId: string;
  readonly name: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** The layer's index (0-based), or null for an override. */
  readonly layer: number | null;
}

/** The shifts of a schedule in `[from, to)`, with names, for the calendar view and the feed. */
export async function scheduleShifts(
  database: Database,
  workspaceId: string,
  scheduleId: string,
  from: Date,
  to: Date,
): Promise<{ schedule: ScheduleRow; shifts: ShiftView[] }> {
  checkRange(from, to);
  return database.inWorkspace(workspaceId, async (tx) => {
    const schedule = await scheduleIn(tx, workspaceId, scheduleId);
    const overrides = await overridesIn(tx, workspaceId, [scheduleId], from.getTime(), to.getTime());
    const shifts = shiftsBetween(
      coreSchedule(schedule),
      coreOverrides(overrides),
      from.getTime(),
      to.getTime(),
    );
    const names = await membersAmong(
      tx,
      workspaceId,
      shifts.map((s) => s.userId),
    );
    return { schedule, shifts: shifts.map((s) => viewOf(s, names)) };
  });
}

function viewOf(s: Shift, names: Map<string, { name: string }>): ShiftView {
  return {
    userId: s.userId,
    // Someone who left the workspace keeps their turns until the schedule is changed: shown by id.
    name: names.get(s.userId)?.name ?? s.userId,
    startsAt: new Date(s.startMs),
    endsAt: new Date(s.endMs),
    layer: s.layer,
  };
}

/**
 * Who is on call now for every rotation of the active pack (and any rotation a schedule still staffs):
 * from its schedule, or, without one, everyone holding the rotation's role (as recipients resolve).
 */
export async function onCallNow(
  database: Database,
  workspaceId: string,
  now: Date,
): Promise<RotationOnCall[]> {
  const atMs = now.getTime();
  return database.inWorkspace(workspaceId, async (tx) => {
    const rotations = await activeRotations(tx, workspaceId);
    const schedules = await tx
      .select()
      .from(oncallSchedules)
      .where(eq(oncallSchedules.workspaceId, workspaceId));
    const overrides = await overridesIn(
      tx,
      workspaceId,
      schedules.map((s) => s.id),
      atMs,
      atMs + UNTIL_HORIZON_MS,
    );
    const ids = [...new Set([...rotations.map((r) => r.id), ...schedules.map((s) => s.rotation)])].sort();
    const out: RotationOnCall[] = [];
    for (const id of ids) {
      const rotation = rotations.find((r) => r.id === id);
      const schedule = schedules.find((s) => s.rotation === id);
      if (!schedule) {
        const holders = await tx
          .select({ userId: users.id, name: users.name })
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, rotation?.role ?? id)))
          .orderBy(asc(users.name));
        out.push({
          rotation: id,
          label: rotation?.label ?? id,
          scheduleId: null,
          onCall: holders.map((h) => ({ ...h, source: 'role' as const, until: null })),
        });
        continue;
      }
      const mine = coreOverrides(overrides.filter((o) => o.scheduleId === schedule.id));
      const [shift] = shiftsBetween(coreSchedule(schedule), mine, atMs, atMs + 1);
      const onCall: OnCallPerson[] = [];
      if (shift) {
        const names = await membersAmong(tx, workspaceId, [shift.userId]);
        const until = onCallUntil(coreSchedule(schedule), mine, shift.userId, atMs, UNTIL_HORIZON_MS);
        onCall.push({
          userId: shift.userId,
          name: names.get(shift.userId)?.name ?? shift.userId,
          source: shift.layer === null ? 'override' : 'layer',
          until: until !== null && until < atMs + UNTIL_HORIZON_MS ? new Date(until) : null,
        });
      }
      out.push({ rotation: id, label: rotation?.label ?? schedule.name, scheduleId: schedule.id, onCall });
    }
    return out;
  });
}
