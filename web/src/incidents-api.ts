/**
 * The incident room's calls (src/api/routes/incidents.ts): the list, declaring, one incident whole and
 * everything done in its room, and the metrics. Incidents are addressed by their number (`INC-12` is 12).
 */
import { request } from './api';

export type IncidentState = 'open' | 'resolved' | 'all';
export type UpdateAudience = 'public' | 'internal';
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];
export type Approval = 'approved' | 'pending' | 'rejected';

export interface IncidentClock {
  /** `stage:assess-severity`, `regulatory:cert-in`, or a severity target (`response`, `customer-notice`). */
  readonly id: string;
  readonly source: string;
  /** `running`, `met`, `breached` or `paused`. */
  readonly phase: string;
  readonly due: string | null;
  /** Why it is due then, in words. */
  readonly derivation: string;
}

export interface Incident {
  readonly id: string;
  readonly number: number;
  /** `INC-12`. */
  readonly reference: string;
  readonly title: string;
  /** `declared`, then the public status of its updates (investigating … resolved). */
  readonly status: string;
  readonly severity: string;
  readonly kind: string | null;
  readonly service: string | null;
  /** A security incident: only those with `security-incidents.read` or a role on it see it. */
  readonly restricted: boolean;
  /** Role id → user id. */
  readonly roles: Readonly<Record<string, string>>;
  readonly stages: readonly { readonly id: string; readonly at: string }[];
  readonly components: readonly string[];
  readonly clocks: readonly IncidentClock[];
  readonly nextDueAt: string | null;
  readonly breached: boolean;
  readonly declaredBy: string;
  readonly startedAt: string | null;
  readonly detectedAt: string;
  readonly acknowledgedAt: string | null;
  readonly mitigatedAt: string | null;
  readonly resolvedAt: string | null;
  readonly pack: { readonly id: string | null; readonly version: string | null };
}

export interface Scale {
  readonly id: string;
  /** Most severe first. */
  readonly levels: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface Stage {
  readonly id: string;
  readonly label: string;
  readonly steps: readonly { readonly text: string; readonly owner?: string; readonly when?: string }[];
  readonly reachedAt: string | null;
  /** Its deadline; null for a stage the pack gives none ("Ongoing", "Post-fix"). */
  readonly clock: IncidentClock | null;
}

export interface IncidentUpdate {
  readonly id: string;
  readonly status: string;
  readonly audience: UpdateAudience;
  /** Text per language: `{ en, hi }`. */
  readonly body: Readonly<Record<string, string>>;
  readonly template: string | null;
  readonly approval: Approval;
  readonly approvedBy: string | null;
  readonly postedBy: string;
  readonly createdAt: string;
  readonly publishedAt: string | null;
}

export interface TimelineEntry {
  readonly id: number;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly actor: string;
  readonly at: string;
}

export interface IncidentAlert {
  readonly id: string;
  readonly dedupKey: string;
  readonly status: string;
  readonly severity: string | null;
  readonly summary: string;
  readonly source: string;
  readonly count: number;
  readonly startedAt: string;
  readonly lastSeenAt: string;
  readonly resolvedAt: string | null;
}

export interface ReviewSection {
  readonly id: string;
  readonly label: string;
  readonly prompt: string;
}

export interface Review {
  readonly sections: Readonly<Record<string, string>>;
  readonly template: readonly ReviewSection[];
  readonly status: 'draft' | 'published';
  readonly dueAt: string | null;
  readonly publishedAt: string | null;
  readonly publishedBy: string | null;
}

export interface ActionItem {
  readonly id: string;
  readonly title: string;
  /** `user:<id>`. */
  readonly assignee: string;
  readonly status: string;
  readonly dueAt: string | null;
  readonly completedAt: string | null;
}

export interface IncidentDetail {
  readonly incident: Incident;
  readonly scale: Scale | null;
  readonly roles: readonly {
    readonly role: string;
    readonly responsibility: string;
    readonly holder: string | null;
  }[];
  readonly stages: readonly Stage[];
  readonly regulatory: readonly IncidentClock[];
  readonly updates: readonly IncidentUpdate[];
  readonly timeline: readonly TimelineEntry[];
  /** The follow-ups the pack raised (playbook, +2 h / +48 h / +1 week checks). */
  readonly tasks: readonly {
    readonly key: string;
    readonly title: string;
    readonly assignee: string;
    readonly dueAt: string | null;
  }[];
  readonly alerts: readonly IncidentAlert[];
  readonly tickets: readonly { readonly number: number; readonly title: string; readonly status: string }[];
  /** Opens when the incident is resolved. */
  readonly review: Review | null;
  readonly actionItems: readonly ActionItem[];
  /** The pack's communication rules: do / don't. */
  readonly rules: readonly { readonly kind: string; readonly text: string }[];
}

export interface NewIncident {
  readonly title: string;
  readonly severity?: string;
  readonly kind?: string;
  readonly service?: string;
  readonly euPersonalData?: boolean;
  readonly reportable?: boolean;
}

export interface NewUpdate {
  readonly audience: UpdateAudience;
  readonly status?: UpdateStatus;
  readonly body: Readonly<Record<string, string>>;
}

export interface SeverityFigures {
  readonly severity: string;
  readonly count: number;
  readonly open: number;
  readonly mttdMinutes: number | null;
  readonly mttaMinutes: number | null;
  readonly mttrMinutes: number | null;
  readonly breached: number;
}

export interface IncidentMetrics {
  readonly from: string;
  readonly to: string;
  readonly total: number;
  readonly actionItemsOverdue: number;
  readonly bySeverity: readonly SeverityFigures[];
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;
const one = (workspaceId: string, number: number) => `${base(workspaceId)}/incidents/${number}`;
type Ok = { ok: true };

export const incidentsApi = {
  list: (workspaceId: string, filter: { state: IncidentState; severity?: string; limit?: number }) => {
    const q = new URLSearchParams({ state: filter.state });
    if (filter.severity) q.set('severity', filter.severity);
    if (filter.limit) q.set('limit', String(filter.limit));
    return request<{ items: Incident[] }>('GET', `${base(workspaceId)}/incidents?${q.toString()}`);
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
  metrics: (workspaceId: string, period: { from: string; to: string }) =>
    request<IncidentMetrics>(
      'GET',
      `${base(workspaceId)}/incident-metrics?${new URLSearchParams(period).toString()}`,
    ),
};
