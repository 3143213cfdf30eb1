/**
 * The status area's calls: the public page's components, maintenance windows and subscribers
 * (src/api/routes/status-admin.ts), health checks and heartbeats (monitoring.ts), alert integrations and
 * alerts (integrations.ts). Reading needs `records.read`; changing needs `incidents.manage`, except
 * acknowledging and resolving an alert (`incidents.write`).
 */
import { request } from './api';

export const COMPONENT_STATUSES = [
  'operational',
  'degraded',
  'partial-outage',
  'major-outage',
  'maintenance',
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export interface StatusComponent {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly group: string | null;
  readonly position: number;
  readonly status: ComponentStatus;
  readonly uptimeTarget: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ComponentInput {
  readonly name?: string;
  readonly description?: string;
  readonly group?: string | null;
  readonly uptimeTarget?: number | null;
  readonly status?: ComponentStatus;
}

export interface Maintenance {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly components: readonly string[];
  readonly phase: 'scheduled' | 'in-progress' | 'completed' | 'cancelled';
  readonly createdBy: string;
  readonly createdAt: string;
  readonly cancelledAt: string | null;
}

export interface MaintenanceInput {
  readonly title: string;
  readonly body?: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly components?: readonly string[];
}

export interface Subscriber {
  readonly id: string;
  readonly kind: 'email' | 'webhook';
  readonly address: string;
  readonly state: 'pending' | 'confirmed' | 'unsubscribed';
  readonly createdAt: string;
  readonly confirmedAt: string | null;
  readonly unsubscribedAt: string | null;
}

export type MonitorStatus = 'unknown' | 'up' | 'down' | 'paused';

export interface Check {
  readonly id: string;
  readonly name: string;
  readonly kind: 'http' | 'tcp';
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly expectStatus: readonly number[];
  readonly keyword: string | null;
  readonly latencyThresholdMs: number | null;
  readonly failureThreshold: number;
  readonly recoveryThreshold: number;
  readonly severity: string | null;
  readonly component: string | null;
  readonly status: MonitorStatus;
  readonly paused: boolean;
  readonly lastRunAt: string | null;
  readonly lastLatencyMs: number | null;
  readonly lastError: string | null;
  readonly nextRunAt: string;
  readonly createdAt: string;
}

export interface CheckInput {
  readonly name: string;
  readonly kind: 'http' | 'tcp';
  readonly target: string;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly keyword?: string | null;
  readonly latencyThresholdMs?: number | null;
  readonly failureThreshold?: number;
  readonly recoveryThreshold?: number;
  readonly component?: string | null;
}

export interface CheckResult {
  readonly id: number;
  readonly at: string;
  readonly ok: boolean;
  readonly latencyMs: number | null;
  readonly statusCode: number | null;
  readonly error: string | null;
}

type Windows = Readonly<Record<'24h' | '7d' | '30d' | '90d', number | null>>;
export interface CheckUptime {
  /** Share of time up (0-1) per window; null when neither up nor down in it. */
  readonly uptime: Windows;
}

export type HeartbeatStatus = 'new' | 'up' | 'started' | 'late' | 'down' | 'paused';

export interface Heartbeat {
  readonly id: string;
  readonly name: string;
  readonly periodMs: number | null;
  readonly schedule: string | null;
  readonly timeZone: string;
  readonly graceMs: number;
  readonly component: string | null;
  readonly status: HeartbeatStatus;
  readonly paused: boolean;
  readonly lastPingAt: string | null;
  readonly createdAt: string;
}

export interface HeartbeatInput {
  readonly name: string;
  readonly periodMs?: number | null;
  readonly schedule?: string | null;
  readonly graceMs?: number;
}

/** A heartbeat with its ping URL, which the server shows this once. */
export interface WithPingUrl {
  readonly heartbeat: Heartbeat;
  readonly pingUrl: string;
}

export interface MonitorImport {
  readonly heartbeats: readonly WithPingUrl[];
  readonly checks: readonly Check[];
  readonly skipped: readonly { readonly kind: string; readonly id: string; readonly reason: string }[];
}

export const INTEGRATION_KINDS = ['alertmanager', 'pagerduty', 'generic'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

export interface Integration {
  readonly id: string;
  readonly kind: IntegrationKind;
  readonly name: string;
  readonly tokenPrefix: string;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly lastAlertAt: string | null;
}

/** An integration with its token and where to send alerts, which the server shows this once. */
export interface WithToken {
  readonly integration: Integration;
  readonly token: string;
  readonly setup: { readonly url: string; readonly urlWithToken: string | null; readonly note: string };
}

export interface Alert {
  readonly id: string;
  readonly source: string;
  readonly status: 'firing' | 'acknowledged' | 'resolved';
  readonly severity: string;
  readonly summary: string;
  readonly service: string | null;
  readonly count: number;
  readonly flapping: boolean;
  readonly incident: { readonly id: string; readonly number: number } | null;
  readonly startedAt: string;
  readonly lastSeenAt: string;
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;
const part = (id: string) => encodeURIComponent(id);
type Items<T> = { items: T[] };
type Page<T> = { items: T[]; next: string | null };

export const statusApi = {
  components: (w: string) => request<Items<StatusComponent>>('GET', `${base(w)}/status/components`),
  addComponent: (w: string, input: ComponentInput, csrfToken: string) =>
    request<StatusComponent>('POST', `${base(w)}/status/components`, { body: input, csrfToken }),
  componentsFromPack: (w: string, csrfToken: string) =>
    request<{ created: StatusComponent[] }>('POST', `${base(w)}/status/components/from-pack`, { csrfToken }),
  changeComponent: (w: string, id: string, input: ComponentInput, csrfToken: string) =>
    request<StatusComponent>('PATCH', `${base(w)}/status/components/${part(id)}`, { body: input, csrfToken }),
  maintenance: (w: string) => request<Items<Maintenance>>('GET', `${base(w)}/status/maintenance`),
  schedule: (w: string, input: MaintenanceInput, csrfToken: string) =>
    request<Maintenance>('POST', `${base(w)}/status/maintenance`, { body: input, csrfToken }),
  cancelMaintenance: (w: string, id: string, csrfToken: string) =>
    request<undefined>('DELETE', `${base(w)}/status/maintenance/${part(id)}`, { csrfToken }),
  subscribers: (w: string) => request<Items<Subscriber>>('GET', `${base(w)}/status/subscribers`),
};

export const monitorApi = {
  checks: (w: string) => request<Page<Check>>('GET', `${base(w)}/checks?limit=500`),
  addCheck: (w: string, input: CheckInput, csrfToken: string) =>
    request<Check>('POST', `${base(w)}/checks`, { body: input, csrfToken }),
  checkAction: (w: string, id: string, action: 'pause' | 'resume' | 'run', csrfToken: string) =>
    request<Check>('POST', `${base(w)}/checks/${part(id)}/${action}`, { csrfToken }),
  results: (w: string, id: string) =>
    request<{ items: CheckResult[] }>('GET', `${base(w)}/checks/${part(id)}/results?limit=20`),
  uptime: (w: string, id: string) => request<CheckUptime>('GET', `${base(w)}/checks/${part(id)}/uptime`),
  heartbeats: (w: string) => request<Page<Heartbeat>>('GET', `${base(w)}/heartbeats?limit=500`),
  addHeartbeat: (w: string, input: HeartbeatInput, csrfToken: string) =>
    request<WithPingUrl>('POST', `${base(w)}/heartbeats`, { body: input, csrfToken }),
  heartbeatAction: (w: string, id: string, action: 'pause' | 'resume', csrfToken: string) =>
    request<Heartbeat>('POST', `${base(w)}/heartbeats/${part(id)}/${action}`, { csrfToken }),
  importFromPack: (w: string, csrfToken: string) =>
    request<MonitorImport>('POST', `${base(w)}/monitors/import`, { csrfToken }),
};

export const alertApi = {
  integrations: (w: string) => request<Items<Integration>>('GET', `${base(w)}/integrations`),
  addIntegration: (w: string, input: { kind: IntegrationKind; name: string }, csrfToken: string) =>
    request<WithToken>('POST', `${base(w)}/integrations`, { body: input, csrfToken }),
  rotate: (w: string, id: string, csrfToken: string) =>
    request<WithToken>('POST', `${base(w)}/integrations/${part(id)}/token`, { csrfToken }),
  openAlerts: (w: string) => request<Page<Alert>>('GET', `${base(w)}/alerts?status=open&limit=100`),
  act: (w: string, id: string, action: 'acknowledge' | 'resolve', csrfToken: string) =>
    request<Alert>('POST', `${base(w)}/alerts/${part(id)}/${action}`, { csrfToken }),
};
