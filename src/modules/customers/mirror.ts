/**
 * Keeps an account's row in step with its engine subject (`account:<id>`), as the help desk and incident
 * room mirror theirs: the position of each lifecycle, one summary state for lists and metrics, and the
 * plan an event carried. An account the API never created gets its row here (accounts.ts, "created on
 * first sight"). Entering a state the pack marks `erasesData` deletes the account's data here, in the same
 * transaction (retention.ts).
 */
import { and, eq } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { SubjectState } from '../../core/decide/types.js';
import type { SubjectObserver } from '../../engine/engine.js';
import type { Tx } from '../../store/database.js';
import { accounts } from '../../store/schema-customers.js';
import { accountIdOf } from './accounts.js';
import { eraseAccountData, erasingLifecycles, erasuresEntered } from './retention.js';

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

/** The row's lifecycle positions before this decision ({} for a row not made yet), locked. */
async function previousLifecycles(tx: Tx, workspaceId: string, id: string): Promise<Record<string, string>> {
  const [row] = await tx
    .select({ lifecycles: accounts.lifecycles })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, id)))
    .for('update');
  return row?.lifecycles ?? {};
}

export const mirrorAccount: SubjectObserver = async (
  tx,
  { workspaceId, state, ep, nowMs, event, effects },
) => {
  if (state.kind !== 'account') return;
  const id = accountIdOf(state.key);
  if (id === null) return;
  const lifecycles = Object.fromEntries(Object.entries(state.lifecycles).map(([k, p]) => [k, p.state]));
  // Only a decision that leaves the account in an erasing state reads the row first (retention.ts).
  const before =
    erasingLifecycles(ep, lifecycles).length > 0 ? await previousLifecycles(tx, workspaceId, id) : null;
  const plan = typeof state.fields.plan === 'string' ? { plan: state.fields.plan } : {};
  const now = new Date(nowMs);
  const changes = { lifecycles, state: summaryState(ep, state), ...plan, updatedAt: now };
  await tx
    .insert(accounts)
    .values({ workspaceId, id, name: id, createdAt: now, ...changes })
    .onConflictDoUpdate({ target: [accounts.workspaceId, accounts.id], set: changes });
  const [erasure] = before ? erasuresEntered(ep, before, lifecycles, effects) : [];
  if (erasure) await eraseAccountData(tx, { workspaceId, accountId: id, erasure, actor: event.actor, now });
};
