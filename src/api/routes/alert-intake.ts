/**
 * Where alerts arrive (issue 8 "Detect"), authenticated by the integration's own token, not a session:
 *
 * - `POST /api/v1/intake/alertmanager`: Prometheus Alertmanager's webhook (version 4), token as
 *   `Authorization: Bearer` (Alertmanager's `http_config.authorization.credentials`) or in the path
 *   (`…/alertmanager/<token>`) for senders that cannot set headers;
 * - `POST /api/v1/intake/pagerduty/v2/enqueue`: PagerDuty's Events API v2, token as `routing_key`, answers
 *   shaped like PagerDuty's;
 * - `POST /api/v1/intake/generic`: one alert, or `{ "alerts": [ … ] }`; bearer or path token.
 *
 * 202 is sent only after the alerts committed (RELIABILITY: nothing accepted is lost). A request is all or
 * nothing: up to 10,000 alerts in one transaction, more are refused with 413. Each integration has its own
 * flood guard (S9): a flood is answered 429 with Retry-After and leaves the other integrations alone.
 * Routes with the token in the path log at `warn` only, so the token never reaches the request log.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import {
  AlertmanagerWebhook,
  asGenericBatch,
  fromAlertmanager,
  fromGeneric,
  fromPagerDuty,
  GenericBatch,
  PagerDutyEvent,
  type IntegrationDefaults,
} from '../../modules/incidents/alert-formats.js';
import { AlertBatcher } from '../../modules/incidents/alert-batcher.js';
import { checkAlertEvents, type AlertEvent, type IngestResult } from '../../modules/incidents/alerts.js';
import { incidentsContext, type IncidentsContext } from '../../modules/incidents/context.js';
import {
  AlertFloodGuard,
  recordIntegrationUse,
  resolveIntegration,
  type IntegrationPrincipal,
} from '../../modules/incidents/integrations.js';
import { ingestSamples } from '../../modules/incidents/thresholds.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

/** 10,000 Alertmanager alerts with their labels and annotations fit well within it (docs/alerts.md). */
export const INTAKE_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

const Result = z.object({
  accepted: z.number().describe('Events read from the request.'),
  opened: z.number().describe('New alerts.'),
  updated: z.number().describe('Repeats of an open alert (its count and last-seen moved).'),
  resolved: z.number(),
  acknowledged: z.number(),
  suppressed: z.number().describe('New alerts of a component under maintenance: recorded, no incident.'),
  incidents: z.array(z.number()).describe('Numbers of the incidents the alerts opened or joined.'),
});
const TokenParams = z.strictObject({ token: z.string().min(1).max(128) });

type Where = 'header' | 'path' | 'routing_key';
const principals = new WeakMap<FastifyRequest, IntegrationPrincipal>();

function tokenOf(request: FastifyRequest, where: Where): string | null {
  if (where === 'path') return (request.params as { token?: string }).token ?? null;
  if (where === 'routing_key') {
    const key = (request.body as { routing_key?: unknown } | null)?.routing_key;
    return typeof key === 'string' ? key : null;
  }
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match ? match[1]! : null;
}

/**
 * Finds the integration before the body is validated, so a stranger learns nothing from validation
 * errors: unknown or disabled answers 401 (header, routing key) or 404 (a token in the path is a URL).
 */
function authenticate(deps: AppDeps, where: Where) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = tokenOf(request, where);
    const principal = token ? await resolveIntegration(deps.database, token, deps.now().getTime()) : null;
    if (principal?.enabled) {
      principals.set(request, principal);
      return;
    }
    const why = principal
      ? 'The integration of this token is disabled; enable it under Integrations.'
      : token
        ? 'No integration has this token: it is mistyped, was rotated, or the integration was deleted.'
        : where === 'routing_key'
          ? "Send the integration's token as `routing_key`."
          : "Send the integration's token as `Authorization: Bearer <token>`, or in the URL.";
    throw new OpsError(where === 'path' ? 'OPS_NOT_FOUND' : 'OPS_UNAUTHENTICATED', why);
  };
}

function principalOf(request: FastifyRequest): IntegrationPrincipal {
  const principal = principals.get(request);
  if (!principal) throw new OpsError('OPS_UNAUTHENTICATED');
  return principal;
}

const defaultsOf = (p: IntegrationPrincipal): IntegrationDefaults => ({
  severity: p.settings.severity,
  service: p.settings.service,
});

/** What the intake routes share: the flood guard and the group-commit batcher, per app. */
interface Intake {
  readonly ctx: IncidentsContext;
  readonly guard: AlertFloodGuard;
  readonly batcher: AlertBatcher;
}

/**
 * The size limit and the events' checks, then the flood guard, then the batcher (one transaction, shared
 * with concurrent requests of the workspace); answers only after it committed.
 */
async function ingest(
  intake: Intake,
  principal: IntegrationPrincipal,
  events: readonly AlertEvent[],
  reply: FastifyReply,
  base = '/body/alerts',
): Promise<IngestResult> {
  checkAlertEvents(events, base);
  const now = intake.ctx.now();
  const waitS = intake.guard.take(principal, Math.max(1, events.length), now.getTime());
  if (waitS > 0) {
    void reply.header('retry-after', String(waitS));
    throw new OpsError(
      'OPS_RATE_LIMITED',
      `This integration sent more alerts than its limit allows; try again in ${waitS} s.`,
    );
  }
  return intake.batcher.submit(
    principal.workspaceId,
    { source: `${principal.kind}:${principal.id}`, events, actor: `integration:${principal.id}` },
    (tx) => recordIntegrationUse(tx, principal, now),
  );
}

export function alertIntakeRoutes(app: FastifyInstance, deps: AppDeps): void {
  const ctx = incidentsContext(deps);
  const intake: Intake = { ctx, guard: new AlertFloodGuard(), batcher: new AlertBatcher(ctx) };
  void app.register(async (scope) => {
    alertmanagerRoutes(scope, deps, intake);
    genericRoutes(scope, deps, intake);
    pagerDutyRoute(scope, deps, intake);
    metricsRoute(scope, ctx);
  });
}

const PUBLIC = { access: 'public' } as const;

function alertmanagerRoutes(app: FastifyInstance, deps: AppDeps, intake: Intake) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const description =
    "Alertmanager's webhook_config (version 4). Each alert is deduplicated by its fingerprint: firing opens or repeats it, resolved closes it. Severity from the `severity` label, service from `service`, the incident group from the payload's groupKey. All or nothing, up to 10,000 alerts; 202 after commit.";
  for (const [url, where] of [
    ['/api/v1/intake/alertmanager', 'header'],
    ['/api/v1/intake/alertmanager/:token', 'path'],
  ] as const) {
    r.post(
      url,
      {
        bodyLimit: INTAKE_BODY_LIMIT_BYTES,
        ...(where === 'path' ? { logLevel: 'warn' as const } : {}),
        preValidation: authenticate(deps, where),
        schema: {
          tags: ['alerts'],
          summary:
            where === 'path'
              ? 'Alertmanager webhook, with the integration token in the URL'
              : 'Alertmanager webhook (Authorization: Bearer <integration token>)',
          description,
          ...(where === 'path' ? { params: TokenParams } : {}),
          body: AlertmanagerWebhook,
          response: { 202: Result },
        },
        config: PUBLIC,
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const events = fromAlertmanager(request.body, defaultsOf(principal));
        return reply.code(202).send(await ingest(intake, principal, events, reply));
      },
    );
  }
}

function genericRoutes(app: FastifyInstance, deps: AppDeps, intake: Intake) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const [url, where] of [
    ['/api/v1/intake/generic', 'header'],
    ['/api/v1/intake/generic/:token', 'path'],
  ] as const) {
    r.post(
      url,
      {
        bodyLimit: INTAKE_BODY_LIMIT_BYTES,
        ...(where === 'path' ? { logLevel: 'warn' as const } : {}),
        preValidation: [
          authenticate(deps, where),
          async (request: FastifyRequest) => {
            request.body = asGenericBatch(request.body);
          },
        ],
        schema: {
          tags: ['alerts'],
          summary:
            where === 'path'
              ? 'Generic JSON alerts, with the integration token in the URL'
              : 'Generic JSON alerts (Authorization: Bearer <integration token>)',
          description:
            'One alert, or `{ "alerts": [ … ] }` applied in order (a single alert is read as `alerts[0]`). `action` trigger (default), acknowledge or resolve; `dedupKey` groups repeats (default: derived from summary, service, component and labels). All or nothing, up to 10,000 alerts; 202 after commit.',
          ...(where === 'path' ? { params: TokenParams } : {}),
          body: GenericBatch,
          response: { 202: Result },
        },
        config: PUBLIC,
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const read = fromGeneric(request.body.alerts, defaultsOf(principal), '/body/alerts');
        if (read.problems.length > 0)
          throw new OpsError(
            'OPS_VALIDATION',
            `${read.problems.length} alert(s) are not valid.`,
            read.problems,
          );
        return reply.code(202).send(await ingest(intake, principal, read.events, reply));
      },
    );
  }
}

/** PagerDuty's answers: `{ status, message, dedup_key }`, or `{ status: 'invalid event', message, errors }`. */
const PdAccepted = z.object({ status: z.literal('success'), message: z.string(), dedup_key: z.string() });
const PdInvalid = z.object({
  status: z.literal('invalid event'),
  message: z.string(),
  errors: z.array(z.string()),
  code: z.literal('OPS_VALIDATION'),
  fields: z.array(z.object({ pointer: z.string(), message: z.string() })),
});

function pagerDutyRoute(app: FastifyInstance, deps: AppDeps, intake: Intake) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/intake/pagerduty/v2/enqueue',
    {
      bodyLimit: 512 * 1024,
      preValidation: authenticate(deps, 'routing_key'),
      schema: {
        tags: ['alerts'],
        summary: "PagerDuty Events API v2-compatible: one event (routing_key = the integration's token)",
        description:
          "Point a PagerDuty sender's Events API URL here. `event_action` trigger, acknowledge or resolve; a trigger without `dedup_key` gets one, returned. `payload.summary`, `source` and `severity` (critical, error, warning, info) are required to trigger; `component`, `group`, `class`, `custom_details`, `images` and `links` are kept. 400 answers list the problems as PagerDuty does (`errors`), and as pointers (`fields`).",
        body: PagerDutyEvent,
        // A body that is not JSON at all gets the usual problem document (it too has a `code`).
        response: { 202: PdAccepted, 400: PdInvalid.or(z.looseObject({ code: z.string() })) },
      },
      config: PUBLIC,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const read = fromPagerDuty(request.body, defaultsOf(principal));
      if (!read.ok) {
        const invalid: z.infer<typeof PdInvalid> = {
          status: 'invalid event' as const,
          message: 'Event object is invalid',
          errors: read.problems.map((p) => p.message),
          code: 'OPS_VALIDATION',
          fields: read.problems,
        };
        return reply.code(400).send(invalid);
      }
      await ingest(intake, principal, [read.event], reply, '/body/events');
      return reply
        .code(202)
        .send({ status: 'success' as const, message: 'Event processed', dedup_key: read.dedupKey });
    },
  );
}

const Sample = z.strictObject({
  metric: z.string().min(1).max(200),
  value: z.number().finite(),
  labels: z.record(z.string().min(1).max(128), z.string().max(1024)).optional(),
  at: z.iso.datetime({ offset: true }).optional().describe('When it was measured; default now.'),
});

/** Metric samples checked against the pack's thresholds: with an API token of the `ingest` scope. */
function metricsRoute(app: FastifyInstance, ctx: IncidentsContext) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/workspaces/:workspaceId/metrics',
    {
      bodyLimit: INTAKE_BODY_LIMIT_BYTES,
      schema: {
        tags: ['alerts'],
        summary: "Push metric samples; the pack's thresholds fire and resolve alerts",
        description:
          "Each sample is checked against every threshold of its metric in the active pack (`monitors.thresholds`: op, value, sustainedFor); a series is a threshold and one label set. Crossing fires an alert (`threshold:<id>:<labels>`), coming back resolves it. Values are in the threshold's unit (`%` as 0-100). Up to 10,000 samples, applied in order, all or nothing.",
        params: z.strictObject({ workspaceId: z.string().min(1).max(64) }),
        body: z.strictObject({ samples: z.array(Sample) }),
        response: {
          202: z.object({
            accepted: z.number(),
            unwatched: z.number().describe('Samples of a metric no threshold watches.'),
            stale: z.number().describe("Samples older than their series' last one: ignored."),
            fired: z.number(),
            resolved: z.number(),
            incidents: z.array(z.number()),
          }),
        },
      },
      config: { access: ['ingest', 'incidents.write'] },
    },
    async (request, reply) => {
      const samples = request.body.samples.map((s) => ({
        metric: s.metric,
        value: s.value,
        labels: s.labels,
        at: s.at === undefined ? undefined : new Date(s.at),
      }));
      const result = await ingestSamples(ctx, request.params.workspaceId, samples, accessOf(request).actor);
      return reply.code(202).send(result);
    },
  );
}
