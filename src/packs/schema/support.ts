/** Priority and severity scales with targets, SLA policies, channels, routes, escalation and knowledge. */
import { z } from 'zod';
import { Condition, Duration, Facts, Id, Quote, Recipient, Ref, Since, Target, Text } from './common.js';

export const TARGET_NAMES = [
  'firstResponse',
  'response',
  'resolution',
  'updateEvery',
  'customerNotice',
  'fix',
] as const;

export const Targets = z
  .strictObject(
    Object.fromEntries(TARGET_NAMES.map((name) => [name, Target.optional()])) as Record<
      (typeof TARGET_NAMES)[number],
      z.ZodOptional<typeof Target>
    >,
  )
  .describe(
    'Targets by name: `firstResponse`, `response`, `resolution`, `updateEvery`, `customerNotice`, `fix`.',
  );

export const Level = z.strictObject({
  id: Id,
  label: Text.describe('As the SOP writes it, e.g. "P1 - Critical".'),
  description: Text.optional(),
  examples: z.array(Text).optional(),
  targets: Targets.optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Scale = z.strictObject({
  id: Id,
  label: Text,
  for: z.enum(['ticket', 'incident', 'bug', 'alert', 'security-incident']).describe('What the scale grades.'),
  levels: z.array(Level).min(1).describe('Most urgent first.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const SlaPolicy = z.strictObject({
  id: Id,
  label: Text.optional(),
  scale: Ref('a scale'),
  when: Condition.optional().describe(
    'When this policy applies (e.g. `{ field: plan, eq: enterprise }`); policies are tried in order, first match wins; one without `when` matches everything.',
  ),
  targets: z.record(Id, Targets).describe('Targets per level id of the scale.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const CHANNEL_KINDS = [
  'email',
  'sms',
  'whatsapp',
  'voice',
  'phone',
  'slack',
  'in-app-chat',
  'in-app',
  'dashboard',
  'webhook',
  'ticket-system',
  'knowledge-base',
  'status-page',
  'war-room',
  'email-list',
] as const;

export const Channel = z.strictObject({
  id: Id,
  label: Text,
  kind: z.enum(CHANNEL_KINDS),
  audience: z.enum(['customer', 'internal']),
  calendar: Ref('a calendar').optional().describe('When the channel is staffed; omitted means always.'),
  fallback: Ref('a channel')
    .optional()
    .describe(
      'When a notification finds this channel closed (outside its calendar), send it on this channel now instead of waiting for the channel to open.',
    ),
  responseGoal: z
    .union([Target, z.strictObject({ bot: Target, human: Target })])
    .optional()
    .describe('How fast this channel answers; `{ bot, human }` when a bot answers first.'),
  address: Text.optional().describe('An email address, a Slack channel (`#support-critical`), a number.'),
  purpose: Text.optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Delivery = z.strictObject({
  undeliverable: z
    .array(Recipient)
    .min(1)
    .optional()
    .describe(
      'Who is told (in the app and by email) when a message about the most urgent level cannot be delivered, a webhook endpoint gives up, or one answers 410 Gone. Default: the workspace owners and admins.',
    ),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Route = z.strictObject({
  id: Id,
  label: Text.optional(),
  scale: Ref('a scale'),
  levels: z.array(Ref('a level of the scale')).min(1),
  channels: z
    .array(Ref('a channel'))
    .min(1)
    .describe("Where notifications of these levels go, honouring each channel's hours."),
  recipients: z.array(Recipient).optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

const Trigger = z.union([
  z.strictObject({
    after: Duration,
    since: Since.default('created'),
    calendar: Ref('a calendar').optional(),
    onlyIfOpen: z.boolean().default(true).describe('Fire only if the subject is still unresolved.'),
  }),
  z.strictObject({
    event: Text.describe(
      "An event (`bug.confirmed`), or a clock's announcement: `clock.breach:<clock>`, `clock.warn:<clock>` (e.g. `clock.breach:first-response`).",
    ),
  }),
  z.strictObject({ manual: Text.describe('A reason a person chooses when escalating by hand.') }),
]);

export const Escalation = z.strictObject({
  id: Id,
  label: Text.optional(),
  from: z.union([Ref('a tier or role'), z.literal('any')]).default('any'),
  to: Recipient,
  trigger: Trigger.describe('`{ after: 30m, since: created }`, `{ event: … }`, or `{ manual: "reason" }`.'),
  when: Condition.optional(),
  repeat: z.strictObject({ every: Duration, times: z.number().int().min(1) }).optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const KnowledgeItem = z.strictObject({
  id: Id,
  issue: Text,
  firstChecks: z.array(Text).min(1).describe('What to check first, in order.'),
  categories: z.array(Id).optional().describe('Ticket categories this applies to.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});
