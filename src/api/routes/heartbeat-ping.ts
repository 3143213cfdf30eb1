/**
 * The URLs jobs ping (Healthchecks.io's): `/ping/<token>` for success, `/ping/<token>/start`, `/fail`,
 * `/log`, or an exit status (`/ping/<token>/0` succeeds, `/1`-`/255` fail). GET, POST and HEAD all count;
 * a POST body of any type is kept (its first 10,000 characters) as the run's log. Answers `OK` as plain
 * text once the ping is committed; an unknown token is 404. Rate-limited per token (60 a minute), so a
 * runaway loop cannot flood the history. No sign-in: the token is the credential.
 */
import { storableText } from '../text-guard.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PingKind } from '../../core/monitoring.js';
import { OpsError } from '../../errors/catalog.js';
import type { MonitoringContext } from '../../modules/monitoring/context.js';
import { receivePing } from '../../modules/monitoring/pings.js';

const Token = z.string().min(1).max(128);
const Signal = z
  .string()
  .regex(/^(start|fail|log|\d{1,3})$/, 'start, fail, log, or an exit status 0-255')
  .refine((s) => !/^\d+$/.test(s) || Number(s) <= 255, 'an exit status is 0-255');
const RATE_LIMIT = {
  max: 60,
  timeWindow: '1 minute',
  keyGenerator: (request: { params: unknown; ip: string }) =>
    `ping:${(request.params as { token?: string }).token ?? request.ip}`,
};
/** Bodies beyond this are refused (413); the log keeps the first 10,000 characters of what is accepted. */
const PING_BODY_LIMIT = 1024 * 1024;
const TEXT = 'text/plain; charset=utf-8';

function kindOf(signal: string | undefined): PingKind {
  if (signal === undefined || signal === '0') return 'success';
  if (signal === 'start' || signal === 'fail' || signal === 'log') return signal;
  return 'fail'; // a non-zero exit status
}

export function heartbeatPingRoutes(app: FastifyInstance, ctx: MonitoringContext): void {
  void app.register(async (scope) => pingScope(scope, ctx));
}

async function pingScope(app: FastifyInstance, ctx: MonitoringContext): Promise<void> {
  // Any body is a log: text, JSON, a tarball's listing. Kept as text, never parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: PING_BODY_LIMIT }, (_request, body, done) =>
    done(null, storableText(String(body))),
  );
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ping = async (request: FastifyRequest, token: string, signal: string | undefined) => {
    const found = await receivePing(
      ctx,
      token,
      {
        kind: kindOf(signal),
        body: typeof request.body === 'string' && request.body.length > 0 ? request.body : undefined,
        remoteAddress: request.ip,
      },
      (err) =>
        request.log.error({ err }, 'could not raise or resolve a heartbeat alert; retrying in a minute'),
    );
    if (!found)
      throw new OpsError('OPS_NOT_FOUND', 'No heartbeat has this ping URL (it may have been replaced).');
  };
  const common = { tags: ['monitoring'], response: { 200: z.string().describe('`OK`, as text/plain') } };
  r.route({
    method: ['GET', 'POST'],
    url: '/ping/:token',
    schema: {
      ...common,
      summary: 'A heartbeat ping: the job succeeded',
      params: z.strictObject({ token: Token }),
    },
    config: { access: 'public', rateLimit: RATE_LIMIT },
    handler: async (request, reply) => {
      await ping(request, request.params.token, undefined);
      return reply.type(TEXT).send('OK');
    },
  });
  r.route({
    method: ['GET', 'POST'],
    url: '/ping/:token/:signal',
    schema: {
      ...common,
      summary: 'A heartbeat signal: start, fail, log, or an exit status (0 succeeds)',
      params: z.strictObject({ token: Token, signal: Signal }),
    },
    config: { access: 'public', rateLimit: RATE_LIMIT },
    handler: async (request, reply) => {
      await ping(request, request.params.token, request.params.signal);
      return reply.type(TEXT).send('OK');
    },
  });
}
