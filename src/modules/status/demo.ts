/**
 * The demo workspaces' status pages: components from the pack (pack-components.ts), created 120 days ago,
 * with a few short outages over the last 90 days (the same ones on every start: drawn from the slug), and
 * one maintenance window next week. Only for a page with no components yet, so a restart or a page
 * someone edited is left alone.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import {
  componentStatusChanges,
  maintenanceWindows,
  statusComponents,
  type ComponentStatus,
} from '../../store/schema-incidents.js';
import { createComponentsFromPackIn } from './components-admin.js';
import { scheduleWindow } from './maintenance.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const ACTOR = 'system:demo';

/** A small deterministic generator (mulberry32) seeded from the slug. */
function randomFrom(seedText: string): () => number {
  let seed = createHash('sha256').update(seedText).digest().readUInt32LE(0);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeds a demo workspace's status page; returns how many components it created (0 when it had some).
 *
 * @example await database.inWorkspace(ws, (tx) => seedDemoStatus(tx, ws, 'sofacover', new Date()))
 */
export async function seedDemoStatus(tx: Tx, workspaceId: string, slug: string, now: Date): Promise<number> {
  const existing = await tx
    .select({ id: statusComponents.id })
    .from(statusComponents)
    .where(eq(statusComponents.workspaceId, workspaceId))
    .limit(1);
  if (existing.length > 0) return 0;
  const createdAt = new Date(now.getTime() - 120 * DAY_MS);
  const created = await createComponentsFromPackIn(tx, workspaceId, ACTOR, createdAt);
  const random = randomFrom(slug);
  const outages: ComponentStatus[] = ['major-outage', 'partial-outage', 'degraded'];
  for (const component of created) {
    const count = Math.floor(random() * 3);
    for (let i = 0; i < count; i++) {
      const startMs =
        now.getTime() - Math.floor(1 + random() * 88) * DAY_MS + Math.floor(random() * 20) * 3_600_000;
      const minutes = 5 + Math.floor(random() * 85);
      const status = outages[Math.floor(random() * outages.length)]!;
      await tx.insert(componentStatusChanges).values([
        { workspaceId, componentId: component.id, status, at: new Date(startMs), cause: ACTOR },
        {
          workspaceId,
          componentId: component.id,
          status: 'operational',
          at: new Date(startMs + minutes * MINUTE_MS),
          cause: ACTOR,
        },
      ]);
    }
  }
  if (created.length > 0) {
    const startsAt = new Date(now.getTime() + 7 * DAY_MS);
    const id = newId('mnt', now.getTime());
    const endsAt = new Date(startsAt.getTime() + 2 * 3_600_000);
    await tx.insert(maintenanceWindows).values({
      id,
      workspaceId,
      title: 'Database upgrade',
      body: 'We are upgrading the database to a new version. Short interruptions are possible.',
      startsAt,
      endsAt,
      components: [created[0]!.id],
      createdBy: ACTOR,
      createdAt: now,
    });
    await scheduleWindow(tx, workspaceId, { id, startsAt, endsAt });
  }
  return created.length;
}
