/**
 * Checklist runs over HTTP: list them (by record, status or checklist), read one with its items, open a
 * one-off run by hand, work an item (done with its evidence, skipped with a reason, approved), and the
 * iCalendar feed of recurring work. Each call is one use case in one transaction (src/modules/work/).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseClock } from '../../engine/clock.js';
import { Engine } from '../../engine/engine.js';
import { getRun, listRuns, workItem, type ItemAction, type RunView } from '../../modules/work/checklists.js';
import { openRunByHand } from '../../modules/work/checklist-by-hand.js';
import { checklistCalendar } from '../../modules/work/checklist-calendar.js';
import type { AppDeps } from '../deps.js';
import { accessOf, workerOf } from '../session.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

const Item = z.object({
  id: z.string(),
  position: z.number().int().describe('0-based place in the checklist.'),
  text: z.string(),
  owner: z.string().nullable().describe('Who does it: `role:<id>` (null: anyone who may write events).'),
  evidence: z.enum(['note', 'link', 'file', 'number', 'none']).describe('The evidence it takes.'),
  when: z.string().nullable().describe('The condition under which it applies, in words; null: always.'),
  dueAt: z.string().nullable(),
  status: z.enum(['open', 'done', 'skipped']),
  doneBy: z.string().nullable(),
  doneAt: z.string().nullable(),
  evidenceValue: z.string().nullable(),
  note: z.string().nullable().describe("A note beside the evidence; a skipped item's reason."),
  approval: z.string().nullable().describe('The role that must approve it once done.'),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  assignee: z.string().nullable().describe('The person it was given to (`user:<id>`), who may do it too.'),
});

const Run = z.object({
  id: z.string(),
  checklist: z.string(),
  label: z.string(),
  pack: z.object({ id: z.string(), hash: z.string() }),
  subject: z.string().describe('The record it belongs to, e.g. `account:EST-7`.'),
  ordered: z.boolean(),
  status: z.enum(['open', 'completed']),
  openedAt: z.string(),
  dueAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  items: z.array(Item),
});

const view = (run: RunView): z.infer<typeof Run> => ({
  id: run.id,
  checklist: run.checklist,
  label: run.label,
  pack: { id: run.packId, hash: run.packHash },
  subject: run.subject,
  ordered: run.ordered,
  status: run.status,
  openedAt: run.openedAt.toISOString(),
  dueAt: iso(run.dueAt),
  completedAt: iso(run.completedAt),
  items: run.items.map((i) => ({
    id: i.item,
    position: i.position,
    text: i.text,
    owner: i.owner,
    evidence: i.evidenceKind,
    when: i.when,
    dueAt: iso(i.dueAt),
    status: i.status,
    doneBy: i.doneBy,
    doneAt: iso(i.doneAt),
    evidenceValue: i.evidence,
    note: i.note,
    approval: i.approvalRole,
    approvedBy: i.approvedBy,
    approvedAt: iso(i.approvedAt),
    assignee: i.assignee,
  })),
});

const W = z.strictObject({ workspaceId: z.string().min(1).max(64) });
const RunParams = W.extend({ runId: z.string().min(1).max(64) });
const ItemParams = RunParams.extend({ itemId: z.string().min(1).max(100) });
const Evidence = z.strictObject({
  kind: z.enum(['note', 'link', 'file', 'number']),
  value: z.union([z.string().max(5000), z.number()]),
});

export function checklistRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const engine = new Engine(deps.database, databaseClock);

  r.get(
    '/api/v1/workspaces/:workspaceId/checklist-runs',
    {
      schema: {
        tags: ['checklists'],
        summary: 'Checklist runs, newest first, each with its items',
        params: W,
        querystring: z.strictObject({
          subject: z.string().min(1).max(200).optional().describe('Only the runs of this record.'),
          status: z.enum(['open', 'completed', 'all']).default('all'),
          checklist: z.string().min(1).max(100).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(Run) }) },
      },
      config: { access: ['tasks.read', 'records.read'] },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const runs = await deps.database.inWorkspace(workspaceId, (tx) =>
        listRuns(tx, workspaceId, request.query),
      );
      return { items: runs.map(view) };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/checklist-runs/:runId',
    {
      schema: {
        tags: ['checklists'],
        summary: 'A checklist run with its items',
        params: RunParams,
        response: { 200: Run },
      },
      config: { access: ['tasks.read', 'records.read'] },
    },
    async (request) => {
      const { workspaceId, runId } = request.params;
      return view(await deps.database.inWorkspace(workspaceId, (tx) => getRun(tx, workspaceId, runId)));
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/checklist-runs',
    {
      schema: {
        tags: ['checklists'],
        summary: 'Open a run of a one-off checklist by hand (e.g. a QA sign-off)',
        description:
          'Only a checklist with neither a `schedule` (its runs open on time) nor a `trigger` (its event opens it) is opened by hand; anything else, or a checklist the active pack does not have, is refused with 400 naming the ones that can be. `subject`: the record the run belongs to (it must exist; its completion is told to the engine there); default `checklist:<id>`.',
        params: W,
        body: z.strictObject({
          checklist: z.string().min(1).max(100),
          subject: z
            .string()
            .min(3)
            .max(200)
            .regex(/^[a-z][a-z0-9-]*:\S+$/, 'a record key such as release:12')
            .optional(),
        }),
        response: { 201: Run },
      },
      config: { access: 'events.write' },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const run = await deps.database.inWorkspace(workspaceId, (tx) =>
        openRunByHand(tx, engine, workspaceId, request.body, accessOf(request).actor, deps.now()),
      );
      return reply.code(201).send(view(run));
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/checklists/calendar.ics',
    {
      schema: {
        tags: ['checklists'],
        summary: 'Recurring work as an iCalendar feed (RFC 5545)',
        description:
          "One event per schedule of the active pack, with an RRULE from its cadence (all-day for a run at midnight, else 30 min at its time in the pack's zone), and one per open run at its due instant.",
        params: W,
        produces: ['text/calendar'],
        response: { 200: z.string().describe('text/calendar') },
      },
      config: { access: ['tasks.read', 'records.read'] },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const text = await deps.database.inWorkspace(workspaceId, (tx) =>
        checklistCalendar(tx, engine, workspaceId, {
          name: 'Opsbook checklists',
          now: deps.now(),
          publicUrl: deps.config.publicUrl,
        }),
      );
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'inline; filename="checklists.ics"')
        .send(text);
    },
  );

  const work = (request: FastifyRequest & { params: z.infer<typeof ItemParams> }, action: ItemAction) => {
    const { workspaceId, runId, itemId } = request.params;
    return deps.database.inWorkspace(workspaceId, (tx) =>
      workItem(tx, engine, workspaceId, runId, itemId, action, workerOf(request), deps.now()),
    );
  };
  const REFUSALS =
    'Refused, changing nothing: 400 for evidence of the wrong kind or missing, 403 for someone without the role, 409 for an item already worked, a step before it still open in an ordered checklist, or a completed run.';

  r.post(
    '/api/v1/workspaces/:workspaceId/checklist-runs/:runId/items/:itemId/complete',
    {
      schema: {
        tags: ['checklists'],
        summary: 'Mark an item done, with the evidence it takes',
        description: `The evidence names its kind (\`note\`, \`link\`: an http(s) URL, \`file\`: a file's name or reference, \`number\`) and must be the item's. Lands on the record's timeline; the last item completes the run and tells the engine \`checklist.completed\`. ${REFUSALS}`,
        params: ItemParams,
        body: z.strictObject({ evidence: Evidence.optional(), note: z.string().max(5000).optional() }),
        response: { 200: Run },
      },
      config: { access: 'events.write' },
    },
    async (request) =>
      view(
        await work(request, { kind: 'complete', evidence: request.body.evidence, note: request.body.note }),
      ),
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/checklist-runs/:runId/items/:itemId/skip',
    {
      schema: {
        tags: ['checklists'],
        summary: 'Skip an item whose condition does not hold on the record, with the reason',
        description: `Only an item with a \`when\` that does not hold now can be skipped (Smart Estate's "help the approved estate select a plan" for a rejected signup). ${REFUSALS}`,
        params: ItemParams,
        body: z.strictObject({ reason: z.string().min(1).max(2000) }),
        response: { 200: Run },
      },
      config: { access: 'events.write' },
    },
    async (request) => view(await work(request, { kind: 'skip', reason: request.body.reason })),
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/checklist-runs/:runId/items/:itemId/approve',
    {
      schema: {
        tags: ['checklists'],
        summary: 'Approve a done item that needs approval (by its approval role)',
        params: ItemParams,
        body: z.strictObject({ note: z.string().max(2000).optional() }),
        response: { 200: Run },
      },
      config: { access: 'events.write' },
    },
    async (request) => view(await work(request, { kind: 'approve', note: request.body.note })),
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/checklist-runs/:runId/items/:itemId/assign',
    {
      schema: {
        tags: ['checklists'],
        summary: 'Give an open item to a person (or take it back)',
        description:
          "Decided by someone who may do the item (its owner's role, an owner or admin). The person (`user:<id>`, a member of the workspace) may then do it whatever their role, and finds it in My work; `null` takes it back. Lands on the record's timeline.",
        params: ItemParams,
        body: z.strictObject({ assignee: z.string().min(1).max(100).nullable() }),
        response: { 200: Run },
      },
      config: { access: 'events.write' },
    },
    async (request) => view(await work(request, { kind: 'assign', assignee: request.body.assignee })),
  );
}
