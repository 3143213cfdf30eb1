/**
 * The seed packs' alert rules and thresholds, end to end on both engines: metric samples cross the pack's
 * thresholds (company SOP: CPU over 80 %, 001#51; SofaCover: error rate 0.1 %, 002#26), fire alerts,
 * open the incident the pack's rules say (POS: a low login success rate is a P0 mass login failure,
 * 003#32), and resolve when the metric comes back.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { ingestAlerts } from '../../src/modules/incidents/alerts.js';
import type { IncidentsContext } from '../../src/modules/incidents/context.js';
import { ingestSamples } from '../../src/modules/incidents/thresholds.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { alerts, incidents, thresholdStates } from '../../src/store/schema-incidents.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const MIN = 60_000;

describe('the seed packs’ alert rules', () => {
  it('name levels of their incident scale and incident types (or playbooks) the pack defines', async () => {
    const checked: string[] = [];
    for (const name of ['company-ops', 'pos-saas', 'sofacover-pro', 'shopsmart-pro', 'smart-estate']) {
      const loaded = await loadPack(`packs/${name}`);
      if (!loaded.ok) throw new Error(`${name} does not load`);
      const pack = loaded.pack;
      const levels = (pack.scales ?? []).find((s) => s.for === 'incident')?.levels.map((l) => l.id) ?? [];
      const kinds = new Set([
        ...(pack.incidents?.types ?? []).map((t) => t.id),
        ...(pack.incidents?.playbooks ?? []).map((p) => p.id),
      ]);
      const sources = new Set((pack.monitors?.thresholds ?? []).map((t) => `threshold:${t.id}`));
      for (const rule of pack.incidents?.alertRules ?? []) {
        if (rule.severity) expect(levels, `${name} ${rule.id}`).toContain(rule.severity);
        if (rule.type) expect([...kinds], `${name} ${rule.id}`).toContain(rule.type);
        for (const source of rule.match?.source ?? [])
          if (source.startsWith('threshold:')) expect([...sources], `${name} ${rule.id}`).toContain(source);
        checked.push(`${name}/${rule.id}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });
});

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`pack alert rules and thresholds: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let ctx: IncidentsContext;
    const workspaces = new Map<string, string>();

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      ctx = { database, engine: new Engine(database, clock), now: () => clock.now(), publicUrl: 'http://t' };
      for (const pack of ['company-ops', 'pos-saas', 'sofacover-pro', 'shopsmart-pro']) {
        const ws = await createWorkspace(database, pack);
        const loaded = await loadPack(`packs/${pack}`);
        if (!loaded.ok) throw new Error(`${pack} does not load`);
        await activatePack(database, ws, loaded, 'test', clock.now());
        workspaces.set(pack, ws);
      }
    });
    afterAll(async () => {
      await opened?.close();
    });

    const ws = (pack: string) => workspaces.get(pack)!;
    const samples = (
      pack: string,
      list: { metric: string; value: number; labels?: Record<string, string> }[],
    ) => ingestSamples(ctx, ws(pack), list, 'token:tok_metrics');
    const rows = async (pack: string) => ({
      alerts: await database.inWorkspace(ws(pack), (tx) =>
        tx.select().from(alerts).orderBy(asc(alerts.createdAt), asc(alerts.id)),
      ),
      incidents: await database.inWorkspace(ws(pack), (tx) =>
        tx.select().from(incidents).orderBy(asc(incidents.number)),
      ),
    });

    it('company SOP: CPU at exactly 80 % stays quiet, 81 % alerts (001#51); a 500 error is critical (001#50)', async () => {
      const at80 = await samples('company-ops', [
        { metric: 'cpu_usage_percent', value: 80, labels: { host: 'web-1' } },
      ]);
      expect(at80).toMatchObject({ accepted: 1, fired: 0, resolved: 0 });
      clock.advance(MIN);
      const at81 = await samples('company-ops', [
        { metric: 'cpu_usage_percent', value: 81, labels: { host: 'web-1' } },
        { metric: 'cpu_usage_percent', value: 50, labels: { host: 'web-2' } },
        { metric: 'memory_percent', value: 99 },
      ]);
      expect(at81).toMatchObject({ accepted: 3, unwatched: 1, fired: 1, incidents: [1] });
      clock.advance(MIN);
      await samples('company-ops', [{ metric: 'http_5xx_errors', value: 3 }]);
      let state = await rows('company-ops');
      expect(state.alerts.map((a) => [a.dedupKey, a.source, a.severity, a.summary])).toEqual([
        [
          'threshold:cpu-usage:{host="web-1"}',
          'threshold:cpu-usage',
          'medium',
          'cpu_usage_percent {host="web-1"} > 80%: 81%',
        ],
        ['threshold:http-500-errors:{}', 'threshold:http-500-errors', 'critical', 'http_5xx_errors > 0: 3'],
      ]);
      expect(state.incidents.map((i) => i.severity)).toEqual(['medium', 'critical']);

      // Back inside: the alert resolves, and so does the incident it opened.
      clock.advance(MIN);
      const back = await samples('company-ops', [
        { metric: 'cpu_usage_percent', value: 80, labels: { host: 'web-1' } },
      ]);
      expect(back).toMatchObject({ resolved: 1 });
      state = await rows('company-ops');
      expect(state.alerts[0]!.status).toBe('resolved');
      expect(state.incidents[0]!.resolvedAt).not.toBeNull();
      const [series] = await database.inWorkspace(ws('company-ops'), (tx) =>
        tx.select().from(thresholdStates).where(eq(thresholdStates.series, 'cpu-usage:{host="web-1"}')),
      );
      expect(series).toMatchObject({
        threshold: 'cpu-usage',
        firing: false,
        breachingSince: null,
        lastValue: 80,
      });
    });

    it('refuses a sample dated in the future (it would make every later real sample stale), changing nothing', async () => {
      const before = await rows('company-ops');
      const future = new Date(clock.now().getTime() + 5 * MIN);
      const skewed = ingestSamples(
        ctx,
        ws('company-ops'),
        [
          { metric: 'cpu_usage_percent', value: 95, labels: { host: 'web-9' } },
          { metric: 'cpu_usage_percent', value: 99, labels: { host: 'web-9' }, at: future },
        ],
        'token:tok_metrics',
      );
      await expect(skewed).rejects.toMatchObject({
        code: 'OPS_VALIDATION',
        errors: [{ pointer: '/body/samples/1/at' }],
      });
      // Within a minute of skew is taken.
      const slightly = await ingestSamples(
        ctx,
        ws('company-ops'),
        [
          {
            metric: 'cpu_usage_percent',
            value: 10,
            labels: { host: 'web-9' },
            at: new Date(clock.now().getTime() + 30_000),
          },
        ],
        'token:tok_metrics',
      );
      expect(slightly).toMatchObject({ accepted: 1, fired: 0 });
      expect((await rows('company-ops')).alerts).toEqual(before.alerts);
    });

    it('POS: a login success rate below threshold opens a P0 mass login failure with its playbook (003#32)', async () => {
      const result = await samples('pos-saas', [{ metric: 'login_success_rate', value: 72.5 }]);
      expect(result).toMatchObject({ fired: 1, incidents: [1] });
      const { incidents: list } = await rows('pos-saas');
      expect(list[0]).toMatchObject({ severity: 'p0', kind: 'mass-login-failure' });
      const webhook = await ingestAlerts(
        ctx,
        ws('pos-saas'),
        'pagerduty:int_stripe',
        [
          {
            action: 'trigger',
            dedupKey: 'stripe-1',
            summary: 'Webhook 500s',
            severity: 'warning',
            labels: { alertname: 'stripe-webhook-errors' },
          },
        ],
        'integration:int_stripe',
      );
      expect(webhook.incidents).toEqual([2]);
      expect((await rows('pos-saas')).incidents[1]).toMatchObject({
        severity: 'p1',
        kind: 'payment-processing-failure',
      });
    });

    it('SofaCover: a KPI breach is flagged without an incident (002#26); a Low alert is P3 (002#23)', async () => {
      const kpi = await samples('sofacover-pro', [
        { metric: 'error_rate', value: 0.0999 },
        { metric: 'error_rate', value: 0.1 },
      ]);
      expect(kpi).toMatchObject({ fired: 1, incidents: [] });
      const degraded = await samples('sofacover-pro', [{ metric: 'performance_degradation', value: 51 }]);
      expect(degraded.incidents).toEqual([1]);
      const low = await ingestAlerts(
        ctx,
        ws('sofacover-pro'),
        'generic:int_x',
        [{ action: 'trigger', dedupKey: 'cosmetic', summary: 'Logo misaligned', severity: 'low' }],
        'integration:int_x',
      );
      expect(low.incidents).toEqual([2]);
      const { alerts: list, incidents: incidentList } = await rows('sofacover-pro');
      expect(list.find((a) => a.dedupKey === 'threshold:error-rate:{}')).toMatchObject({
        status: 'firing',
        incidentId: null,
      });
      expect(incidentList.map((i) => i.severity)).toEqual(['p1', 'p3']);
    });

    it("ShopSmart: an AppDown alert is the SEV1 playbook's detection, whatever severity it was sent with", async () => {
      const result = await ingestAlerts(
        ctx,
        ws('shopsmart-pro'),
        'alertmanager:int_am',
        [
          {
            action: 'trigger',
            dedupKey: 'fp1',
            summary: 'App down',
            severity: 'warning',
            labels: { alertname: 'AppDown' },
          },
        ],
        'integration:int_am',
      );
      expect(result.incidents).toEqual([1]);
      expect((await rows('shopsmart-pro')).incidents[0]).toMatchObject({
        severity: 'sev1',
        kind: 'service-incident',
      });
    });
  });
}
