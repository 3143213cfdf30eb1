/**
 * The work people do from a pack's checklists (issue: one-off checklist runs): a run of a checklist opened
 * by the engine's `checklist` effect on a record (Smart Estate's 16-step onboarding on `account:<id>`), and
 * its items, each with its owner, due instant, evidence and approval. Tenant tables, with row-level
 * security (migration 0016).
 *
 * A run keeps the pack version that opened it and a copy of each item's text, owner and evidence kind, so a
 * pack changed later never rewrites the work in progress. Recurring runs (a `schedule:<checklist>` subject)
 * fit the same rows: `dueAt` is then the scheduled instant.
 */
import {
  boolean,
  index,
  integer,
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

export type ChecklistRunStatus = 'open' | 'completed';
export type ChecklistItemStatus = 'open' | 'done' | 'skipped';
export type EvidenceKind = 'note' | 'link' | 'file' | 'number' | 'none';

export const checklistRuns = pgTable(
  'checklist_runs',
  {
    id: text('id').primaryKey(),
    workspaceId: workspace(),
    /** The pack's checklist id (`new-estate-onboarding`) and its label when the run opened. */
    checklist: text('checklist').notNull(),
    label: text('label').notNull(),
    packId: text('pack_id').notNull(),
    packHash: text('pack_hash').notNull(),
    /** The record the run belongs to (`account:EST-7`); the engine is told of its completion there. */
    subject: text('subject').notNull(),
    /** The engine effect that opened it: one run per effect, however often a decision is replayed. */
    effectKey: text('effect_key').notNull(),
    /** Items must be done in order (the checklist's `ordered`). */
    ordered: boolean('ordered').notNull().default(false),
    status: text('status').$type<ChecklistRunStatus>().notNull().default('open'),
    openedAt: instant('opened_at').notNull(),
    /** The latest item due instant (one-off), or the scheduled instant (recurring); null when none is due. */
    dueAt: instant('due_at'),
    completedAt: instant('completed_at'),
  },
  (t) => [
    uniqueIndex('checklist_runs_effect').on(t.workspaceId, t.effectKey),
    index('checklist_runs_subject').on(t.workspaceId, t.subject, t.openedAt),
    index('checklist_runs_status').on(t.workspaceId, t.status, t.openedAt),
  ],
);

export const checklistItems = pgTable(
  'checklist_items',
  {
    workspaceId: workspace(),
    runId: text('run_id')
      .notNull()
      .references(() => checklistRuns.id, { onDelete: 'cascade' }),
    /** The pack's item id (`verify-signup-details`), its place (0-based) and text. */
    item: text('item').notNull(),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    /** Who does it: `role:<id>` (the item's owner, else the checklist's), or null for anyone who may write. */
    owner: text('owner'),
    /** The person it was given to (`user:<id>`), who may do it besides the owner's role; null: not given. */
    assignee: text('assignee'),
    evidenceKind: text('evidence_kind').$type<EvidenceKind>().notNull().default('none'),
    dueAt: instant('due_at'),
    status: text('status').$type<ChecklistItemStatus>().notNull().default('open'),
    /** Who marked it done or skipped it (`user:…`, `token:…`), and when. */
    doneBy: text('done_by'),
    doneAt: instant('done_at'),
    /** The evidence given (a note, an http(s) link, a file's name, a number as written). */
    evidence: text('evidence'),
    /** A note beside the evidence; for a skipped item, the reason. */
    note: text('note'),
    /** The role that must approve it once done (`role:finance`), and who did, when. */
    approvalRole: text('approval_role'),
    approvedBy: text('approved_by'),
    approvedAt: instant('approved_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.item] })],
);
