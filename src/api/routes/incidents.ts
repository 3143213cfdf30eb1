/**
 * The incident room over HTTP: list and declare incidents, read one whole, and act on it (updates and
 * their approval, roles, stages, severity, acknowledgement, resolution, regulatory reports, linked
 * tickets, the review and its action items), plus the metrics. Restricted (security) incidents answer 404
 * to those who may not see them, so their existence is not disclosed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NoActivePackError } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import { incidentsContext, type IncidentsContext } from '../../modules/incidents/context.js';
import { declareIncident, resolveIncidentIn } from '../../modules/incidents/incidents.js';
import {
  declareOptions,
  incidentByNumber,
  incidentDetail,
  incidentMetrics,
  listIncidents,
  type IncidentRow,
  type Viewer,
} from '../../modules/incidents/queries.js';
import { addActionItem, completeActionItem, saveReview } from '../../modules/incidents/review.js';
import {
  acknowledgeIncident,
  assignRole,
  changeSeverity,
  checkStep,
  completeStage,
  decideUpdate,
  linkTickets,
  postUpdate,
  reportToRegulator,
  UPDATE_STATUSES,
} from '../../modules/incidents/room.js';
import type { AppDeps } from '../deps.js';
import { COMPONENT_STATUSES } from '../../modules/status/components.js';
import type { ComponentStatus } from '../../store/schema-incidents.js';
import { accessOf } from '../session.js';
import { periodOf, PeriodQuery } from '../period.js';

const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const N = z.strictObject({ workspaceId: Id, number: z.coerce.number().int().min(1).max(2_000_000_000) });
const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lower-case id such as `comms-lead`');
const Text = (max: number) => z.string().trim().min(1).max(max);

const Clock = z.object({
  id: z.string(),
  source: z.string(),
  phase: z.string(),
  due: z.string().nullable(),
  derivation: z.string(),
});

const IncidentView = z.object({
  id: z.string(),
  number: z.number(),
  reference: z.string().describe('`INC-12`'),
  title: z.string(),
  status: z.string(),
  severity: z.string(),
  kind: z.string().nullable(),
  service: z.string().nullable(),
  restricted: z.boolean(),
  roles: z.record(z.string(), z.string()),
  stages: z.array(z.object({ id: z.string(), at: z.string() })),
  components: z.array(z.string()),
  clocks: z.array(Clock),
  nextDueAt: z.string().nullable(),
  breached: z.boolean(),
  declaredBy: z.string(),
  startedAt: z.string().nullable(),
  detectedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  mitigatedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  pack: z.object({ id: z.string().nullable(), version: z.string().nullable() }),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

function view(row: IncidentRow): z.infer<typeof IncidentView> {
  return {
    id: row.id,
    number: row.number,
    reference: `INC-${row.number}`,
    title: row.title,
    status: row.status,
    severity: row.severity,
    kind: row.kind,
    service: row.service,
    restricted: row.restricted,
    roles: row.roles,
    stages: row.stages,
    components: row.components,
    clocks: row.clocks,
    nextDueAt: iso(row.nextDueAt),
    breached: row.breached,
    declaredBy: row.declaredBy,
    startedAt: iso(row.startedAt),
    detectedAt: row.detectedAt.toISOString(),
    acknowledgedAt: iso(row.acknowledgedAt),
    mitigatedAt: iso(row.mitigatedAt),
    resolvedAt: iso(row.resolvedAt),
    pack: { id: row.packId, version: row.packVersion },
  };
}

function viewerOf(request: FastifyRequest): Viewer {
  const access = accessOf(request);
  return {
    userId: access.session?.user.id ?? null,
    seesRestricted: access.permissions.has('security-incidents.read'),
  };
}

/** Maps the engine's "no active pack" to its problem. */
async function withPack<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NoActivePackError) throw new OpsError('OPS_NO_ACTIVE_PACK', err.message);
    throw err;
  }
}

const Ok = z.object({ ok: z.literal(true) });

export function incidentRoutes(app: FastifyInstance, deps: AppDeps): void {
  const ctx: IncidentsContext = incidentsContext(deps);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/incidents';

  /** The incident's id, when the viewer may see it. */
  const idOf = async (request: FastifyRequest, workspaceId: string, number: number) =>
    (
      await deps.database.inWorkspace(workspaceId, (tx) =>
        incidentByNumber(tx, workspaceId, number, viewerOf(request)),
      )
    ).id;

  r.get(
    base,
    {
      schema: {
        tags: ['incidents'],
        summary: 'List incidents',
        params: W,
        querystring: z.strictObject({
          state: z.enum(['open', 'resolved', 'all']).default('open'),
          severity: Slug.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(IncidentView),
            scale: z
              .object({ id: z.string(), levels: z.array(z.object({ id: z.string(), label: z.string() })) })
              .nullable()
              .describe("The active pack's incident scale, most severe first (what declaring offers)."),
            types: z.array(z.object({ id: z.string(), label: z.string() })),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const q = request.query;
      const rows = await listIncidents(ctx, request.params.workspaceId, viewerOf(request), {
        state: q.state,
        limit: q.limit,
        ...(q.severity ? { severity: q.severity } : {}),
      });
      const options = await withPack(() => declareOptions(ctx, request.params.workspaceId)).catch(
        (err: unknown) => {
          if (err instanceof OpsError && err.code === 'OPS_NO_ACTIVE_PACK') return { scale: null, types: [] };
          throw err;
        },
      );
      return { items: rows.map(view), ...options };
    },
  );

  r.post(
    base,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Declare an incident',
        description:
          'Declares (detects) an incident: T+0 of its stage deadlines, regulatory clocks and review. Severity is a level of the active pack\'s incident scale; the most severe when left out ("when in doubt, declare high").',
        params: W,
        body: z.strictObject({
          title: Text(300),
          severity: Slug.optional(),
          kind: Slug.optional(),
          service: Text(200).optional(),
          components: z.array(Id).max(50).optional(),
          startedAt: z.iso.datetime({ offset: true }).optional(),
          euPersonalData: z.boolean().optional().describe('GDPR: EU personal data is involved.'),
          reportable: z
            .boolean()
            .optional()
            .describe('A regulator must be told (runs the regulatory clocks).'),
        }),
        response: { 201: z.object({ id: z.string(), number: z.number(), reference: z.string() }) },
      },
      config: { access: 'incidents.write' },
    },
    async (request, reply) => {
      const b = request.body;
      const fields: Record<string, unknown> = {};
      if (b.euPersonalData !== undefined) fields.eu_personal_data = b.euPersonalData;
      if (b.reportable !== undefined) fields.reportable = b.reportable;
      const declared = await withPack(() =>
        declareIncident(
          ctx,
          request.params.workspaceId,
          {
            title: b.title,
            ...(b.severity ? { severity: b.severity } : {}),
            ...(b.kind ? { kind: b.kind } : {}),
            ...(b.service ? { service: b.service } : {}),
            ...(b.components ? { components: b.components } : {}),
            ...(b.startedAt ? { startedAt: new Date(b.startedAt) } : {}),
            fields,
          },
          accessOf(request).actor,
        ),
      );
      return reply
        .code(201)
        .send({ id: declared.id, number: declared.number, reference: `INC-${declared.number}` });
    },
  );

  r.get(
    `${base}/:number`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'One incident, whole: stages and their clocks, roles, updates, timeline, alerts, review',
        params: N,
        response: { 200: z.object({ incident: IncidentView }).passthrough() },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const d = await withPack(() => incidentDetail(ctx, workspaceId, number, viewerOf(request)));
      return {
        ...d,
        incident: view(d.incident),
        updates: d.updates.map((u) => ({
          ...u,
          createdAt: u.createdAt.toISOString(),
          publishedAt: iso(u.publishedAt),
        })),
        timeline: d.timeline.map((e) => ({
          id: e.id,
          type: e.type,
          data: e.data,
          actor: e.actor,
          at: e.occurredAt.toISOString(),
        })),
        alerts: d.alerts.map((a) => ({
          id: a.id,
          dedupKey: a.dedupKey,
          status: a.status,
          severity: a.severity,
          summary: a.summary,
          source: a.source,
          count: a.count,
          startedAt: a.startedAt.toISOString(),
          lastSeenAt: a.lastSeenAt.toISOString(),
          resolvedAt: iso(a.resolvedAt),
        })),
        review: d.review && {
          sections: d.review.sections,
          template: d.review.template,
          status: d.review.status,
          dueAt: iso(d.review.dueAt),
          publishedAt: iso(d.review.publishedAt),
          publishedBy: d.review.publishedBy,
        },
        actionItems: d.actionItems.map((t) => ({
          id: t.id,
          title: t.title,
          assignee: t.assignee,
          status: t.status,
          dueAt: iso(t.dueAt),
          completedAt: iso(t.completedAt),
        })),
      };
    },
  );

  r.post(
    `${base}/:number/updates`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Post an update (internal, or public: status page, subscribers, linked tickets)',
        description:
          "A public update on a restricted (security) incident waits for the incident's comms lead to approve it, unless the comms lead posts it (SOP-008). A `resolved` update resolves the incident.",
        params: N,
        body: z.strictObject({
          audience: z.enum(['public', 'internal']),
          status: z.enum(UPDATE_STATUSES).optional(),
          body: z
            .record(
              z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a language code such as `en` or `hi`'),
              z.string().max(20_000),
            )
            .refine((b) => Object.keys(b).length <= 10, 'at most ten languages')
            .default({})
            .describe('The text per language; left out or partial with `template`, which fills the rest.'),
          template: Slug.optional(),
          components: z
            .record(Id, z.enum(COMPONENT_STATUSES as [ComponentStatus, ...ComponentStatus[]]))
            .optional()
            .describe('Status-page components and the status each takes; resolution puts them back.'),
        }),
        response: {
          201: z.object({
            id: z.string(),
            approval: z.enum(['approved', 'pending', 'rejected']),
            published: z.boolean(),
          }),
        },
      },
      config: { access: 'incidents.write' },
    },
    async (request, reply) => {
      const { workspaceId, number } = request.params;
      const id = await idOf(request, workspaceId, number);
      const b = request.body;
      const posted = await postUpdate(
        ctx,
        workspaceId,
        id,
        {
          audience: b.audience,
          body: b.body,
          ...(b.status ? { status: b.status } : {}),
          ...(b.template ? { template: b.template } : {}),
          ...(b.components ? { components: b.components } : {}),
        },
        accessOf(request).actor,
      );
      return reply.code(201).send(posted);
    },
  );

  r.post(
    `${base}/:number/updates/:updateId/decision`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'The comms lead approves or rejects a pending public update',
        params: N.extend({ updateId: Id }),
        body: z.strictObject({ decision: z.enum(['approve', 'reject']) }),
        response: {
          200: z.object({
            id: z.string(),
            approval: z.enum(['approved', 'pending', 'rejected']),
            published: z.boolean(),
          }),
        },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number, updateId } = request.params;
      const id = await idOf(request, workspaceId, number);
      return decideUpdate(ctx, workspaceId, id, updateId, request.body.decision, accessOf(request).actor);
    },
  );

  r.put(
    `${base}/:number/roles/:role`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Give a command role to someone, or hand it off (`userId: null` clears it)',
        params: N.extend({ role: Slug }),
        body: z.strictObject({ userId: Id.nullable() }),
        response: { 200: Ok },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number, role } = request.params;
      const id = await idOf(request, workspaceId, number);
      await assignRole(ctx, workspaceId, id, role, request.body.userId, accessOf(request).actor);
      return { ok: true as const };
    },
  );

  r.post(
    `${base}/:number/stages/:stage/done`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Mark a stage of the process done (meets its deadline)',
        params: N.extend({ stage: Slug }),
        response: { 200: Ok },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number, stage } = request.params;
      const id = await idOf(request, workspaceId, number);
      await withPack(() => completeStage(ctx, workspaceId, id, stage, accessOf(request).actor));
      return { ok: true as const };
    },
  );

  r.put(
    `${base}/:number/stages/:stage/steps/:index`,
    {
      schema: {
        tags: ['incidents'],
        summary:
          "Tick or untick a step of a stage's runbook checklist (the last step ticked completes the stage)",
        params: N.extend({ stage: Slug, index: z.coerce.number().int().min(0).max(500) }),
        body: z.strictObject({ done: z.boolean() }),
        response: { 200: z.object({ stageDone: z.boolean() }) },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number, stage, index } = request.params;
      const id = await idOf(request, workspaceId, number);
      return withPack(() =>
        checkStep(ctx, workspaceId, id, stage, index, request.body.done, accessOf(request).actor),
      );
    },
  );

  r.put(
    `${base}/:number/severity`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Change the severity (running clocks take the new targets)',
        params: N,
        body: z.strictObject({ severity: Slug }),
        response: { 200: Ok },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const id = await idOf(request, workspaceId, number);
      await changeSeverity(ctx, workspaceId, id, request.body.severity, accessOf(request).actor);
      return { ok: true as const };
    },
  );

  r.post(
    `${base}/:number/acknowledge`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Acknowledge: escalation stops; the first acknowledgement is the MTTA',
        params: N,
        response: { 200: z.object({ first: z.boolean() }) },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const id = await idOf(request, workspaceId, number);
      return acknowledgeIncident(ctx, workspaceId, id, accessOf(request).actor);
    },
  );

  r.post(
    `${base}/:number/resolve`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Resolve: clocks stop with their verdicts; follow-ups and the review open',
        params: N,
        response: { 200: Ok },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const id = await idOf(request, workspaceId, number);
      await deps.database.inWorkspace(workspaceId, (tx) =>
        resolveIncidentIn(ctx, tx, workspaceId, id, accessOf(request).actor),
      );
      return { ok: true as const };
    },
  );

  r.post(
    `${base}/:number/reports`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Record a report to a regulator (CERT-In, IT Act, GDPR): meets its clock',
        params: N,
        body: z.strictObject({ clock: Slug, reference: Text(200).optional(), note: Text(5000).optional() }),
        response: { 200: Ok },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const id = await idOf(request, workspaceId, number);
      const b = request.body;
      await reportToRegulator(
        ctx,
        workspaceId,
        id,
        {
          clock: b.clock,
          ...(b.reference ? { reference: b.reference } : {}),
          ...(b.note ? { note: b.note } : {}),
        },
        accessOf(request).actor,
      );
      return { ok: true as const };
    },
  );

  r.post(
    `${base}/:number/tickets`,
    {
      schema: {
        tags: ['incidents'],
        summary: "Link tickets: their customers hear the incident's public updates",
        params: N,
        body: z.strictObject({ tickets: z.array(z.number().int().min(1)).min(1).max(500) }),
        response: { 200: z.object({ linked: z.array(z.number()) }) },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const id = await idOf(request, workspaceId, number);
      return linkTickets(ctx, workspaceId, id, request.body.tickets);
    },
  );

  r.put(
    `${base}/:number/review`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Write the post-incident review; `publish: true` publishes it (every section written)',
        params: N,
        body: z.strictObject({
          sections: z.record(Slug, z.string().max(100_000)),
          publish: z.boolean().default(false),
        }),
        response: { 200: Ok },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number } = request.params;
      const id = await idOf(request, workspaceId, number);
      await saveReview(
        ctx,
        workspaceId,
        id,
        request.body.sections,
        request.body.publish,
        accessOf(request).actor,
      );
      return { ok: true as const };
    },
  );

  r.post(
    `${base}/:number/action-items`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Add an action item with an owner and a due date (nags daily from then until done)',
        params: N,
        body: z.strictObject({ title: Text(500), ownerId: Id, dueAt: z.iso.datetime({ offset: true }) }),
        response: { 201: z.object({ id: z.string() }) },
      },
      config: { access: 'incidents.write' },
    },
    async (request, reply) => {
      const { workspaceId, number } = request.params;
      const id = await idOf(request, workspaceId, number);
      const b = request.body;
      const added = await addActionItem(
        ctx,
        workspaceId,
        id,
        { title: b.title, ownerId: b.ownerId, dueAt: new Date(b.dueAt) },
        accessOf(request).actor,
      );
      return reply.code(201).send(added);
    },
  );

  r.post(
    `${base}/:number/action-items/:taskId/done`,
    {
      schema: {
        tags: ['incidents'],
        summary: 'Mark an action item done',
        params: N.extend({ taskId: Id }),
        response: { 200: Ok },
      },
      config: { access: 'incidents.write' },
    },
    async (request) => {
      const { workspaceId, number, taskId } = request.params;
      const id = await idOf(request, workspaceId, number);
      await completeActionItem(ctx, workspaceId, id, taskId);
      return { ok: true as const };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/incident-metrics',
    {
      schema: {
        tags: ['incidents'],
        summary: 'MTTD, MTTA, MTTR by severity, incident counts and overdue action items over a period',
        params: W,
        querystring: z.strictObject(PeriodQuery),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            total: z.number(),
            actionItemsOverdue: z.number(),
            bySeverity: z.array(
              z.object({
                severity: z.string(),
                count: z.number(),
                open: z.number(),
                mttdMinutes: z.number().nullable(),
                mttaMinutes: z.number().nullable(),
                mttrMinutes: z.number().nullable(),
                breached: z.number(),
              }),
            ),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { from, to } = periodOf(request.query, deps.now());
      const figures = await withPack(() =>
        incidentMetrics(ctx, request.params.workspaceId, viewerOf(request), { from, to }),
      );
      return { from: from.toISOString(), to: to.toISOString(), ...figures };
    },
  );
}
