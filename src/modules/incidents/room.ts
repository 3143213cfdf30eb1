/**
 * The incident room's use cases after declaration: updates (internal, or public with the comms lead's
 * approval for security incidents), roles and their hand-off, stages, severity, acknowledgement,
 * regulatory reports and linked tickets. Each runs in one transaction with the engine's decision, so the
 * timeline, the clocks and the row never disagree.
 */
import { and, eq, inArray, isNull, notInArray } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { tickets, workspaces } from '../../store/schema.js';
import { renderTemplate } from '../../core/templates.js';
import {
  incidentUpdates,
  incidents,
  statusComponents,
  type ComponentStatus,
  type UpdateApproval,
} from '../../store/schema-incidents.js';
import { setComponentStatus } from '../status/components.js';
import { insertMessage } from '../support/ticket-store.js';
import { sendToCustomer } from '../support/outbound.js';
import type { IncidentsContext } from './context.js';
import { hooks } from './hooks.js';
import { incidentForUpdate, resolveIncidentIn, scaleOfPolicy } from './incidents.js';
import { incidentSubject } from './mirror.js';
import { appendTimeline } from '../../engine/timeline.js';

/** The public status vocabulary of updates (Statuspage's): the status page shows these. */
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** The command roles an incident can have when the pack names none (SOP-003's four). */
export const DEFAULT_ROLES = ['incident-commander', 'tech-lead', 'comms-lead', 'executive-sponsor'];

type IncidentRow = typeof incidents.$inferSelect;

async function lockedIncident(tx: Tx, workspaceId: string, incidentId: string): Promise<IncidentRow> {
  const row = await incidentForUpdate(tx, workspaceId, incidentId);
  if (!row) throw new OpsError('OPS_NOT_FOUND', `incident ${incidentId} does not exist in this workspace`);
  return row;
}

function inWs<T>(ctx: IncidentsContext, workspaceId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.database.inWorkspace(workspaceId, fn);
}

export interface UpdateInput {
  readonly audience: 'public' | 'internal';
  /** The public status it moves the incident to; the current one when left out. */
  readonly status?: UpdateStatus;
  /** Text per locale; `en` first. ShopSmart's customer notices are in Hindi and English. */
  readonly body: Readonly<Record<string, string>>;
  readonly template?: string;
  /** Status-page components and the status each takes (Statuspage's "affected components"). */
  readonly components?: Readonly<Record<string, ComponentStatus>>;
}

export interface PostedUpdate {
  readonly id: string;
  readonly approval: UpdateApproval;
  readonly published: boolean;
}

/**
 * Posts an update. A public update on a restricted (security) incident waits for the comms lead unless
 * the comms lead posts it (SOP-008: "DO coordinate all comms through Comms Lead"); everything else is
 * published at once.
 */
export async function postUpdate(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  input: UpdateInput,
  actor: string,
): Promise<PostedUpdate> {
  return inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    const body = input.template
      ? { ...(await renderNotice(ctx, tx, incident, input.template)), ...nonEmpty(input.body) }
      : nonEmpty(input.body);
    if (Object.keys(body).length === 0)
      throw new OpsError('OPS_VALIDATION', 'the update has no text', [
        {
          pointer: '/body/body',
          message: 'write the update in at least one language (`en`), or name a template',
        },
      ]);
    const now = ctx.now();
    const status = input.status ?? (incident.status === 'declared' ? 'investigating' : incident.status);
    const needsApproval =
      input.audience === 'public' && incident.restricted && incident.roles['comms-lead'] !== userOf(actor);
    await checkComponents(tx, workspaceId, Object.keys(input.components ?? {}));
    const id = newId('upd', now.getTime());
    await tx.insert(incidentUpdates).values({
      id,
      workspaceId,
      incidentId,
      status,
      audience: input.audience,
      body,
      template: input.template ?? null,
      components: { ...(input.components ?? {}) },
      approval: needsApproval ? 'pending' : 'approved',
      approvedBy: needsApproval ? null : actor,
      postedBy: actor,
      createdAt: now,
    });
    if (needsApproval) {
      await ctx.engine.handleIn(tx, workspaceId, {
        type: 'incident.updated',
        subject: incidentSubject(incident.number),
        data: { audience: 'internal' },
        actor,
      });
      return { id, approval: 'pending' as const, published: false };
    }
    await publishIn(ctx, tx, incident, id, input.audience, status, actor, now, input.components ?? {});
    return { id, approval: 'approved' as const, published: input.audience === 'public' };
  });
}

/** Refuses components the workspace's status page does not have. */
async function checkComponents(tx: Tx, workspaceId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const known = await tx
    .select({ id: statusComponents.id })
    .from(statusComponents)
    .where(and(eq(statusComponents.workspaceId, workspaceId), inArray(statusComponents.id, [...ids])));
  const missing = ids.filter((id) => !known.some((k) => k.id === id));
  if (missing.length)
    throw new OpsError('OPS_VALIDATION', `no status-page component ${missing.join(', ')}`, [
      {
        pointer: `/body/components/${missing[0]}`,
        message: 'name components of this workspace’s status page',
      },
    ]);
}

/**
 * Sets the status-page components an update names, recorded as caused by the incident, and adds them to
 * the incident's affected components (resolution puts them back).
 */
async function markComponents(
  tx: Tx,
  incident: IncidentRow,
  components: Readonly<Record<string, ComponentStatus>>,
  now: Date,
): Promise<void> {
  const ids = Object.keys(components);
  if (ids.length === 0) return;
  await checkComponents(tx, incident.workspaceId, ids);
  for (const id of ids)
    await setComponentStatus(
      tx,
      incident.workspaceId,
      id,
      components[id]!,
      `incident:${incident.number}`,
      now,
    );
  const affected = [...new Set([...incident.components, ...ids])];
  await tx
    .update(incidents)
    .set({ components: affected })
    .where(and(eq(incidents.workspaceId, incident.workspaceId), eq(incidents.id, incident.id)));
  incident.components = affected;
}

const nonEmpty = (body: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(body).filter(([, text]) => text.trim() !== ''));

/**
 * A pack template rendered in each of its languages for an update (ShopSmart's SEV1 user notice, Hindi
 * and English), with the incident's fields and the workspace's status-page link.
 */
async function renderNotice(
  ctx: IncidentsContext,
  tx: Tx,
  incident: IncidentRow,
  templateId: string,
): Promise<Record<string, string>> {
  const { ep } = await ctx.engine.policyFor(tx, incident.workspaceId, incidentSubject(incident.number));
  const template = ep.policy.templates[templateId];
  if (!template)
    throw new OpsError('OPS_VALIDATION', `the pack has no template "${templateId}"`, [
      {
        pointer: '/body/template',
        message: 'name a template of the active pack (GET /templates lists them)',
      },
    ]);
  const [ws] = await tx
    .select({ name: workspaces.name, slug: workspaces.slug })
    .from(workspaces)
    .where(eq(workspaces.id, incident.workspaceId));
  const values = {
    ...incident.fields,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    reference: `INC-${incident.number}`,
    workspace_name: ws?.name ?? '',
    status_page_link: `${ctx.publicUrl}/status/${ws?.slug ?? ''}`,
  };
  const out: Record<string, string> = {};
  for (const locale of Object.keys(template.locales)) {
    const rendered = renderTemplate(template, { locale, values, mode: 'deliver' });
    if (!rendered.ok)
      throw new OpsError('OPS_VALIDATION', rendered.error, [
        { pointer: '/body/template', message: rendered.error },
      ]);
    out[locale] = rendered.text;
  }
  return out;
}

const userOf = (actor: string) => (actor.startsWith('user:') ? actor.slice('user:'.length) : actor);

/**
 * Makes an update count: the incident takes its status, the engine hears of it (a public update meets the
 * customer notice and the response), subscribers and the customers of linked tickets are told, and a
 * `resolved` update resolves the incident.
 */
async function publishIn(
  ctx: IncidentsContext,
  tx: Tx,
  incident: IncidentRow,
  updateId: string,
  audience: 'public' | 'internal',
  status: string,
  actor: string,
  now: Date,
  components: Readonly<Record<string, ComponentStatus>>,
): Promise<void> {
  const subject = incidentSubject(incident.number);
  await markComponents(tx, incident, components, now);
  if (audience === 'public') {
    await tx
      .update(incidentUpdates)
      .set({ publishedAt: now })
      .where(and(eq(incidentUpdates.workspaceId, incident.workspaceId), eq(incidentUpdates.id, updateId)));
  }
  const statusChanged = status !== incident.status && status !== 'resolved';
  if (statusChanged)
    await tx
      .update(incidents)
      .set({
        status,
        ...(status === 'monitoring' && !incident.mitigatedAt ? { mitigatedAt: now } : {}),
        updatedAt: now,
      })
      .where(and(eq(incidents.workspaceId, incident.workspaceId), eq(incidents.id, incident.id)));
  await ctx.engine.handleAllIn(tx, incident.workspaceId, [
    {
      type: 'incident.updated',
      subject,
      data: { audience: audience === 'public' ? 'customer' : 'internal' },
      actor,
    },
  ]);
  if (audience === 'public') {
    await hooks.published(tx, incident.workspaceId, { incidentId: incident.id, updateId }, ctx);
    await tellLinkedCustomers(ctx, tx, incident, updateId, now);
  }
  if (status === 'resolved') await resolveIncidentIn(ctx, tx, incident.workspaceId, incident.id, actor);
}

/**
 * The customers whose tickets are linked to the incident hear each public update on their own ticket's
 * channel, as a reply on the ticket (so the agent sees what they were told).
 */
async function tellLinkedCustomers(
  ctx: IncidentsContext,
  tx: Tx,
  incident: IncidentRow,
  updateId: string,
  now: Date,
): Promise<void> {
  const linked = await tx
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, incident.workspaceId),
        eq(tickets.incident, incidentSubject(incident.number)),
        notInArray(tickets.status, ['resolved', 'closed']),
        isNull(tickets.mergedInto),
      ),
    );
  if (linked.length === 0) return;
  const [update] = await tx
    .select()
    .from(incidentUpdates)
    .where(and(eq(incidentUpdates.workspaceId, incident.workspaceId), eq(incidentUpdates.id, updateId)));
  if (!update) return;
  for (const ticket of linked) {
    const { ep } = await ctx.engine.policyFor(tx, incident.workspaceId, `ticket:${ticket.number}`);
    const text =
      (ticket.locale && update.body[ticket.locale]) || update.body.en || Object.values(update.body)[0]!;
    await insertMessage(tx, ticket, now.getTime(), {
      kind: 'reply',
      direction: 'out',
      authorType: 'system',
      authorName: `Incident INC-${incident.number}`,
      channel: ticket.channel,
      text,
      data: { incident: incident.id, update: updateId },
    });
    await sendToCustomer(tx, ep, ticket, {
      key: `incident:${incident.id}:update:${updateId}:ticket:${ticket.id}`,
      text,
      automatic: true,
    });
  }
}

/** The comms lead approves (publishes) or rejects a pending public update. */
export async function decideUpdate(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  updateId: string,
  decision: 'approve' | 'reject',
  actor: string,
): Promise<PostedUpdate> {
  return inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    const [update] = await tx
      .select()
      .from(incidentUpdates)
      .where(
        and(
          eq(incidentUpdates.workspaceId, workspaceId),
          eq(incidentUpdates.incidentId, incidentId),
          eq(incidentUpdates.id, updateId),
        ),
      );
    if (!update) throw new OpsError('OPS_NOT_FOUND', `update ${updateId} is not an update of this incident`);
    if (update.approval !== 'pending')
      throw new OpsError('OPS_CONFLICT', `update ${updateId} was already ${update.approval}`);
    const lead = incident.roles['comms-lead'];
    if (lead !== userOf(actor))
      throw new OpsError(
        'OPS_FORBIDDEN',
        lead
          ? 'only the comms lead of this incident approves its public updates (SOP-008: coordinate all comms through the Comms Lead)'
          : 'this incident has no comms lead yet; assign the comms-lead role, then that person approves the update',
      );
    const now = ctx.now();
    await tx
      .update(incidentUpdates)
      .set({ approval: decision === 'approve' ? 'approved' : 'rejected', approvedBy: actor })
      .where(and(eq(incidentUpdates.workspaceId, workspaceId), eq(incidentUpdates.id, updateId)));
    if (decision === 'reject') return { id: updateId, approval: 'rejected' as const, published: false };
    await publishIn(ctx, tx, incident, updateId, 'public', update.status, actor, now, update.components);
    return { id: updateId, approval: 'approved' as const, published: true };
  });
}

/** Someone takes a command role, or hands it off (`userId` null clears it). */
export async function assignRole(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  role: string,
  userId: string | null,
  actor: string,
): Promise<void> {
  await inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    const { ep } = await ctx.engine.policyFor(tx, workspaceId, incidentSubject(incident.number));
    const known = ep.policy.pack.incidents?.commandRoles?.map((r) => r.role) ?? DEFAULT_ROLES;
    if (!known.includes(role))
      throw new OpsError('OPS_VALIDATION', `unknown incident role "${role}"`, [
        { pointer: '/body/role', message: `use one of ${known.join(', ')}` },
      ]);
    const roles = { ...incident.roles };
    if (userId === null) delete roles[role];
    else roles[role] = userId;
    await tx
      .update(incidents)
      .set({ roles, updatedAt: ctx.now() })
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
    await ctx.engine.handleIn(tx, workspaceId, {
      type: 'incident.role',
      subject: incidentSubject(incident.number),
      data: { role, who: userId === null ? '' : `user:${userId}` },
      actor,
    });
  });
}

/** A stage of the pack's process is done ("assess severity", "assemble team"): its deadline is met. */
export async function completeStage(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  stage: string,
  actor: string,
): Promise<void> {
  await inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    const stages = await stagesOf(ctx, tx, workspaceId, incident);
    if (!stages.some((s) => s.id === stage))
      throw new OpsError('OPS_VALIDATION', `unknown stage "${stage}"`, [
        { pointer: '/body/stage', message: `use one of ${stages.map((s) => s.id).join(', ')}` },
      ]);
    await ctx.engine.handleIn(tx, workspaceId, {
      type: 'incident.stage',
      subject: incidentSubject(incident.number),
      data: { stage },
      actor,
    });
  });
}

/**
 * A step of a stage's runbook checklist ticked or unticked (POS playbooks, SOP-008's first 15 minutes).
 * Progress is kept on the incident (`fields.checklist`, `<stage>/<index>` → who and when) and written on
 * the timeline; ticking a stage's last open step completes the stage, as marking it done would.
 */
export async function checkStep(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  stage: string,
  index: number,
  done: boolean,
  actor: string,
): Promise<{ stageDone: boolean }> {
  return inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    const stages = await stagesOf(ctx, tx, workspaceId, incident);
    const found = stages.find((s) => s.id === stage);
    if (!found)
      throw new OpsError('OPS_VALIDATION', `unknown stage "${stage}"`, [
        { pointer: '/params/stage', message: `use one of ${stages.map((s) => s.id).join(', ')}` },
      ]);
    const step = found.steps[index];
    if (!step)
      throw new OpsError('OPS_VALIDATION', `stage ${stage} has no step ${index}`, [
        { pointer: '/params/index', message: `steps are numbered 0 to ${found.steps.length - 1}` },
      ]);
    const checklist = {
      ...((incident.fields.checklist ?? {}) as Record<string, { by: string; at: string }>),
    };
    const key = `${stage}/${index}`;
    if (done === key in checklist) return { stageDone: false };
    const now = ctx.now();
    if (done) checklist[key] = { by: actor, at: now.toISOString() };
    else delete checklist[key];
    await tx
      .update(incidents)
      .set({ fields: { ...incident.fields, checklist }, updatedAt: now })
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
    const subject = incidentSubject(incident.number);
    await appendTimeline(tx, workspaceId, {
      subject,
      type: done ? 'incident.step_done' : 'incident.step_undone',
      data: { stage, step: index, text: step.text },
      actor,
    });
    const stageDone =
      done &&
      found.steps.every((_, i) => `${stage}/${i}` in checklist) &&
      !incident.stages.some((s) => s.id === stage);
    if (stageDone)
      await ctx.engine.handleIn(tx, workspaceId, { type: 'incident.stage', subject, data: { stage }, actor });
    return { stageDone };
  });
}

/** The stages an incident goes through: the pack's, then its playbook's. */
export async function stagesOf(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
  incident: Pick<IncidentRow, 'number' | 'kind'>,
): Promise<{ id: string; label: string; steps: { text: string; owner?: string; when?: string }[] }[]> {
  const { ep } = await ctx.engine.policyFor(tx, workspaceId, incidentSubject(incident.number));
  const section = ep.policy.pack.incidents;
  const type = section?.types?.find((t) => t.id === incident.kind);
  const playbook =
    (type?.playbook ? section?.playbooks?.find((p) => p.id === type.playbook) : undefined) ??
    section?.playbooks?.find((p) => p.id === incident.kind);
  // A stage the pack and the playbook both name (POS: every playbook runs the same five stages) is one
  // stage with the playbook's steps after the pack's.
  const out: { id: string; label: string; steps: { text: string; owner?: string; when?: string }[] }[] = [];
  for (const stage of [...(section?.stages ?? []), ...(playbook?.stages ?? [])]) {
    const steps = (stage.steps ?? []).map((s) => ({
      text: s.text,
      ...(s.owner ? { owner: s.owner } : {}),
      ...(s.when ? { when: s.when } : {}),
    }));
    const known = out.find((o) => o.id === stage.id);
    if (known) known.steps.push(...steps);
    else out.push({ id: stage.id, label: stage.label, steps });
  }
  return out;
}

/** The severity changes: running clocks take the new targets. */
export async function changeSeverity(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  severity: string,
  actor: string,
): Promise<void> {
  await inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    const { ep } = await ctx.engine.policyFor(tx, workspaceId, incidentSubject(incident.number));
    const scale = scaleOfPolicy(ep);
    if (!scale?.levels.includes(severity))
      throw new OpsError('OPS_VALIDATION', `unknown severity "${severity}"`, [
        {
          pointer: '/body/severity',
          message: `use one of ${scale?.levels.join(', ') ?? '(no incident scale)'}`,
        },
      ]);
    if (severity === incident.severity) return;
    await tx
      .update(incidents)
      .set({ severity, updatedAt: ctx.now() })
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
    await ctx.engine.handleIn(tx, workspaceId, {
      type: 'incident.severity',
      subject: incidentSubject(incident.number),
      data: { severity },
      actor,
    });
  });
}

/**
 * A responder acknowledges: the first acknowledgement is the incident's (MTTA) and meets its response
 * clock; escalation stops (paging.ts). Later acknowledgements change nothing.
 */
export async function acknowledgeIncident(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  actor: string,
): Promise<{ first: boolean }> {
  return inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    if (incident.acknowledgedAt || incident.resolvedAt) return { first: false };
    const now = ctx.now();
    await tx
      .update(incidents)
      .set({ acknowledgedAt: now, updatedAt: now })
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
    await ctx.engine.handleIn(tx, workspaceId, {
      type: 'incident.updated',
      subject: incidentSubject(incident.number),
      data: { audience: 'internal' },
      actor,
    });
    await hooks.acknowledged(tx, workspaceId, { id: incident.id, number: incident.number }, actor, now);
    return { first: true };
  });
}

/** A regulator was told (CERT-In, IT Act, GDPR): the regulatory clock of that id is met, with the record. */
export async function reportToRegulator(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  input: { clock: string; reference?: string; note?: string },
  actor: string,
): Promise<void> {
  await inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    const clockId = `regulatory:${input.clock}`;
    if (!incident.clocks.some((c) => c.id === clockId))
      throw new OpsError('OPS_VALIDATION', `this incident runs no regulatory clock "${input.clock}"`, [
        {
          pointer: '/body/clock',
          message: `running regulatory clocks: ${
            incident.clocks
              .filter((c) => c.id.startsWith('regulatory:'))
              .map((c) => c.id.slice('regulatory:'.length))
              .join(', ') || 'none'
          }`,
        },
      ]);
    const now = ctx.now();
    const reports = Array.isArray(incident.fields.reports) ? [...(incident.fields.reports as unknown[])] : [];
    reports.push({
      clock: input.clock,
      at: now.toISOString(),
      by: actor,
      ...(input.reference ? { reference: input.reference } : {}),
      ...(input.note ? { note: input.note } : {}),
    });
    await tx
      .update(incidents)
      .set({ fields: { ...incident.fields, reports }, updatedAt: now })
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.id, incidentId)));
    await ctx.engine.handleIn(tx, workspaceId, {
      type: 'incident.reported',
      subject: incidentSubject(incident.number),
      data: { clock: input.clock },
      actor,
    });
  });
}

/** Links tickets to the incident: their customers hear its public updates. */
export async function linkTickets(
  ctx: IncidentsContext,
  workspaceId: string,
  incidentId: string,
  numbers: readonly number[],
): Promise<{ linked: number[] }> {
  return inWs(ctx, workspaceId, async (tx) => {
    const incident = await lockedIncident(tx, workspaceId, incidentId);
    if (numbers.length === 0) return { linked: [] };
    const rows = await tx
      .update(tickets)
      .set({ incident: incidentSubject(incident.number) })
      .where(and(eq(tickets.workspaceId, workspaceId), inArray(tickets.number, [...numbers])))
      .returning({ number: tickets.number });
    const linked = rows.map((r) => r.number).sort((a, b) => a - b);
    const missing = numbers.filter((n) => !linked.includes(n));
    if (missing.length)
      throw new OpsError('OPS_VALIDATION', `no ticket ${missing.map((n) => `#${n}`).join(', ')}`, [
        { pointer: '/body/tickets', message: 'link tickets of this workspace only' },
      ]);
    return { linked };
  });
}
