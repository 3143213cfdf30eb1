/**
 * The generic JSON shape of ours, `{ "id", "type", "account", "occurredAt", …fields }`, signed with Standard
 * Webhooks (src/channels/standard-webhooks.ts): for a payment provider other than Stripe, or a billing system.
 */
import { z } from 'zod';
import { closestName } from '../../packs/suggest.js';
import { DEFAULT_TOLERANCE_SECONDS, verifyWebhook } from '../../channels/standard-webhooks.js';
import {
  Currency,
  fail,
  parseJson,
  PAYMENT_EVENT_TYPES,
  problems,
  readable,
  type PaymentEvent,
  type PaymentEventType,
  type Verified,
} from './payment-events-shared.js';

const Text = z.string().trim().min(1).max(200);
const MONEY = {
  amount: z.number().nonnegative().finite().optional(),
  currency: Currency.transform((code) => code.toUpperCase()).optional(),
};
/** The catalog's fields of each type, and `reference`, `currency` for deduplication and display. */
const GENERIC_FIELDS: Readonly<Record<PaymentEventType, z.ZodRawShape>> = {
  'payment.failed': {
    ...MONEY,
    attempt: z.number().int().positive().optional(),
    permanent: z.boolean().optional(),
  },
  'payment.succeeded': MONEY,
  'payment.confirmed': { ...MONEY, method: Text.optional() },
  'payment-method.updated': {},
  'trial.started': {},
  'subscription.activated': {},
  'subscription.upgraded': {},
  'subscription.cancelled': {},
};
const GenericHead = z.looseObject({
  id: Text,
  type: z.enum(PAYMENT_EVENT_TYPES),
  account: Text,
  occurredAt: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 instant with an offset' }),
  plan: Text.optional(),
  reason: Text.optional(),
  reference: Text.optional(),
});
const GENERIC_HINT = `send { "id", "type", "account", "occurredAt", …fields }; type is one of ${PAYMENT_EVENT_TYPES.join(', ')}`;

const isPaymentEventType = (value: unknown): value is PaymentEventType =>
  (PAYMENT_EVENT_TYPES as readonly unknown[]).includes(value);

function readGeneric(json: unknown): Verified<PaymentEvent> {
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (!isPaymentEventType(type)) {
    // Which fields are allowed depends on the type: without one, only the envelope can be checked.
    const head = GenericHead.safeParse(json, { error: readable });
    const near = typeof type === 'string' ? closestName(type, PAYMENT_EVENT_TYPES) : undefined;
    const hint = near ? `did you mean "${near}"? ${GENERIC_HINT}` : GENERIC_HINT;
    return fail('PAYLOAD_INVALID', head.success ? 'type: missing' : problems(head.error, ''), hint);
  }
  const schema = z.strictObject({ ...GenericHead.shape, ...GENERIC_FIELDS[type] });
  const allowed = Object.keys(schema.shape);
  const parsed = schema.safeParse(json, { error: readable });
  if (!parsed.success)
    return fail(
      'PAYLOAD_INVALID',
      problems(parsed.error, '', allowed),
      `${type} takes: ${allowed.join(', ')}`,
    );
  const { id, account, occurredAt, ...rest } = parsed.data;
  const fields: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(rest)) {
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (scalar && name !== 'type') fields[name] = value;
  }
  return { ok: true, value: { deliveryId: id, occurredAtMs: Date.parse(occurredAt), account, type, fields } };
}

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * Checks a generic delivery with the Standard Webhooks verifier (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, five minutes either way) and reads its body, `{ "id", "type", "account",
 * "occurredAt", …fields }`: every problem is named with its field. Throws only on a secret with no key,
 * which configuration refuses (isWebhookSecret).
 *
 * @example verifyGeneric(rawBody, request.headers, [secret], clock.now())
 */
export function verifyGeneric(
  rawBody: string,
  headers: Record<string, string | undefined>,
  secrets: readonly string[],
  nowMs: number,
): Verified<PaymentEvent> {
  const missing = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].filter((h) => !header(headers, h));
  if (missing.length > 0)
    return fail(
      'SIGNATURE_MISSING',
      `missing header: ${missing.join(', ')}`,
      'sign with Standard Webhooks (https://www.standardwebhooks.com): webhook-id, webhook-timestamp, webhook-signature',
    );
  const nowS = Math.floor(nowMs / 1000);
  const verdict = verifyWebhook(secrets, headers, rawBody, nowS);
  if (!verdict.ok) {
    const timestamp = header(headers, 'webhook-timestamp') ?? '';
    const stale =
      /^\d{1,12}$/.test(timestamp) && Math.abs(nowS - Number(timestamp)) > DEFAULT_TOLERANCE_SECONDS;
    return stale
      ? fail(
          'SIGNATURE_EXPIRED',
          verdict.reason,
          "sign each attempt at send time, and check the sender's clock",
        )
      : fail(
          'SIGNATURE_INVALID',
          verdict.reason,
          secrets.length === 0
            ? 'no signing secret is configured'
            : 'sign with a current secret of this endpoint',
        );
  }
  const json = parseJson(rawBody);
  return json.ok ? readGeneric(json.value) : json;
}
