/**
 * Data deletion at the end of retention, and the export offered before it (issue 9). When an account's
 * lifecycle enters a state the pack marks `erasesData` (POS `data-deleted`: "Standard: 30 days after
 * cancellation", "Enterprise: 90 days", 003#57, 003#71, 003#72), the account's contacts, usage facts,
 * custom fields and fact receipts are deleted in the engine's deciding transaction (mirror.ts calls
 * `eraseAccountData`), and the deletion is recorded once: on the account's timeline, quoting the retention
 * rule that fired, and in the audit log. The row stays as a tombstone (id, kind, plan, states), so the
 * access question answers `none` and the history of its states remains.
 *
 * The export (`exportAccountData`) gives everything the account holds here as one document; after a
 * deletion it gives the tombstone and what was recorded from the deletion on, nothing that was deleted.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Effect } from '../../core/decide/types.js';
import { appendTimeline } from '../../engine/timeline.js';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { tasks, timelineEvents } from '../../store/schema.js';
import {
  accountContacts,
  accounts,
  factReceipts,
  surveyInvitations,
  type FactValue,
} from '../../store/schema-customers.js';
import { appendAudit } from '../access/audit.js';
import { eraseIdentifiersIn } from '../access/personal-data.js';
import { accountNotFound, accountSubject } from './accounts.js';
import { contactView, type ContactView } from './contacts.js';
import { accountTimeline, type AccountTimelineEntry } from './timeline.js';

/** The timeline entry (and audit action) that records a deletion. */
export const DATA_DELETED = 'account.data-deleted';

/** A lifecycle that has just entered a state that erases the account's data, and the rule that moved it. */
export interface Erasure {
  readonly lifecycle: string;
  readonly state: string;
  /** The transition's quote, else the state's ("Standard: 30 days after cancellation"); null if neither. */
  readonly quote: string | null;
}

export interface DeletedCounts {
  readonly contacts: number;
  readonly facts: number;
  readonly customFields: number;
  readonly factReceipts: number;
}

/** The lifecycles whose current state the pack marks `erasesData`. */
export function erasingLifecycles(ep: EnginePolicy, lifecycles: Readonly<Record<string, string>>): string[] {
  return Object.entries(lifecycles)
    .filter(([id, state]) => ep.policy.lifecycles[id]?.states.some((s) => s.id === state && s.erasesData))
    .map(([id]) => id);
}

/**
 * The erasures a decision makes: lifecycles in an erasing state now that were elsewhere before (the row's
 * previous positions), so observing the same state again erases nothing twice. The quote is the one of the
 * transition that moved it, found by its effect key (`<subject>:lifecycle:<id>:<index>…`, see
 * core/decide/lifecycles.ts), else the state's.
 *
 * @example erasuresEntered(ep, { subscription: 'cancelled' }, { subscription: 'data-deleted' }, effects)
 * // [{ lifecycle: 'subscription', state: 'data-deleted', quote: 'Standard: 30 days after cancellation' }]
 */
export function erasuresEntered(
  ep: EnginePolicy,
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  effects: readonly Effect[],
): Erasure[] {
  return erasingLifecycles(ep, after)
    .filter((id) => before[id] !== after[id])
    .map((id) => {
      const lifecycle = ep.policy.lifecycles[id]!;
      const state = after[id]!;
      const moved = effects.find((e) => e.type === 'transition' && e.lifecycle === id && e.to === state);
      const quote =
        (moved && lifecycle.transitions[transitionIndex(moved, id)]?.quote) ??
        lifecycle.states.find((s) => s.id === state)?.quote ??
        null;
      return { lifecycle: id, state, quote };
    });
}

/** The index of the pack transition a transition effect made, from its key; NaN for an action's move. */
function transitionIndex(effect: Effect, lifecycleId: string): number {
  const prefix = `${effect.subject}:lifecycle:${lifecycleId}:`;
  return effect.key.startsWith(prefix) ? Number.parseInt(effect.key.slice(prefix.length), 10) : NaN;
}

const counted = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The deletion in words, for the timeline.
 *
 * @example deletionWords({ contacts: 2, facts: 3, customFields: 1, factReceipts: 0 }, 'Standard: 30 days')
 * // '2 contacts, 3 facts, 1 custom field, 0 fact receipts, per retention policy "Standard: 30 days"'
 */
export function deletionWords(counts: DeletedCounts, quote: string | null): string {
  const what = [
    counted(counts.contacts, 'contact'),
    counted(counts.facts, 'fact'),
    counted(counts.customFields, 'custom field'),
    counted(counts.factReceipts, 'fact receipt'),
  ].join(', ');
  return quote ? `${what}, per retention policy "${quote}"` : `${what}, per retention policy`;
}

/**
 * Deletes the account's data in the caller's transaction and records it once, on the timeline and in the
 * audit log. The row keeps its id, kind, plan, owner and states; its name goes back to its id.
 */
export async function eraseAccountData(
  tx: Tx,
  input: {
    readonly workspaceId: string;
    readonly accountId: string;
    readonly erasure: Erasure;
    readonly actor: string;
    readonly now: Date;
  },
): Promise<DeletedCounts> {
  const { workspaceId, accountId, erasure, actor, now } = input;
  const [row] = await tx
    .select({ facts: accounts.facts, custom: accounts.custom })
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)))
    .for('update');
  if (!row) throw accountNotFound(accountId);
  const contacts = await tx
    .delete(accountContacts)
    .where(and(eq(accountContacts.workspaceId, workspaceId), eq(accountContacts.accountId, accountId)))
    .returning({ id: accountContacts.id, phone: accountContacts.phone, email: accountContacts.email });
  await eraseResidue(tx, workspaceId, accountId, contacts);
  const receipts = await tx
    .delete(factReceipts)
    .where(and(eq(factReceipts.workspaceId, workspaceId), eq(factReceipts.accountId, accountId)))
    .returning({ key: factReceipts.key });
  await tx
    .update(accounts)
    .set({ name: accountId, facts: {}, factsAt: {}, custom: {}, updatedAt: now })
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)));
  const counts: DeletedCounts = {
    contacts: contacts.length,
    facts: Object.keys(row.facts).length,
    customFields: Object.keys(row.custom).length,
    factReceipts: receipts.length,
  };
  const subject = accountSubject(accountId);
  await appendTimeline(tx, workspaceId, {
    subject,
    type: DATA_DELETED,
    actor,
    data: {
      data_deleted: deletionWords(counts, erasure.quote),
      deleted: { ...counts },
      policy: { ...erasure },
    },
    occurredAt: now,
  });
  await appendAudit(tx, now, {
    actor,
    action: DATA_DELETED,
    target: subject,
    data: { ...counts, ...erasure },
  });
  return counts;
}

/**
 * What the account's rows do not hold but Opsbook kept of it: its people's phones and emails wherever they
 * appear (messages, history, other records: the personal-data erasure, for all of them at once), the
 * engine's records of the account and its people (their fields and usage facts, the plan aside), the
 * values of their history entries, survey comments, task notes and checklist evidence.
 */
async function eraseResidue(
  tx: Tx,
  workspaceId: string,
  accountId: string,
  contacts: readonly { id: string; phone: string | null; email: string | null }[],
): Promise<void> {
  await eraseIdentifiersIn(
    tx,
    workspaceId,
    contacts.flatMap((c) => [c.phone, c.email]).filter((v): v is string => v !== null),
  );
  const people = contacts.map((c) => `user:${c.id}`);
  const all = [accountSubject(accountId), ...people];
  await tx.execute(sql`
    update subjects
       set state = jsonb_set(jsonb_set(state, '{facts}', '{}'::jsonb), '{fields}',
                   jsonb_strip_nulls(jsonb_build_object('plan', state->'fields'->'plan')))
     where workspace_id = ${workspaceId} and key in (select jsonb_array_elements_text(${JSON.stringify(all)}::jsonb))`);
  // History keeps what happened, not what it carried: the account's usage values, everything of its people.
  await tx.execute(sql`select set_config('opsbook.erasure', 'on', true)`);
  await tx.execute(sql`
    update timeline_events set data = '{"erased": true}'::jsonb
     where workspace_id = ${workspaceId}
       and (subject in (select jsonb_array_elements_text(${JSON.stringify(people)}::jsonb))
            or (subject = ${accountSubject(accountId)}
                and type in ('fact.set', 'signup.submitted', 'user.registered')))`);
  await tx.execute(sql`select set_config('opsbook.erasure', 'off', true)`);
  await tx
    .update(surveyInvitations)
    .set({ comment: null })
    .where(and(eq(surveyInvitations.workspaceId, workspaceId), eq(surveyInvitations.accountId, accountId)));
  await tx
    .update(tasks)
    .set({ note: null })
    .where(and(eq(tasks.workspaceId, workspaceId), inArray(tasks.subject, all)));
}

export interface AccountExport {
  readonly exportedAt: string;
  readonly account: {
    readonly id: string;
    readonly name: string;
    readonly kind: string;
    readonly plan: string | null;
    readonly ownerUserId: string | null;
    readonly state: string;
    readonly lifecycles: Record<string, string>;
    readonly createdAt: string;
    readonly updatedAt: string;
  };
  /** When the data was deleted at the end of retention, with what was deleted; null if it never was. */
  readonly dataDeleted: { readonly at: string; readonly data: Record<string, unknown> } | null;
  readonly facts: Record<string, { readonly value: FactValue; readonly observedAt: string | null }>;
  readonly custom: Record<string, FactValue>;
  readonly contacts: ContactView[];
  /** The whole timeline; after a deletion, from the deletion on. */
  readonly timeline: AccountTimelineEntry[];
}

const TIMELINE_PAGE = 500;

/** Everything the account holds here, as one document, recorded in the audit log (who took a copy). */
export async function exportAccountData(
  q: Tx,
  workspaceId: string,
  accountId: string,
  actor: string,
  now: Date,
): Promise<AccountExport> {
  const [row] = await q
    .select()
    .from(accounts)
    .where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.id, accountId)));
  if (!row) throw accountNotFound(accountId);
  const [deletion] = await q
    .select()
    .from(timelineEvents)
    .where(
      and(
        eq(timelineEvents.workspaceId, workspaceId),
        eq(timelineEvents.subject, accountSubject(accountId)),
        eq(timelineEvents.type, DATA_DELETED),
      ),
    )
    .orderBy(desc(timelineEvents.id))
    .limit(1);
  const contacts = await q
    .select()
    .from(accountContacts)
    .where(and(eq(accountContacts.workspaceId, workspaceId), eq(accountContacts.accountId, accountId)))
    .orderBy(accountContacts.id);
  const timeline: AccountTimelineEntry[] = [];
  for (let after = deletion ? deletion.id - 1 : 0; ;) {
    const page = await accountTimeline(q, workspaceId, accountId, { afterId: after, limit: TIMELINE_PAGE });
    timeline.push(...page.items);
    if (page.next === null) break;
    after = page.next;
  }
  await appendAudit(q, now, {
    actor,
    action: 'account.data-exported',
    target: accountSubject(accountId),
    data: { contacts: contacts.length, facts: Object.keys(row.facts).length, timeline: timeline.length },
  });
  return {
    exportedAt: now.toISOString(),
    account: {
      id: row.id,
      name: row.name,
      kind: row.kind,
      plan: row.plan,
      ownerUserId: row.ownerUserId,
      state: row.state,
      lifecycles: row.lifecycles,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    },
    dataDeleted: deletion
      ? { at: deletion.occurredAt.toISOString(), data: deletion.data as Record<string, unknown> }
      : null,
    facts: Object.fromEntries(
      Object.entries(row.facts).map(([name, value]) => {
        const ms = row.factsAt[name];
        return [name, { value, observedAt: ms === undefined ? null : new Date(ms).toISOString() }];
      }),
    ),
    custom: row.custom,
    contacts: contacts.map(contactView),
    timeline,
  };
}

/**
 * Refuses new data (contacts, facts) for an account whose data was deleted at the end of its retention: a
 * SaaS still syncing a cancelled customer must not quietly undo the deletion. A returning customer is a
 * new account.
 */
export async function refuseIfErased(
  tx: Tx,
  workspaceId: string,
  accountIds: string | readonly string[],
): Promise<void> {
  const ids = typeof accountIds === 'string' ? [accountIds] : accountIds;
  if (ids.length === 0) return;
  const [erased] = await tx
    .select({ subject: timelineEvents.subject, at: timelineEvents.occurredAt })
    .from(timelineEvents)
    .where(
      and(
        eq(timelineEvents.workspaceId, workspaceId),
        inArray(timelineEvents.subject, ids.map(accountSubject)),
        eq(timelineEvents.type, DATA_DELETED),
      ),
    )
    .limit(1);
  if (erased)
    throw new OpsError(
      'OPS_CONFLICT',
      `The data of account "${erased.subject.slice('account:'.length)}" was deleted at the end of its retention (${erased.at.toISOString()}); it takes no new contacts, facts or custom fields. A returning customer is a new account. Nothing was changed.`,
    );
}
