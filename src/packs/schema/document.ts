/** `pack.yaml`: document control. The rendered SOP opens with this table. */
import { z } from 'zod';
import { Facts, Id, Text, TimeZone } from './common.js';

const IsoDate = z.iso.date().describe('A date, `YYYY-MM-DD`.');

export const ChangelogEntry = z.strictObject({
  version: Text,
  date: z
    .union([IsoDate, z.string().regex(/^\d{4}-\d{2}$/, 'a month as YYYY-MM')])
    .describe('`YYYY-MM-DD`, or `YYYY-MM` when the SOP gives only a month.'),
  author: Text,
  changes: Text,
});

export const PackDocument = z
  .strictObject({
    id: Id.describe('The pack id, e.g. `shopsmart-pro`.'),
    title: Text.describe("The SOP's title."),
    version: Text.describe(
      "The pack's version, e.g. `1.0.0`. Every governed record stores the version it ran under.",
    ),
    owner: Text.describe('Who maintains this SOP (a role or team).'),
    approver: Text.describe('Who approved this version (a role).'),
    effective: z
      .union([IsoDate, z.string().regex(/^\d{4}-\d{2}$/)])
      .describe('When this version took effect (`YYYY-MM-DD` or `YYYY-MM`).'),
    review: z
      .union([
        z.strictObject({ by: z.union([IsoDate, z.string().regex(/^\d{4}-\d{2}$/)]) }),
        z.strictObject({ every: z.enum(['month', 'quarter', 'half-year', 'year']) }),
        z.strictObject({ after: Text.describe('A review tied to an event, e.g. "Post-launch week 1".') }),
      ])
      .describe(
        'When the SOP must be reviewed: `{ by: date }`, `{ every: quarter }`, or `{ after: "…" }`. A passed review date raises a task for the owner.',
      ),
    timeZone: TimeZone.describe('The IANA time zone calendars default to, e.g. `Asia/Kolkata`.'),
    locales: z
      .array(z.string().min(2))
      .min(1)
      .describe("The languages of the pack's templates, the first being the default, e.g. `[en, hi]`."),
    source: z.string().optional().describe('Where the SOP came from, e.g. the seed file.'),
    purpose: Text.optional(),
    scope: Text.optional(),
    changelog: z.array(ChangelogEntry).min(1),
    facts: Facts.optional(),
  })
  .describe('Document control, in `pack.yaml`.');
