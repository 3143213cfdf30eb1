/**
 * The compliance report per SOP on both engines, from records the real engine ran on a clock the test
 * holds: ShopSmart tickets answered in time, at the very minute and late (SOP-002 "P1 first response 15
 * min"), SEV1 incidents assessed in time, late and not yet (SOP-003 "ASSESS SEVERITY (T+5 min)"), a resolved
 * incident's post-incident review, and checklist runs completed by their due instant or not. Exact counts
 * per step; records started outside the period are not counted; a restricted (security) incident is
 * counted only for those who may see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceLine, ComplianceReport } from '../../src/core/compliance.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { complianceReport } from '../../src/modules/compliance/report.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { incidents } from '../../src/store/schema-incidents.js';
import { checklistRuns } from '../../src/store/schema-work.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = Date.parse('2026-03-02T04:00:00Z');
const MIN = 60_000;
const at = (minutes: number) => new Date(START + minutes * MIN);

function line(report: ComplianceReport, step: string, level: string | null): ComplianceLine {
  const found = report.packs
    .flatMap((p) => p.families.flatMap((f) => f.lines))
    .find((l) => l.step === step && l.level === level);
  if (!found) throw new Error(`no line for ${step} ${level}`);
  return found;
}
const counts = (l: ComplianceLine) => [l.met, l.breached, l.running, l.overdue];

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`compliance report: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let live: Engine;
    let ws: string;
    let report: ComplianceReport;
    let hash: string;
    let version: string;

    const send = async (
      minutes: number,
      type: string,
      subject: string,
      data: Record<string, string> = {},
    ) => {
      clock.set(at(minutes));
      await live.handle(ws, { type, subject, data, actor: 'test' });
    };

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(at(-3 * 24 * 60));
      live = new Engine(database, clock);
      ws = await createWorkspace(database, 'ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      hash = loaded.hash;
      version = loaded.pack.pack.version;
      await activatePack(database, ws, loaded, 'test', clock.now());
      // Before the period: counted nowhere.
      await send(-3 * 24 * 60, 'ticket.created', 'ticket:OLD', { priority: 'p1', channel: 'email' });
      // SOP-002 P1 first response 15 min: answered at 10 min, at 15 min exactly, at 20 min, not yet.
      for (const n of [1, 2, 3, 4])
        await send(0, 'ticket.created', `ticket:${n}`, { priority: 'p1', channel: 'email' });
      await send(0, 'ticket.created', 'ticket:5', { priority: 'p2', channel: 'email' });
      await send(10, 'ticket.replied', 'ticket:1', { by: 'agent' });
      await send(15, 'ticket.replied', 'ticket:2', { by: 'agent' });
      await send(20, 'ticket.replied', 'ticket:3', { by: 'agent' });
      await send(30, 'ticket.replied', 'ticket:5', { by: 'agent' });
      await send(30, 'ticket.resolved', 'ticket:1');
      // On a business calendar (WhatsApp 9 AM - 9 PM, "< 15 min"), read with readClock: at 15 min, at 16
      // (a record key with a quote and a backslash is found all the same).
      for (const n of [6, '7"\\odd'])
        await send(0, 'ticket.created', `ticket:${n}`, { priority: 'p3', channel: 'whatsapp' });
      await send(15, 'ticket.replied', 'ticket:6', { by: 'agent' });
      await send(16, 'ticket.replied', 'ticket:7"\\odd', { by: 'agent' });
      // Waiting on the customer pauses P3 resolution (48 h): a paused clock is running, not past due.
      await send(17, 'ticket.status', 'ticket:7"\\odd', { status: 'pending' });
      // SOP-003 ASSESS SEVERITY (T+5 min): assessed at 3 min, at 7 min, not yet.
      for (const n of [1, 2, 3])
        await send(0, 'incident.declared', `incident:${n}`, { severity: 'sev1', title: 'App down' });
      await send(3, 'incident.stage', 'incident:1', { stage: 'assess-severity' });
      await send(7, 'incident.stage', 'incident:2', { stage: 'assess-severity' });
      await send(8, 'incident.updated', 'incident:1', { audience: 'customer' });
      await send(40, 'incident.resolved', 'incident:1');
      // Daily runs: one completed before its due, one after, one open past due, one open not yet due.
      await database.inWorkspace(ws, (tx) =>
        tx.insert(checklistRuns).values(
          [
            [at(0), at(60), at(30)],
            [at(1), at(60), at(61)],
            [at(2), at(50), null],
            [at(3), at(24 * 60), null],
          ].map(([openedAt, dueAt, completedAt], i) => ({
            id: `run_${i}`,
            workspaceId: ws,
            checklist: 'daily-ops',
            label: 'Daily operations',
            packId: 'shopsmart-pro',
            packHash: hash,
            subject: 'schedule:daily-ops',
            effectKey: `schedule:daily-ops:${i}`,
            status: completedAt ? ('completed' as const) : ('open' as const),
            openedAt: openedAt!,
            dueAt,
            completedAt,
          })),
        ),
      );
      report = await complianceReport(database, ws, { from: at(-24 * 60), to: at(24 * 60) }, at(60));
    }, 120_000);

    afterAll(async () => {
      await opened?.close();
    });

    it('counts P1 first responses met in time, met at the very minute, late and still running', () => {
      const fr = line(report, 'first-response', 'p1');
      // [met, breached, running, of which past due]
      expect(counts(fr)).toEqual([2, 1, 1, 1]);
      // The one still unanswered past its 15 minutes counts as missed: 2 of 4.
      expect(fr.percent).toBe(50);
      expect(fr.targetPercent).toBe(100);
      expect(fr.onTarget).toBe(false);
      expect(fr.levelLabel).toBe('P1 - Critical');
      expect(fr.label).toBe('First response within 15 min under SOP-002 SLAs (24/7 wall clock)');
      expect(fr.quote).toBe('15 min');
      expect(counts(line(report, 'first-response', 'p2'))).toEqual([1, 0, 0, 0]);
      // P1 resolution 4 hours: one resolved, three still within their four hours.
      expect(counts(line(report, 'resolution', 'p1'))).toEqual([1, 0, 3, 0]);
      expect(counts(line(report, 'channel-response', 'p1'))).toEqual([3, 0, 1, 0]);
      const whatsapp = line(report, 'channel-response', 'p3');
      expect(counts(whatsapp)).toEqual([1, 1, 0, 0]);
      expect(whatsapp.label).toBe('WhatsApp response within 15 min');
      expect(whatsapp.quote).toBe('< 15 min');
      expect(counts(line(report, 'resolution', 'p3'))).toEqual([0, 0, 2, 0]);
    });

    it('counts SEV1 stage deadlines and the SEV1 customer notice', () => {
      const assess = line(report, 'stage:assess-severity', 'sev1');
      expect(counts(assess)).toEqual([1, 1, 1, 1]);
      expect(assess.quote).toBe('ASSESS SEVERITY (T+5 min)');
      expect(assess.text).toBe(
        'SEV1 · ASSESS SEVERITY (T+5 min): met in 1 of 3 incidents (33.3 %, target 100 %); 1 running, 1 past due and counted as missed',
      );
      // DETECT (T+0) is met by the declaration itself.
      expect(counts(line(report, 'stage:detect', 'sev1'))).toEqual([3, 0, 0, 0]);
      // The post-mortem is due at T+48 h: all three still running, none past due.
      expect(counts(line(report, 'stage:post-mortem', 'sev1'))).toEqual([0, 0, 3, 0]);
      expect(counts(line(report, 'customer-notice', 'sev1'))).toEqual([1, 0, 2, 2]);
    });

    it('counts the post-incident review raised on resolution as a task due at T+48 h', () => {
      const review = line(report, 'review', 'sev1');
      expect(counts(review)).toEqual([0, 0, 1, 0]);
      expect(review.label).toBe('Post-incident review within 2 d');
    });

    it('counts checklist runs completed by their due instant', () => {
      const daily = line(report, 'daily-ops', null);
      expect(counts(daily)).toEqual([1, 1, 2, 1]);
      expect(daily.kind).toBe('schedule');
    });

    it('names the pack version that governed the records, and leaves out what started before the period', () => {
      expect(report.packs.map((p) => [p.packId, p.version])).toEqual([['shopsmart-pro', version]]);
      const fr = line(report, 'first-response', 'p1');
      expect(fr.total).toBe(4);
    });

    it('counts a restricted (security) incident only for those who may see restricted incidents', async () => {
      await send(0, 'incident.declared', 'incident:9', { severity: 'sev1', title: 'Data breach' });
      await database.inWorkspace(ws, (tx) =>
        tx.insert(incidents).values({
          id: 'inc_restricted',
          workspaceId: ws,
          number: 9,
          title: 'Data breach',
          status: 'declared',
          severity: 'sev1',
          restricted: true,
          declaredBy: 'user:someone',
          detectedAt: at(0),
        }),
      );
      const period = { from: at(-24 * 60), to: at(24 * 60) };
      const hidden = await complianceReport(database, ws, period, at(60));
      const shown = await complianceReport(database, ws, { ...period, seesRestricted: true }, at(60));
      expect(line(hidden, 'stage:detect', 'sev1').total).toBe(3);
      expect(line(shown, 'stage:detect', 'sev1').total).toBe(4);
    });

    it('reads one pack only when asked, and refuses a pack the workspace does not run', async () => {
      const only = await complianceReport(
        database,
        ws,
        { from: at(-24 * 60), to: at(24 * 60), pack: 'shopsmart-pro' },
        at(60),
      );
      expect(only.packs).toHaveLength(1);
      await expect(
        complianceReport(database, ws, { from: at(-60), to: at(60), pack: 'nope' }, at(60)),
      ).rejects.toMatchObject({ code: 'OPS_NOT_FOUND' });
    });
  });
}
