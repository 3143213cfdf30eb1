/**
 * What a page sends (issue 8), built without I/O. A person is paged the way the engine's `notify` effects
 * reach people: one `notify` outbox row per person and channel of the pack's route for the incident's
 * severity (ShopSmart SEV1 → #incident on Slack, 000#82; SofaCover P0 → phone, SMS, Slack and email,
 * 002#19), which the dispatcher's notify lane expands into deliveries; a shared channel (Slack, a webhook)
 * gets one post per step naming everyone paged. Each person also gets an in-app notification, where the
 * Acknowledge button is, unless the route has an in-app channel already. Keys start
 * `page:<pageId>:<pass>:<step>:<user>`, so a step is paged once whatever retries.
 */
import { isCriticalLevel } from '../../core/notify/plan.js';
import type { Addressee } from '../../core/notify/recipients.js';
import { NOTIFY_CHANNEL, type MessageInput } from '../../engine/outbox.js';
import type { Policy } from '../../packs/compile.js';

export interface PagedIncident {
  readonly id: string;
  readonly number: number;
  readonly severity: string;
  readonly title: string;
  /** A security incident: its title is not posted to shared channels (Slack, webhooks, feeds). */
  readonly restricted: boolean;
}

export interface Position {
  readonly pass: number;
  readonly step: number;
}

export const subjectOf = (incident: { number: number }) => `incident:${incident.number}`;

/** Channel kinds whose message is posted once to a shared place, not per person. */
const SHARED_KINDS = new Set([
  'slack',
  'war-room',
  'webhook',
  'dashboard',
  'status-page',
  'ticket-system',
  'knowledge-base',
]);
const IN_APP_KINDS = new Set(['in-app', 'in-app-chat']);

interface PageChannel {
  readonly id: string;
  readonly route: string;
  readonly shared: boolean;
  readonly inApp: boolean;
}

/**
 * The internal channels of the routes of the pack's incident scale that list `severity`. Customer-facing
 * channels (ShopSmart's SEV1 SMS to users) are the customers' notice, not a page.
 */
export function pageChannels(policy: Policy | null, severity: string): PageChannel[] {
  if (!policy) return [];
  const incidentScales = new Set(
    (policy.pack.scales ?? []).filter((s) => s.for === 'incident').map((s) => s.id),
  );
  const out = new Map<string, PageChannel>();
  for (const route of policy.pack.routes ?? []) {
    if (!incidentScales.has(route.scale) || !route.levels.includes(severity)) continue;
    for (const id of route.channels) {
      const channel = policy.channels[id];
      if (!channel || channel.audience === 'customer' || out.has(id)) continue;
      out.set(id, {
        id,
        route: route.id,
        shared: SHARED_KINDS.has(channel.kind),
        inApp: IN_APP_KINDS.has(channel.kind),
      });
    }
  }
  return [...out.values()];
}

/** How an addressee is named in a notify row and in keys: `user:<id>`, else the recipient they came from. */
export const whoOf = (a: Addressee) => (a.userId ? `user:${a.userId}` : a.recipient);
export const keyPartOf = (a: Addressee) => a.userId ?? a.recipient;

/** The messages that page `people` for one step of a page. */
export function pageMessages(c: {
  readonly incident: PagedIncident;
  readonly pack: Policy | null;
  readonly policyId: string;
  readonly pageId: string;
  readonly at: Position;
  readonly people: readonly Addressee[];
  readonly now: Date;
}): MessageInput[] {
  const { incident, at, people } = c;
  const channels = pageChannels(c.pack, incident.severity).filter(
    (ch) => !(ch.shared && incident.restricted),
  );
  const base = `page:${c.pageId}:${at.pass}:${at.step}`;
  const notify = (key: string, channel: PageChannel, to: string[]): MessageInput => ({
    idempotencyKey: key,
    channel: NOTIFY_CHANNEL,
    payload: {
      type: 'notify',
      channel: channel.id,
      to,
      subject: subjectOf(incident),
      level: incident.severity,
      route: channel.route,
      rule: `page:${c.policyId}`,
    },
    notBefore: c.now,
  });
  const out: MessageInput[] = [];
  for (const channel of channels.filter((ch) => ch.shared))
    out.push(notify(`${base}:channel:${channel.id}`, channel, people.map(whoOf)));
  const critical = c.pack ? isCriticalLevel(c.pack, incident.severity) : false;
  const title = incident.restricted ? 'a security incident' : incident.title;
  for (const person of people) {
    for (const channel of channels.filter((ch) => !ch.shared))
      out.push(notify(`${base}:${keyPartOf(person)}:${channel.id}`, channel, [whoOf(person)]));
    if (!person.userId || channels.some((ch) => ch.inApp)) continue;
    const text = `You are paged for ${incident.severity.toUpperCase()} INC-${incident.number}: ${title}. Acknowledge it in Opsbook.`;
    out.push({
      idempotencyKey: `${base}:${person.userId}:in-app`,
      channel: 'in-app',
      recipient: whoOf(person),
      critical,
      notBefore: c.now,
      payload: {
        to: person.userId,
        ...(person.name ? { name: person.name } : {}),
        userId: person.userId,
        subject: `[${incident.severity.toUpperCase()}] Page: INC-${incident.number} ${title}`,
        text,
        automatic: true,
        context: {
          subject: subjectOf(incident),
          eventType: 'page',
          level: incident.severity,
        },
      },
    });
  }
  return out;
}

/** Nobody acknowledged: the workspace's owners hear of it in the app and by email, once per page. */
export function exhaustedMessages(input: {
  readonly incident: PagedIncident;
  readonly policy: { readonly name: string; readonly repeat: number };
  readonly pageId: string;
  readonly owners: readonly { userId: string; name: string; email: string }[];
  readonly now: Date;
}): MessageInput[] {
  const { incident, policy, pageId, now } = input;
  const title = incident.restricted ? 'a security incident' : incident.title;
  const subject = `Nobody acknowledged INC-${incident.number} (${incident.severity.toUpperCase()})`;
  const text = `The escalation policy "${policy.name}" paged every step ${policy.repeat + 1} time(s) for INC-${incident.number}: ${title}, and nobody acknowledged. Open the incident in Opsbook and take it.`;
  const context = { subject: subjectOf(incident), eventType: 'page.exhausted', level: incident.severity };
  return input.owners.flatMap((o) => [
    {
      idempotencyKey: `page:${pageId}:exhausted:${o.userId}:in-app`,
      channel: 'in-app',
      recipient: `user:${o.userId}`,
      critical: true,
      notBefore: now,
      payload: { to: o.userId, userId: o.userId, subject, text, automatic: true, context },
    },
    {
      idempotencyKey: `page:${pageId}:exhausted:${o.userId}:email`,
      channel: 'email',
      recipient: `user:${o.userId}`,
      critical: true,
      notBefore: now,
      payload: { to: o.email, name: o.name, userId: o.userId, subject, text, automatic: true, context },
    },
  ]);
}
