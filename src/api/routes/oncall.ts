/**
 * On-call over HTTP (issue 8): schedules and their overrides, who is on call now, and the shifts of a range
 * (JSON, and an iCalendar feed for calendar apps); escalation policies and pages are in paging.ts,
 * registered from here. Setting up schedules needs `incidents.manage`; anyone with `incidents.write` may cover a shift
 * themselves (an override for someone else needs `incidents.manage`); reading needs `records.read`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { icalendarOf, utcStamp } from '../../core/oncall-ical.js';
import { createOverride, deleteOverride, listOverrides } from '../../modules/incidents/oncall-overrides.js';
import { onCallNow, scheduleShifts } from '../../modules/incidents/oncall-shifts.js';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  updateSchedule,
  type OverrideRow,
  type ScheduleRow,
} from '../../modules/incidents/oncall.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';
import { pagingRoutes } from './paging.js';

const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const Key = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lower-case id such as `incident-commander`');
const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time `HH:MM`, 00:00 to 23:59');
const Instant = z.iso.datetime({ offset: true });
const DAY_MS = 86_400_000;

const Layer = z.strictObject({
  users: z.array(Id).min(1).max(50).describe('Member ids in hand-off order.'),
  handoff: z.enum(['daily', 'weekly']),
  handoffTime: Hhmm.describe("Local time of the hand-off in the schedule's zone."),
  handoffDay: z.number().int().min(1).max(7).optional().describe('Weekly: ISO weekday, 1 = Monday.'),
  startsAt: Instant.describe("When the first user's first turn starts."),
  restrict: z
    .strictObject({ from: Hhmm, to: Hhmm })
    .optional()
    .describe(
      'Only these local hours each day (`22:00`-`06:00` spans midnight); the layers below cover the rest.',
    ),
});
const ScheduleBody = z.strictObject({
  rotation: Key.describe('A rotation of the active pack (`rotation:<id>` recipients).'),
  name: z.string().trim().min(1).max(200).optional(),
  timeZone: z.string().min(1).max(64).describe('IANA zone, e.g. Europe/London.'),
  layers: z.array(Layer).min(1).max(10).describe('The last listed wins where layers overlap.'),
});
const Schedule = z.object({
  id: z.string(),
  rotation: z.string(),
  name: z.string(),
  timeZone: z.string(),
  layers: z.array(z.record(z.string(), z.unknown())),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const Override = z.object({
  id: z.string(),
  scheduleId: z.string(),
  userId: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
const Range = z.strictObject({ from: Instant.optional(), to: Instant.optional() });
const scheduleView = (s: ScheduleRow) => ({
  id: s.id,
  rotation: s.rotation,
  name: s.name,
  timeZone: s.timeZone,
  layers: s.layers.map((l) => ({ ...l })),
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});
const overrideView = (o: OverrideRow) => ({
  ...o,
  startsAt: o.startsAt.toISOString(),
  endsAt: o.endsAt.toISOString(),
  createdAt: o.createdAt.toISOString(),
  workspaceId: undefined,
});
/** A query's range, `[now - before, now + after)` for what is left out. */
function rangeOf(query: z.infer<typeof Range>, now: Date, beforeMs: number, afterMs: number) {
  const from = query.from ? new Date(query.from) : new Date(now.getTime() - beforeMs);
  const to = query.to ? new Date(query.to) : new Date(from.getTime() + beforeMs + afterMs);
  return { from, to };
}

function coverer(request: FastifyRequest) {
  const access = accessOf(request);
  return {
    userId: access.session?.user.id ?? null,
    actor: access.actor,
    mayCoverOthers: access.permissions.has('incidents.manage'),
  };
}

export function oncallRoutes(app: FastifyInstance, deps: AppDeps): void {
  scheduleRoutes(app, deps);
  overrideRoutes(app, deps);
  pagingRoutes(app, deps);
}

function scheduleRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/oncall';
  const S = W.extend({ scheduleId: Id });
  const tags = ['on-call'];

  r.get(
    `${base}/now`,
    {
      schema: {
        tags,
        summary:
          "Who is on call now, per rotation of the active pack (a schedule's person, else the rotation's role)",
        params: W,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                rotation: z.string(),
                label: z.string(),
                scheduleId: z.string().nullable(),
                onCall: z.array(
                  z.object({
                    userId: z.string(),
                    name: z.string(),
                    source: z.enum(['override', 'layer', 'role']),
                    until: z.string().nullable(),
                  }),
                ),
              }),
            ),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const items = await onCallNow(deps.database, request.params.workspaceId, deps.now());
      return {
        items: items.map((i) => ({
          ...i,
          onCall: i.onCall.map((p) => ({ ...p, until: p.until?.toISOString() ?? null })),
        })),
      };
    },
  );

  r.get(
    `${base}/schedules`,
    {
      schema: {
        tags,
        summary: 'On-call schedules',
        params: W,
        response: { 200: z.object({ items: z.array(Schedule) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => ({
      items: (await listSchedules(deps.database, request.params.workspaceId)).map(scheduleView),
    }),
  );

  r.post(
    `${base}/schedules`,
    {
      schema: {
        tags,
        summary: 'Create the on-call schedule of a pack rotation',
        params: W,
        body: ScheduleBody,
        response: { 201: Schedule },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      const row = await createSchedule(deps.database, request.params.workspaceId, request.body, deps.now());
      return reply.code(201).send(scheduleView(row));
    },
  );

  r.get(
    `${base}/schedules/:scheduleId`,
    {
      schema: { tags, summary: 'An on-call schedule', params: S, response: { 200: Schedule } },
      config: { access: 'records.read' },
    },
    async (request) =>
      scheduleView(await getSchedule(deps.database, request.params.workspaceId, request.params.scheduleId)),
  );

  r.put(
    `${base}/schedules/:scheduleId`,
    {
      schema: {
        tags,
        summary: 'Replace an on-call schedule',
        params: S,
        body: ScheduleBody,
        response: { 200: Schedule },
      },
      config: { access: 'incidents.manage' },
    },
    async (request) =>
      scheduleView(
        await updateSchedule(
          deps.database,
          request.params.workspaceId,
          request.params.scheduleId,
          request.body,
          deps.now(),
        ),
      ),
  );

  r.delete(
    `${base}/schedules/:scheduleId`,
    {
      schema: {
        tags,
        summary: "Delete a schedule and its overrides (its rotation falls back to the rotation's role)",
        params: S,
        response: { 204: z.null() },
      },
      config: { access: 'incidents.manage' },
    },
    async (request, reply) => {
      await deleteSchedule(deps.database, request.params.workspaceId, request.params.scheduleId);
      return reply.code(204).send(null);
    },
  );

  r.get(
    `${base}/schedules/:scheduleId/shifts`,
    {
      schema: {
        tags,
        summary: 'Who is on call when, in a range (default: the next 28 days)',
        params: S,
        querystring: Range,
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            items: z.array(
              z.object({
                userId: z.string(),
                name: z.string(),
                startsAt: z.string(),
                endsAt: z.string(),
                layer: z.number().nullable().describe('The layer (0-based), or null for an override.'),
              }),
            ),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { from, to } = rangeOf(request.query, deps.now(), 0, 28 * DAY_MS);
      const { shifts } = await scheduleShifts(
        deps.database,
        request.params.workspaceId,
        request.params.scheduleId,
        from,
        to,
      );
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        items: shifts.map((s) => ({
          ...s,
          startsAt: s.startsAt.toISOString(),
          endsAt: s.endsAt.toISOString(),
        })),
      };
    },
  );

  r.get(
    `${base}/schedules/:scheduleId/calendar.ics`,
    {
      schema: {
        tags,
        summary: "The schedule's shifts as an iCalendar feed (RFC 5545; default: 7 days back to 90 ahead)",
        params: S,
        querystring: Range,
        produces: ['text/calendar'],
        response: { 200: z.string().describe('text/calendar') },
      },
      config: { access: 'records.read' },
    },
    async (request, reply) => {
      const now = deps.now();
      const { from, to } = rangeOf(request.query, now, 7 * DAY_MS, 90 * DAY_MS);
      const { schedule, shifts } = await scheduleShifts(
        deps.database,
        request.params.workspaceId,
        request.params.scheduleId,
        from,
        to,
      );
      const text = icalendarOf({
        name: `On call: ${schedule.name}`,
        stampMs: now.getTime(),
        events: shifts.map((s) => ({
          uid: `${schedule.id}-${utcStamp(s.startsAt.getTime())}-${s.userId}@opsbook`,
          startMs: s.startsAt.getTime(),
          endMs: s.endsAt.getTime(),
          summary: `On call: ${s.name} (${schedule.name})`,
          description:
            s.layer === null ? 'Override' : `Layer ${s.layer + 1} of rotation ${schedule.rotation}`,
        })),
      });
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `inline; filename="${schedule.rotation}.ics"`)
        .send(text);
    },
  );
}

function overrideRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/oncall/schedules/:scheduleId/overrides';
  const S = W.extend({ scheduleId: Id });
  const tags = ['on-call'];

  r.get(
    base,
    {
      schema: {
        tags,
        summary: 'Overrides of a schedule that overlap a range (default: from now, 90 days)',
        params: S,
        querystring: Range,
        response: { 200: z.object({ items: z.array(Override) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { from, to } = rangeOf(request.query, deps.now(), 0, 90 * DAY_MS);
      const rows = await listOverrides(
        deps.database,
        request.params.workspaceId,
        request.params.scheduleId,
        from,
        to,
      );
      return { items: rows.map(overrideView) };
    },
  );

  r.post(
    base,
    {
      schema: {
        tags,
        summary:
          'Put someone on call for a while (yourself with incidents.write; anyone with incidents.manage)',
        params: S,
        body: z.strictObject({ userId: Id, startsAt: Instant, endsAt: Instant }),
        response: { 201: Override },
      },
      config: { access: ['incidents.write', 'incidents.manage'] },
    },
    async (request, reply) => {
      const row = await createOverride(
        deps.database,
        request.params.workspaceId,
        request.params.scheduleId,
        {
          userId: request.body.userId,
          startsAt: new Date(request.body.startsAt),
          endsAt: new Date(request.body.endsAt),
        },
        coverer(request),
        deps.now(),
      );
      return reply.code(201).send(overrideView(row));
    },
  );

  r.delete(
    `${base}/:overrideId`,
    {
      schema: {
        tags,
        summary: "Remove an override (your own with incidents.write; anyone's with incidents.manage)",
        params: S.extend({ overrideId: Id }),
        response: { 204: z.null() },
      },
      config: { access: ['incidents.write', 'incidents.manage'] },
    },
    async (request, reply) => {
      const { workspaceId, scheduleId, overrideId } = request.params;
      await deleteOverride(deps.database, workspaceId, scheduleId, overrideId, coverer(request));
      return reply.code(204).send(null);
    },
  );
}
