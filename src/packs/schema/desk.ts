/**
 * The help desk (issue 7): how tickets are triaged, assigned, answered automatically, surveyed and counted.
 * Everything a support SOP says about working a ticket that is not a clock or an escalation (those are the
 * scales, SLA policies and escalations of support.ts).
 */
import { z } from 'zod';
import { Condition, Duration, Facts, Id, Quote, Ref, Text } from './common.js';

export const TriageRule = z.strictObject({
  id: Id,
  label: Text.optional(),
  when: Condition.describe(
    "What the ticket must match. Fields: `text` (subject and first message), `subject`, `body`, `channel`, `plan`, `account`, `requester`, `facts.<name>` (the account's usage facts).",
  ),
  set: z
    .strictObject({
      priority: Ref('a level of the ticket scale').optional(),
      category: Id.optional(),
      tier: Ref('a tier').optional(),
      tags: z.array(Id).optional(),
    })
    .refine((s) => Object.values(s).some((v) => v !== undefined), 'a triage rule sets at least one field')
    .describe('What the rule sets; a later rule never overrides what an earlier one set.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Assignment = z.strictObject({
  tier: Ref('a tier'),
  strategy: z
    .enum(['round-robin', 'least-loaded', 'manual'])
    .describe(
      '`round-robin`: the on-shift agent of the tier given a ticket longest ago; `least-loaded`: the one with the fewest open tickets; `manual`: a lead assigns.',
    ),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Desk = z.strictObject({
  defaultPriority: Ref('a level of the ticket scale').describe(
    'The priority of a ticket no triage rule and no caller gave one.',
  ),
  defaultCategory: Id.optional(),
  categories: z
    .array(z.strictObject({ id: Id, label: Text, quote: Quote.optional(), facts: Facts.optional() }))
    .optional()
    .describe('The ticket categories of the SOP (technical, billing, how-to, …).'),
  triage: z
    .array(TriageRule)
    .default([])
    .describe('Auto-categorise and prioritise: rules tried in order; each sets only what is still unset.'),
  assignment: z.array(Assignment).default([]).describe('How tickets are shared out within each tier.'),
  reopenWindow: Duration.optional().describe(
    'A ticket reopened within this time of being resolved counts toward the reopen rate; later, a new reply opens a new ticket.',
  ),
  autoReply: z
    .strictObject({
      template: Ref('a template'),
      maxPerSenderPerHour: z.number().int().min(1).max(100).default(3),
      quote: Quote.optional(),
      facts: Facts.optional(),
    })
    .optional()
    .describe('The acknowledgement a new email ticket gets; never sent to automated mail.'),
  bot: z
    .strictObject({
      channel: Ref('a channel'),
      template: Ref('a template'),
      suggestArticles: z.number().int().min(0).max(10).default(3),
      quote: Quote.optional(),
      facts: Facts.optional(),
    })
    .optional()
    .describe('The bot that answers a chat first ("< 15 min bot"): it suggests help-centre articles.'),
  csat: z
    .strictObject({
      template: Ref('a template'),
      delay: Duration.optional().describe(
        'How long after resolution the survey goes; at once when left out.',
      ),
      scale: z.literal(5).default(5),
      target: z.number().min(1).max(5).optional().describe('The CSAT goal, e.g. 4.5 (of 5).'),
      quote: Quote.optional(),
      facts: Facts.optional(),
    })
    .optional()
    .describe('The satisfaction survey sent when a ticket is resolved, over the channel it came from.'),
  firstContactResolution: z
    .strictObject({
      tag: Id.describe('The tag an agent puts on a ticket resolved at first contact.'),
      target: z.number().min(0).max(100).optional().describe('Percent, e.g. 80.'),
      quote: Quote.optional(),
      facts: Facts.optional(),
    })
    .optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});
