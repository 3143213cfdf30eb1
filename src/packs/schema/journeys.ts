/** Journeys: steps at offsets from a trigger, with conditions on facts, branches and exits. */
import { z } from 'zod';
import { Action } from './actions.js';
import { WeeklyHours } from './calendars.js';
import { Condition, Duration, Facts, Id, Quote, Recipient, Text } from './common.js';

export const JourneyStep = z
  .strictObject({
    id: Id,
    label: Text.optional(),
    at: Duration.optional().describe('Offset from the trigger (`0`, `24h`, `7d`).'),
    on: z
      .strictObject({ event: Text, survey: z.string().optional() })
      .optional()
      .describe('Run on an event instead of at an offset (e.g. a survey answer).'),
    owner: Recipient.optional(),
    when: Condition.optional().describe('Run the actions only if this holds at that moment.'),
    actions: z.array(Action).default([]),
    branches: z
      .array(
        z.strictObject({ id: Id, when: Condition, actions: z.array(Action).min(1), quote: Quote.optional() }),
      )
      .optional()
      .describe('Alternatives by condition (NPS 9-10 / 7-8 / 0-6); every matching branch runs.'),
    quote: Quote.optional(),
    facts: Facts.optional(),
  })
  .refine(
    (s) => (s.at === undefined) !== (s.on === undefined),
    'a step has exactly one of `at` (an offset) or `on` (an event)',
  );

export const Journey = z.strictObject({
  id: Id,
  label: Text,
  trigger: z.strictObject({ event: Text, when: Condition.optional() }),
  exitWhen: z.array(Condition).optional().describe('The journey stops for a subject as soon as one holds.'),
  once: z
    .strictObject({
      per: z
        .array(z.string().min(1))
        .optional()
        .describe('Fields whose values make a separate allowance (`[feature]`).'),
      within: z.enum(['calendar-day', 'calendar-week', 'calendar-month', 'ever']),
    })
    .optional()
    .describe(
      'Start at most once per calendar period (in the pack\'s zone) for the same values of `per`: "once per feature per calendar month".',
    ),
  sendWindow: WeeklyHours.optional().describe(
    "When the journey's messages to the customer may go out, in the customer's own zone (the subject's `time_zone` field, e.g. from the contact; else the pack's `timeZone`): `{ daily: ['09:00-21:00'] }`. A message due outside it waits for the window to open; tasks and internal notices are not held.",
  ),
  steps: z.array(JourneyStep).min(1),
  quote: Quote.optional(),
  facts: Facts.optional(),
});
