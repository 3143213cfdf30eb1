/** Sign-in, sign-out and "who am I" for the web app. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import { setCurrentWorkspace, signIn, signOut } from '../../modules/admin/sessions.js';
import { getWorkspace, listMyWorkspaces } from '../../modules/admin/workspaces.js';
import type { AppDeps } from '../deps.js';
import { SESSION_COOKIE, sessionOf, sessionPolicy } from '../session.js';
import { Workspace, workspaceJson } from './workspaces.js';

const Me = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  csrfToken: z.string().describe('Send as the x-csrf-token header on every POST, PUT, PATCH and DELETE.'),
  currentWorkspaceId: z.string().nullable(),
  workspaces: z.array(Workspace),
});

/**
 * Login CSRF: a form posted from another site carries that site's Origin. Same-site means the Origin is
 * absent (non-browser clients), equals OPSBOOK_PUBLIC_URL's origin (behind a proxy that rewrites Host),
 * or names the Host the request was sent to. `Origin: null` (sandboxed or privacy-redirected) is refused.
 */
export function isSameSite(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return parsed.origin === new URL(publicUrl).origin || (host !== undefined && parsed.host === host);
}

export function authRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const secure = deps.config.publicUrl.startsWith('https://');

  async function me(session: ReturnType<typeof sessionOf>) {
    const workspaces = await listMyWorkspaces(deps.database, session.user.id);
    const current = workspaces.find((w) => w.id === session.currentWorkspace) ?? workspaces[0] ?? null;
    return {
      user: session.user,
      csrfToken: session.csrfToken,
      currentWorkspaceId: current?.id ?? null,
      workspaces: workspaces.map(workspaceJson),
    };
  }

  r.post(
    '/api/v1/auth/sign-in',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: z.strictObject({ email: z.email().max(320), password: z.string().min(1).max(1024) }),
        response: { 200: Me },
      },
    },
    async (request, reply) => {
      if (!isSameSite(request.headers.origin, request.headers.host, deps.config.publicUrl)) {
        throw new OpsError('OPS_CSRF', 'Sign-in from another site is refused.');
      }
      const result = await signIn(deps.database, request.body, sessionPolicy(deps), deps.now());
      if (!result) throw new OpsError('OPS_INVALID_CREDENTIALS');
      reply.setCookie(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        maxAge: deps.config.sessionMaxDays * 86_400,
      });
      return me(result.session);
    },
  );

  r.post(
    '/api/v1/auth/sign-out',
    {
      schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } },
      preHandler: app.requireSession,
    },
    async (request, reply) => {
      await signOut(deps.database, sessionOf(request).sessionId, deps.now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in person, their workspaces and CSRF token',
        response: { 200: Me },
      },
      preHandler: app.requireSession,
    },
    async (request) => me(sessionOf(request)),
  );

  r.put(
    '/api/v1/me/workspace',
    {
      schema: {
        tags: ['auth'],
        summary: 'Switch the current workspace of this session',
        body: z.strictObject({ workspaceId: z.string().min(1).max(64) }),
        response: { 200: Me },
      },
      preHandler: app.requireSession,
    },
    async (request) => {
      const session = sessionOf(request);
      const workspace = await getWorkspace(deps.database, session.user.id, request.body.workspaceId);
      if (!workspace)
        throw new OpsError(
          'OPS_NOT_FOUND',
          `You are not a member of workspace "${request.body.workspaceId}".`,
        );
      await setCurrentWorkspace(deps.database, session.sessionId, workspace.id);
      return me({ ...session, currentWorkspace: workspace.id });
    },
  );
}
