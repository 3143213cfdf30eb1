/**
 * Alert integrations and alerts over HTTP (issue 8 "Detect"): managing the senders' tokens
 * (`incidents.manage`: create, list, change, rotate, delete) and reading and handling alerts (`records.read`
 * to read, `incidents.write` to acknowledge or resolve by hand).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { incidentsContext } from '../../modules/incidents/context.js';
import {
  actOnAlert,
  ALERT_LIST_STATUSES,
  getAlert,
  listAlerts,
  type AlertView,
} from '../../modules/incidents/alert-queries.js';
import {
  createIntegration,
  deleteIntegration,
  INTEGRATION_KINDS,
  IntegrationSettings,
  listIntegrations,
  rotateIntegrationToken,
  updateIntegration,
  type IntegrationView,
} from '../../modules/incidents/integrations.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const I = z.strictObject({ workspaceId: Id, integrationId: Id });
const A = z.strictObject({ workspaceId: Id, alertId: Id });
const iso = (d: Date | null) => d?.toISOString() ?? null;

const Integration = z.object({
  id: z.string(),
  kind: z.enum(INTEGRATION_KINDS),
  name: z.string(),
  tokenPrefix: z.string().describe('The first characters of the token, to tell tokens apart.'),
  settings: IntegrationSettings,
  enabled: z.boolean(),
  createdAt: z.string(),
  lastAlertAt: z.string().nullable(),
});
const integrationJson = (i: IntegrationView): z.infer<typeof Integration> => ({
  ...i,
  createdAt: i.createdAt.toISOString(),
  lastAlertAt: iso(i.lastAlertAt),
});

const WithToken = z.object({
  integration: Integration,
  token: z.string().describe('Shown this once: only its SHA-256 is stored.'),
  setup: z.object({
    url: z.string().describe('Where the sender posts.'),
    urlWithToken: z
      .string()
      .nullable()
      .describe('The same with the token in the path, for senders that cannot set headers.'),
    note: z.string(),
  }),
});

const Alert = z.object({
  id: z.string(),
  source: z.string(),
  dedupKey: z.string(),
  status: z.enum(['firing', 'acknowledged', 'resolved']),
  severity: z.string(),
  summary: z.string(),
  service: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  details: z.record(z.string(), z.unknown()),
  count: z.number(),
  flaps: z.number().describe('Re-fires within the damping window (30 min).'),
  flapping: z.boolean().describe('Held on its previous incident: it opens none.'),
  incident: z.object({ id: z.string(), number: z.number() }).nullable(),
  startedAt: z.string(),
  lastSeenAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
});
const alertJson = (a: AlertView): z.infer<typeof Alert> => ({
  ...a,
  startedAt: a.startedAt.toISOString(),
  lastSeenAt: a.lastSeenAt.toISOString(),
  acknowledgedAt: iso(a.acknowledgedAt),
  resolvedAt: iso(a.resolvedAt),
  createdAt: a.createdAt.toISOString(),
});

const seesRestricted = (request: FastifyRequest) =>
  accessOf(request).permissions.has('security-incidents.read');

export function integrationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = incidentsContext(deps);
  const base = '/api/v1/workspaces/:workspaceId/integrations';
  const publicUrl = deps.config.publicUrl.replace(/\/+$/, '');

  const setupOf = (integration: IntegrationView, token: string): z.infer<typeof WithToken>['setup'] => {
    switch (integration.kind) {
      case 'alertmanager':
        return {
          url: `${publicUrl}/api/v1/intake/alertmanager`,
          urlWithToken: `${publicUrl}/api/v1/intake/alertmanager/${token}`,
          note: 'In alertmanager.yml: a receiver with webhook_configs: [{ url: <url>, http_config: { authorization: { credentials: <token> } } }].',
        };
      case 'pagerduty':
        return {
          url: `${publicUrl}/api/v1/intake/pagerduty/v2/enqueue`,
          urlWithToken: null,
          note: 'Use the token as the routing key (integration key) and this URL as the Events API v2 URL.',
        };
      case 'generic':
        return {
          url: `${publicUrl}/api/v1/intake/generic`,
          urlWithToken: `${publicUrl}/api/v1/intake/generic/${token}`,
          note: 'POST one alert or { "alerts": [ … ] } as JSON with Authorization: Bearer <token>.',
        };
    }
  };

  r.get(
    base,
    {
      schema: {
        tags: ['alerts'],
        summary: 'The alert integrations of this workspace',
        params: W,
        response: { 200: z.object({ items: z.array(Integration) }) },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) => ({
      items: (await listIntegrations(deps.database, request.params.workspaceId)).map(integrationJson),
    }),
  );

  r.post(
    base,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Create an alert integration; its token is in this answer only',
        params: W,
        body: z.strictObject({
          kind: z.enum(INTEGRATION_KINDS),
          name: z.string().trim().min(1).max(100),
          settings: IntegrationSettings.optional(),
        }),
        response: { 201: WithToken },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const { token, integration } = await createIntegration(
        deps.database,
        request.params.workspaceId,
        request.body,
        accessOf(request).actor,
        deps.now(),
      );
      return reply
        .code(201)
        .send({ integration: integrationJson(integration), token, setup: setupOf(integration, token) });
    },
  );

  r.patch(
    `${base}/:integrationId`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Rename, enable or disable an integration, or replace its settings',
        params: I,
        body: z.strictObject({
          name: z.string().trim().min(1).max(100).optional(),
          enabled: z
            .boolean()
            .optional()
            .describe('A disabled integration is refused (401, or 404 by URL token).'),
          settings: IntegrationSettings.optional(),
        }),
        response: { 200: Integration },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) => {
      const { workspaceId, integrationId } = request.params;
      return integrationJson(
        await updateIntegration(
          deps.database,
          workspaceId,
          integrationId,
          request.body,
          accessOf(request).actor,
          deps.now(),
        ),
      );
    },
  );

  r.post(
    `${base}/:integrationId/token`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Rotate the token: a new one, shown once; the old one stops working',
        params: I,
        response: { 200: WithToken },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) => {
      const { workspaceId, integrationId } = request.params;
      const { token, integration } = await rotateIntegrationToken(
        deps.database,
        workspaceId,
        integrationId,
        accessOf(request).actor,
        deps.now(),
      );
      return { integration: integrationJson(integration), token, setup: setupOf(integration, token) };
    },
  );

  r.delete(
    `${base}/:integrationId`,
    {
      schema: {
        tags: ['alerts'],
        summary: 'Delete an integration (its alerts stay)',
        params: I,
        response: { 204: z.null() },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const { workspaceId, integrationId } = request.params;
      await deleteIntegration(deps.database, workspaceId, integrationId, accessOf(request).actor, deps.now());
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first: open ones by default',
        params: W,
        querystring: z.strictObject({
          status: z.enum(ALERT_LIST_STATUSES).default('open').describe('`open`: firing or acknowledged.'),
          source: z.string().max(300).optional().describe('`alertmanager:int_…`, `check:…`, `threshold:…`'),
          severity: z.string().max(64).optional(),
          service: z.string().max(255).optional(),
          incident: z.coerce
            .number()
            .int()
            .min(1)
            .max(2_000_000_000)
            .optional()
            .describe('An incident number.'),
          dedupKey: z.string().max(255).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional().describe('`next` of the previous page.'),
        }),
        response: { 200: z.object({ items: z.array(Alert), next: z.string().nullable() }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const page = await listAlerts(ctx, request.params.workspaceId, request.query, seesRestricted(request));
      return { items: page.items.map(alertJson), next: page.next };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/alerts/:alertId',
    {
      schema: { tags: ['alerts'], summary: 'One alert', params: A, response: { 200: Alert } },
      config: { access: 'records.read' },
    },
    async (request) =>
      alertJson(
        await getAlert(ctx, request.params.workspaceId, request.params.alertId, seesRestricted(request)),
      ),
  );

  for (const action of ['acknowledge', 'resolve'] as const) {
    r.post(
      `/api/v1/workspaces/:workspaceId/alerts/:alertId/${action}`,
      {
        schema: {
          tags: ['alerts'],
          summary:
            action === 'acknowledge'
              ? 'Acknowledge an alert by hand (409 when it is resolved)'
              : 'Resolve an alert by hand; the incident alerts opened resolves with its last alert',
          params: A,
          response: { 200: Alert },
        },
        config: { access: 'incidents.write' },
      },
      async (request) => {
        const { workspaceId, alertId } = request.params;
        return alertJson(
          await actOnAlert(
            ctx,
            workspaceId,
            alertId,
            action,
            accessOf(request).actor,
            seesRestricted(request),
          ),
        );
      },
    );
  }
}
