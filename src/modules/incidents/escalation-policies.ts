/**
 * Escalation policies (issue 8, PagerDuty's model): ordered steps, each paging its targets and waiting
 * `delayMinutes` for an acknowledgement before the next; the whole policy runs again `repeat` times; a
 * policy may apply to some severities only. Targets are `rotation:<id>` (who is on call), `user:<id>`,
 * `role:<id>` and `contact:<id>`, each checked against the active pack and the members when saved, so a
 * misspelt target is refused instead of being skipped silently at 3 a.m. Paging itself is paging.ts.
 */
import { and, asc, eq } from 'drizzle-orm';
import { BUILT_IN_ROLES } from '../../core/access.js';
import type { EscalationStep } from '../../store/schema-incidents.js';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { escalationPolicies, pages } from '../../store/schema-incidents.js';
import { governingPolicy } from '../notifications/directory.js';
import { activeRotations, membersAmong } from './oncall.js';

export interface PolicyInput {
  readonly name: string;
  readonly steps: readonly EscalationStep[];
  readonly repeat: number;
  readonly severities: readonly string[];
}

export type EscalationPolicyRow = typeof escalationPolicies.$inferSelect;

export const TARGET_PATTERN = /^(rotation|user|role|contact):[A-Za-z0-9_-]{1,64}$/;

/** The active pack's incident scale levels, roles and contacts, for checking targets and severities. */
async function packLists(tx: Tx, workspaceId: string) {
  const policy = await governingPolicy(tx, workspaceId, null);
  const pack = policy?.pack;
  const scale = (pack?.scales ?? []).find((s) => s.for === 'incident');
  return {
    levels: scale?.levels.map((l) => l.id) ?? null,
    roles: new Set([...BUILT_IN_ROLES.map((r) => r.id), ...(pack?.roles ?? []).map((r) => r.id)]),
    contacts: new Set((pack?.contacts ?? []).map((c) => c.id)),
    rotations: new Set((await activeRotations(tx, workspaceId)).map((r) => r.id)),
  };
}

async function checkPolicy(tx: Tx, workspaceId: string, input: PolicyInput): Promise<void> {
  const lists = await packLists(tx, workspaceId);
  const userIds = input.steps.flatMap((s) =>
    s.targets.filter((t) => t.startsWith('user:')).map((t) => t.slice(5)),
  );
  const members = await membersAmong(tx, workspaceId, userIds);
  const errors: FieldError[] = [];
  input.steps.forEach((step, i) =>
    step.targets.forEach((target, j) => {
      const pointer = `/body/steps/${i}/targets/${j}`;
      const id = target.slice(target.indexOf(':') + 1);
      const kind = target.slice(0, target.indexOf(':'));
      if (kind === 'user' && !members.has(id))
        errors.push({ pointer, message: `"${id}" is not a member of this workspace` });
      if (kind === 'role' && !lists.roles.has(id))
        errors.push({ pointer, message: `no role "${id}" (built-in or of the active pack)` });
      if (kind === 'contact' && !lists.contacts.has(id))
        errors.push({ pointer, message: `the active pack has no contact "${id}"` });
      if (kind === 'rotation' && !lists.rotations.has(id))
        errors.push({
          pointer,
          message: `the active pack has no rotation "${id}"${lists.rotations.size ? `; use one of: ${[...lists.rotations].join(', ')}` : ''}`,
        });
    }),
  );
  input.severities.forEach((level, i) => {
    if (lists.levels && !lists.levels.includes(level))
      errors.push({
        pointer: `/body/severities/${i}`,
        message: `not a level of the incident scale; use one of: ${lists.levels.join(', ')}`,
      });
  });
  if (errors.length > 0)
    throw new OpsError('OPS_VALIDATION', `${errors.length} field(s) of the policy are not valid.`, errors);
}

const valuesOf = (input: PolicyInput) => ({
  name: input.name,
  steps: input.steps.map((s) => ({ delayMinutes: s.delayMinutes, targets: [...new Set(s.targets)] })),
  repeat: input.repeat,
  severities: [...new Set(input.severities)],
});

export async function listPolicies(database: Database, workspaceId: string): Promise<EscalationPolicyRow[]> {
  return database.inWorkspace(workspaceId, (tx) => policiesIn(tx, workspaceId));
}

/** The workspace's policies, oldest first (the order pages start in). */
export async function policiesIn(tx: Tx, workspaceId: string): Promise<EscalationPolicyRow[]> {
  return tx
    .select()
    .from(escalationPolicies)
    .where(eq(escalationPolicies.workspaceId, workspaceId))
    .orderBy(asc(escalationPolicies.createdAt), asc(escalationPolicies.id));
}

export async function policyIn(
  tx: Tx,
  workspaceId: string,
  policyId: string,
): Promise<EscalationPolicyRow | null> {
  const [row] = await tx
    .select()
    .from(escalationPolicies)
    .where(and(eq(escalationPolicies.workspaceId, workspaceId), eq(escalationPolicies.id, policyId)));
  return row ?? null;
}

const notFound = (policyId: string) =>
  new OpsError('OPS_NOT_FOUND', `No escalation policy "${policyId}" in this workspace.`);

export async function getPolicy(database: Database, workspaceId: string, policyId: string) {
  const row = await database.inWorkspace(workspaceId, (tx) => policyIn(tx, workspaceId, policyId));
  if (!row) throw notFound(policyId);
  return row;
}

/** Creates a policy in the caller's transaction (the API, and the demo seed). */
export async function createPolicyIn(
  tx: Tx,
  workspaceId: string,
  input: PolicyInput,
  now: Date,
): Promise<EscalationPolicyRow> {
  await checkPolicy(tx, workspaceId, input);
  const [row] = await tx
    .insert(escalationPolicies)
    .values({
      id: newId('esc', now.getTime()),
      workspaceId,
      ...valuesOf(input),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row!;
}

export async function createPolicy(database: Database, workspaceId: string, input: PolicyInput, now: Date) {
  return database.inWorkspace(workspaceId, (tx) => createPolicyIn(tx, workspaceId, input, now));
}

/** Replaces a policy; pages under way follow the new steps from their next step on. */
export async function updatePolicy(
  database: Database,
  workspaceId: string,
  policyId: string,
  input: PolicyInput,
  now: Date,
): Promise<EscalationPolicyRow> {
  return database.inWorkspace(workspaceId, async (tx) => {
    if (!(await policyIn(tx, workspaceId, policyId))) throw notFound(policyId);
    await checkPolicy(tx, workspaceId, input);
    const [row] = await tx
      .update(escalationPolicies)
      .set({ ...valuesOf(input), updatedAt: now })
      .where(and(eq(escalationPolicies.workspaceId, workspaceId), eq(escalationPolicies.id, policyId)))
      .returning();
    return row!;
  });
}

/** Deletes a policy; refused while it is paging for an open incident (acknowledge or resolve it first). */
export async function deletePolicy(database: Database, workspaceId: string, policyId: string): Promise<void> {
  await database.inWorkspace(workspaceId, async (tx) => {
    if (!(await policyIn(tx, workspaceId, policyId))) throw notFound(policyId);
    const [paging] = await tx
      .select({ id: pages.id, incidentId: pages.incidentId })
      .from(pages)
      .where(
        and(eq(pages.workspaceId, workspaceId), eq(pages.policyId, policyId), eq(pages.status, 'triggered')),
      )
      .limit(1);
    if (paging)
      throw new OpsError(
        'OPS_CONFLICT',
        `The policy is paging for incident ${paging.incidentId} (${paging.id}): acknowledge or resolve it first.`,
      );
    await tx
      .delete(escalationPolicies)
      .where(and(eq(escalationPolicies.workspaceId, workspaceId), eq(escalationPolicies.id, policyId)));
  });
}
