/**
 * Customer accounts over HTTP (issue 9): accounts, the access question the SaaS asks before a write, the
 * account's timeline and journeys, and the customer metrics. Contacts and their import, usage facts, and
 * signup review with payment confirmation have route files of their own (customer-*.ts).
 * Reading needs `records.read`; changing needs `accounts.write`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseClock } from '../../engine/clock.js';
import { Engine, NoActivePackError } from '../../engine/engine.js';
import { accessOfAccount } from '../../modules/customers/access.js';
import {
  accountSubject,
  createAccount,
  getAccount,
  listAccounts,
  updateAccount,
} from '../../modules/customers/accounts.js';
import { accountJourneys } from '../../modules/customers/journeys.js';
import { customerDashboard } from '../../modules/customers/metrics.js';
import { accountTimeline } from '../../modules/customers/timeline.js';
import type { Tx } from '../../store/database.js';
import type { AppDeps } from '../deps.js';
import { contactRoutes } from './customer-contacts.js';
import { exportRoutes } from './customer-export.js';
import { factRoutes } from './customer-facts.js';
import { A, Account, AccountFields, AccountId, Limit, TAGS, Text, W } from './customer-schemas.js';
import { signupRoutes } from './customer-signups.js';
import { surveyRoutes } from './customer-surveys.js';
import { checkoutRoutes } from './customer-checkout.js';
import { periodOf, PeriodQuery } from '../period.js';

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

  const Share = z.object({
    cohort: z
      .number()
      .describe('Users whose day N (registration + N × 24 h) fell in the period and has passed.'),
    count: z.number(),
    rate: z.number().nullable().describe('Per cent, one decimal; null for an empty cohort.'),
  });
  const Rate = z.number().nullable().describe('Per cent, one decimal; null when there is nothing to count.');
  r.get(
    '/api/v1/workspaces/:workspaceId/customer-metrics',
    {
      schema: {
        tags: TAGS,
        summary:
          'Customer metrics of a period: onboarding (D1, D7, D30, Day 3 calls), NPS, trials, churn, payments, MRR and ARPU, by state and plan, weekly series',
        description:
          "Definitions in docs/customers.md. The period defaults to the last 30 days. `kpis` sets each metric beside the pack's target when it has one (ShopSmart's SOP-001 success metrics) with whether it is met; `nps.target` is the pack's kpi `nps-score`. `series` has a point per week of the period.",
        params: W,
        querystring: z.strictObject(PeriodQuery),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            byState: z.array(z.object({ state: z.string(), count: z.number() })),
            byPlan: z.array(z.object({ plan: z.string().nullable(), count: z.number() })),
            trials: z.object({ started: z.number(), converted: z.number(), rate: Rate }),
            churn: z.object({ cancelled: z.number(), base: z.number(), rate: Rate }),
            payments: z.object({
              failed: z.number(),
              succeeded: z.number(),
              failureRate: Rate,
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
            onboarding: z.object({
              d1Activation: Share.describe('First customer added (customers_added ≥ 1) by T+24h.'),
              d7Active: Share.describe('App opened 3 times or more (app_opens ≥ 3) by T+7d.'),
              d30Retention: Share.describe(
                "A usage fact of the user's account changed in the 7 days up to T+30d.",
              ),
              day3Calls: z
                .object({
                  raised: z.number(),
                  done: z.number(),
                  onTime: z.number(),
                  rate: Rate,
                  onTimeRate: Rate,
                })
                .describe(
                  "The onboarding journey's Day 3 calls raised in the period: marked done, and on time.",
                ),
            }),
            mrr: z
              .object({
                from: z.string(),
                to: z.string(),
                byCurrency: z.array(
                  z.object({
                    currency: z.string().nullable(),
                    amount: z.number(),
                    payers: z.number(),
                    arpu: z.number().nullable(),
                  }),
                ),
              })
              .describe(
                "Payments received in the 30 days up to the period's end, per currency; ARPU over the accounts that paid.",
              ),
            kpis: z.array(
              z.object({
                id: z.string(),
                label: z.string(),
                value: z.number().nullable(),
                unit: z.string(),
                of: z
                  .number()
                  .describe(
                    'What the value is counted over: users, calls, answers, trials, customers, payments.',
                  ),
                target: z
                  .object({ op: z.string(), value: z.number(), unit: z.string().nullable() })
                  .nullable(),
                met: z.boolean().nullable(),
              }),
            ),
            series: z.object({
              bucketDays: z.number().describe('7, or a multiple of 7 for a period longer than 104 weeks.'),
              points: z.array(
                z.object({
                  from: z.string(),
                  to: z.string(),
                  newAccounts: z.number(),
                  npsAnswers: z.number(),
                  nps: z.number().nullable(),
                  cancelled: z.number(),
                  churnRate: Rate,
                  paymentsFailed: z.number(),
                  paymentsSucceeded: z.number(),
                  failureRate: Rate,
                }),
              ),
            }),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const now = deps.now();
      const { from, to } = periodOf(request.query, now);
      return inWs(workspaceId, async (tx) => {
        const kpis = await engine
          .activePolicyIn(tx, workspaceId)
          .then(({ ep }) => ep.policy.pack.kpis ?? [])
          .catch((err: unknown) => {
            if (err instanceof NoActivePackError) return [];
            throw err;
          });
        return customerDashboard(tx, workspaceId, { from, to }, kpis, now.getTime());
      });
    },
  );

  contactRoutes(app, deps, engine, base);
  factRoutes(app, deps, engine, base);
  signupRoutes(app, deps, engine, base);
  exportRoutes(app, deps);
  surveyRoutes(app, deps, engine, base);
  checkoutRoutes(app, deps, engine, base);
}
