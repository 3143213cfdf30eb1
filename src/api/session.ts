/**
 * Session authentication for the web app: reads the cookie, resolves the session, and enforces the
 * CSRF token on state-changing requests. Routes opt in with `preHandler: requireSession`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OpsError } from '../errors/catalog.js';
import type { SessionUser } from '../modules/admin/sessions.js';
import { resolveSession } from '../modules/admin/sessions.js';
import type { AppDeps } from './deps.js';

export const SESSION_COOKIE = 'opsbook_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionUser | null;
  }
}

export function registerSession(app: FastifyInstance, deps: AppDeps): void {
  app.decorateRequest('session', null);
  app.decorate('requireSession', async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token
      ? await resolveSession(deps.database, token, sessionPolicy(deps), deps.now())
      : null;
    if (!session) throw new OpsError('OPS_UNAUTHENTICATED');
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      throw new OpsError('OPS_CSRF');
    }
    request.session = session;
  });
}

export function sessionPolicy(deps: AppDeps) {
  return { idleMinutes: deps.config.sessionIdleMinutes, maxDays: deps.config.sessionMaxDays };
}

/** The signed-in session; only call after `requireSession` ran. */
export function sessionOf(request: FastifyRequest): SessionUser {
  if (!request.session) throw new OpsError('OPS_UNAUTHENTICATED');
  return request.session;
}

declare module 'fastify' {
  interface FastifyInstance {
    requireSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}
