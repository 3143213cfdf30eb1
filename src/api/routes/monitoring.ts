/**
 * Monitoring admin API (issue 8): health checks (CRUD, pause/resume, run now, results, uptime), heartbeats
 * (CRUD, pause/resume, a new ping URL, pings) and "import from pack". Changing needs `incidents.manage`,
 * reading `records.read`. Thin: each route calls one use case of src/modules/monitoring/. The public ping
 * URLs are in heartbeat-ping.ts, registered from here.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { incidentsContext } from '../../modules/incidents/context.js';
import { checkUptime, listResults } from '../../modules/monitoring/check-history.js';
import { deleteCheck, runCheckNow, setCheckPaused } from '../../modules/monitoring/check-actions.js';
import { createCheck, getCheck, listChecks, updateCheck } from '../../modules/monitoring/checks.js';
import { monitoringContext, type MonitoringContext } from '../../modules/monitoring/context.js';
import {
  createHeartbeat,
  deleteHeartbeat,
  getHeartbeat,
  listHeartbeats,
  replacePingToken,
  setHeartbeatPaused,
  updateHeartbeat,
} from '../../modules/monitoring/heartbeats.js';
import { importPackMonitors } from '../../modules/monitoring/pack-import.js';
import { listPings } from '../../modules/monitoring/pings.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';
import { heartbeatPingRoutes } from './heartbeat-ping.js';

const BASE = '/api/v1/workspaces/:workspaceId';
const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const C = W.extend({ checkId: Id });
const H = W.extend({ heartbeatId: Id });
const Key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes');
const Limit = z.coerce.number().int().min(1).max(500).default(100);
const Cursor = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const Severity = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .describe('critical, error, warning, info, or a level of the pack scale (p0, sev1).');
const Component = Id.describe('A status-page component id: marked major outage while the monitor is down.');

const CheckFields = {
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['http', 'tcp']),
  target: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe('A URL (http) or host:port (tcp); private addresses are refused.'),
  intervalMs: z
    .number()
    .int()
    .min(10_000)
    .max(86_400_000)
    .optional()
    .describe("Default: the pack check's, else 60 s."),
  timeoutMs: z
    .number()
    .int()
    .min(1_000)
    .max(60_000)
    .optional()
    .describe('Default: 10 s, at most the interval.'),
  expectStatus: z.array(z.number().int().min(100).max(599)).max(20).optional().describe('Default: any 2xx.'),
  keyword: z.string().min(1).max(200).nullable().optional().describe('Text the answer must contain.'),
  latencyThresholdMs: z.number().int().min(1).max(60_000).nullable().optional(),
  failureThreshold: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe('Failures in a row that take it down (2).'),
  recoveryThreshold: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe('Passes in a row that bring it up (1).'),
  severity: Severity.nullable().optional(),
  component: Component.nullable().optional(),
  packCheck: Key.nullable().optional().describe('The pack check it implements (e.g. health-checks).'),
};
const CheckBody = z.strictObject(CheckFields);
const CheckPatchBody = z.strictObject(CheckFields).partial();
const MonitorStatus = z.enum(['unknown', 'up', 'down', 'paused']);
const Check = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['http', 'tcp']),
  target: z.string(),
  intervalMs: z.number(),
  timeoutMs: z.number(),
  expectStatus: z.array(z.number()),
  keyword: z.string().nullable(),
  latencyThresholdMs: z.number().nullable(),
  failureThreshold: z.number(),
  recoveryThreshold: z.number(),
  severity: z.string().nullable(),
  component: z.string().nullable(),
  packCheck: z.string().nullable(),
  status: MonitorStatus,
  paused: z.boolean(),
  alerting: z.boolean(),
  consecutiveFailures: z.number(),
  consecutiveSuccesses: z.number(),
  lastRunAt: z.string().nullable(),
  lastChangeAt: z.string().nullable(),
  lastLatencyMs: z.number().nullable(),
  lastError: z.string().nullable(),
  nextRunAt: z.string(),
  missedRuns: z.number(),
  createdAt: z.string(),
});
const Windows = z.object({
  '24h': z.number().nullable(),
  '7d': z.number().nullable(),
  '30d': z.number().nullable(),
  '90d': z.number().nullable(),
});
const Uptime = z.object({
  uptime: Windows.describe('Share of time up (0-1) per window; null when neither up nor down in it.'),
  downSeconds: z.object({ '24h': z.number(), '7d': z.number(), '30d': z.number(), '90d': z.number() }),
  days: z.array(
    z.object({
      day: z.string(),
      runs: z.number(),
      failures: z.number(),
      averageLatencyMs: z.number().nullable(),
      maxLatencyMs: z.number().nullable(),
    }),
  ),
  changes: z.array(z.object({ status: MonitorStatus, at: z.string(), reason: z.string().nullable() })),
});
const Result = z.object({
  id: z.number(),
  at: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
});

const HeartbeatFields = {
  name: z.string().trim().min(1).max(200),
  periodMs: z
    .number()
    .int()
    .min(60_000)
    .max(366 * 86_400_000)
    .nullable()
    .optional()
    .describe('Default: 1 day.'),
  schedule: z
    .string()
    .trim()
    .min(9)
    .max(120)
    .nullable()
    .optional()
    .describe('A cron expression, instead of a period.'),
  timeZone: z.string().min(1).max(64).optional().describe("The schedule's zone; default: the workspace's."),
  graceMs: z
    .number()
    .int()
    .min(60_000)
    .max(366 * 86_400_000)
    .optional()
    .describe('Default: 1 hour.'),
  severity: Severity.nullable().optional(),
  component: Component.nullable().optional(),
};
const HeartbeatBody = z.strictObject(HeartbeatFields);
const HeartbeatPatchBody = z.strictObject(HeartbeatFields).partial();
const HeartbeatStatus = z.enum(['new', 'up', 'started', 'late', 'down', 'paused']);
const Heartbeat = z.object({
  id: z.string(),
  name: z.string(),
  periodMs: z.number().nullable(),
  schedule: z.string().nullable(),
  timeZone: z.string(),
  graceMs: z.number(),
  severity: z.string().nullable(),
  component: z.string().nullable(),
  packHeartbeat: z.string().nullable(),
  status: HeartbeatStatus,
  paused: z.boolean(),
  alerting: z.boolean(),
  lastPingAt: z.string().nullable(),
  lastStartAt: z.string().nullable(),
  downAt: z.string().nullable(),
  createdAt: z.string(),
});
const WithPingUrl = z.object({
  heartbeat: Heartbeat,
  pingUrl: z
    .string()
    .describe('Shown once: only its hash is kept. GET or POST it; add /start, /fail or /log.'),
});
const Ping = z.object({
  id: z.number(),
  kind: z.string(),
  at: z.string(),
  durationMs: z.number().nullable(),
  body: z.string().nullable(),
  remoteAddress: z.string().nullable(),
});

export function monitoringRoutes(app: FastifyInstance, deps: AppDeps): void {
  const ctx = monitoringContext(incidentsContext(deps), deps.config.outboundAllow);
  checkRoutes(app, deps, ctx);
  heartbeatRoutes(app, ctx);
  heartbeatPingRoutes(app, ctx);
  app.withTypeProvider<ZodTypeProvider>().post(
    `${BASE}/monitors/import`,
    {
      schema: {
        tags: ['monitoring'],
        summary:
          "Create the active pack's heartbeats, and its checks that name a target (again: nothing new)",
        params: W,
        response: {
          200: z.object({
            heartbeats: z.array(WithPingUrl),
            checks: z.array(Check),
            skipped: z.array(
              z.object({ kind: z.enum(['check', 'heartbeat']), id: z.string(), reason: z.string() }),
            ),
          }),
        },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) => importPackMonitors(ctx, request.params.workspaceId, accessOf(request).actor),
  );
}

function checkRoutes(app: FastifyInstance, deps: AppDeps, ctx: MonitoringContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['monitoring'];
  const manage = { access: 'incidents.manage' as const };
  const read = { access: 'records.read' as const };

  r.get(
    `${BASE}/checks`,
    {
      schema: {
        tags,
        summary: 'Health checks, a page at a time',
        params: W,
        querystring: z.strictObject({ status: MonitorStatus.optional(), after: Id.optional(), limit: Limit }),
        response: { 200: z.object({ items: z.array(Check), next: z.string().nullable() }) },
      },
      config: read,
    },
    async (request) => listChecks(deps.database, request.params.workspaceId, request.query),
  );
  r.post(
    `${BASE}/checks`,
    {
      schema: {
        tags,
        summary: 'Create a health check (it runs at once)',
        params: W,
        body: CheckBody,
        response: { 201: Check },
      },
      config: manage,
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createCheck(ctx, request.params.workspaceId, request.body, accessOf(request).actor)),
  );
  r.get(
    `${BASE}/checks/:checkId`,
    { schema: { tags, summary: 'A health check', params: C, response: { 200: Check } }, config: read },
    async (request) => getCheck(deps.database, request.params.workspaceId, request.params.checkId),
  );
  r.patch(
    `${BASE}/checks/:checkId`,
    {
      schema: {
        tags,
        summary: 'Change a health check (it runs again at once)',
        params: C,
        body: CheckPatchBody,
        response: { 200: Check },
      },
      config: manage,
    },
    async (request) =>
      updateCheck(
        ctx,
        request.params.workspaceId,
        request.params.checkId,
        request.body,
        accessOf(request).actor,
      ),
  );
  r.delete(
    `${BASE}/checks/:checkId`,
    {
      schema: {
        tags,
        summary: 'Delete a health check and its history',
        params: C,
        response: { 204: z.null() },
      },
      config: manage,
    },
    async (request, reply) => {
      await deleteCheck(ctx, request.params.workspaceId, request.params.checkId, accessOf(request).actor);
      return reply.code(204).send(null);
    },
  );
  for (const [action, summary] of [
    ['pause', 'Pause a health check (an open alert is resolved)'],
    ['resume', 'Resume a paused health check'],
    ['run', 'Run a health check now'],
  ] as const) {
    r.post(
      `${BASE}/checks/:checkId/${action}`,
      { schema: { tags, summary, params: C, response: { 200: Check } }, config: manage },
      async (request) => {
        const { workspaceId, checkId } = request.params;
        const actor = accessOf(request).actor;
        return action === 'run'
          ? runCheckNow(ctx, workspaceId, checkId, actor)
          : setCheckPaused(ctx, workspaceId, checkId, action === 'pause', actor);
      },
    );
  }
  r.get(
    `${BASE}/checks/:checkId/results`,
    {
      schema: {
        tags,
        summary: 'Recent results of a health check, newest first (raw results are kept 48 hours)',
        params: C,
        querystring: z.strictObject({ before: Cursor.optional(), limit: Limit }),
        response: { 200: z.object({ items: z.array(Result), next: z.number().nullable() }) },
      },
      config: read,
    },
    async (request) =>
      listResults(deps.database, request.params.workspaceId, request.params.checkId, request.query),
  );
  r.get(
    `${BASE}/checks/:checkId/uptime`,
    {
      schema: {
        tags,
        summary: 'Uptime over 24 h, 7, 30 and 90 days, daily runs and latency, and status changes',
        params: C,
        response: { 200: Uptime },
      },
      config: read,
    },
    async (request) =>
      checkUptime(deps.database, request.params.workspaceId, request.params.checkId, deps.now()),
  );
}

function heartbeatRoutes(app: FastifyInstance, ctx: MonitoringContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['monitoring'];
  const manage = { access: 'incidents.manage' as const };
  const read = { access: 'records.read' as const };

  r.get(
    `${BASE}/heartbeats`,
    {
      schema: {
        tags,
        summary: 'Heartbeats, a page at a time',
        params: W,
        querystring: z.strictObject({
          status: HeartbeatStatus.optional(),
          after: Id.optional(),
          limit: Limit,
        }),
        response: { 200: z.object({ items: z.array(Heartbeat), next: z.string().nullable() }) },
      },
      config: read,
    },
    async (request) => listHeartbeats(ctx.database, request.params.workspaceId, request.query),
  );
  r.post(
    `${BASE}/heartbeats`,
    {
      schema: {
        tags,
        summary: 'Create a heartbeat; the answer carries its ping URL, shown this once',
        params: W,
        body: HeartbeatBody,
        response: { 201: WithPingUrl },
      },
      config: manage,
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createHeartbeat(ctx, request.params.workspaceId, request.body, accessOf(request).actor)),
  );
  r.get(
    `${BASE}/heartbeats/:heartbeatId`,
    { schema: { tags, summary: 'A heartbeat', params: H, response: { 200: Heartbeat } }, config: read },
    async (request) => getHeartbeat(ctx.database, request.params.workspaceId, request.params.heartbeatId),
  );
  r.patch(
    `${BASE}/heartbeats/:heartbeatId`,
    {
      schema: {
        tags,
        summary: 'Change a heartbeat',
        params: H,
        body: HeartbeatPatchBody,
        response: { 200: Heartbeat },
      },
      config: manage,
    },
    async (request) =>
      updateHeartbeat(
        ctx,
        request.params.workspaceId,
        request.params.heartbeatId,
        request.body,
        accessOf(request).actor,
      ),
  );
  r.delete(
    `${BASE}/heartbeats/:heartbeatId`,
    {
      schema: { tags, summary: 'Delete a heartbeat and its pings', params: H, response: { 204: z.null() } },
      config: manage,
    },
    async (request, reply) => {
      await deleteHeartbeat(
        ctx,
        request.params.workspaceId,
        request.params.heartbeatId,
        accessOf(request).actor,
      );
      return reply.code(204).send(null);
    },
  );
  for (const [action, summary] of [
    ['pause', 'Pause a heartbeat (an open alert is resolved; the next ping resumes it)'],
    ['resume', 'Resume a heartbeat (it waits for its next ping)'],
  ] as const) {
    r.post(
      `${BASE}/heartbeats/:heartbeatId/${action}`,
      { schema: { tags, summary, params: H, response: { 200: Heartbeat } }, config: manage },
      async (request) =>
        setHeartbeatPaused(
          ctx,
          request.params.workspaceId,
          request.params.heartbeatId,
          action === 'pause',
          accessOf(request).actor,
        ),
    );
  }
  r.post(
    `${BASE}/heartbeats/:heartbeatId/token`,
    {
      schema: {
        tags,
        summary: 'Replace the ping URL (the old one stops working); the answer carries the new one, once',
        params: H,
        response: { 200: WithPingUrl },
      },
      config: manage,
    },
    async (request) =>
      replacePingToken(ctx, request.params.workspaceId, request.params.heartbeatId, accessOf(request).actor),
  );
  r.get(
    `${BASE}/heartbeats/:heartbeatId/pings`,
    {
      schema: {
        tags,
        summary: 'Pings of a heartbeat, newest first (kept 30 days)',
        params: H,
        querystring: z.strictObject({ before: Cursor.optional(), limit: Limit }),
        response: { 200: z.object({ items: z.array(Ping), next: z.number().nullable() }) },
      },
      config: read,
    },
    async (request) => {
      const { workspaceId, heartbeatId } = request.params;
      await getHeartbeat(ctx.database, workspaceId, heartbeatId); // 404 for another workspace's id
      return listPings(ctx.database, workspaceId, heartbeatId, request.query);
    },
  );
}
