/**
 * The incident room's calls (src/api/routes/incidents.ts): the list, declaring, one incident whole and
 * everything done in its room, and the metrics; and the status page's components an update may affect.
 * Incidents are addressed by their number (`INC-12` is 12). What they answer: incidents/api-types.ts.
 */
import { request } from './api';
import type {
  Approval,
  DeclareChoices,
  Incident,
  IncidentDetail,
  IncidentMetrics,
  IncidentState,
  NewIncident,
  NewUpdate,
  StatusComponent,
} from './incidents/api-types';

export * from './incidents/api-types';

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;
const one = (workspaceId: string, number: number) => `${base(workspaceId)}/incidents/${number}`;
type Ok = { ok: true };

export const incidentsApi = {
  list: (workspaceId: string, filter: { state: IncidentState; severity?: string; limit?: number }) => {
    const q = new URLSearchParams({ state: filter.state });
    if (filter.severity) q.set('severity', filter.severity);
    if (filter.limit) q.set('limit', String(filter.limit));
    return request<{ items: Incident[] } & DeclareChoices>(
      'GET',
      `${base(workspaceId)}/incidents?${q.toString()}`,
    );
  },
  declare: (workspaceId: string, input: NewIncident, csrfToken: string) =>
    request<{ id: string; number: number; reference: string }>('POST', `${base(workspaceId)}/incidents`, {
      body: input,
      csrfToken,
    }),
  get: (workspaceId: string, number: number) => request<IncidentDetail>('GET', one(workspaceId, number)),
  postUpdate: (workspaceId: string, number: number, update: NewUpdate, csrfToken: string) =>
    request<{ id: string; approval: Approval; published: boolean }>(
      'POST',
      `${one(workspaceId, number)}/updates`,
      { body: update, csrfToken },
    ),
  decide: (
    workspaceId: string,
    number: number,
    updateId: string,
    decision: 'approve' | 'reject',
    csrfToken: string,
  ) =>
    request<{ id: string; approval: Approval; published: boolean }>(
      'POST',
      `${one(workspaceId, number)}/updates/${encodeURIComponent(updateId)}/decision`,
      { body: { decision }, csrfToken },
    ),
  assignRole: (workspaceId: string, number: number, role: string, userId: string | null, csrfToken: string) =>
    request<Ok>('PUT', `${one(workspaceId, number)}/roles/${encodeURIComponent(role)}`, {
      body: { userId },
      csrfToken,
    }),
  stageDone: (workspaceId: string, number: number, stage: string, csrfToken: string) =>
    request<Ok>('POST', `${one(workspaceId, number)}/stages/${encodeURIComponent(stage)}/done`, {
      csrfToken,
    }),
  checkStep: (
    workspaceId: string,
    number: number,
    stage: string,
    index: number,
    done: boolean,
    csrfToken: string,
  ) =>
    request<{ stageDone: boolean }>(
      'PUT',
      `${one(workspaceId, number)}/stages/${encodeURIComponent(stage)}/steps/${index}`,
      { body: { done }, csrfToken },
    ),
  severity: (workspaceId: string, number: number, severity: string, csrfToken: string) =>
    request<Ok>('PUT', `${one(workspaceId, number)}/severity`, { body: { severity }, csrfToken }),
  acknowledge: (workspaceId: string, number: number, csrfToken: string) =>
    request<{ first: boolean }>('POST', `${one(workspaceId, number)}/acknowledge`, { csrfToken }),
  resolve: (workspaceId: string, number: number, csrfToken: string) =>
    request<Ok>('POST', `${one(workspaceId, number)}/resolve`, { csrfToken }),
  report: (
    workspaceId: string,
    number: number,
    report: { clock: string; reference?: string; note?: string },
    csrfToken: string,
  ) => request<Ok>('POST', `${one(workspaceId, number)}/reports`, { body: report, csrfToken }),
  linkTickets: (workspaceId: string, number: number, tickets: readonly number[], csrfToken: string) =>
    request<{ linked: number[] }>('POST', `${one(workspaceId, number)}/tickets`, {
      body: { tickets },
      csrfToken,
    }),
  saveReview: (
    workspaceId: string,
    number: number,
    sections: Readonly<Record<string, string>>,
    publish: boolean,
    csrfToken: string,
  ) => request<Ok>('PUT', `${one(workspaceId, number)}/review`, { body: { sections, publish }, csrfToken }),
  addActionItem: (
    workspaceId: string,
    number: number,
    item: { title: string; ownerId: string; dueAt: string },
    csrfToken: string,
  ) => request<{ id: string }>('POST', `${one(workspaceId, number)}/action-items`, { body: item, csrfToken }),
  actionItemDone: (workspaceId: string, number: number, taskId: string, csrfToken: string) =>
    request<Ok>('POST', `${one(workspaceId, number)}/action-items/${encodeURIComponent(taskId)}/done`, {
      csrfToken,
    }),
  components: (workspaceId: string) =>
    request<{ items: StatusComponent[] }>('GET', `${base(workspaceId)}/status/components`),
  metrics: (workspaceId: string, period: { from: string; to: string }) =>
    request<IncidentMetrics>(
      'GET',
      `${base(workspaceId)}/incident-metrics?${new URLSearchParams(period).toString()}`,
    ),
};
