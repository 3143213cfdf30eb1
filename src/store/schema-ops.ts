/**
 * The team's own operations records (issue 10): bugs and releases as numbered records (`BUG-123`,
 * `REL-7`), vendor scorecards, and restore drills measured against the recovery objectives. Tenant tables,
 * with row-level security (migration 0017).
 *
 * A record's lifecycle (bug: reported → … → closed; release: development complete → … → released) is run by
 * the engine on the subject `<kind>:<ref>` (`bug:BUG-123`); the row keeps what people wrote (title, the
 * report's fields, attachments, links) and mirrors the engine's position and clocks, so lists and filters
 * need no JSON scan of the engine's state.
 */
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

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const workspace = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

export type RecordKind = 'bug' | 'release';
export type RecordFieldValue = string | number | boolean | null;

/** A clock of the record as the list shows it (the engine's reading when the record last changed). */
export interface RecordClock {
  readonly id: string;
  readonly source: string;
  readonly phase: string;
  readonly due: string | null;
  readonly derivation: string;
}

export const records = pgTable(
  'records',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    kind: text('kind').$type<RecordKind>().notNull(),
    /** Per workspace and kind, from 1: the `123` of `BUG-123`. */
    number: integer('number').notNull(),
    /** `BUG-123`, `REL-7`: the id people say, and the engine subject's id (`bug:BUG-123`). */
    ref: text('ref').notNull(),
    title: text('title').notNull(),
    /** The lifecycle's state, mirrored from the engine after every decision. */
    state: text('state').notNull(),
    /** The report's fields as written (steps to reproduce, expected, actual, severity, module, type, version). */
    fields: jsonb('fields').$type<Record<string, RecordFieldValue>>().notNull().default({}),
    /** Links to screenshots and logs (http(s) URLs). */
    attachments: jsonb('attachments').$type<string[]>().notNull().default([]),
    /** The tickets and incidents it came from, and the releases that ship it: `ticket:tkt_…`, `incident:12`, `release:REL-3`. */
    links: jsonb('links').$type<string[]>().notNull().default([]),
    packId: text('pack_id').notNull(),
    packVersion: text('pack_version').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    clocks: jsonb('clocks').$type<RecordClock[]>().notNull().default([]),
    /** The soonest due running clock (a bug's fix-by, a release's rollback window). */
    nextDueAt: instant('next_due_at'),
    breached: boolean('breached').notNull().default(false),
    /** When the lifecycle reached a terminal state (closed, released, rolled back). */
    endedAt: instant('ended_at'),
    /** A release: when it shipped, and the end of its monitoring hour (incidents declared before are linked). */
    shippedAt: instant('shipped_at'),
    monitoringEndsAt: instant('monitoring_ends_at'),
  },
  (t) => [
    uniqueIndex('records_number').on(t.workspaceId, t.kind, t.number),
    uniqueIndex('records_ref').on(t.workspaceId, t.ref),
    index('records_state').on(t.workspaceId, t.kind, t.state, t.createdAt),
    index('records_monitoring').on(t.workspaceId, t.monitoringEndsAt),
  ],
);

export const recordCounters = pgTable(
  'record_counters',
  {
    workspaceId: workspace(),
    kind: text('kind').$type<RecordKind>().notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.kind] })],
);

/**
 * One scoring of a vendor on the pack's weighted criteria (SOP-006): every criterion scored 1-5, the
 * weighted total kept as computed then, so a pack that later changes its weights never rewrites history.
 * Append-only.
 */
export const vendorScorecards = pgTable(
  'vendor_scorecards',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    /** The pack's vendor id (`aws`), and the pack version whose criteria it was scored on. */
    vendor: text('vendor').notNull(),
    packId: text('pack_id').notNull(),
    packVersion: text('pack_version').notNull(),
    /** Criterion id → score (1-5). */
    scores: jsonb('scores').$type<Record<string, number>>().notNull(),
    /** Criterion id → weight in percent, as the pack said when scored. */
    weights: jsonb('weights').$type<Record<string, number>>().notNull(),
    /** Σ score × weight / 100: 1.00 - 5.00. */
    weighted: doublePrecision('weighted').notNull(),
    note: text('note'),
    scoredBy: text('scored_by').notNull(),
    scoredAt: instant('scored_at').notNull(),
  },
  (t) => [index('vendor_scorecards_vendor').on(t.workspaceId, t.vendor, t.scoredAt)],
);

/**
 * A restore drill or verification (SOP-004: weekly sample restore, monthly full restore drill, quarterly
 * DR failover) with what was measured: how long the restore took against the scenario's RTO, and how much
 * data was lost against its RPO. Append-only; the targets are copied from the pack when recorded.
 */
export const restoreDrills = pgTable(
  'restore_drills',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    /** The pack's check (`restore-test-sample`, `full-restore-drill`, `dr-failover-test`). */
    check: text('check').notNull(),
    /** The recovery objective's scenario it is measured against (`database-corruption`), and the backup set. */
    objective: text('objective'),
    backupSet: text('backup_set'),
    /** The checklist run it completes, when it was done from one. */
    runId: text('run_id'),
    packId: text('pack_id').notNull(),
    packVersion: text('pack_version').notNull(),
    performedAt: instant('performed_at').notNull(),
    restoreMs: integer('restore_ms').notNull(),
    dataLossMs: integer('data_loss_ms').notNull(),
    rtoMs: integer('rto_ms'),
    rpoMs: integer('rpo_ms'),
    metRto: boolean('met_rto'),
    metRpo: boolean('met_rpo'),
    succeeded: boolean('succeeded').notNull(),
    note: text('note'),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [index('restore_drills_check').on(t.workspaceId, t.check, t.performedAt)],
);
