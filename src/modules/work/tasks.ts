/** Reading the tasks of a workspace (raised by the engine: overdue pack reviews, later checklists). */
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { tasks, type TaskStatus } from '../../store/schema.js';

export type TaskView = Omit<typeof tasks.$inferSelect, 'workspaceId' | 'key'>;

export function listTasks(
  database: Database,
  workspaceId: string,
  status: TaskStatus | 'all',
): Promise<TaskView[]> {
  const where =
    status === 'all'
      ? eq(tasks.workspaceId, workspaceId)
      : and(eq(tasks.workspaceId, workspaceId), eq(tasks.status, status));
  return database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({
        id: tasks.id,
        title: tasks.title,
        detail: tasks.detail,
        subject: tasks.subject,
        assignee: tasks.assignee,
        status: tasks.status,
        dueAt: tasks.dueAt,
        createdAt: tasks.createdAt,
        completedAt: tasks.completedAt,
      })
      .from(tasks)
      .where(where)
      .orderBy(asc(tasks.dueAt), asc(tasks.createdAt)),
  );
}
