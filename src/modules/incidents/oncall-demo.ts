/**
 * The demo workspaces' on-call set-up (issue 8): a schedule for each rotation of the pack, staffed by the
 * workspace's members in turn (the pack names none: ShopSmart's "Incident Commander: on-call rotation",
 * 000#68), and a default escalation policy. Added only to a workspace that has none yet, so what an admin
 * changed or removed is left alone.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../store/database.js';
import { escalationPolicies, oncallSchedules } from '../../store/schema-incidents.js';
import { memberships, users, workspaces } from '../../store/schema.js';
import { createPolicyIn } from './escalation-policies.js';
import { activeRotations, createScheduleIn } from './oncall.js';

async function countOf(tx: Tx, table: typeof oncallSchedules | typeof escalationPolicies): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(table);
  return Number(row?.n ?? 0);
}

/**
 * Seeds the demo on-call of one workspace, in the caller's transaction. Call it after the pack is
 * activated and the members exist (the demo loader's last step).
 *
 * @example await database.inWorkspace(ws, (tx) => seedDemoOnCall(tx, ws, 'shopsmart', now))
 */
export async function seedDemoOnCall(tx: Tx, workspaceId: string, _slug: string, now: Date): Promise<void> {
  const rotations = await activeRotations(tx, workspaceId);
  const members = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.email));
  if (members.length === 0) return;
  const [ws] = await tx
    .select({ timeZone: workspaces.timeZone })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (rotations.length > 0 && (await countOf(tx, oncallSchedules)) === 0)
    for (const rotation of rotations)
      await createScheduleIn(
        tx,
        workspaceId,
        {
          rotation: rotation.id,
          timeZone: ws?.timeZone ?? 'UTC',
          layers: [
            {
              users: members.map((m) => m.userId),
              handoff: rotation.handoff === 'daily' ? 'daily' : 'weekly',
              ...(rotation.handoff === 'daily' ? {} : { handoffDay: 1 }),
              handoffTime: '09:00',
              startsAt: now.toISOString(),
            },
          ],
        },
        now,
      );
  if ((await countOf(tx, escalationPolicies)) === 0)
    await createPolicyIn(
      tx,
      workspaceId,
      {
        name: 'Default',
        // The rotation first (ShopSmart SOP-003: the Incident Commander assesses by T+5 min), then the
        // owners; a workspace without rotations pages its owners.
        steps:
          rotations.length > 0
            ? [
                { delayMinutes: 5, targets: rotations.map((r) => `rotation:${r.id}`) },
                { delayMinutes: 10, targets: ['role:owner'] },
              ]
            : [{ delayMinutes: 15, targets: ['role:owner'] }],
        repeat: 1,
        severities: [],
      },
      now,
    );
}
