/**
 * Incidents: declaring one (by hand, or by alerts through their group key), and resolving it. The row in
 * `incidents` is the incident room's; the engine subject `incident:<number>` runs the pack's stage
 * deadlines, playbook, regulatory clocks, follow-ups and review (src/core/decide/incidents.ts), and its
 * decisions are mirrored onto the row (mirror.ts) in the same transaction.
 *
 * The room's other use cases (updates, roles, stages, acknowledgement) are in room.ts.
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { newId } from '../../shared/ids.js';
import { OpsError } from '../../errors/catalog.js';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Tx } from '../../store/database.js';
import { componentStatusChanges, incidentCounters, incidents } from '../../store/schema-incidents.js';
import { setComponentStatus } from '../status/components.js';
import type { IncidentsContext } from './context.js';
import { incidentSubject } from './mirror.js';
import { hooks } from './hooks.js';
import { openReviewIn } from './review.js';

export interface DeclareInput {
  readonly title: string;
  /** A level of the pack's incident scale (`sev1`, `p0`); the most severe when left out. */
  readonly severity?: string;
  /** An incident type of the pack (`data-breach`), or a playbook's kind (`security`, `billing`). */
  readonly kind?: string;
  readonly service?: string;
  readonly components?: readonly string[];
  /** When an open incident has this group key, it is joined instead of declaring a new one. */
  readonly groupKey?: string;
  /** When the problem began, if known before it was detected (an alert's start): MTTD. */
  readonly startedAt?: Date;
  /** Fields the pack's conditions read: `eu_personal_data`, `reportable`. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

export interface IncidentScale {
  readonly id: string;
  /** Level ids, most severe first. */
  readonly levels: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** The pack's scale for incidents (`for: incident`), most severe level first. */
export function scaleOfPolicy(ep: EnginePolicy): IncidentScale | null {
  return ep.memo('incidents:scale', () => {
    const scale = (ep.policy.pack.scales ?? []).find((s) => s.for === 'incident');
    if (!scale) return null;
    return {
      id: scale.id,
      levels: scale.levels.map((l) => l.id),
      labels: Object.fromEntries(scale.levels.map((l) => [l.id, l.label])),
    };
  });
}

export async function incidentScale(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
): Promise<IncidentScale | null> {
  const { ep } = await ctx.engine.activePolicyIn(tx, workspaceId);
  return scaleOfPolicy(ep);
}

/** The incident types of the active pack whose playbook is in the security category, and `security`. */
export function securityKinds(ep: EnginePolicy): ReadonlySet<string> {
  return ep.memo('incidents:security-kinds', () => {
    const section = ep.policy.pack.incidents;
    const playbooks = new Map((section?.playbooks ?? []).map((p) => [p.id, p]));
    const kinds = new Set<string>(['security']);
    for (const type of section?.types ?? []) {
      const playbook = type.playbook ? playbooks.get(type.playbook) : undefined;
      if (playbook?.category?.toLowerCase() === 'security') kinds.add(type.id);
    }
    for (const p of section?.playbooks ?? []) if (p.category?.toLowerCase() === 'security') kinds.add(p.id);
    return kinds;
  });
}

const ENGINE_FIELDS = ['reportable', 'eu_personal_data'] as const;

/**
 * Serialises, for the rest of the transaction, what opens, joins or resolves the incident of one alert
 * group (the same lock the alert intake takes: alert-store.ts lockKeysAndGroups).
 */
export async function lockIncidentGroup(tx: Tx, workspaceId: string, groupKey: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${workspaceId}/${groupKey}`}, 8))`);
}

/**
 * Declares an incident in the caller's transaction, or joins the open incident of `groupKey`. The number,
 * the row and the engine's decision (stage clocks, playbook task, regulatory clocks, route notifications)
 * commit together; then the on-call escalation starts (hooks.startPaging).
 */
export async function declareIncidentIn(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
  input: DeclareInput,
  actor: string,
): Promise<{ id: string; number: number; created: boolean }> {
  if (input.groupKey) {
    // Two alerts of one group arriving together must open one incident: the group is locked for the
    // rest of the transaction, then looked up.
    await lockIncidentGroup(tx, workspaceId, input.groupKey);
    const [open] = await tx
      .select({ id: incidents.id, number: incidents.number })
      .from(incidents)
      .where(
        and(
          eq(incidents.workspaceId, workspaceId),
          eq(incidents.groupKey, input.groupKey),
          isNull(incidents.resolvedAt),
        ),
      )
      .limit(1);
    if (open) return { ...open, created: false };
  }
  const { ep, ref } = await ctx.engine.activePolicyIn(tx, workspaceId);
  const scale = scaleOfPolicy(ep);
  if (!scale)
    throw new OpsError(
      'OPS_VALIDATION',
      `the active pack ${ref.id} has no incident scale (a scale with \`for: incident\`); add one to declare incidents`,
    );
  const severity = input.severity ?? scale.levels[0]!;
  if (!scale.levels.includes(severity))
    throw new OpsError('OPS_VALIDATION', `unknown severity "${severity}"`, [
      {
        pointer: '/body/severity',
        message: `"${severity}" is not a level of the scale ${scale.id}; use one of ${scale.levels.join(', ')}`,
      },
    ]);
  const types = ep.policy.pack.incidents?.types ?? [];
  const playbooks = ep.policy.pack.incidents?.playbooks ?? [];
  if (
    input.kind !== undefined &&
    input.kind !== 'security' &&
    !types.some((t) => t.id === input.kind) &&
    !playbooks.some((p) => p.id === input.kind || p.category?.toLowerCase() === input.kind)
  )
    throw new OpsError('OPS_VALIDATION', `unknown incident kind "${input.kind}"`, [
      {
        pointer: '/body/kind',
        message: `"${input.kind}" is not an incident type of the pack; use one of ${[...types.map((t) => t.id), 'security'].join(', ')}`,
      },
    ]);
  const [counter] = await tx
    .insert(incidentCounters)
    .values({ workspaceId, lastNumber: 1 })
    .onConflictDoUpdate({
      target: incidentCounters.workspaceId,
      set: { lastNumber: sql`${incidentCounters.lastNumber} + 1` },
    })
    .returning({ n: incidentCounters.lastNumber });
  const number = counter!.n;
  // Detection is T+0 of the stage deadlines the engine starts: the engine's instant, not the process's.
  const now = await ctx.engine.nowOf(tx);
  const id = newId('inc', now.getTime());
  const fields = { ...(input.fields ?? {}) };
  const restricted = input.kind !== undefined && securityKinds(ep).has(input.kind);
  await tx.insert(incidents).values({
    id,
    workspaceId,
    number,
    title: input.title,
    status: 'declared',
    severity,
    kind: input.kind ?? null,
    service: input.service ?? null,
    restricted,
    fields,
    components: [...(input.components ?? [])],
    packId: ref.id,
    packVersion: ref.version,
    groupKey: input.groupKey ?? null,
    declaredBy: actor,
    startedAt: input.startedAt ?? null,
    detectedAt: now,
  });
  // The engine's record feeds the route notifications (Slack, SMS, email) and GET …/subjects: a security
  // incident's title stays on its restricted row (SOP-008), the engine sees only its reference.
  const data: Record<string, string | number | boolean | null> = {
    severity,
    title: restricted ? `Security incident INC-${number}` : input.title,
  };
  if (input.kind) data.kind = input.kind;
  if (input.service) data.service = input.service;
  for (const name of ENGINE_FIELDS) {
    const value = fields[name];
    if (typeof value === 'boolean') data[name] = value;
  }
  await ctx.engine.handleAllIn(
    tx,
    workspaceId,
    [{ type: 'incident.declared', subject: incidentSubject(number), data, actor }],
    { fresh: true, version: { ep, ref } },
  );
  await hooks.declared(tx, workspaceId, { id, number, severity, title: input.title, restricted }, now);
  return { id, number, created: true };
}

/**
 * At resolution, the components the incident marked go back to operational, unless something else
 * changed them since (another incident, a health check, maintenance): the last change decides.
 */
async function restoreComponents(
  tx: Tx,
  workspaceId: string,
  incident: { number: number; components: string[] },
  now: Date,
): Promise<void> {
  if (incident.components.length === 0) return;
  const cause = `incident:${incident.number}`;
  const last = await tx
    .selectDistinctOn([componentStatusChanges.componentId], {
      componentId: componentStatusChanges.componentId,
      cause: componentStatusChanges.cause,
    })
    .from(componentStatusChanges)
    .where(
      and(
        eq(componentStatusChanges.workspaceId, workspaceId),
        inArray(componentStatusChanges.componentId, incident.components),
      ),
    )
    .orderBy(
      componentStatusChanges.componentId,
      desc(componentStatusChanges.at),
      desc(componentStatusChanges.id),
    );
  for (const change of last)
    if (change.cause === cause)
      await setComponentStatus(tx, workspaceId, change.componentId, 'operational', cause, now);
}

/** Declares in its own transaction (the API's door). */
export async function declareIncident(
  ctx: IncidentsContext,
  workspaceId: string,
  input: DeclareInput,
  actor: string,
): Promise<{ id: string; number: number; created: boolean }> {
  return ctx.database.inWorkspace(workspaceId, (tx) => declareIncidentIn(ctx, tx, workspaceId, input, actor));
}

/** The incident row by id, locked for the rest of the transaction; null when there is none. */
export async function incidentForUpdate(tx: Tx, workspaceId: string, incidentId: string) {
  const [row] = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)))
    .for('update');
  return row ?? null;
}

/**
 * Resolves an incident: the engine stops its clocks with their verdicts and raises the follow-ups and the
 * review; paging stops. A no-op when it is already resolved.
 */
export async function resolveIncidentIn(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
  incidentId: string,
  actor: string,
): Promise<void> {
  // An alert joining the incident's group while it resolves would be left firing on a resolved incident:
  // the group is locked first (as alerts lock it, before the row), so the alert waits and opens a new one.
  const [group] = await tx
    .select({ key: incidents.groupKey })
    .from(incidents)
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
  if (group?.key) await lockIncidentGroup(tx, workspaceId, group.key);
  const row = await incidentForUpdate(tx, workspaceId, incidentId);
  if (!row || row.resolvedAt) return;
  const now = ctx.now();
  await tx
    .update(incidents)
    .set({ status: 'resolved', resolvedAt: now, mitigatedAt: row.mitigatedAt ?? now, updatedAt: now })
    .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
  await ctx.engine.handleIn(tx, workspaceId, {
    type: 'incident.resolved',
    subject: incidentSubject(row.number),
    data: {},
    actor,
  });
  await restoreComponents(tx, workspaceId, row, now);
  await openReviewIn(ctx, tx, workspaceId, row.id, now);
  await hooks.resolved(tx, workspaceId, { id: row.id, number: row.number }, now);
}
