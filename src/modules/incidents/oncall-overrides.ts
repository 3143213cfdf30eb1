/**
 * On-call overrides (issue 8): someone covers a schedule for a while (a holiday swap, a sick day). An
 * override wins over every layer, and of two that overlap the one created last wins. Anyone with
 * `incidents.write` may cover a shift themselves; putting someone else on call needs `incidents.manage`.
 */
import { and, eq } from 'drizzle-orm';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database } from '../../store/database.js';
import { oncallOverrides } from '../../store/schema-incidents.js';
import {
  checkRange,
  MAX_RANGE_MS,
  membersAmong,
  notFound,
  overridesIn,
  scheduleIn,
  type OverrideRow,
} from './oncall.js';

export interface OverrideInput {
  readonly userId: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export async function listOverrides(
  database: Database,
  workspaceId: string,
  scheduleId: string,
  from: Date,
  to: Date,
): Promise<OverrideRow[]> {
  checkRange(from, to);
  return database.inWorkspace(workspaceId, async (tx) => {
    await scheduleIn(tx, workspaceId, scheduleId);
    return overridesIn(tx, workspaceId, [scheduleId], from.getTime(), to.getTime());
  });
}

/**
 * Someone covers a schedule for a while. `mayCoverOthers`: whether the actor may put someone else on call
 * (`incidents.manage`); anyone with `incidents.write` may cover a shift themselves.
 */
export async function createOverride(
  database: Database,
  workspaceId: string,
  scheduleId: string,
  input: OverrideInput,
  actor: { readonly userId: string | null; readonly actor: string; readonly mayCoverOthers: boolean },
  now: Date,
): Promise<OverrideRow> {
  const errors: FieldError[] = [];
  if (!(input.startsAt.getTime() < input.endsAt.getTime()))
    errors.push({ pointer: '/body/endsAt', message: 'must be after startsAt' });
  else if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_RANGE_MS)
    errors.push({ pointer: '/body/endsAt', message: 'an override lasts at most 366 days' });
  if (input.endsAt.getTime() <= now.getTime())
    errors.push({ pointer: '/body/endsAt', message: 'the override would be over already' });
  return database.inWorkspace(workspaceId, async (tx) => {
    await scheduleIn(tx, workspaceId, scheduleId);
    if (!actor.mayCoverOthers && input.userId !== actor.userId)
      throw new OpsError(
        'OPS_FORBIDDEN',
        'You may put only yourself on call; covering for someone else needs incidents.manage.',
      );
    if (!(await membersAmong(tx, workspaceId, [input.userId])).has(input.userId))
      errors.push({
        pointer: '/body/userId',
        message: `"${input.userId}" is not a member of this workspace`,
      });
    if (errors.length > 0)
      throw new OpsError(
        'OPS_VALIDATION',
        `${errors.length} field(s) of the override are not valid.`,
        errors,
      );
    // Two overlapping covers by the same person say nothing new and hide each other's end: refused.
    const [same] = (
      await overridesIn(tx, workspaceId, [scheduleId], input.startsAt.getTime(), input.endsAt.getTime())
    ).filter((o) => o.userId === input.userId);
    if (same)
      throw new OpsError(
        'OPS_CONFLICT',
        `${input.userId} already covers this schedule from ${same.startsAt.toISOString()} to ${same.endsAt.toISOString()} (${same.id}): change or delete that override.`,
      );
    const [row] = await tx
      .insert(oncallOverrides)
      .values({
        id: newId('ovr', now.getTime()),
        workspaceId,
        scheduleId,
        userId: input.userId,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        createdBy: actor.actor,
        createdAt: now,
      })
      .returning();
    return row!;
  });
}

/** Removes an override: one's own with incidents.write, anyone's with incidents.manage. */
export async function deleteOverride(
  database: Database,
  workspaceId: string,
  scheduleId: string,
  overrideId: string,
  actor: { readonly userId: string | null; readonly mayCoverOthers: boolean },
): Promise<void> {
  await database.inWorkspace(workspaceId, async (tx) => {
    const [row] = await tx
      .select()
      .from(oncallOverrides)
      .where(
        and(
          eq(oncallOverrides.workspaceId, workspaceId),
          eq(oncallOverrides.scheduleId, scheduleId),
          eq(oncallOverrides.id, overrideId),
        ),
      );
    if (!row) throw notFound('override', overrideId);
    if (!actor.mayCoverOthers && row.userId !== actor.userId)
      throw new OpsError('OPS_FORBIDDEN', "Removing someone else's override needs incidents.manage.");
    await tx
      .delete(oncallOverrides)
      .where(and(eq(oncallOverrides.workspaceId, workspaceId), eq(oncallOverrides.id, overrideId)));
  });
}
