/**
 * Bugs and releases over HTTP (issue 10): list and report them, read one with the steps it can take and
 * what each waits for, take a step, link the tickets and incidents it came from; a release's go/no-go by
 * its type's approver, and a CI system's deploy and rollback by version.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { NextStep } from '../../core/record-gates.js';
import { databaseClock } from '../../engine/clock.js';
import { Engine } from '../../engine/engine.js';
import { readTimeline } from '../../engine/timeline.js';
import {
  addLinks,
  createRecordIn,
  listRecords,
  requireRecord,
  subjectOf,
  subjectState,
  type RecordRow,
  type RecordsContext,
} from '../../modules/records/records.js';
import { releaseNotes } from '../../modules/records/release-notes.js';
import { goNoGo, recordDeployment, stepsOf, takeStep } from '../../modules/records/steps.js';
import type { Tx } from '../../store/database.js';
import type { RecordKind } from '../../store/schema-ops.js';
import type { AppDeps } from '../deps.js';
import { accessOf, workerOf } from '../session.js';
import { Limit, retrying, Scalar, Text, W } from './customer-schemas.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const Link = z.string().min(1).max(80);
const Fields = z
  .record(z.string().min(1).max(64), Scalar)
  .refine((f) => Object.keys(f).length <= 50, 'at most 50 fields');
const Attachment = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('A link to a screenshot or log (http(s)).');

const Gate = z.object({ kind: z.enum(['guard', 'checklist', 'approval']), message: z.string() });
const Step = z.object({
  action: z.string().describe('Send it as `action` to take this step.'),
  to: z.string(),
  toLabel: z.string(),
  quote: z.string().nullable(),
  ready: z.boolean().describe('Every gate is open: the step can be taken now.'),
  gates: z.array(Gate),
});
const Clock = z.object({
  id: z.string(),
  source: z.string(),
  phase: z.string(),
  due: z.string().nullable(),
  derivation: z.string(),
});
const Summary = z.object({
  id: z.string(),
  ref: z.string().describe('`BUG-123`, `REL-7`.'),
  kind: z.enum(['bug', 'release']),
  title: z.string(),
  state: z.string(),
  fields: z.record(z.string(), Scalar),
  attachments: z.array(z.string()),
  links: z.array(z.string()),
  pack: z.object({ id: z.string(), version: z.string() }),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  clocks: z.array(Clock),
  nextDueAt: z.string().nullable().describe("The soonest running deadline (a bug's fix-by)."),
  breached: z.boolean(),
  endedAt: z.string().nullable(),
});
const Detail = Summary.extend({
  steps: z.array(Step),
  rollbackWindow: z
    .object({ status: z.enum(['open', 'closed']), endsAt: z.string() })
    .nullable()
    .describe('A deployed release: whether it can still be rolled back, and until when.'),
  releaseNotes: z
    .object({ template: z.string(), text: z.string().optional(), error: z.string().optional() })
    .nullable()
    .describe("A release's notes from the pack's template, with the bugs it fixes; null without a template."),
  monitoringEnds: z
    .string()
    .nullable()
    .describe(
      'A deployed release: the end of its monitoring hour; incidents declared before it are linked to it.',
    ),
  timeline: z.array(
    z.object({
      type: z.string(),
      actor: z.string(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});

const Choices = z
  .object({
    releaseTypes: z.array(
      z.object({ id: z.string(), label: z.string(), approver: z.string(), rollbackWindow: z.string() }),
    ),
    levels: z.array(z.object({ id: z.string(), label: z.string() })),
  })
  .describe("What the active pack offers for a new one: release types, or the bug scale's levels.");

/** The active pack's release types, or its bug scale's levels, for a form; empty without an active pack. */
async function choicesOf(ctx: RecordsContext, tx: Tx, workspaceId: string, kind: RecordKind) {
  const active = await ctx.engine.activePolicyIn(tx, workspaceId).catch(() => null);
  if (!active) return { releaseTypes: [], levels: [] };
  const { pack, scales } = active.ep.policy;
  const window = (t: NonNullable<typeof pack.releases>['types'][number]) =>
    'within' in t.rollbackWindow
      ? (t.rollbackWindow.quote ?? `${t.rollbackWindow.within / 3600_000} h`)
      : 'none';
  const scale = Object.values(scales).find((s) => s.for === 'bug');
  return kind === 'release'
    ? {
        releaseTypes: (pack.releases?.types ?? []).map((t) => ({
          id: t.id,
          label: t.label,
          approver: t.approver,
          rollbackWindow: window(t),
        })),
        levels: [],
      }
    : {
        releaseTypes: [],
        levels: scale ? Object.values(scale.levelsById).map((l) => ({ id: l.id, label: l.label })) : [],
      };
}

const summary = (r: RecordRow): z.infer<typeof Summary> => ({
  id: r.id,
  ref: r.ref,
  kind: r.kind,
  title: r.title,
  state: r.state,
  fields: r.fields,
  attachments: r.attachments,
  links: r.links,
  pack: { id: r.packId, version: r.packVersion },
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  clocks: r.clocks.map((c) => ({ ...c })),
  nextDueAt: iso(r.nextDueAt),
  breached: r.breached,
  endedAt: iso(r.endedAt),
});

const stepView = (s: NextStep) => ({
  action: s.action,
  to: s.to,
  toLabel: s.toLabel,
  quote: s.quote,
  ready: s.gates.length === 0,
  gates: s.gates.map((g) => ({ kind: g.kind, message: g.message })),
});

async function detail(
  ctx: RecordsContext,
  tx: Tx,
  workspaceId: string,
  row: RecordRow,
): Promise<z.infer<typeof Detail>> {
  const subject = subjectOf(row);
  const state = await subjectState(tx, workspaceId, subject);
  const window = state?.fields.rollback_window;
  const ends = state?.fields.rollback_window_ends;
  const timeline = await readTimeline(tx, subject, { limit: 500 });
  return {
    ...summary(row),
    steps: row.endedAt ? [] : (await stepsOf(ctx, tx, workspaceId, row)).map(stepView),
    rollbackWindow:
      (window === 'open' || window === 'closed') && typeof ends === 'string'
        ? { status: window, endsAt: ends }
        : null,
    releaseNotes: row.kind === 'release' ? await notesOf(ctx, tx, workspaceId, row) : null,
    monitoringEnds: typeof state?.fields.monitoring_ends === 'string' ? state.fields.monitoring_ends : null,
    timeline: timeline.map((t) => ({
      type: t.type,
      actor: t.actor,
      at: t.occurredAt.toISOString(),
      data: (t.data ?? {}) as Record<string, unknown>,
    })),
  };
}

async function notesOf(ctx: RecordsContext, tx: Tx, workspaceId: string, row: RecordRow) {
  const { ep } = await ctx.engine.policyFor(tx, workspaceId, subjectOf(row));
  return releaseNotes(tx, workspaceId, ep, row);
}

const KINDS: readonly {
  path: string;
  kind: RecordKind;
  tag: string;
  one: string;
  param: 'bugId' | 'releaseId';
}[] = [
  { path: 'bugs', kind: 'bug', tag: 'bugs', one: 'bug', param: 'bugId' },
  { path: 'releases', kind: 'release', tag: 'releases', one: 'release', param: 'releaseId' },
];

const BugId = z.string().regex(/^BUG-[1-9][0-9]{0,9}$/, 'a bug id (BUG-123)');
const ReleaseId = z.string().regex(/^REL-[1-9][0-9]{0,9}$/, 'a release id (REL-7)');
/** The params of a record's routes, whichever kind (the type both kinds' handlers are written against). */
type ByRef = { readonly workspaceId: string; readonly bugId?: string; readonly releaseId?: string };
/** The record a path names (`/bugs/:bugId`, `/releases/:releaseId`). */
const refOf = (params: ByRef) => (params.bugId ?? params.releaseId)!;

const REFUSED =
  'A step whose gate is closed (a field the pack asks for, a checklist not complete, an approval, a go/no-go), or that the record cannot take from where it is, is refused with 409 `OPS_STEP_REFUSED` naming what is missing; nothing changes.';

export function recordRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx: RecordsContext = { database: deps.database, engine: new Engine(deps.database, databaseClock) };

  for (const { path, kind, tag, one, param } of KINDS) {
    // One schema for both (the handlers read whichever the path has); each route validates its own.
    const P = (kind === 'bug'
      ? W.extend({ bugId: BugId })
      : W.extend({ releaseId: ReleaseId })) as unknown as z.ZodType<ByRef>;
    r.get(
      `/api/v1/workspaces/:workspaceId/${path}`,
      {
        schema: {
          tags: [tag],
          summary: `The ${path}, newest first`,
          params: W,
          querystring: z.strictObject({
            state: z.string().min(1).max(64).optional().describe('Only those in this lifecycle state.'),
            open: z
              .enum(['true', 'false'])
              .optional()
              .describe('Only those whose lifecycle has (not) ended.'),
            limit: Limit,
          }),
          response: { 200: z.object({ items: z.array(Summary), choices: Choices }) },
        },
        config: { access: 'records.read' },
      },
      async (request) => {
        const { workspaceId } = request.params;
        const { state, open, limit } = request.query;
        return deps.database.inWorkspace(workspaceId, async (tx) => {
          const rows = await listRecords(tx, workspaceId, kind, {
            state,
            open: open === undefined ? undefined : open === 'true',
            limit,
          });
          return { items: rows.map(summary), choices: await choicesOf(ctx, tx, workspaceId, kind) };
        });
      },
    );

    r.post(
      `/api/v1/workspaces/:workspaceId/${path}`,
      {
        schema: {
          tags: [tag],
          summary: kind === 'bug' ? 'Report a bug' : 'Start a release',
          description:
            kind === 'bug'
              ? "Numbered BUG-<n>. `fields` carries the report: `description`, `steps_to_reproduce`, `expected_behaviour`, `actual_behaviour`, `severity` (a level of the pack's bug scale), `bug_type` (functional or non-functional), `module`, and any other. Where the pack logs a report as a step, a complete report is logged at once."
              : "Numbered REL-<n>. `fields.release_type` is one of the pack's release types (it sets the approver and the rollback window) and `fields.version` the version released; `fields.notes` the release notes. The release checklist opens.",
          params: W,
          body: z.strictObject({
            title: Text(300),
            fields: Fields.optional(),
            attachments: z.array(Attachment).max(20).optional(),
            links: z
              .array(Link)
              .max(50)
              .optional()
              .describe('`ticket:<id>`, `incident:<number>`, `bug:BUG-<n>`, `release:REL-<n>`.'),
          }),
          response: { 201: Detail },
        },
        config: { access: 'events.write' },
      },
      async (request, reply) => {
        const { workspaceId } = request.params;
        const actor = accessOf(request).actor;
        const view = await retrying(() =>
          deps.database.inWorkspace(workspaceId, async (tx) => {
            const row = await createRecordIn(ctx, tx, workspaceId, kind, request.body, actor);
            return detail(ctx, tx, workspaceId, row);
          }),
        );
        return reply.code(201).send(view);
      },
    );

    r.get(
      `/api/v1/workspaces/:workspaceId/${path}/:${param}`,
      {
        schema: {
          tags: [tag],
          summary: `A ${one} with the steps it can take, what each waits for, and its timeline`,
          params: P,
          response: { 200: Detail },
        },
        config: { access: 'records.read' },
      },
      async (request) => {
        const { workspaceId } = request.params;
        const ref = refOf(request.params);
        return deps.database.inWorkspace(workspaceId, async (tx) =>
          detail(ctx, tx, workspaceId, await requireRecord(tx, workspaceId, kind, ref)),
        );
      },
    );

    r.post(
      `/api/v1/workspaces/:workspaceId/${path}/:${param}/steps`,
      {
        schema: {
          tags: [tag],
          summary: `Take a step of the ${one}'s lifecycle`,
          description: `\`action\` is one of the record's \`steps\` (e.g. ${kind === 'bug' ? '`triage` with `fields.priority`, `assign` with `fields.assignee`' : '`code-review.approved`, `deployed`, `rollback`'}); \`fields\` are set with it. ${REFUSED}`,
          params: P,
          body: z.strictObject({ action: Text(64), fields: Fields.optional(), note: Text(2000).optional() }),
          response: { 200: Detail },
        },
        config: { access: 'events.write' },
      },
      async (request) => {
        const { workspaceId } = request.params;
        const ref = refOf(request.params);
        const worker = workerOf(request);
        return retrying(() =>
          deps.database.inWorkspace(workspaceId, async (tx) =>
            detail(
              ctx,
              tx,
              workspaceId,
              await takeStep(ctx, tx, workspaceId, kind, ref, request.body, worker),
            ),
          ),
        );
      },
    );

    r.post(
      `/api/v1/workspaces/:workspaceId/${path}/:${param}/links`,
      {
        schema: {
          tags: [tag],
          summary: `Link tickets, incidents or records to a ${one}`,
          params: P,
          body: z.strictObject({ links: z.array(Link).min(1).max(50) }),
          response: { 200: Detail },
        },
        config: { access: 'events.write' },
      },
      async (request) => {
        const { workspaceId } = request.params;
        const ref = refOf(request.params);
        return deps.database.inWorkspace(workspaceId, async (tx) => {
          const row = await requireRecord(tx, workspaceId, kind, ref, true);
          return detail(
            ctx,
            tx,
            workspaceId,
            await addLinks(tx, workspaceId, row, request.body.links, deps.now()),
          );
        });
      },
    );
  }

  r.post(
    '/api/v1/workspaces/:workspaceId/releases/:releaseId/go-no-go',
    {
      schema: {
        tags: ['releases'],
        summary: "The release's go/no-go, by its type's approver",
        description: `Decided by the release type's approver (an owner or admin may too) once every other item of the release checklist is done. \`go\` ticks "Go/No-Go approval received" with the note as evidence and takes the release to Production Deploy; \`no-go\` records the decision and why, and the release waits. Someone else is refused with 403. ${REFUSED}`,
        params: W.extend({ releaseId: ReleaseId }),
        body: z.strictObject({ decision: z.enum(['go', 'no-go']), note: Text(2000) }),
        response: { 200: Detail },
      },
      config: { access: 'events.write' },
    },
    async (request) => {
      const { workspaceId, releaseId: ref } = request.params;
      const worker = workerOf(request);
      const { decision, note } = request.body;
      return retrying(() =>
        deps.database.inWorkspace(workspaceId, async (tx) => {
          const row = await goNoGo(
            ctx,
            tx,
            workspaceId,
            ref,
            { go: decision === 'go', note },
            worker,
            await ctx.engine.nowOf(tx),
          );
          return detail(ctx, tx, workspaceId, row);
        }),
      );
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/releases/deployments',
    {
      schema: {
        tags: ['releases'],
        summary: 'A CI system reports a deploy or a rollback, by version',
        description: `For a CI pipeline with an API token that may write events: \`deployed\` moves the open release of that version from Production Deploy to Monitor (a release not through its go/no-go is refused); \`rolled-back\` rolls it back while its rollback window is open. ${REFUSED}`,
        params: W,
        body: z.strictObject({
          version: Text(100),
          status: z.enum(['deployed', 'rolled-back']),
          note: Text(2000).optional(),
        }),
        response: { 200: Detail },
      },
      config: { access: 'events.write' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const worker = workerOf(request);
      return retrying(() =>
        deps.database.inWorkspace(workspaceId, async (tx) =>
          detail(ctx, tx, workspaceId, await recordDeployment(ctx, tx, workspaceId, request.body, worker)),
        ),
      );
    },
  );
}
