/**
 * "Monitor (1 hour)" (ShopSmart SOP-005): an incident declared while a release is being watched is linked
 * to it — on the release (its links and timeline) and on the incident's timeline — so whoever handles the
 * incident sees the release that may have caused it, and the release shows the trouble it met. A release
 * is watched from when it shipped until the end of its monitoring hour (the pack's `releases.monitorFor`),
 * which the record's row keeps (`shipped_at`, `monitoring_ends_at`).
 */
import { and, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import { appendTimeline } from '../../engine/timeline.js';
import type { Tx } from '../../store/database.js';
import { records } from '../../store/schema-ops.js';

export async function linkToMonitoredReleases(
  tx: Tx,
  workspaceId: string,
  incident: { readonly number: number; readonly title: string; readonly restricted: boolean },
  now: Date,
): Promise<void> {
  const link = `incident:${incident.number}`;
  // The releases being watched now, found by the row's own times (index records_monitoring); the link
  // is appended in the same statement, so two incidents declared together both land.
  const watched = await tx
    .update(records)
    .set({
      links: sql`case when ${records.links} @> ${JSON.stringify([link])}::jsonb then ${records.links} else ${records.links} || ${JSON.stringify([link])}::jsonb end`,
      updatedAt: now,
    })
    .where(
      and(
        eq(records.workspaceId, workspaceId),
        eq(records.kind, 'release'),
        isNull(records.endedAt),
        lte(records.shippedAt, now),
        gte(records.monitoringEndsAt, now),
      ),
    )
    .returning({ ref: records.ref, title: records.title, fields: records.fields });
  // A security incident's title stays on its restricted row (SOP-008).
  const title = incident.restricted ? `Security incident INC-${incident.number}` : incident.title;
  for (const release of watched) {
    await appendTimeline(tx, workspaceId, {
      subject: `release:${release.ref}`,
      type: 'release.incident-during-monitoring',
      actor: 'system',
      data: { incident: incident.number, title },
    });
    await appendTimeline(tx, workspaceId, {
      subject: link,
      type: 'incident.release-being-monitored',
      actor: 'system',
      data: { release: release.ref, version: release.fields.version ?? null, title: release.title },
    });
  }
}
