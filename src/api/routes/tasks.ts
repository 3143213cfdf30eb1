/** The tasks the system raised in a workspace (e.g. an SOP whose review date passed). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listTasks } from '../../modules/work/tasks.js';
import type { AppDeps } from '../deps.js';

const Task = z.object({
  id: z.string(),
  title: z.string(),
  detail: z.string(),
  subject: z.string().describe('What the task is about, e.g. `pack:shopsmart-pro`.'),
  assignee: z.string().describe('Who should do it: `role:<id>`, or `owner:<the SOP owner>`.'),
  status: z.enum(['open', 'done']),
  dueAt: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});

export function taskRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/workspaces/:workspaceId/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Tasks raised in this workspace',
        params: z.strictObject({ workspaceId: z.string().min(1).max(64) }),
        querystring: z.strictObject({ status: z.enum(['open', 'done', 'all']).default('open') }),
        response: { 200: z.object({ items: z.array(Task) }) },
      },
      config: { access: 'tasks.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const items = await listTasks(deps.database, workspaceId, request.query.status);
      return {
        items: items.map((t) => ({
          ...t,
          dueAt: t.dueAt?.toISOString() ?? null,
          createdAt: t.createdAt.toISOString(),
          completedAt: t.completedAt?.toISOString() ?? null,
        })),
      };
    },
  );
}
