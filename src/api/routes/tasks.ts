/**
 * The tasks of a workspace: the pack's (a journey's Day 3 call, an NPS passive's follow-up) and the
 * system's (an SOP whose review date passed); listed, by record or by status, and marked done with a note.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registeredContacts } from '../../modules/customers/contacts.js';
import { completeTask, type TaskRow } from '../../modules/work/engine-tasks.js';
import { listTasks, type TaskView } from '../../modules/work/tasks.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const Task = z.object({
  id: z.string(),
  title: z.string(),
  detail: z.string(),
  subject: z.string().describe('What the task is about, e.g. `user:U1` or `pack:shopsmart-pro`.'),
  assignee: z.string().describe('Who should do it: `role:<id>`, or `owner:<the SOP owner>`.'),
  status: z.enum(['open', 'done']),
  dueAt: z.string().nullable(),
  script: z.string().nullable().describe('A template to follow while doing it (a call script).'),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  completedBy: z.string().nullable(),
  note: z.string().nullable(),
});

const view = (t: TaskView | TaskRow) => ({
  id: t.id,
  title: t.title,
  detail: t.detail,
  subject: t.subject,
  assignee: t.assignee,
  status: t.status,
  dueAt: t.dueAt?.toISOString() ?? null,
  script: t.script,
  createdAt: t.createdAt.toISOString(),
  completedAt: t.completedAt?.toISOString() ?? null,
  completedBy: t.completedBy,
  note: t.note,
});

const W = z.strictObject({ workspaceId: z.string().min(1).max(64) });

export function taskRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/workspaces/:workspaceId/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Tasks raised in this workspace',
        params: W,
        querystring: z.strictObject({
          status: z.enum(['open', 'done', 'all']).default('open'),
          subject: z.string().min(1).max(200).optional().describe('Only the tasks about this record.'),
        }),
        response: { 200: z.object({ items: z.array(Task) }) },
      },
      config: { access: 'tasks.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const { status, subject } = request.query;
      const items = await listTasks(deps.database, workspaceId, status, subject ? [subject] : undefined);
      return { items: items.map(view) };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/accounts/:accountId/tasks',
    {
      schema: {
        tags: ['customers'],
        summary: "The tasks about an account and its registered contacts (a shop owner's Day 3 call)",
        params: W.extend({ accountId: z.string().min(1).max(64) }),
        querystring: z.strictObject({ status: z.enum(['open', 'done', 'all']).default('all') }),
        response: { 200: z.object({ items: z.array(Task) }) },
      },
      config: { access: 'tasks.read' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      const contacts = await deps.database.inWorkspace(workspaceId, (tx) =>
        registeredContacts(tx, workspaceId, accountId),
      );
      const subjects = [`account:${accountId}`, ...contacts.map((c) => `user:${c.id}`)];
      const items = await listTasks(deps.database, workspaceId, request.query.status, subjects);
      return { items: items.map(view) };
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/tasks/:taskId/complete',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Mark a task done, with a note (what the call found, what was agreed)',
        description:
          "Recorded on the task and on its record's timeline. A task already done answers 409 and changes nothing.",
        params: W.extend({ taskId: z.string().min(1).max(64) }),
        body: z.strictObject({ note: z.string().max(5000).optional() }),
        response: { 200: Task },
      },
      config: { access: 'events.write' },
    },
    async (request) => {
      const { workspaceId, taskId } = request.params;
      const done = await deps.database.inWorkspace(workspaceId, (tx) =>
        completeTask(tx, workspaceId, taskId, {
          note: request.body.note,
          actor: accessOf(request).actor,
          at: deps.now(),
        }),
      );
      return view(done);
    },
  );
}
