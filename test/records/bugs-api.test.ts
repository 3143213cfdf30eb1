/**
 * A company-ops bug through the company SOP's bug tracking (2.1-2.7) over HTTP, on both engines: a report
 * missing what it "should include" stays reported with the gap named; a complete one is logged at once
 * with its unique id (BUG-2) and the triage tasks; triage starts the fix-by clock of its priority (high:
 * 48 hours); the fix is refused without its root cause, approved by the QA role after its review checklist,
 * deployed, confirmed and closed after the closure checklist, and the clock is met.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
interface Problem {
  code: string;
  detail: string;
  errors: { pointer: string; message: string }[];
}
interface Bug {
  ref: string;
  state: string;
  links: string[];
  nextDueAt: string | null;
  breached: boolean;
  clocks: { id: string; phase: string; due: string | null }[];
  steps: { action: string; ready: boolean; gates: { kind: string; message: string }[] }[];
  timeline: { type: string; at: string }[];
}
interface Run {
  id: string;
  checklist: string;
  items: { id: string; evidence: string; status: string }[];
}

const REPORT = {
  description: 'Saving an invoice with a discount fails',
  steps_to_reproduce: '1. Open an invoice 2. Add a 10% discount 3. Save',
  expected_behaviour: 'The invoice is saved with the discount',
  actual_behaviour: 'Error 500; the invoice is lost',
  severity: 'high',
  bug_type: 'functional',
};

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`a bug from report to closure: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Session;
    let ws: string;
    const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        ...(payload ? { payload } : {}),
      });
    const step = (ref: string, action: string, fields?: object) =>
      call('POST', `/bugs/${ref}/steps`, { action, ...(fields ? { fields } : {}) });
    const tick = async (ref: string, checklist: string) => {
      const runs = (await call('GET', `/checklist-runs?subject=bug:${ref}&status=all`)).json<{
        items: Run[];
      }>().items;
      const run = runs.find((r) => r.checklist === checklist)!;
      expect(run, `a run of ${checklist}`).toBeDefined();
      for (const item of run.items) {
        const value = item.evidence === 'link' ? 'https://tracker.example.com/x' : 'Checked';
        const done = await call('POST', `/checklist-runs/${run.id}/items/${item.id}/complete`, {
          evidence: { kind: item.evidence, value },
        });
        expect(done.statusCode, done.body).toBe(200);
      }
    };

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@company-ops.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'company-ops')!.id;
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('keeps an incomplete report reported, naming what it lacks', async () => {
      const made = await call('POST', '/bugs', {
        title: 'Discount breaks invoices',
        fields: { severity: 'high' },
      });
      expect(made.statusCode, made.body).toBe(201);
      const bug = made.json<Bug>();
      expect(bug).toMatchObject({ ref: 'BUG-1', state: 'reported' });
      const log = bug.steps.find((s) => s.action === 'log')!;
      expect(log.ready).toBe(false);
      expect(log.gates[0]!.message).toBe(
        'it needs description is set; bug_type in functional, non-functional; module is set; expected_behaviour is set; actual_behaviour is set',
      );
      const bad = await call('POST', '/bugs', { title: 'x', fields: { severity: 'urgent' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<Problem>().errors).toEqual([
        { pointer: '/body/fields/severity', message: 'use one of critical, high, medium, low' },
      ]);
      const link = await call('POST', '/bugs', { title: 'x', links: ['incident:999', 'nonsense'] });
      expect(link.statusCode).toBe(400);
      expect(link.json<Problem>().errors.map((e: { message: string }) => e.message)).toEqual([
        'incident:999 does not exist in this workspace',
        '"nonsense" is not a link: use ticket:<id>, incident:<number>, bug:BUG-<n> or release:REL-<n>',
      ]);
    });

    it('logs, triages with a fix-by deadline, fixes, reviews, deploys and closes BUG-2', async () => {
      const made = await call('POST', '/bugs', {
        title: 'Discount breaks invoices',
        fields: { ...REPORT, module: 'billing' },
        attachments: ['https://logs.example.com/trace/81'],
        links: ['bug:BUG-1'],
      });
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json<Bug>()).toMatchObject({ ref: 'BUG-2', state: 'logged', links: ['bug:BUG-1'] });
      const tasks = (await call('GET', '/tasks?subject=bug:BUG-2')).json<{ items: { assignee: string }[] }>();
      expect(tasks.items.map((i) => i.assignee).sort()).toEqual(['role:project-manager', 'role:qa-team']);

      const triaged = await step('BUG-2', 'triage', { priority: 'high' });
      expect(triaged.statusCode, triaged.body).toBe(200);
      const bug = triaged.json<Bug>();
      expect(bug.state).toBe('triaged');
      const fix = bug.clocks.find((c) => c.id === 'fix')!;
      expect(fix.phase).toBe('running');
      const triagedAt = Date.parse(bug.timeline.findLast((e) => e.type === 'bug.triage')!.at);
      expect(Date.parse(fix.due!) - triagedAt).toBe(48 * 3600_000);
      expect(bug.nextDueAt).toBe(fix.due);

      expect((await step('BUG-2', 'assign', { assignee: 'dev@company-ops.demo' })).json<Bug>().state).toBe(
        'in-progress',
      );
      const early = await step('BUG-2', 'submit-fix');
      expect(early.statusCode).toBe(409);
      expect(early.json<Problem>().detail).toBe(
        'BUG-2 cannot take "submit-fix": it needs root_cause is set; tested_locally = true.',
      );
      const submitted = await step('BUG-2', 'submit-fix', {
        root_cause: 'Rounding of the discount',
        tested_locally: true,
      });
      expect(submitted.json<Bug>().state).toBe('in-review');
      const unreviewed = await step('BUG-2', 'approve');
      expect(unreviewed.statusCode).toBe(409);
      expect(unreviewed.json<Problem>().detail).toContain(
        'the checklist "2.5 Code Review and Testing" is not complete',
      );
      await tick('BUG-2', 'bug-fix-review');
      // The owner may act for the QA team's approval.
      expect((await step('BUG-2', 'approve')).json<Bug>().state).toBe('approved');
      expect((await step('BUG-2', 'deploy')).json<Bug>().state).toBe('deployed');
      const resolved = await step('BUG-2', 'confirm-fixed', { fix_confirmed: true });
      expect(resolved.json<Bug>().state).toBe('resolved');
      expect(resolved.json<Bug>().clocks.find((c) => c.id === 'fix')!.phase).toBe('met');
      const unclosed = await step('BUG-2', 'close', { documented: true, lessons_learned: 'Test discounts' });
      expect(unclosed.statusCode).toBe(409);
      await tick('BUG-2', 'bug-closure');
      const closed = await step('BUG-2', 'close', { documented: true, lessons_learned: 'Test discounts' });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json<Bug>()).toMatchObject({
        state: 'closed',
        breached: false,
        nextDueAt: null,
        steps: [],
      });
      const open = (await call('GET', '/bugs?open=true')).json<{ items: Bug[] }>().items;
      expect(open.map((b) => b.ref)).toEqual(['BUG-1']);
    });

    it('makes a low bug late when the next release ships without it, not one the release ships', async () => {
      const report = (title: string) => call('POST', '/bugs', { title, fields: { ...REPORT, module: 'ui' } });
      const late = (await report('Misaligned footer')).json<Bug>().ref;
      const shipped = (await report('Logo blurry')).json<Bug>().ref;
      for (const ref of [late, shipped]) {
        const triaged = await step(ref, 'triage', { priority: 'low' });
        expect(triaged.statusCode, triaged.body).toBe(200);
        // "Fix in next scheduled update": no deadline until a release ships.
        expect(triaged.json<Bug>().clocks).toEqual([]);
      }
      const release = await call('POST', '/releases', {
        title: 'September update',
        fields: { version: '3.2.0', release_type: 'scheduled-update' },
        links: [`bug:${shipped}`],
      });
      expect(release.statusCode, release.body).toBe(201);
      const ref = release.json<{ ref: string }>().ref;
      // company-ops: a release ships when its production deployment succeeded (releases.shippedOn).
      const gate = async (checklist: string) => {
        const runs = (await call('GET', `/checklist-runs?subject=release:${ref}&status=all`)).json<{
          items: Run[];
        }>();
        const run = runs.items.find((r) => r.checklist === checklist)!;
        for (const item of run.items) {
          const value = item.evidence === 'link' ? 'https://ci.example.com/1' : 'report.pdf';
          const body = item.evidence === 'none' ? {} : { evidence: { kind: item.evidence, value } };
          const done = await call('POST', `/checklist-runs/${run.id}/items/${item.id}/complete`, body);
          expect(done.statusCode, done.body).toBe(200);
        }
      };
      await gate('staging-testing');
      const started = await call('POST', `/releases/${ref}/steps`, { action: 'deploy' });
      expect(started.statusCode, started.body).toBe(200);
      // Deploying is not shipping: no bug is late yet.
      expect((await call('GET', `/bugs/${late}`)).json<Bug>().clocks).toEqual([]);
      await gate('production-deployment');
      const deployed = await call('POST', `/releases/${ref}/steps`, { action: 'deployment.succeeded' });
      expect(deployed.statusCode, deployed.body).toBe(200);
      const deployedAt = deployed
        .json<{ timeline: { type: string; at: string }[] }>()
        .timeline.findLast((e) => e.type === 'release.deployment.succeeded')!.at;
      const lateBug = (await call('GET', `/bugs/${late}`)).json<Bug>();
      expect(lateBug.clocks).toEqual([expect.objectContaining({ id: 'fix', due: deployedAt })]);
      expect(lateBug.nextDueAt).toBe(deployedAt);
      expect((await call('GET', `/bugs/${shipped}`)).json<Bug>().clocks).toEqual([]);
    });
  });
}
