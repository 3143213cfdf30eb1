/**
 * The demo help desks (issue 7): published help-centre articles drawn from each seed's support section
 * (demo-articles.ts), the demo people as support agents on shift (the administrator in every tier, each
 * workspace's owner in its first tier), and a support address. Each part is added only to a workspace that
 * has none yet, so what an admin changed or removed is left alone.
 */
import { sql } from 'drizzle-orm';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { kbArticles, supportAddresses, supportAgents, users } from '../../store/schema.js';
import { activeDeskLists } from '../support/desk-lists.js';
import { DEMO_ARTICLES } from './demo-articles.js';
import { listMyWorkspaces } from './workspaces.js';

/** SofaCover's own address is in its seed (002#31); the others get one of the demo domain. */
const ADDRESSES: Readonly<Record<string, string>> = { sofacover: 'support@sofacoverpro.com' };

async function countOf(tx: Tx, table: typeof kbArticles | typeof supportAgents | typeof supportAddresses) {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(table);
  return Number(row?.n ?? 0);
}

async function userIdOf(database: Database, email: string): Promise<string | null> {
  const [row] = await database.db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return row?.id ?? null;
}

async function seedWorkspace(
  tx: Tx,
  workspaceId: string,
  slug: string,
  people: { adminId: string; ownerId: string | null },
  now: Date,
): Promise<void> {
  if ((await countOf(tx, kbArticles)) === 0) {
    for (const a of DEMO_ARTICLES[slug] ?? [])
      await tx.insert(kbArticles).values({
        id: newId('kb', now.getTime()),
        workspaceId,
        slug: a.slug,
        title: a.title,
        body: a.body,
        category: a.category,
        ticketCategories: [...(a.ticketCategories ?? [])],
        published: true,
        createdAt: now,
        updatedAt: now,
      });
  }
  const lists = await activeDeskLists(tx, workspaceId);
  if ((await countOf(tx, supportAgents)) === 0) {
    const tiers = lists.tiers.map((t) => t.id);
    const agents = [
      { userId: people.adminId, tiers },
      ...(people.ownerId ? [{ userId: people.ownerId, tiers: tiers.slice(0, 1) }] : []),
    ];
    await tx
      .insert(supportAgents)
      .values(agents.map((a) => ({ workspaceId, ...a, onShift: true, updatedAt: now })))
      .onConflictDoNothing();
  }
  if ((await countOf(tx, supportAddresses)) === 0) {
    await tx
      .insert(supportAddresses)
      .values({
        address: ADDRESSES[slug] ?? `help@${slug}.demo`,
        workspaceId,
        channel: lists.channels.find((c) => c.kind === 'email')?.id ?? 'email',
        createdAt: now,
      })
      .onConflictDoNothing();
  }
}

/** Adds the demo help desks to the demo workspaces the demo administrator belongs to. */
export async function loadDemoSupport(database: Database, adminEmail: string, now: Date): Promise<void> {
  const adminId = await userIdOf(database, adminEmail);
  if (!adminId) return;
  for (const ws of await listMyWorkspaces(database, adminId)) {
    if (!(ws.slug in DEMO_ARTICLES)) continue;
    const ownerId = await userIdOf(database, `owner@${ws.slug}.demo`);
    await database.inWorkspace(ws.id, (tx) => seedWorkspace(tx, ws.id, ws.slug, { adminId, ownerId }, now));
  }
}
