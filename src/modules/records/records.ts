/**
 * Bugs and releases as records (issue 10): numbered per workspace (`BUG-123`, `REL-7`), with what people
 * wrote (a bug report's fields: steps to reproduce, expected vs actual, severity, functional or not, module;
 * a release's type and version), attachments and links to the tickets and incidents they came from. The
 * pack's lifecycle for the kind runs on the engine subject `<kind>:<ref>`; the row mirrors it (mirror.ts).
 *
 * Creating one tells the engine `<kind>.created` (a release's checklist opens on it) and, for a bug whose
 * pack logs reports as a step ("The support team logs the bug in the tracking system. Assigns a unique bug
 * ID", company SOP 2.2), takes the `log` step at once when the report carries what the step asks: creating
 * the record here is logging it with its unique id.
 */
import { and, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { lifecycleFor, nextSteps } from '../../core/record-gates.js';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Fields, SubjectState } from '../../core/decide/types.js';
import type { Engine } from '../../engine/engine.js';
import { loadSubject } from '../../engine/subjects.js';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { incidents } from '../../store/schema-incidents.js';
import { tickets } from '../../store/schema.js';
import { recordCounters, records, type RecordFieldValue, type RecordKind } from '../../store/schema-ops.js';
import { checklistItems, checklistRuns } from '../../store/schema-work.js';
import { PREFIX } from './mirror.js';

export type RecordRow = typeof records.$inferSelect;

export interface RecordsContext {
  readonly database: Database;
  readonly engine: Engine;
}

export interface CreateInput {
  readonly title: string;
  readonly fields?: Readonly<Record<string, RecordFieldValue>> | undefined;
  readonly attachments?: readonly string[] | undefined;
  readonly links?: readonly string[] | undefined;
}

/**
 * Fields Opsbook or the engine sets, never taken from what a person wrote: the engine's instructions
 * (a checklist claimed done, an approval), the go/no-go decision, the rollback window and monitoring hour,
 * a bug's next-release deadline, and a lifecycle's state (`release_state`, `bug_status`).
 */
const RESERVED = new Set([
  'action',
  'checklist',
  'approved',
  'run',
  'bug',
  'release',
  'scale',
  'status',
  'title',
  'rollback_window',
  'rollback_window_ends',
  'monitoring_ends',
  'next_release',
  'next_release_deployed_ms',
]);
const reserved = (name: string) =>
  RESERVED.has(name) || name.startsWith('go_no_go') || /_(state|status)$/.test(name);

/** Set when a release starts and never by a step: they choose its approver and rollback window. */
export const RELEASE_IDENTITY: readonly string[] = ['release_type', 'version'];

/** A link to what a record came from or ships in: `ticket:<id>`, `incident:<number>`, `bug:BUG-1`, `release:REL-1`. */
const LINK =
  /^(ticket:tkt_[a-z0-9]{1,40}|incident:[1-9][0-9]{0,9}|bug:BUG-[1-9][0-9]{0,9}|release:REL-[1-9][0-9]{0,9})$/;

export const subjectOf = (row: Pick<RecordRow, 'kind' | 'ref'>) => `${row.kind}:${row.ref}`;

/** The engine's fields from what a person wrote: reserved names refused with where they were. */
export function engineFields(fields: Readonly<Record<string, RecordFieldValue>>, pointer: string): Fields {
  const problems: FieldError[] = [];
  for (const name of Object.keys(fields))
    if (reserved(name) || !/^[a-z][a-z0-9_]{0,63}$/.test(name))
      problems.push({
        pointer: `${pointer}/${name}`,
        message: reserved(name)
          ? `"${name}" is set by Opsbook, not by the record's fields`
          : `"${name}" is not a field name: use lower-case letters, digits and _ (e.g. steps_to_reproduce)`,
      });
  if (problems.length > 0) throw new OpsError('OPS_VALIDATION', 'Some fields cannot be set.', problems);
  return { ...fields };
}

/** Refuses links to tickets, incidents or records the workspace does not have. */
export async function checkLinks(
  tx: Tx,
  workspaceId: string,
  links: readonly string[],
  pointer: string,
): Promise<void> {
  const problems: FieldError[] = [];
  for (const [i, link] of links.entries()) {
    if (!LINK.test(link)) {
      problems.push({
        pointer: `${pointer}/${i}`,
        message: `"${link}" is not a link: use ticket:<id>, incident:<number>, bug:BUG-<n> or release:REL-<n>`,
      });
      continue;
    }
    const [kind, id] = [link.slice(0, link.indexOf(':')), link.slice(link.indexOf(':') + 1)];
    const found =
      kind === 'ticket'
        ? await tx
            .select({ id: tickets.id })
            .from(tickets)
            .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, id)))
        : kind === 'incident'
          ? await tx
              .select({ id: incidents.id })
              .from(incidents)
              .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.number, Number(id))))
          : await tx
              .select({ id: records.id })
              .from(records)
              .where(and(eq(records.workspaceId, workspaceId), eq(records.ref, id)));
    if (found.length === 0)
      problems.push({ pointer: `${pointer}/${i}`, message: `${link} does not exist in this workspace` });
  }
  if (problems.length > 0) throw new OpsError('OPS_VALIDATION', 'Some links do not lead anywhere.', problems);
}

/**
 * What a release needs that a bug does not: the version released, and a type of the pack's when the pack
 * has types (ShopSmart: the type sets the go/no-go approver and the rollback window; company-ops has none).
 */
function releaseFields(ep: EnginePolicy, fields: Fields): void {
  const types = ep.policy.pack.releases?.types ?? [];
  const problems: FieldError[] = [];
  if (types.length > 0 && !types.some((t) => t.id === fields.release_type))
    problems.push({
      pointer: '/body/fields/release_type',
      message: `${fields.release_type === undefined ? 'a release type is required' : `"${String(fields.release_type)}" is not a release type`}: use one of ${types.map((t) => t.id).join(', ')}`,
    });
  if (types.length === 0 && fields.release_type !== undefined)
    problems.push({
      pointer: '/body/fields/release_type',
      message: 'the active pack defines no release types (releases.types); leave it out',
    });
  if (typeof fields.version !== 'string' || fields.version.trim() === '')
    problems.push({
      pointer: '/body/fields/version',
      message: 'the version being released is required (e.g. 2.14.0)',
    });
  if (problems.length > 0) throw new OpsError('OPS_VALIDATION', 'The release is incomplete.', problems);
}

/** A bug's severity must be a level of the pack's scale for bugs, when it has one. */
function bugFields(ep: EnginePolicy, fields: Fields): void {
  const scales = Object.values(ep.policy.scales).filter((s) => s.for === 'bug');
  for (const name of ['severity', 'priority'] as const) {
    const value = fields[name];
    if (value === undefined || value === null || scales.length === 0) continue;
    if (scales.some((s) => typeof value === 'string' && s.levelsById[value])) continue;
    const levels = [...new Set(scales.flatMap((s) => Object.keys(s.levelsById)))];
    throw new OpsError('OPS_VALIDATION', `"${String(value)}" is not a bug ${name} of the pack.`, [
      { pointer: `/body/fields/${name}`, message: `use one of ${levels.join(', ')}` },
    ]);
  }
}

/** The go/no-go item of the pack's release checklist (`go-no-go-approval-received`), if it has one. */
export function goNoGoItem(ep: EnginePolicy): { checklist: string; item: string } | null {
  const checklist = ep.policy.pack.releases?.checklist;
  const items = checklist ? ep.policy.checklists[checklist]?.items : undefined;
  const item = items?.find((i) => /go-?no-?go/.test(i.id));
  return checklist && item ? { checklist, item: item.id } : null;
}

export function approverOf(ep: EnginePolicy, row: RecordRow): { type: string; approver: string } | null {
  const type = ep.policy.pack.releases?.types.find((t) => t.id === row.fields.release_type);
  return type ? { type: type.label, approver: type.approver } : null;
}

export async function createRecordIn(
  ctx: RecordsContext,
  tx: Tx,
  workspaceId: string,
  kind: RecordKind,
  input: CreateInput,
  actor: string,
): Promise<RecordRow> {
  const { ep, ref: pack } = await ctx.engine.activePolicyIn(tx, workspaceId);
  const lifecycle = lifecycleFor(ep, kind);
  if (!lifecycle)
    throw new OpsError(
      'OPS_VALIDATION',
      `The active pack (${pack.id} ${pack.version}) has no lifecycle for ${kind}s (a lifecycle with \`for: ${kind}\`); add one to record ${kind}s.`,
    );
  const fields = engineFields(input.fields ?? {}, '/body/fields');
  if (kind === 'release') {
    releaseFields(ep, fields);
    const [open] = await tx
      .select({ ref: records.ref })
      .from(records)
      .where(
        and(
          eq(records.workspaceId, workspaceId),
          eq(records.kind, 'release'),
          isNull(records.endedAt),
          sql`${records.fields}->>'version' = ${String(fields.version)}`,
        ),
      );
    // A CI job names a release by its version: two open ones of the same version would be ambiguous.
    if (open)
      throw new OpsError(
        'OPS_CONFLICT',
        `${open.ref} is an open release of version ${String(fields.version)}; finish or roll it back first, or give this one another version.`,
      );
  } else bugFields(ep, fields);
  await checkLinks(tx, workspaceId, input.links ?? [], '/body/links');
  const [counter] = await tx
    .insert(recordCounters)
    .values({ workspaceId, kind, lastNumber: 1 })
    .onConflictDoUpdate({
      target: [recordCounters.workspaceId, recordCounters.kind],
      set: { lastNumber: sql`${recordCounters.lastNumber} + 1` },
    })
    .returning({ n: recordCounters.lastNumber });
  const number = counter!.n;
  const ref = `${PREFIX[kind]}-${number}`;
  const now = await ctx.engine.nowOf(tx);
  const [row] = await tx
    .insert(records)
    .values({
      id: newId('rec', now.getTime()),
      workspaceId,
      kind,
      number,
      ref,
      title: input.title,
      state: lifecycle.initial,
      fields: { ...fields },
      attachments: [...(input.attachments ?? [])],
      links: [...(input.links ?? [])],
      packId: pack.id,
      packVersion: pack.version,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const subject = `${kind}:${ref}`;
  await ctx.engine.handleAllIn(
    tx,
    workspaceId,
    [{ type: `${kind}.created`, subject, data: { ...fields, title: input.title }, actor }],
    { fresh: true, version: { ep, ref: pack } },
  );
  if (kind === 'release') await ownGoNoGo(tx, workspaceId, ep, row!);
  if (kind === 'bug') {
    const state = await subjectState(tx, workspaceId, subject);
    const log = state && nextSteps(ep, lifecycle, state, now.getTime()).find((s) => s.action === 'log');
    if (log && log.gates.length === 0)
      await ctx.engine.handleIn(tx, workspaceId, {
        type: 'bug.log',
        subject,
        data: { action: 'log' },
        actor,
      });
  }
  return (await recordByRef(tx, workspaceId, ref)) ?? row!;
}

/**
 * The release checklist's go/no-go item belongs to the release type's approver ("Go/No-Go approval
 * received", ShopSmart: Tech Lead for a hotfix … Leadership for a major): no one else may tick it, on the
 * release page or through the checklist API. The run opened when the release was created (its trigger).
 */
async function ownGoNoGo(tx: Tx, workspaceId: string, ep: EnginePolicy, release: RecordRow): Promise<void> {
  const gate = goNoGoItem(ep);
  const who = approverOf(ep, release);
  if (!gate || !who) return;
  const runs = tx
    .select({ id: checklistRuns.id })
    .from(checklistRuns)
    .where(
      and(
        eq(checklistRuns.workspaceId, workspaceId),
        eq(checklistRuns.subject, subjectOf(release)),
        eq(checklistRuns.checklist, gate.checklist),
      ),
    );
  await tx
    .update(checklistItems)
    .set({ owner: who.approver })
    .where(
      and(
        eq(checklistItems.workspaceId, workspaceId),
        eq(checklistItems.item, gate.item),
        inArray(checklistItems.runId, runs),
      ),
    );
}

export async function subjectState(
  tx: Tx,
  workspaceId: string,
  subject: string,
): Promise<SubjectState | null> {
  const row = await loadSubject(tx, workspaceId, subject);
  return row ? (row.state as unknown as SubjectState) : null;
}

export async function recordByRef(
  tx: Tx,
  workspaceId: string,
  ref: string,
  lock = false,
): Promise<RecordRow | null> {
  const query = tx
    .select()
    .from(records)
    .where(and(eq(records.workspaceId, workspaceId), eq(records.ref, ref)));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

/** The record, or OPS_NOT_FOUND naming it; `kind` must match (`/bugs/REL-1` is not found). */
export async function requireRecord(
  tx: Tx,
  workspaceId: string,
  kind: RecordKind,
  ref: string,
  lock = false,
): Promise<RecordRow> {
  const row = await recordByRef(tx, workspaceId, ref, lock);
  if (!row || row.kind !== kind)
    throw new OpsError('OPS_NOT_FOUND', `No ${kind} "${ref}" in this workspace.`);
  return row;
}

export async function listRecords(
  tx: Tx,
  workspaceId: string,
  kind: RecordKind,
  filter: {
    readonly state?: string | undefined;
    readonly open?: boolean | undefined;
    readonly limit: number;
  },
): Promise<RecordRow[]> {
  const where: SQL[] = [eq(records.workspaceId, workspaceId), eq(records.kind, kind)];
  if (filter.state) where.push(eq(records.state, filter.state));
  if (filter.open === true) where.push(sql`${records.endedAt} is null`);
  if (filter.open === false) where.push(sql`${records.endedAt} is not null`);
  return tx
    .select()
    .from(records)
    .where(and(...where))
    .orderBy(desc(records.number))
    .limit(filter.limit);
}

/** Adds links (a ticket or incident the bug came from, the release that ships it), each once. */
export async function addLinks(
  tx: Tx,
  workspaceId: string,
  row: RecordRow,
  links: readonly string[],
  at: Date,
): Promise<RecordRow> {
  await checkLinks(tx, workspaceId, links, '/body/links');
  const merged = [...new Set([...row.links, ...links])];
  const [updated] = await tx
    .update(records)
    .set({ links: merged, updatedAt: at })
    .where(and(eq(records.workspaceId, workspaceId), eq(records.id, row.id)))
    .returning();
  return updated!;
}
