/**
 * An estate going live, however the pack moved it to ACTIVE: finance's manual payment, a verified hosted
 * checkout, support's manual `activate` (the P2 case, 004#50), or any later path the pack adds. An engine
 * observer, so it runs in the deciding transaction, once per activation, whatever sent the event:
 *
 * 1. The engine is told `estate.activated` on the account, which starts the customer-success hand-off
 *    (004#77, reading A: "when an estate goes live" is when it becomes ACTIVE).
 * 2. The estate admin's user account becomes ACTIVE with it (004#17 "Verify estate admin account is
 *    `ACTIVE`"; issue 9: estate, subscription and admin account all ACTIVE together, atomically): each active
 *    contact of the account with the `estate-admin` role is registered if it was not (`user.registered`),
 *    then told `user.activated`, which moves its `user:<contact id>` subject's `user`-lifecycle to active.
 *
 * The estate lifecycle has no way back from `active`, so "on the transition to active" is exactly once; a
 * decision that does not move the estate announces nothing.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Effect } from '../../core/decide/types.js';
import type { Engine, EngineEventInput, SubjectObserver } from '../../engine/engine.js';
import type { Tx } from '../../store/database.js';
import { accountContacts } from '../../store/schema-customers.js';
import { accountIdOf } from './accounts.js';

/** The contact role of an estate's primary admin contact (the signup's admin, 004#9, 004#79). */
export const ESTATE_ADMIN_ROLE = 'estate-admin';

/** Whether these effects moved a lifecycle of the pack's `estate` record to `active`: it went live now. */
export function estateWentLive(ep: EnginePolicy, effects: readonly Effect[]): boolean {
  return effects.some(
    (e) =>
      e.type === 'transition' && e.to === 'active' && ep.policy.lifecycles[e.lifecycle]?.for === 'estate',
  );
}

/** Whether the pack runs a lifecycle on user accounts (`user:<contact id>`), such as Smart Estate's. */
const runsUserAccounts = (ep: EnginePolicy) =>
  Object.values(ep.policy.lifecycles).some((l) => l.for === 'user');

/**
 * The observer, bound to the engine it tells. Registered in the engine's default observers.
 *
 * @example new Engine(database, clock, { observers: [mirrorAccount, activationObserver(engine)] })
 */
export function activationObserver(engine: Engine): SubjectObserver {
  return async (tx, { workspaceId, event, state, effects, ep, nowMs }) => {
    if (state.kind !== 'account' || !estateWentLive(ep, effects)) return;
    const accountId = accountIdOf(state.key);
    if (accountId === null) return;
    // An `estate.activated` that itself made the estate live (the pack's manual `activate` path, sent to
    // /events) is the announcement already: telling it again would decide it twice. Its admins are still
    // activated with it.
    if (event.type !== 'estate.activated')
      await engine.handleIn(tx, workspaceId, {
        type: 'estate.activated',
        subject: state.key,
        data: { account: accountId },
        actor: event.actor,
      });
    if (runsUserAccounts(ep))
      await activateAdmins(tx, engine, workspaceId, accountId, event.actor, new Date(nowMs));
  };
}

/** Registers (if need be) and activates the user account of each active estate admin of the account. */
async function activateAdmins(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  accountId: string,
  actor: string,
  now: Date,
): Promise<void> {
  const admins = await tx
    .select()
    .from(accountContacts)
    .where(
      and(
        eq(accountContacts.workspaceId, workspaceId),
        eq(accountContacts.accountId, accountId),
        eq(accountContacts.role, ESTATE_ADMIN_ROLE),
        eq(accountContacts.status, 'active'),
      ),
    )
    .orderBy(accountContacts.id);
  for (const admin of admins) {
    const subject = `user:${admin.id}`;
    const events: EngineEventInput[] = [];
    if (admin.registeredAt === null) {
      // Registered now, as `register: true` would have (contacts.ts): the admin's account belongs on the
      // estate's timeline and sees its facts from here on.
      const registered = await tx
        .update(accountContacts)
        .set({ registeredAt: now, updatedAt: now })
        .where(
          and(
            eq(accountContacts.workspaceId, workspaceId),
            eq(accountContacts.id, admin.id),
            isNull(accountContacts.registeredAt),
          ),
        )
        .returning({ id: accountContacts.id });
      if (registered.length > 0)
        events.push({
          type: 'user.registered',
          subject,
          data: {
            account: accountId,
            name: admin.name,
            ...(admin.phone ? { phone: admin.phone } : {}),
            ...(admin.email ? { email: admin.email } : {}),
            ...(admin.locale ? { locale: admin.locale } : {}),
          },
          actor,
        });
    }
    events.push({
      type: 'user.activated',
      subject,
      data: { account: accountId, reason: 'estate ACTIVE' },
      actor,
    });
    await engine.handleAllIn(tx, workspaceId, events);
  }
}
