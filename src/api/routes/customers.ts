/**
 * Customer accounts over HTTP (issue 9): accounts, their contacts, usage facts (one account or a batch of
 * many, idempotent), the account's timeline, and the access question the SaaS asks before a write.
 * Reading needs `records.read`; changing needs `accounts.write`; facts may also come with an ingest token.
 */
import type { FastifyInstance } from 'fastify';
import type { CountryCode } from 'libphonenumber-js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseClock } from '../../engine/clock.js';
import { Engine, NoActivePackError } from '../../engine/engine.js';
import { SubjectConflictError } from '../../engine/subjects.js';
import { OpsError } from '../../errors/catalog.js';
import { accessOfAccount } from '../../modules/customers/access.js';
import {
  ACCOUNT_ID,
  accountSubject,
  createAccount,
  getAccount,
  listAccounts,
  updateAccount,
} from '../../modules/customers/accounts.js';
import { importContacts } from '../../modules/customers/contact-import.js';
import { accountJourneys } from '../../modules/customers/journeys.js';
import { customerMetrics } from '../../modules/customers/metrics.js';
import { createContact, listContacts, updateContact } from '../../modules/customers/contacts.js';
import { FACT_NAME, recordFacts, type FactOutcome } from '../../modules/customers/facts.js';
import { decideSignup, recordManualPayment, submitSignup } from '../../modules/customers/signups.js';
import { accountTimeline } from '../../modules/customers/timeline.js';
import type { Tx } from '../../store/database.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const TAGS = ['customers'];
const W = z.strictObject({ workspaceId: z.string().min(1).max(64) });
const AccountId = z
  .string()
  .regex(
    ACCOUNT_ID,
    "Use the SaaS's own id: letters, digits and _ - . : (up to 64), starting with a letter or digit.",
  );
const A = W.extend({ accountId: AccountId });
const C = A.extend({ contactId: z.string().min(1).max(64) });
const Text = (max: number) => z.string().trim().min(1).max(max);
const Scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
const Custom = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), Scalar)
  .refine((r) => Object.keys(r).length <= 50, 'At most 50 custom fields.');
const Facts = z
  .record(z.string().regex(FACT_NAME, 'Fact names are lower_snake_case, e.g. customers_added.'), Scalar)
  .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 100, 'Send 1 to 100 facts.');
const Limit = z.coerce.number().int().min(1).max(500).default(50);

const Account = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  plan: z.string().nullable(),
  ownerUserId: z.string().nullable(),
  custom: z.record(z.string(), Scalar),
  facts: z.record(z.string(), Scalar),
  factsAt: z.record(z.string(), z.string()),
  lifecycles: z.record(z.string(), z.string()),
  state: z.string(),
  contacts: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const AccountFields = {
  name: Text(200),
  kind: Text(40).optional().describe('What the customer is: shop, estate, organisation.'),
  plan: Text(60).nullable().optional(),
  ownerUserId: Text(64).nullable().optional().describe('The team member who owns the relationship.'),
  custom: Custom.optional().describe('Custom fields; on PATCH merged key by key, null removes one.'),
};
const Contact = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  locale: z.string().nullable(),
  role: z.string().nullable(),
  unit: z.string().nullable(),
  status: z.enum(['active', 'suspended']),
  registeredAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const ContactFields = {
  name: Text(200),
  phone: z.string().trim().max(40).nullable().optional().describe('E.164, e.g. +919876543210.'),
  email: z.email().max(254).nullable().optional(),
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A BCP 47 tag such as hi-IN or en.')
    .nullable()
    .optional(),
  role: Text(60)
    .nullable()
    .optional()
    .describe("An account role of the pack (resident, guard) or the SaaS's own."),
  unit: Text(60).nullable().optional(),
};
const FactBatch = z.strictObject({
  facts: Facts,
  at: z.iso.datetime({ offset: true }).optional().describe('When the SaaS observed the values; default now.'),
  key: Text(200).optional().describe('Idempotency key: a batch already applied is not applied again.'),
});
const Outcome = z.object({
  account: z.string(),
  duplicate: z.boolean(),
  applied: z.array(z.string()),
  stale: z.array(z.string()).describe('Facts for which a newer value was already stored.'),
  changed: z.array(z.string()),
});

/** Runs a unit of work, again (up to 3 times) when a concurrent writer created the same engine subject. */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof SubjectConflictError) || attempt >= 3) throw err;
    }
  }
}

export function customerRoutes(app: FastifyInstance, deps: AppDeps): void {
  const engine = new Engine(deps.database, databaseClock);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/accounts';
  const inWs = <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>) =>
    deps.database.inWorkspace(workspaceId, fn);

  r.get(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'Accounts, in id order, a page at a time',
        params: W,
        querystring: z.strictObject({
          state: Text(40).optional().describe('Only accounts in this state (active, trialing, suspended…).'),
          lifecycle: z
            .string()
            .regex(/^[a-z0-9-]{1,60}:[a-z0-9_-]{1,60}$/, 'Write lifecycle:state, e.g. estate-signup:pending.')
            .optional()
            .describe('Only accounts whose lifecycle is in that state: the review queues.'),
          plan: Text(60).optional(),
          q: Text(200).optional().describe('Part of the id or name.'),
          after: AccountId.optional().describe('The `next` of the previous page.'),
          limit: Limit,
        }),
        response: { 200: z.object({ items: z.array(Account), next: z.string().nullable() }) },
      },
      config: { access: 'records.read' },
    },
    async (request) =>
      inWs(request.params.workspaceId, (tx) => listAccounts(tx, request.params.workspaceId, request.query)),
  );

  r.post(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'Create an account',
        params: W,
        body: z.strictObject({ id: AccountId, ...AccountFields }),
        response: { 201: Account },
      },
      config: { access: 'accounts.write' },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const created = await inWs(workspaceId, (tx) =>
        createAccount(tx, workspaceId, request.body, deps.now()),
      );
      return reply.code(201).send(created);
    },
  );

  r.get(
    `${base}/:accountId`,
    {
      schema: { tags: TAGS, summary: 'One account', params: A, response: { 200: Account } },
      config: { access: 'records.read' },
    },
    async (request) =>
      inWs(request.params.workspaceId, (tx) =>
        getAccount(tx, request.params.workspaceId, request.params.accountId),
      ),
  );

  r.patch(
    `${base}/:accountId`,
    {
      schema: {
        tags: TAGS,
        summary: "Change an account's name, kind, plan, owner or custom fields",
        params: A,
        body: z.strictObject({ ...AccountFields, name: AccountFields.name.optional() }),
        response: { 200: Account },
      },
      config: { access: 'accounts.write' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      return inWs(workspaceId, (tx) => updateAccount(tx, workspaceId, accountId, request.body, deps.now()));
    },
  );

  r.get(
    `${base}/:accountId/access`,
    {
      schema: {
        tags: TAGS,
        summary: 'What the account may do now: read_write, read_only or none',
        description:
          'The SaaS asks before a write. A lifecycle state the pack marks `readOnly` (POS: suspended) answers read_only; a terminal one (data deleted, signup rejected) none.',
        params: A,
        response: {
          200: z.object({
            account: z.string(),
            state: z.string(),
            access: z.enum(['read_write', 'read_only', 'none']),
            because: z.string().nullable(),
          }),
        },
      },
      config: { access: ['records.read', 'ingest'] },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      return inWs(workspaceId, async (tx) => {
        const account = await getAccount(tx, workspaceId, accountId);
        const ep = await engine
          .policyFor(tx, workspaceId, accountSubject(accountId))
          .then((p) => p.ep)
          .catch((err: unknown) => {
            if (err instanceof NoActivePackError) return null;
            throw err;
          });
        return { account: accountId, state: account.state, ...accessOfAccount(ep, account.lifecycles) };
      });
    },
  );

  r.get(
    `${base}/:accountId/timeline`,
    {
      schema: {
        tags: TAGS,
        summary: "The account's timeline: its lifecycle and journeys, its contacts', its tickets'",
        params: A,
        querystring: z.strictObject({ after: z.coerce.number().int().min(0).optional(), limit: Limit }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                subject: z.string(),
                type: z.string(),
                actor: z.string(),
                data: z.record(z.string(), z.unknown()),
                at: z.string(),
              }),
            ),
            next: z.number().nullable(),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      const { after, limit } = request.query;
      return inWs(workspaceId, (tx) =>
        accountTimeline(tx, workspaceId, accountId, {
          ...(after !== undefined ? { afterId: after } : {}),
          limit,
        }),
      );
    },
  );

  const Step = z.object({
    id: z.string(),
    label: z.string(),
    at: z.string().nullable(),
    waitsFor: z.string().nullable(),
    when: z.string().nullable().describe('The condition that decides whether its actions run, in words.'),
    done: z.boolean(),
  });
  r.get(
    `${base}/:accountId/journeys`,
    {
      schema: {
        tags: TAGS,
        summary:
          'The journeys run on the account and its registered contacts: steps done, what is next and why',
        params: A,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                subject: z.string(),
                contact: z.string().nullable(),
                journey: z.string(),
                label: z.string(),
                startedAt: z.string(),
                status: z.enum(['running', 'exited', 'finished']),
                steps: z.array(Step),
                next: Step.nullable(),
              }),
            ),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      return { items: await inWs(workspaceId, (tx) => accountJourneys(tx, engine, workspaceId, accountId)) };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/customer-metrics',
    {
      schema: {
        tags: TAGS,
        summary:
          'Customer metrics of a period: by state and plan, trial conversion, churn, payments, revenue, NPS',
        description:
          "Definitions in docs/customers.md. The period defaults to the last 30 days; NPS carries the pack's target when it has one (kpi `nps-score`).",
        params: W,
        querystring: z.strictObject({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            byState: z.array(z.object({ state: z.string(), count: z.number() })),
            byPlan: z.array(z.object({ plan: z.string().nullable(), count: z.number() })),
            trials: z.object({ started: z.number(), converted: z.number(), rate: z.number().nullable() }),
            churn: z.object({ cancelled: z.number(), base: z.number(), rate: z.number().nullable() }),
            payments: z.object({
              failed: z.number(),
              succeeded: z.number(),
              failureRate: z.number().nullable(),
            }),
            revenue: z.array(z.object({ currency: z.string().nullable(), amount: z.number() })),
            nps: z.object({
              answers: z.number(),
              promoters: z.number(),
              passives: z.number(),
              detractors: z.number(),
              score: z.number().nullable(),
              target: z.object({ op: z.string(), value: z.number() }).nullable(),
            }),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const to = request.query.to ? new Date(request.query.to) : deps.now();
      const from = request.query.from
        ? new Date(request.query.from)
        : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to)
        throw new OpsError('OPS_VALIDATION', 'The period is empty.', [
          { pointer: '/querystring/from', message: '`from` must be before `to`.' },
        ]);
      return inWs(workspaceId, async (tx) => {
        const kpi = await engine
          .activePolicyIn(tx, workspaceId)
          .then(({ ep }) => ep.policy.pack.kpis?.find((k) => k.id === 'nps-score'))
          .catch((err: unknown) => {
            if (err instanceof NoActivePackError) return undefined;
            throw err;
          });
        const target = kpi ? { op: kpi.target.op, value: kpi.target.value } : null;
        return customerMetrics(tx, workspaceId, { from, to }, target);
      });
    },
  );

  contactRoutes(app, deps, engine, base);
  factRoutes(app, deps, engine, base);
  signupRoutes(app, deps, engine, base);
  void app.register(async (scope) => importRoute(scope, deps, engine, base));
}

/** Up to 100,000 rows of ~100 bytes, with room for long names. */
const IMPORT_MAX_BYTES = 32 * 1024 * 1024;

function importRoute(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  // The file is read as bytes: the planner decodes it (UTF-8, UTF-16 with a BOM) and names bad lines.
  app.addContentTypeParser(
    ['text/csv', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, { csv: body as Buffer }),
  );
  const Problem = z.object({
    line: z.number(),
    column: z.string().optional(),
    value: z.string().optional(),
    code: z.string(),
    message: z.string(),
    hint: z.string(),
  });
  app.withTypeProvider<ZodTypeProvider>().post(
    `${base}/:accountId/contacts/import`,
    {
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        tags: TAGS,
        summary: 'Import contacts from CSV (dry run first), all or nothing',
        description:
          'The body is the file (Content-Type: text/csv), header `name,phone,unit,estate[,email,role,locale]`. Each row must be for this account (its id or name in `estate`); phones are checked and stored in E.164, duplicates in the file and phones of other accounts are reported by line; a phone already in this account updates that contact (a blank cell changes nothing). With any problem nothing is written. `suspendAbsent` suspends (never deletes) active contacts missing from the file.',
        params: A,
        querystring: z.strictObject({
          country: z
            .string()
            .regex(/^[A-Z]{2}$/, 'An ISO 3166 country code, e.g. IN.')
            .describe('The country of numbers written without + and a country code.'),
          role: Text(60).default('resident').describe('The role of rows that name none.'),
          suspendAbsent: z.enum(['true', 'false']).default('false'),
          dryRun: z.enum(['true', 'false']).default('true').describe('true (default): report only.'),
        }),
        response: {
          200: z.object({
            dryRun: z.boolean(),
            imported: z.boolean(),
            rows: z.number(),
            created: z.number(),
            updated: z.number(),
            unchanged: z.number(),
            suspended: z.number(),
            fatal: Problem.nullable(),
            problems: z.array(Problem),
          }),
        },
      },
      config: { access: 'accounts.write' },
    },
    async (request) => {
      const body = request.body as { csv?: Buffer } | undefined;
      if (!body?.csv)
        throw new OpsError(
          'OPS_UNSUPPORTED_MEDIA_TYPE',
          'Send the CSV file as the body, with Content-Type: text/csv.',
        );
      const { workspaceId, accountId } = request.params;
      const q = request.query;
      return importContacts(
        deps.database,
        engine,
        workspaceId,
        accountId,
        {
          bytes: new Uint8Array(body.csv),
          country: q.country as CountryCode,
          role: q.role,
          suspendAbsent: q.suspendAbsent === 'true',
          dryRun: q.dryRun === 'true',
        },
        deps.now(),
      );
    },
  );
}

function contactRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    `${base}/:accountId/contacts`,
    {
      schema: {
        tags: TAGS,
        summary: "The account's contacts, a page at a time",
        params: A,
        querystring: z.strictObject({
          status: z.enum(['active', 'suspended']).optional(),
          role: Text(60).optional(),
          phone: Text(40).optional().describe('E.164'),
          after: Text(64).optional(),
          limit: Limit,
        }),
        response: { 200: z.object({ items: z.array(Contact), next: z.string().nullable() }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      return deps.database.inWorkspace(workspaceId, (tx) =>
        listContacts(tx, workspaceId, accountId, request.query),
      );
    },
  );

  r.post(
    `${base}/:accountId/contacts`,
    {
      schema: {
        tags: TAGS,
        summary: 'Add a contact to an account',
        description:
          "`register: true` records a sign-up: the engine is told `user.registered` for `user:<contact id>`, which starts the pack's journeys (onboarding).",
        params: A,
        body: z.strictObject({ ...ContactFields, register: z.boolean().default(false) }),
        response: { 201: Contact },
      },
      config: { access: 'accounts.write' },
    },
    async (request, reply) => {
      const { workspaceId, accountId } = request.params;
      const actor = accessOf(request).actor;
      const created = await retrying(() =>
        deps.database.inWorkspace(workspaceId, (tx) =>
          createContact(tx, engine, workspaceId, accountId, request.body, actor, deps.now()),
        ),
      );
      return reply.code(201).send(created);
    },
  );

  r.patch(
    `${base}/:accountId/contacts/:contactId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Change a contact, or suspend and reinstate one',
        params: C,
        body: z.strictObject({
          ...ContactFields,
          name: ContactFields.name.optional(),
          status: z.enum(['active', 'suspended']).optional(),
        }),
        response: { 200: Contact },
      },
      config: { access: 'accounts.write' },
    },
    async (request) => {
      const { workspaceId, accountId, contactId } = request.params;
      return deps.database.inWorkspace(workspaceId, (tx) =>
        updateContact(tx, workspaceId, accountId, contactId, request.body, deps.now()),
      );
    },
  );
}

function factRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const apply = (
    workspaceId: string,
    actor: string,
    batches: readonly (z.infer<typeof FactBatch> & { account: string })[],
  ) =>
    retrying(() =>
      deps.database.inWorkspace(workspaceId, async (tx) => {
        const out: FactOutcome[] = [];
        const nowMs = deps.now().getTime();
        for (const b of batches)
          out.push(
            await recordFacts(
              tx,
              engine,
              workspaceId,
              {
                account: b.account,
                facts: b.facts,
                ...(b.at !== undefined ? { atMs: Date.parse(b.at) } : {}),
                ...(b.key !== undefined ? { key: b.key } : {}),
              },
              actor,
              nowMs,
            ),
          );
        return out;
      }),
    );

  r.post(
    `${base}/:accountId/facts`,
    {
      schema: {
        tags: TAGS,
        summary: "Record an account's usage facts",
        description:
          'Values observed at `at` (default now); an older value never replaces a newer one. With a `key`, a replay changes nothing and answers `duplicate: true`. Changed values reach the engine (`fact.set`) for the account and its registered contacts.',
        params: A,
        body: FactBatch,
        response: { 200: Outcome },
      },
      config: { access: ['accounts.write', 'ingest'] },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      const [outcome] = await apply(workspaceId, accessOf(request).actor, [
        { ...request.body, account: accountId },
      ]);
      return outcome!;
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/facts',
    {
      schema: {
        tags: TAGS,
        summary: 'Record usage facts of many accounts in one call (up to 1,000 batches)',
        description: 'All batches are applied in one transaction, in order: all or none.',
        params: W,
        body: z.strictObject({
          items: z
            .array(FactBatch.extend({ account: AccountId }))
            .min(1)
            .max(1000),
        }),
        response: { 200: z.object({ items: z.array(Outcome) }) },
      },
      config: { access: ['accounts.write', 'ingest'] },
    },
    async (request) => ({
      items: await apply(request.params.workspaceId, accessOf(request).actor, request.body.items),
    }),
  );
}

function signupRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const inWs = <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>) =>
    retrying(() => deps.database.inWorkspace(workspaceId, fn));
  r.post(
    '/api/v1/workspaces/:workspaceId/signups',
    {
      schema: {
        tags: TAGS,
        summary: 'Record a signup for review (the SaaS posts what its signup form collected)',
        description:
          'Creates the account, its admin contact (estate-admin) and tells the engine `signup.submitted`; it then waits in the review queue (`GET …/accounts?lifecycle=estate-signup:pending`).',
        params: W,
        body: z.strictObject({
          account: AccountId,
          name: Text(200),
          location: Text(200),
          units: z.number().int().min(1).max(1_000_000),
          type: Text(60).describe('e.g. gated community, apartment complex.'),
          kind: Text(40).optional(),
          plan: Text(60).optional(),
          admin: z.strictObject({
            name: Text(200),
            phone: ContactFields.phone.unwrap().unwrap().optional(),
            email: z.email().max(254).optional(),
          }),
        }),
        response: { 201: Account },
      },
      config: { access: 'accounts.write' },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const actor = accessOf(request).actor;
      const account = await inWs(workspaceId, async (tx) => {
        await submitSignup(tx, engine, workspaceId, request.body, actor, deps.now());
        return getAccount(tx, workspaceId, request.body.account);
      });
      return reply.code(201).send(account);
    },
  );

  r.post(
    `${base}/:accountId/signup/decision`,
    {
      schema: {
        tags: TAGS,
        summary: 'Approve, reject or suspend (hold) a signup, with the reason',
        description:
          'Approval may choose the plan. A decision the pack does not allow from where the signup is (approving a rejected one) answers 409 and changes nothing.',
        params: A,
        body: z.strictObject({
          decision: z.enum(['approve', 'reject', 'suspend']),
          reason: Text(1000),
          plan: Text(60).optional(),
        }),
        response: { 200: Account },
      },
      config: { access: 'accounts.write' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      const actor = accessOf(request).actor;
      return inWs(workspaceId, async (tx) => {
        await decideSignup(tx, engine, workspaceId, accountId, request.body, actor, deps.now());
        return getAccount(tx, workspaceId, accountId);
      });
    },
  );

  r.post(
    `${base}/:accountId/payments/manual`,
    {
      schema: {
        tags: TAGS,
        summary: "Record a manual payment as finance's confirmation",
        description:
          'A bank transfer matched on the statement (Smart Estate 004#28): finance approves and the payment is confirmed, with the note. On an approved signup the estate and its subscription become ACTIVE in the same transaction; otherwise 409 and nothing changes.',
        params: A,
        body: z.strictObject({
          amount: z.number().positive().max(1e9),
          currency: z
            .string()
            .regex(/^[A-Z]{3}$/, 'An ISO 4217 code, e.g. INR.')
            .optional(),
          reference: Text(200).describe('The transfer reference on the bank statement.'),
          note: Text(2000),
        }),
        response: { 200: z.object({ confirmed: z.boolean(), activated: z.boolean(), account: Account }) },
      },
      config: { access: 'payments.confirm' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      const actor = accessOf(request).actor;
      return inWs(workspaceId, async (tx) => {
        const result = await recordManualPayment(
          tx,
          engine,
          workspaceId,
          accountId,
          request.body,
          actor,
          deps.now(),
        );
        return { ...result, account: await getAccount(tx, workspaceId, accountId) };
      });
    },
  );
}
