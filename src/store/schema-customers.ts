/**
 * The customer lifecycle's tables (issue 9): the workspace's customers (accounts: a shop, an estate, an
 * organisation), the people of each account (contacts: owners, estate admins, guards, residents), and the
 * receipts that make usage-fact batches idempotent. Tenant tables, with row-level security (migration 0014).
 *
 * An account's lifecycle itself (signup, payment, subscription, estate) is run by the engine on the subject
 * `account:<id>`; the row mirrors its positions so lists, filters and metrics need no JSON scan.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
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

export type FactValue = string | number | boolean | null;

/** A customer of the workspace's business. `id` is the SaaS's own id for it (`shop_123`, `EST-7`). */
export const accounts = pgTable(
  'accounts',
  {
    workspaceId: workspace(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    /** What the customer is, in the pack's words: `shop`, `estate`, `organisation`. */
    kind: text('kind').notNull().default('organisation'),
    plan: text('plan'),
    /** The team member who owns the relationship (a CSM): a user id of the workspace. */
    ownerUserId: text('owner_user_id'),
    custom: jsonb('custom').$type<Record<string, FactValue>>().notNull().default({}),
    /** The latest value of each usage fact, and when the SaaS observed it (ms), so an older batch never wins. */
    facts: jsonb('facts').$type<Record<string, FactValue>>().notNull().default({}),
    factsAt: jsonb('facts_at').$type<Record<string, number>>().notNull().default({}),
    /** The engine's lifecycle positions for `account:<id>` (`{ "subscription": "past-due" }`). */
    lifecycles: jsonb('lifecycles').$type<Record<string, string>>().notNull().default({}),
    /** One word for lists and metrics: the subscription's state, else the first lifecycle's, else `new`. */
    state: text('state').notNull().default('new'),
    /**
     * When the newest payment event applied to it happened, by the provider's clock: an older one arriving
     * later (a retry, a slow queue) is recorded and not applied, so it cannot undo what followed it.
     */
    billingEventAt: instant('billing_event_at'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    index('accounts_state').on(t.workspaceId, t.state),
    index('accounts_name').on(t.workspaceId, sql`lower(${t.name})`),
  ],
);

export type ContactStatus = 'active' | 'suspended';

/** A person of an account: phone in E.164, one per phone number in the workspace. */
export const accountContacts = pgTable(
  'account_contacts',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    accountId: text('account_id').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    email: text('email'),
    locale: text('locale'),
    /** IANA zone (`Asia/Kolkata`): the send windows of journey messages are read in it. */
    timeZone: text('time_zone'),
    /** An account role of the pack (`estate-admin`, `guard`, `resident`) or the SaaS's own word. */
    role: text('role'),
    unit: text('unit'),
    status: text('status').$type<ContactStatus>().notNull().default('active'),
    /** When the engine was told `user.registered` for `user:<id>`: journeys run on registered contacts. */
    registeredAt: instant('registered_at'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('account_contacts_account').on(t.workspaceId, t.accountId),
    uniqueIndex('account_contacts_phone').on(t.workspaceId, t.phone),
    index('account_contacts_email').on(t.workspaceId, sql`lower(${t.email})`),
  ],
);

/** One row per fact batch received with an idempotency key: a replay is answered without re-applying. */
export const factReceipts = pgTable(
  'fact_receipts',
  {
    workspaceId: workspace(),
    key: text('key').notNull(),
    accountId: text('account_id').notNull(),
    receivedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.key] }), index('fact_receipts_time').on(t.receivedAt)],
);

export type PaymentWebhookKind = 'stripe' | 'generic';

/**
 * An endpoint a payment provider posts to (`/api/v1/hooks/payments/<workspace>/<id>`): Stripe-shaped, or
 * Opsbook's generic shape signed with Standard Webhooks. Its signing secrets are sealed (KeyService);
 * several are kept while a secret is rotated.
 */
export const paymentWebhooks = pgTable(
  'payment_webhooks',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    kind: text('kind').$type<PaymentWebhookKind>().notNull(),
    name: text('name').notNull(),
    secretsSealed: text('secrets_sealed').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
    lastDeliveryAt: instant('last_delivery_at'),
  },
  (t) => [index('payment_webhooks_workspace').on(t.workspaceId)],
);

export type PaymentOutcome = 'applied' | 'ignored' | 'duplicate' | 'out-of-order';

/**
 * Every delivery a payment webhook accepted (signature valid), once per provider event id: a redelivery is
 * answered from here and applies nothing. `reference` (the invoice) makes Stripe's two success events for
 * one invoice (`invoice.paid`, `invoice.payment_succeeded`) one payment.
 */
export const paymentDeliveries = pgTable(
  'payment_deliveries',
  {
    workspaceId: workspace(),
    webhookId: text('webhook_id').notNull(),
    deliveryId: text('delivery_id').notNull(),
    type: text('type'),
    account: text('account'),
    reference: text('reference'),
    occurredAt: instant('occurred_at'),
    outcome: text('outcome').$type<PaymentOutcome>().notNull(),
    reason: text('reason').notNull().default(''),
    receivedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.webhookId, t.deliveryId] }),
    index('payment_deliveries_reference').on(t.workspaceId, t.account, t.type, t.reference),
    index('payment_deliveries_time').on(t.workspaceId, t.receivedAt),
  ],
);

export type SurveyScale = 'nps' | 'csat';

/**
 * One survey sent to one person (a journey's `survey` action: ShopSmart's day-30 NPS): its own link, and at
 * most one answer. The invitation is the notification's, however many channels carry it, so an SMS and an
 * email of the same survey share one link and one answer. Only the link token's hash is kept.
 */
export const surveyInvitations = pgTable(
  'survey_invitations',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    /** The pack's survey id (`nps-day-30`). */
    survey: text('survey').notNull(),
    scale: text('scale').$type<SurveyScale>().notNull(),
    /** Whom it asks: the engine subject (`user:U1`) the answer goes back to as `survey.answered`. */
    subject: text('subject').notNull(),
    accountId: text('account_id'),
    /** The outbox row of the notification that carried it: one invitation per notification. */
    messageId: text('message_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    sentAt: instant('sent_at').notNull().defaultNow(),
    answeredAt: instant('answered_at'),
    score: integer('score'),
    comment: text('comment'),
    /** How the answer came: `link` (the survey page), `api` (in-app, through the API). */
    answeredVia: text('answered_via'),
  },
  (t) => [
    uniqueIndex('survey_invitations_message').on(t.workspaceId, t.messageId),
    index('survey_invitations_survey').on(t.workspaceId, t.survey, t.sentAt),
    index('survey_invitations_account').on(t.workspaceId, t.accountId, t.sentAt),
  ],
);

/** `expired` is read from `expires_at`; the row says `open` or `paid`. */
export type CheckoutStatus = 'open' | 'paid';

/**
 * A hosted checkout opened for an account (Smart Estate: "payment by hosted checkout"): the provider's page
 * the customer pays on, and its outcome. The provider confirms through the workspace's payment webhook, as
 * a real one would, so a checkout is paid only by a verified delivery. `sandbox` is Opsbook's own test
 * provider; only the sandbox page's token hash is kept.
 */
export const checkoutSessions = pgTable(
  'checkout_sessions',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    accountId: text('account_id').notNull(),
    /** The payment webhook the provider confirms through. */
    webhookId: text('webhook_id').notNull(),
    provider: text('provider').notNull(),
    amount: doublePrecision('amount').notNull(),
    currency: text('currency').notNull(),
    description: text('description'),
    status: text('status').$type<CheckoutStatus>().notNull().default('open'),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    completedAt: instant('completed_at'),
  },
  (t) => [index('checkout_sessions_account').on(t.workspaceId, t.accountId, t.createdAt)],
);
