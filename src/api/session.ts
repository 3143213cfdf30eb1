/**
 * Authentication and authorisation for every route, in one place. Each route under /api/ declares in
 * `config.access` what it needs, and the app refuses to start when one does not:
 *
 * - `public`: anyone (sign-in, invitation links, health);
 * - `session`: a signed-in person, by session cookie (their own account: `me`, sessions, MFA);
 * - a permission (or a list, any of which will do): a member of the route's `:workspaceId` whose role
 *   has it, by session cookie or by a bearer API token of that workspace whose scope has it.
 *
 * Cookies need the CSRF token on POST, PUT, PATCH and DELETE; bearer tokens do not (no browser sends
 * them on its own). Another workspace's records answer 404, not 403, so their existence is not revealed.
 * A workspace that requires MFA refuses sessions that signed in without a second factor.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Permission } from '../core/access.js';
import { permissionsOfScope } from '../core/access.js';
import { OpsError } from '../errors/catalog.js';
import type { SessionUser } from '../modules/admin/sessions.js';
import { resolveSession, usedMfa } from '../modules/admin/sessions.js';
import type { WorkspaceView } from '../modules/admin/workspaces.js';
import { getWorkspace } from '../modules/admin/workspaces.js';
import { findRole } from '../modules/access/roles.js';
import type { TokenPrincipal } from '../modules/access/tokens.js';
import { resolveToken } from '../modules/access/tokens.js';
import type { AppDeps } from './deps.js';

export const SESSION_COOKIE = 'opsbook_session';
export const DEVICE_COOKIE = 'opsbook_device';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AccessRule = 'public' | 'session' | Permission | readonly Permission[];

export interface RequestAccess {
  readonly session: SessionUser | null;
  readonly token: TokenPrincipal | null;
  /** The route's workspace, when it has one. */
  readonly workspace: WorkspaceView | null;
  readonly permissions: ReadonlySet<Permission>;
  /** Who to record as the actor: `user:<id>` or `token:<id>`. */
  readonly actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionUser | null;
    access: RequestAccess | null;
  }
  interface FastifyContextConfig {
    access?: AccessRule;
  }
  interface FastifyInstance {
    /** Every /api/ route's access rule, by `METHOD /url` (the isolation test walks them). */
    accessRules: ReadonlyMap<string, AccessRule>;
  }
}

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new OpsError('OPS_UNAUTHENTICATED', 'The Authorization header must be `Bearer <token>`.');
  return match[1]!;
}

export function registerSession(app: FastifyInstance, deps: AppDeps): void {
  app.decorateRequest('session', null);
  app.decorateRequest('access', null);

  const rules = new Map<string, AccessRule>();
  app.decorate('accessRules', rules);
  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url ?? '';
    if (!url.startsWith('/api/')) return;
    const rule = route.config?.access;
    if (rule === undefined) {
      throw new Error(
        `route ${String(route.method)} ${url} declares no config.access (see src/api/session.ts)`,
      );
    }
    for (const method of [route.method].flat()) rules.set(`${method} ${url}`, rule);
  });

  // preValidation: after the body is parsed, before it is validated, so a stranger learns nothing about a
  // route's body from its validation errors and every refusal is the same whatever the body.
  app.addHook('preValidation', async (request: FastifyRequest, _reply: FastifyReply) => {
    const rule = request.routeOptions.config.access;
    if (rule === undefined || rule === 'public') return;
    const now = deps.now();
    const bearer = bearerOf(request);
    let session: SessionUser | null = null;
    let token: TokenPrincipal | null = null;
    if (bearer !== null) {
      if (rule === 'session') {
        throw new OpsError(
          'OPS_UNAUTHENTICATED',
          'This route is for a signed-in person; API tokens cannot use it.',
        );
      }
      token = await resolveToken(deps.database, bearer, now);
      if (!token) throw new OpsError('OPS_UNAUTHENTICATED', 'The API token is unknown, revoked or expired.');
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      session = cookie ? await resolveSession(deps.database, cookie, sessionPolicy(deps), now) : null;
      if (!session) throw new OpsError('OPS_UNAUTHENTICATED');
      if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
        throw new OpsError('OPS_CSRF');
      }
      request.session = session;
    }
    const actor = session ? `user:${session.user.id}` : `token:${token!.tokenId}`;
    if (rule === 'session') {
      request.access = { session, token, workspace: null, permissions: new Set(), actor };
      return;
    }
    const workspaceId = (request.params as { workspaceId?: string }).workspaceId;
    if (!workspaceId)
      throw new Error(`route ${request.routeOptions.url} needs :workspaceId for its permission`);
    const notFound = () => new OpsError('OPS_NOT_FOUND', `No workspace "${workspaceId}" that you belong to.`);
    let workspace: WorkspaceView | null = null;
    let permissions: ReadonlySet<Permission>;
    if (token) {
      if (token.workspaceId !== workspaceId) throw notFound();
      permissions = permissionsOfScope(token.scope);
    } else {
      workspace = await getWorkspace(deps.database, session!.user.id, workspaceId);
      if (!workspace) throw notFound();
      if (workspace.requireMfa && !usedMfa(session!.method)) {
        throw new OpsError(
          'OPS_MFA_REQUIRED',
          `${workspace.name} requires multi-factor authentication: set up an authenticator app under Security, then sign in again with a code.`,
        );
      }
      permissions =
        (await findRole(deps.database, workspaceId, workspace.role, now.getTime()))?.permissions ?? new Set();
    }
    const needed: readonly Permission[] = typeof rule === 'string' ? [rule] : rule;
    if (!needed.some((p) => permissions.has(p))) {
      throw new OpsError(
        'OPS_FORBIDDEN',
        `This needs the ${needed.map((p) => `"${p}"`).join(' or ')} permission, which ${token ? `a ${token.scope} token` : `the ${workspace!.role} role`} does not have.`,
      );
    }
    request.access = { session, token, workspace, permissions, actor };
  });
}

export function sessionPolicy(deps: AppDeps) {
  return { idleMinutes: deps.config.sessionIdleMinutes, maxDays: deps.config.sessionMaxDays };
}

/** The signed-in session; only on routes whose access is not `public`. */
export function sessionOf(request: FastifyRequest): SessionUser {
  if (!request.session)
    throw new OpsError('OPS_UNAUTHENTICATED', 'This needs a signed-in person, not an API token.');
  return request.session;
}

/** What the access hook established; only on routes with a permission or `session`. */
export function accessOf(request: FastifyRequest): RequestAccess {
  if (!request.access) throw new OpsError('OPS_UNAUTHENTICATED');
  return request.access;
}

/**
 * Who works a checklist item or a record's step, and in which role: the person's workspace role; an
 * admin-scope API token acts as an admin, other tokens hold no role.
 */
export function workerOf(request: FastifyRequest): { readonly actor: string; readonly role: string | null } {
  const access = accessOf(request);
  const role = access.workspace?.role ?? (access.token?.scope === 'admin' ? 'admin' : null);
  return { actor: access.actor, role };
}
