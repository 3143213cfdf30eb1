/**
 * A notification the engine recorded (`notify` on a pack channel, to pack recipients) becomes deliveries:
 * one per person and transport (or one per Slack / webhook destination), each rendered in the person's
 * language and timed by their quiet hours. Pure: the shell reads the directory and inserts the result in
 * one transaction, so a notification is expanded exactly once.
 */
import type { DeliveryKind } from './kinds.js';
import type { Policy } from '../../packs/compile.js';
import { renderTemplate } from '../templates.js';
import type { Addressee, Directory, Resolved } from './recipients.js';
import { resolveRecipients } from './recipients.js';
import { quietUntil } from './quiet-hours.js';

/** The `notify` outbox row's payload, as the engine writes it (src/engine/engine.ts). */
export interface NotifyIntent {
  /** The pack channel's id. */
  readonly channel: string;
  readonly template?: string;
  readonly to: readonly string[];
  readonly level?: string;
  readonly route?: string;
  readonly rule?: string;
  /** `ticket:T1`. */
  readonly subject: string;
}

export interface PlannedDelivery {
  readonly kind: DeliveryKind;
  /** Unique within the notification: the delivery's idempotency key is `<notification key>:<key>`. */
  readonly key: string;
  readonly recipient: string;
  /** Email address, E.164 phone, user id, or the destination's id (Slack, webhook). */
  readonly address: string;
  readonly userId?: string;
  readonly name?: string;
  readonly subject?: string;
  readonly text: string;
  readonly locale?: string;
  /** Quiet hours: do not send before this. */
  readonly notBeforeMs?: number;
  readonly critical: boolean;
}

export interface Plan {
  readonly deliveries: readonly PlannedDelivery[];
  /** Why someone meant got nothing (no member holds a role, no phone number, …). */
  readonly problems: readonly string[];
}

/** A person of the account the message is about (Smart Estate's estate admin), with their role there. */
export interface AccountContact {
  readonly role: string;
  readonly name: string;
  readonly email?: string;
  readonly phone?: string;
  readonly locale?: string;
}

/** The directory, plus the contacts of the account the message is about (directory.ts reads them). */
export type AccountDirectory = Directory & { readonly accountContacts?: readonly AccountContact[] };

/**
 * Who `to` means. `role:<id>` of a role the pack gives to the customer's own users (`scope: account`, e.g.
 * `role:estate-admin`) is the account's contacts with that role when it has any; otherwise, and for every
 * other recipient, as recipients.ts resolves it (workspace members).
 */
export function resolveFor(policy: Policy, directory: AccountDirectory, to: readonly string[]): Resolved {
  const contacts = directory.accountContacts ?? [];
  const own: Addressee[] = [];
  const rest: string[] = [];
  for (const recipient of to) {
    const role = recipient.startsWith('role:') ? recipient.slice('role:'.length) : '';
    const found = policy.roles[role]?.scope === 'account' ? contacts.filter((c) => c.role === role) : [];
    if (found.length === 0) rest.push(recipient);
    for (const c of found)
      own.push({
        recipient,
        name: c.name,
        ...(c.email ? { email: c.email } : {}),
        ...(c.phone ? { phone: c.phone } : {}),
        ...(c.locale ? { locale: c.locale } : {}),
      });
  }
  const members = resolveRecipients(directory, rest);
  const seen = new Set(members.addressees.map((a) => a.email?.toLowerCase() ?? a.phone ?? a.recipient));
  const people = own.filter((a) => {
    const key = a.email?.toLowerCase() ?? a.phone ?? `${a.recipient}:${a.name ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { addressees: [...people, ...members.addressees], unresolved: members.unresolved };
}

/** How each kind of pack channel is delivered. */
const TRANSPORT: Readonly<Record<string, DeliveryKind | 'feed'>> = {
  email: 'email',
  'email-list': 'email',
  sms: 'sms',
  whatsapp: 'whatsapp',
  voice: 'voice',
  phone: 'voice',
  slack: 'slack',
  'war-room': 'slack',
  webhook: 'webhook',
  'in-app': 'in-app',
  'in-app-chat': 'in-app',
  // Shown on the workspace's dashboard feed; the status page and ticket views read their own records.
  dashboard: 'feed',
  'status-page': 'feed',
  'ticket-system': 'feed',
  'knowledge-base': 'feed',
};

/** The most urgent level of its scale (P0, SEV1, critical): quiet hours never hold it back. */
export function isCriticalLevel(policy: Policy, level: string | undefined): boolean {
  if (!level) return false;
  return Object.values(policy.scales).some((scale) => scale.levels[0]?.id === level);
}

interface Rendered {
  readonly subject?: string;
  readonly text: string;
  readonly locale?: string;
}

function render(
  policy: Policy,
  intent: NotifyIntent,
  values: Readonly<Record<string, unknown>>,
  locale: string | undefined,
  problems: string[],
): Rendered {
  const template = intent.template ? policy.templates[intent.template] : undefined;
  if (template) {
    const result = renderTemplate(template, {
      preferred: [locale, ...(policy.pack.pack.locales ?? [])],
      values,
      mode: 'deliver',
    });
    if (result.ok) {
      if (result.missing.length > 0)
        problems.push(`template ${template.id}: no value for ${result.missing.join(', ')} (rendered empty)`);
      return {
        text: result.text,
        locale: result.locale,
        ...(result.subject !== undefined ? { subject: result.subject } : {}),
      };
    }
    problems.push(`template ${template.id} could not be rendered (${result.error}); sent a plain summary`);
  }
  const title = typeof values.title === 'string' ? values.title : intent.subject;
  const level = intent.level ? `[${intent.level.toUpperCase()}] ` : '';
  const why = intent.route ? ` (route ${intent.route})` : intent.rule ? ` (${intent.rule})` : '';
  return { subject: `${level}${title}`, text: `${level}${title}: ${intent.subject}${why}` };
}

function addressFor(kind: DeliveryKind, a: Addressee): string | undefined {
  if (kind === 'email') return a.email;
  if (kind === 'in-app') return a.userId;
  return a.phone;
}

/** The deliveries of one notification at `nowMs`. */
export function planDeliveries(input: {
  readonly policy: Policy;
  readonly intent: NotifyIntent;
  readonly directory: AccountDirectory;
  /** Template values: the record's fields, the event's, the workspace's. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly nowMs: number;
}): Plan {
  const { policy, intent, directory, values, nowMs } = input;
  const problems: string[] = [];
  // A template's channel kind stands for the channel when the pack declares none of that kind (the engine
  // names it so, actions.ts): Smart Estate's estate-access-enabled email has no `email` channel to go by.
  const channel: { id: string; kind: string; address?: string; audience?: string } | undefined =
    policy.channels[intent.channel] ??
    (Object.hasOwn(TRANSPORT, intent.channel) ? { id: intent.channel, kind: intent.channel } : undefined);
  const critical = isCriticalLevel(policy, intent.level);
  if (!channel) return { deliveries: [], problems: [`the pack has no channel "${intent.channel}"`] };
  const transport = TRANSPORT[channel.kind] ?? 'feed';
  if (transport === 'slack' || transport === 'webhook' || transport === 'feed') {
    const rendered = render(policy, intent, values, undefined, problems);
    const names = resolveFor(policy, directory, intent.to).addressees.map((a) => a.name ?? a.recipient);
    const text = names.length > 0 ? `${rendered.text}\n\nFor: ${names.join(', ')}` : rendered.text;
    const kind: DeliveryKind = transport === 'feed' ? 'in-app' : transport;
    return {
      deliveries: [
        {
          kind,
          key: `${kind}:${channel.id}`,
          recipient: `channel:${channel.id}`,
          address: transport === 'feed' ? '' : channel.id,
          ...rendered,
          text,
          critical,
        },
      ],
      problems,
    };
  }
  const resolved = resolveFor(policy, directory, intent.to);
  problems.push(...resolved.unresolved);
  const people: Addressee[] = [...resolved.addressees];
  // An internal email channel with its own address (a shared mailbox) gets the message too.
  if (transport === 'email' && channel.address?.includes('@') && channel.audience === 'internal')
    people.push({ recipient: `channel:${channel.id}`, email: channel.address });
  const deliveries: PlannedDelivery[] = [];
  for (const person of people) {
    const address = addressFor(transport, person);
    if (!address) {
      const what = transport === 'email' ? 'email address' : transport === 'in-app' ? 'account' : 'phone';
      problems.push(`${person.recipient}: ${person.name ?? 'someone'} has no ${what} for ${channel.id}`);
      continue;
    }
    const rendered = render(
      policy,
      intent,
      { ...values, recipient_name: person.name ?? '' },
      person.locale,
      problems,
    );
    const wait = critical || transport === 'in-app' ? nowMs : quietUntil(person.quietHours, nowMs);
    deliveries.push({
      kind: transport,
      key: `${transport}:${address.toLowerCase()}`,
      recipient: person.recipient,
      address,
      ...(person.userId ? { userId: person.userId } : {}),
      ...(person.name ? { name: person.name } : {}),
      ...rendered,
      ...(wait > nowMs ? { notBeforeMs: wait } : {}),
      critical,
    });
  }
  return { deliveries, problems };
}
