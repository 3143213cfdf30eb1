/**
 * Telling the status page's subscribers: a published public incident update, or a maintenance window
 * scheduled, started or completed. Record-then-send: one outbox message per confirmed subscriber, in the
 * caller's transaction, each with an idempotency key (a retried transaction or a repeated call sends
 * nothing twice) and its own one-click unsubscribe link (RFC 8058). Webhook subscribers get a signed POST
 * through their own destination row (the webhook lane signs it, Standard Webhooks).
 */
import { and, eq, sql } from 'drizzle-orm';
import { enqueueMessages, messageId, type MessageInput } from '../../engine/outbox.js';
import type { Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { workspaces } from '../../store/schema.js';
import {
  incidents,
  incidentUpdates,
  maintenanceWindows,
  statusComponents,
} from '../../store/schema-incidents.js';
import { pageUrl, subscriberDestination } from './context.js';
import { bodiesOf, formatTime, updateStatusLabel } from './format.js';
import { statusChangedIn } from './invalidate.js';
import { RESTRICTED_TITLE } from './snapshot.js';
import { newToken } from './subscribe.js';

export type MaintenanceEvent = 'scheduled' | 'started' | 'completed';
export type SubscriberEvent =
  | { readonly incidentId: string; readonly updateId: string }
  | { readonly maintenanceId: string; readonly event: MaintenanceEvent };

/** What one event says, the same for every subscriber but the unsubscribe link. */
interface Notice {
  readonly key: string;
  readonly subject: string;
  readonly text: string;
  readonly eventType: string;
  readonly about: string;
  readonly url: string;
  readonly fields: Record<string, string>;
}

const CHUNK = 500;

async function componentNames(tx: Tx, workspaceId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .select({ id: statusComponents.id, name: statusComponents.name })
    .from(statusComponents)
    .where(eq(statusComponents.workspaceId, workspaceId));
  const byId = new Map(rows.map((r) => [r.id, r.name]));
  const names = new Set(rows.map((r) => r.name));
  return ids.flatMap((c) => (byId.has(c) ? [byId.get(c)!] : names.has(c) ? [c] : []));
}

async function incidentNotice(
  tx: Tx,
  ws: { id: string; slug: string; name: string; timeZone: string },
  base: string,
  event: { incidentId: string; updateId: string },
): Promise<Notice | null> {
  const [update] = await tx
    .select()
    .from(incidentUpdates)
    .where(
      and(
        eq(incidentUpdates.workspaceId, ws.id),
        eq(incidentUpdates.id, event.updateId),
        eq(incidentUpdates.incidentId, event.incidentId),
        eq(incidentUpdates.audience, 'public'),
        sql`${incidentUpdates.publishedAt} is not null`,
      ),
    );
  const [incident] = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.workspaceId, ws.id), eq(incidents.id, event.incidentId)));
  if (!update || !incident) return null; // not public (yet): nothing may leave
  const title = incident.restricted ? RESTRICTED_TITLE : incident.title;
  const components = incident.restricted ? [] : await componentNames(tx, ws.id, incident.components);
  const status = updateStatusLabel(update.status);
  const url = `${base}/incidents/${encodeURIComponent(incident.id)}`;
  const bodies = bodiesOf(update.body);
  const text = [
    `${title} — ${status}`,
    ...bodies.map((b) => b.text),
    components.length ? `Affects: ${components.join(', ')}` : '',
    `Posted ${formatTime(update.publishedAt!, ws.timeZone)}`,
    `Incident: ${url}`,
  ].filter(Boolean);
  return {
    key: `status:update:${update.id}`,
    subject: `[${ws.name} status] ${title}: ${status}`,
    text: text.join('\n\n'),
    eventType: 'status.incident.updated',
    about: `incident:${incident.id}`,
    url,
    fields: {
      incident_id: incident.id,
      incident_name: title,
      status: update.status,
      update_id: update.id,
      body: bodies[0]?.text ?? '',
      components: components.join(', '),
    },
  };
}

async function maintenanceNotice(
  tx: Tx,
  ws: { id: string; slug: string; name: string; timeZone: string },
  base: string,
  event: { maintenanceId: string; event: MaintenanceEvent },
): Promise<Notice | null> {
  const [window] = await tx
    .select()
    .from(maintenanceWindows)
    .where(and(eq(maintenanceWindows.workspaceId, ws.id), eq(maintenanceWindows.id, event.maintenanceId)));
  if (!window) return null;
  const components = await componentNames(tx, ws.id, window.components);
  const affects = components.length ? components.join(', ') : 'All components';
  const when = `${formatTime(window.startsAt, ws.timeZone)} to ${formatTime(window.endsAt, ws.timeZone)}`;
  const headline = { scheduled: 'Scheduled', started: 'In progress', completed: 'Completed' }[event.event];
  const url = `${base}/history#m-${encodeURIComponent(window.id)}`;
  return {
    key: `status:maintenance:${window.id}:${event.event}`,
    subject: `[${ws.name} status] Maintenance ${event.event}: ${window.title}`,
    text: [
      `${window.title} — ${headline}`,
      window.body,
      `When: ${when}`,
      `Affects: ${affects}`,
      `Status page: ${base}`,
    ]
      .filter(Boolean)
      .join('\n\n'),
    eventType: `status.maintenance.${event.event}`,
    about: `maintenance:${window.id}`,
    url: event.event === 'completed' ? url : base,
    fields: {
      maintenance_id: window.id,
      name: window.title,
      starts_at: window.startsAt.toISOString(),
      ends_at: window.endsAt.toISOString(),
      components: components.join(', '),
    },
  };
}

interface Recipient {
  readonly id: string;
  readonly kind: 'email' | 'webhook';
  readonly address: string;
}

/** Confirmed, still subscribed; a webhook whose endpoint answered 410 (disabled) is left out. */
async function recipients(tx: Tx, workspaceId: string): Promise<Recipient[]> {
  return rowsOf<Recipient>(
    await tx.execute(sql`
      select s.id, s.kind, s.address from status_subscribers s
        left join destinations d on d.workspace_id = s.workspace_id and d.id = 'status-subscriber-' || s.id
        where s.workspace_id = ${workspaceId} and s.confirmed_at is not null and s.unsubscribed_at is null
          and (s.kind = 'email' or (d.id is not null and d.disabled_at is null))
        order by s.id`),
  );
}

function messageFor(workspaceId: string, base: string, notice: Notice, r: Recipient): MessageInput {
  const key = `${notice.key}:${r.id}`;
  const token = newToken();
  const unsubscribeUrl = `${base}/unsubscribe/${messageId(workspaceId, key)}?t=${token}`;
  const text = `${notice.text}\n\n—\nYou subscribed to these updates. Unsubscribe: ${unsubscribeUrl}\n`;
  const common = {
    kind: 'status',
    subscriberId: r.id,
    unsubscribeToken: token,
    subject: notice.subject,
    text,
    automatic: true,
  };
  return {
    idempotencyKey: key,
    channel: r.kind,
    recipient: `subscriber:${r.id}`,
    payload:
      r.kind === 'email'
        ? { ...common, to: r.address, unsubscribeUrl }
        : {
            ...common,
            to: subscriberDestination(r.id),
            context: {
              eventType: notice.eventType,
              subject: notice.about,
              url: notice.url,
              fields: { ...notice.fields, page_url: base, unsubscribe_url: unsubscribeUrl },
            },
          },
  };
}

/**
 * Records a message for every confirmed subscriber; returns how many were new. A no-op for an update that
 * is not a published public one. Links start at `publicUrl`.
 *
 * @example await notifySubscribersIn(tx, ws, { incidentId, updateId }, { publicUrl: config.publicUrl })
 */
export async function notifySubscribersIn(
  tx: Tx,
  workspaceId: string,
  event: SubscriberEvent,
  links: { readonly publicUrl: string },
): Promise<number> {
  const [ws] = await tx
    .select({
      id: workspaces.id,
      slug: workspaces.slug,
      name: workspaces.name,
      timeZone: workspaces.timeZone,
    })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!ws) return 0;
  const base = pageUrl(links.publicUrl, ws.slug);
  const notice =
    'incidentId' in event
      ? await incidentNotice(tx, ws, base, event)
      : await maintenanceNotice(tx, ws, base, event);
  if (!notice) return 0;
  // The page shows the update too (the publisher may also have said so; twice costs nothing).
  if ('incidentId' in event) await statusChangedIn(tx, workspaceId);
  const list = await recipients(tx, workspaceId);
  let created = 0;
  for (let i = 0; i < list.length; i += CHUNK) {
    const batch = list.slice(i, i + CHUNK).map((r) => messageFor(workspaceId, base, notice, r));
    created += (await enqueueMessages(tx, workspaceId, batch)).size;
  }
  return created;
}
