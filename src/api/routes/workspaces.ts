/** Workspaces as their members see them. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import type { WorkspaceView } from '../../modules/admin/workspaces.js';
import { getWorkspace, listMyWorkspaces } from '../../modules/admin/workspaces.js';
import type { AppDeps } from '../deps.js';
import { sessionOf } from '../session.js';

export const Workspace = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  timeZone: z.string().describe('IANA time zone, e.g. Asia/Kolkata'),
  role: z.string().describe('Your role in this workspace'),
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
      preHandler: app.requireSession,
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
      preHandler: app.requireSession,
    },
    async (request) => {
      const workspace = await getWorkspace(
        deps.database,
        sessionOf(request).user.id,
        request.params.workspaceId,
      );
      if (!workspace)
        throw new OpsError(
          'OPS_NOT_FOUND',
          `No workspace "${request.params.workspaceId}" that you belong to.`,
        );
      return workspaceJson(workspace);
    },
  );
}
