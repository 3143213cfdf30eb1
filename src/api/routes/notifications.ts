/**
 * Notifications over HTTP: a person's in-app notifications (list, read, live stream), the dashboard feed,
 * the delivery log and retries, where messages go (Slack and webhook destinations, the SMS provider), the
 * built-in mailbox, template previews, and the SMS provider's status callbacks.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readMailbox } from '../../channels/mailbox.js';
import { OpsError } from '../../errors/catalog.js';
import { appendAudit } from '../../modules/access/audit.js';
import { governingPolicy } from '../../modules/notifications/directory.js';
import {
  HIDDEN,
  deliveryDetail,
  listDeliveries,
  listNotifications,
  markRead,
  retryDelivery,
} from '../../modules/notifications/inbox.js';
import { renderPreview } from '../../modules/notifications/preview.js';
import {
  readTemplateValues,
  updateTemplateValues,
  workspaceVariables,
} from '../../modules/notifications/template-values.js';
import {
  deleteDestination,
  deleteProvider,
  listDestinations,
  readProvider,
  rotateSecret,
  saveDestination,
  saveProvider,
  type SettingsDeps,
} from '../../modules/notifications/settings.js';
import type { AppDeps } from '../deps.js';
import type { NotificationStream } from '../notification-stream.js';
import { accessOf } from '../session.js';

const Id = z.string().min(1).max(64);
const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an id is lowercase letters, digits and dashes');
const W = z.strictObject({ workspaceId: Id });
const Instant = z.iso.datetime({ offset: true });

const Notification = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  level: z.string().nullable(),
  subject: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
const Delivery = z.object({
  id: z.string(),
  channel: z.string(),
  status: z.string(),
  recipient: z.string().nullable(),
  to: z.string().nullable(),
  subject: z.string().nullable(),
  text: z.string().nullable(),
  parentId: z.string().nullable(),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  providerId: z.string().nullable(),
  providerStatus: z.string().nullable(),
  lastError: z.string().nullable(),
  critical: z.boolean(),
});
const Destination = z.object({
  id: z.string(),
  kind: z.string(),
  urlHint: z.string(),
  signed: z.boolean(),
  disabledAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
  updatedAt: z.string(),
});
const Provider = z.object({
  baseUrl: z.string(),
  accountSid: z.string(),
  smsFrom: z.string().nullable(),
  whatsappFrom: z.string().nullable(),
  voiceFrom: z.string().nullable(),
  updatedAt: z.string(),
});

/** The person behind a session: in-app notifications are a person's, so API tokens have none. */
function personOf(request: Parameters<typeof accessOf>[0]): string {
  const session = accessOf(request).session;
  if (!session)
    throw new OpsError(
      'OPS_FORBIDDEN',
      "A person's notifications need a signed-in session, not an API token.",
    );
  return session.user.id;
}

export function notificationRoutes(app: FastifyInstance, deps: AppDeps, stream: NotificationStream): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const settings: SettingsDeps = {
    database: deps.database,
    keys: deps.keys,
    outboundAllow: deps.config.outboundAllow,
  };

  r.get(
    '/api/v1/workspaces/:workspaceId/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your in-app notifications, newest first, with the unread count',
        params: W,
        querystring: z.strictObject({
          unread: z.enum(['true', 'false']).optional(),
          before: Instant.optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(Notification), unread: z.number() }) },
      },
      config: { access: 'workspace.read' },
    },
    async (request) => {
      const { unread, before, limit } = request.query;
      return listNotifications(deps.database, request.params.workspaceId, personOf(request), {
        unreadOnly: unread === 'true',
        ...(before ? { before: new Date(before) } : {}),
        ...(limit ? { limit } : {}),
      });
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/notifications/feed',
    {
      schema: {
        tags: ['notifications'],
        summary: "The workspace's dashboard feed (messages for the dashboard channels), newest first",
        params: W,
        querystring: z.strictObject({
          before: Instant.optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(Notification), unread: z.number() }) },
      },
      config: { access: 'workspace.read' },
    },
    async (request) => {
      const { before, limit } = request.query;
      return listNotifications(deps.database, request.params.workspaceId, null, {
        ...(before ? { before: new Date(before) } : {}),
        ...(limit ? { limit } : {}),
      });
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark some of your notifications read (or all of them)',
        params: W,
        body: z.union([
          z.strictObject({ ids: z.array(Id).min(1).max(500) }),
          z.strictObject({ all: z.literal(true) }),
        ]),
        response: { 200: z.object({ marked: z.number() }) },
      },
      config: { access: 'workspace.read' },
    },
    async (request) => ({
      marked: await markRead(
        deps.database,
        request.params.workspaceId,
        personOf(request),
        'ids' in request.body ? request.body.ids : 'all',
        deps.now(),
      ),
    }),
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/notifications/stream',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Server-sent events: `notification` with `{ id, feed }` whenever one arrives for you',
        params: W,
      },
      config: { access: 'workspace.read' },
    },
    async (request, reply) => {
      const userId = personOf(request);
      reply.hijack();
      stream.subscribe(request.params.workspaceId, userId, reply);
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Every message, newest first: notifications and the deliveries they became',
        params: W,
        querystring: z.strictObject({
          status: z.enum(['pending', 'sent', 'dead']).optional(),
          channel: z.string().max(32).optional(),
          before: Instant.optional(),
          beforeId: Id.optional().describe(
            'With `before`: the last id of the previous page (rows share instants).',
          ),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        }),
        response: { 200: z.object({ items: z.array(Delivery) }) },
      },
      config: { access: 'deliveries.read' },
    },
    async (request) => {
      const { status, channel, before, beforeId, limit } = request.query;
      return {
        items: await listDeliveries(deps.database, request.params.workspaceId, {
          ...(status ? { status } : {}),
          ...(channel ? { channel } : {}),
          ...(before ? { before: new Date(before) } : {}),
          ...(beforeId ? { beforeId } : {}),
          ...(limit ? { limit } : {}),
        }),
      };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/deliveries/:messageId',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'One message: every attempt (when, result, provider id, error) and what it was expanded into',
        params: W.extend({ messageId: Id }),
        response: {
          200: z.object({
            delivery: Delivery,
            attempts: z.array(
              z.object({
                attempt: z.number(),
                at: z.string(),
                durationMs: z.number(),
                outcome: z.string(),
                code: z.number().nullable(),
                providerId: z.string().nullable(),
                error: z.string().nullable(),
              }),
            ),
            children: z.array(Delivery),
          }),
        },
      },
      config: { access: 'deliveries.read' },
    },
    async (request) => deliveryDetail(deps.database, request.params.workspaceId, request.params.messageId),
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/deliveries/:messageId/retry',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Send a dead message again, with a fresh retry schedule',
        params: W.extend({ messageId: Id }),
        response: { 200: Delivery },
      },
      config: { access: 'notifications.manage' },
    },
    async (request) =>
      retryDelivery(
        deps.database,
        request.params.workspaceId,
        request.params.messageId,
        accessOf(request).actor,
        deps.now(),
      ),
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/destinations',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Slack and webhook destinations of the pack channels (URLs are shown only as hints)',
        params: W,
        response: { 200: z.object({ items: z.array(Destination) }) },
      },
      config: { access: 'notifications.manage' },
    },
    async (request) => ({ items: await listDestinations(settings, request.params.workspaceId) }),
  );

  r.put(
    '/api/v1/workspaces/:workspaceId/destinations/:destinationId',
    {
      schema: {
        tags: ['notifications'],
        summary:
          "Set where a pack channel delivers: a Slack incoming-webhook URL or a webhook endpoint (a new webhook's signing secret is returned once)",
        params: W.extend({ destinationId: Slug }),
        body: z.strictObject({ kind: z.enum(['slack', 'webhook']), url: z.string().min(1).max(2048) }),
        response: { 200: z.object({ destination: Destination, secret: z.string().optional() }) },
      },
      config: { access: 'notifications.manage' },
    },
    async (request) =>
      saveDestination(
        settings,
        request.params.workspaceId,
        request.params.destinationId,
        request.body,
        accessOf(request).actor,
        deps.now(),
      ),
  );

  r.delete(
    '/api/v1/workspaces/:workspaceId/destinations/:destinationId',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Remove a destination',
        params: W.extend({ destinationId: Slug }),
        response: { 204: z.null() },
      },
      config: { access: 'notifications.manage' },
    },
    async (request, reply) => {
      const { workspaceId, destinationId } = request.params;
      await deleteDestination(settings, workspaceId, destinationId, accessOf(request).actor, deps.now());
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/destinations/:destinationId/secret',
    {
      schema: {
        tags: ['notifications'],
        summary:
          "Rotate a webhook's signing secret (the old one keeps signing beside the new until retired), or retire the old one",
        params: W.extend({ destinationId: Slug }),
        body: z.strictObject({ action: z.enum(['rotate', 'retire']) }),
        response: { 200: z.object({ secret: z.string().optional(), secrets: z.number() }) },
      },
      config: { access: 'notifications.manage' },
    },
    async (request) => {
      const { workspaceId, destinationId } = request.params;
      return rotateSecret(
        settings,
        workspaceId,
        destinationId,
        request.body.action,
        accessOf(request).actor,
        deps.now(),
      );
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/messaging-provider',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The SMS / WhatsApp / voice provider (a Twilio-compatible API); the token is never shown',
        params: W,
        response: { 200: z.object({ provider: Provider.nullable() }) },
      },
      config: { access: 'notifications.manage' },
    },
    async (request) => ({ provider: await readProvider(settings, request.params.workspaceId) }),
  );

  r.put(
    '/api/v1/workspaces/:workspaceId/messaging-provider',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Set the SMS / WhatsApp / voice provider; leave out authToken to keep the stored one',
        params: W,
        body: z.strictObject({
          baseUrl: z.string().min(1).max(2048),
          accountSid: z.string().min(1).max(128),
          authToken: z.string().min(1).max(512).optional(),
          smsFrom: z.string().max(40).nullable().optional(),
          whatsappFrom: z.string().max(40).nullable().optional(),
          voiceFrom: z.string().max(40).nullable().optional(),
        }),
        response: { 200: z.object({ provider: Provider }) },
      },
      config: { access: 'notifications.manage' },
    },
    async (request) => ({
      provider: await saveProvider(
        settings,
        request.params.workspaceId,
        request.body,
        accessOf(request).actor,
        deps.now(),
      ),
    }),
  );

  r.delete(
    '/api/v1/workspaces/:workspaceId/messaging-provider',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Remove the SMS / WhatsApp / voice provider',
        params: W,
        response: { 204: z.null() },
      },
      config: { access: 'notifications.manage' },
    },
    async (request, reply) => {
      await deleteProvider(settings, request.params.workspaceId, accessOf(request).actor, deps.now());
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/mailbox',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mail kept in the built-in mailbox (embedded mode without an SMTP server), newest first',
        params: W,
        querystring: z.strictObject({
          before: Instant.optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                messageId: z.string().nullable(),
                from: z.string(),
                to: z.array(z.string()),
                subject: z.string(),
                text: z.string(),
                headers: z.record(z.string(), z.string()),
                receivedAt: z.string(),
              }),
            ),
          }),
        },
      },
      config: { access: 'deliveries.read' },
    },
    async (request) => {
      const { before, limit } = request.query;
      const rows = await deps.database.inWorkspace(request.params.workspaceId, (tx) =>
        readMailbox(tx, { ...(before ? { before: new Date(before) } : {}), limit: limit ?? 50 }),
      );
      return {
        items: rows.map((m) => ({
          id: m.id,
          messageId: m.messageId,
          from: m.from,
          to: m.to,
          subject: m.subject,
          text: m.headers['x-opsbook-sensitive'] === 'yes' ? HIDDEN : m.text,
          headers: m.headers,
          receivedAt: m.receivedAt.toISOString(),
        })),
      };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/templates',
    {
      schema: {
        tags: ['notifications'],
        summary: "The active pack's message templates: id, label, channel kind, audience and locales",
        params: W,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                label: z.string(),
                channel: z.string(),
                audience: z.string(),
                locales: z.array(z.string()),
              }),
            ),
          }),
        },
      },
      config: { access: 'packs.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const policy = await deps.database.inWorkspace(workspaceId, (tx) =>
        governingPolicy(tx, workspaceId, null),
      );
      return {
        items: (policy?.pack.templates ?? []).map((t) => ({
          id: t.id,
          label: t.label,
          channel: t.channel,
          audience: t.audience,
          locales: Object.keys(t.locales),
        })),
      };
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/templates/:templateId/preview',
    {
      schema: {
        tags: ['notifications'],
        summary:
          "A template of the active pack rendered per locale, with each variable's example unless given",
        params: W.extend({ templateId: Id }),
        body: z.strictObject({
          locale: z.string().min(2).max(20).optional(),
          values: z.record(z.string().max(64), z.string().max(2000)).optional(),
        }),
        response: {
          200: z.object({
            template: z.string(),
            channel: z.string(),
            items: z.array(
              z.object({
                locale: z.string(),
                subject: z.string().nullable(),
                text: z.string(),
                missing: z.array(z.string()),
              }),
            ),
          }),
        },
      },
      config: { access: 'packs.read' },
    },
    async (request) => {
      const { workspaceId, templateId } = request.params;
      const [policy, values] = await deps.database.inWorkspace(
        workspaceId,
        async (tx) =>
          [await governingPolicy(tx, workspaceId, null), await readTemplateValues(tx, workspaceId)] as const,
      );
      // The workspace's own links show in the preview as they will in the message.
      return renderPreview(policy, templateId, {
        ...request.body,
        values: { ...values, ...request.body.values },
      });
    },
  );

  const Variables = z.object({
    items: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        example: z.string().nullable(),
        templates: z.array(z.string()),
        value: z.string().nullable(),
      }),
    ),
  });

  r.get(
    '/api/v1/workspaces/:workspaceId/template-values',
    {
      schema: {
        tags: ['notifications'],
        summary: "The pack's workspace template variables (the SaaS's own links) and the values set for them",
        description:
          'Every variable a template of the active pack takes `from: workspace`, with its description, example, the templates that use it and the value set (null: it renders empty).',
        params: W,
        response: { 200: Variables },
      },
      config: { access: 'packs.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      return deps.database.inWorkspace(workspaceId, async (tx) => ({
        items: workspaceVariables(
          await governingPolicy(tx, workspaceId, null),
          await readTemplateValues(tx, workspaceId),
        ),
      }));
    },
  );

  r.patch(
    '/api/v1/workspaces/:workspaceId/template-values',
    {
      schema: {
        tags: ['notifications'],
        summary: "Set the workspace's values of template variables (null removes one)",
        description:
          'Merged name by name. Only variables the active pack declares `from: workspace` may be set; one named `…_url` or `…_link` must be an absolute http(s) link. Any problem refuses the whole change.',
        params: W,
        body: z.strictObject({
          values: z
            .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.string().max(2000).nullable())
            .refine((v) => Object.keys(v).length <= 100, 'At most 100 values at once.'),
        }),
        response: { 200: Variables },
      },
      config: { access: 'notifications.manage' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      return deps.database.inWorkspace(workspaceId, async (tx) => {
        const policy = await governingPolicy(tx, workspaceId, null);
        const values = await updateTemplateValues(tx, workspaceId, policy, request.body.values);
        await appendAudit(tx, deps.now(), {
          actor: accessOf(request).actor,
          action: 'template-values.updated',
          target: `workspace:${workspaceId}`,
          data: { values: request.body.values },
        });
        return { items: workspaceVariables(policy, values) };
      });
    },
  );
}
