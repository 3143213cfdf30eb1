import { closestName } from '../../packs/suggest.js';

/**
 * The event types a scenario (and the live intake) may send the engine, with their fields. Each type names
 * the field that identifies its subject (`ticket: T1` → subject `ticket:T1`) and whether it creates the
 * subject; an event for a subject that was never created is an error in a scenario.
 */

export type FieldKind = 'string' | 'number' | 'boolean' | 'scalar';

export interface EventSpec {
  /** The field naming the subject, and the subject's kind. */
  readonly subject: { readonly field: string; readonly kind: string };
  readonly required?: Readonly<Record<string, FieldKind>>;
  readonly optional?: Readonly<Record<string, FieldKind>>;
  /** Required choices: at least one field of each list must be present (`severity` or `priority`). */
  readonly oneOf?: readonly (readonly string[])[];
  readonly creates?: boolean;
  /** Any further field is accepted (usage facts, release fields). */
  readonly open?: boolean;
  readonly summary: string;
  /** Allowed values of some fields. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
}

const ACCOUNT = { field: 'account', kind: 'account' } as const;
const TICKET = { field: 'ticket', kind: 'ticket' } as const;
const INCIDENT = { field: 'incident', kind: 'incident' } as const;

const accountEvent = (summary: string, optional: Record<string, FieldKind> = {}): EventSpec => ({
  subject: ACCOUNT,
  creates: true,
  optional: { plan: 'string', reason: 'string', ...optional },
  summary,
});

/** What a payment event may carry: amount in major units, ISO currency, the provider's reference (invoice). */
const PAYMENT: Record<string, FieldKind> = { amount: 'number', currency: 'string', reference: 'string' };

export const EVENTS: Readonly<Record<string, EventSpec>> = {
  'ticket.created': {
    subject: TICKET,
    creates: true,
    required: { priority: 'string', channel: 'string' },
    optional: {
      account: 'string',
      plan: 'string',
      category: 'string',
      subject: 'string',
      body: 'string',
      customer: 'string',
      locale: 'string',
      tier: 'string',
    },
    summary: 'A ticket arrives on a channel with a priority.',
  },
  'ticket.replied': {
    subject: TICKET,
    required: { by: 'string' },
    optional: { body: 'string' },
    values: { by: ['agent', 'customer'] },
    summary: 'An agent (first response, update) or the customer (resumes a pending ticket) replies.',
  },
  'ticket.status': {
    subject: TICKET,
    oneOf: [['status', 'to']],
    optional: { status: 'string', to: 'string' },
    summary:
      'The status changes; `pending`, `waiting`, `on-hold` pause the resolution clock, `resolved` stops it.',
  },
  'ticket.priority': {
    subject: TICKET,
    oneOf: [['priority', 'to']],
    optional: { priority: 'string', to: 'string' },
    summary: 'The priority changes: running clocks take the new targets, new routes are notified.',
  },
  'ticket.escalated': {
    subject: TICKET,
    required: { to: 'string' },
    optional: { reason: 'string' },
    summary: 'Escalated by hand to a tier or role (`tier:tier-2`), for a reason of the escalation matrix.',
  },
  'ticket.assigned': { subject: TICKET, required: { assignee: 'string' }, summary: 'Assigned to an agent.' },
  'ticket.resolved': { subject: TICKET, summary: 'Resolved: clocks stop with their verdicts.' },
  'ticket.reopened': { subject: TICKET, summary: 'Reopened: the resolution clock runs again.' },
  'incident.declared': {
    subject: INCIDENT,
    creates: true,
    oneOf: [['severity', 'priority']],
    optional: {
      severity: 'string',
      priority: 'string',
      kind: 'string',
      title: 'string',
      service: 'string',
      reportable: 'boolean',
      eu_personal_data: 'boolean',
    },
    summary:
      'An incident is declared (detected) with a severity and a kind (security, billing, data, auth, …).',
  },
  'incident.role': {
    subject: INCIDENT,
    required: { role: 'string', who: 'string' },
    summary: 'Someone takes a role (incident commander, tech lead, comms lead, executive sponsor).',
  },
  'incident.status': {
    subject: INCIDENT,
    oneOf: [['status', 'to']],
    optional: { status: 'string', to: 'string' },
    summary: 'The status changes: the response is met; a stage id meets that stage; `resolved` resolves.',
  },
  'incident.severity': {
    subject: INCIDENT,
    oneOf: [['severity', 'to']],
    optional: { severity: 'string', to: 'string' },
    summary: 'The severity changes.',
  },
  'incident.priority': {
    subject: INCIDENT,
    oneOf: [['priority', 'to']],
    optional: { priority: 'string', to: 'string' },
    summary: 'The priority changes.',
  },
  'incident.stage': { subject: INCIDENT, required: { stage: 'string' }, summary: 'A stage is done.' },
  'incident.updated': {
    subject: INCIDENT,
    optional: { audience: 'string' },
    values: { audience: ['customer', 'internal'] },
    summary: 'An update is posted (to customers: the customer notice is met).',
  },
  'incident.reported': {
    subject: INCIDENT,
    required: { clock: 'string' },
    summary: 'A regulator was told (meets the regulatory clock of that id).',
  },
  'incident.escalated': {
    subject: INCIDENT,
    required: { to: 'string' },
    optional: { reason: 'string' },
    summary: 'Escalated by hand.',
  },
  'incident.resolved': {
    subject: INCIDENT,
    summary: 'Resolved: follow-ups and the review are due from now.',
  },
  'alert.fired': {
    subject: { field: 'key', kind: 'alert' },
    creates: true,
    optional: {
      severity: 'string',
      priority: 'string',
      monitor: 'string',
      metric: 'string',
      value: 'number',
      title: 'string',
    },
    summary: 'An alert fires (or repeats) for a dedup key; a metric and value are graded by the thresholds.',
  },
  'alert.resolved': { subject: { field: 'key', kind: 'alert' }, summary: 'The alert resolves.' },
  'monitor.down': {
    subject: { field: 'monitor', kind: 'monitor' },
    creates: true,
    summary: 'A check fails.',
  },
  'monitor.up': {
    subject: { field: 'monitor', kind: 'monitor' },
    creates: true,
    summary: 'A check recovers.',
  },
  'signup.submitted': accountEvent('A signup is submitted for review.', {
    name: 'string',
    location: 'string',
    units: 'number',
    type: 'string',
    admin: 'string',
  }),
  'signup.approved': accountEvent('The signup is approved.'),
  'signup.rejected': accountEvent('The signup is rejected.'),
  'signup.suspended': accountEvent('The signup is suspended.'),
  'payment.confirmed': accountEvent('A payment is confirmed (by the provider, or recorded by finance).', {
    ...PAYMENT,
    method: 'string',
  }),
  'payment.failed': accountEvent('A payment fails.', {
    ...PAYMENT,
    permanent: 'boolean',
    attempt: 'number',
  }),
  'payment.succeeded': accountEvent('A payment succeeds.', PAYMENT),
  'payment-method.updated': accountEvent('The customer updates the payment method.', { reference: 'string' }),
  'trial.started': accountEvent('A trial starts.'),
  'subscription.activated': accountEvent('The subscription becomes active.'),
  'subscription.upgraded': accountEvent('The subscription is upgraded.'),
  'subscription.cancelled': accountEvent('The subscription is cancelled.'),
  'estate.activated': accountEvent('The estate goes live.'),
  'usage.recorded': { subject: ACCOUNT, creates: true, open: true, summary: 'Usage figures of the account.' },
  'user.registered': {
    subject: { field: 'user', kind: 'user' },
    creates: true,
    optional: {
      account: 'string',
      locale: 'string',
      phone: 'string',
      email: 'string',
      plan: 'string',
      name: 'string',
      time_zone: 'string',
    },
    summary:
      "A user of a customer registers (`time_zone`: the IANA zone journeys' send windows are read in).",
  },
  'fact.set': {
    subject: { field: 'subject', kind: '' },
    creates: true,
    required: { name: 'string', value: 'scalar' },
    summary: 'A usage fact of a subject changes (`subject: user:U1`, `name: customers_added`, `value: 5`).',
  },
  'survey.answered': {
    subject: { field: 'user', kind: 'user' },
    required: { survey: 'string', score: 'number' },
    optional: { comment: 'string', invitation: 'string' },
    summary: 'A survey answer (NPS 0-10, CSAT 1-5), with the invitation it answers when it came by its link.',
  },
  'checklist.item_done': {
    subject: { field: 'run', kind: 'checklist' },
    creates: true,
    required: { item: 'string' },
    optional: { checklist: 'string' },
    summary: 'An item of a checklist run is done (`run: R1`, or the record it belongs to: `run: bug:BUG-7`).',
  },
  'checklist.completed': {
    subject: { field: 'run', kind: 'checklist' },
    creates: true,
    optional: { checklist: 'string' },
    summary: 'A checklist run is complete (`checklist` names which; `run` as for item_done).',
  },
  'emergency-patch.planned': {
    subject: { field: 'release', kind: 'release' },
    creates: true,
    open: true,
    summary: 'An emergency patch is planned.',
  },
  'security-incident.declared': {
    subject: INCIDENT,
    creates: true,
    open: true,
    summary: 'A security incident is declared.',
  },
};

/** Families of events whose actions come from the pack's lifecycles: `release.qa-passed`, `bug.triage`. */
export const OPEN_FAMILIES: Readonly<Record<string, { field: string; kind: string }>> = {
  release: { field: 'release', kind: 'release' },
  bug: { field: 'bug', kind: 'bug' },
  project: { field: 'project', kind: 'project' },
  sprint: { field: 'sprint', kind: 'sprint' },
  feature: { field: 'feature', kind: 'feature' },
  'test-cycle': { field: 'cycle', kind: 'test-cycle' },
  signup: { field: 'account', kind: 'account' },
  payment: { field: 'account', kind: 'account' },
  estate: { field: 'account', kind: 'account' },
  subscription: { field: 'account', kind: 'account' },
  // A person's account (Smart Estate's `user-account`: activate, suspend, reinstate, delete). Live, these
  // come from the estate's activation and the contacts API (POST …/events refuses them).
  user: { field: 'user', kind: 'user' },
};

/** The spec of an event type: from the catalog, or an open family (`release.deploy`). */
export function eventSpec(type: string): EventSpec | undefined {
  if (Object.hasOwn(EVENTS, type)) return EVENTS[type];
  const family = type.split('.')[0] ?? '';
  const subject = Object.hasOwn(OPEN_FAMILIES, family) ? OPEN_FAMILIES[family] : undefined;
  if (!subject || !/^[a-z-]+\.[a-z0-9-]+$/.test(type)) return undefined;
  return { subject, creates: true, open: true, summary: `A ${family} action from the pack's lifecycles.` };
}

/** A problem with one event, and where it is: a field's key, a field's value, or the event as a whole. */
export interface EventProblem {
  readonly field: string;
  readonly where: 'key' | 'value' | 'event';
  readonly message: string;
  readonly hint?: string;
}

export type EventCheck =
  | {
      readonly ok: true;
      readonly spec: EventSpec;
      readonly subject: string;
      readonly data: Record<string, string | number | boolean | null>;
    }
  | {
      readonly ok: false;
      readonly problems: readonly EventProblem[];
      /** The event's subject when its type and id could be read, so a scenario can still track it. */
      readonly spec?: EventSpec;
      readonly subject?: string;
    };

function fits(kind: FieldKind, value: unknown): boolean {
  const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
  return kind === 'scalar' ? scalar : typeof value === kind;
}

/**
 * Checks one event (`{ type, ticket: 'T1', priority: 'p1', … }`, the scenario's `at` left out) against the
 * catalog: a known type, its subject field, required fields, known fields of the right kind and values.
 * The API (`POST …/events`) and scenario files (src/engine/scenario/parse.ts, which adds the lines) both
 * use it, so the two accept exactly the same events.
 */
export function checkEvent(input: Readonly<Record<string, unknown>>): EventCheck {
  const type = typeof input.type === 'string' ? input.type : '';
  const spec = eventSpec(type);
  if (!spec) {
    const near = closestName(type, Object.keys(EVENTS));
    const families = Object.keys(OPEN_FAMILIES).map((f) => `${f}.<action>`);
    return {
      ok: false,
      problems: [
        {
          field: 'type',
          where: 'value',
          message: `unknown event type "${type}"`,
          hint: near
            ? `did you mean "${near}"? docs/scenarios.md lists the event types`
            : `families with pack-defined actions: ${families.join(', ')}`,
        },
      ],
    };
  }
  const problems: EventProblem[] = [];
  const known: Record<string, FieldKind> = { ...spec.required, ...spec.optional };
  const data: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(input)) {
    if (name === 'type' || name === spec.subject.field) continue;
    if (!(name in known) && !spec.open) {
      const near = closestName(name, Object.keys(known));
      problems.push({
        field: name,
        where: 'key',
        message: `${type} has no field "${name}"`,
        hint: near
          ? `did you mean "${near}"?`
          : `its fields: ${[spec.subject.field, ...Object.keys(known)].join(', ') || 'none'}`,
      });
      continue;
    }
    const kind = known[name] ?? 'scalar';
    if (!fits(kind, value)) {
      const wanted = kind === 'scalar' ? 'number, string or boolean' : kind;
      problems.push({ field: name, where: 'value', message: `${name} must be a ${wanted}` });
      continue;
    }
    const allowed = spec.values?.[name];
    if (allowed && !allowed.includes(String(value))) {
      const message = `${name} is one of ${allowed.join(', ')} (got "${String(value)}")`;
      problems.push({ field: name, where: 'value', message });
      continue;
    }
    data[name] = value as string | number | boolean | null;
  }
  for (const name of Object.keys(spec.required ?? {}))
    if (!(name in input)) problems.push({ field: name, where: 'event', message: `${type} needs "${name}"` });
  for (const choice of spec.oneOf ?? [])
    if (!choice.some((name) => name in input))
      problems.push({
        field: choice[0] ?? '',
        where: 'event',
        message: `${type} needs one of ${choice.join(', ')}`,
      });
  const id = input[spec.subject.field];
  const text = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
  if (text === '' || text.length > 200) {
    const what = spec.subject.kind || 'subject';
    problems.push({
      field: spec.subject.field,
      where: 'event',
      message: `${type} needs "${spec.subject.field}", the id of its ${what}`,
    });
    return { ok: false, problems };
  }
  // A checklist run may belong to a record: `run: 'bug:BUG-7'` sends the event to that record.
  const whole = (!spec.subject.kind || spec.subject.kind === 'checklist') && /^[a-z-]+:.+$/.test(text);
  if (!spec.subject.kind && !whole)
    problems.push({
      field: spec.subject.field,
      where: 'value',
      message: `"${text}" is not a subject`,
      hint: 'write it as kind:id, e.g. user:U1 or account:A1',
    });
  const subject = whole ? text : `${spec.subject.kind}:${text}`;
  if (problems.length > 0)
    return spec.subject.kind || whole ? { ok: false, problems, spec, subject } : { ok: false, problems };
  return { ok: true, spec, subject, data };
}
