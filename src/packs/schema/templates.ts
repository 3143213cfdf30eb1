/** Named messages per channel, with locale variants and declared variables (Liquid bodies). */
import { z } from 'zod';
import { Facts, Id, Quote, Text } from './common.js';
import { CHANNEL_KINDS } from './support.js';

export const Variable = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a variable name is snake_case, e.g. customer_name'),
  description: Text,
  example: Text.optional(),
  required: z.boolean().default(true),
  from: z
    .enum(['event', 'subject', 'workspace', 'sender'])
    .default('subject')
    .describe(
      "Where the value comes from (default `subject`). `event`: a field of the event that triggers the message (`title` of `incident.declared`); `subject`: a field of the record the message is about (customer name, ticket id, estate name), filled from the record at send time; `workspace`: a setting of the workspace (URLs, support contacts); `sender`: typed by the person who sends the message (a call script's blanks, \"what we did\"). A template sent automatically (a journey's or lifecycle's `send`, `notify`, `survey`) may need only `event` fields its trigger carries, and no `sender` variable unless optional.",
    ),
});

export const TemplateVariant = z.strictObject({
  subject: Text.optional().describe('Email subject (Liquid).'),
  body: Text.describe('The message (Liquid: `{{ customer_name }}`).'),
});

export const Template = z.strictObject({
  id: Id,
  label: Text,
  channel: z.enum(CHANNEL_KINDS),
  audience: z.enum(['customer', 'internal']),
  variables: z.array(Variable).default([]).describe('Every variable the bodies use must be declared here.'),
  locales: z
    .record(z.string().min(2), TemplateVariant)
    .describe('The message per locale, e.g. `hi` and `en`.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});
