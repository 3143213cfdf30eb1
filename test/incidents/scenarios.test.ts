/**
 * Every incident procedure of the seeds as a scenario, on both engines, with a clock that moves only when
 * told (Monday 2026-03-02 04:00 UTC). Each pack is activated in a workspace of its own and its procedures
 * run through the incident room's use cases: what is due when, which checklist is attached, what resolution
 * raises. The expected figures are the seeds' own, quoted with their fact numbers (../shared/seeds/FACTS.md).
 *
 * - ShopSmart SOP-003 (000#72-80): every severity gets the stage deadlines from detection (README choice
 *   000#79 A), the SEV1 user notice by T+15, the post-mortem at T+48 h from detection (000#80 A).
 * - ShopSmart SOP-008: each security type gets the first-15-minute checklist, CERT-In 6 h and IT Act 72 h,
 *   GDPR 72 h only with EU personal data, phases DETECT → LESSONS LEARNED, and restricted visibility.
 * - SofaCover (002#9-12, 002#55-67): P0-P3 response and resolution targets; resolution raises the
 *   follow-ups at +2 h, +48 h and +1 week and the post-mortem 48 h after resolution.
 * - POS SaaS (003#77-80 and the six playbooks): P0 immediate response and customer notice within 1 hour,
 *   P1 4 h / 24 h, P2 24 h, P3 48 h; each playbook's checklist is attached by type and ticking its steps
 *   completes its stages.
 * - Company SOP (001#74-76): the severity scale, and the RCA of the review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { IncidentsContext } from '../../src/modules/incidents/context.js';
import { declareIncident } from '../../src/modules/incidents/incidents.js';
import { declareOptions, incidentDetail } from '../../src/modules/incidents/queries.js';
import { checkStep, postUpdate } from '../../src/modules/incidents/room.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const T0 = Date.parse(START);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const all = { userId: null, seesRestricted: true };
const outsider = { userId: 'usr_nobody', seesRestricted: false };

/** Each clock's due time as an offset from T0, by clock id. */
function offsets(clocks: readonly { id: string; due: string | null }[]): Record<string, number | null> {
  return Object.fromEntries(clocks.map((c) => [c.id, c.due === null ? null : Date.parse(c.due) - T0]));
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`the seeds' incident procedures: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let clock: ManualClock;
    let ctx: IncidentsContext;
    const workspaces = new Map<string, string>();

    beforeAll(async () => {
      opened = await engine.open();
      clock = new ManualClock(START);
      ctx = {
        database: opened.database,
        engine: new Engine(opened.database, clock),
        now: () => clock.now(),
        publicUrl: 'http://opsbook.test',
      };
      for (const pack of ['shopsmart-pro', 'sofacover-pro', 'pos-saas', 'company-ops']) {
        const ws = await createWorkspace(opened.database, pack);
        const loaded = await loadPack(`packs/${pack}`);
        if (!loaded.ok) throw new Error(`${pack} does not load`);
        await activatePack(opened.database, ws, loaded, 'test', clock.now());
        workspaces.set(pack, ws);
      }
    }, 120_000);
    afterAll(async () => {
      await opened?.close();
    });

    const declare = async (pack: string, input: Parameters<typeof declareIncident>[2]) => {
      clock.set(START);
      const ws = workspaces.get(pack)!;
      const { id, number } = await declareIncident(ctx, ws, input, 'user:usr_ic');
      return { ws, id, number, detail: await incidentDetail(ctx, ws, number, all) };
    };

    it('ShopSmart SOP-003: every severity, the stage deadlines from detection and the post-mortem', async () => {
      const options = await declareOptions(ctx, workspaces.get('shopsmart-pro')!);
      expect(options.scale?.levels.map((l) => l.id)).toEqual(['sev1', 'sev2', 'sev3', 'sev4']);
      for (const severity of ['sev1', 'sev2', 'sev3', 'sev4']) {
        const { detail } = await declare('shopsmart-pro', { title: `App down (${severity})`, severity });
        expect(offsets(detail.incident.clocks), severity).toMatchObject({
          'stage:detect': 0,
          'stage:assess-severity': 5 * MIN,
          'stage:assemble-team': 10 * MIN,
          'stage:communicate': 15 * MIN,
          'stage:post-mortem': 48 * HOUR,
        });
        // The SEV1 user notice (the only severity with templates): by T+15 min.
        expect(offsets(detail.incident.clocks)['customer-notice'], severity).toBe(
          severity === 'sev1' ? 15 * MIN : undefined,
        );
        expect(detail.stages.map((s) => s.id).slice(0, 7)).toEqual([
          'detect',
          'assess-severity',
          'assemble-team',
          'communicate',
          'investigate-fix',
          'verify-monitor',
          'post-mortem',
        ]);
      }
    });

    it('ShopSmart SOP-008: each security type with its checklist, phases, restricted view and regulatory clocks', async () => {
      const types = (await declareOptions(ctx, workspaces.get('shopsmart-pro')!)).types.map((t) => t.id);
      const security = types.filter((t) => t !== 'service-incident');
      expect(security).toEqual(['data-breach', 'account-compromise', 'ddos-attack', 'malware', 'phishing']);
      for (const kind of security) {
        const { ws, number, detail } = await declare('shopsmart-pro', { title: `Security: ${kind}`, kind });
        expect(detail.incident.restricted, kind).toBe(true);
        await expect(incidentDetail(ctx, ws, number, outsider)).rejects.toThrow();
        const due = offsets(detail.incident.clocks);
        expect(due, kind).toMatchObject({
          'stage:immediate-actions': 15 * MIN,
          'regulatory:cert-in': 6 * HOUR,
          'regulatory:it-act': 72 * HOUR,
        });
        expect(due['regulatory:gdpr'], kind).toBeUndefined();
        const stages = detail.stages.map((s) => s.id);
        for (const phase of ['contain', 'eradicate', 'recover', 'lessons-learned'])
          expect(stages, kind).toContain(phase);
        expect(detail.stages.find((s) => s.id === 'immediate-actions')?.steps).toHaveLength(5);
        expect(detail.tasks.map((t) => t.title)).toContain('Security Incident Response');
      }
      // GDPR 72 h "if applicable": when EU personal data is involved (000#193 A).
      const { detail } = await declare('shopsmart-pro', {
        title: 'Customer records exposed',
        kind: 'data-breach',
        fields: { eu_personal_data: true },
      });
      expect(offsets(detail.incident.clocks)['regulatory:gdpr']).toBe(72 * HOUR);
      // The clocks survive status changes: still running after an internal "identified" update.
      await postUpdate(
        ctx,
        workspaces.get('shopsmart-pro')!,
        detail.incident.id,
        { audience: 'internal', status: 'identified', body: { en: 'Contained the debug endpoint.' } },
        'user:usr_ic',
      );
      const after = await incidentDetail(ctx, workspaces.get('shopsmart-pro')!, detail.incident.number, all);
      expect(after.regulatory.map((r) => [r.id, r.phase])).toEqual(
        expect.arrayContaining([
          ['regulatory:cert-in', 'running'],
          ['regulatory:it-act', 'running'],
          ['regulatory:gdpr', 'running'],
        ]),
      );
    });

    it('SofaCover P0-P3: response and resolution targets, and the follow-ups resolution raises', async () => {
      const targets: Record<string, [number, number]> = {
        p0: [15 * MIN, 2 * HOUR], // 002#9 "Immediate (within 15 minutes)", 2 hours
        p1: [1 * HOUR, 8 * HOUR], // 002#10
        p2: [4 * HOUR, 24 * HOUR], // 002#11
        p3: [24 * HOUR, 7 * DAY], // 002#12 "1 week"
      };
      for (const [severity, [response, resolution]] of Object.entries(targets)) {
        const { detail } = await declare('sofacover-pro', { title: `Site down (${severity})`, severity });
        expect(offsets(detail.incident.clocks), severity).toEqual({ response, resolution });
      }
      const { ws, id, number } = await declare('sofacover-pro', { title: 'Checkout down', severity: 'p0' });
      clock.set(new Date(T0 + 90 * MIN));
      await postUpdate(
        ctx,
        ws,
        id,
        { audience: 'internal', status: 'resolved', body: { en: 'Rolled back.' } },
        'user:usr_ic',
      );
      const resolved = await incidentDetail(ctx, ws, number, all);
      const dueOf = (title: string) => {
        const task = resolved.tasks.find((t) => t.title.startsWith(title));
        return task?.dueAt ? Date.parse(task.dueAt) - (T0 + 90 * MIN) : null;
      };
      // 002#55-67: within 2 hours, 48 hours and 1 week of resolution; the post-mortem within 48 hours.
      expect(dueOf('Immediate Actions')).toBe(2 * HOUR);
      expect(dueOf('Follow-up Actions')).toBe(48 * HOUR);
      expect(dueOf('Long-term Actions')).toBe(7 * DAY);
      expect(Date.parse(resolved.review!.dueAt!.toISOString()) - (T0 + 90 * MIN)).toBe(48 * HOUR);
      expect(Object.keys(resolved.review!.sections).sort()).toEqual([
        'action-items',
        'process-updates',
        'root-cause-analysis',
      ]);
      // The P0 was met on time: resolution at T+90 min, inside its 2-hour target.
      expect(resolved.incident.clocks.find((c) => c.id === 'resolution')?.phase).toBe('met');
    });

    it('POS SaaS: the escalation levels, and each playbook attached by type and worked to the end', async () => {
      const levels: Record<string, Record<string, number>> = {
        p0: { response: 0, 'customer-notice': 1 * HOUR }, // 003#77
        p1: { response: 4 * HOUR, 'customer-notice': 24 * HOUR }, // 003#78
        p2: { response: 24 * HOUR }, // 003#79 "as needed": no notice clock
        p3: { response: 48 * HOUR }, // 003#80 "No customer notification"
      };
      for (const [severity, expected] of Object.entries(levels)) {
        const { detail } = await declare('pos-saas', { title: `POS ${severity}`, severity });
        expect(offsets(detail.incident.clocks), severity).toEqual(expected);
      }
      const types = (await declareOptions(ctx, workspaces.get('pos-saas')!)).types;
      expect(types.map((t) => t.id)).toEqual([
        'payment-processing-failure',
        'subscription-sync-failure',
        'data-loss',
        'data-corruption',
        'mass-login-failure',
        'rls-policy-failure',
      ]);
      for (const type of types) {
        const { ws, id, number, detail } = await declare('pos-saas', { title: type.label, kind: type.id });
        expect(
          detail.tasks.map((t) => t.title),
          type.id,
        ).toContain(type.label);
        expect(
          detail.stages.map((s) => s.id),
          type.id,
        ).toEqual(['detect', 'assess', 'action', 'resolve', 'document']);
        for (const stage of detail.stages) {
          expect(stage.steps.length, `${type.id}/${stage.id}`).toBeGreaterThan(0);
          for (let i = 0; i < stage.steps.length; i++)
            await checkStep(ctx, ws, id, stage.id, i, true, 'user:usr_ic');
        }
        const worked = await incidentDetail(ctx, ws, number, all);
        for (const stage of worked.stages) {
          expect(stage.reachedAt, `${type.id}/${stage.id} reached`).not.toBeNull();
          expect(stage.steps.every((s) => s.done !== null)).toBe(true);
        }
      }
    });

    it('Company SOP: the severity scale, and the review is a root cause analysis', async () => {
      const options = await declareOptions(ctx, workspaces.get('company-ops')!);
      expect(options.scale?.levels.map((l) => l.id)).toEqual(['critical', 'high', 'medium', 'low']);
      const { ws, id, number } = await declare('company-ops', {
        title: 'Database unreachable',
        severity: 'critical',
      });
      await postUpdate(
        ctx,
        ws,
        id,
        { audience: 'internal', status: 'resolved', body: { en: 'Failed over.' } },
        'user:usr_ic',
      );
      const resolved = await incidentDetail(ctx, ws, number, all);
      // 001#76 "Perform root cause analysis (RCA) for major incidents".
      expect(Object.keys(resolved.review!.sections).sort()).toEqual(['lessons-learned', 'root-cause']);
    });
  });
}
