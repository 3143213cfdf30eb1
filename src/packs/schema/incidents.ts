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

/**
 * How alerts become incidents (issue 8 "Detect"): the first rule whose `match` holds decides an alert's
 * severity level, whether it opens an incident and how alerts are grouped into one. Without a matching rule
 * a raw severity maps onto the incident scale in order (critical, error, warning, info: most severe first)
 * and `info` opens no incident (docs/alerts.md).
 */
export const AlertRule = z.strictObject({
  id: Id,
  label: Text.optional(),
  match: z
    .strictObject({
      source: z
        .array(Text)
        .min(1)
        .optional()
        .describe(
          'Where the alert comes from: `alertmanager`, `pagerduty`, `generic`, `check`, `heartbeat`, `threshold`, or one monitor (`threshold:cpu-usage`).',
        ),
      severity: z
        .array(Text)
        .min(1)
        .optional()
        .describe('The severity as sent (`critical`, `warning`, a level id, `alert`), any of these.'),
      labels: z
        .record(Text, z.union([Text, z.array(Text).min(1)]))
        .optional()
        .describe('Labels that must have one of the values given (`alertname`, `service`, `team`).'),
    })
    .optional()
    .describe('What the rule applies to; every part given must hold. No `match`: every alert.'),
  severity: Text.optional().describe('A level of the incident scale; else the sent severity mapped onto it.'),
  incident: z
    .enum(['open', 'none'])
    .optional()
    .describe(
      '`none`: the alert is recorded and shown but opens no incident. Default: open (none for info).',
    ),
  groupBy: z
    .array(Text)
    .min(1)
    .optional()
    .describe('Labels whose values group alerts into one incident, across sources (`[service]`).'),
  type: Text.optional().describe('The incident type (or playbook) an incident it opens gets.'),
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
    alertRules: z
      .array(AlertRule)
      .optional()
      .describe('How alerts map to severities and incidents; the first matching rule wins.'),
    rules: z
      .array(z.strictObject({ kind: z.enum(['do', 'dont']), text: Text }))
      .optional()
      .describe('Communication rules ("DO NOT speculate about cause").'),
    quote: Quote.optional(),
    facts: Facts.optional(),
  })
  .describe('How incidents are run.');
