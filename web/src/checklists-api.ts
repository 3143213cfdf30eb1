/**
 * Checklist runs (src/api/routes/checklists.ts): the runs of a record or of the workspace with their items,
 * and working an item — done with its evidence, skipped with a reason, approved; and my work
 * (src/api/routes/my-work.ts). Reading needs `tasks.read` or `records.read`; working, `events.write` and
 * the item's owner role (owners and admins always may).
 */
import { request } from './api';

export type EvidenceKind = 'note' | 'link' | 'file' | 'number' | 'none';

export interface ChecklistItem {
  readonly id: string;
  readonly position: number;
  readonly text: string;
  /** `role:<id>`; null: anyone who may write events. */
  readonly owner: string | null;
  readonly evidence: EvidenceKind;
  /** The condition under which the item applies, in words; null: always. */
  readonly when: string | null;
  readonly dueAt: string | null;
  readonly status: 'open' | 'done' | 'skipped';
  readonly doneBy: string | null;
  readonly doneAt: string | null;
  readonly evidenceValue: string | null;
  readonly note: string | null;
  readonly approval: string | null;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  /** The person it was given to (`user:<id>`), who may do it too. */
  readonly assignee: string | null;
}

export interface ChecklistRun {
  readonly id: string;
  readonly checklist: string;
  readonly label: string;
  readonly subject: string;
  readonly ordered: boolean;
  readonly status: 'open' | 'completed';
  readonly openedAt: string;
  readonly dueAt: string | null;
  readonly completedAt: string | null;
  readonly items: readonly ChecklistItem[];
}

export interface CompleteInput {
  readonly evidence?: { readonly kind: Exclude<EvidenceKind, 'none'>; readonly value: string | number };
  readonly note?: string;
}

/** One entry of my work: a checklist item, a task, a ticket or an incident due today or overdue. */
export interface WorkEntry {
  readonly kind: 'checklist-item' | 'task' | 'ticket' | 'incident';
  readonly id: string;
  readonly title: string;
  readonly detail: string;
  readonly dueAt: string;
  readonly overdue: boolean;
  readonly link: string;
  readonly subject: string;
  readonly checklist?: {
    readonly runId: string;
    readonly item: string;
    readonly evidence: EvidenceKind;
    readonly owner: string | null;
  };
}

export interface MyWork {
  readonly timeZone: string;
  readonly today: { readonly start: string; readonly end: string };
  readonly items: readonly WorkEntry[];
}

const runs = (w: string) => `/api/v1/workspaces/${encodeURIComponent(w)}/checklist-runs`;
const item = (w: string, runId: string, itemId: string, verb: string) =>
  `${runs(w)}/${encodeURIComponent(runId)}/items/${encodeURIComponent(itemId)}/${verb}`;

export const checklistsApi = {
  /** The workspace's runs, newest first: the open ones, or the completed ones. */
  list: (w: string, status: 'open' | 'completed', limit: number) =>
    request<{ items: ChecklistRun[] }>('GET', `${runs(w)}?status=${status}&limit=${limit}`),
  get: (w: string, runId: string) => request<ChecklistRun>('GET', `${runs(w)}/${encodeURIComponent(runId)}`),
  myWork: (w: string) => request<MyWork>('GET', `/api/v1/workspaces/${encodeURIComponent(w)}/my-work`),
  /** The runs of a record (`account:EST-7`), newest first. */
  ofSubject: (w: string, subject: string) =>
    request<{ items: ChecklistRun[] }>('GET', `${runs(w)}?subject=${encodeURIComponent(subject)}`),
  complete: (w: string, runId: string, itemId: string, body: CompleteInput, csrfToken: string) =>
    request<ChecklistRun>('POST', item(w, runId, itemId, 'complete'), { body, csrfToken }),
  skip: (w: string, runId: string, itemId: string, reason: string, csrfToken: string) =>
    request<ChecklistRun>('POST', item(w, runId, itemId, 'skip'), { body: { reason }, csrfToken }),
  approve: (w: string, runId: string, itemId: string, csrfToken: string) =>
    request<ChecklistRun>('POST', item(w, runId, itemId, 'approve'), { body: {}, csrfToken }),
};
