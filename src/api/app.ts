/**
 * The HTTP app, built but not listening: tests call `inject()` on it, the shell calls `listen()`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { newId } from '../shared/ids.js';
import type { AppDeps } from './deps.js';
import { OpsError } from '../errors/catalog.js';
import { answerClientError, problemOf, sendProblem, toProblem } from './problem.js';
import { accessRoutes } from './routes/access.js';
import { alertIntakeRoutes } from './routes/alert-intake.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { integrationRoutes } from './routes/integrations.js';
import { packRoutes } from './routes/packs.js';
import { taskRoutes } from './routes/tasks.js';
import { checklistRoutes } from './routes/checklists.js';
import { recordRoutes } from './routes/records.js';
import { complianceRoutes } from './routes/compliance.js';
import { myWorkRoutes } from './routes/my-work.js';
import { engineRoutes } from './routes/engine.js';
import { customerRoutes } from './routes/customers.js';
import { paymentHookRoutes } from './routes/payment-hooks.js';
import { vendorRoutes } from './routes/vendors.js';
import { backupRoutes } from './routes/backups.js';
import { notificationRoutes } from './routes/notifications.js';
import { oncallRoutes } from './routes/oncall.js';
import { providerHookRoutes } from './routes/provider-hooks.js';
import { mailIntakeRoutes } from './routes/mail-intake.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { supportAdminRoutes } from './routes/support-admin.js';
import { supportPublicRoutes } from './routes/support-public.js';
import { statusRoutes } from './routes/status-page.js';
import { ticketRoutes } from './routes/tickets.js';
import { incidentRoutes } from './routes/incidents.js';
import { supportContext } from '../modules/support/context.js';
import { createNotificationStream } from './notification-stream.js';
import { createTargets } from '../modules/notifications/targets.js';
import { workspaceRoutes } from './routes/workspaces.js';
import { registerSession } from './session.js';
import { registerTextGuard } from './text-guard.js';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const requestPrefix = `req_${newId('req', deps.now().getTime()).slice(-8)}_`;
  let requestCounter = 0;
  const webRoot = deps.webRoot && existsSync(join(deps.webRoot, 'index.html')) ? deps.webRoot : null;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.bodyLimitBytes,
    requestTimeout: deps.config.requestTimeoutMs,
    connectionTimeout: deps.config.connectionTimeoutMs,
    // Unique across processes (a random prefix per app) and cheap per request (a counter).
    genReqId: () => `${requestPrefix}${(requestCounter++).toString(36)}`,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    // A URL that cannot be decoded, and the like: answered before routing, as a problem too.
    frameworkErrors: (error, request, reply) => {
      void sendProblem(reply, toProblem(error, request));
    },
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // No 'unsafe-inline' anywhere: the built app has no inline scripts or <style> elements, and React
        // sets style properties through the CSSOM, which CSP does not block.
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: deps.config.publicUrl.startsWith('https://'),
  });
  await app.register(fastifyCookie);
  // Rate limits are per route (`config.rateLimit`: sign-in, codes, invitations, sign-up), keyed by the
  // client address; in memory, so per process. Account-level guessing is slowed by the lockout instead.
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new OpsError('OPS_RATE_LIMITED', `Too many requests: try again in ${Math.ceil(context.ttl / 1000)} s.`),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Opsbook API',
        version: deps.version,
        description: 'Errors are application/problem+json with an OPS_* code; see docs/errors.md.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'opsbook_session' },
          token: { type: 'http', scheme: 'bearer', description: 'A workspace API token (`opsb_…`).' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  app.setErrorHandler((error, request, reply) => sendProblem(reply, toProblem(error, request)));
  app.setNotFoundHandler((request, reply) => {
    if (
      webRoot &&
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      request.headers.accept?.includes('text/html')
    ) {
      return reply.type('text/html').sendFile('index.html'); // the web app routes on the client
    }
    return sendProblem(
      reply,
      problemOf(
        'OPS_ROUTE_NOT_FOUND',
        String(request.id),
        `No route ${request.method} ${request.url.split('?')[0]}.`,
      ),
    );
  });

  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  registerSession(app, deps);
  registerTextGuard(app);
  healthRoutes(app, deps);
  authRoutes(app, deps);
  workspaceRoutes(app, deps);
  accessRoutes(app, deps);
  packRoutes(app, deps);
  taskRoutes(app, deps);
  checklistRoutes(app, deps);
  recordRoutes(app, deps);
  complianceRoutes(app, deps);
  myWorkRoutes(app, deps);
  engineRoutes(app, deps);
  const stream = await createNotificationStream(deps.database, deps.logger);
  app.addHook('onClose', () => stream.close());
  notificationRoutes(app, deps, stream);
  providerHookRoutes(
    app,
    deps,
    createTargets(deps.database, deps.keys, () => deps.now().getTime()),
  );
  const support = supportContext(deps);
  ticketRoutes(app, deps, support);
  incidentRoutes(app, deps);
  oncallRoutes(app, deps);
  alertIntakeRoutes(app, deps);
  integrationRoutes(app, deps);
  supportAdminRoutes(app, deps, support);
  supportPublicRoutes(app, deps, support);
  statusRoutes(app, deps);
  mailIntakeRoutes(app, deps, support);
  monitoringRoutes(app, deps);
  customerRoutes(app, deps);
  paymentHookRoutes(app, deps);
  vendorRoutes(app, deps);
  backupRoutes(app, deps);
  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () =>
    app.swagger(),
  );

  if (webRoot) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart;
    // a missing file falls through to the not-found handler (the client-side routes above).
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: true, index: 'index.html' });
  }
  return app;
}
