/**
 * What the incident room's calls (../incidents-api.ts) answer and accept, as src/api/routes/incidents.ts
 * and the status page's components route (src/api/routes/status-admin.ts) describe them.
 */

export type IncidentState = 'open' | 'resolved' | 'all';
export type UpdateAudience = 'public' | 'internal';
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];
/** A status-page component's status (src/modules/status/components.ts), best first. */
export const COMPONENT_STATUSES = [
  'operational',
  'degraded',
  'partial-outage',
  'major-outage',
  'maintenance',
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];
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

/** What declaring offers (the list's answer): the pack's scale, most severe first, and its incident types. */
export interface DeclareChoices {
  readonly scale: {
    readonly id: string;
    readonly levels: readonly { readonly id: string; readonly label: string }[];
  } | null;
  readonly types: readonly { readonly id: string; readonly label: string }[];
}

export interface StageStep {
  readonly text: string;
  readonly owner?: string;
  readonly when?: string;
  /** Ticked on the runbook checklist: by whom and when; null while not. */
  readonly done: { readonly by: string; readonly at: string } | null;
}

export interface Stage {
  readonly id: string;
  readonly label: string;
  readonly steps: readonly StageStep[];
  readonly reachedAt: string | null;
  /** Its deadline; null for a stage the pack gives none ("Ongoing", "Post-fix"). */
  readonly clock: IncidentClock | null;
}

/** A regulatory clock of the room: the pack's name for it and the authority told. */
export interface RegulatoryClock extends IncidentClock {
  readonly label: string;
  readonly authority: string;
}

export interface RegulatoryReport {
  /** The regulatory clock's id without `regulatory:` (`cert-in`). */
  readonly clock: string;
  readonly at: string;
  readonly by: string;
  readonly reference?: string;
  readonly note?: string;
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
  readonly regulatory: readonly RegulatoryClock[];
  readonly reports: readonly RegulatoryReport[];
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
  /** Status-page component id → the status it takes. */
  readonly components?: Readonly<Record<string, ComponentStatus>>;
}

/** A component of the workspace's status page (src/api/routes/status-admin.ts). */
export interface StatusComponent {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly group: string | null;
  readonly position: number;
  readonly status: ComponentStatus;
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
