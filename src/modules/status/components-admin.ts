/**
 * Setting up the status page's components (`incidents.manage`): create, rename, group, reorder, delete,
 * set a status by hand, and create them from the active pack (pack-components.ts). A component's first
 * status is recorded when it is created, so its uptime is measured from then; a status set by hand goes
 * through `setComponentStatus` like every other change, with the person as its cause. Names are unique per
 * page (case-insensitive), which also makes creating from the pack safe to repeat.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { Pack } from '../../packs/schema/pack.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { packVersions, workspaces } from '../../store/schema.js';
import {
  componentStatusChanges,
  statusComponents,
  type ComponentStatus,
} from '../../store/schema-incidents.js';
import { appendAudit } from '../access/audit.js';
import { setComponentStatus } from './components.js';
import type { StatusContext } from './context.js';
import { invalidateStatusPage, statusChangedIn } from './invalidate.js';
import { packComponents, type ComponentSpec } from './pack-components.js';

type ComponentRow = typeof statusComponents.$inferSelect;

export interface ComponentView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly group: string | null;
  readonly position: number;
  readonly status: ComponentStatus;
  readonly uptimeTarget: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ComponentInput {
  readonly name: string;
  readonly description?: string;
  readonly group?: string | null;
  readonly uptimeTarget?: number | null;
  readonly status?: ComponentStatus;
}

const view = (row: ComponentRow): ComponentView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  group: row.groupName,
  position: row.position,
  status: row.status,
  uptimeTarget: row.uptimeTarget,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const notFound = (id: string) => new OpsError('OPS_NOT_FOUND', `No component "${id}" on this status page.`);

async function allComponents(tx: Tx, workspaceId: string): Promise<ComponentRow[]> {
  return tx
    .select()
    .from(statusComponents)
    .where(eq(statusComponents.workspaceId, workspaceId))
    .orderBy(asc(statusComponents.position), asc(statusComponents.name));
}

function assertNameFree(rows: readonly ComponentRow[], name: string, exceptId?: string): void {
  if (rows.some((r) => r.id !== exceptId && r.name.toLowerCase() === name.toLowerCase()))
    throw new OpsError('OPS_CONFLICT', `A component named "${name}" is already on this status page.`);
}

/** Runs a change, announces it to every process's cached page, and drops this process's copy after commit. */
async function change<T>(ctx: StatusContext, workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await ctx.database.inWorkspace(workspaceId, async (tx) => {
    const value = await fn(tx);
    await statusChangedIn(tx, workspaceId);
    return value;
  });
  invalidateStatusPage(workspaceId);
  return result;
}

export async function listComponents(ctx: StatusContext, workspaceId: string): Promise<ComponentView[]> {
  return (await ctx.database.inWorkspace(workspaceId, (tx) => allComponents(tx, workspaceId))).map(view);
}

/** Inserts a component last in order, with its first status recorded (its uptime starts here). */
async function insertComponent(
  tx: Tx,
  workspaceId: string,
  spec: ComponentSpec & { status?: ComponentStatus },
  position: number,
  actor: string,
  now: Date,
): Promise<ComponentRow> {
  const status = spec.status ?? 'operational';
  const [row] = await tx
    .insert(statusComponents)
    .values({
      id: newId('cmp', now.getTime()),
      workspaceId,
      name: spec.name,
      description: spec.description,
      groupName: spec.group,
      position,
      status,
      uptimeTarget: spec.uptimeTarget,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await tx
    .insert(componentStatusChanges)
    .values({ workspaceId, componentId: row!.id, status, at: now, cause: actor });
  return row!;
}

export async function createComponent(
  ctx: StatusContext,
  workspaceId: string,
  input: ComponentInput,
  actor: string,
): Promise<ComponentView> {
  const now = ctx.now();
  return change(ctx, workspaceId, async (tx) => {
    const rows = await allComponents(tx, workspaceId);
    assertNameFree(rows, input.name);
    const position = rows.reduce((max, r) => Math.max(max, r.position + 1), 0);
    const row = await insertComponent(
      tx,
      workspaceId,
      {
        name: input.name,
        description: input.description ?? '',
        group: input.group ?? null,
        uptimeTarget: input.uptimeTarget ?? null,
        ...(input.status ? { status: input.status } : {}),
      },
      position,
      actor,
      now,
    );
    await appendAudit(tx, now, {
      actor,
      action: 'status.component.created',
      target: row.id,
      data: { name: row.name },
    });
    return view(row);
  });
}

/** Changes a component; a new status is recorded with the actor as its cause. */
export async function updateComponent(
  ctx: StatusContext,
  workspaceId: string,
  id: string,
  patch: Partial<ComponentInput>,
  actor: string,
): Promise<ComponentView> {
  const now = ctx.now();
  return change(ctx, workspaceId, async (tx) => {
    const rows = await allComponents(tx, workspaceId);
    const current = rows.find((r) => r.id === id);
    if (!current) throw notFound(id);
    if (patch.name !== undefined) assertNameFree(rows, patch.name, id);
    if (patch.status !== undefined) await setComponentStatus(tx, workspaceId, id, patch.status, actor, now);
    const [row] = await tx
      .update(statusComponents)
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.group !== undefined ? { groupName: patch.group } : {}),
        ...(patch.uptimeTarget !== undefined ? { uptimeTarget: patch.uptimeTarget } : {}),
        updatedAt: now,
      })
      .where(and(eq(statusComponents.workspaceId, workspaceId), eq(statusComponents.id, id)))
      .returning();
    await appendAudit(tx, now, {
      actor,
      action: 'status.component.updated',
      target: id,
      data: patch.status ? { status: patch.status } : {},
    });
    return view(row!);
  });
}

/** Removes a component and its history (its uptime goes with it). */
export async function deleteComponent(ctx: StatusContext, workspaceId: string, id: string, actor: string) {
  const now = ctx.now();
  await change(ctx, workspaceId, async (tx) => {
    const deleted = await tx
      .delete(statusComponents)
      .where(and(eq(statusComponents.workspaceId, workspaceId), eq(statusComponents.id, id)))
      .returning({ name: statusComponents.name });
    if (deleted.length === 0) throw notFound(id);
    await tx
      .delete(componentStatusChanges)
      .where(
        and(eq(componentStatusChanges.workspaceId, workspaceId), eq(componentStatusChanges.componentId, id)),
      );
    await appendAudit(tx, now, { actor, action: 'status.component.deleted', target: id, data: deleted[0]! });
  });
}

/** Puts the components in the given order; the list must name each component once. */
export async function reorderComponents(
  ctx: StatusContext,
  workspaceId: string,
  ids: readonly string[],
  actor: string,
): Promise<ComponentView[]> {
  const now = ctx.now();
  return change(ctx, workspaceId, async (tx) => {
    const rows = await allComponents(tx, workspaceId);
    const known = new Set(rows.map((r) => r.id));
    const unique = new Set(ids);
    if (unique.size !== ids.length || ids.length !== rows.length || ids.some((id) => !known.has(id)))
      throw new OpsError('OPS_VALIDATION', 'List every component of the page once, in the new order.', [
        { pointer: '/body/ids', message: `list each of the ${rows.length} component ids exactly once` },
      ]);
    for (const [position, id] of ids.entries())
      await tx
        .update(statusComponents)
        .set({ position })
        .where(and(eq(statusComponents.workspaceId, workspaceId), eq(statusComponents.id, id)));
    await appendAudit(tx, now, {
      actor,
      action: 'status.component.reordered',
      target: workspaceId,
      data: {},
    });
    return (await allComponents(tx, workspaceId)).map(view);
  });
}

/** The active pack's document and the workspace's name, read in `tx`. */
async function activePack(tx: Tx, workspaceId: string): Promise<{ pack: Pack | null; name: string }> {
  const [ws] = await tx
    .select({ name: workspaces.name })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const [active] = await tx
    .select({ document: packVersions.document })
    .from(packVersions)
    .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
    .orderBy(sql`${packVersions.activatedAt} asc nulls last`)
    .limit(1);
  return { pack: (active?.document as Pack | undefined) ?? null, name: ws?.name ?? 'Service' };
}

/** Creates the components the active pack names that the page does not have yet (by name). */
export async function createComponentsFromPackIn(
  tx: Tx,
  workspaceId: string,
  actor: string,
  now: Date,
): Promise<ComponentRow[]> {
  const { pack, name } = await activePack(tx, workspaceId);
  const specs = packComponents(pack ?? {}, name);
  const rows = await allComponents(tx, workspaceId);
  const taken = new Set(rows.map((r) => r.name.toLowerCase()));
  let position = rows.reduce((max, r) => Math.max(max, r.position + 1), 0);
  const created: ComponentRow[] = [];
  for (const spec of specs) {
    if (taken.has(spec.name.toLowerCase())) continue;
    created.push(await insertComponent(tx, workspaceId, spec, position++, actor, now));
  }
  return created;
}

export async function componentsFromPack(
  ctx: StatusContext,
  workspaceId: string,
  actor: string,
): Promise<ComponentView[]> {
  const now = ctx.now();
  return change(ctx, workspaceId, async (tx) => {
    const created = await createComponentsFromPackIn(tx, workspaceId, actor, now);
    await appendAudit(tx, now, {
      actor,
      action: 'status.component.from-pack',
      target: workspaceId,
      data: { created: created.length },
    });
    return created.map(view);
  });
}
