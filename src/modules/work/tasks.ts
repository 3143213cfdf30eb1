/** Reading the tasks of a workspace: the pack's tasks (engine-tasks.ts), overdue pack reviews, … */
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { tasks, type TaskStatus } from '../../store/schema.js';

export type TaskView = Omit<typeof tasks.$inferSelect, 'workspaceId' | 'key'>;

export function listTasks(
  database: Database,
  workspaceId: string,
  status: TaskStatus | 'all',
  /** Only the tasks about these records (`user:U1`, `account:shop_42`). */
  subjects?: readonly string[],
): Promise<TaskView[]> {
  const conditions: SQL[] = [eq(tasks.workspaceId, workspaceId)];
  if (status !== 'all') conditions.push(eq(tasks.status, status));
  if (subjects) conditions.push(inArray(tasks.subject, subjects.length > 0 ? [...subjects] : ['']));
  const where = and(...conditions);
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
        script: tasks.script,
        createdAt: tasks.createdAt,
        completedAt: tasks.completedAt,
        completedBy: tasks.completedBy,
        note: tasks.note,
      })
      .from(tasks)
      .where(where)
      .orderBy(asc(tasks.dueAt), asc(tasks.createdAt)),
  );
}
