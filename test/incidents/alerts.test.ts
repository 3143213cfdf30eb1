/**
 * Alert intake's use case on both engines, with a clock that moves only when told: dedup by key (a repeat
 * counts, a resolve closes, a trigger after a resolve opens a new alert), grouping into incidents, severity
 * mapping onto the pack's scale, flapping damped, maintenance suppressing, incidents resolving with their
 * last alert, and R9: 10,000 events over 500 keys, repeated and reordered, against a reference model.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { OpsError } from '../../src/errors/catalog.js';
import {
  ingestAlerts,
  ingestAlertsIn,
  MAX_ALERTS_PER_CALL,
  type AlertEvent,
} from '../../src/modules/incidents/alerts.js';
import { AlertBatcher } from '../../src/modules/incidents/alert-batcher.js';
import type { IncidentsContext } from '../../src/modules/incidents/context.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import { seeded } from '../../src/core/seeded.js';
import type { Database } from '../../src/store/database.js';
import { alerts, incidents, maintenanceWindows } from '../../src/store/schema-incidents.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const MIN = 60_000;
const SOURCE = 'alertmanager:int_test';

const trigger = (dedupKey: string, more: Partial<AlertEvent> = {}): AlertEvent => ({
  action: 'trigger',
  dedupKey,
  summary: `${dedupKey} is failing`,
  severity: 'critical',
  ...more,
});
const resolve = (dedupKey: string): AlertEvent => ({ action: 'resolve', dedupKey });

async function activate(database: Database, ws: string, pack: string, now: Date): Promise<void> {
  const loaded = await loadPack(`packs/${pack}`);
  if (!loaded.ok) throw new Error(`${pack} does not load`);
  await activatePack(database, ws, loaded, 'test', now);
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`alert intake: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let ctx: IncidentsContext;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      ctx = {
        database,
        engine: new Engine(database, clock),
        now: () => clock.now(),
        publicUrl: 'http://opsbook.test',
      };
    });
    afterAll(async () => {
      await opened?.close();
    });

    /** A fresh workspace running a seed pack (ShopSmart: SEV1-SEV4). */
    async function workspace(pack = 'shopsmart-pro'): Promise<string> {
      const ws = await createWorkspace(database, pack);
      await activate(database, ws, pack, clock.now());
      return ws;
    }
    const ingest = (ws: string, events: AlertEvent[], source = SOURCE) =>
      ingestAlerts(ctx, ws, source, events, 'integration:int_test');
    const alertRows = (ws: string, key?: string) =>
      database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(alerts)
          .where(key === undefined ? undefined : eq(alerts.dedupKey, key))
          .orderBy(asc(alerts.createdAt), asc(alerts.id)),
      );
    const incidentRows = (ws: string) =>
      database.inWorkspace(ws, (tx) => tx.select().from(incidents).orderBy(asc(incidents.number)));

    it('deduplicates by key: a repeat counts, a resolve closes, a trigger after a resolve opens a new alert', async () => {
      const ws = await workspace();
      const first = await ingest(ws, [trigger('disk-full', { labels: { host: 'db1' } })]);
      expect(first).toMatchObject({ accepted: 1, opened: 1, updated: 0, incidents: [1] });
      clock.advance(MIN);
      const repeat = await ingest(ws, [trigger('disk-full', { labels: { host: 'db2' } })]);
      expect(repeat).toMatchObject({ opened: 0, updated: 1, incidents: [] });
      let rows = await alertRows(ws, 'disk-full');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        status: 'firing',
        count: 2,
        labels: { host: 'db2' },
        severity: 'sev1',
      });
      expect(rows[0]!.lastSeenAt.getTime() - rows[0]!.startedAt.getTime()).toBe(MIN);

      expect(await ingest(ws, [resolve('disk-full')])).toMatchObject({ resolved: 1 });
      expect(await ingest(ws, [resolve('disk-full')])).toMatchObject({ accepted: 1, resolved: 0 });
      clock.advance(40 * MIN);
      expect(await ingest(ws, [trigger('disk-full')])).toMatchObject({ opened: 1, incidents: [2] });
      rows = await alertRows(ws, 'disk-full');
      expect(rows.map((r) => [r.status, r.count, r.flaps])).toEqual([
        ['resolved', 2, 0],
        ['firing', 1, 0],
      ]);
    });

    it('applies one batch in order: trigger, resolve, trigger of one key ends with a new open alert', async () => {
      const ws = await workspace();
      const result = await ingest(ws, [trigger('k'), trigger('k'), resolve('k'), trigger('k')]);
      expect(result).toMatchObject({ accepted: 4, opened: 2, updated: 1, resolved: 1 });
      const rows = await alertRows(ws, 'k');
      expect(rows.map((r) => [r.status, r.count])).toEqual([
        ['resolved', 2],
        ['firing', 1],
      ]);
      // One by one: the first incident resolves with its only alert, and the re-fire opens a second.
      expect((await incidentRows(ws)).map((i) => [i.number, i.resolvedAt !== null])).toEqual([
        [1, true],
        [2, false],
      ]);
    });

    it('maps severities onto the pack scale in order; info and unknown words as documented', async () => {
      const ws = await workspace();
      const result = await ingest(ws, [
        trigger('c', { severity: 'critical', service: 's1' }),
        trigger('e', { severity: 'error', service: 's2' }),
        trigger('w', { severity: 'warning', service: 's3' }),
        trigger('i', { severity: 'info', service: 's4' }),
        trigger('l', { severity: 'sev2', service: 's5' }),
        trigger('u', { severity: 'bogus', service: 's6' }),
        trigger('p', { severity: 'page', service: 's7' }),
      ]);
      expect(result).toMatchObject({ opened: 7, incidents: [1, 2, 3, 4, 5, 6] });
      const rows = await alertRows(ws);
      expect(Object.fromEntries(rows.map((r) => [r.dedupKey, [r.severity, r.incidentId !== null]]))).toEqual({
        c: ['sev1', true],
        e: ['sev2', true],
        w: ['sev3', true],
        i: ['sev4', false], // info: recorded, opens no incident
        l: ['sev2', true], // a level id of the scale as is
        u: ['sev2', true], // unknown: as error
        p: ['sev1', true], // Prometheus' "page": as critical
      });
      expect((await incidentRows(ws)).map((i) => i.severity)).toEqual([
        'sev1',
        'sev2',
        'sev3',
        'sev2',
        'sev2',
        'sev1',
      ]);
    });

    it('groups alerts into incidents by service per source, or by the sender group key', async () => {
      const ws = await workspace();
      const result = await ingest(ws, [
        trigger('a', { service: 'checkout' }),
        trigger('b', { service: 'checkout' }),
        trigger('c', { service: 'payments' }),
        trigger('d'),
        trigger('e'),
        trigger('f', { groupKey: '{}:{alertname="X"}' }),
        trigger('g', { groupKey: '{}:{alertname="X"}', service: 'other' }),
      ]);
      expect(result.incidents).toEqual([1, 2, 3, 4]);
      const other = await ingest(ws, [trigger('h', { service: 'checkout' })], 'generic:int_other');
      expect(other.incidents).toEqual([5]);
      const rows = await incidentRows(ws);
      expect(rows.map((i) => i.groupKey)).toEqual([
        `${SOURCE} service=checkout`,
        `${SOURCE} service=payments`,
        SOURCE,
        `${SOURCE} {}:{alertname="X"}`,
        'generic:int_other service=checkout',
      ]);
      expect(rows[0]).toMatchObject({ title: 'a is failing', service: 'checkout', severity: 'sev1' });
      const byKey = Object.fromEntries((await alertRows(ws)).map((r) => [r.dedupKey, r.incidentId]));
      expect(byKey.a).toBe(byKey.b);
      expect(byKey.d).toBe(byKey.e);
      expect(byKey.f).toBe(byKey.g);
      // A later alert of the group joins the open incident.
      clock.advance(MIN);
      expect((await ingest(ws, [trigger('a2', { service: 'checkout' })])).incidents).toEqual([1]);
    });

    it('resolves an incident alerts opened when its last alert resolves, not before; never a declared one', async () => {
      const ws = await workspace();
      await ingest(ws, [trigger('x1', { service: 'api' }), trigger('x2', { service: 'api' })]);
      await ingest(ws, [resolve('x1')]);
      expect((await incidentRows(ws))[0]!.resolvedAt).toBeNull();
      clock.advance(MIN);
      await ingest(ws, [resolve('x2')]);
      const [incident] = await incidentRows(ws);
      expect(incident!.resolvedAt?.toISOString()).toBe(clock.now().toISOString());
      expect(incident!.status).toBe('resolved');

      // An incident a person declared with the group key: alerts join it, and it stays theirs to resolve.
      const { declareIncident } = await import('../../src/modules/incidents/incidents.js');
      const declared = await declareIncident(
        ctx,
        ws,
        { title: 'Checkout slow', groupKey: `${SOURCE} service=web` },
        'user:usr_1',
      );
      const joined = await ingest(ws, [trigger('y', { service: 'web' })]);
      expect(joined.incidents).toEqual([declared.number]);
      await ingest(ws, [resolve('y')]);
      const rows = await incidentRows(ws);
      expect(rows.find((i) => i.id === declared.id)!.resolvedAt).toBeNull();
    });

    it('acknowledges an open alert; a repeat keeps it acknowledged; unknown keys change nothing', async () => {
      const ws = await workspace();
      await ingest(ws, [trigger('ack-me')]);
      clock.advance(MIN);
      const acked = await ingest(ws, [
        { action: 'acknowledge', dedupKey: 'ack-me' },
        { action: 'acknowledge', dedupKey: 'ack-me' },
        { action: 'acknowledge', dedupKey: 'nobody' },
      ]);
      expect(acked).toMatchObject({ accepted: 3, acknowledged: 1 });
      await ingest(ws, [trigger('ack-me')]);
      const [row] = await alertRows(ws, 'ack-me');
      expect(row).toMatchObject({ status: 'acknowledged', count: 2 });
      expect(row!.acknowledgedAt?.toISOString()).toBe(clock.now().toISOString());
      expect(await alertRows(ws, 'nobody')).toEqual([]);
    });

    it('damps flapping: the third firing within 30 minutes stays on the previous incident and opens none', async () => {
      const ws = await workspace();
      const flap = (action: 'trigger' | 'resolve') =>
        ingest(ws, [action === 'trigger' ? trigger('flappy', { service: 'db' }) : resolve('flappy')]);
      expect((await flap('trigger')).incidents).toEqual([1]);
      clock.advance(MIN);
      await flap('resolve');
      clock.advance(MIN);
      expect((await flap('trigger')).incidents).toEqual([2]); // the first re-fire still pages
      clock.advance(MIN);
      await flap('resolve');
      clock.advance(MIN);
      expect((await flap('trigger')).incidents).toEqual([2]); // flapping: kept on incident 2
      clock.advance(MIN);
      await flap('resolve');
      clock.advance(MIN);
      expect((await flap('trigger')).incidents).toEqual([2]);
      let rows = await alertRows(ws, 'flappy');
      expect(rows.map((r) => r.flaps)).toEqual([0, 1, 2, 3]);
      const incident2 = (await incidentRows(ws))[1]!.id;
      expect(rows.slice(1).map((r) => r.incidentId)).toEqual([incident2, incident2, incident2]);
      expect(await incidentRows(ws)).toHaveLength(2);
      // Quiet for more than 30 minutes after its last resolve: the next firing pages again.
      await flap('resolve');
      clock.advance(31 * MIN);
      expect((await flap('trigger')).incidents).toEqual([3]);
      rows = await alertRows(ws, 'flappy');
      expect(rows.at(-1)!.flaps).toBe(0);
    });

    it('records but suppresses alerts of a component under maintenance; they page once it is over', async () => {
      const ws = await workspace();
      await database.inWorkspace(ws, (tx) =>
        tx.insert(maintenanceWindows).values({
          id: 'mnt_1',
          workspaceId: ws,
          title: 'Database upgrade',
          startsAt: new Date(clock.now().getTime() - MIN),
          endsAt: new Date(clock.now().getTime() + 60 * MIN),
          components: ['database'],
          createdBy: 'user:usr_1',
        }),
      );
      const during = await ingest(ws, [
        trigger('db-down', { component: 'database', service: 'db' }),
        trigger('api-down', { component: 'api', service: 'api' }),
      ]);
      expect(during).toMatchObject({ opened: 2, suppressed: 1, incidents: [1] });
      const [dbAlert] = await alertRows(ws, 'db-down');
      expect(dbAlert).toMatchObject({ status: 'firing', incidentId: null });
      clock.advance(61 * MIN);
      const after = await ingest(ws, [trigger('db-down', { component: 'database', service: 'db' })]);
      expect(after).toMatchObject({ updated: 1, suppressed: 0, incidents: [2] });
    });

    it('records alerts without incidents when no pack is active', async () => {
      const ws = await createWorkspace(database, 'no pack');
      const result = await ingest(ws, [trigger('n1', { severity: 'warn' })]);
      expect(result).toMatchObject({ opened: 1, incidents: [] });
      expect((await alertRows(ws))[0]).toMatchObject({ severity: 'warning', incidentId: null });
    });

    it('refuses a bad batch whole, naming each bad event, and one past the limit', async () => {
      const ws = await workspace();
      const bad = ingest(ws, [
        trigger('ok'),
        { action: 'trigger', dedupKey: 'no-summary' },
        trigger('x'.repeat(256)),
      ]);
      await expect(bad).rejects.toMatchObject({
        code: 'OPS_VALIDATION',
        errors: [
          { pointer: '/events/1/summary', message: 'a trigger needs a summary' },
          { pointer: '/events/2/dedupKey', message: 'at most 255 characters' },
        ],
      });
      const many = Array.from({ length: MAX_ALERTS_PER_CALL + 1 }, (_, i) => trigger(`k${i}`));
      await expect(ingest(ws, many)).rejects.toBeInstanceOf(OpsError);
      await expect(ingest(ws, many)).rejects.toMatchObject({ code: 'OPS_BATCH_TOO_LARGE' });
      expect(await alertRows(ws)).toEqual([]);
    });

    it('takes 10,000 alerts in one call, and concurrent batches of one group open one incident', async () => {
      const ws = await workspace();
      const big = Array.from({ length: MAX_ALERTS_PER_CALL }, (_, i) =>
        trigger(`bulk-${i % 2000}`, { service: `svc-${i % 10}`, labels: { i: String(i) } }),
      );
      const result = await ingest(ws, big);
      expect(result).toMatchObject({ accepted: 10_000, opened: 2000, updated: 8000 });
      expect(result.incidents).toHaveLength(10);
      const batches = Array.from({ length: 6 }, (_, b) =>
        ingest(ws, [trigger(`race-${b}`, { service: 'race' }), trigger('race-shared', { service: 'race' })]),
      );
      const results = await Promise.all(batches);
      const raced = new Set(results.flatMap((r) => r.incidents));
      expect(raced.size).toBe(1);
      const shared = await alertRows(ws, 'race-shared');
      expect(shared.map((r) => [r.status, r.count])).toEqual([['firing', 6]]);
    });

    it('coalesces concurrent requests into one transaction, each answered apart; a bad one fails alone', async () => {
      const ws = await workspace();
      const batcher = new AlertBatcher(ctx);
      const submit = (events: AlertEvent[], n: number) =>
        batcher.submit(ws, { source: 'generic:int_shared', events, actor: `integration:int_${n}` });
      expect(await submit([trigger('b-1', { service: 'batch' })], 1)).toMatchObject({
        opened: 1,
        incidents: [1],
      });
      // Two go at once; the next three wait and go together, the bad one among them.
      const results = await Promise.allSettled([
        submit([trigger('c-1', { service: 'batch' })], 2),
        submit([trigger('c-2', { service: 'batch' }), trigger('c-2', { service: 'batch' })], 3),
        submit([{ action: 'trigger', dedupKey: 'no-summary' }], 4),
        submit([resolve('b-1')], 5),
        submit([trigger('b-1', { service: 'other' })], 6),
      ]);
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      const value = (i: number) => (results[i] as PromiseFulfilledResult<unknown>).value;
      expect(value(0)).toMatchObject({ accepted: 1, opened: 1, incidents: [1] });
      expect(value(1)).toMatchObject({ accepted: 2, opened: 1, updated: 1, incidents: [1] });
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'OPS_VALIDATION' });
      expect(value(3)).toMatchObject({ resolved: 1 });
      expect(value(4)).toMatchObject({ opened: 1, incidents: [2] });
      const rows = await alertRows(ws);
      expect(rows.map((r) => [r.dedupKey, r.status, r.count]).sort()).toEqual([
        ['b-1', 'firing', 1],
        ['b-1', 'resolved', 1],
        ['c-1', 'firing', 1],
        ['c-2', 'firing', 2],
      ]);
      expect(await alertRows(ws, 'no-summary')).toEqual([]);
      expect((await incidentRows(ws)).map((i) => [i.number, i.resolvedAt !== null, i.declaredBy])).toEqual([
        [1, false, 'integration:int_1'],
        [2, false, 'integration:int_6'],
      ]);
    });

    it('R9: 10,000 events over 500 keys, repeated and reordered, give the exact alert and incident counts', async () => {
      const ws = await workspace();
      const seed = 42;
      const random = seeded(seed);
      const keys = 500;
      const base: R9Event[] = Array.from({ length: 5000 }, () => {
        const key = Math.floor(random() * keys);
        const roll = random();
        const action = roll < 0.6 ? 'trigger' : roll < 0.65 ? 'acknowledge' : 'resolve';
        return { action, key: `r9-${key}`, service: `svc-${key % 125}` };
      });
      // Repeated: every event delivered twice (an at-least-once sender), the copy up to 40 places later;
      // reordered: then shuffled within windows of 25.
      const delivered: R9Event[] = [];
      base.forEach((event, i) => {
        delivered.push(event);
        const at = Math.min(delivered.length, i + Math.floor(random() * 40));
        delivered.splice(at, 0, event);
      });
      for (let start = 0; start < delivered.length; start += 25) {
        for (let i = Math.min(start + 24, delivered.length - 1); i > start; i--) {
          const j = start + Math.floor(random() * (i - start + 1));
          [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
        }
      }
      expect(delivered).toHaveLength(10_000);
      const model = new R9Model();
      let sent = 0;
      let batches = 0;
      while (sent < delivered.length) {
        const size = Math.min(delivered.length - sent, 1 + Math.floor(random() * 700));
        const batch = delivered.slice(sent, sent + size);
        const nowMs = clock.now().getTime();
        for (const event of batch) model.apply(event, nowMs);
        await ingest(
          ws,
          batch.map((e) =>
            e.action === 'trigger'
              ? trigger(e.key, { service: e.service })
              : { action: e.action, dedupKey: e.key },
          ),
        );
        sent += size;
        batches++;
        clock.advance(4 * MIN);
      }
      const rows = await alertRows(ws);
      const incidentList = await incidentRows(ws);
      const expected = model.summary();
      const actual = {
        alerts: rows.length,
        open: rows.filter((r) => r.status !== 'resolved').length,
        acknowledged: rows.filter((r) => r.status === 'acknowledged').length,
        repeats: rows.reduce((n, r) => n + r.count, 0),
        flapping: rows.filter((r) => r.flaps >= 2).length,
        incidents: incidentList.length,
        openIncidents: incidentList.filter((i) => i.resolvedAt === null).length,
      };
      const perKey = new Map<string, number>();
      for (const r of rows) perKey.set(r.dedupKey, (perKey.get(r.dedupKey) ?? 0) + 1);
      const keyMismatches = [...model.alertsPerKey()].filter(([k, n]) => (perKey.get(k) ?? 0) !== n).length;
      const [dups] = await database.inWorkspace(ws, (tx) =>
        tx
          .select({ n: sql<number>`count(*)::int` })
          .from(alerts)
          .where(and(sql`${alerts.status} <> 'resolved'`))
          .groupBy(alerts.dedupKey)
          .having(sql`count(*) > 1`),
      );
      console.log(
        `RESULT R9 events=${delivered.length} keys=${keys} batches=${batches} alerts=${actual.alerts}/${expected.alerts} ` +
          `open=${actual.open}/${expected.open} incidents=${actual.incidents}/${expected.incidents} ` +
          `open_incidents=${actual.openIncidents}/${expected.openIncidents} flapping=${actual.flapping}/${expected.flapping} ` +
          `key_mismatches=${keyMismatches} open_dups=${dups ? dups.n : 0} seed=${seed}`,
      );
      expect(actual).toEqual(expected);
      expect(keyMismatches).toBe(0);
      expect(dups).toBeUndefined();
      expect(expected.alerts).toBeGreaterThan(keys); // triggers after resolves opened new alerts
      expect(expected.flapping).toBeGreaterThan(0);
    }, 120_000);
  });
}

interface R9Event {
  readonly action: 'trigger' | 'acknowledge' | 'resolve';
  readonly key: string;
  readonly service: string;
}

/**
 * The rules of docs/alerts.md written out plainly, one event at a time: the reference the intake's
 * batched, statement-saving implementation must agree with.
 */
class R9Model {
  private readonly byKey = new Map<
    string,
    {
      open: boolean;
      acked: boolean;
      count: number;
      flaps: number;
      resolvedAtMs: number | null;
      incident: number | null;
    }[]
  >();
  private readonly incidents: { open: boolean; openAlerts: number; group: string }[] = [];
  private readonly openByGroup = new Map<string, number>();

  apply(event: R9Event, nowMs: number): void {
    const list = this.byKey.get(event.key) ?? [];
    this.byKey.set(event.key, list);
    const open = list.find((a) => a.open);
    if (event.action === 'acknowledge') {
      if (open) open.acked = true;
    } else if (event.action === 'resolve') {
      if (!open) return;
      open.open = false;
      open.resolvedAtMs = nowMs;
      const incident = open.incident === null ? undefined : this.incidents[open.incident];
      if (!incident?.open) return;
      incident.openAlerts--;
      if (incident.openAlerts === 0) {
        incident.open = false;
        this.openByGroup.delete(incident.group);
      }
    } else if (open) {
      open.count++;
    } else {
      const recent = list.filter((a) => a.resolvedAtMs === null || a.resolvedAtMs > nowMs - 30 * MIN);
      const alert = {
        open: true,
        acked: false,
        count: 1,
        flaps: recent.length,
        resolvedAtMs: null,
        incident: null as number | null,
      };
      if (alert.flaps >= 2) {
        alert.incident = recent.at(-1)?.incident ?? null;
      } else {
        let index = this.openByGroup.get(event.service);
        if (index === undefined) {
          index = this.incidents.push({ open: true, openAlerts: 0, group: event.service }) - 1;
          this.openByGroup.set(event.service, index);
        }
        alert.incident = index;
      }
      const incident = alert.incident === null ? undefined : this.incidents[alert.incident];
      if (incident?.open) incident.openAlerts++;
      list.push(alert);
    }
  }

  alertsPerKey(): Map<string, number> {
    return new Map([...this.byKey].map(([k, list]) => [k, list.length]));
  }

  summary() {
    const all = [...this.byKey.values()].flat();
    return {
      alerts: all.length,
      open: all.filter((a) => a.open).length,
      acknowledged: all.filter((a) => a.open && a.acked).length,
      repeats: all.reduce((n, a) => n + a.count, 0),
      flapping: all.filter((a) => a.flaps >= 2).length,
      incidents: this.incidents.length,
      openIncidents: this.incidents.filter((i) => i.open).length,
    };
  }
}

// Two connections at once: PostgreSQL only (PGlite has one connection, so its writers never overlap).
const postgres = ENGINES.find((e) => e.name === 'postgres')!;
describe.runIf(postgres.available)('alert intake, concurrent writers: PostgreSQL', () => {
  let opened: OpenedDatabase;
  let database: Database;
  let ctx: IncidentsContext;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    opened = await postgres.open();
    database = opened.database;
    ctx = { database, engine: new Engine(database, clock), now: () => clock.now(), publicUrl: 'http://t' };
  });
  afterAll(async () => {
    await opened?.close();
  });
  const ingest = (ws: string, events: AlertEvent[]) =>
    ingestAlerts(ctx, ws, SOURCE, events, 'integration:int_test');
  const incidentRows = (ws: string) =>
    database.inWorkspace(ws, (tx) => tx.select().from(incidents).orderBy(asc(incidents.number)));
  const alertRows = (ws: string, key: string) =>
    database.inWorkspace(ws, (tx) => tx.select().from(alerts).where(eq(alerts.dedupKey, key)));
  async function workspace(): Promise<string> {
    const ws = await createWorkspace(database, 'shopsmart-pro');
    await activate(database, ws, 'shopsmart-pro', clock.now());
    return ws;
  }

  it("an alert of the group arriving while the incident's last alert resolves opens a new incident, never joins the resolving one", async () => {
    const ws = await workspace();
    await ingest(ws, [trigger('k1', { service: 'race' })]);
    const [first] = await incidentRows(ws);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let resolvedInTx!: () => void;
    const resolving = new Promise<void>((r) => (resolvedInTx = r));
    // A: resolves k1 (the incident's last alert) and holds its transaction open.
    const a = database.inWorkspace(ws, async (tx) => {
      await ingestAlertsIn(ctx, tx, ws, SOURCE, [resolve('k1')], 'integration:int_test');
      resolvedInTx();
      await held;
    });
    await resolving;
    // B: a new alert of the same group, on another connection, while A is uncommitted.
    const b = ingest(ws, [trigger('k2', { service: 'race' })]);
    await new Promise((r) => setTimeout(r, 200));
    release();
    await a;
    const result = await b;
    const rows = await incidentRows(ws);
    expect(rows.find((i) => i.id === first!.id)!.resolvedAt).not.toBeNull();
    const [k2] = await alertRows(ws, 'k2');
    expect(k2!.incidentId).not.toBe(first!.id);
    expect(rows.find((i) => i.id === k2!.incidentId)?.resolvedAt).toBeNull();
    expect(result.incidents).toEqual([first!.number + 1]);
  });
});
