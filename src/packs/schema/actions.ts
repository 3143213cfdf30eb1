/** What journeys, lifecycles and checklists do: each action is an object with one key. */
import { z } from 'zod';
import { Duration, Recipient, Ref, Text } from './common.js';

export const Action = z
  .union([
    z.strictObject({
      send: Ref('a template'),
      to: Recipient.optional(),
      channel: Ref('a channel').optional(),
    }),
    z.strictObject({
      task: z.strictObject({
        title: Text,
        for: Recipient,
        script: Ref('a template').optional().describe('A script the person follows, e.g. a call script.'),
        due: Duration.optional(),
      }),
    }),
    z.strictObject({ flag: z.strictObject({ label: Text, for: Recipient.optional() }) }),
    z.strictObject({
      survey: z.strictObject({
        id: z.string().min(1),
        template: Ref('a template'),
        kind: z
          .enum(['nps', 'csat'])
          .optional()
          .describe('`nps` (0-10, the default) or `csat` (1-5): the answers the survey link accepts.'),
      }),
    }),
    z.strictObject({ escalate: z.strictObject({ to: Recipient, reason: Text.optional() }) }),
    z.strictObject({
      record: z
        .strictObject({ what: Text, system: Text.optional() })
        .describe('Something an integration records, e.g. a CRM record.'),
    }),
    z.strictObject({ transition: z.strictObject({ lifecycle: Ref('a lifecycle'), to: Ref('a state') }) }),
    z.strictObject({ checklist: Ref('a checklist').describe('Opens a run of a checklist.') }),
    z.strictObject({ handoff: z.strictObject({ to: Recipient, items: z.array(Text).min(1) }) }),
    z.strictObject({
      notify: z.strictObject({
        route: Ref('a route').optional(),
        to: Recipient.optional(),
        template: Ref('a template').optional(),
      }),
    }),
  ])
  .describe(
    'One of: `send`, `task`, `flag`, `survey`, `escalate`, `record`, `transition`, `checklist`, `handoff`, `notify`.',
  );

export type Action = z.infer<typeof Action>;
