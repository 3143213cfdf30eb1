/**
 * "Monitor (1 hour)" (ShopSmart SOP-005): an incident declared while a release is being watched is linked
 * to it — on the release (its links and timeline) and on the incident's timeline — so whoever handles the
 * incident sees the release that may have caused it, and the release shows the trouble it met. A release
 * is watched from its deploy until `monitoring_ends`, which the engine sets at the deploy from the pack's
 * `releases.monitorFor`.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { appendTimeline } from '../../engine/timeline.js';
import type { Tx } from '../../store/database.js';
import { records } from '../../store/schema-ops.js';
import { subjectOf, subjectState } from './records.js';

export async function linkToMonitoredReleases(
  tx: Tx,
  workspaceId: string,
  incident: { readonly number: number; readonly title: string; readonly restricted: boolean },
  now: Date,
): Promise<void> {
  const open = await tx
    .select()
    .from(records)
    .where(and(eq(records.workspaceId, workspaceId), eq(records.kind, 'release'), isNull(records.endedAt)));
  const link = `incident:${incident.number}`;
  for (const release of open) {
    const state = await subjectState(tx, workspaceId, subjectOf(release));
    const deployedMs = state?.marks.deployed;
    const ends = state?.fields.monitoring_ends;
    if (deployedMs === undefined || typeof ends !== 'string') continue;
    if (now.getTime() < deployedMs || now.getTime() > Date.parse(ends)) continue;
    await tx
      .update(records)
      .set({ links: [...new Set([...release.links, link])], updatedAt: now })
      .where(and(eq(records.workspaceId, workspaceId), eq(records.id, release.id)));
    // A security incident's title stays on its restricted row (SOP-008).
    const title = incident.restricted ? `Security incident INC-${incident.number}` : incident.title;
    await appendTimeline(tx, workspaceId, {
      subject: subjectOf(release),
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
