/** Workspaces as their members see them. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WorkspaceView } from '../../modules/admin/workspaces.js';
import { getWorkspaceById, listMyWorkspaces } from '../../modules/admin/workspaces.js';
import type { AppDeps } from '../deps.js';
import { accessOf, sessionOf } from '../session.js';

export const Workspace = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  timeZone: z.string().describe('IANA time zone, e.g. Asia/Kolkata'),
  role: z.string().describe('Your role in this workspace'),
  requireMfa: z.boolean().describe('Whether everyone must sign in with a second factor.'),
  createdAt: z.string().describe('ISO 8601 instant'),
});

export function workspaceJson(w: WorkspaceView): z.infer<typeof Workspace> {
  return { ...w, createdAt: w.createdAt.toISOString() };
}

export function workspaceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'The workspaces you belong to',
        response: { 200: z.object({ items: z.array(Workspace) }) },
      },
      config: { access: 'session' },
    },
    async (request) => ({
      items: (await listMyWorkspaces(deps.database, sessionOf(request).user.id)).map(workspaceJson),
    }),
  );

  r.get(
    '/api/v1/workspaces/:workspaceId',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'One workspace you belong to',
        params: z.strictObject({ workspaceId: z.string().min(1).max(64) }),
        response: { 200: Workspace },
      },
      config: { access: 'workspace.read' },
    },
    async (request) => {
      const access = accessOf(request);
      if (access.workspace) return workspaceJson(access.workspace);
      // An API token: the workspace as the token's scope sees it.
      const workspace = await getWorkspaceById(deps.database, request.params.workspaceId);
      return workspaceJson({ ...workspace, role: `token:${access.token!.scope}` });
    },
  );
}
