/**
 * Keeps an account's row in step with its engine subject (`account:<id>`), as the help desk and incident
 * room mirror theirs: the position of each lifecycle, one summary state for lists and metrics, and the
 * plan an event carried. An account the API never created gets its row here (accounts.ts, "created on
 * first sight").
 */
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { SubjectState } from '../../core/decide/types.js';
import type { SubjectObserver } from '../../engine/engine.js';
import { accounts } from '../../store/schema-customers.js';
import { accountIdOf } from './accounts.js';

/**
 * The one word an account is "in": the pack's subscription lifecycle when it has one (POS: trialing,
 * active, past-due, suspended, cancelled), else the status the engine keeps from billing events, else the
 * estate's or the first lifecycle's position, else `new`.
 */
export function summaryState(ep: EnginePolicy, state: SubjectState): string {
  const positions = Object.entries(state.lifecycles);
  const forOf = (id: string) => ep.policy.lifecycles[id]?.for;
  const subscription = positions.find(([id]) => forOf(id) === 'subscription');
  if (subscription) return subscription[1].state;
  const status = state.fields.subscription_status;
  if (typeof status === 'string') return status.replaceAll('_', '-');
  const estate = positions.find(([id]) => forOf(id) === 'estate') ?? positions[0];
  return estate ? estate[1].state : 'new';
}

export const mirrorAccount: SubjectObserver = async (tx, { workspaceId, state, ep, nowMs }) => {
  if (state.kind !== 'account') return;
  const id = accountIdOf(state.key);
  if (id === null) return;
  const lifecycles = Object.fromEntries(Object.entries(state.lifecycles).map(([k, p]) => [k, p.state]));
  const plan = typeof state.fields.plan === 'string' ? { plan: state.fields.plan } : {};
  const now = new Date(nowMs);
  const changes = { lifecycles, state: summaryState(ep, state), ...plan, updatedAt: now };
  await tx
    .insert(accounts)
    .values({ workspaceId, id, name: id, createdAt: now, ...changes })
    .onConflictDoUpdate({ target: [accounts.workspaceId, accounts.id], set: changes });
};
