/**
 * The incident system's tables (issue 8): incidents and their updates, alert integrations and alerts,
 * health checks and heartbeats, maintenance windows, the public status page, on-call schedules and
 * escalation policies, pages, reviews, and metric thresholds. Every table is a tenant table (row-level
 * security, migration 0010).
 *
 * Kept apart from schema.ts so neither file grows past reading size; it imports `workspaces` from there,
 * and schema.ts does not import it back (no module cycle). Drizzle's relational `schema` object does not
 * list these tables: queries use `db.select().from(table)`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { workspaces } from './schema.js';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const workspace = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

export interface IncidentClock {
  readonly id: string;
  readonly source: string;
  readonly phase: string;
  readonly due: string | null;
  readonly derivation: string;
}

/**
 * An incident: the incident room's row for the engine subject `incident:<number>` (shown `INC-12`). The
 * engine decides stages, clocks and their verdicts; src/modules/incidents/mirror.ts copies them here.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    /**
     * The public status of the update timeline (investigating | identified | monitoring | resolved), or
     * `declared` before the first update. Stage progress is in `stages`.
     */
    status: text('status').notNull(),
    /** The level on the pack's severity scale (`sev1`, `p0`). */
    severity: text('severity').notNull(),
    /** The incident type of the pack (`service-incident`, `data-breach`, `payment-processing-failure`). */
    kind: text('kind'),
    service: text('service'),
    /** Security incidents: seen only by holders of `security-incidents.read` and the incident's roles. */
    restricted: boolean('restricted').notNull().default(false),
    /** Who holds each command role: `{ "incident-commander": "usr_…" }`. */
    roles: jsonb('roles').$type<Record<string, string>>().notNull().default({}),
    /** Stage ids reached, in order, with when: `[{ id: 'assess-severity', at: '…' }]`. */
    stages: jsonb('stages').$type<{ id: string; at: string }[]>().notNull().default([]),
    /** Fields the pack's conditions read (eu_personal_data, reportable). */
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull().default({}),
    /** Status-page components it affects. */
    components: jsonb('components').$type<string[]>().notNull().default([]),
    packId: text('pack_id'),
    packVersion: text('pack_version'),
    clocks: jsonb('clocks').$type<IncidentClock[]>().notNull().default([]),
    nextDueAt: instant('next_due_at'),
    breached: boolean('breached').notNull().default(false),
    /** The grouping key alerts open it under (`service=checkout`), while it is open. */
    groupKey: text('group_key'),
    declaredBy: text('declared_by').notNull(),
    /** When the problem started, as far as known (the first alert's start); MTTD = detected - started. */
    startedAt: instant('started_at'),
    detectedAt: instant('detected_at').notNull(),
    acknowledgedAt: instant('acknowledged_at'),
    mitigatedAt: instant('mitigated_at'),
    resolvedAt: instant('resolved_at'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('incidents_number').on(t.workspaceId, t.number),
    index('incidents_open')
      .on(t.workspaceId, t.detectedAt)
      .where(sql`${t.resolvedAt} is null`),
    uniqueIndex('incidents_open_group')
      .on(t.workspaceId, t.groupKey)
      .where(sql`${t.resolvedAt} is null and ${t.groupKey} is not null`),
    index('incidents_detected').on(t.workspaceId, t.detectedAt),
  ],
);

export const incidentCounters = pgTable('incident_counters', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  lastNumber: integer('last_number').notNull().default(0),
});

export type UpdateApproval = 'approved' | 'pending' | 'rejected';

/**
 * An update posted on an incident: internal (the room), or public (the status page and subscribers).
 * A public update on a security incident waits for the comms lead's approval (SOP-008 "coordinate all
 * comms through Comms Lead").
 */
export const incidentUpdates = pgTable(
  'incident_updates',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    incidentId: text('incident_id').notNull(),
    /** investigating | identified | monitoring | resolved (the Statuspage vocabulary). */
    status: text('status').notNull(),
    /** `public` (status page, subscribers, customers) or `internal`. */
    audience: text('audience').notNull(),
    /** The text per locale: `{ en: '…', hi: '…' }`. */
    body: jsonb('body').$type<Record<string, string>>().notNull(),
    template: text('template'),
    /** Status-page components and the status each takes when the update is published. */
    components: jsonb('components').$type<Record<string, ComponentStatus>>().notNull().default({}),
    approval: text('approval').$type<UpdateApproval>().notNull().default('approved'),
    approvedBy: text('approved_by'),
    postedBy: text('posted_by').notNull(),
    createdAt: createdAt(),
    /** When it went public (approved and sent); null while pending or internal. */
    publishedAt: instant('published_at'),
  },
  (t) => [
    index('incident_updates_incident').on(t.workspaceId, t.incidentId, t.createdAt),
    index('incident_updates_published')
      .on(t.workspaceId, t.publishedAt)
      .where(sql`${t.publishedAt} is not null`),
  ],
);

export type IntegrationKind = 'alertmanager' | 'pagerduty' | 'generic';

/** An alert source with its own token (PagerDuty's integration key / routing key). */
export const integrations = pgTable(
  'integrations',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    kind: text('kind').$type<IntegrationKind>().notNull(),
    name: text('name').notNull(),
    /** SHA-256 (hex) of the token; the token itself is shown once. */
    tokenHash: text('token_hash').notNull(),
    /** The first characters, to tell tokens apart in lists. */
    tokenPrefix: text('token_prefix').notNull(),
    /** How its alerts map: default severity, service, the label that carries severity, grouping labels. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
    lastAlertAt: instant('last_alert_at'),
  },
  (t) => [
    uniqueIndex('integrations_token').on(t.tokenHash),
    index('integrations_workspace').on(t.workspaceId),
  ],
);

export type AlertStatus = 'firing' | 'acknowledged' | 'resolved';

/**
 * An alert, deduplicated by key: a repeat updates the open alert (count, last seen), a resolve closes it,
 * and a trigger after the resolve opens a new one (RELIABILITY R9).
 */
export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    /** The integration, or the monitor (`check:…`, `heartbeat:…`, `threshold:…`) that raised it. */
    source: text('source').notNull(),
    dedupKey: text('dedup_key').notNull(),
    status: text('status').$type<AlertStatus>().notNull(),
    severity: text('severity').notNull(),
    summary: text('summary').notNull(),
    service: text('service'),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    count: integer('count').notNull().default(1),
    /** Firing → resolved → firing within the damping window: counted, and paging is held back. */
    flaps: integer('flaps').notNull().default(0),
    incidentId: text('incident_id'),
    startedAt: instant('started_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    acknowledgedAt: instant('acknowledged_at'),
    resolvedAt: instant('resolved_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('alerts_open_key')
      .on(t.workspaceId, t.dedupKey)
      .where(sql`${t.status} <> 'resolved'`),
    index('alerts_key').on(t.workspaceId, t.dedupKey, t.createdAt),
    index('alerts_incident').on(t.workspaceId, t.incidentId),
    index('alerts_open')
      .on(t.workspaceId, t.lastSeenAt)
      .where(sql`${t.status} <> 'resolved'`),
  ],
);

export type CheckKind = 'http' | 'tcp';
export type MonitorStatus = 'unknown' | 'up' | 'down' | 'paused';

/** An HTTP or TCP health check run every `interval_ms` (SofaCover: every 30 s). */
export const healthChecks = pgTable(
  'health_checks',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    /** The pack's check it implements (`health-checks`), if any. */
    packCheck: text('pack_check'),
    name: text('name').notNull(),
    kind: text('kind').$type<CheckKind>().notNull(),
    /** A URL (http) or host:port (tcp). */
    target: text('target').notNull(),
    intervalMs: integer('interval_ms').notNull(),
    timeoutMs: integer('timeout_ms').notNull(),
    /** Expected HTTP statuses; empty: any 2xx. */
    expectStatus: jsonb('expect_status').$type<number[]>().notNull().default([]),
    keyword: text('keyword'),
    /** Slower than this counts as a failure. */
    latencyThresholdMs: integer('latency_threshold_ms'),
    failureThreshold: integer('failure_threshold').notNull().default(1),
    recoveryThreshold: integer('recovery_threshold').notNull().default(1),
    severity: text('severity'),
    component: text('component'),
    status: text('status').$type<MonitorStatus>().notNull().default('unknown'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    consecutiveSuccesses: integer('consecutive_successes').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    lastRunAt: instant('last_run_at'),
    lastChangeAt: instant('last_change_at'),
    /** The last run's latency and, when it failed, why (the list shows them without reading results). */
    lastLatencyMs: integer('last_latency_ms'),
    lastError: text('last_error'),
    /** Slots skipped because the check fell more than an interval behind (scheduler down or overloaded). */
    missedRuns: integer('missed_runs').notNull().default(0),
    /**
     * Whether its `check:<id>` alert is open. Kept apart from `status` so a down check whose alert was held
     * back (maintenance) or failed to be raised is raised on a later run (0011).
     */
    alerting: boolean('alerting').notNull().default(false),
    /** The scheduler claims due checks across workspaces (opsbook_claim_checks) under a lease. */
    nextRunAt: instant('next_run_at').notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: instant('locked_until'),
    createdAt: createdAt(),
  },
  (t) => [
    index('health_checks_workspace').on(t.workspaceId),
    index('health_checks_due')
      .on(t.nextRunAt)
      .where(sql`${t.enabled}`),
  ],
);

/** One run of a health check: the history behind its uptime %. */
export const checkResults = pgTable(
  'check_results',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: workspace(),
    checkId: text('check_id').notNull(),
    at: instant('at').notNull(),
    ok: boolean('ok').notNull(),
    latencyMs: integer('latency_ms'),
    statusCode: integer('status_code'),
    error: text('error'),
  },
  (t) => [
    index('check_results_check').on(t.workspaceId, t.checkId, t.at),
    // Raw results are purged after a few days (docs/monitoring.md): a BRIN index finds the old ones in an
    // append-only table at a fraction of a btree's size and insert cost (0011).
    index('check_results_at').using('brin', t.at),
  ],
);

/**
 * Every status a health check took (up, down, paused, unknown), and when: kept forever, unlike raw results,
 * so uptime over 24 h … 90 d is computed from the record (0011).
 */
export const checkStatusChanges = pgTable(
  'check_status_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: workspace(),
    checkId: text('check_id').notNull(),
    status: text('status').$type<MonitorStatus>().notNull(),
    at: instant('at').notNull(),
    /** Why: the failing run's error, `recovered`, `created`, `paused by user:…`, `resumed by user:…`. */
    reason: text('reason'),
  },
  (t) => [index('check_status_changes_check').on(t.workspaceId, t.checkId, t.at)],
);

/** Per check per UTC day: runs, failures and latency, rolled up as results are recorded; kept forever (0011). */
export const checkDays = pgTable(
  'check_days',
  {
    workspaceId: workspace(),
    checkId: text('check_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    runs: integer('runs').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    latencySumMs: bigint('latency_sum_ms', { mode: 'number' }).notNull().default(0),
    latencyMaxMs: integer('latency_max_ms').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.checkId, t.day] })],
);

export type HeartbeatStatus = 'new' | 'up' | 'started' | 'late' | 'down' | 'paused';

/** A dead-man's switch a job pings (Healthchecks.io): period + grace, or a cron schedule in a zone. */
export const heartbeats = pgTable(
  'heartbeats',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    packHeartbeat: text('pack_heartbeat'),
    name: text('name').notNull(),
    /** SHA-256 (hex) of the ping token in its URL. */
    tokenHash: text('token_hash').notNull(),
    periodMs: integer('period_ms'),
    /** A cron expression, read in `time_zone`. */
    schedule: text('schedule'),
    timeZone: text('time_zone').notNull().default('UTC'),
    graceMs: integer('grace_ms').notNull(),
    severity: text('severity'),
    component: text('component'),
    status: text('status').$type<HeartbeatStatus>().notNull().default('new'),
    lastPingAt: instant('last_ping_at'),
    lastStartAt: instant('last_start_at'),
    /** When it goes down if no ping comes (the period's end plus grace). */
    downAt: instant('down_at'),
    enabled: boolean('enabled').notNull().default(true),
    /** Whether its `heartbeat:<id>` alert is open (held back while under maintenance) (0011). */
    alerting: boolean('alerting').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('heartbeats_token').on(t.tokenHash), index('heartbeats_workspace').on(t.workspaceId)],
);

export const heartbeatPings = pgTable(
  'heartbeat_pings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: workspace(),
    heartbeatId: text('heartbeat_id').notNull(),
    /** success | start | fail | log */
    kind: text('kind').notNull(),
    at: instant('at').notNull(),
    /** From `/start` to this ping, when there was one. */
    durationMs: integer('duration_ms'),
    /** The first bytes of the body the job sent (its log), if any. */
    body: text('body'),
    remoteAddress: text('remote_address'),
  },
  (t) => [
    index('heartbeat_pings_heartbeat').on(t.workspaceId, t.heartbeatId, t.at),
    index('heartbeat_pings_at').using('brin', t.at),
  ],
);

/** Per metric series (threshold id + labels): since when it has been past its threshold. */
export const thresholdStates = pgTable(
  'threshold_states',
  {
    workspaceId: workspace(),
    series: text('series').notNull(),
    threshold: text('threshold').notNull(),
    lastValue: real('last_value').notNull(),
    lastAt: instant('last_at').notNull(),
    breachingSince: instant('breaching_since'),
    firing: boolean('firing').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.series] })],
);

/** Planned work: alerts of its checks are suppressed, and it is announced on the status page. */
export const maintenanceWindows = pgTable(
  'maintenance_windows',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    components: jsonb('components').$type<string[]>().notNull().default([]),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    cancelledAt: instant('cancelled_at'),
  },
  (t) => [index('maintenance_windows_time').on(t.workspaceId, t.endsAt)],
);

export type ComponentStatus = 'operational' | 'degraded' | 'partial-outage' | 'major-outage' | 'maintenance';

/** A component of the public status page (Checkout, API, Mobile app). */
export const statusComponents = pgTable(
  'status_components',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    groupName: text('group_name'),
    position: integer('position').notNull().default(0),
    status: text('status').$type<ComponentStatus>().notNull().default('operational'),
    /** The uptime target shown beside its bars (SofaCover: > 99.9 %). */
    uptimeTarget: real('uptime_target'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [index('status_components_workspace').on(t.workspaceId, t.position)],
);

/** Every status a component took, and when: its uptime bars are computed from these. */
export const componentStatusChanges = pgTable(
  'component_status_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: workspace(),
    componentId: text('component_id').notNull(),
    status: text('status').$type<ComponentStatus>().notNull(),
    at: instant('at').notNull(),
    /** What changed it: `incident:3`, `check:chk_…`, `user:usr_…`, `maintenance:mnt_…`. */
    cause: text('cause').notNull(),
  },
  (t) => [index('component_status_changes_component').on(t.workspaceId, t.componentId, t.at)],
);

/** Uptime per component per day, kept as changes come in, for 90-day bars without a scan. */
export const componentUptimeDays = pgTable(
  'component_uptime_days',
  {
    workspaceId: workspace(),
    componentId: text('component_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    /** Seconds of the day in major outage, partial outage, degraded. */
    majorSeconds: integer('major_seconds').notNull().default(0),
    partialSeconds: integer('partial_seconds').notNull().default(0),
    degradedSeconds: integer('degraded_seconds').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.componentId, t.day] })],
);

export type SubscriberKind = 'email' | 'webhook';

/** A status-page subscriber: an email address (double opt-in) or a webhook URL. */
export const statusSubscribers = pgTable(
  'status_subscribers',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    kind: text('kind').$type<SubscriberKind>().notNull(),
    /** Lower-cased email, or the URL. */
    address: text('address').notNull(),
    /** SHA-256 of the token in its confirm / unsubscribe links. */
    tokenHash: text('token_hash').notNull(),
    confirmedAt: instant('confirmed_at'),
    unsubscribedAt: instant('unsubscribed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('status_subscribers_address').on(t.workspaceId, t.kind, t.address),
    uniqueIndex('status_subscribers_token').on(t.tokenHash),
  ],
);

export interface OnCallLayer {
  /** User ids in hand-off order. */
  readonly users: readonly string[];
  readonly handoff: 'daily' | 'weekly';
  /** Local time of the hand-off, `HH:MM`. */
  readonly handoffTime: string;
  /** For weekly: ISO weekday 1 (Monday) … 7. */
  readonly handoffDay?: number;
  /** The instant the first user's first turn starts (ISO). */
  readonly startsAt: string;
  /** Only these local hours (`09:00-18:00`), else always. */
  readonly restrict?: { readonly from: string; readonly to: string };
}

/** An on-call schedule staffing a pack rotation (`rotation:incident-commander`). */
export const oncallSchedules = pgTable(
  'oncall_schedules',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    /** The pack rotation id it staffs. */
    rotation: text('rotation').notNull(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    /** Layers, the last listed winning where they overlap (PagerDuty's layer order). */
    layers: jsonb('layers').$type<OnCallLayer[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('oncall_schedules_rotation').on(t.workspaceId, t.rotation)],
);

/** Someone covering a schedule for a while (holiday swap). */
export const oncallOverrides = pgTable(
  'oncall_overrides',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    scheduleId: text('schedule_id').notNull(),
    userId: text('user_id').notNull(),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('oncall_overrides_schedule').on(t.workspaceId, t.scheduleId, t.endsAt)],
);

export interface EscalationStep {
  /** Minutes to wait for an acknowledgement before the next step. */
  readonly delayMinutes: number;
  /** Recipients: `rotation:<id>`, `user:<id>`, `role:<id>`, `contact:<id>`. */
  readonly targets: readonly string[];
}

/** Who is paged, in order, until someone acknowledges (PagerDuty's escalation policy). */
export const escalationPolicies = pgTable(
  'escalation_policies',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    name: text('name').notNull(),
    steps: jsonb('steps').$type<EscalationStep[]>().notNull(),
    /** How many times the whole policy runs again when nobody acknowledges. */
    repeat: integer('repeat').notNull().default(0),
    /** Severity levels it pages for; empty: all. */
    severities: jsonb('severities').$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [index('escalation_policies_workspace').on(t.workspaceId)],
);

export type PageStatus = 'triggered' | 'acknowledged' | 'resolved' | 'exhausted';

/** One run of an escalation policy for an incident: where it is, who was paged, who acknowledged. */
export const pages = pgTable(
  'pages',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    incidentId: text('incident_id').notNull(),
    policyId: text('policy_id').notNull(),
    status: text('status').$type<PageStatus>().notNull().default('triggered'),
    /** The step paged last (0-based) and the pass over the policy (0-based). */
    step: integer('step').notNull().default(0),
    pass: integer('pass').notNull().default(0),
    /** Every page sent: `{ step, pass, users, at }`. */
    log: jsonb('log')
      .$type<{ step: number; pass: number; users: string[]; at: string; skipped?: boolean }[]>()
      .notNull()
      .default([]),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: instant('acknowledged_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('pages_incident_policy').on(t.workspaceId, t.incidentId, t.policyId)],
);

/** The post-incident review: the pack's sections, pre-filled from the timeline, due at T+48 h. */
export const incidentReviews = pgTable(
  'incident_reviews',
  {
    workspaceId: workspace(),
    incidentId: text('incident_id').notNull(),
    /** Section id → Markdown. */
    sections: jsonb('sections').$type<Record<string, string>>().notNull().default({}),
    status: text('status').$type<'draft' | 'published'>().notNull().default('draft'),
    dueAt: instant('due_at'),
    publishedAt: instant('published_at'),
    publishedBy: text('published_by'),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.incidentId] })],
);
