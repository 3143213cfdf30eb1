/**
 * The help-desk figures over HTTP, on both engines, in the SofaCover demo workspace (its "Success
 * Metrics": P0 100 %, P1 95 %, P2 90 %, P3 85 % of first responses on time; resolutions 90/85/80/75 %;
 * CSAT > 4.5; first contact resolution > 70 %, by the agent's tag). Tickets of a past week are written straight into the
 * table with known times and clock verdicts, so every figure can be checked exactly: durations and their
 * percentiles, compliance per priority against the pack's targets, CSAT, the reopen rate, volumes per
 * channel, day and agent; the CSV carries the same; every figure's filters list the same tickets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.js';
import { clockVerdicts } from '../../src/modules/support/clock-groups.js';
import { tickets, type TicketClock } from '../../src/store/schema.js';
import { ENGINES } from '../support/databases.js';
import { openDesk, type Desk } from './api-helpers.js';

const FROM = '2025-06-01T00:00:00Z';
const TO = '2025-06-08T00:00:00Z';
const MIN = 60_000;
const at = (iso: string, plusMin = 0) => new Date(Date.parse(iso) + plusMin * MIN);
const clock = (id: string, phase: string): TicketClock => ({ id, phase, due: null, derivation: 'seeded' });

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`help-desk metrics: ${engine.title}`, () => {
    let desk: Desk;
    const n = { a: 900_001, b: 900_002, c: 900_003, d: 900_004, merged: 900_005, before: 900_006 };

    beforeAll(async () => {
      desk = await openDesk(engine, 'sofacover');
      const base = { workspaceId: desk.ws, title: 'Seeded', status: 'resolved', channel: 'email-support' };
      const rows = [
        {
          number: n.a,
          priority: 'p0',
          createdAt: at('2025-06-01T10:00:00Z'),
          firstResponseAt: at('2025-06-01T10:00:00Z', 10),
          resolvedAt: at('2025-06-01T10:00:00Z', 60),
          clocks: [clock('response', 'met'), clock('resolution', 'met')],
          csatScore: 5,
          assigneeId: desk.userId,
          tags: ['first-contact-resolution'],
        },
        {
          number: n.b,
          priority: 'p0',
          createdAt: at('2025-06-01T11:00:00Z'),
          firstResponseAt: at('2025-06-01T11:00:00Z', 20),
          resolvedAt: at('2025-06-01T11:00:00Z', 180),
          clocks: [clock('response', 'breached'), clock('resolution', 'breached')],
          breached: true,
          csatScore: 3,
          assigneeId: desk.userId,
        },
        {
          number: n.c,
          priority: 'p1',
          status: 'open',
          channel: 'live-chat',
          tier: 'tier-1',
          createdAt: at('2025-06-02T09:00:00Z'),
          firstResponseAt: at('2025-06-02T09:00:00Z', 30),
          clocks: [clock('response', 'met'), clock('resolution', 'running')],
          reopenedCount: 1,
          reopenedInWindow: true,
        },
        {
          number: n.d,
          priority: 'p3',
          status: 'open',
          createdAt: at('2025-06-03T23:30:00Z'),
          clocks: [clock('response', 'running'), clock('resolution', 'running')],
        },
        {
          number: n.merged,
          priority: 'p1',
          createdAt: at('2025-06-03T12:00:00Z'),
          mergedInto: 'tkt_elsewhere',
        },
        { number: n.before, priority: 'p0', createdAt: at('2025-05-31T23:59:00Z') },
      ];
      await desk.t.database.inWorkspace(desk.ws, (tx) =>
        tx.insert(tickets).values(
          rows.map((r) => ({
            ...base,
            ...r,
            // As the engine's mirror records them.
            ...clockVerdicts(r.clocks ?? []),
            id: newId('tkt', r.createdAt.getTime()),
            updatedAt: r.createdAt,
          })),
        ),
      );
    }, 240_000);
    afterAll(async () => desk?.close());

    const period = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

    it("computes each figure of the period, held to the pack's targets", async () => {
      const r = await desk.call('GET', `/support/metrics?${period}`);
      expect(r.statusCode, r.body).toBe(200);
      const m = r.json<Record<string, unknown>>();
      expect(m).toMatchObject({
        tickets: 4,
        // 10, 20, 30 min: p90 interpolates (percentile_cont) to 28 min.
        firstResponse: { avgMs: 20 * MIN, p50Ms: 20 * MIN, p90Ms: 28 * MIN, count: 3 },
        resolution: { avgMs: 120 * MIN, p50Ms: 120 * MIN, p90Ms: 168 * MIN, count: 2 },
        // Tagged by the agent ("First contact resolution: >70%"): one of the two resolved.
        firstContactResolution: { percent: 50, target: 70, count: 1 },
        csat: { average: 4, responses: 2, target: 4.5 },
        reopenRate: { percent: 33.3, count: 1 },
        volumeByChannel: [
          { channel: 'email-support', count: 3 },
          { channel: 'live-chat', count: 1 },
        ],
        volumeByDay: [
          { day: '2025-06-01', count: 2 },
          { day: '2025-06-02', count: 1 },
          { day: '2025-06-03', count: 1 },
        ],
        perAgent: [
          {
            userId: desk.userId,
            assigned: 2,
            resolved: 2,
            firstResponseP50Ms: 15 * MIN,
            csat: 4,
            name: expect.any(String),
          },
        ],
      });
      expect(m.slaCompliance).toEqual([
        {
          priority: 'p0',
          target: 100,
          firstResponse: { met: 1, breached: 1, percent: 50, target: 100 },
          resolution: { met: 1, breached: 1, percent: 50, target: 90 },
        },
        {
          priority: 'p1',
          target: 95,
          firstResponse: { met: 1, breached: 0, percent: 100, target: 95 },
          resolution: { met: 0, breached: 0, percent: null, target: 85 },
        },
        {
          priority: 'p2',
          target: 90,
          firstResponse: { met: 0, breached: 0, percent: null, target: 90 },
          resolution: { met: 0, breached: 0, percent: null, target: 80 },
        },
        {
          priority: 'p3',
          target: 85,
          firstResponse: { met: 0, breached: 0, percent: null, target: 85 },
          resolution: { met: 0, breached: 0, percent: null, target: 75 },
        },
      ]);
      const backlog = m.backlogByTier as { tier: string; open: number }[];
      expect(backlog.find((b) => b.tier === 'tier-1')?.open).toBeGreaterThanOrEqual(1);
      expect(backlog.find((b) => b.tier === 'untiered')?.open).toBeGreaterThanOrEqual(1);
    });

    it('narrows to a channel or an agent', async () => {
      const chat = (await desk.call('GET', `/support/metrics?${period}&channel=live-chat`)).json<{
        tickets: number;
      }>();
      expect(chat.tickets).toBe(1);
      const mine = (await desk.call('GET', `/support/metrics?${period}&agent=${desk.userId}`)).json<{
        tickets: number;
      }>();
      expect(mine.tickets).toBe(2);
    });

    it('lists the tickets behind a figure with the same filters (drill-down)', async () => {
      const list = async (filters: string) =>
        (await desk.call('GET', `/tickets?${period}&${filters}&limit=200`))
          .json<{ items: { number: number }[] }>()
          .items.map((t) => t.number)
          .sort();
      expect(await list('clock=first-response&verdict=breached')).toEqual([n.b]);
      expect(await list('priority=p0&clock=resolution&verdict=met')).toEqual([n.a]);
      expect(await list('csat=5')).toEqual([n.a]);
      expect(await list('reopened=true')).toEqual([n.c]);
      expect(await list('channel=email-support')).toEqual([n.a, n.b, n.d]);
      expect(await list(`assignee=${desk.userId}`)).toEqual([n.a, n.b]);
      expect(await list('fcr=true')).toEqual([n.a]);
    });

    it('exports the same figures as CSV', async () => {
      const r = await desk.call('GET', `/support/metrics.csv?${period}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(r.headers['content-disposition']).toBe(
        'attachment; filename="helpdesk-metrics-2025-06-01-to-2025-06-08.csv"',
      );
      const lines = r.body.trimEnd().split('\r\n');
      expect(lines[0]).toBe('section,item,measure,value');
      expect(lines).toEqual(
        expect.arrayContaining([
          'tickets,,count,4',
          `first_response,,p90_ms,${28 * MIN}`,
          'sla_first_response,p0,percent,50',
          'sla_first_response,p0,target_percent,100',
          'sla_resolution,p1,target_percent,85',
          'csat,,average,4',
          'reopen_rate,,percent,33.3',
          'volume_by_channel,live-chat,count,1',
          'volume_by_day,2025-06-03,count,1',
        ]),
      );
    });

    it('refuses a period that ends before it starts', async () => {
      const r = await desk.call(
        'GET',
        `/support/metrics?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`,
      );
      expect(r.statusCode).toBe(400);
      expect(r.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/querystring/to');
      expect((await desk.call('GET', '/support/metrics?from=yesterday')).statusCode).toBe(400);
    });
  });
}
