/**
 * The status page as data: RSS 2.0 and Atom 1.0 feeds of incidents and maintenance (one entry each, its
 * whole public timeline as the content), and a JSON summary shaped like Statuspage's public
 * `/api/v2/summary.json` (same names and status words), so existing widgets and scripts can read it.
 * Feeds need absolute links: `origin` is the configured public URL.
 */
import type { ComponentStatus } from '../../store/schema-incidents.js';
import { bodiesOf, escapeHtml, escapeXml, formatTime, PHASE_LABEL, updateStatusLabel } from './format.js';
import type { PublicIncident, PublicMaintenance, StatusSnapshot } from './snapshot.js';

const MAX_ENTRIES = 50;

interface Entry {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly published: Date;
  readonly updated: Date;
  /** HTML, escaped again when written into the feed. */
  readonly html: string;
}

const baseOf = (origin: string, snapshot: StatusSnapshot) =>
  `${origin.replace(/\/+$/, '')}/status/${encodeURIComponent(snapshot.workspace.slug)}`;

function incidentEntry(base: string, i: PublicIncident, timeZone: string): Entry {
  const html = [...i.updates]
    .reverse()
    .map(
      (u) =>
        `<p><strong>${escapeHtml(updateStatusLabel(u.status))}</strong> (${escapeHtml(formatTime(u.publishedAt, timeZone))})</p>${bodiesOf(
          u.body,
        )
          .map((b) => `<p lang="${escapeHtml(b.locale)}">${escapeHtml(b.text)}</p>`)
          .join('')}`,
    )
    .join('');
  const affects = i.components.length ? `<p>Affects: ${escapeHtml(i.components.join(', '))}</p>` : '';
  return {
    id: i.id,
    title: `${i.title} (${i.resolved ? 'Resolved' : updateStatusLabel(i.status)})`,
    url: `${base}/incidents/${encodeURIComponent(i.id)}`,
    published: i.startedAt,
    updated: i.updatedAt,
    html: affects + html,
  };
}

function maintenanceEntry(base: string, m: PublicMaintenance, timeZone: string): Entry {
  const updated = m.phase === 'scheduled' ? m.createdAt : m.phase === 'in-progress' ? m.startsAt : m.endsAt;
  const affects = m.components.length ? m.components.join(', ') : 'All components';
  return {
    id: m.id,
    title: `Maintenance: ${m.title} (${PHASE_LABEL[m.phase]})`,
    url: `${base}/history#m-${encodeURIComponent(m.id)}`,
    published: m.createdAt,
    updated,
    html: `<p>${escapeHtml(PHASE_LABEL[m.phase])}: ${escapeHtml(formatTime(m.startsAt, timeZone))} to ${escapeHtml(formatTime(m.endsAt, timeZone))}. Affects: ${escapeHtml(affects)}.</p>${m.body ? `<p>${escapeHtml(m.body)}</p>` : ''}`,
  };
}

function entriesOf(snapshot: StatusSnapshot, base: string): Entry[] {
  const tz = snapshot.workspace.timeZone;
  return [
    ...snapshot.activeIncidents.map((i) => incidentEntry(base, i, tz)),
    ...snapshot.pastIncidents.map((i) => incidentEntry(base, i, tz)),
    ...snapshot.maintenance.map((m) => maintenanceEntry(base, m, tz)),
  ]
    .sort((a, b) => b.updated.getTime() - a.updated.getTime())
    .slice(0, MAX_ENTRIES);
}

/** The newest entry's time, or the snapshot's when there is none (a feed must say when it changed). */
const feedUpdated = (entries: readonly Entry[], snapshot: StatusSnapshot) =>
  entries[0]?.updated ?? snapshot.builtAt;

/** Atom 1.0 (RFC 4287). */
export function atomFeed(snapshot: StatusSnapshot, origin: string): string {
  const base = baseOf(origin, snapshot);
  const entries = entriesOf(snapshot, base);
  const name = escapeXml(snapshot.workspace.name);
  const items = entries
    .map(
      (e) =>
        `<entry><id>${escapeXml(e.url)}</id><title>${escapeXml(e.title)}</title><published>${e.published.toISOString()}</published><updated>${e.updated.toISOString()}</updated><link rel="alternate" type="text/html" href="${escapeXml(e.url)}"/><content type="html">${escapeXml(e.html)}</content></entry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><id>${escapeXml(base)}</id><title>${name} status</title><updated>${feedUpdated(entries, snapshot).toISOString()}</updated><link rel="alternate" type="text/html" href="${escapeXml(base)}"/><link rel="self" type="application/atom+xml" href="${escapeXml(base)}/history.atom"/><author><name>${name}</name></author>${items}</feed>\n`;
}

/** RSS 2.0. */
export function rssFeed(snapshot: StatusSnapshot, origin: string): string {
  const base = baseOf(origin, snapshot);
  const entries = entriesOf(snapshot, base);
  const name = escapeXml(snapshot.workspace.name);
  const items = entries
    .map(
      (e) =>
        `<item><title>${escapeXml(e.title)}</title><link>${escapeXml(e.url)}</link><guid isPermaLink="false">${escapeXml(`${e.id}:${e.updated.toISOString()}`)}</guid><pubDate>${e.updated.toUTCString()}</pubDate><description>${escapeXml(e.html)}</description></item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>${name} status</title><link>${escapeXml(base)}</link><description>Incidents and maintenance of ${name}</description><language>en</language><atom:link href="${escapeXml(base)}/history.rss" rel="self" type="application/rss+xml"/><lastBuildDate>${feedUpdated(entries, snapshot).toUTCString()}</lastBuildDate>${items}</channel></rss>\n`;
}

/** Statuspage's words for component statuses. */
const STATUSPAGE_STATUS: Record<ComponentStatus, string> = {
  operational: 'operational',
  degraded: 'degraded_performance',
  'partial-outage': 'partial_outage',
  'major-outage': 'major_outage',
  maintenance: 'under_maintenance',
};

const MAINTENANCE_STATUS = { scheduled: 'scheduled', 'in-progress': 'in_progress', completed: 'completed' };

function incidentJson(base: string, i: PublicIncident) {
  return {
    id: i.id,
    name: i.title,
    status: i.status,
    impact: i.impact,
    created_at: i.startedAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    resolved_at: i.resolved ? i.updatedAt.toISOString() : null,
    shortlink: `${base}/incidents/${encodeURIComponent(i.id)}`,
    components: i.components,
    incident_updates: [...i.updates].reverse().map((u) => ({
      id: u.id,
      status: u.status,
      body: bodiesOf(u.body)[0]?.text ?? '',
      bodies: u.body,
      created_at: u.publishedAt.toISOString(),
    })),
  };
}

/** The summary: page, overall status, components (with 90-day uptime), open incidents, maintenance. */
export function summaryJson(snapshot: StatusSnapshot, origin: string, staleSince: Date | null) {
  const base = baseOf(origin, snapshot);
  return {
    page: {
      id: snapshot.workspace.id,
      name: snapshot.workspace.name,
      url: base,
      time_zone: snapshot.workspace.timeZone,
      updated_at: snapshot.builtAt.toISOString(),
    },
    status: snapshot.overall,
    components: snapshot.components.map((c, position) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      status: STATUSPAGE_STATUS[c.status],
      group: c.group,
      position,
      uptime: {
        percent: c.uptime.percent,
        target: c.uptimeTarget,
        days: c.uptime.days.map((d) => ({
          date: d.day,
          level: d.level,
          percent: d.percent,
          major_seconds: d.majorSeconds,
          partial_seconds: d.partialSeconds,
          degraded_seconds: d.degradedSeconds,
          maintenance_seconds: d.maintenanceSeconds,
        })),
      },
    })),
    incidents: snapshot.activeIncidents.map((i) => incidentJson(base, i)),
    scheduled_maintenances: snapshot.maintenance
      .filter((m) => m.phase !== 'completed')
      .map((m) => ({
        id: m.id,
        name: m.title,
        status: MAINTENANCE_STATUS[m.phase],
        scheduled_for: m.startsAt.toISOString(),
        scheduled_until: m.endsAt.toISOString(),
        components: m.components,
        body: m.body,
      })),
    stale: staleSince !== null,
    stale_since: staleSince?.toISOString() ?? null,
  };
}
