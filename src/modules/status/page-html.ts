/**
 * The status page's HTML, from a snapshot: the overview (banner, open incidents with their public
 * timelines, maintenance, components with 90-day uptime bars, recent incidents, the subscribe form), the
 * incident history and one page per incident. Everything from the database is escaped.
 *
 * Uptime bars are colour, so each has text too: the bars are hidden from screen readers and summed up in a
 * sentence (uptime %, target, met or not) and a list of every day with downtime or maintenance; a sighted
 * mouse user gets the same per bar as a tooltip.
 */
import { meetsTarget, type UptimeDay } from '../../core/uptime.js';
import {
  bodiesOf,
  COMPONENT_STATUS_LABEL,
  DAY_LEVEL_LABEL,
  escapeHtml,
  formatDay,
  formatPercent,
  formatSeconds,
  PHASE_LABEL,
  updateStatusLabel,
} from './format.js';
import { layout, paragraphs, timeTag, type PageOptions, type Site } from './page-layout.js';
import type { PublicComponent, PublicIncident, PublicMaintenance, StatusSnapshot } from './snapshot.js';

const RECENT_INCIDENTS = 10;

export const siteOf = (snapshot: StatusSnapshot): Site => ({
  name: snapshot.workspace.name,
  basePath: `/status/${encodeURIComponent(snapshot.workspace.slug)}`,
  timeZone: snapshot.workspace.timeZone,
});

const incidentHref = (site: Site, id: string) => `${site.basePath}/incidents/${encodeURIComponent(id)}`;

function dayText(day: UptimeDay, timeZone: string): string {
  const date = formatDay(day.startMs, timeZone);
  const parts: string[] = [];
  if (day.majorSeconds) parts.push(`major outage ${formatSeconds(day.majorSeconds)}`);
  if (day.partialSeconds) parts.push(`partial outage ${formatSeconds(day.partialSeconds)}`);
  if (day.degradedSeconds) parts.push(`degraded performance ${formatSeconds(day.degradedSeconds)}`);
  if (day.maintenanceSeconds) parts.push(`maintenance ${formatSeconds(day.maintenanceSeconds)}`);
  if (parts.length === 0) return `${date}: ${DAY_LEVEL_LABEL[day.level].toLowerCase()}`;
  return `${date}: ${parts.join(', ')}${day.percent === null ? '' : `; ${formatPercent(day.percent)} up`}`;
}

function uptimeHtml(c: PublicComponent, timeZone: string): string {
  const days = c.uptime.days;
  const bars = days
    .map((d) =>
      d.level === 'operational'
        ? '<li></li>'
        : d.level === 'no-data'
          ? '<li class="no-data"></li>'
          : `<li class="${d.level}" title="${escapeHtml(dayText(d, timeZone))}"></li>`,
    )
    .join('');
  const met = meetsTarget(c.uptime.percent, c.uptimeTarget);
  const target =
    c.uptimeTarget === null
      ? ''
      : ` · target above ${c.uptimeTarget} % (${met === null ? 'not measured yet' : met ? 'met' : 'not met'})`;
  const percent = c.uptime.percent === null ? 'no data yet' : `${formatPercent(c.uptime.percent)} uptime`;
  const notable = days.filter((d) => d.level !== 'operational' && d.level !== 'no-data');
  const list =
    notable.length === 0
      ? `<p class="muted">No downtime or maintenance in the last ${days.length} days.</p>`
      : `<details><summary>Days with downtime or maintenance (${notable.length})</summary><ul>${notable
          .reverse()
          .map((d) => `<li>${escapeHtml(dayText(d, timeZone))}</li>`)
          .join('')}</ul></details>`;
  return `<ol class="bars" aria-hidden="true">${bars}</ol><p class="u-sum"><span>${days.length} days ago</span><span>${percent}${escapeHtml(target)}</span><span>Today</span></p>${list}`;
}

function componentHtml(c: PublicComponent, timeZone: string, heading: 'h3' | 'h4'): string {
  return `<li><div class="c-head"><${heading}>${escapeHtml(c.name)}</${heading}><span class="st st-${c.status}">${COMPONENT_STATUS_LABEL[c.status]}</span></div>${c.description ? `<p class="desc">${escapeHtml(c.description)}</p>` : ''}${uptimeHtml(c, timeZone)}</li>`;
}

function componentsSection(snapshot: StatusSnapshot, site: Site): string {
  if (snapshot.components.length === 0) return '';
  const groups = new Map<string | null, PublicComponent[]>();
  for (const c of snapshot.components) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const body = [...groups]
    .map(([group, list]) =>
      group === null
        ? `<ul class="components">${list.map((c) => componentHtml(c, site.timeZone, 'h3')).join('')}</ul>`
        : `<section aria-label="${escapeHtml(group)}"><h3>${escapeHtml(group)}</h3><ul class="components">${list.map((c) => componentHtml(c, site.timeZone, 'h4')).join('')}</ul></section>`,
    )
    .join('');
  return `<section aria-labelledby="h-components"><h2 id="h-components">Components</h2><p class="muted">Uptime over the last 90 days. Major outage counts as down, partial outage as 30 % down; degraded performance counts as up; maintenance is left out.</p>${body}</section>`;
}

function timelineHtml(incident: PublicIncident, timeZone: string): string {
  const items = [...incident.updates]
    .reverse()
    .map(
      (u) =>
        `<li><p><strong>${escapeHtml(updateStatusLabel(u.status))}</strong> — ${timeTag(u.publishedAt, timeZone)}</p>${bodiesOf(
          u.body,
        )
          .map((b) => paragraphs(b.text, b.locale))
          .join('')}</li>`,
    )
    .join('');
  return `<ol class="timeline">${items}</ol>`;
}

function incidentArticle(site: Site, incident: PublicIncident, level: 'h2' | 'h3'): string {
  const meta = [
    incident.resolved ? 'Resolved' : updateStatusLabel(incident.status),
    incident.components.length ? `Affects: ${incident.components.join(', ')}` : '',
  ]
    .filter(Boolean)
    .map(escapeHtml)
    .join(' · ');
  return `<article class="incident i-${incident.impact}" aria-labelledby="t-${escapeHtml(incident.id)}"><${level} id="t-${escapeHtml(incident.id)}"><a href="${escapeHtml(incidentHref(site, incident.id))}">${escapeHtml(incident.title)}</a></${level}><p class="meta">${meta}</p>${timelineHtml(incident, site.timeZone)}</article>`;
}

function maintenanceArticle(site: Site, m: PublicMaintenance): string {
  const when = `${timeTag(m.startsAt, site.timeZone)} to ${timeTag(m.endsAt, site.timeZone)}`;
  const affects = m.components.length ? m.components.join(', ') : 'All components';
  return `<article class="maintenance" aria-labelledby="m-${escapeHtml(m.id)}"><h3 id="m-${escapeHtml(m.id)}">${escapeHtml(m.title)}</h3><p class="meta">${PHASE_LABEL[m.phase]} · ${when} · Affects: ${escapeHtml(affects)}</p>${paragraphs(m.body)}</article>`;
}

function subscribeSection(site: Site): string {
  const action = `${escapeHtml(site.basePath)}/subscribe`;
  return `<section id="subscribe" aria-labelledby="h-subscribe"><h2 id="h-subscribe">Subscribe to updates</h2><p>Get an email when an incident is posted, updated or resolved, and when maintenance is scheduled, starts or ends. We send a confirmation link first; nothing else comes until you confirm, and every message has a one-click unsubscribe link.</p><form method="post" action="${action}"><p><label for="subscribe-email">Email address</label><br><input id="subscribe-email" type="email" name="email" required maxlength="254" autocomplete="email"></p><p><button type="submit">Subscribe</button></p></form><details><summary>Subscribe a webhook instead</summary><form method="post" action="${action}"><p><label for="subscribe-webhook">Webhook URL (https)</label><br><input id="subscribe-webhook" type="url" name="webhook" required maxlength="2048"></p><p><button type="submit">Subscribe the webhook</button></p><p class="muted">The endpoint receives a signed confirmation request (Standard Webhooks) with a link to confirm and the signing secret for what follows.</p></form></details><p class="muted">Or follow the <a href="${escapeHtml(site.basePath)}/history.rss">RSS</a> or <a href="${escapeHtml(site.basePath)}/history.atom">Atom</a> feed.</p></section>`;
}

/** The overview page. */
export function indexPage(snapshot: StatusSnapshot, options: PageOptions): string {
  const site = siteOf(snapshot);
  const { indicator, description } = snapshot.overall;
  const banner = `<section aria-label="Overall status"><p class="banner b-${indicator}" role="status">${escapeHtml(description)}</p></section>`;
  const active = snapshot.activeIncidents.length
    ? `<section aria-labelledby="h-active"><h2 id="h-active">Active incidents</h2>${snapshot.activeIncidents.map((i) => incidentArticle(site, i, 'h3')).join('')}</section>`
    : '';
  const current = snapshot.maintenance.filter((m) => m.phase !== 'completed');
  const maintenance = current.length
    ? `<section aria-labelledby="h-maintenance"><h2 id="h-maintenance">Maintenance</h2>${current.map((m) => maintenanceArticle(site, m)).join('')}</section>`
    : '';
  const recent = snapshot.pastIncidents.slice(0, RECENT_INCIDENTS);
  const past = `<section aria-labelledby="h-past"><h2 id="h-past">Past incidents</h2>${
    recent.length
      ? `<ul class="plain">${recent.map((i) => `<li><a href="${escapeHtml(incidentHref(site, i.id))}">${escapeHtml(i.title)}</a> <span class="muted">resolved ${timeTag(i.updatedAt, site.timeZone)}</span></li>`).join('')}</ul>`
      : '<p>No incidents in the last 90 days.</p>'
  }<p><a href="${escapeHtml(site.basePath)}/history">Incident history</a></p></section>`;
  const body = `<h1>${escapeHtml(site.name)} status</h1>${banner}${active}${maintenance}${componentsSection(snapshot, site)}${past}${subscribeSection(site)}`;
  return layout(site, 'Current status', body, { ...options, builtAt: snapshot.builtAt });
}

/** Resolved incidents and completed maintenance of the last 90 days, by month, newest first. */
export function historyPage(snapshot: StatusSnapshot, options: PageOptions): string {
  const site = siteOf(snapshot);
  const monthOf = new Intl.DateTimeFormat('en-GB', {
    timeZone: site.timeZone,
    month: 'long',
    year: 'numeric',
  });
  const entries = [
    ...snapshot.pastIncidents.map((i) => ({ at: i.updatedAt, html: incidentArticle(site, i, 'h3') })),
    ...snapshot.maintenance
      .filter((m) => m.phase === 'completed')
      .map((m) => ({ at: m.endsAt, html: maintenanceArticle(site, m) })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  const months = new Map<string, string[]>();
  for (const e of entries) {
    const month = monthOf.format(e.at);
    months.set(month, [...(months.get(month) ?? []), e.html]);
  }
  const body = entries.length
    ? [...months]
        .map(([month, list]) => `<section><h2>${escapeHtml(month)}</h2>${list.join('')}</section>`)
        .join('')
    : '<p>No incidents or maintenance in the last 90 days.</p>';
  return layout(
    site,
    'Incident history',
    `<h1>Incident history</h1><p class="muted">The last 90 days.</p>${body}`,
    {
      ...options,
      builtAt: snapshot.builtAt,
    },
  );
}

/** One incident with its whole public timeline. */
export function incidentPage(
  snapshot: StatusSnapshot,
  incident: PublicIncident,
  options: PageOptions,
): string {
  const site = siteOf(snapshot);
  const state = incident.resolved ? 'Resolved' : updateStatusLabel(incident.status);
  const affects = incident.components.length
    ? `<p>Affects: ${escapeHtml(incident.components.join(', '))}</p>`
    : '';
  const body = `<h1>${escapeHtml(incident.title)}</h1><p class="meta">${escapeHtml(state)} · first posted ${timeTag(incident.startedAt, site.timeZone)} · last update ${timeTag(incident.updatedAt, site.timeZone)}</p>${affects}<h2>Updates</h2>${timelineHtml(incident, site.timeZone)}<p><a href="${escapeHtml(site.basePath)}">Current status</a> · <a href="${escapeHtml(site.basePath)}/history">Incident history</a></p>`;
  return layout(site, incident.title, body, { ...options, builtAt: snapshot.builtAt });
}
