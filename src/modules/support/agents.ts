/**
 * Support agents (issue 7, Admin → Support agents): which tiers' queues a member works and whether they
 * are on shift now. Automatic assignment (assignment.ts, ShopSmart SOP-002 "Assign to Agent") only ever
 * chooses among members of the ticket's tier who are on shift. Changes are audited: they decide who is
 * given customers' tickets.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { Database, Tx } from '../../store/database.js';
import { memberships, supportAgents, tickets, users } from '../../store/schema.js';
import { appendAudit } from '../access/audit.js';
import { activeDeskLists, unknownIds } from './desk-lists.js';

export interface AgentView {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  /** The tiers whose queues they work; none: never assigned automatically. */
  readonly tiers: string[];
  readonly onShift: boolean;
  /** Tickets assigned to them that are not resolved. */
  readonly openTickets: number;
}

export interface AgentSettings {
  readonly tiers: readonly string[];
  readonly onShift: boolean;
}

const openTickets = sql<number>`(
  select count(*)::int from ${tickets}
   where ${tickets.workspaceId} = ${memberships.workspaceId} and ${tickets.assigneeId} = ${memberships.userId}
     and ${tickets.resolvedAt} is null and ${tickets.mergedInto} is null)`;

function agentsQuery(tx: Tx) {
  return tx
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      tiers: supportAgents.tiers,
      onShift: supportAgents.onShift,
      openTickets,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(
      supportAgents,
      and(
        eq(supportAgents.workspaceId, memberships.workspaceId),
        eq(supportAgents.userId, memberships.userId),
      ),
    );
}

interface AgentRow {
  userId: string;
  name: string;
  email: string;
  tiers: string[] | null;
  onShift: boolean | null;
  openTickets: number;
}

function toView(row: AgentRow): AgentView {
  return {
    userId: row.userId,
    name: row.name,
    email: row.email,
    tiers: row.tiers ?? [],
    // A member never set up as an agent works no queue: not on shift for assignment.
    onShift: row.tiers ? (row.onShift ?? false) : false,
    openTickets: Number(row.openTickets),
  };
}

/** The members set up as agents (any tier, on shift or not), by name. */
export async function listAgents(database: Database, workspaceId: string): Promise<AgentView[]> {
  const rows = await database.inWorkspace(workspaceId, (tx) =>
    agentsQuery(tx)
      .where(and(eq(memberships.workspaceId, workspaceId), sql`${supportAgents.userId} is not null`))
      .orderBy(asc(users.name)),
  );
  return rows.map(toView);
}

/** A member's agent settings (no tiers, off shift when never set up); 404 for someone not a member. */
export async function getAgent(database: Database, workspaceId: string, userId: string): Promise<AgentView> {
  const [row] = await database.inWorkspace(workspaceId, (tx) =>
    agentsQuery(tx).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId))),
  );
  if (!row) throw notAMember(userId);
  return toView(row);
}

const notAMember = (userId: string) =>
  new OpsError('OPS_NOT_FOUND', `No member "${userId}" in this workspace: invite them first.`);

/**
 * Sets a member's tiers and shift (creating their agent record). Tiers must be tiers of the active packs,
 * so a misspelt tier does not leave an agent out of every queue without anyone noticing.
 */
export async function putAgent(
  database: Database,
  workspaceId: string,
  userId: string,
  settings: AgentSettings,
  actor: string,
  now: Date,
): Promise<AgentView> {
  const tiers = [...new Set(settings.tiers)];
  await database.inWorkspace(workspaceId, async (tx) => {
    const [member] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    if (!member) throw notAMember(userId);
    const known = (await activeDeskLists(tx, workspaceId)).tiers;
    const unknown = unknownIds(tiers, known);
    if (unknown.length > 0)
      throw new OpsError(
        'OPS_VALIDATION',
        `Not a support tier of the active pack: ${unknown.join(', ')}.`,
        unknown.map((t) => ({
          pointer: `/body/tiers/${tiers.indexOf(t)}`,
          message: `use one of: ${known.map((k) => k.id).join(', ')}`,
        })),
      );
    await tx
      .insert(supportAgents)
      .values({ workspaceId, userId, tiers, onShift: settings.onShift, updatedAt: now })
      .onConflictDoUpdate({
        target: [supportAgents.workspaceId, supportAgents.userId],
        set: { tiers, onShift: settings.onShift, updatedAt: now },
      });
    await appendAudit(tx, now, {
      actor,
      action: 'support.agent.updated',
      target: `user:${userId}`,
      data: { tiers, onShift: settings.onShift },
    });
  });
  return getAgent(database, workspaceId, userId);
}
