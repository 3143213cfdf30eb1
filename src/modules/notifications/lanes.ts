/**
 * The dispatcher's lanes for notifications: `notify` expands a recorded notification into deliveries;
 * one lane per transport sends them through its adapter. Each lane has its own concurrency and retry
 * schedule (src/core/notify/retry.ts), so a slow provider holds up only its own channel.
 */
import { and, eq, sql } from 'drizzle-orm';
import type {
  ChannelAdapter,
  Delivery,
  DeliveryKind,
  DeliveryTarget,
  SendOutcome,
} from '../../channels/types.js';
import { retryScheduleOf } from '../../core/notify/retry.js';
import type { Lane } from '../../engine/dispatcher.js';
import { NOTIFY_CHANNEL, type OutboxMessage } from '../../engine/outbox.js';
import { sqlNow } from '../../engine/sql-time.js';
import type { Database, Tx } from '../../store/database.js';
import { destinations } from '../../store/schema.js';
import { expandNotification } from './expand.js';
import type { Targets } from './targets.js';
import { reportUndeliverable } from './undeliverable.js';

export interface LaneOptions {
  readonly database: Database;
  readonly adapters: readonly ChannelAdapter[];
  readonly targets: Targets;
  /** The dispatcher's clock (null: the database's). */
  readonly now: () => Date | null;
  readonly publicUrl: string;
  readonly sendTimeoutMs: number;
  /** Messages in flight per lane (default: 32 for email and webhooks, 8 for the others). */
  readonly concurrency?: Partial<Record<DeliveryKind | 'notify', number>>;
  readonly batchSize?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Builds what an adapter sends from a delivery row; a target that cannot be reached is an outcome. */
async function deliveryOf(
  kind: DeliveryKind,
  message: OutboxMessage,
  targets: Targets,
): Promise<Delivery | Extract<SendOutcome, { ok: false }>> {
  const p = message.payload;
  const to = str(p.to) ?? '';
  let target: DeliveryTarget = { address: to, ...(str(p.name) ? { name: str(p.name)! } : {}) };
  if (kind === 'slack' || kind === 'webhook') {
    // What is cached as missing or disabled is read again before giving up: it may just have been fixed.
    let destination = await targets.destination(message.workspaceId, to);
    if (!destination || destination.disabledReason)
      destination = await targets.destination(message.workspaceId, to, true);
    const what = kind === 'slack' ? 'Slack incoming-webhook URL' : 'webhook endpoint';
    if (!destination)
      return {
        ok: false,
        retryable: false,
        error: `no ${what} is set up for channel "${to}": add one in Admin → Notifications`,
      };
    if (destination.disabledReason)
      return {
        ok: false,
        retryable: false,
        error: `the ${what} of channel "${to}" is disabled (${destination.disabledReason}); re-enable it in Admin → Notifications`,
      };
    target = { address: destination.url, secrets: destination.secrets };
  }
  const context = p.context ?? undefined;
  return {
    id: message.id,
    workspaceId: message.workspaceId,
    attempt: message.attempts,
    kind,
    target,
    text: str(p.text) ?? '',
    automatic: p.automatic !== false,
    ...(p.sensitive === true ? { sensitive: true } : {}),
    ...(str(p.subject) !== undefined ? { subject: str(p.subject)! } : {}),
    ...(str(p.html) ? { html: str(p.html)! } : {}),
    ...(str(p.locale) ? { locale: str(p.locale)! } : {}),
    ...(str(p.unsubscribeUrl) ? { unsubscribeUrl: str(p.unsubscribeUrl)! } : {}),
    ...(Array.isArray(p.references)
      ? { references: p.references.filter((r): r is string => typeof r === 'string') }
      : {}),
    ...(context ? { context } : {}),
  };
}

async function giveUp(
  tx: Tx,
  kind: DeliveryKind,
  message: OutboxMessage,
  outcome: Extract<SendOutcome, { ok: false }>,
  targets: Targets,
  now: Date | null,
): Promise<void> {
  const destination = str(message.payload.to);
  if (outcome.disable && (kind === 'webhook' || kind === 'slack') && destination) {
    // The far end said 410 Gone: stop sending there until someone re-enables it.
    await tx
      .update(destinations)
      .set({ disabledAt: sqlNow(now), disabledReason: outcome.error.slice(0, 500) })
      .where(and(eq(destinations.id, destination), sql`${destinations.disabledAt} is null`));
    targets.forget(message.workspaceId);
    await reportUndeliverable(tx, message, `the endpoint was disabled: ${outcome.error}`, now);
    return;
  }
  if (message.critical || kind === 'webhook')
    await reportUndeliverable(tx, message, `gave up: ${outcome.error}`, now);
}

export function notificationLanes(options: LaneOptions): Lane[] {
  const { database, targets } = options;
  const lanes: Lane[] = [
    {
      channel: NOTIFY_CHANNEL,
      concurrency: options.concurrency?.notify ?? 2,
      batchSize: options.batchSize ?? 50,
      timeoutMs: Math.max(options.sendTimeoutMs, 30_000),
      retry: retryScheduleOf('notify'),
      run: (message, _signal, token) =>
        expandNotification(database, message, token, { now: options.now, publicUrl: options.publicUrl }),
    },
  ];
  for (const adapter of options.adapters) {
    const kind = adapter.kind;
    lanes.push({
      channel: kind,
      // Measured (bench/delivery.ts): email wants many sends in flight over a pooled SMTP client, webhooks
      // large batches; the Twilio-compatible APIs throttle, so their lanes stay narrower.
      concurrency: options.concurrency?.[kind] ?? (kind === 'email' || kind === 'webhook' ? 32 : 8),
      batchSize: options.batchSize ?? (kind === 'email' || kind === 'webhook' ? 200 : 50),
      timeoutMs: options.sendTimeoutMs,
      retry: retryScheduleOf(kind),
      async run(message, signal) {
        const delivery = await deliveryOf(kind, message, targets);
        return 'ok' in delivery ? delivery : adapter.send(delivery, signal);
      },
      onGiveUp: (tx, message, outcome) => giveUp(tx, kind, message, outcome, targets, options.now()),
    });
  }
  return lanes;
}
