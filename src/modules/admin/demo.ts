/**
 * The demo workspaces: one per seed SOP (../../../../shared/seeds), so a fresh `npm start` has something to
 * sign in to. Loading is idempotent: existing people and workspaces are left as they are.
 *
 * Each workspace's time zone follows its pack's reading (FACTS 000#4: ShopSmart is IST).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { formatProblems } from '../../packs/format.js';
import { loadPack } from '../../packs/load.js';
import { PACKAGE_ROOT } from '../../shared/paths.js';
import { newId } from '../../shared/ids.js';
import type { Database } from '../../store/database.js';
import { pgCode } from '../../store/database.js';
import { memberships, users, workspaces } from '../../store/schema.js';
import { activatePack } from '../packs/versions.js';
import { loadDemoSupport } from './demo-support.js';
import { hashPassword } from './passwords.js';
import { listMyWorkspaces } from './workspaces.js';
import { loadDemoIncidents } from './demo-incidents.js';

export const DEMO_PASSWORD = 'opsbook-demo-2026';
export const DEMO_ADMIN_EMAIL = 'admin@opsbook.demo';

/** Each demo workspace runs the pack of its seed SOP, from packs/<pack>. */
export const DEMO_WORKSPACES = [
  { slug: 'shopsmart', name: 'ShopSmart Pro', timeZone: 'Asia/Kolkata', pack: 'shopsmart-pro' },
  { slug: 'company-ops', name: 'Company Operations', timeZone: 'UTC', pack: 'company-ops' },
  { slug: 'sofacover', name: 'SofaCover Pro', timeZone: 'UTC', pack: 'sofacover-pro' },
  { slug: 'pos-saas', name: 'POS SaaS', timeZone: 'UTC', pack: 'pos-saas' },
  { slug: 'smart-estate', name: 'Smart Estate', timeZone: 'UTC', pack: 'smart-estate' },
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
export async function loadDemo(
  database: Database,
  now: Date,
  log: (message: string) => void = () => undefined,
): Promise<DemoLogin[]> {
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
        await tx
          .insert(workspaces)
          .values({ id: workspaceId, slug: demo.slug, name: demo.name, timeZone: demo.timeZone });
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
  await activateDemoPacks(database, adminId, now, log);
  await loadDemoSupport(database, DEMO_ADMIN_EMAIL, now);
  await loadDemoIncidents(database, adminId, now);
  return logins;
}

/**
 * Activates each demo workspace's seed pack when its content changed (same hash: nothing happens). A pack
 * that does not load is reported and not activated: the version already active keeps running.
 */
async function activateDemoPacks(
  database: Database,
  adminId: string,
  now: Date,
  log: (message: string) => void,
): Promise<void> {
  const bySlug = new Map((await listMyWorkspaces(database, adminId)).map((w) => [w.slug, w.id]));
  for (const demo of DEMO_WORKSPACES) {
    const workspaceId = bySlug.get(demo.slug);
    const dir = join(PACKAGE_ROOT, 'packs', demo.pack);
    if (!workspaceId || !existsSync(dir)) continue;
    const loaded = await loadPack(dir);
    if (!loaded.ok) {
      log(`demo pack ${demo.pack} is not valid and was not activated:\n${formatProblems(loaded.problems)}`);
      continue;
    }
    await activatePack(database, workspaceId, loaded, 'system:demo', now);
  }
}
