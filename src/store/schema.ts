/**
 * The database schema, one for both engines (PGlite and PostgreSQL). `npm run db:generate` turns changes
 * here into a new numbered migration under ./migrations; migrations are forward-only and committed.
 *
 * Tenancy: every table with a `workspace_id` column is a tenant table. Migration 0001 (and every later
 * one that adds a tenant table) enables and forces row-level security on it; a test fails for any tenant
 * table without it. Global tables (users, sessions) carry no workspace_id.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export interface QuietHoursRow {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
}

/** A company using Opsbook: the unit of tenancy. Its own row is visible to its members. */
export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  /** Company SOP: "Enforce multi-factor authentication (MFA) for all user logins." */
  requireMfa: boolean('require_mfa').notNull().default(false),
  /**
   * The values of the pack's `from: workspace` template variables (`upgrade_url`, `export_data_url`):
   * the SaaS's own links, set once per workspace and filled into every message that names them.
   */
  templateValues: jsonb('template_values').$type<Record<string, string>>().notNull().default({}),
  createdAt: createdAt(),
});

/** A person who can sign in. Global: one person may belong to several workspaces. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    /** E.164, for sign-in by a code sent over SMS. */
    phone: text('phone').unique(),
    /** The TOTP secret, sealed (AES-256-GCM) under the system data key; null until MFA is enrolled. */
    totpSecret: text('totp_secret'),
    totpEnabledAt: instant('totp_enabled_at'),
    /** The last 30-second step a TOTP code was accepted for: a code is never accepted twice. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** Failed password sign-ins since the last success (lockout and back-off). */
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: instant('locked_until'),
    /** BCP 47 language the person reads (`hi`, `en`): chooses a template's locale. */
    locale: text('locale'),
    /** Quiet hours `{ from: "22:00", to: "07:00", timeZone }`: non-urgent messages wait until they end. */
    quietHours: jsonb('quiet_hours').$type<QuietHoursRow | null>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_lower').on(sql`lower(${t.email})`)],
);

/** Single-use MFA recovery codes; only their SHA-256 is stored. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: instant('used_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

export type ChallengeKind = 'mfa' | 'sms' | 'phone';

/**
 * A sign-in half done: the password was right and a TOTP code is awaited (`mfa`), or a code was sent by
 * SMS (`sms`). Its token is given to the browser once; only the SHA-256 is stored. Expiring, attempt
 * limited, single use.
 */
export const signInChallenges = pgTable(
  'sign_in_challenges',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<ChallengeKind>().notNull(),
    codeHash: text('code_hash'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
  },
  (t) => [index('sign_in_challenges_user').on(t.userId)],
);

/** A person's role in a workspace. */
export const memberships = pgTable(
  'memberships',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user').on(t.userId)],
);

/** A signed-in browser. Only the SHA-256 of the cookie's token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    csrfToken: text('csrf_token').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    currentWorkspace: text('current_workspace'),
    /** How the person proved who they are: `password`, `password+totp`, `password+recovery`, `sms`. */
    method: text('method').notNull().default('password'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /**
     * SHA-256 of the browser's device cookie. A browser that signed in to an account before may keep
     * trying while the account is paused after failed attempts from elsewhere (OWASP "device cookies"),
     * so a guessing flood does not lock the real person out.
     */
    deviceHash: text('device_hash'),
    createdAt: createdAt(),
    lastSeenAt: instant('last_seen_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_device').on(t.deviceHash)],
);

/**
 * Append-only history of every subject (`tkt_…`, `inc_…`): what happened, when, by whom. The app role may
 * only SELECT and INSERT, and a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
export const timelineEvents = pgTable(
  'timeline_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    subject: text('subject').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').notNull().default({}),
    actor: text('actor').notNull(),
    occurredAt: instant('occurred_at').notNull().defaultNow(),
  },
  (t) => [index('timeline_subject').on(t.workspaceId, t.subject, t.id)],
);

/**
 * Durable timers, keyed like `"<subject>:<clock>"`. A worker claims due rows with FOR UPDATE SKIP LOCKED
 * and holds them under a lease it heartbeats; a lapsed lease makes the row claimable again.
 */
export const timers = pgTable(
  'timers',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    subject: text('subject').notNull(),
    runAt: instant('run_at').notNull(),
    payload: jsonb('payload').notNull().default({}),
    attempts: integer('attempts').notNull().default(0),
    lockedBy: text('locked_by'),
    lockedUntil: instant('locked_until'),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.key] }),
    index('timers_due').on(t.runAt),
    // Heartbeats and hand-backs find a batch's rows by its token; the wake-up finds the leases in flight.
    // Both sets are small, so partial indexes keep those queries off the whole table.
    index('timers_locked_by')
      .on(t.lockedBy)
      .where(sql`${t.lockedBy} is not null`),
    index('timers_leased')
      .on(t.lockedUntil)
      .where(sql`${t.lockedUntil} is not null`),
  ],
);

export type OutboxStatus = 'pending' | 'sent' | 'dead';

/**
 * Messages recorded in the same transaction as the decision that caused them, sent afterwards by the
 * dispatcher. The idempotency key makes recording the same effect twice impossible.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    channel: text('channel').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: instant('locked_until'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: instant('sent_at'),
    /** For a delivery: the notification (`notify` row) it was expanded from. */
    parentId: text('parent_id'),
    /** For a delivery: who it is for (`user:usr_…`, `contact:cto`, `customer:`, `channel:alert-slack`). */
    recipient: text('recipient'),
    /** The provider's id of the sent message (Twilio SID, SMTP queue id). */
    providerId: text('provider_id'),
    /** What the provider reported later by status callback: `queued`, `delivered`, `failed`, … */
    providerStatus: text('provider_status'),
    /** An undeliverable critical message is escalated (the pack's `undeliverable` recipients). */
    critical: boolean('critical').notNull().default(false),
  },
  (t) => [
    uniqueIndex('outbox_idempotency').on(t.workspaceId, t.idempotencyKey),
    // Each channel's lane claims only its own rows, so a slow provider never holds up another channel.
    index('outbox_pending_channel')
      .on(t.channel, t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('outbox_parent').on(t.workspaceId, t.parentId),
    index('outbox_provider_id')
      .on(t.providerId)
      .where(sql`${t.providerId} is not null`),
    index('outbox_due').on(t.nextAttemptAt),
    // Sent and dead rows stay for the record; the claim and the worker's wake-up look only at pending ones.
    index('outbox_pending')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('outbox_locked_by')
      .on(t.lockedBy)
      .where(sql`${t.lockedBy} is not null`),
  ],
);

/**
 * Every version of a pack a workspace has loaded: the validated document and its content hash. At most
 * one version per pack is active; activations are recorded on the timeline. Stored versions are never
 * rewritten: the app role may only change the activation columns.
 */
export const packVersions = pgTable(
  'pack_versions',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    packId: text('pack_id').notNull(),
    version: text('version').notNull(),
    title: text('title').notNull(),
    hash: text('hash').notNull(),
    document: jsonb('document').notNull(),
    active: boolean('active').notNull().default(false),
    createdAt: createdAt(),
    activatedAt: instant('activated_at'),
    activatedBy: text('activated_by'),
  },
  (t) => [
    uniqueIndex('pack_versions_hash').on(t.workspaceId, t.packId, t.hash),
    uniqueIndex('pack_versions_one_active')
      .on(t.workspaceId, t.packId)
      .where(sql`${t.active}`),
  ],
);

export type TaskStatus = 'open' | 'done';

/**
 * Work the system asks of someone (a pack's overdue review; later checklist items and follow-ups). The
 * key makes raising the same task twice impossible.
 */
export const tasks = pgTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    title: text('title').notNull(),
    detail: text('detail').notNull().default(''),
    subject: text('subject').notNull(),
    assignee: text('assignee').notNull(),
    status: text('status').$type<TaskStatus>().notNull().default('open'),
    dueAt: instant('due_at'),
    /** A template the person follows while doing it (ShopSmart's Day 3 call script). */
    script: text('script'),
    createdAt: createdAt(),
    completedAt: instant('completed_at'),
    /** Who marked it done (`user:…`, `api-token:…`) and what they noted (the call's notes). */
    completedBy: text('completed_by'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('tasks_key').on(t.workspaceId, t.key),
    index('tasks_open').on(t.workspaceId, t.status),
    index('tasks_subject').on(t.workspaceId, t.subject),
  ],
);

/**
 * The state of every governed record the engine runs (`ticket:T1`, `incident:I7`), with the pack version
 * that governs it. `revision` is the optimistic lock: a write names the revision it read.
 */
export const subjects = pgTable(
  'subjects',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    packId: text('pack_id').notNull(),
    packVersion: text('pack_version').notNull(),
    packHash: text('pack_hash').notNull(),
    state: jsonb('state').notNull().default({}),
    revision: integer('revision').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] }), index('subjects_kind').on(t.workspaceId, t.kind)],
);

/**
 * Every effect the engine decided, once: the key (subject, rule, occurrence) is unique per workspace, so
 * re-running a timer or redelivering an event records nothing new. Append-only, like the timeline.
 */
export const effects = pgTable(
  'effects',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    key: text('key').notNull(),
    subject: text('subject').notNull(),
    type: text('type').notNull(),
    at: instant('at').notNull(),
    data: jsonb('data').notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('effects_key').on(t.workspaceId, t.key),
    index('effects_subject').on(t.workspaceId, t.subject, t.id),
  ],
);

export type TokenScope = 'read' | 'write' | 'ingest' | 'admin';

/** An invitation to join a workspace, sent by email; only the SHA-256 of its token is stored. */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: text('invited_by').notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    acceptedAt: instant('accepted_at'),
    acceptedBy: text('accepted_by'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('invitations_workspace').on(t.workspaceId, t.createdAt)],
);

/** A workspace's API token for scripts and integrations: scoped, expiring, only its SHA-256 stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scope: text('scope').$type<TokenScope>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token, shown in lists so people recognise it. */
    prefix: text('prefix').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at'),
    lastUsedAt: instant('last_used_at'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('api_tokens_workspace').on(t.workspaceId)],
);

/**
 * Data keys: one per workspace (`owner` = the workspace id) and one for the system (`owner` = '*'), each
 * AES-256 key wrapped (sealed) by the master key from config. Rotation re-wraps them under a new master
 * key; values sealed under a data key never need rewriting for that. Global (no workspace_id): a wrapped
 * key opens nothing without the master key, and the key service reads it before any workspace is set.
 */
export const dataKeys = pgTable(
  'data_keys',
  {
    owner: text('owner').notNull(),
    version: integer('version').notNull(),
    wrapped: text('wrapped').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.owner, t.version] })],
);

/**
 * The audit log: who did what to access, security settings, secrets and personal data. Each entry's
 * hash covers the previous entry's hash (a chain per workspace, `*` for account-level events), so an
 * edited, deleted, reordered or inserted entry breaks verification. Append-only by trigger.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: text('workspace_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: instant('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target').notNull().default(''),
    data: jsonb('data').notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('audit_log_seq').on(t.workspaceId, t.seq)],
);

/**
 * The newest entry of each audit chain, written by the same function that appends: deleting or
 * truncating the log's tail leaves the head pointing past it, so verification notices.
 */
export const auditHeads = pgTable('audit_heads', {
  workspaceId: text('workspace_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

/**
 * The originals of secrets masked out of text (a password pasted into a ticket), sealed; readable only
 * by admins, and every reading is audited.
 */
export const maskedSecrets = pgTable(
  'masked_secrets',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    field: text('field').notNull(),
    kind: text('kind').notNull(),
    sealed: text('sealed').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('masked_secrets_subject').on(t.workspaceId, t.subject)],
);

/** Every try to send a message: who, what, when, the result, the provider's id and the error. Append-only. */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull(),
    attempt: integer('attempt').notNull(),
    channel: text('channel').notNull(),
    at: instant('at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    /** `sent`, `retry`, `dead`, `held` (waiting for an endpoint or a provider to be set up). */
    outcome: text('outcome').notNull(),
    code: integer('code'),
    providerId: text('provider_id'),
    error: text('error'),
  },
  (t) => [index('delivery_attempts_message').on(t.workspaceId, t.messageId)],
);

/**
 * Where a pack channel of kind slack or webhook delivers: the incoming-webhook or endpoint URL (sealed: a
 * Slack webhook URL is itself a credential) and, for webhooks, the signing secrets. Keyed by the pack
 * channel's id. A 410 from the endpoint disables it until someone re-enables it.
 */
export const destinations = pgTable(
  'destinations',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    kind: text('kind').notNull(),
    /** The URL, sealed under the workspace's data key (field `destinations.url`). */
    urlSealed: text('url_sealed').notNull(),
    /** Shown in the app instead of the URL: scheme, host and the last 4 characters. */
    urlHint: text('url_hint').notNull(),
    /** JSON array of `whsec_…` secrets, the current first, sealed (field `destinations.secrets`). */
    secretsSealed: text('secrets_sealed'),
    disabledAt: instant('disabled_at'),
    disabledReason: text('disabled_reason'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/** The workspace's SMS / WhatsApp / voice provider: a Twilio-compatible REST API. One per workspace. */
export const messagingProviders = pgTable('messaging_providers', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  baseUrl: text('base_url').notNull(),
  accountSid: text('account_sid').notNull(),
  /** Sealed (field `messaging_providers.auth_token`). */
  authTokenSealed: text('auth_token_sealed').notNull(),
  smsFrom: text('sms_from'),
  whatsappFrom: text('whatsapp_from'),
  voiceFrom: text('voice_from'),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

/** In-app notifications: per person, or (user null) the workspace's dashboard feed. */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: text('user_id'),
    /** The delivery it came from: a retried delivery stores nothing new. */
    messageId: text('message_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    level: text('level'),
    subject: text('subject'),
    createdAt: createdAt(),
    readAt: instant('read_at'),
  },
  (t) => [
    uniqueIndex('notifications_message').on(t.workspaceId, t.messageId),
    index('notifications_user').on(t.workspaceId, t.userId, t.createdAt),
  ],
);

/**
 * Addresses that asked, through a journey message's unsubscribe link (RFC 8058 one-click), to get no more
 * journey or marketing mail from this workspace. Service messages (incidents, tickets) still go.
 */
export const unsubscribes = pgTable(
  'unsubscribes',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Lower-cased email address. */
    address: text('address').notNull(),
    /** The message whose link was used. */
    messageId: text('message_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.address] })],
);

/** Mail the built-in mailbox received (embedded mode without SMTP): shown in the web app. */
export const mailbox = pgTable(
  'mailbox',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    messageId: text('message_id'),
    from: text('from_address').notNull(),
    to: jsonb('to_addresses').$type<string[]>().notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    receivedAt: createdAt(),
  },
  (t) => [index('mailbox_received').on(t.workspaceId, t.receivedAt)],
);

/** Raw bytes (attachments). */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * A support ticket (issue 7): the help desk's row for the engine subject `ticket:<number>`. What the agent
 * inbox lists and filters on lives here; the SLA clocks and their verdicts are the engine's (the subject's
 * state), mirrored into `clocks`, `next_due_at` and `breached` after every decision so the inbox can sort
 * on them without reading the subject.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Per workspace, from 1: shown as `#1042`, the engine subject is `ticket:1042`. */
    number: integer('number').notNull(),
    title: text('title').notNull(),
    /** open | pending | waiting | on-hold | resolved | closed (pending-like statuses pause resolution). */
    status: text('status').notNull(),
    priority: text('priority').notNull(),
    category: text('category'),
    tier: text('tier'),
    /** The pack channel it came in on (`email`, `whatsapp`, `in-app-chat`, `phone`, `api`). */
    channel: text('channel').notNull(),
    assigneeId: text('assignee_id'),
    requesterName: text('requester_name'),
    /** Lower-cased. */
    requesterEmail: text('requester_email'),
    /** E.164. */
    requesterPhone: text('requester_phone'),
    /** SHA-256 of the token the customer holds for this conversation (chat widget, CSAT link). */
    requesterTokenHash: text('requester_token_hash'),
    account: text('account'),
    plan: text('plan'),
    locale: text('locale'),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    /** How it was categorised and prioritised: the triage rule that decided, and every override since. */
    triage: jsonb('triage').$type<TicketTriage>().notNull().default({ rule: null, set: {}, overrides: [] }),
    packId: text('pack_id'),
    packVersion: text('pack_version'),
    /** The engine's clocks as of its last decision: id, phase, due, and the derivation of the due time. */
    clocks: jsonb('clocks').$type<TicketClock[]>().notNull().default([]),
    /**
     * The verdict (`met`, `breached`) of the first-response clock and of the resolution clock, once
     * given: metrics and their drill-down read these rather than search `clocks` on every row.
     */
    firstResponseVerdict: text('first_response_verdict'),
    resolutionVerdict: text('resolution_verdict'),
    /** The earliest due time of a running clock: the inbox sorts on it. */
    nextDueAt: instant('next_due_at'),
    breached: boolean('breached').notNull().default(false),
    firstResponseAt: instant('first_response_at'),
    resolvedAt: instant('resolved_at'),
    reopenedCount: integer('reopened_count').notNull().default(0),
    /** Reopened within the pack's window after its last resolution: counts toward the reopen rate. */
    reopenedInWindow: boolean('reopened_in_window').notNull().default(false),
    escalatedAt: instant('escalated_at'),
    /** `incident:I1`: the incident it is linked to (customers affected by it). */
    incident: text('incident'),
    /** The ticket this one was merged into. */
    mergedInto: text('merged_into'),
    csatScore: integer('csat_score'),
    csatComment: text('csat_comment'),
    csatAt: instant('csat_at'),
    csatSentAt: instant('csat_sent_at'),
    messageCount: integer('message_count').notNull().default(0),
    lastMessageAt: instant('last_message_at'),
    lastCustomerMessageAt: instant('last_customer_message_at'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tickets_number').on(t.workspaceId, t.number),
    index('tickets_queue').on(t.workspaceId, t.status, t.tier, t.nextDueAt),
    index('tickets_assignee').on(t.workspaceId, t.assigneeId, t.status),
    index('tickets_created').on(t.workspaceId, t.createdAt),
    index('tickets_requester_email').on(t.workspaceId, t.requesterEmail),
    index('tickets_requester_phone').on(t.workspaceId, t.requesterPhone),
  ],
);

export interface TicketTriage {
  /** The triage rule that set the fields, or null (defaults, or set by the caller). */
  readonly rule: string | null;
  readonly quote?: string;
  readonly set: Readonly<Record<string, string>>;
  readonly overrides: readonly {
    readonly field: string;
    readonly from: string | null;
    readonly to: string;
    readonly by: string;
    readonly at: string;
  }[];
}

export interface TicketClock {
  readonly id: string;
  readonly phase: string;
  readonly due: string | null;
  readonly derivation: string;
}

/** One message on a ticket: from the customer, a reply, an internal note, a logged call, the bot. */
export const ticketMessages = pgTable(
  'ticket_messages',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** reply | note | call | bot | auto (an acknowledgement) | event (merged, CSAT). */
    kind: text('kind').notNull(),
    /** in (from the customer) | out (to the customer) | internal. */
    direction: text('direction').notNull(),
    /** customer | agent | bot | system. */
    authorType: text('author_type').notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    channel: text('channel').notNull(),
    bodyText: text('body_text').notNull(),
    /** Sanitised HTML (never the raw mail's). */
    bodyHtml: text('body_html'),
    /** The mail's Message-ID without brackets: inbound mail is deduplicated and replies are threaded by it. */
    emailMessageId: text('email_message_id'),
    /** Call duration and outcome, mentions, the outbox message of a sent reply. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index('ticket_messages_ticket').on(t.workspaceId, t.ticketId, t.createdAt),
    uniqueIndex('ticket_messages_email_id').on(t.workspaceId, t.emailMessageId),
  ],
);

/** A file a message carried; served only to agents, with a safe Content-Disposition. */
export const ticketAttachments = pgTable(
  'ticket_attachments',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    messageId: text('message_id')
      .notNull()
      .references(() => ticketMessages.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    data: bytea('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('ticket_attachments_message').on(t.workspaceId, t.messageId)],
);

/**
 * The last ticket number of each workspace. Taken in its own short transaction (like a sequence: a
 * rolled-back create leaves a gap), so creating tickets never queues behind another create's transaction.
 */
export const ticketCounters = pgTable('ticket_counters', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  lastNumber: integer('last_number').notNull().default(0),
});

/** Addresses whose mail becomes tickets of a workspace (besides `<slug>@<support domain>`). */
export const supportAddresses = pgTable(
  'support_addresses',
  {
    /** Lower-cased. */
    address: text('address').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The pack channel its tickets count under. */
    channel: text('channel').notNull().default('email'),
    createdAt: createdAt(),
  },
  (t) => [index('support_addresses_workspace').on(t.workspaceId)],
);

/** An agent's place in the support queues: the tiers they work and whether they are on shift now. */
export const supportAgents = pgTable(
  'support_agents',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    tiers: jsonb('tiers').$type<string[]>().notNull().default([]),
    onShift: boolean('on_shift').notNull().default(true),
    /** Round-robin: when this agent was last given a ticket automatically. */
    lastAssignedAt: instant('last_assigned_at'),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] })],
);

/** Automatic replies sent to an address: at most N per sender per hour, so two robots never loop. */
export const autoReplies = pgTable(
  'auto_replies',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    sentAt: instant('sent_at').notNull().defaultNow(),
  },
  (t) => [index('auto_replies_address').on(t.workspaceId, t.address, t.sentAt)],
);

/** Inbound mail that was accepted but not turned into a ticket, with the reason (loops, spoofing). */
export const mailQuarantine = pgTable(
  'mail_quarantine',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    from: text('from_address'),
    subject: text('subject'),
    messageId: text('message_id'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    sizeBytes: integer('size_bytes').notNull(),
    receivedAt: createdAt(),
  },
  (t) => [index('mail_quarantine_received').on(t.workspaceId, t.receivedAt)],
);

/** The public help centre: articles in categories (SofaCover's "FAQ/Knowledge Base: self-service"). */
export const kbArticles = pgTable(
  'kb_articles',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    /** Markdown. */
    body: text('body').notNull(),
    category: text('category').notNull(),
    /** Ticket categories it answers, for suggestions. */
    ticketCategories: jsonb('ticket_categories').$type<string[]>().notNull().default([]),
    published: boolean('published').notNull().default(false),
    views: integer('views').notNull().default(0),
    helpful: integer('helpful').notNull().default(0),
    notHelpful: integer('not_helpful').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('kb_articles_slug').on(t.workspaceId, t.slug)],
);

export const schema = {
  workspaces,
  users,
  memberships,
  sessions,
  timelineEvents,
  timers,
  outbox,
  packVersions,
  tasks,
  subjects,
  effects,
  recoveryCodes,
  signInChallenges,
  invitations,
  apiTokens,
  dataKeys,
  auditLog,
  auditHeads,
  maskedSecrets,
  deliveryAttempts,
  destinations,
  messagingProviders,
  notifications,
  unsubscribes,
  mailbox,
  tickets,
  ticketCounters,
  ticketMessages,
  ticketAttachments,
  supportAddresses,
  supportAgents,
  autoReplies,
  mailQuarantine,
  kbArticles,
};
export type Schema = typeof schema;
