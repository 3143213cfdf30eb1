/**
 * The `notify` lane: turns a notification the engine recorded into its deliveries, in one transaction with
 * marking the notification expanded, so each delivery is recorded exactly once (its idempotency key is the
 * notification's plus the transport and address). Who is meant is read now, when the message is due (after
 * channel hours), so the people on duty then are the ones told.
 */
import { and, eq, sql } from 'drizzle-orm';
import {
  isCriticalLevel,
  planDeliveries,
  type NotifyIntent,
  type PlannedDelivery,
} from '../../core/notify/plan.js';
import type { Fields } from '../../core/decide/types.js';
import type { LaneResult } from '../../engine/dispatcher.js';
import { enqueueMessage, messageId, type OutboxMessage } from '../../engine/outbox.js';
import { loadSubject } from '../../engine/subjects.js';
import { sqlNow } from '../../engine/sql-time.js';
import { rowsOf, type Database, type Tx } from '../../store/database.js';
import { deliveryAttempts, outbox, workspaces } from '../../store/schema.js';
import { inviteToSurvey, isSurveyScale, surveyLink } from '../customers/surveys.js';
import { directoryOf, governingPolicy } from './directory.js';
import { reportUndeliverable } from './undeliverable.js';
import { isJourneyRule, newUnsubscribeToken, unsubscribedAmong, unsubscribeUrl } from './unsubscribe.js';

function intentOf(payload: Record<string, unknown>): NotifyIntent {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    channel: str(payload.channel) ?? '',
    to: Array.isArray(payload.to) ? payload.to.filter((t): t is string => typeof t === 'string') : [],
    subject: str(payload.subject) ?? '',
    ...(str(payload.template) ? { template: str(payload.template)! } : {}),
    ...(str(payload.level) ? { level: str(payload.level)! } : {}),
    ...(str(payload.route) ? { route: str(payload.route)! } : {}),
    ...(str(payload.rule) ? { rule: str(payload.rule)! } : {}),
  };
}

function deliveryPayload(
  d: PlannedDelivery,
  intent: NotifyIntent,
  publicUrl: string,
): Record<string, unknown> {
  return {
    to: d.address,
    ...(d.name ? { name: d.name } : {}),
    ...(d.userId ? { userId: d.userId } : {}),
    ...(d.subject !== undefined ? { subject: d.subject } : {}),
    text: d.text,
    ...(d.locale ? { locale: d.locale } : {}),
    automatic: true,
    context: {
      subject: intent.subject,
      eventType: 'notify',
      ...(intent.level ? { level: intent.level } : {}),
      ...(publicUrl ? { url: `${publicUrl}/records/${encodeURIComponent(intent.subject)}` } : {}),
    },
  };
}

/**
 * Expands one claimed `notify` row. Runs in its workspace's transaction; writes nothing when the row is
 * no longer ours (the lease lapsed and another dispatcher took it).
 */
export async function expandNotification(
  database: Database,
  message: OutboxMessage,
  lockToken: string,
  options: { readonly now: () => Date | null; readonly publicUrl: string },
): Promise<LaneResult> {
  return database.inWorkspace(message.workspaceId, async (tx) => {
    const [held] = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.id, message.id), eq(outbox.lockedBy, lockToken)))
      .for('update');
    if (!held) return { recorded: true };
    const intent = intentOf(message.payload);
    const subject = intent.subject ? await loadSubject(tx, message.workspaceId, intent.subject) : null;
    const policy = await governingPolicy(tx, message.workspaceId, subject?.pack.hash ?? null);
    const [ws] = await tx
      .select({ name: workspaces.name, slug: workspaces.slug, values: workspaces.templateValues })
      .from(workspaces)
      .where(eq(workspaces.id, message.workspaceId));
    const nowMs = (await nowIn(tx, options.now())).getTime();
    let planned: PlannedDelivery[] = [];
    let problems: string[] = [];
    if (!policy) problems = ['the workspace has no active pack to say who is meant'];
    else {
      const state = subject?.state as { fields?: Fields } | undefined;
      const fields = state?.fields ?? {};
      // `status_page_link` (ShopSmart's SEV1 notice: "[status page link]"): the workspace's public status page.
      const values = {
        ...fields,
        // The workspace's own links (`upgrade_url`, `export_data_url`): the pack's `from: workspace` values.
        ...ws?.values,
        workspace_name: ws?.name ?? '',
        subject_key: intent.subject,
        ...(ws && options.publicUrl ? { status_page_link: `${options.publicUrl}/status/${ws.slug}` } : {}),
        ...(await surveyValues(tx, message, intent.subject, fields, nowMs, options.publicUrl)),
      };
      const plan = planDeliveries({
        policy,
        intent,
        directory: await directoryOf(tx, message.workspaceId, policy, fields, nowMs, intent.subject),
        values,
        nowMs,
      });
      planned = [...plan.deliveries];
      problems = [...plan.problems];
    }
    // Journey mail can be unsubscribed from: skip those who did, give the rest a one-click link.
    const journeyMail = isJourneyRule(intent.rule);
    const unsubscribed = journeyMail
      ? await unsubscribedAmong(
          tx,
          planned.filter((d) => d.kind === 'email').map((d) => d.address),
        )
      : new Set<string>();
    let queued = 0;
    for (const d of planned) {
      if (d.kind === 'email' && unsubscribed.has(d.address.toLowerCase())) {
        problems.push(`${d.address} unsubscribed from journey mail: not sent`);
        continue;
      }
      const idempotencyKey = `${message.idempotencyKey}:${d.key}`;
      const payload = deliveryPayload(d, intent, options.publicUrl);
      if (journeyMail && d.kind === 'email' && options.publicUrl) {
        const token = newUnsubscribeToken();
        payload.unsubscribeToken = token;
        payload.unsubscribeUrl = unsubscribeUrl(
          options.publicUrl,
          message.workspaceId,
          messageId(message.workspaceId, idempotencyKey),
          token,
        );
      }
      await enqueueMessage(tx, message.workspaceId, {
        idempotencyKey,
        channel: d.kind,
        payload,
        parentId: message.id,
        recipient: d.recipient,
        critical: d.critical,
        ...(d.notBeforeMs !== undefined ? { notBefore: new Date(d.notBeforeMs) } : {}),
      });
      queued++;
    }
    const error = problems.length > 0 ? problems.join('; ').slice(0, 2000) : null;
    await tx
      .update(outbox)
      .set({
        status: 'sent',
        sentAt: sqlNow(options.now()),
        lastError: error,
        lockedBy: null,
        lockedUntil: null,
      })
      .where(eq(outbox.id, message.id));
    await tx.insert(deliveryAttempts).values({
      workspaceId: message.workspaceId,
      messageId: message.id,
      attempt: message.attempts,
      channel: message.channel,
      at: new Date(nowMs),
      durationMs: 0,
      outcome: 'sent',
      error: `${queued} ${queued === 1 ? 'delivery' : 'deliveries'}${error ? `; ${error}` : ''}`,
    });
    // The most urgent level with nobody to tell is itself an alarm: once per record and level, not per
    // channel, so one P0 with nobody on duty is one alarm.
    if (planned.length === 0 && policy && isCriticalLevel(policy, intent.level))
      await reportUndeliverable(
        tx,
        message,
        `nobody could be told: ${error ?? 'no recipient'}`,
        new Date(nowMs),
        `nobody:${intent.subject}:${intent.level ?? ''}`,
      );
    return { recorded: true };
  });
}

/**
 * A survey (a journey's `survey` action) is an invitation with its own link, recorded here, in the
 * expansion's transaction: every channel of the message carries the same link, which takes one answer.
 */
async function surveyValues(
  tx: Tx,
  message: OutboxMessage,
  subject: string,
  fields: Fields,
  nowMs: number,
  publicUrl: string,
): Promise<{ survey_url?: string }> {
  const survey = message.payload.survey;
  if (typeof survey !== 'string' || !subject) return {};
  const scale = isSurveyScale(message.payload.surveyScale) ? message.payload.surveyScale : 'nps';
  const account = typeof fields.account === 'string' ? fields.account : null;
  const invitation = await inviteToSurvey(tx, message.workspaceId, {
    survey,
    scale,
    subject,
    accountId: account ?? (subject.startsWith('account:') ? subject.slice('account:'.length) : null),
    messageId: message.id,
    at: new Date(nowMs),
  });
  return { survey_url: surveyLink(publicUrl, message.workspaceId, invitation.id, invitation.token) };
}

async function nowIn(tx: Tx, now: Date | null): Promise<Date> {
  if (now) return now;
  const [row] = rowsOf<{ now: Date | string }>(await tx.execute(sql`select statement_timestamp() as now`));
  return new Date(row?.now ?? 0);
}
