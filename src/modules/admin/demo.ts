/**
 * The demo workspaces: one per seed SOP (../../../../shared/seeds), so a fresh `npm start` has something to
 * sign in to. Loading is idempotent: existing people and workspaces are left as they are.
 *
 * Time zones here are placeholders until each workspace's pack settles its calendar (FACTS 000#4 leaves
 * ShopSmart's open; IST is the reading that fits an India-only product).
 */
import { sql } from 'drizzle-orm';
import { newId } from '../../shared/ids.js';
import type { Database } from '../../store/database.js';
import { pgCode } from '../../store/database.js';
import { memberships, users, workspaces } from '../../store/schema.js';
import { hashPassword } from './passwords.js';
import { listMyWorkspaces } from './workspaces.js';

export const DEMO_PASSWORD = 'opsbook-demo-2026';
export const DEMO_ADMIN_EMAIL = 'admin@opsbook.demo';

export const DEMO_WORKSPACES = [
  { slug: 'shopsmart', name: 'ShopSmart Pro', timeZone: 'Asia/Kolkata' },
  { slug: 'company-ops', name: 'Company Operations', timeZone: 'UTC' },
  { slug: 'sofacover', name: 'SofaCover Pro', timeZone: 'UTC' },
  { slug: 'pos-saas', name: 'POS SaaS', timeZone: 'UTC' },
  { slug: 'smart-estate', name: 'Smart Estate', timeZone: 'UTC' },
] as const;

export interface DemoLogin {
  readonly email: string;
  readonly password: string;
  readonly workspaces: readonly string[];
}

async function ensureUser(
  database: Database,
  email: string,
  name: string,
  passwordHash: () => Promise<string>,
  nowMs: number,
): Promise<string> {
  const find = async () =>
    (
      await database.db
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = lower(${email})`)
    )[0];
  const existing = await find();
  if (existing) return existing.id;
  await database.db
    .insert(users)
    .values({ id: newId('usr', nowMs), email, name, passwordHash: await passwordHash() })
    .onConflictDoNothing();
  const created = await find();
  if (!created) throw new Error(`demo user ${email} could not be created`);
  return created.id;
}

/** Creates what is missing of the demo and returns the logins to print. */
export async function loadDemo(database: Database, now: Date): Promise<DemoLogin[]> {
  // Hashed only when a demo person is missing: argon2id costs ~20 MiB and tens of ms at every start.
  let hashed: Promise<string> | undefined;
  const passwordHash = () => (hashed ??= hashPassword(DEMO_PASSWORD));
  const nowMs = now.getTime();
  const adminId = await ensureUser(database, DEMO_ADMIN_EMAIL, 'Demo Administrator', passwordHash, nowMs);
  const existing = new Set((await listMyWorkspaces(database, adminId)).map((w) => w.slug));
  const logins: DemoLogin[] = [
    { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD, workspaces: DEMO_WORKSPACES.map((w) => w.slug) },
  ];
  for (const demo of DEMO_WORKSPACES) {
    const ownerEmail = `owner@${demo.slug}.demo`;
    const ownerId = await ensureUser(database, ownerEmail, `${demo.name} Owner`, passwordHash, nowMs);
    logins.push({ email: ownerEmail, password: DEMO_PASSWORD, workspaces: [demo.slug] });
    if (existing.has(demo.slug)) continue;
    const workspaceId = newId('ws', nowMs);
    try {
      await database.inWorkspace(workspaceId, async (tx) => {
        await tx.insert(workspaces).values({ id: workspaceId, ...demo });
        await tx.insert(memberships).values([
          { workspaceId, userId: adminId, role: 'owner' },
          { workspaceId, userId: ownerId, role: 'owner' },
        ]);
      });
    } catch (err) {
      // 23505: a workspace with this slug exists but the demo admin was removed from it: leave it alone.
      if (pgCode(err) !== '23505') throw err;
    }
  }
  return logins;
}
