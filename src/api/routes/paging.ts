/**
 * Escalation policies and pages over HTTP (issue 8): policies CRUD (`incidents.manage`; reading them,
 * `records.read`), and the state of an incident's pages: who was paged at which step, who acknowledged and
 * when (MTTA). A restricted incident's pages answer 404 to whoever may not see the incident.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  updatePolicy,
  type EscalationPolicyRow,
} from '../../modules/incidents/escalation-policies.js';
import { pageById, pagesOfIncident, type PageRow } from '../../modules/incidents/paging.js';
import { incidentByNumber, type Viewer } from '../../modules/incidents/queries.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const Key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lower-case id such as `sev1`');
const Target = z
  .string()
  .regex(
    /^(rotation|user|role|contact):[A-Za-z0-9_-]{1,64}$/,
    '`rotation:<id>`, `user:<id>`, `role:<id>` or `contact:<id>`',
  );
const PolicyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  steps: z
    .array(
      z.strictObject({
        delayMinutes: z.number().int().min(1).max(1440).describe('Minutes to wait for an acknowledgement.'),
        targets: z.array(Target).min(1).max(20),
      }),
    )
    .min(1)
    .max(20),
  repeat: z.number().int().min(0).max(9).default(0).describe('How many more times the whole policy runs.'),
  severities: z
    .array(Key)
    .max(20)
    .default([])
    .describe('Levels of the incident scale it pages for; none: all.'),
});
const Policy = z.object({
  id: z.string(),
  name: z.string(),
  steps: z.array(z.object({ delayMinutes: z.number(), targets: z.array(z.string()) })),
  repeat: z.number(),
  severities: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const Page = z.object({
  id: z.string(),
  incidentId: z.string(),
  policyId: z.string(),
  status: z.enum(['triggered', 'acknowledged', 'resolved', 'exhausted']),
  pass: z.number(),
  step: z.number(),
  log: z.array(
    z.object({
      step: z.number(),
      pass: z.number(),
      users: z.array(z.string()),
      at: z.string(),
      skipped: z.boolean().optional(),
    }),
  ),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  timeToAcknowledgeMs: z.number().nullable(),
  createdAt: z.string(),
});

const policyView = (p: EscalationPolicyRow) => ({
  id: p.id,
  name: p.name,
  steps: p.steps.map((s) => ({ delayMinutes: s.delayMinutes, targets: [...s.targets] })),
  repeat: p.repeat,
  severities: p.severities,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});
const pageView = (p: PageRow) => ({
  id: p.id,
  incidentId: p.incidentId,
  policyId: p.policyId,
  status: p.status,
  pass: p.pass,
  step: p.step,
  log: p.log,
  acknowledgedBy: p.acknowledgedBy,
  acknowledgedAt: p.acknowledgedAt?.toISOString() ?? null,
  timeToAcknowledgeMs: p.acknowledgedAt ? p.acknowledgedAt.getTime() - p.createdAt.getTime() : null,
  createdAt: p.createdAt.toISOString(),
});

function viewerOf(request: FastifyRequest): Viewer {
  const access = accessOf(request);
  return {
    userId: access.session?.user.id ?? null,
    seesRestricted: access.permissions.has('security-incidents.read'),
  };
}

/** Registered by oncallRoutes (one line in app.ts for the whole of on-call). */
export function pagingRoutes(app: FastifyInstance, deps: AppDeps): void {
  policyRoutes(app, deps);
  pageRoutes(app, deps);
}

function policyRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/escalation-policies';
  const P = W.extend({ policyId: Id });
  const tags = ['on-call'];

  r.get(
    base,
    {
      schema: {
        tags,
        summary: 'Escalation policies',
        params: W,
        response: { 200: z.object({ items: z.array(Policy) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => ({
      items: (await listPolicies(deps.database, request.params.workspaceId)).map(policyView),
    }),
  );

  r.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create an escalation policy',
        params: W,
        body: PolicyBody,
        response: { 201: Policy },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const row = await createPolicy(deps.database, request.params.workspaceId, request.body, deps.now());
      return reply.code(201).send(policyView(row));
    },
  );

  r.get(
    `${base}/:policyId`,
    {
      schema: { tags, summary: 'An escalation policy', params: P, response: { 200: Policy } },
      config: { access: 'records.read' },
    },
    async (request) =>
      policyView(await getPolicy(deps.database, request.params.workspaceId, request.params.policyId)),
  );

  r.put(
    `${base}/:policyId`,
    {
      schema: {
        tags,
        summary: 'Replace an escalation policy (pages under way follow it from their next step)',
        params: P,
        body: PolicyBody,
        response: { 200: Policy },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) =>
      policyView(
        await updatePolicy(
          deps.database,
          request.params.workspaceId,
          request.params.policyId,
          request.body,
          deps.now(),
        ),
      ),
  );

  r.delete(
    `${base}/:policyId`,
    {
      schema: {
        tags,
        summary: 'Delete an escalation policy (refused while it pages for an open incident)',
        params: P,
        response: { 204: z.null() },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      await deletePolicy(deps.database, request.params.workspaceId, request.params.policyId);
      return reply.code(204).send(null);
    },
  );
}

function pageRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['on-call'];

  r.get(
    '/api/v1/workspaces/:workspaceId/pages',
    {
      schema: {
        tags,
        summary: "An incident's pages: who was paged at which step, who acknowledged and when (MTTA)",
        params: W,
        querystring: z.strictObject({ incident: z.coerce.number().int().min(1).max(2_000_000_000) }),
        response: { 200: z.object({ items: z.array(Page) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const viewer = viewerOf(request);
      const rows = await deps.database.inWorkspace(workspaceId, async (tx) => {
        const incident = await incidentByNumber(tx, workspaceId, request.query.incident, viewer);
        return pagesOfIncident(tx, workspaceId, incident.id);
      });
      return { items: rows.map(pageView) };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/pages/:pageId',
    {
      schema: {
        tags,
        summary: 'A page: where its escalation is, who was paged, who acknowledged',
        params: W.extend({ pageId: Id }),
        response: { 200: Page.extend({ incidentNumber: z.number(), policyName: z.string().nullable() }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, pageId } = request.params;
      const viewer = viewerOf(request);
      return deps.database.inWorkspace(workspaceId, async (tx) => {
        const found = await pageById(tx, workspaceId, pageId);
        if (!found) throw new OpsError('OPS_NOT_FOUND', `No page "${pageId}" in this workspace.`);
        const { page, policyName } = found;
        // The same visibility as the incident's: a restricted incident's pages answer 404 to outsiders.
        const incident = await incidentByNumber(tx, workspaceId, found.incidentNumber, viewer);
        return { ...pageView(page), incidentNumber: incident.number, policyName };
      });
    },
  );
}
