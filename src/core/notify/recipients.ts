/**
 * Who a pack recipient (`role:support-lead`, `customer:`, `contact:cto`, …) means, right now, in one
 * workspace: pure, over a directory the shell reads from the record and the members. Each person comes
 * with the addresses and preferences channels need (email, phone, locale, quiet hours).
 *
 * Decisions (docs/notifications.md):
 * - `tier:<id>` is the members whose workspace role is the tier's id; when none, the members holding the
 *   built-in agent role of the same rank (the pack's first tier → `agent-l1`, …).
 * - `rotation:<id>` is the person on call now when the workspace has a schedule for the rotation (an
 *   override first, then the schedule's layers; src/core/oncall.ts), and, for a rotation without a
 *   schedule, everyone holding the rotation's role.
 * - `user:<id>` is that member (escalation policies page people by id).
 * - `customer:` reads the record's `customer_email` / `email`, `customer_phone` / `phone`,
 *   `customer_name` / `name` and `locale` / `customer_locale` fields.
 */
import type { Fields } from '../decide/types.js';
import type { QuietHours } from './quiet-hours.js';

export interface DirectoryMember {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string | null;
  readonly role: string;
  readonly locale: string | null;
  readonly quietHours: QuietHours | null;
}

export interface Directory {
  readonly members: readonly DirectoryMember[];
  readonly contacts: readonly {
    readonly id: string;
    readonly label: string;
    readonly name?: string;
    readonly email?: string;
    readonly phone?: string;
  }[];
  /** The pack's tiers in order (first = tier 1). */
  readonly tiers: readonly { readonly id: string }[];
  readonly rotations: readonly {
    readonly id: string;
    readonly role?: string;
    /** Set when the rotation has an on-call schedule: who is on call now (empty: nobody right now). */
    readonly onCall?: readonly string[];
  }[];
  /** The record the message is about. */
  readonly fields: Fields;
}

/** One person (or mailbox) a recipient resolved to. */
export interface Addressee {
  /** The recipient it came from, for the log (`role:support-lead`). */
  readonly recipient: string;
  readonly userId?: string;
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly locale?: string;
  readonly quietHours?: QuietHours;
}

export interface Resolved {
  readonly addressees: readonly Addressee[];
  /** Recipients that named nobody, each with why (shown on the notification's log). */
  readonly unresolved: readonly string[];
}

const text = (fields: Fields, ...names: string[]): string | undefined => {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
};

function fromMember(recipient: string, m: DirectoryMember): Addressee {
  return {
    recipient,
    userId: m.userId,
    name: m.name,
    email: m.email,
    ...(m.phone ? { phone: m.phone } : {}),
    ...(m.locale ? { locale: m.locale } : {}),
    ...(m.quietHours ? { quietHours: m.quietHours } : {}),
  };
}

function byRole(dir: Directory, recipient: string, role: string): Addressee[] {
  return dir.members.filter((m) => m.role === role).map((m) => fromMember(recipient, m));
}

function resolveOne(dir: Directory, recipient: string): Addressee[] | string {
  const colon = recipient.indexOf(':');
  const kind = recipient.slice(0, colon);
  const id = recipient.slice(colon + 1);
  switch (kind) {
    case 'role': {
      const found = byRole(dir, recipient, id);
      return found.length > 0 ? found : `${recipient}: no member of the workspace holds the role "${id}"`;
    }
    case 'tier': {
      let found = byRole(dir, recipient, id);
      const rank = dir.tiers.findIndex((t) => t.id === id) + 1;
      if (found.length === 0 && rank >= 1 && rank <= 3) found = byRole(dir, recipient, `agent-l${rank}`);
      return found.length > 0
        ? found
        : `${recipient}: no member holds the role "${id}"${rank >= 1 && rank <= 3 ? ` or "agent-l${rank}"` : ''}`;
    }
    case 'rotation': {
      const rotation = dir.rotations.find((r) => r.id === id);
      if (rotation?.onCall) {
        const onCall = rotation.onCall.flatMap((userId) => {
          const member = dir.members.find((m) => m.userId === userId);
          return member ? [fromMember(recipient, member)] : [];
        });
        return onCall.length > 0
          ? onCall
          : `${recipient}: nobody is on call now (its schedule has no one at this time, or only people who left)`;
      }
      const role = rotation?.role ?? id;
      const found = byRole(dir, recipient, role);
      return found.length > 0
        ? found
        : `${recipient}: nobody is on call (no member holds the role "${role}")`;
    }
    case 'user': {
      const member = dir.members.find((m) => m.userId === id);
      return member ? [fromMember(recipient, member)] : `${recipient}: not a member of the workspace`;
    }
    case 'contact': {
      const contact = dir.contacts.find((c) => c.id === id);
      if (!contact) return `${recipient}: the pack has no contact "${id}"`;
      if (!contact.email && !contact.phone) return `${recipient}: the contact has no email or phone yet`;
      const member = contact.email
        ? dir.members.find((m) => m.email.toLowerCase() === contact.email!.toLowerCase())
        : undefined;
      if (member) return [fromMember(recipient, member)];
      return [
        {
          recipient,
          name: contact.name ?? contact.label,
          ...(contact.email ? { email: contact.email } : {}),
          ...(contact.phone ? { phone: contact.phone } : {}),
        },
      ];
    }
    case 'customer': {
      const email = text(dir.fields, 'customer_email', 'email');
      const phone = text(dir.fields, 'customer_phone', 'phone');
      if (!email && !phone) return `${recipient}: the record has no customer_email or customer_phone`;
      const name = text(dir.fields, 'customer_name', 'name');
      const locale = text(dir.fields, 'locale', 'customer_locale');
      return [
        {
          recipient,
          ...(name ? { name } : {}),
          ...(email ? { email } : {}),
          ...(phone ? { phone } : {}),
          ...(locale ? { locale } : {}),
        },
      ];
    }
    case 'assignee':
    case 'reporter': {
      const who = text(dir.fields, kind, `${kind}_id`, `${kind}_email`);
      if (!who) return `${recipient}: the record has no ${kind} yet`;
      const member = dir.members.find((m) => m.userId === who || m.email.toLowerCase() === who.toLowerCase());
      if (member) return [fromMember(recipient, member)];
      return who.includes('@') ? [{ recipient, email: who }] : `${recipient}: "${who}" is not a member`;
    }
    default:
      // `channel:<id>` names a destination, not a person: channels deliver to it themselves.
      return [];
  }
}

/** Resolves recipients to people, each person once (by user, else by address). */
export function resolveRecipients(dir: Directory, recipients: readonly string[]): Resolved {
  const seen = new Set<string>();
  const addressees: Addressee[] = [];
  const unresolved: string[] = [];
  for (const recipient of recipients) {
    const found = resolveOne(dir, recipient);
    if (typeof found === 'string') {
      unresolved.push(found);
      continue;
    }
    for (const a of found) {
      const key = a.userId ?? a.email?.toLowerCase() ?? a.phone ?? a.recipient;
      if (seen.has(key)) continue;
      seen.add(key);
      addressees.push(a);
    }
  }
  return { addressees, unresolved };
}
