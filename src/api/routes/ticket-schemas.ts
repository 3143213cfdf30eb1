/** The zod schemas of the agent help-desk API (docs: /tmp/notes/docs-api.md, the API contract). */
import { z } from 'zod';
import { SETTABLE_STATUSES } from '../../modules/support/field-checks.js';
import { TICKET_SORTS } from '../../modules/support/queries.js';
import { BULK_ACTIONS } from '../../modules/support/bulk.js';

export const Id = z.string().min(1).max(64);
export const Slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, dashes');
export const W = z.strictObject({ workspaceId: Id });
export const TicketNumber = z.coerce
  .number()
  .int()
  .min(1)
  .max(2_147_483_647)
  .describe('The ticket number (`1042` for #1042).');
export const N = W.extend({ number: TicketNumber });
const Instant = z.iso.datetime({ offset: true });
const Phone = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'a phone number in E.164 form, e.g. +919876543210');
const Email = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/, 'an email address such as ana@example.com');
const Recipient = z
  .string()
  .max(100)
  .regex(
    /^(role|tier|rotation|contact|channel|customer|assignee|reporter):[a-z0-9-]*$/,
    'a target such as `tier:l2-support` or `role:management`',
  );

/** A comma-separated list of ids (`open,pending`). */
const List = z
  .string()
  .max(1000)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(Slug).max(50));
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListQuery = z
  .strictObject({
    status: List.optional().describe('Comma-separated; `all` for every status. Default: open work.'),
    tier: List.optional().describe('Comma-separated tier ids; `untiered` for tickets with none.'),
    priority: List.optional(),
    channel: List.optional(),
    category: List.optional(),
    assignee: z.string().min(1).max(64).optional().describe('`me`, `none` or a user id.'),
    breached: Bool.optional(),
    q: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Words of the title, requester email or name; or #number.'),
    from: Instant.optional().describe('Created at or after.'),
    to: Instant.optional().describe('Created before.'),
    clock: z.enum(['first-response', 'resolution']).optional(),
    verdict: z.enum(['met', 'breached']).optional(),
    reopened: Bool.optional().describe('Reopened within the pack window (the reopen-rate figure).'),
    fcr: z.literal('true').optional().describe('Tagged first-contact resolution.'),
    csat: z.coerce.number().int().min(1).max(5).optional(),
    sort: z.enum(TICKET_SORTS).default('due'),
    cursor: z.string().min(1).max(500).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => (q.clock === undefined) === (q.verdict === undefined), {
    message: '`clock` and `verdict` go together',
    path: ['verdict'],
  });

const Clock = z.object({
  id: z.string(),
  phase: z.string(),
  due: z.string().nullable(),
  derivation: z.string(),
});
export const TicketView = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  status: z.string(),
  priority: z.string(),
  category: z.string().nullable(),
  tier: z.string().nullable(),
  channel: z.string(),
  assignee: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  requester: z.object({
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  account: z.string().nullable(),
  plan: z.string().nullable(),
  locale: z.string().nullable(),
  tags: z.array(z.string()),
  triage: z.object({
    rule: z.string().nullable(),
    quote: z.string().optional(),
    set: z.record(z.string(), z.string()),
    overrides: z.array(
      z.object({
        field: z.string(),
        from: z.string().nullable(),
        to: z.string(),
        by: z.string(),
        at: z.string(),
      }),
    ),
  }),
  clocks: z.array(Clock),
  nextDueAt: z.string().nullable(),
  breached: z.boolean(),
  firstResponseAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  reopenedCount: z.number(),
  escalatedAt: z.string().nullable(),
  incident: z.string().nullable(),
  mergedInto: z.string().nullable(),
  csat: z.object({ score: z.number(), comment: z.string().nullable(), at: z.string().nullable() }).nullable(),
  messageCount: z.number(),
  lastMessageAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  pack: z.object({ id: z.string(), version: z.string() }).nullable(),
});

export const Message = z.object({
  id: z.string(),
  kind: z.string(),
  direction: z.string(),
  author: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  channel: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  createdAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  attachments: z.array(
    z.object({ id: z.string(), filename: z.string(), contentType: z.string(), sizeBytes: z.number() }),
  ),
});

export const TicketDetail = TicketView.extend({
  messages: z.array(Message),
  knowledge: z.array(z.object({ id: z.string(), issue: z.string(), firstChecks: z.array(z.string()) })),
  escalations: z.array(
    z.object({ id: z.string(), label: z.string(), from: z.string(), to: z.string(), reason: z.string() }),
  ),
  timeline: z.array(z.object({ at: z.string(), type: z.string(), actor: z.string(), data: z.unknown() })),
  suggestedArticles: z.array(z.object({ slug: z.string(), title: z.string(), url: z.string() })),
});

const Call = z.strictObject({
  durationSeconds: z.number().int().min(0).max(86_400),
  outcome: z.string().trim().min(1).max(200),
});

export const CreateBody = z.strictObject({
  title: z.string().trim().min(1).max(500),
  text: z
    .string()
    .trim()
    .min(1)
    .max(100_000)
    .describe("The customer's words, or the notes of a logged call."),
  channel: Slug.optional().describe('A customer channel of the pack, `api` (default) or `phone`.'),
  requester: z
    .strictObject({
      name: z.string().trim().min(1).max(200).optional(),
      email: Email.optional(),
      phone: Phone.optional(),
    })
    .refine((r) => r.name || r.email || r.phone, 'give the requester a name, an email or a phone number'),
  priority: Slug.optional(),
  category: Slug.optional(),
  tier: Slug.optional(),
  tags: z.array(Slug).max(20).optional(),
  assigneeId: Id.optional(),
  account: z.string().trim().min(1).max(200).optional(),
  plan: z.string().trim().min(1).max(100).optional(),
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, 'a language tag such as `hi` or `en-IN`')
    .optional(),
  call: Call.optional().describe('A logged phone call: the first message is a `call` by the agent.'),
});

export const PatchBody = z
  .strictObject({
    priority: Slug.optional(),
    category: Slug.optional(),
    tier: Slug.optional(),
    status: z.enum(SETTABLE_STATUSES).optional().describe('Resolve and reopen have their own routes.'),
    tags: z.array(Slug).max(20).optional(),
    assigneeId: Id.nullable().optional().describe('null unassigns.'),
    title: z.string().trim().min(1).max(500).optional(),
    incident: z
      .string()
      .regex(/^incident:[A-Za-z0-9_-]{1,64}$/, 'an incident subject such as `incident:I7`')
      .nullable()
      .optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'say what to change');

export const MessageBody = z
  .strictObject({
    kind: z.enum(['reply', 'note', 'call']),
    text: z.string().trim().min(1).max(100_000),
    html: z.string().max(200_000).optional().describe('Sanitised before it is stored.'),
    template: Slug.optional().describe('The composer template it started from (recorded on the message).'),
    mentions: z.array(Id).max(20).optional().describe('Members told in the app (notes).'),
    call: Call.optional(),
  })
  .refine((b) => b.call === undefined || b.kind === 'call', {
    message: '`call` goes with kind `call`',
    path: ['call'],
  });

export const EscalateBody = z.strictObject({
  to: Recipient,
  reason: z.string().trim().min(1).max(500).optional().describe('A reason of the escalation matrix.'),
});
export const ResolveBody = z.strictObject({ firstContact: z.boolean().optional() });
export const MergeBody = z.strictObject({ into: z.number().int().min(1).max(2_147_483_647) });
export const BulkBody = z.strictObject({
  numbers: z.array(z.number().int().min(1).max(2_147_483_647)).min(1).max(100),
  action: z.enum(BULK_ACTIONS),
  value: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .optional()
    .describe('assign: a user id (null unassigns); priority; status; tag. Not for resolve.'),
});
