/**
 * Backups and recovery (ShopSmart SOP-004) on both engines: the register from the pack (sets 000#85-000#89,
 * objectives 000#101-000#104, checks 000#91-000#94); a drill is measured against its objective's RTO and
 * RPO (a restore exactly at the RTO meets it); a missed target alerts the check's owner on the team channel
 * and the SEV2 incident channel once, recorded with the drill (outbox rows, timeline); bad input is refused
 * with a pointer per problem and writes nothing; a drill done from the weekly run completes its item.
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_TIMER, Engine } from '../../src/engine/engine.js';
import { ManualClock } from '../../src/engine/clock.js';
import { readEffects } from '../../src/engine/effects.js';
import { readTimeline } from '../../src/engine/timeline.js';
import { Worker } from '../../src/engine/worker.js';
import { OpsError } from '../../src/errors/catalog.js';
import { backupRegister } from '../../src/modules/ops/backups.js';
import { recordDrill, type DrillInput } from '../../src/modules/ops/drills.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { listRuns, type Worker as ChecklistWorker } from '../../src/modules/work/checklists.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { outbox } from '../../src/store/schema.js';
import { restoreDrills } from '../../src/store/schema-ops.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

/** 10:00 IST on Monday 2 March 2026. */
const START = '2026-03-02T04:30:00Z';
const DEVOPS: ChecklistWorker = { actor: 'user:devops', role: 'devops' };
const SUPPORT: ChecklistWorker = { actor: 'user:support', role: 'support' };

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`backups and restore drills: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;
    let ws = '';

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      eng = new Engine(database, clock);
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      ws = await createWorkspace(database, 'ShopSmart backups');
      await activatePack(database, ws, loaded, 'test', clock.now());
    }, 120_000);
    afterAll(async () => {
      await opened?.close();
    });

    const drill = (input: DrillInput, worker = DEVOPS) =>
      database.inWorkspace(ws, (tx) => recordDrill(tx, eng, ws, input, worker));
    const drillCount = async () =>
      (
        await database.inWorkspace(ws, (tx) =>
          tx.select().from(restoreDrills).where(eq(restoreDrills.workspaceId, ws)),
        )
      ).length;
    const alertsOf = (id: string) =>
      database.inWorkspace(ws, (tx) => readEffects(tx, { subject: `drill:${id}`, type: 'notify' }));

    it('shows the register: sets, the heartbeat, objectives and the checks with their cadence', async () => {
      const register = await database.inWorkspace(ws, (tx) => backupRegister(tx, eng, ws));
      expect(register.sets.map((s) => [s.id, s.frequency, s.retention, s.location, s.heartbeat])).toEqual([
        ['mongodb-full', 'Daily', '30 days', 'AWS S3', 'backup-completion'],
        ['mongodb-incremental', 'every hour', '7 days', 'AWS S3', 'backup-completion'],
        ['user-uploads', 'Real-time', '90 days', 'AWS S3', null],
        ['logs', 'Daily', '14 days', 'CloudWatch', 'backup-completion'],
        ['configs', 'On change', '90 days', 'Git', null],
      ]);
      expect(register.heartbeat).toMatchObject({ id: 'backup-completion', monitor: null });
      expect(register.heartbeat?.note).toContain('import the monitors');
      expect(register.objectives.map((o) => [o.id, o.rto, o.rpo])).toEqual([
        ['single-record-recovery', '15 min', '1 h'],
        ['database-corruption', '2 h', '1 h'],
        ['complete-data-center-failure', '4 h', '1 h'],
      ]);
      expect(register.checks.map((c) => [c.id, c.cadence, c.kind, c.owner])).toEqual([
        ['backup-completion', 'Daily', 'heartbeat', 'role:system'],
        ['restore-test-sample', 'Weekly', 'drill', 'role:devops'],
        ['full-restore-drill', 'Monthly', 'drill', 'role:devops'],
        ['dr-failover-test', 'Quarterly', 'drill', 'role:devops-engineering'],
      ]);
    });

    it('refuses bad drills with a pointer per problem and records nothing', async () => {
      const err = (await drill({
        check: 'backup-completion',
        objective: 'meteor-strike',
        backupSet: 'tapes',
        restoreMinutes: -1,
        restoreMs: 5,
        performedAt: '2027-01-01T00:00:00Z',
        succeeded: true,
      }).catch((e: unknown) => e)) as OpsError;
      expect(err).toBeInstanceOf(OpsError);
      expect(err.code).toBe('OPS_VALIDATION');
      expect(err.errors?.map((e) => e.pointer)).toEqual([
        '/body/check',
        '/body/objective',
        '/body/backupSet',
        '/body/restoreMs',
        '/body/dataLossMinutes',
        '/body/performedAt',
      ]);
      expect(err.errors?.[0]?.message).toContain('restore-test-sample, full-restore-drill, dr-failover-test');
      const negative = (await drill({
        check: 'full-restore-drill',
        restoreMinutes: -5,
        dataLossMs: Number.POSITIVE_INFINITY,
        succeeded: true,
      }).catch((e: unknown) => e)) as OpsError;
      expect(negative.errors?.map((e) => e.pointer)).toEqual(['/body/restoreMinutes', '/body/dataLossMs']);
      expect(await drillCount()).toBe(0);
    });

    it('a restore exactly at the RTO and a loss exactly at the RPO meet them, and alert nobody', async () => {
      const row = await drill({
        check: 'restore-test-sample',
        objective: 'single-record-recovery',
        restoreMinutes: 15,
        dataLossMinutes: 60,
        succeeded: true,
      });
      expect(row).toMatchObject({ rtoMs: 900_000, rpoMs: 3_600_000, metRto: true, metRpo: true });
      expect(await alertsOf(row.id)).toEqual([]);
    });

    it('a drill over the RTO alerts the owner and the SEV2 channel once, recorded with it', async () => {
      const row = await drill({
        check: 'full-restore-drill',
        objective: 'database-corruption',
        backupSet: 'mongodb-full',
        restoreMinutes: 121,
        dataLossMinutes: 30,
        succeeded: true,
        note: 'Restored the 1 March full backup to staging',
      });
      expect(row).toMatchObject({ restoreMs: 7_260_000, rtoMs: 7_200_000, metRto: false, metRpo: true });
      const alerts = await alertsOf(row.id);
      expect(alerts.map((a) => (a.data as { channel: string }).channel).sort()).toEqual([
        'in-app',
        'incident-slack',
      ]);
      for (const a of alerts)
        expect(a.data).toMatchObject({ to: ['role:devops'], rule: expect.stringContaining('RTO 2 h') });
      const queued = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(and(eq(outbox.workspaceId, ws), like(outbox.idempotencyKey, `%drill:${row.id}%`))),
      );
      expect(queued).toHaveLength(2);
      // The subject is woken again (a worker pass, a replay): nothing more is decided.
      clock.set(new Date(Date.parse(START) + 60_000));
      await eng.handle(ws, {
        type: 'backup.drill-missed',
        subject: `drill:${row.id}`,
        data: {},
        actor: 'test',
      });
      expect(await alertsOf(row.id)).toHaveLength(2);
      const timeline = await database.inWorkspace(ws, (tx) => readTimeline(tx, 'backups:full-restore-drill'));
      expect(timeline.map((e) => e.type)).toEqual(['backup.drill']);
      expect(String((timeline[0]!.data as { summary: string }).summary)).toContain('RTO 2 h missed');
    });

    it('a failed drill alerts even without an objective', async () => {
      const row = await drill({
        check: 'dr-failover-test',
        restoreMs: 0,
        dataLossMs: 0,
        succeeded: false,
      });
      expect(row).toMatchObject({ metRto: null, metRpo: null, succeeded: false });
      const alerts = await alertsOf(row.id);
      expect(alerts).toHaveLength(2);
      expect(alerts[0]!.data).toMatchObject({ to: ['role:devops-engineering'] });
    });

    it("completes the weekly run's item with the drill as evidence; someone without the role changes nothing", async () => {
      // The weekly sample restore opens at 00:00 IST on Monday 9 March.
      clock.set(new Date('2026-03-08T18:30:00Z'));
      const worker = new Worker({
        database,
        workerId: `wrk_backups_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 200,
      });
      for (let i = 0; i < 5 && (await worker.runOnce()).timers > 0; i++);
      const runs = await database.inWorkspace(ws, (tx) =>
        listRuns(tx, ws, { checklist: 'backup-verification', status: 'open', limit: 50 }),
      );
      const weekly = runs.find((r) => r.items.some((i) => i.item === 'restore-test-sample'));
      expect(weekly).toBeDefined();
      const before = await drillCount();
      const input: DrillInput = {
        check: 'restore-test-sample',
        objective: 'single-record-recovery',
        restoreMinutes: 9.5,
        dataLossMinutes: 20,
        succeeded: true,
        runId: weekly!.id,
      };
      const forbidden = (await drill(input, SUPPORT).catch((e: unknown) => e)) as OpsError;
      expect(forbidden.code).toBe('OPS_FORBIDDEN');
      expect(await drillCount()).toBe(before);
      const row = await drill(input);
      expect(row).toMatchObject({ runId: weekly!.id, restoreMs: 570_000, metRto: true });
      const after = await database.inWorkspace(ws, (tx) =>
        listRuns(tx, ws, { checklist: 'backup-verification', limit: 50 }),
      );
      const item = after
        .find((r) => r.id === weekly!.id)!
        .items.find((i) => i.item === 'restore-test-sample')!;
      expect(item).toMatchObject({ status: 'done', doneBy: 'user:devops' });
      expect(item.evidence).toContain(`drill ${row.id}`);
      const register = await database.inWorkspace(ws, (tx) => backupRegister(tx, eng, ws));
      expect(register.checks.find((c) => c.id === 'restore-test-sample')?.latest?.id).toBe(row.id);
      expect(register.drills).toHaveLength(4);
    });
  });
}
