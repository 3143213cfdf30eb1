/**
 * The engine over HTTP: send an event (the catalog of docs/scenarios.md, as JSON), and read a governed
 * record with its clocks, each due time explained, and its effects. Later issues add their own intake
 * (mail, alerts, the widget); this is the generic door and what the web app and integrations use.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkEvent, EVENTS } from '../../core/decide/events.js';
import { RESERVED_FACTS } from '../../modules/customers/facts.js';
import { databaseClock } from '../../engine/clock.js';
import { Engine, NoActivePackError, UnknownSubjectError } from '../../engine/engine.js';
import { recordOf } from '../../modules/records/mirror.js';
import { OpsError } from '../../errors/catalog.js';
import type { AppDeps } from '../deps.js';
import { incidents } from '../../store/schema-incidents.js';
import { accessOf } from '../session.js';
import { maskIncoming, revealSecret } from '../../modules/access/masking.js';
import { incidentByNumber } from '../../modules/incidents/queries.js';

const Params = z.strictObject({ workspaceId: z.string().min(1).max(64) });

const Effect = z.object({
  key: z.string(),
  type: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

const SubjectView = z.object({
  key: z.string(),
  kind: z.string(),
  pack: z.object({ id: z.string(), version: z.string(), hash: z.string() }),
  open: z.boolean(),
  fields: z.record(z.string(), z.unknown()),
  facts: z.record(z.string(), z.unknown()),
  lifecycles: z.record(z.string(), z.string()),
  clocks: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      phase: z.string(),
      elapsedMs: z.number(),
      remainingMs: z.number(),
      due: z.string().nullable(),
      derivation: z.string().describe('Why the due time is what it is.'),
    }),
  ),
  effects: z.array(Effect),
});

/** What an ingest-only token may send: events from monitoring, billing and usage integrations. */
const INGEST_EVENTS = /^(alert\.|monitor\.|payment\.|usage\.recorded$)/;

/**
 * A payment is confirmed only by a verified payment webhook or by finance's manual payment
 * (docs/customers.md): the events and facts those send (the approval, the confirmation, the payment method
 * and the verification the pack's guards read) are refused here, so an agent or an ingest token cannot
 * activate an estate around them.
 */
function guardPaymentConfirmation(type: string, body: Record<string, unknown>): void {
  if (type === 'payment.approved' || type === 'payment.confirmed')
    throw new OpsError(
      'OPS_FORBIDDEN',
      `"${type}" comes only from a verified payment webhook (POST /api/v1/hooks/payments/…) or finance's manual payment (POST …/accounts/{id}/payments/manual).`,
    );
  if (type === 'fact.set' && typeof body.name === 'string' && RESERVED_FACTS.has(body.name))
    throw new OpsError(
      'OPS_FORBIDDEN',
      `The fact "${body.name}" is set only with a payment's confirmation (a verified payment webhook or finance's manual payment).`,
    );
}

/**
 * A bug or release recorded in Opsbook (`bug:BUG-3`, `release:REL-7`) moves only through its own API, where
 * each step's gates (checklists, approvals, the go/no-go, the rollback window) are checked and its row kept
 * in step: an event sent here could take a step the gates refuse, claim a checklist done (`checklist`,
 * `approved` fields) or create the subject before its record (which would block the next number).
 */
function guardRecords(subject: string, body: Record<string, unknown>): void {
  const type = String(body.type);
  // A person's account moves with the estate's activation and the contacts API (suspend, reinstate).
  if (type.startsWith('user.') && !Object.hasOwn(EVENTS, type))
    throw new OpsError(
      'OPS_FORBIDDEN',
      `"${type}" moves a person's account: suspend or reinstate the contact with PATCH …/accounts/{id}/contacts/{contactId} ({"status": "suspended" | "active"}).`,
    );
  const run = typeof body.run === 'string' ? body.run : '';
  const record = recordOf(subject) ?? recordOf(run);
  if (record)
    throw new OpsError(
      'OPS_FORBIDDEN',
      `${record.ref} is a ${record.kind} recorded in Opsbook: take its steps with POST …/${record.kind === 'bug' ? 'bugs' : 'releases'}/${record.ref}/steps (and its checklists' items through …/checklist-runs), where each gate is checked.`,
    );
}

/** Whose quota a request uses: its bearer token's or session cookie's hash, else its address. */
function callerKey(request: FastifyRequest): string {
  const credential = request.headers.authorization ?? request.cookies.opsbook_session;
  return credential ? createHash('sha256').update(credential).digest('base64url') : `ip:${request.ip}`;
}

export function engineRoutes(app: FastifyInstance, deps: AppDeps): void {
  const engine = new Engine(deps.database, databaseClock);

  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/workspaces/:workspaceId/events',
    {
      schema: {
        tags: ['engine'],
        summary: 'Send an event to the engine',
        description:
          'The body is one event of the catalog (docs/scenarios.md), e.g. `{ "type": "ticket.created", "ticket": "T1", "priority": "p1", "channel": "email" }`. It is decided and committed before the answer; the answer lists the effects.',
        params: Params,
        body: z.record(z.string(), z.unknown()),
        response: {
          202: z.object({
            subject: z.string(),
            effects: z.array(z.record(z.string(), z.unknown())),
            masked: z
              .array(z.object({ field: z.string(), kinds: z.array(z.string()), secretId: z.string() }))
              .describe('Fields in which secrets were found and masked; admins can reveal the originals.'),
          }),
        },
      },
      // Ingestion is rate limited per token (or session, or address): 1,200 events a minute each.
      config: {
        access: ['events.write', 'ingest'],
        rateLimit: { max: 1200, timeWindow: 60_000, keyGenerator: callerKey },
      },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const access = accessOf(request);
      const checked = checkEvent(request.body);
      if (!checked.ok)
        throw new OpsError(
          'OPS_VALIDATION',
          'The event does not match the catalog.',
          checked.problems.map((e) => ({
            pointer: `/body/${e.field}`,
            message: e.hint ? `${e.message} (${e.hint})` : e.message,
          })),
        );
      const type = String(request.body.type);
      guardPaymentConfirmation(type, request.body);
      guardRecords(checked.subject, request.body);
      if (!access.permissions.has('events.write') && !INGEST_EVENTS.test(type)) {
        throw new OpsError(
          'OPS_FORBIDDEN',
          `An ingest token sends integration events only (alert.*, monitor.*, payment.*, usage.recorded), not "${type}".`,
        );
      }
      if (!checked.spec.creates)
        await mustSeeIncident(
          deps,
          request,
          workspaceId,
          checked.subject,
          new UnknownSubjectError(checked.subject).message,
        );
      // Secrets pasted into the event's text are masked before anything is recorded.
      const { data, masked } = await maskIncoming(
        deps.database,
        deps.keys,
        workspaceId,
        checked.subject,
        checked.data,
        deps.now(),
      );
      try {
        const handled = await engine.handle(
          workspaceId,
          {
            type,
            subject: checked.subject,
            data,
            actor: access.actor,
          },
          { mustExist: !checked.spec.creates },
        );
        return reply
          .code(202)
          .send({ subject: checked.subject, effects: handled.effects.map((e) => ({ ...e })), masked });
      } catch (err) {
        if (err instanceof NoActivePackError) throw new OpsError('OPS_NO_ACTIVE_PACK', err.message);
        if (err instanceof UnknownSubjectError) throw new OpsError('OPS_NOT_FOUND', err.message);
        throw err;
      }
    },
  );

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/workspaces/:workspaceId/subjects/:key',
    {
      schema: {
        tags: ['engine'],
        summary: 'A governed record: its clocks with their derivations, and its effects',
        params: Params.extend({ key: z.string().min(3).max(300).describe('e.g. `ticket:T1`') }),
        response: { 200: SubjectView },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, key } = request.params;
      await mustSeeIncident(deps, request, workspaceId, key, `No record "${key}" in this workspace.`);
      const view = await engine.describe(workspaceId, key);
      if (!view) throw new OpsError('OPS_NOT_FOUND', `No record "${key}" in this workspace.`);
      return {
        ...view,
        pack: { ...view.pack },
        fields: { ...view.fields },
        facts: { ...view.facts },
        lifecycles: { ...view.lifecycles },
        clocks: view.clocks.map((c) => ({ ...c })),
        effects: view.effects.map((e) => ({ ...e })),
      };
    },
  );

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/workspaces/:workspaceId/secrets/:secretId',
    {
      schema: {
        tags: ['engine'],
        summary: 'Reveal a secret masked out of a record (admins; every reveal is in the audit log)',
        params: Params.extend({ secretId: z.string().min(1).max(64) }),
        response: {
          200: z.object({
            subject: z.string(),
            field: z.string(),
            kinds: z.array(z.string()),
            original: z.string(),
          }),
        },
      },
      config: { access: 'secrets.reveal' },
    },
    async (request, reply) => {
      const { workspaceId, secretId } = request.params;
      void reply.header('cache-control', 'no-store');
      return revealSecret(
        deps.database,
        deps.keys,
        workspaceId,
        secretId,
        accessOf(request).actor,
        deps.now(),
      );
    },
  );
}

/**
 * A restricted (security) incident's engine record is as hidden as the incident: 404 to whoever may not see
 * it (SOP-008), so neither its fields nor its existence leak through the engine's routes: the answer is the
 * route's own for a record that does not exist (`notFound`).
 */
async function mustSeeIncident(
  deps: AppDeps,
  request: FastifyRequest,
  workspaceId: string,
  key: string,
  notFound: string,
): Promise<void> {
  const match = /^incident:(\d{1,9})$/.exec(key);
  if (!match) return;
  const access = accessOf(request);
  const viewer = {
    userId: access.session?.user.id ?? null,
    seesRestricted: access.permissions.has('security-incidents.read'),
  };
  await deps.database.inWorkspace(workspaceId, async (tx) => {
    const [row] = await tx
      .select({ number: incidents.number })
      .from(incidents)
      .where(and(eq(incidents.workspaceId, workspaceId), eq(incidents.number, Number(match[1]))));
    // An engine record without an incident row (an event sent by hand) has nothing to hide.
    if (row)
      await incidentByNumber(tx, workspaceId, row.number, viewer).catch((err: unknown) => {
        throw err instanceof OpsError && err.code === 'OPS_NOT_FOUND'
          ? new OpsError('OPS_NOT_FOUND', notFound)
          : err;
      });
  });
}
