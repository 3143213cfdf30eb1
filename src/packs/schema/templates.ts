/** Named messages per channel, with locale variants and declared variables (Liquid bodies). */
import { z } from 'zod';
import { Facts, Id, Quote, Text } from './common.js';
import { CHANNEL_KINDS } from './support.js';

export const Variable = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a variable name is snake_case, e.g. customer_name'),
  description: Text,
  example: Text.optional(),
  required: z.boolean().default(true),
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
