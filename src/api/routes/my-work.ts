/**
 * My work over HTTP: everything due for the signed-in person today (in the workspace's zone) or overdue,
 * across checklists, tasks, tickets and incidents (src/modules/work/my-work.ts). A person's list: an API
 * token belongs to nobody and is refused.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import { myWork } from '../../modules/work/my-work.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const Entry = z.object({
  kind: z.enum(['checklist-item', 'task', 'ticket', 'incident']),
  id: z.string().describe('`<run>/<item>` for a checklist item; the task id; the ticket or incident number.'),
  title: z.string(),
  detail: z
    .string()
    .describe('Where it comes from: the checklist, the journey step, the clock or the stage.'),
  dueAt: z.string(),
  overdue: z.boolean().describe('Due before now.'),
  link: z.string().describe('Its page in the web app, e.g. `/inbox/1042`.'),
  subject: z.string().describe('The record it belongs to, e.g. `schedule:daily`, `ticket:1042`.'),
  checklist: z
    .object({ runId: z.string(), item: z.string(), evidence: z.string(), owner: z.string().nullable() })
    .optional()
    .describe(
      'For a checklist item: what ticking it takes (POST …/checklist-runs/{runId}/items/{item}/complete).',
    ),
});

export function myWorkRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/workspaces/:workspaceId/my-work',
    {
      schema: {
        tags: ['checklists'],
        summary: "The signed-in person's work due today or overdue",
        description:
          "Open checklist items whose owner is the person's role (owners and admins also get those with no owner, or an owner role nobody holds), open tasks for them or their role (journey steps, action items), tickets assigned to them with a running SLA clock due, incidents in which they hold a role with a stage deadline due. Today is the workspace's day in its time zone; the most overdue first.",
        params: z.strictObject({ workspaceId: z.string().min(1).max(64) }),
        response: {
          200: z.object({
            timeZone: z.string(),
            today: z.object({ start: z.string(), end: z.string() }),
            items: z.array(Entry),
          }),
        },
      },
      config: { access: ['tasks.read', 'records.read'] },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const access = accessOf(request);
      if (!access.session || !access.workspace)
        throw new OpsError(
          'OPS_FORBIDDEN',
          "My work is a signed-in person's list; an API token belongs to nobody. Read /checklist-runs or /tasks instead.",
        );
      const person = { userId: access.session.user.id, role: access.workspace.role };
      const work = await deps.database.inWorkspace(workspaceId, (tx) =>
        myWork(tx, workspaceId, person, deps.now()),
      );
      return {
        timeZone: work.timeZone,
        today: { start: work.today.start.toISOString(), end: work.today.end.toISOString() },
        items: work.items.map(({ dueMs, ...e }) => ({ ...e, dueAt: new Date(dueMs).toISOString() })),
      };
    },
  );
}
