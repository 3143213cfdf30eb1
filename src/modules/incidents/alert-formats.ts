/**
 * The three wire formats alerts arrive in, read into AlertEvents (pure):
 *
 * - Prometheus Alertmanager's webhook (version 4): grouped alerts, each firing or resolved, deduplicated
 *   by its fingerprint;
 * - PagerDuty's Events API v2 (`/v2/enqueue`): one event per request, `routing_key` = the integration
 *   token, `event_action` trigger / acknowledge / resolve, `dedup_key`;
 * - a generic JSON alert, or `{ "alerts": [ … ] }`.
 *
 * The schemas are loose where the senders may add fields in later versions, strict where a typo would
 * otherwise be silently ignored (the generic format is ours).
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AlertEvent } from './alerts.js';

/** What an integration adds to its alerts when they do not say (its `settings`). */
export interface IntegrationDefaults {
  readonly severity?: string | undefined;
  readonly service?: string | undefined;
}

const Labels = z.record(z.string().max(256), z.string().max(4096));
const Instant = z.iso.datetime({ offset: true });
/** ISO 8601 as PagerDuty's own examples write it too: an offset with or without its colon (`+0000`). */
const LooseInstant = z
  .string()
  .max(64)
  .transform((text) => text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  .pipe(Instant);

// --- Prometheus Alertmanager, webhook_config (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config)

export const AlertmanagerAlert = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Labels.default({}),
  startsAt: Instant.optional(),
  endsAt: Instant.optional(),
  generatorURL: z.string().max(4096).optional(),
  fingerprint: z.string().min(1).max(255).optional(),
});

export const AlertmanagerWebhook = z.looseObject({
  version: z.literal('4', { error: 'only version "4" of the webhook payload is read' }),
  groupKey: z.string().max(4096).optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(1024).optional(),
  groupLabels: Labels.optional(),
  commonLabels: Labels.optional(),
  commonAnnotations: Labels.optional(),
  externalURL: z.string().max(4096).optional(),
  alerts: z.array(AlertmanagerAlert),
});
export type AlertmanagerWebhook = z.output<typeof AlertmanagerWebhook>;

/** Alertmanager's own fingerprint when sent; else one of the label set, computed the same way for all. */
function labelFingerprint(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`);
  return createHash('sha256').update(pairs.join('\u0001')).digest('hex').slice(0, 16);
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** An Alertmanager instant, or none for its zero time (`0001-01-01T00:00:00Z`: not set). */
function instantOf(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const at = new Date(text);
  return at.getUTCFullYear() <= 1 ? undefined : at;
}

/**
 * One event per alert of the group: firing → trigger, resolved → resolve, keyed by fingerprint. The
 * summary is the `summary` annotation (else `description`, else the alert name); severity and service come
 * from the alert's labels, else the integration's defaults.
 */
export function fromAlertmanager(body: AlertmanagerWebhook, defaults: IntegrationDefaults): AlertEvent[] {
  return body.alerts.map((alert) => {
    const labels = alert.labels;
    const notes = alert.annotations;
    const summary =
      notes.summary || notes.title || notes.description || notes.message || labels.alertname || 'Alert';
    const severity = labels.severity ?? defaults.severity;
    const service = labels.service ?? defaults.service;
    const startedAt = instantOf(alert.startsAt);
    const event: AlertEvent = {
      action: alert.status === 'firing' ? 'trigger' : 'resolve',
      dedupKey: alert.fingerprint ?? labelFingerprint(labels),
      summary: cut(summary, 1024),
      labels,
      details: {
        annotations: notes,
        ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
        ...(alert.startsAt ? { startsAt: alert.startsAt } : {}),
        ...(instantOf(alert.endsAt) ? { endsAt: alert.endsAt } : {}),
        ...(body.receiver ? { receiver: body.receiver } : {}),
        ...(body.externalURL ? { externalURL: body.externalURL } : {}),
      },
    };
    if (severity !== undefined) event.severity = severity;
    if (service !== undefined) event.service = service;
    if (labels.component !== undefined) event.component = labels.component;
    if (startedAt) event.startedAt = startedAt;
    if (body.groupKey) event.groupKey = body.groupKey;
    return event;
  });
}

// --- PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/)

export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/** Read loosely, then checked field by field (pagerDutyProblems), so every mistake is named at once. */
export const PagerDutyEvent = z.looseObject({
  routing_key: z.unknown().optional(),
  event_action: z.unknown().optional(),
  dedup_key: z.unknown().optional(),
  payload: z.unknown().optional(),
  images: z.unknown().optional(),
  links: z.unknown().optional(),
  client: z.unknown().optional(),
  client_url: z.unknown().optional(),
});
export type PagerDutyEvent = z.output<typeof PagerDutyEvent>;

const PdPayload = z.looseObject({
  summary: z.string().min(1).max(1024),
  source: z.string().min(1).max(255),
  severity: z.enum(PAGERDUTY_SEVERITIES),
  timestamp: LooseInstant.optional(),
  component: z.string().max(255).optional(),
  group: z.string().max(255).optional(),
  class: z.string().max(255).optional(),
  custom_details: z.unknown().optional(),
});
const PdImage = z.looseObject({
  src: z.string().max(4096),
  href: z.string().max(4096).optional(),
  alt: z.string().max(1024).optional(),
});
const PdLink = z.looseObject({ href: z.string().max(4096), text: z.string().max(1024).optional() });

/** The problems of an event in PagerDuty's words (its `errors` list) and as pointers for our own. */
export interface PagerDutyProblem {
  readonly pointer: string;
  readonly message: string;
}

export type PagerDutyRead =
  | { readonly ok: true; readonly event: AlertEvent; readonly dedupKey: string; readonly routingKey: string }
  | { readonly ok: false; readonly problems: PagerDutyProblem[] };

function issuesOf(result: z.ZodSafeParseResult<unknown>, base: string): PagerDutyProblem[] {
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    pointer: `${base}${issue.path.map((p) => `/${String(p)}`).join('')}`,
    message: `'${[base.replace(/^\/body\/?/, '').replace(/\//g, '.'), ...issue.path].filter(Boolean).join('.')}' ${issue.message}`,
  }));
}

/**
 * Reads one Events API v2 event. A trigger without `dedup_key` gets one (returned, as PagerDuty does);
 * acknowledge and resolve need the key of what they act on.
 */
export function fromPagerDuty(body: PagerDutyEvent, defaults: IntegrationDefaults): PagerDutyRead {
  const problems: PagerDutyProblem[] = [];
  const need = (ok: boolean, pointer: string, message: string) => ok || problems.push({ pointer, message });
  const action = body.event_action;
  need(
    typeof body.routing_key === 'string' && body.routing_key.length > 0,
    '/body/routing_key',
    "'routing_key' is missing or blank",
  );
  need(
    action === 'trigger' || action === 'acknowledge' || action === 'resolve',
    '/body/event_action',
    "'event_action' must be one of trigger, acknowledge, resolve",
  );
  const dedup = body.dedup_key;
  if (dedup !== undefined && (typeof dedup !== 'string' || dedup.length === 0 || dedup.length > 255))
    problems.push({
      pointer: '/body/dedup_key',
      message: "'dedup_key' must be a string of 1 to 255 characters",
    });
  if ((action === 'acknowledge' || action === 'resolve') && dedup === undefined)
    problems.push({ pointer: '/body/dedup_key', message: `'dedup_key' is required to ${action}` });
  const payload =
    action === 'trigger' || body.payload !== undefined ? PdPayload.safeParse(body.payload) : null;
  if (action === 'trigger' && body.payload === undefined)
    problems.push({ pointer: '/body/payload', message: "'payload' is required to trigger" });
  else if (payload) problems.push(...issuesOf(payload, '/body/payload'));
  if (body.images !== undefined)
    problems.push(...issuesOf(z.array(PdImage).max(100).safeParse(body.images), '/body/images'));
  if (body.links !== undefined)
    problems.push(...issuesOf(z.array(PdLink).max(100).safeParse(body.links), '/body/links'));
  if (problems.length > 0 || (action === 'trigger' && !payload?.success)) return { ok: false, problems };

  const dedupKey = typeof dedup === 'string' ? dedup : randomUUID().replace(/-/g, '');
  const event: AlertEvent = { action: action as AlertEvent['action'], dedupKey };
  if (payload?.success) {
    const p = payload.data;
    const labels: Record<string, string> = { source: p.source };
    if (p.class) labels.alertname = p.class;
    if (p.component) labels.component = p.component;
    if (p.group) labels.group = p.group;
    event.summary = p.summary;
    event.severity = p.severity;
    event.labels = labels;
    if (p.component) event.component = p.component;
    if (defaults.service) event.service = defaults.service;
    if (p.timestamp) event.startedAt = new Date(p.timestamp);
    event.details = {
      ...(p.custom_details !== undefined ? { custom_details: p.custom_details } : {}),
      ...(body.images !== undefined ? { images: body.images } : {}),
      ...(body.links !== undefined ? { links: body.links } : {}),
      ...(typeof body.client === 'string' ? { client: body.client } : {}),
      ...(typeof body.client_url === 'string' ? { client_url: body.client_url } : {}),
    };
  }
  return { ok: true, event, dedupKey, routingKey: body.routing_key as string };
}

// --- Generic JSON (ours)

export const GenericAlert = z.strictObject({
  action: z.enum(['trigger', 'acknowledge', 'resolve']).default('trigger'),
  dedupKey: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe(
      'Repeats with the same key update one alert; default: derived from summary, service, component and labels.',
    ),
  summary: z.string().trim().min(1).max(1024).optional().describe('Required to trigger.'),
  severity: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('critical, error, warning, info, or a level of the pack scale.'),
  service: z.string().min(1).max(255).optional(),
  component: z.string().min(1).max(255).optional(),
  labels: Labels.optional(),
  details: z.record(z.string().max(256), z.unknown()).optional(),
  startedAt: Instant.optional(),
});
export type GenericAlert = z.output<typeof GenericAlert>;

export const GenericBatch = z.strictObject({
  alerts: z.array(GenericAlert).describe('Applied in order, in one transaction: all or nothing.'),
});
export type GenericBatch = z.output<typeof GenericBatch>;

/** A single alert is read as a batch of one (its problems then point at `/body/alerts/0/…`). */
export function asGenericBatch(body: unknown): unknown {
  const single = body !== null && typeof body === 'object' && !Array.isArray(body) && !('alerts' in body);
  return single ? { alerts: [body] } : body;
}

/** The key a generic alert without one dedups by: the same alert sent again has the same key. */
function derivedKey(alert: GenericAlert): string {
  const labels = alert.labels ?? {};
  const identity = [
    alert.summary ?? '',
    alert.service ?? '',
    alert.component ?? '',
    labelFingerprint(labels),
  ];
  return `gen:${createHash('sha256').update(identity.join('\u0000')).digest('hex').slice(0, 32)}`;
}

/** Generic alerts as events; the problems point into the body (`/body/alerts/2/dedupKey`). */
export function fromGeneric(
  alerts: readonly GenericAlert[],
  defaults: IntegrationDefaults,
  base: string,
): { events: AlertEvent[]; problems: PagerDutyProblem[] } {
  const problems: PagerDutyProblem[] = [];
  const events = alerts.map((alert, i) => {
    if (alert.action === 'trigger' && !alert.summary)
      problems.push({ pointer: `${base}/${i}/summary`, message: 'a trigger needs a summary' });
    if (alert.action !== 'trigger' && !alert.dedupKey)
      problems.push({
        pointer: `${base}/${i}/dedupKey`,
        message: `give the key of the alert to ${alert.action}`,
      });
    const event: AlertEvent = { action: alert.action, dedupKey: alert.dedupKey ?? derivedKey(alert) };
    if (alert.summary) event.summary = alert.summary;
    const severity = alert.severity ?? defaults.severity;
    if (severity) event.severity = severity;
    const service = alert.service ?? defaults.service;
    if (service) event.service = service;
    if (alert.component) event.component = alert.component;
    if (alert.labels) event.labels = alert.labels;
    if (alert.details) event.details = alert.details;
    if (alert.startedAt) event.startedAt = new Date(alert.startedAt);
    return event;
  });
  return { events, problems };
}
