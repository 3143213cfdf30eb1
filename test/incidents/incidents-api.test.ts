/**
 * The incident room over HTTP (inject), on both engines, signed in as the SofaCover demo owner: declare a
 * P0 (SofaCover: response 15 min, resolution 2 h), read it whole, act on it, read the metrics; bad input
 * gets a precise problem and changes nothing.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/store/schema.js';
import { ENGINES } from '../support/databases.js';
import { openDesk, type Desk } from '../support-desk/api-helpers.js';

interface Detail {
  incident: {
    number: number;
    reference: string;
    status: string;
    severity: string;
    clocks: { id: string; phase: string; due: string | null; derivation: string }[];
    acknowledgedAt: string | null;
    resolvedAt: string | null;
    roles: Record<string, string>;
  };
  stages: { id: string; label: string; reachedAt: string | null }[];
  roles: { role: string; holder: string | null }[];
  updates: { status: string; audience: string; body: Record<string, string>; publishedAt: string | null }[];
  timeline: { type: string; actor: string }[];
  review: { status: string; sections: Record<string, string> } | null;
  actionItems: { id: string; title: string; status: string }[];
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`incident room API: ${engine.title}`, () => {
    let desk: Desk;
    beforeAll(async () => {
      desk = await openDesk(engine, 'sofacover');
    });
    afterAll(async () => desk?.close());

    it('declares a P0 with its response and resolution clocks, and runs it to its review', async () => {
      const declared = await desk.call('POST', '/incidents', { title: 'Checkout down', severity: 'p0' });
      expect(declared.statusCode, declared.body).toBe(201);
      const { number, reference } = declared.json<{ number: number; reference: string }>();
      expect(reference).toBe(`INC-${number}`);
      const read = async () => {
        const r = await desk.call('GET', `/incidents/${number}`);
        expect(r.statusCode, r.body).toBe(200);
        return r.json<Detail>();
      };
      const first = await read();
      expect(first.incident.severity).toBe('p0');
      const ids = first.incident.clocks.map((c) => c.id);
      expect(ids.some((id) => id.includes('response'))).toBe(true);
      expect(ids.some((id) => id.includes('resolution'))).toBe(true);
      for (const c of first.incident.clocks) expect(c.derivation.length).toBeGreaterThan(0);
      // SofaCover's critical route: phone + SMS + Slack + email, recorded with the declaration.
      const routed = await desk.t.database.inWorkspace(desk.ws, (tx) =>
        tx.select().from(outbox).where(eq(outbox.channel, 'notify')),
      );
      // (The engine's route notifications; the on-call pages have keys of their own, `page:…`.)
      const channels = routed
        .filter((m) => !m.idempotencyKey.startsWith('page:'))
        .map((m) => m.payload as { subject?: string; channel?: string; route?: string })
        .filter((p) => p.subject === `incident:${number}` && p.route === 'critical-alerts')
        .map((p) => p.channel)
        .sort();
      expect(channels).toEqual(['alert-email', 'alert-phone', 'alert-sms', 'support-critical']);

      expect(
        (await desk.call('PUT', `/incidents/${number}/roles/primary-responder`, { userId: desk.userId }))
          .statusCode,
      ).toBe(200);
      const ack = await desk.call('POST', `/incidents/${number}/acknowledge`);
      expect(ack.json()).toEqual({ first: true });
      const update = await desk.call('POST', `/incidents/${number}/updates`, {
        audience: 'public',
        status: 'identified',
        body: { en: 'A failed deploy broke checkout; rolling back.' },
      });
      expect(update.statusCode, update.body).toBe(201);
      expect(update.json()).toMatchObject({ approval: 'approved', published: true });
      const resolved = await desk.call('POST', `/incidents/${number}/resolve`);
      expect(resolved.statusCode).toBe(200);
      const last = await read();
      expect(last.incident.status).toBe('resolved');
      expect(last.incident.resolvedAt).not.toBeNull();
      expect(last.incident.acknowledgedAt).not.toBeNull();
      expect(last.incident.roles['primary-responder']).toBe(desk.userId);
      expect(last.updates).toHaveLength(1);
      expect(last.timeline.map((e) => e.type)).toEqual(
        expect.arrayContaining([
          'incident.declared',
          'incident.role',
          'incident.updated',
          'incident.resolved',
        ]),
      );
      expect(last.review?.status).toBe('draft');
      const item = await desk.call('POST', `/incidents/${number}/action-items`, {
        title: 'Canary deploys',
        ownerId: desk.userId,
        dueAt: '2030-01-01T00:00:00Z',
      });
      expect(item.statusCode, item.body).toBe(201);
      const done = await desk.call(
        'POST',
        `/incidents/${number}/action-items/${item.json<{ id: string }>().id}/done`,
      );
      expect(done.statusCode).toBe(200);
      const metrics = await desk.call('GET', '/incident-metrics');
      expect(metrics.statusCode, metrics.body).toBe(200);
      expect(metrics.json<{ bySeverity: { severity: string; count: number }[] }>().bySeverity).toEqual(
        expect.arrayContaining([expect.objectContaining({ severity: 'p0', count: 1 })]),
      );
      const list = await desk.call('GET', '/incidents?state=all');
      const listed = list.json<{
        items: { number: number }[];
        scale: { levels: { id: string; label: string }[] };
      }>();
      expect(listed.items.map((i) => i.number)).toContain(number);
      // What the declare form offers: SofaCover's P0-P3, most severe first.
      expect(listed.scale.levels.map((l) => l.id)).toEqual(['p0', 'p1', 'p2', 'p3']);
    });

    it('answers bad input with a precise problem and changes nothing', async () => {
      const before = (await desk.call('GET', '/incidents?state=all')).json<{ items: unknown[] }>().items
        .length;
      const badSeverity = await desk.call('POST', '/incidents', { title: 'x', severity: 'sev9' });
      expect(badSeverity.statusCode).toBe(400);
      expect(badSeverity.headers['content-type']).toMatch(/problem\+json/);
      expect(badSeverity.body).toMatch(/p0, p1, p2, p3/);
      const noTitle = await desk.call('POST', '/incidents', { severity: 'p1' });
      expect(noTitle.statusCode).toBe(400);
      expect(noTitle.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/title');
      const unknownField = await desk.call('POST', '/incidents', {
        title: 'x',
        severity: 'p1',
        colour: 'red',
      });
      expect(unknownField.statusCode).toBe(400);
      expect((await desk.call('GET', '/incidents/999999')).statusCode).toBe(404);
      expect((await desk.call('GET', '/incidents/abc')).statusCode).toBe(400);
      const after = (await desk.call('GET', '/incidents?state=all')).json<{ items: unknown[] }>().items
        .length;
      expect(after).toBe(before);
      const declared = await desk.call('POST', '/incidents', { title: 'Role test', severity: 'p3' });
      const n = declared.json<{ number: number }>().number;
      const badRole = await desk.call('PUT', `/incidents/${n}/roles/dictator`, { userId: desk.userId });
      expect(badRole.statusCode).toBe(400);
      const badStage = await desk.call('POST', `/incidents/${n}/stages/nope/done`);
      expect(badStage.statusCode).toBe(400);
      const emptyUpdate = await desk.call('POST', `/incidents/${n}/updates`, {
        audience: 'public',
        body: { en: '  ' },
      });
      expect(emptyUpdate.statusCode).toBe(400);
      const badReport = await desk.call('POST', `/incidents/${n}/reports`, { clock: 'cert-in' });
      expect(badReport.statusCode).toBe(400);
      const reviewTooEarly = await desk.call('PUT', `/incidents/${n}/review`, { sections: {} });
      expect(reviewTooEarly.statusCode).toBe(409);
      const metricsBackwards = await desk.call(
        'GET',
        '/incident-metrics?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      );
      expect(metricsBackwards.statusCode).toBe(400);
    });
  });
}
