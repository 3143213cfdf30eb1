/**
 * The demo's incident side, for each demo workspace whose pack has an incident scale: a resolved incident
 * with its updates and review draft, and in ShopSmart one open SEV3 whose stage deadlines count down in the
 * room. Seeded once: a workspace that already has incidents is left alone. Before them, each workspace's
 * on-call schedules and default escalation policy (oncall-demo.ts) and its status page's components with
 * some history (status/demo.ts), the pack's heartbeats (monitoring/pack-import.ts) and an alert
 * integration with the published demo token `opsi_demo-<slug>…` (incidents/integrations.ts), each once.
 */
import { sql } from 'drizzle-orm';
import { databaseClock } from '../../engine/clock.js';
import { Engine } from '../../engine/engine.js';
import type { Database } from '../../store/database.js';
import { incidents } from '../../store/schema-incidents.js';
import type { IncidentsContext } from '../incidents/context.js';
import { declareIncidentIn, scaleOfPolicy } from '../incidents/incidents.js';
import { postUpdate } from '../incidents/room.js';
import { listMyWorkspaces } from './workspaces.js';
import { seedDemoOnCall } from '../incidents/oncall-demo.js';
import { seedDemoStatus } from '../status/demo.js';
import { seedDemoMonitoring } from '../monitoring/pack-import.js';
import { seedDemoAlerts } from '../incidents/integrations.js';

interface DemoIncident {
  readonly title: string;
  /** Index into the scale, most severe first. */
  readonly level: number;
  readonly updates: readonly { status: 'identified' | 'monitoring' | 'resolved'; text: string }[];
}

const RESOLVED: DemoIncident = {
  title: 'Checkout payments failing for some cards',
  level: 1,
  updates: [
    { status: 'identified', text: 'A payment provider certificate expired; we are rotating it.' },
    { status: 'monitoring', text: 'Payments succeed again; we are watching the error rate.' },
    { status: 'resolved', text: 'Payments have worked normally for 30 minutes. Sorry for the trouble.' },
  ],
};

const OPEN: DemoIncident = {
  title: 'Invoice export slower than usual',
  level: 2,
  updates: [],
};

export async function loadDemoIncidents(database: Database, adminId: string, now: Date): Promise<void> {
  const ctx: IncidentsContext = {
    database,
    engine: new Engine(database, databaseClock),
    now: () => new Date(),
    // No message of the demo renders a link to the status page.
    publicUrl: '',
  };
  for (const ws of await listMyWorkspaces(database, adminId)) {
    // Who is on call and who is paged first, before any demo incident pages anyone.
    await database.inWorkspace(ws.id, async (tx) => {
      await seedDemoOnCall(tx, ws.id, ws.slug, now);
      await seedDemoStatus(tx, ws.id, ws.slug, now);
      await seedDemoMonitoring(tx, ws.id, ws.slug, now);
      await seedDemoAlerts(tx, ws.id, ws.slug, now);
    });
    const seeded = await database.inWorkspace(ws.id, async (tx) => {
      const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(incidents);
      if ((count?.n ?? 0) > 0) return [];
      let scale;
      try {
        scale = scaleOfPolicy((await ctx.engine.activePolicyIn(tx, ws.id)).ep);
      } catch {
        return []; // no active pack
      }
      if (!scale) return [];
      const wanted = ws.slug === 'shopsmart' ? [RESOLVED, OPEN] : [RESOLVED];
      const out: { id: string; demo: DemoIncident }[] = [];
      for (const demo of wanted) {
        const severity = scale.levels[Math.min(demo.level, scale.levels.length - 1)]!;
        const { id } = await declareIncidentIn(
          ctx,
          tx,
          ws.id,
          { title: demo.title, severity, startedAt: new Date(now.getTime() - 4 * 60_000) },
          'system:demo',
        );
        out.push({ id, demo });
      }
      return out;
    });
    for (const { id, demo } of seeded)
      for (const update of demo.updates)
        await postUpdate(
          ctx,
          ws.id,
          id,
          { audience: 'public', status: update.status, body: { en: update.text } },
          'system:demo',
        );
  }
}
