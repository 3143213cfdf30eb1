/**
 * On-call schedules (issue 8, "Respond: On-call"). A schedule staffs one rotation of the
 * active pack (ShopSmart's "Incident Commander: on-call rotation", 000#68, which names no hand-off and no
 * people: the workspace sets them here). Who is on call is computed by src/core/oncall.ts from the
 * schedule and its overrides; `rotation:<id>` recipients resolve through `onCallByRotation`
 * (src/modules/notifications/directory.ts), so pages and route notifications reach the person on call.
 * Overrides are oncall-overrides.ts; who is on call now and the shifts of a range, oncall-shifts.ts.
 */
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { scheduleProblems, shiftsBetween, type OnCallLayer } from '../../core/oncall.js';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { oncallOverrides, oncallSchedules } from '../../store/schema-incidents.js';
import { memberships, packVersions, users } from '../../store/schema.js';

export interface ScheduleInput {
  readonly rotation: string;
  readonly name?: string;
  readonly timeZone: string;
  readonly layers: readonly OnCallLayer[];
}

export type ScheduleRow = typeof oncallSchedules.$inferSelect;
export type OverrideRow = typeof oncallOverrides.$inferSelect;

export interface PackRotation {
  readonly id: string;
  readonly label: string;
  readonly role?: string;
  readonly handoff?: string;
}

export interface OnCallPerson {
  readonly userId: string;
  readonly name: string;
  /** `override`, `layer` (the schedule), or `role` (no schedule: everyone holding the rotation's role). */
  readonly source: 'override' | 'layer' | 'role';
  /** Until when they stay on call (within the next 31 days); null when open-ended or unknown. */
  readonly until: Date | null;
}

export interface RotationOnCall {
  readonly rotation: string;
  readonly label: string;
  readonly scheduleId: string | null;
  readonly onCall: readonly OnCallPerson[];
}

const DAY_MS = 86_400_000;
/** How far ahead "until" and the feed look, and the longest range a shifts query may ask for. */
export const UNTIL_HORIZON_MS = 31 * DAY_MS;
export const MAX_RANGE_MS = 366 * DAY_MS;

/** The rotations of the workspace's active packs, read from their documents. */
export async function activeRotations(tx: Tx, workspaceId: string): Promise<PackRotation[]> {
  const rows = await tx
    .select({ rotations: sql<PackRotation[] | null>`${packVersions.document} -> 'rotations'` })
    .from(packVersions)
    .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
    .orderBy(asc(packVersions.activatedAt));
  const seen = new Map<string, PackRotation>();
  for (const row of rows)
    for (const r of Array.isArray(row.rotations) ? row.rotations : []) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

/** The members of the workspace among `userIds`, with their names. */
export async function membersAmong(
  tx: Tx,
  workspaceId: string,
  userIds: readonly string[],
): Promise<Map<string, { name: string; role: string }>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .select({ userId: memberships.userId, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, [...new Set(userIds)])));
  return new Map(rows.map((r) => [r.userId, { name: r.name, role: r.role }]));
}

export const notFound = (what: string, id: string) =>
  new OpsError('OPS_NOT_FOUND', `No ${what} "${id}" in this workspace.`);

/** A schedule's input checked against the maths, the active pack's rotations and the members. */
async function checkSchedule(tx: Tx, workspaceId: string, input: ScheduleInput): Promise<void> {
  const errors: FieldError[] = scheduleProblems(input).map((p) => ({
    pointer: `/body${p.pointer}`,
    message: p.message,
  }));
  const rotations = await activeRotations(tx, workspaceId);
  if (!rotations.some((r) => r.id === input.rotation))
    errors.push({
      pointer: '/body/rotation',
      message:
        rotations.length > 0
          ? `not a rotation of the active pack; use one of: ${rotations.map((r) => r.id).join(', ')}`
          : 'the active pack names no on-call rotation (`rotations` in people.yaml)',
    });
  const members = await membersAmong(
    tx,
    workspaceId,
    input.layers.flatMap((l) => l.users),
  );
  input.layers.forEach((layer, i) =>
    layer.users.forEach((userId, j) => {
      if (!members.has(userId))
        errors.push({
          pointer: `/body/layers/${i}/users/${j}`,
          message: `"${userId}" is not a member of this workspace`,
        });
    }),
  );
  if (errors.length > 0)
    throw new OpsError('OPS_VALIDATION', `${errors.length} field(s) of the schedule are not valid.`, errors);
}

export async function listSchedules(database: Database, workspaceId: string): Promise<ScheduleRow[]> {
  return database.inWorkspace(workspaceId, (tx) =>
    tx.select().from(oncallSchedules).orderBy(asc(oncallSchedules.rotation)),
  );
}

export async function scheduleIn(tx: Tx, workspaceId: string, scheduleId: string): Promise<ScheduleRow> {
  const [row] = await tx
    .select()
    .from(oncallSchedules)
    .where(and(eq(oncallSchedules.workspaceId, workspaceId), eq(oncallSchedules.id, scheduleId)));
  if (!row) throw notFound('on-call schedule', scheduleId);
  return row;
}

export async function getSchedule(
  database: Database,
  workspaceId: string,
  scheduleId: string,
): Promise<ScheduleRow> {
  return database.inWorkspace(workspaceId, (tx) => scheduleIn(tx, workspaceId, scheduleId));
}

const layersOf = (input: ScheduleInput): OnCallLayer[] =>
  input.layers.map((l) => ({
    users: [...l.users],
    handoff: l.handoff,
    handoffTime: l.handoffTime,
    ...(l.handoffDay !== undefined ? { handoffDay: l.handoffDay } : {}),
    startsAt: new Date(Date.parse(l.startsAt)).toISOString(),
    ...(l.restrict ? { restrict: { from: l.restrict.from, to: l.restrict.to } } : {}),
  }));

/** Creates the schedule of a rotation; a rotation has at most one (409 for a second). */
export async function createSchedule(
  database: Database,
  workspaceId: string,
  input: ScheduleInput,
  now: Date,
): Promise<ScheduleRow> {
  return database.inWorkspace(workspaceId, (tx) => createScheduleIn(tx, workspaceId, input, now));
}

/** `createSchedule` in the caller's transaction (the demo seed). */
export async function createScheduleIn(
  tx: Tx,
  workspaceId: string,
  input: ScheduleInput,
  now: Date,
): Promise<ScheduleRow> {
  await checkSchedule(tx, workspaceId, input);
  const rotation = (await activeRotations(tx, workspaceId)).find((r) => r.id === input.rotation)!;
  const [row] = await tx
    .insert(oncallSchedules)
    .values({
      id: newId('onc', now.getTime()),
      workspaceId,
      rotation: input.rotation,
      name: input.name ?? rotation.label,
      timeZone: input.timeZone,
      layers: layersOf(input),
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row)
    throw new OpsError(
      'OPS_CONFLICT',
      `The rotation "${input.rotation}" has a schedule already: change that one (PUT) instead.`,
    );
  return row;
}

/** Replaces a schedule's zone, name and layers (its rotation may change to one without a schedule). */
export async function updateSchedule(
  database: Database,
  workspaceId: string,
  scheduleId: string,
  input: ScheduleInput,
  now: Date,
): Promise<ScheduleRow> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const existing = await scheduleIn(tx, workspaceId, scheduleId);
    await checkSchedule(tx, workspaceId, input);
    if (input.rotation !== existing.rotation) {
      const [taken] = await tx
        .select({ id: oncallSchedules.id })
        .from(oncallSchedules)
        .where(
          and(eq(oncallSchedules.workspaceId, workspaceId), eq(oncallSchedules.rotation, input.rotation)),
        );
      if (taken)
        throw new OpsError(
          'OPS_CONFLICT',
          `The rotation "${input.rotation}" has another schedule (${taken.id}).`,
        );
    }
    const [row] = await tx
      .update(oncallSchedules)
      .set({
        rotation: input.rotation,
        name: input.name ?? existing.name,
        timeZone: input.timeZone,
        layers: layersOf(input),
        updatedAt: now,
      })
      .where(and(eq(oncallSchedules.workspaceId, workspaceId), eq(oncallSchedules.id, scheduleId)))
      .returning();
    return row!;
  });
}

/** Deletes a schedule and its overrides: its rotation falls back to everyone holding the rotation's role. */
export async function deleteSchedule(
  database: Database,
  workspaceId: string,
  scheduleId: string,
): Promise<void> {
  await database.inWorkspace(workspaceId, async (tx) => {
    await scheduleIn(tx, workspaceId, scheduleId);
    await tx
      .delete(oncallOverrides)
      .where(and(eq(oncallOverrides.workspaceId, workspaceId), eq(oncallOverrides.scheduleId, scheduleId)));
    await tx
      .delete(oncallSchedules)
      .where(and(eq(oncallSchedules.workspaceId, workspaceId), eq(oncallSchedules.id, scheduleId)));
  });
}

/** Overrides of these schedules that overlap `[fromMs, toMs)`, in precedence order (created last wins). */
export async function overridesIn(
  tx: Tx,
  workspaceId: string,
  scheduleIds: readonly string[],
  fromMs: number,
  toMs: number,
): Promise<OverrideRow[]> {
  if (scheduleIds.length === 0) return [];
  return tx
    .select()
    .from(oncallOverrides)
    .where(
      and(
        eq(oncallOverrides.workspaceId, workspaceId),
        inArray(oncallOverrides.scheduleId, [...scheduleIds]),
        gt(oncallOverrides.endsAt, new Date(fromMs)),
        lt(oncallOverrides.startsAt, new Date(toMs)),
      ),
    )
    .orderBy(asc(oncallOverrides.createdAt), asc(oncallOverrides.id));
}

export const coreOverrides = (rows: readonly OverrideRow[]) =>
  rows.map((o) => ({ userId: o.userId, startsAtMs: o.startsAt.getTime(), endsAtMs: o.endsAt.getTime() }));
export const coreSchedule = (row: ScheduleRow) => ({ timeZone: row.timeZone, layers: row.layers });

/**
 * Who is on call at `atMs` for each rotation that has a schedule (an override first, then the layers):
 * what `rotation:<id>` recipients resolve to. A rotation with a schedule and nobody on call maps to [].
 */
export async function onCallByRotation(
  tx: Tx,
  workspaceId: string,
  atMs: number,
): Promise<Map<string, { scheduleId: string; userIds: string[] }>> {
  const schedules = await tx
    .select()
    .from(oncallSchedules)
    .where(eq(oncallSchedules.workspaceId, workspaceId));
  const out = new Map<string, { scheduleId: string; userIds: string[] }>();
  if (schedules.length === 0) return out;
  const overrides = await overridesIn(
    tx,
    workspaceId,
    schedules.map((s) => s.id),
    atMs,
    atMs + 1,
  );
  for (const s of schedules) {
    const mine = coreOverrides(overrides.filter((o) => o.scheduleId === s.id));
    const [shift] = shiftsBetween(coreSchedule(s), mine, atMs, atMs + 1);
    out.set(s.rotation, { scheduleId: s.id, userIds: shift ? [shift.userId] : [] });
  }
  return out;
}

/** A range must run forwards and span at most 366 days. */
export function checkRange(from: Date, to: Date): void {
  if (!(from.getTime() < to.getTime()))
    throw new OpsError('OPS_VALIDATION', 'The range is empty.', [
      { pointer: '/querystring/to', message: '`to` must be after `from`' },
    ]);
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new OpsError('OPS_VALIDATION', 'The range is too long.', [
      { pointer: '/querystring/to', message: 'at most 366 days after `from`' },
    ]);
}
