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
import { and, desc, eq } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { Effect } from '../../core/decide/types.js';
import { appendTimeline } from '../../engine/timeline.js';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { timelineEvents } from '../../store/schema.js';
import { accountContacts, accounts, factReceipts, type FactValue } from '../../store/schema-customers.js';
import { appendAudit } from '../access/audit.js';
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
    .returning({ id: accountContacts.id });
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
export async function refuseIfErased(tx: Tx, workspaceId: string, accountId: string): Promise<void> {
  const [erased] = await tx
    .select({ at: timelineEvents.occurredAt })
    .from(timelineEvents)
    .where(
      and(
        eq(timelineEvents.workspaceId, workspaceId),
        eq(timelineEvents.subject, accountSubject(accountId)),
        eq(timelineEvents.type, DATA_DELETED),
      ),
    )
    .limit(1);
  if (erased)
    throw new OpsError(
      'OPS_CONFLICT',
      `The data of account "${accountId}" was deleted at the end of its retention (${erased.at.toISOString()}); it takes no new contacts or facts. A returning customer is a new account.`,
    );
}
