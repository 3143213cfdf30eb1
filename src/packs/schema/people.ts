/** Roles (of the team, and of the customer's own users), named contacts, and support tiers. */
import { z } from 'zod';
import { BUILT_IN_ROLES } from '../../core/access.js';
import { Facts, Id, Quote, Ref, Target, Text } from './common.js';

export const Role = z.strictObject({
  id: Id,
  label: Text,
  scope: z
    .enum(['team', 'account'])
    .default('team')
    .describe(
      "`team`: people of the SaaS using Opsbook (agents, leads); `account`: the customer's own users (estate admin, guard, resident).",
    ),
  description: Text.optional(),
  members: z.array(Text).optional().describe('Who fills the role, as the SOP says ("Support specialists").'),
  contact: Text.optional().describe(
    'How the role is reached, as the SOP says ("On-call rotation", "CTO/CEO").',
  ),
  access: z
    .enum(BUILT_IN_ROLES.map((r) => r.id) as [string, ...string[]])
    .optional()
    .describe(
      'For a team role: the built-in Opsbook role whose permissions its members get (viewer when left out). See docs/access.md.',
    ),
  features: z
    .array(Id)
    .optional()
    .describe(
      'Feature access: the areas or product features this role may use; each becomes a `feature:<id>` permission.',
    ),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Contact = z.strictObject({
  id: Id,
  label: Text,
  role: Ref('a role').optional(),
  name: Text.optional().describe('A person\'s name; leave out what the SOP leaves as a placeholder ("TBD").'),
  email: z.email().optional(),
  phone: Text.optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Tier = z.strictObject({
  id: Id,
  label: Text,
  responsibilities: z.array(Text).min(1),
  members: z.array(Text).optional(),
  responseTimes: z
    .array(z.strictObject({ level: Ref('a level of a scale'), target: Target }))
    .optional()
    .describe('How fast this tier responds, per priority level.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Rotation = z.strictObject({
  id: Id,
  label: Text,
  role: Ref('a role').optional().describe('The role the rotation staffs, e.g. incident-commander.'),
  handoff: z
    .enum(['daily', 'weekly'])
    .optional()
    .describe('How often the person on call changes; people and times are set in the workspace.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});
