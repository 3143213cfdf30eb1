/**
 * Setting up the public status page (issue 8): components (CRUD, order, status by hand, from the pack),
 * maintenance windows, subscribers. Changes need `incidents.manage`; reading components and maintenance
 * needs `records.read`. Every change refreshes the page in every process (NOTIFY in its transaction).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMPONENT_STATUSES } from '../../modules/status/components.js';
import {
  componentsFromPack,
  createComponent,
  deleteComponent,
  listComponents,
  reorderComponents,
  updateComponent,
} from '../../modules/status/components-admin.js';
import type { StatusContext } from '../../modules/status/context.js';
import {
  cancelMaintenance,
  createMaintenance,
  listMaintenance,
  updateMaintenance,
} from '../../modules/status/maintenance.js';
import {
  addEmailSubscriber,
  addWebhookSubscriber,
  listSubscribers,
  removeSubscriber,
} from '../../modules/status/subscriber-admin.js';
import type { ComponentStatus } from '../../store/schema-incidents.js';
import { accessOf } from '../session.js';

const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const Text = (max: number) => z.string().trim().min(1).max(max);
const Instant = z.iso.datetime({ offset: true });
const Status = z.enum(COMPONENT_STATUSES as [ComponentStatus, ...ComponentStatus[]]);
const Target = z.number().gt(0).lt(100).describe('Uptime target in percent, met when exceeded (e.g. 99.9).');

const Component = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  group: z.string().nullable(),
  position: z.number(),
  status: Status,
  uptimeTarget: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const ComponentFields = {
  name: Text(100),
  description: z.string().trim().max(500).optional(),
  group: Text(100).nullable().optional().describe('The heading it is listed under; null: none.'),
  uptimeTarget: Target.nullable().optional(),
  status: Status.optional(),
};
const Maintenance = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  components: z.array(z.string()),
  phase: z.enum(['scheduled', 'in-progress', 'completed', 'cancelled']),
  createdBy: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
});
const MaintenanceFields = {
  title: Text(200),
  body: z.string().trim().max(5000).optional(),
  startsAt: Instant,
  endsAt: Instant,
  components: z.array(Id).max(200).optional().describe('Component ids; none: every component.'),
};
const Subscriber = z.object({
  id: z.string(),
  kind: z.enum(['email', 'webhook']),
  address: z.string(),
  state: z.enum(['pending', 'confirmed', 'unsubscribed']),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  unsubscribedAt: z.string().nullable(),
});

const TAGS = ['status page'];

export function statusAdminRoutes(app: FastifyInstance, ctx: StatusContext): void {
  componentRoutes(app, ctx);
  maintenanceRoutes(app, ctx);
  subscriberRoutes(app, ctx);
}

function componentRoutes(app: FastifyInstance, ctx: StatusContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/status/components';
  const C = W.extend({ componentId: Id });

  r.get(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'The components of the status page, in page order',
        params: W,
        response: { 200: z.object({ items: z.array(Component) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => ({ items: await listComponents(ctx, request.params.workspaceId) }),
  );

  r.post(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'Add a component (last in order); its uptime is measured from now',
        params: W,
        body: z.strictObject(ComponentFields),
        response: { 201: Component },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createComponent(ctx, request.params.workspaceId, request.body, accessOf(request).actor)),
  );

  r.post(
    `${base}/from-pack`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Add the components the active pack names (its vendor register's services) that the page lacks",
        params: W,
        response: { 200: z.object({ created: z.array(Component) }) },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) => ({
      created: await componentsFromPack(ctx, request.params.workspaceId, accessOf(request).actor),
    }),
  );

  r.put(
    `${base}/order`,
    {
      schema: {
        tags: TAGS,
        summary: 'Reorder the components: every component id once, in the new order',
        params: W,
        body: z.strictObject({ ids: z.array(Id).max(500) }),
        response: { 200: z.object({ items: z.array(Component) }) },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) => ({
      items: await reorderComponents(
        ctx,
        request.params.workspaceId,
        request.body.ids,
        accessOf(request).actor,
      ),
    }),
  );

  r.patch(
    `${base}/:componentId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Change a component, or set its status by hand (recorded, with you as the cause)',
        params: C,
        body: z.strictObject({ ...ComponentFields, name: ComponentFields.name.optional() }),
        response: { 200: Component },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) =>
      updateComponent(
        ctx,
        request.params.workspaceId,
        request.params.componentId,
        request.body,
        accessOf(request).actor,
      ),
  );

  r.delete(
    `${base}/:componentId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Remove a component and its uptime history',
        params: C,
        response: { 204: z.null() },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const { workspaceId, componentId } = request.params;
      await deleteComponent(ctx, workspaceId, componentId, accessOf(request).actor);
      return reply.code(204).send(null);
    },
  );
}

function maintenanceRoutes(app: FastifyInstance, ctx: StatusContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/status/maintenance';
  const M = W.extend({ maintenanceId: Id });
  r.get(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'Maintenance windows, latest start first (also cancelled and completed ones)',
        params: W,
        response: { 200: z.object({ items: z.array(Maintenance) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => ({ items: await listMaintenance(ctx, request.params.workspaceId) }),
  );

  r.post(
    base,
    {
      schema: {
        tags: TAGS,
        summary:
          'Schedule maintenance: announced to subscribers now, its components shown under maintenance while it runs',
        params: W,
        body: z.strictObject(MaintenanceFields),
        response: { 201: Maintenance },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const body = request.body;
      const input = { ...body, startsAt: new Date(body.startsAt), endsAt: new Date(body.endsAt) };
      return reply
        .code(201)
        .send(await createMaintenance(ctx, request.params.workspaceId, input, accessOf(request).actor));
    },
  );

  r.patch(
    `${base}/:maintenanceId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Change a window (once started: only its title, text and end)',
        params: M,
        body: z.strictObject({
          title: MaintenanceFields.title.optional(),
          body: MaintenanceFields.body,
          startsAt: Instant.optional(),
          endsAt: Instant.optional(),
          components: MaintenanceFields.components,
        }),
        response: { 200: Maintenance },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) => {
      const { workspaceId, maintenanceId } = request.params;
      const { title, body, startsAt, endsAt, components } = request.body;
      const patch = {
        ...(title !== undefined ? { title } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(startsAt !== undefined ? { startsAt: new Date(startsAt) } : {}),
        ...(endsAt !== undefined ? { endsAt: new Date(endsAt) } : {}),
        ...(components !== undefined ? { components } : {}),
      };
      return updateMaintenance(ctx, workspaceId, maintenanceId, patch, accessOf(request).actor);
    },
  );

  r.delete(
    `${base}/:maintenanceId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Cancel a window; one under way ends now and its components come back',
        params: M,
        response: { 204: z.null() },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const { workspaceId, maintenanceId } = request.params;
      await cancelMaintenance(ctx, workspaceId, maintenanceId, accessOf(request).actor);
      return reply.code(204).send(null);
    },
  );
}

function subscriberRoutes(app: FastifyInstance, ctx: StatusContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/status/subscribers';

  r.get(
    base,
    {
      schema: {
        tags: TAGS,
        summary: 'Subscribers of the status page (email addresses and webhook URLs)',
        params: W,
        response: { 200: z.object({ items: z.array(Subscriber) }) },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) => ({ items: await listSubscribers(ctx, request.params.workspaceId) }),
  );

  r.post(
    base,
    {
      schema: {
        tags: TAGS,
        summary:
          'Add a subscriber: an email (sent the confirmation link) or a webhook URL (confirmed; its signing secret is returned once)',
        params: W,
        body: z.union([
          z.strictObject({
            email: z
              .string()
              .trim()
              .max(254)
              .regex(/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/, 'an email address such as name@example.com'),
          }),
          z.strictObject({ url: z.string().trim().min(1).max(2048) }),
        ]),
        response: { 201: z.object({ subscriber: Subscriber, secret: z.string().optional() }) },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const actor = accessOf(request).actor;
      const body = request.body;
      const added =
        'email' in body
          ? { subscriber: await addEmailSubscriber(ctx, workspaceId, body.email, actor) }
          : await addWebhookSubscriber(ctx, workspaceId, body.url, actor);
      return reply.code(201).send(added);
    },
  );

  r.delete(
    `${base}/:subscriberId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Remove a subscriber (nothing more is sent to it)',
        params: W.extend({ subscriberId: Id }),
        response: { 204: z.null() },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const { workspaceId, subscriberId } = request.params;
      await removeSubscriber(ctx, workspaceId, subscriberId, accessOf(request).actor);
      return reply.code(204).send(null);
    },
  );
}
