/**
 * Backups and recovery over HTTP (ShopSmart SOP-004): the register (sets, the heartbeat that checks them,
 * recovery objectives, verification checks with their latest drill, drill history), and recording a drill.
 * Each call is one use case in one transaction (src/modules/ops/backups.ts, drills.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseClock } from '../../engine/clock.js';
import { Engine } from '../../engine/engine.js';
import { inWorkspaceRetrying } from '../../modules/ops/active-pack.js';
import { backupRegister, type DrillRow } from '../../modules/ops/backups.js';
import { MAX_DRILL_MINUTES, recordDrill } from '../../modules/ops/drills.js';
import type { AppDeps } from '../deps.js';
import { workerOf } from '../session.js';

const Drill = z.object({
  id: z.string(),
  check: z.string(),
  objective: z.string().nullable(),
  backupSet: z.string().nullable(),
  runId: z.string().nullable(),
  performedAt: z.string(),
  restoreMs: z.number().int(),
  dataLossMs: z.number().int(),
  rtoMs: z.number().int().nullable().describe("The objective's RTO when recorded; null without one."),
  rpoMs: z.number().int().nullable(),
  metRto: z.boolean().nullable(),
  metRpo: z.boolean().nullable(),
  succeeded: z.boolean(),
  note: z.string().nullable(),
  recordedBy: z.string(),
  pack: z.object({ id: z.string(), version: z.string() }),
});

const drillView = (d: DrillRow): z.infer<typeof Drill> => ({
  id: d.id,
  check: d.check,
  objective: d.objective,
  backupSet: d.backupSet,
  runId: d.runId,
  performedAt: d.performedAt.toISOString(),
  restoreMs: d.restoreMs,
  dataLossMs: d.dataLossMs,
  rtoMs: d.rtoMs,
  rpoMs: d.rpoMs,
  metRto: d.metRto,
  metRpo: d.metRpo,
  succeeded: d.succeeded,
  note: d.note,
  recordedBy: d.recordedBy,
  pack: { id: d.packId, version: d.packVersion },
});

const Register = z.object({
  pack: z.object({ id: z.string(), version: z.string() }),
  sets: z.array(
    z.object({
      id: z.string(),
      data: z.string(),
      frequency: z.string(),
      retention: z.string(),
      location: z.string(),
      heartbeat: z.string().nullable().describe('The pack heartbeat that checks its completion.'),
    }),
  ),
  heartbeat: z
    .object({
      id: z.string(),
      label: z.string(),
      monitor: z
        .object({
          id: z.string(),
          status: z.string(),
          lastPingAt: z.string().nullable(),
          downAt: z.string().nullable(),
        })
        .nullable()
        .describe('The workspace heartbeat imported from the pack; null until imported.'),
      note: z.string(),
    })
    .nullable(),
  objectives: z.array(
    z.object({
      id: z.string(),
      scenario: z.string(),
      rtoMs: z.number(),
      rpoMs: z.number(),
      rto: z.string(),
      rpo: z.string(),
    }),
  ),
  checks: z.array(
    z.object({
      id: z.string(),
      checklist: z.string(),
      text: z.string(),
      owner: z.string().nullable(),
      cadence: z.string(),
      kind: z.enum(['drill', 'heartbeat']),
      latest: Drill.nullable(),
    }),
  ),
  procedures: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      steps: z.array(z.object({ text: z.string(), command: z.string().optional() })),
    }),
  ),
  drills: z.array(Drill),
});

const W = z.strictObject({ workspaceId: z.string().min(1).max(64) });
const Minutes = z.number().describe(`Minutes (decimals allowed), 0-${MAX_DRILL_MINUTES}.`);
const Ms = z.number().describe('Milliseconds, instead of minutes.');

export function backupRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const engine = new Engine(deps.database, databaseClock);

  r.get(
    '/api/v1/workspaces/:workspaceId/backups',
    {
      schema: {
        tags: ['backups'],
        summary: 'The backup register: sets, heartbeat, recovery objectives, checks and drills',
        params: W,
        response: { 200: Register },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const register = await deps.database.inWorkspace(workspaceId, (tx) =>
        backupRegister(tx, engine, workspaceId),
      );
      const monitor = register.heartbeat?.monitor;
      return {
        ...register,
        heartbeat: register.heartbeat && {
          ...register.heartbeat,
          monitor: monitor
            ? {
                id: monitor.id,
                status: monitor.status,
                lastPingAt: monitor.lastPingAt,
                downAt: monitor.downAt,
              }
            : null,
        },
        checks: register.checks.map((c) => ({ ...c, latest: c.latest && drillView(c.latest) })),
        procedures: register.procedures.map((p) => ({
          id: p.id,
          label: p.label,
          steps: p.steps.map((s) => ({ text: s.text, ...(s.command ? { command: s.command } : {}) })),
        })),
        drills: register.drills.map(drillView),
      };
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/backups/drills',
    {
      schema: {
        tags: ['backups'],
        summary: 'Record a restore drill against its recovery objective',
        description:
          "`check` is one of the pack's verification checks that take evidence (`restore-test-sample`, `full-restore-drill`, `dr-failover-test`); `objective` one of its recovery objectives, whose RTO and RPO the restore time and data-loss window are measured against (a restore exactly at the RTO meets it). A failed drill or a missed target alerts the check's owner and the SEV2 incident channels, once. With `runId`, the open checklist run's item of the same check is completed with the drill as evidence. Every problem is listed with its JSON pointer and nothing is recorded.",
        params: W,
        body: z.strictObject({
          check: z.string().min(1).max(100),
          objective: z.string().min(1).max(100).optional(),
          backupSet: z.string().min(1).max(100).optional(),
          performedAt: z.string().max(64).optional().describe('ISO 8601; default now.'),
          restoreMinutes: Minutes.optional(),
          restoreMs: Ms.optional(),
          dataLossMinutes: Minutes.optional(),
          dataLossMs: Ms.optional(),
          succeeded: z.boolean(),
          note: z.string().max(5000).optional(),
          runId: z.string().min(1).max(64).optional(),
        }),
        response: { 201: Drill },
      },
      config: { access: 'events.write' },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const worker = workerOf(request);
      const drill = await inWorkspaceRetrying(deps.database, workspaceId, (tx) =>
        recordDrill(tx, engine, workspaceId, request.body, worker),
      );
      return reply.code(201).send(drillView(drill));
    },
  );
}
