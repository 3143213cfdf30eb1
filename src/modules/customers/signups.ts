/**
 * Signup review, payment confirmation and activation (issue 9; Smart Estate SOP 004): a signup arrives
 * (the SaaS posts what its form collected), waits for review, is approved, rejected or suspended with a
 * reason, a plan is chosen, payment is confirmed by the provider (payment-webhooks.ts) or recorded by
 * finance, and the estate becomes ACTIVE only when approved and paid (004#2).
 *
 * The pack decides every move: these use cases only send its events, in one transaction each. Confirming
 * a payment on an approved signup moves the estate and its subscription to ACTIVE in the same decision
 * (the pack's `estate` transition carries the subscription's). What going live starts — `estate.activated`
 * (the customer-success hand-off) and the estate admin's user account becoming ACTIVE — is the engine
 * observer's in activation.ts, in that same transaction, whichever path activated the estate.
 */
import type { Effect } from '../../core/decide/types.js';
import type { Engine, EngineEventInput } from '../../engine/engine.js';
import { loadSubject } from '../../engine/subjects.js';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { accountSubject, createAccount, getAccount, updateAccount } from './accounts.js';
import { ESTATE_ADMIN_ROLE, estateWentLive } from './activation.js';
import { createContact } from './contacts.js';
import { recordFacts } from './facts.js';

export interface SignupInput {
  readonly account: string;
  /** The estate's (organisation's) name, its location, unit count and type (004#8). */
  readonly name: string;
  readonly location: string;
  readonly units: number;
  readonly type: string;
  readonly kind?: string;
  readonly plan?: string;
  readonly admin: { readonly name: string; readonly phone?: string; readonly email?: string };
}

const event = (
  type: string,
  account: string,
  data: Record<string, string | number | boolean>,
  actor: string,
) =>
  ({ type, subject: accountSubject(account), data: { account, ...data }, actor }) satisfies EngineEventInput;

/**
 * Records the signup: the account, its admin contact (estate-admin role, registered: the admin made the
 * sign-up, so their `user:` account exists, pending, from now) and `signup.submitted`.
 */
export async function submitSignup(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  input: SignupInput,
  actor: string,
  now: Date,
): Promise<void> {
  await createAccount(
    tx,
    workspaceId,
    {
      id: input.account,
      name: input.name,
      kind: input.kind ?? 'estate',
      plan: input.plan ?? null,
      custom: { location: input.location, units: input.units, type: input.type },
    },
    now,
  );
  await createContact(
    tx,
    engine,
    workspaceId,
    input.account,
    {
      name: input.admin.name,
      phone: input.admin.phone ?? null,
      email: input.admin.email ?? null,
      role: ESTATE_ADMIN_ROLE,
      register: true,
    },
    actor,
    now,
  );
  await engine.handleIn(
    tx,
    workspaceId,
    event(
      'signup.submitted',
      input.account,
      {
        name: input.name,
        // The estate-access-enabled message's values (004#32); `name` itself names the record, not a field.
        estate_name: input.name,
        estate_admin_name: input.admin.name,
        location: input.location,
        units: input.units,
        type: input.type,
        admin: input.admin.email ?? input.admin.phone ?? input.admin.name,
        ...(input.plan ? { plan: input.plan } : {}),
      },
      actor,
    ),
  );
}

export type SignupDecision = 'approve' | 'reject' | 'suspend';

/** The lifecycle transitions an event decided, to tell whether the pack let it move anything. */
const transitions = (effects: readonly Effect[]) =>
  effects.filter((e): e is Extract<Effect, { type: 'transition' }> => e.type === 'transition');

/**
 * Approves, rejects or suspends (a hold) a signup with its reason; approval may name the plan. A decision
 * the pack does not allow from where the signup is (approving a rejected signup) is refused with 409.
 */
export async function decideSignup(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  accountId: string,
  input: { readonly decision: SignupDecision; readonly reason: string; readonly plan?: string },
  actor: string,
  now: Date,
): Promise<void> {
  await getAccount(tx, workspaceId, accountId);
  if (!(await loadSubject(tx, workspaceId, accountSubject(accountId))))
    throw new OpsError(
      'OPS_CONFLICT',
      `No signup was submitted for "${accountId}": record it first (POST …/signups), then decide it.`,
    );
  if (input.plan) await updateAccount(tx, workspaceId, accountId, { plan: input.plan }, now);
  const type = { approve: 'signup.approved', reject: 'signup.rejected', suspend: 'signup.suspended' }[
    input.decision
  ];
  const handled = await engine.handleIn(
    tx,
    workspaceId,
    event(type, accountId, { reason: input.reason, ...(input.plan ? { plan: input.plan } : {}) }, actor),
    { mustExist: true },
  );
  if (transitions(handled.effects).length === 0) {
    const { lifecycles } = await getAccount(tx, workspaceId, accountId);
    throw new OpsError(
      'OPS_CONFLICT',
      `The pack does not let this signup be ${input.decision === 'approve' ? 'approved' : input.decision === 'reject' ? 'rejected' : 'suspended'} from where it is (${Object.entries(
        lifecycles,
      )
        .map(([l, s]) => `${l}: ${s}`)
        .join(', ')}).`,
    );
  }
}

export interface ManualPayment {
  readonly amount: number;
  readonly currency?: string;
  /** The bank transfer's reference, as on the statement (004#28). */
  readonly reference: string;
  readonly note: string;
}

/**
 * Finance records a manual payment (a bank transfer matched on the statement, 004#28): the payment method
 * and finance's confirmation become facts, finance approves, and the payment is confirmed — in one
 * transaction. On an approved signup the pack then activates the estate and its subscription (and the
 * activation observer what follows); the answer says whether it did.
 */
export async function recordManualPayment(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  accountId: string,
  payment: ManualPayment,
  actor: string,
  now: Date,
): Promise<{ confirmed: boolean; activated: boolean }> {
  await getAccount(tx, workspaceId, accountId);
  await recordFacts(
    tx,
    engine,
    workspaceId,
    { account: accountId, facts: { payment_method: 'manual', finance_confirmed: true } },
    actor,
    now.getTime(),
  );
  const fields = {
    method: 'manual',
    amount: payment.amount,
    reference: payment.reference,
    ...(payment.currency ? { currency: payment.currency } : {}),
  };
  const handled = await engine.handleAllIn(tx, workspaceId, [
    event('payment.approved', accountId, { by: 'role:finance', reason: payment.note }, actor),
    event('payment.confirmed', accountId, { ...fields, reason: payment.note }, actor),
  ]);
  const moves = transitions(handled.flatMap((h) => h.effects));
  const confirmed = moves.some((m) => m.to === 'confirmed');
  if (!confirmed)
    throw new OpsError(
      'OPS_CONFLICT',
      'The payment cannot be confirmed yet: the pack confirms a payment only on an approved signup (approve it first), and only once.',
    );
  const { ep } = await engine.policyFor(tx, workspaceId, accountSubject(accountId));
  return {
    confirmed,
    activated: estateWentLive(
      ep,
      handled.flatMap((h) => h.effects),
    ),
  };
}
