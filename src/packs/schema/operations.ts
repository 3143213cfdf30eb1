/** Checklists and schedules, releases, and registers (vendors, backups, monitors, KPIs, records, plans). */
import { z } from 'zod';
import { Cadence, Condition, Duration, Facts, Id, Quote, Recipient, Ref, Target, Text } from './common.js';

export const ChecklistItem = z.strictObject({
  id: Id,
  text: Text,
  owner: Recipient.optional(),
  due: Duration.optional().describe('Due this long after the run opens.'),
  cadence: Cadence.optional().describe('For a register of recurring checks: how often this item recurs.'),
  evidence: z.enum(['note', 'link', 'file', 'number', 'none']).default('none'),
  when: Condition.optional().describe(
    'The item applies only if this holds (e.g. the client supports offline bootstrap).',
  ),
  approval: Recipient.optional().describe('Someone in this role must approve the item.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Checklist = z
  .strictObject({
    id: Id,
    label: Text,
    schedule: Cadence.optional().describe(
      'Recurring runs; omit for one-off checklists opened by an event or a person.',
    ),
    trigger: z.strictObject({ event: Text }).optional(),
    owner: Recipient.optional(),
    ordered: z.boolean().default(false).describe('Items must be done in order.'),
    items: z.array(ChecklistItem).min(1),
    quote: Quote.optional(),
    facts: Facts.optional(),
  })
  .describe('A checklist: one-off or recurring.');

export const Releases = z.strictObject({
  types: z
    .array(
      z.strictObject({
        id: Id,
        label: Text,
        frequency: Cadence,
        approver: Recipient,
        rollbackWindow: Target,
        quote: Quote.optional(),
        facts: Facts.optional(),
      }),
    )
    .min(1),
  lifecycle: Ref('a lifecycle').optional(),
  checklist: Ref('a checklist').optional(),
  monitorFor: Duration.optional().describe('How long a deploy is watched before it is announced.'),
  shippedOn: Text.default('deployed').describe(
    'The lifecycle event at which a release has shipped (default `deployed`): the rollback window and the monitoring hour count from it, and bugs due by the next release are late when one ships without them.',
  ),
  template: Ref('a template')
    .optional()
    .describe(
      'The template release notes are written from: variables `title`, `version`, `release_type`, `notes`, `fixed_bugs` (one line per bug it fixes).',
    ),
  rollback: z
    .array(z.strictObject({ id: Id, text: Text, command: Text.optional(), quote: Quote.optional() }))
    .optional(),
});

const Percent = z.number().min(0).max(100);

export const Vendors = z
  .strictObject({
    categories: z.array(
      z.strictObject({
        id: Id,
        label: Text,
        examples: z.array(Text).optional(),
        risk: z.enum(['high', 'medium', 'low']),
        review: Cadence,
        facts: Facts.optional(),
      }),
    ),
    criteria: z.array(
      z.strictObject({ id: Id, label: Text, weightPercent: Percent, scoring: Text, facts: Facts.optional() }),
    ),
    vendors: z.array(
      z.strictObject({
        id: Id,
        name: Text,
        service: Text,
        category: Ref('a vendor category'),
        contractEnd: z.union([
          z.literal('rolling'),
          z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'YYYY-MM or YYYY-MM-DD'),
        ]),
        owner: Text,
        quote: Quote.optional(),
        facts: Facts.optional(),
      }),
    ),
  })
  .superRefine((v, ctx) => {
    const sum = v.criteria.reduce((total, c) => total + c.weightPercent, 0);
    if (v.criteria.length > 0 && Math.abs(sum - 100) > 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: `the criteria weights sum to ${sum} %; they must sum to 100 %`,
      });
    }
  });

export const Backups = z.strictObject({
  sets: z.array(
    z.strictObject({
      id: Id,
      data: Text,
      frequency: z.union([Cadence, z.strictObject({ every: z.literal('hour') })]),
      retention: Duration,
      location: Text,
      quote: Quote.optional(),
      facts: Facts.optional(),
    }),
  ),
  objectives: z
    .array(z.strictObject({ id: Id, scenario: Text, rto: Duration, rpo: Duration, facts: Facts.optional() }))
    .optional()
    .describe('Recovery time and point objectives per scenario.'),
  procedures: z
    .array(
      z.strictObject({
        id: Id,
        label: Text,
        steps: z.array(z.strictObject({ text: Text, command: Text.optional() })).min(1),
        facts: Facts.optional(),
      }),
    )
    .optional(),
});

export const Monitors = z.strictObject({
  checks: z
    .array(
      z.strictObject({
        id: Id,
        label: Text,
        kind: z.enum(['http', 'tcp', 'metrics', 'business-metrics', 'errors', 'login-rate', 'custom']),
        every: z.union([Duration, z.literal('real-time')]),
        target: Text.optional().describe('A URL or host:port, where the SOP names one.'),
        quote: Quote.optional(),
        facts: Facts.optional(),
      }),
    )
    .optional(),
  heartbeats: z
    .array(
      z.strictObject({
        id: Id,
        label: Text,
        period: z.union([Duration, Cadence]),
        grace: Duration,
        facts: Facts.optional(),
      }),
    )
    .optional(),
  thresholds: z
    .array(
      z.strictObject({
        id: Id,
        metric: Text,
        op: z.enum(['<', '<=', '>', '>=']),
        value: z.number(),
        unit: Text.optional(),
        sustainedFor: Duration.optional(),
        level: z.strictObject({ scale: Ref('a scale'), level: Ref('a level') }).optional(),
        quote: Quote.optional(),
        facts: Facts.optional(),
      }),
    )
    .optional(),
});

export const Kpi = z.strictObject({
  id: Id,
  label: Text,
  target: z.strictObject({
    op: z.enum(['<', '<=', '>', '>=', '=']),
    value: z.number(),
    unit: Text.optional().describe('`%`, `min`, `h`, `/5`, `score`, …'),
    share: Percent.optional().describe(
      'For targets like "95% within 1 hour": the share of items that must meet it.',
    ),
  }),
  scope: Text.optional().describe('What it is measured over ("P0/P1", "Pro plan").'),
  measuredBy: Text.optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const RecordKind = z.strictObject({
  id: Id,
  label: Text,
  fields: z
    .array(
      z.strictObject({
        name: Id,
        required: z.boolean(),
        format: z.enum(['text', 'phone', 'email', 'number', 'id']).default('text'),
      }),
    )
    .min(1),
  controls: z.array(Text).optional().describe('Rules for importing and keeping these records.'),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const Plan = z.strictObject({
  id: Id,
  label: Text,
  trial: Duration.optional().describe('Length of the free trial.'),
  dataRetentionAfterCancel: Duration.optional(),
  uptimeTarget: Percent.optional(),
  limits: z.record(Id, z.number()).optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});
