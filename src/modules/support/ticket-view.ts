/**
 * A ticket as the agent API shows it (`TicketView` of the help-desk API contract): the row's columns in
 * the contract's shape, instants as ISO strings, the requester and the CSAT answer grouped.
 */
import type { TicketClock, TicketTriage } from '../../store/schema.js';
import type { TicketRow } from './outbound.js';

export interface TicketView {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly status: string;
  readonly priority: string;
  readonly category: string | null;
  readonly tier: string | null;
  readonly channel: string;
  readonly assignee: { readonly id: string; readonly name: string | null } | null;
  readonly requester: {
    readonly name: string | null;
    readonly email: string | null;
    readonly phone: string | null;
  };
  readonly account: string | null;
  readonly plan: string | null;
  readonly locale: string | null;
  readonly tags: string[];
  readonly triage: {
    readonly rule: string | null;
    readonly quote?: string;
    readonly set: Record<string, string>;
    readonly overrides: TicketTriage['overrides'][number][];
  };
  readonly clocks: TicketClock[];
  readonly nextDueAt: string | null;
  readonly breached: boolean;
  readonly firstResponseAt: string | null;
  readonly resolvedAt: string | null;
  readonly reopenedCount: number;
  readonly escalatedAt: string | null;
  readonly incident: string | null;
  readonly mergedInto: string | null;
  readonly csat: {
    readonly score: number;
    readonly comment: string | null;
    readonly at: string | null;
  } | null;
  readonly messageCount: number;
  readonly lastMessageAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly pack: { readonly id: string; readonly version: string } | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The row in the contract's shape; `assigneeName` from the users table (null when unknown). */
export function ticketView(row: TicketRow, assigneeName: string | null): TicketView {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    status: row.status,
    priority: row.priority,
    category: row.category,
    tier: row.tier,
    channel: row.channel,
    assignee: row.assigneeId ? { id: row.assigneeId, name: assigneeName } : null,
    requester: { name: row.requesterName, email: row.requesterEmail, phone: row.requesterPhone },
    account: row.account,
    plan: row.plan,
    locale: row.locale,
    tags: row.tags,
    triage: {
      rule: row.triage.rule,
      ...(row.triage.quote !== undefined ? { quote: row.triage.quote } : {}),
      set: { ...row.triage.set },
      overrides: [...row.triage.overrides],
    },
    clocks: row.clocks.map((c) => ({ id: c.id, phase: c.phase, due: c.due, derivation: c.derivation })),
    nextDueAt: iso(row.nextDueAt),
    breached: row.breached,
    firstResponseAt: iso(row.firstResponseAt),
    resolvedAt: iso(row.resolvedAt),
    reopenedCount: row.reopenedCount,
    escalatedAt: iso(row.escalatedAt),
    incident: row.incident,
    mergedInto: row.mergedInto,
    csat:
      row.csatScore === null ? null : { score: row.csatScore, comment: row.csatComment, at: iso(row.csatAt) },
    messageCount: row.messageCount,
    lastMessageAt: iso(row.lastMessageAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    pack: row.packId && row.packVersion ? { id: row.packId, version: row.packVersion } : null,
  };
}
