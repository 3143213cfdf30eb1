/** Liveness, readiness and metrics: what an orchestrator and Prometheus poll. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { migrationStatus } from '../../store/migrate.js';
import type { AppDeps } from '../deps.js';
import { problemOf, sendProblem } from '../problem.js';

const Ready = z.object({
  status: z.literal('ready'),
  engine: z.enum(['pglite', 'postgres']),
  migrations: z.object({ applied: z.number().int(), expected: z.number().int() }),
});

export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up and serving HTTP',
        response: { 200: z.object({ status: z.literal('ok'), version: z.string() }) },
      },
    },
    async () => ({ status: 'ok' as const, version: deps.version }),
  );

  r.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers and every migration is applied',
        description:
          'Answers 503 (problem+json) while the database is unreachable, migrations are pending, or the process is shutting down.',
        response: { 200: Ready },
      },
    },
    async (request, reply) => {
      if (deps.lifecycle.shuttingDown)
        return sendProblem(reply, problemOf('OPS_SHUTTING_DOWN', String(request.id)));
      try {
        await deps.database.ping();
      } catch (err) {
        request.log.warn({ err }, 'readiness: database unreachable');
        return sendProblem(reply, problemOf('OPS_DATABASE_UNAVAILABLE', String(request.id)));
      }
      const status = await migrationStatus(deps.database.db);
      if (!status.current) {
        return sendProblem(
          reply,
          problemOf(
            'OPS_NOT_READY',
            String(request.id),
            `${status.applied} of ${status.expected} migrations applied: run \`opsbook migrate\`.`,
          ),
        );
      }
      return {
        status: 'ready' as const,
        engine: deps.database.engine,
        migrations: { applied: status.applied, expected: status.expected },
      };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );
}
