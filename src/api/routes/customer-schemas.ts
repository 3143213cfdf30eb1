/**
 * The request and answer shapes the customer routes share (issue 9), and their retry of a unit of work
 * that lost a race to create an engine subject.
 */
import { z } from 'zod';
import { TimeZone } from '../../packs/schema/common.js';
import { NoActivePackError, UnknownSubjectError } from '../../engine/engine.js';
import { SubjectConflictError } from '../../engine/subjects.js';
import { OpsError } from '../../errors/catalog.js';
import { pgCode } from '../../store/database.js';
import { ACCOUNT_ID } from '../../modules/customers/accounts.js';
import { FACT_NAME, RESERVED_FACTS } from '../../modules/customers/facts.js';

export const TAGS = ['customers'];
export const W = z.strictObject({ workspaceId: z.string().min(1).max(64) });
export const AccountId = z
  .string()
  .regex(
    ACCOUNT_ID,
    "Use the SaaS's own id: letters, digits and _ - . : (up to 64), starting with a letter or digit.",
  );
export const A = W.extend({ accountId: AccountId });
export const C = A.extend({ contactId: z.string().min(1).max(64) });
export const Text = (max: number) => z.string().trim().min(1).max(max);
export const Scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
export const Custom = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), Scalar)
  .refine((r) => Object.keys(r).length <= 50, 'At most 50 custom fields.');
export const Facts = z
  .record(
    z
      .string()
      .regex(FACT_NAME, 'Fact names are lower_snake_case, e.g. customers_added.')
      .refine(
        (name) => !RESERVED_FACTS.has(name),
        "Set only with a payment's confirmation (a verified payment webhook or finance's manual payment).",
      ),
    Scalar,
  )
  .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 100, 'Send 1 to 100 facts.');
export const Limit = z.coerce.number().int().min(1).max(500).default(50);

export const Account = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  plan: z.string().nullable(),
  ownerUserId: z.string().nullable(),
  custom: z.record(z.string(), Scalar),
  facts: z.record(z.string(), Scalar),
  factsAt: z.record(z.string(), z.string()),
  lifecycles: z.record(z.string(), z.string()),
  state: z.string(),
  contacts: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const AccountFields = {
  name: Text(200),
  kind: Text(40).optional().describe('What the customer is: shop, estate, organisation.'),
  plan: Text(60).nullable().optional(),
  ownerUserId: Text(64).nullable().optional().describe('The team member who owns the relationship.'),
  custom: Custom.optional().describe('Custom fields; on PATCH merged key by key, null removes one.'),
};
export const Contact = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  locale: z.string().nullable(),
  timeZone: z.string().nullable(),
  role: z.string().nullable(),
  unit: z.string().nullable(),
  status: z.enum(['active', 'suspended']),
  registeredAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const ContactFields = {
  name: Text(200),
  phone: z.string().trim().max(40).nullable().optional().describe('E.164, e.g. +919876543210.'),
  email: z.email().max(254).nullable().optional(),
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A BCP 47 tag such as hi-IN or en.')
    .nullable()
    .optional(),
  timeZone: TimeZone.max(64)
    .nullable()
    .optional()
    .describe(
      "IANA zone, e.g. Asia/Kolkata: the journey's send window is read in it (else the pack's zone).",
    ),
  role: Text(60)
    .nullable()
    .optional()
    .describe("An account role of the pack (resident, guard) or the SaaS's own."),
  unit: Text(60).nullable().optional(),
};
export const FactBatch = z.strictObject({
  facts: Facts,
  at: z.iso.datetime({ offset: true }).optional().describe('When the SaaS observed the values; default now.'),
  key: Text(200).optional().describe('Idempotency key: a batch already applied is not applied again.'),
});
export const Outcome = z.object({
  account: z.string(),
  duplicate: z.boolean(),
  applied: z.array(z.string()),
  stale: z.array(z.string()).describe('Facts for which a newer value was already stored.'),
  changed: z.array(z.string()),
});

/**
 * Runs a unit of work again (up to 4 times in all) when it lost a race: a concurrent writer created the same
 * engine subject, or PostgreSQL broke a deadlock by aborting it. A deadlock is possible because the
 * engine locks a subject and then mirrors its account's row, while the customer use cases lock the
 * account's row and then ask the engine; the aborted one runs again on fresh state.
 */
export async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isLostRace(err) || attempt >= 4) engineProblem(err);
    }
  }
}

export function isLostRace(err: unknown): boolean {
  if (err instanceof SubjectConflictError) return true;
  const code = pgCode(err);
  return code === '40P01' || code === '40001';
}

/** What the engine says when a use case cannot run, as the API's errors. */
export function engineProblem(err: unknown): never {
  if (err instanceof NoActivePackError)
    throw new OpsError('OPS_NO_ACTIVE_PACK', 'No pack governs this workspace yet: activate one first.');
  if (err instanceof UnknownSubjectError) throw new OpsError('OPS_NOT_FOUND', err.message);
  throw err;
}
