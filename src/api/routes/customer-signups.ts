/**
 * Signup review and payment confirmation over HTTP (issue 9, Smart Estate 004): record a signup, decide it
 * (approve, reject, hold), and record finance's manual payment, which activates an approved estate.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Engine } from '../../engine/engine.js';
import { getAccount } from '../../modules/customers/accounts.js';
import { decideSignup, recordManualPayment, submitSignup } from '../../modules/customers/signups.js';
import type { Tx } from '../../store/database.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';
import { A, Account, AccountId, ContactFields, retrying, TAGS, Text, W } from './customer-schemas.js';

export function signupRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
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
