/**
 * Building blocks shared by every section of a pack: ids, references, durations, conditions, targets,
 * schedules. Each carries a description, so docs/pack-reference.md is generated from the schema itself.
 */
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';

/** A pack-local id in the SOP's own words, lower-kebab-cased: `p1`, `sev1`, `tier-2`, `in-app-chat`. */
export const Id = z
  .string()
  .regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    'ids are lower-kebab-case: letters, digits and single dashes, e.g. "tier-2"',
  )
  .describe("An id in lower-kebab-case, in the SOP's own words (`p1`, `sev1`, `tier-2`, `in-app-chat`).");

/** A reference to an id defined elsewhere in the pack (checked after loading). */
export const Ref = (what: string) => Id.describe(`The id of ${what} defined in this pack.`);

export const Text = z.string().min(1, 'must not be empty');

/** The seed's own wording, kept verbatim where it matters. */
export const Quote = z.string().min(1).describe("The SOP's own wording, verbatim.");

/** A duration such as `15m`, `4 hours`, `1h30m`, `7d`, `1 week`, or `immediate`; parsed to milliseconds. */
export const Duration = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const text = String(value);
    const parsed = parseDuration(text);
    if (parsed.ok) return parsed.ms;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  })
  .describe(
    'A duration: a number and a unit (s, m/min, h/hours, d/days, w/weeks), e.g. `15m`, `4 hours`, `1h30m`; or `immediate`.',
  );

/** Where a clock starts. */
export const Since = z
  .enum([
    'created',
    'assigned',
    'first-response',
    'escalated',
    'detected',
    'declared',
    'resolved',
    'triaged',
    'deployed',
    'entered',
    'trigger',
    'confirmed-reportable',
  ])
  .describe(
    "The event a clock counts from: `created`, `assigned`, `escalated`, `detected`, `resolved`, `entered` (a state), `trigger` (a journey's), …",
  );

const Comparable = z.union([z.number(), z.string(), z.boolean()]);

/** One comparison of a field (a fact, an attribute of the subject) with a value. */
const Comparison = z
  .strictObject({
    field: z
      .string()
      .min(1)
      .describe('What is compared: `plan`, `channel`, `priority`, `facts.customers_added`, `answer`, …'),
    eq: Comparable.optional(),
    ne: Comparable.optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    in: z.array(Comparable).min(1).optional(),
    exists: z.boolean().optional(),
    contains: z
      .array(z.string().min(1).max(200))
      .min(1)
      .optional()
      .describe(
        'Holds when the text field contains any of these words or phrases, ignoring case; phrases match as whole words (`{ field: text, contains: [app down, crash] }`).',
      ),
  })
  .refine(
    (c) =>
      ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'exists', 'contains'].some(
        (op) => c[op as keyof typeof c] !== undefined,
      ),
    'a comparison needs an operator: eq, ne, gt, gte, lt, lte, in, exists or contains',
  );

export type Condition =
  z.infer<typeof Comparison> | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/** A condition: comparisons combined with `all`, `any` and `not`. `gte: 5` includes 5 ("≥ 5"). */
export const Condition: z.ZodType<Condition> = z
  .lazy(() =>
    z.union([
      z.strictObject({ all: z.array(Condition).min(1) }),
      z.strictObject({ any: z.array(Condition).min(1) }),
      z.strictObject({ not: Condition }),
      Comparison,
    ]),
  )
  .describe(
    'A condition: `{ field, gte: 5 }` (operators eq, ne, gt, gte, lt, lte, in, exists), or `all` / `any` / `not` of conditions. Bounds are inclusive as written: `gte: 5` is "≥ 5".',
  );

/** A deadline: within a duration on a calendar, by a moment, or explicitly none. */
export const Target = z
  .union([
    z.strictObject({
      within: Duration,
      calendar: Ref('a calendar')
        .optional()
        .describe('The calendar the duration is counted on; omitted means wall-clock time (24/7).'),
      since: Since.optional(),
      quote: Quote.optional(),
    }),
    z.strictObject({
      by: z
        .enum(['end-of-business-day', 'next-cycle', 'next-release'])
        .describe('A deadline that is a moment, not a duration.'),
      calendar: Ref('a calendar').optional(),
      schedule: Ref('a checklist or schedule').optional(),
      quote: Quote.optional(),
    }),
    z
      .strictObject({ none: z.literal(true), quote: Quote.optional() })
      .describe('No target (e.g. "Resolution: N/A").'),
  ])
  .describe(
    'A deadline: `{ within: 15m, calendar? }`, `{ by: end-of-business-day | next-cycle | next-release }`, or `{ none: true }`.',
  );

/** How often recurring work happens, in a calendar's zone. */
export const Cadence = z
  .union([
    z.strictObject({
      every: z.enum(['day', 'week', 'two-weeks', 'month', 'quarter', 'half-year', 'year']),
      at: z
        .string()
        .regex(/^\d{2}:\d{2}$/, 'a time of day as HH:MM')
        .optional()
        .describe('When a run opens, local time; default `00:00`, the start of its day.'),
      on: z.string().optional().describe('Weekday (`mon`) or day of month (`1`) where it matters.'),
      calendar: Ref('a calendar').optional(),
      quote: Quote.optional(),
    }),
    z.strictObject({
      cron: z.string().min(9),
      calendar: Ref('a calendar').optional(),
      quote: Quote.optional(),
    }),
    z.strictObject({
      on: z.enum(['every-commit', 'every-pr', 'change', 'before-release', 'real-time', 'as-needed']),
      quote: Quote.optional(),
    }),
  ])
  .describe(
    'A cadence: `{ every: day | week | two-weeks | month | quarter | half-year | year, at?, on? }`, `{ cron }`, or `{ on: every-commit | every-pr | change | before-release | real-time | as-needed }`.',
  );

/** Who: a role, a tier, an on-call rotation or a contact of the pack. */
export const Recipient = z
  .string()
  .regex(
    /^(role|tier|rotation|contact|channel|customer|assignee|reporter):[a-z0-9-]*$/,
    'a recipient is `role:<id>`, `tier:<id>`, `rotation:<id>`, `contact:<id>`, `channel:<id>`, `customer:`, `assignee:` or `reporter:`',
  )
  .describe(
    'Who is meant: `role:<id>`, `tier:<id>`, `rotation:<id>`, `contact:<id>`, `customer:`, `assignee:`, `reporter:`.',
  );

/** The seed fact numbers an item encodes, e.g. `000#38`, so audits can trace every fact. */
export const Facts = z
  .array(z.string().regex(/^\d{3}#\d+$/, 'a fact is cited as `000#12`'))
  .describe('The seed facts this item encodes (`000#38`), see shared/seeds/FACTS.md.');

/** An IANA time zone the runtime knows, e.g. `Asia/Kolkata`; a misspelt zone would silently count SLAs in UTC. */
export const TimeZone = z
  .string()
  .min(1)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'not a known IANA time zone; write it like "Asia/Kolkata", "Europe/London" or "UTC"')
  .describe('An IANA time zone, e.g. `Asia/Kolkata`.');
