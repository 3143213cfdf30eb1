/** Incident handling: stages with deadlines, playbooks per type, regulatory clocks, reviews, follow-ups. */
import { z } from 'zod';
import { Condition, Duration, Facts, Id, Quote, Recipient, Ref, Since, Target, Text } from './common.js';

const Step = z.strictObject({
  text: Text,
  command: Text.optional().describe('A command to run, verbatim.'),
  when: Text.optional().describe('When the step applies, as the SOP says ("If permanent").'),
  owner: Recipient.optional(),
});

export const Stage = z.strictObject({
  id: Id,
  label: Text,
  deadline: Target.optional().describe(
    'When the stage must be done, e.g. `{ within: 5m, since: detected }`; none for "Ongoing".',
  ),
  steps: z.array(Step).optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Playbook = z.strictObject({
  id: Id,
  label: Text,
  category: Text.optional().describe('Billing, data, auth, security, …'),
  severity: z.strictObject({ scale: Ref('a scale'), level: Ref('a level') }).optional(),
  severityLabel: Text.optional().describe(
    'The severity as the SOP writes it, when it is not on a scale ("Critical (Security)").',
  ),
  detection: z.array(Text).optional(),
  stages: z.array(Stage).min(1),
  templates: z.array(Ref('a template')).optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const RegulatoryClock = z.strictObject({
  id: Id,
  label: Text,
  authority: Text,
  within: Duration,
  since: Since.default('detected'),
  when: Condition.optional().describe(
    'When the report is required (e.g. GDPR only if EU personal data is involved).',
  ),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const FollowUp = z.strictObject({
  id: Id,
  label: Text,
  within: Duration,
  since: Since.default('resolved'),
  actions: z.array(z.strictObject({ id: Id, label: Text, description: Text.optional() })).min(1),
  when: Condition.optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const IncidentType = z.strictObject({
  id: Id,
  label: Text,
  description: Text,
  playbook: Ref('a playbook').optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Incidents = z
  .strictObject({
    types: z.array(IncidentType).optional(),
    commandRoles: z
      .array(
        z.strictObject({
          role: Ref('a role'),
          responsibility: Text,
          contact: Text.optional(),
          quote: Quote.optional(),
        }),
      )
      .optional()
      .describe('Who leads an incident (incident commander, tech lead, comms lead, executive sponsor).'),
    stages: z
      .array(Stage)
      .optional()
      .describe('The stages every incident goes through, with their deadlines.'),
    playbooks: z.array(Playbook).optional(),
    regulatory: z.array(RegulatoryClock).optional(),
    review: z
      .strictObject({
        within: Target.optional(),
        sections: z.array(z.strictObject({ id: Id, label: Text, prompt: Text })).min(1),
      })
      .optional()
      .describe('The post-incident review and its sections.'),
    followUps: z.array(FollowUp).optional(),
    rules: z
      .array(z.strictObject({ kind: z.enum(['do', 'dont']), text: Text }))
      .optional()
      .describe('Communication rules ("DO NOT speculate about cause").'),
    quote: Quote.optional(),
    facts: Facts.optional(),
  })
  .describe('How incidents are run.');
