/**
 * The incident room's use cases on both engines, with a clock that moves only when told. A ShopSmart SEV1
 * gets SOP-003's stage deadlines (assess T+5 min, assemble T+10, communicate T+15, post-mortem T+48 h)
 * mirrored on its row; alerts of one group join one incident; a public update on a security incident waits
 * for the comms lead (SOP-008), who alone approves it; the CERT-In, IT Act and GDPR clocks survive status
 * changes and are met by a report; resolving opens the review with the timeline written; an action item
 * nags its owner from its due date until done.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { Worker } from '../../src/engine/worker.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import type { IncidentsContext } from '../../src/modules/incidents/context.js';
import { declareIncident, declareIncidentIn } from '../../src/modules/incidents/incidents.js';
import {
  acknowledgeIncident,
  assignRole,
  checkStep,
  completeStage,
  decideUpdate,
  linkTickets,
  postUpdate,
  reportToRegulator,
} from '../../src/modules/incidents/room.js';
import { incidentDetail, incidentMetrics, listIncidents } from '../../src/modules/incidents/queries.js';
import {
  ACTION_NAG_TIMER,
  actionNagHandler,
  addActionItem,
  completeActionItem,
  saveReview,
} from '../../src/modules/incidents/review.js';
import { createTicket } from '../../src/modules/support/ticket-create.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { memberships, outbox, users } from '../../src/store/schema.js';
import { statusComponents } from '../../src/store/schema-incidents.js';
import { setComponentStatus } from '../../src/modules/status/components.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const MIN = 60_000;
const all: { userId: string | null; seesRestricted: boolean } = { userId: null, seesRestricted: true };

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`incident room use cases: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let ctx: IncidentsContext;
    let ws: string;
    const alice = `usr_alice_${engine.name}`;
    const bob = `usr_bob_${engine.name}`;

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
      ws = await createWorkspace(database, 'ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
      for (const id of [alice, bob]) {
        await database.db
          .insert(users)
          .values({ id, email: `${id}@shop.test`, name: id })
          .onConflictDoNothing();
        await database.inWorkspace(ws, (tx) =>
          tx.insert(memberships).values({ workspaceId: ws, userId: id, role: 'agent-l3' }),
        );
      }
    });
    afterAll(async () => {
      await opened?.close();
    });

    const worker = () =>
      new Worker({
        database,
        workerId: `wrk_inc_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: ctx.engine.timerHandler, [ACTION_NAG_TIMER]: actionNagHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });

    it('declares a SEV1 with SOP-003 stage deadlines counted from detection', async () => {
      clock.set(START);
      const { number, id, created } = await declareIncident(
        ctx,
        ws,
        { title: 'App down', severity: 'sev1', kind: 'service-incident' },
        `user:${alice}`,
      );
      expect(created).toBe(true);
      expect(number).toBe(1);
      const detail = await incidentDetail(ctx, ws, number, all);
      expect(detail.incident.id).toBe(id);
      const due = (stage: string) => detail.incident.clocks.find((c) => c.id === `stage:${stage}`)?.due;
      expect(due('assess-severity')).toBe('2026-03-02T04:05:00.000Z');
      expect(due('assemble-team')).toBe('2026-03-02T04:10:00.000Z');
      expect(due('communicate')).toBe('2026-03-02T04:15:00.000Z');
      expect(due('post-mortem')).toBe('2026-03-04T04:00:00.000Z');
      // DETECT (T+0) is met by the declaration itself.
      expect(detail.incident.stages.map((s) => s.id)).toContain('detect');
      expect(detail.stages.map((s) => s.id)).toEqual([
        'detect',
        'assess-severity',
        'assemble-team',
        'communicate',
        'investigate-fix',
        'verify-monitor',
        'post-mortem',
      ]);
      expect(detail.incident.nextDueAt?.toISOString()).toBe('2026-03-02T04:05:00.000Z');
      expect(detail.roles.map((r) => r.role)).toEqual([
        'incident-commander',
        'tech-lead',
        'comms-lead',
        'executive-sponsor',
      ]);
    });

    it('meets a stage when it is marked done, and breaches one that is not, on time', async () => {
      clock.set(new Date(Date.parse(START) + 3 * MIN));
      const [incident] = await listIncidents(ctx, ws, all, { state: 'open', limit: 10 });
      await completeStage(ctx, ws, incident!.id, 'assess-severity', `user:${alice}`);
      clock.set(new Date(Date.parse(START) + 11 * MIN));
      const w = worker();
      for (let i = 0; i < 10 && (await w.runOnce()).timers > 0; i++);
      const detail = await incidentDetail(ctx, ws, incident!.number, all);
      const phase = (stage: string) => detail.incident.clocks.find((c) => c.id === `stage:${stage}`)?.phase;
      expect(phase('assess-severity')).toBe('met');
      expect(phase('assemble-team')).toBe('breached');
      expect(detail.incident.breached).toBe(true);
      await expect(completeStage(ctx, ws, incident!.id, 'no-such-stage', 'test')).rejects.toThrow(
        /unknown stage/,
      );
    });

    it("renders the pack's SEV1 user notice in Hindi and English with the status-page link", async () => {
      const [incident] = await listIncidents(ctx, ws, all, { state: 'open', limit: 10 });
      const posted = await postUpdate(
        ctx,
        ws,
        incident!.id,
        { audience: 'public', template: 'sev1-user-notice', body: {} },
        `user:${alice}`,
      );
      const detail = await incidentDetail(ctx, ws, incident!.number, all);
      const update = detail.updates.find((u) => u.id === posted.id)!;
      expect(Object.keys(update.body).sort()).toEqual(['en', 'hi']);
      expect(update.body.hi).toContain('हमें एक technical issue');
      expect(update.body.en).toMatch(/Status updates: http:\/\/opsbook\.test\/status\/[a-z0-9-]+/);
      await expect(
        postUpdate(ctx, ws, incident!.id, { audience: 'public', template: 'no-such', body: {} }, 'test'),
      ).rejects.toThrow(/no template "no-such"/);
      await expect(
        postUpdate(ctx, ws, incident!.id, { audience: 'public', body: { en: ' ' } }, 'test'),
      ).rejects.toThrow(/no text/);
    });

    it("ticks a POS playbook's checklist, on the timeline, and the last step completes its stage", async () => {
      const pos = await createWorkspace(database, 'POS');
      const loaded = await loadPack('packs/pos-saas');
      if (!loaded.ok) throw new Error('pos-saas does not load');
      await activatePack(database, pos, loaded, 'test', clock.now());
      const { id, number } = await declareIncident(
        ctx,
        pos,
        { title: 'Stripe webhooks failing', kind: 'payment-processing-failure', severity: 'p0' },
        'test',
      );
      const before = await incidentDetail(ctx, pos, number, all);
      const assess = before.stages.find((s) => s.id === 'assess')!;
      expect(assess.steps.length).toBeGreaterThan(0);
      for (let i = 0; i < assess.steps.length; i++) {
        const { stageDone } = await checkStep(ctx, pos, id, 'assess', i, true, 'user:x');
        expect(stageDone).toBe(i === assess.steps.length - 1);
      }
      expect((await checkStep(ctx, pos, id, 'assess', 0, true, 'user:x')).stageDone).toBe(false);
      await expect(checkStep(ctx, pos, id, 'assess', 99, true, 'user:x')).rejects.toThrow(/has no step 99/);
      const after = await incidentDetail(ctx, pos, number, all);
      expect(after.stages.find((s) => s.id === 'assess')!.reachedAt).not.toBeNull();
      expect(after.stages.find((s) => s.id === 'assess')!.steps.every((st) => st.done !== null)).toBe(true);
      expect(after.timeline.filter((e) => e.type === 'incident.step_done')).toHaveLength(assess.steps.length);
    });

    it('marks the status-page components an update names, and puts them back at resolution', async () => {
      await database.inWorkspace(ws, (tx) =>
        tx.insert(statusComponents).values([
          { id: `cmp_api_${engine.name}`, workspaceId: ws, name: 'API' },
          { id: `cmp_web_${engine.name}`, workspaceId: ws, name: 'Web' },
        ]),
      );
      const api = `cmp_api_${engine.name}`;
      const web = `cmp_web_${engine.name}`;
      const { id } = await declareIncident(ctx, ws, { title: 'API errors', severity: 'sev3' }, 'test');
      await postUpdate(
        ctx,
        ws,
        id,
        {
          audience: 'public',
          status: 'identified',
          body: { en: 'API errors' },
          components: { [api]: 'major-outage', [web]: 'degraded' },
        },
        'test',
      );
      await expect(
        postUpdate(
          ctx,
          ws,
          id,
          { audience: 'public', body: { en: 'x' }, components: { cmp_nope: 'degraded' } },
          'test',
        ),
      ).rejects.toThrow(/no status-page component cmp_nope/);
      const statuses = async () =>
        Object.fromEntries(
          (await database.inWorkspace(ws, (tx) => tx.select().from(statusComponents))).map((c) => [
            c.id,
            c.status,
          ]),
        );
      expect(await statuses()).toMatchObject({ [api]: 'major-outage', [web]: 'degraded' });
      // A health check changes Web after the incident did: resolution leaves Web to it.
      await database.inWorkspace(ws, (tx) =>
        setComponentStatus(tx, ws, web, 'partial-outage', 'check:x', clock.now()),
      );
      await postUpdate(
        ctx,
        ws,
        id,
        { audience: 'public', status: 'resolved', body: { en: 'Fixed' } },
        'test',
      );
      expect(await statuses()).toMatchObject({ [api]: 'operational', [web]: 'partial-outage' });
      // A pending update's components change only when the comms lead approves it.
      const breach = await declareIncident(ctx, ws, { title: 'Tokens leaked', kind: 'data-breach' }, 'test');
      const pending = await postUpdate(
        ctx,
        ws,
        breach.id,
        { audience: 'public', body: { en: 'Sign-in paused' }, components: { [api]: 'maintenance' } },
        `user:${alice}`,
      );
      expect(pending.approval).toBe('pending');
      expect((await statuses())[api]).toBe('operational');
      await assignRole(ctx, ws, breach.id, 'comms-lead', bob, 'test');
      await decideUpdate(ctx, ws, breach.id, pending.id, 'approve', `user:${bob}`);
      expect((await statuses())[api]).toBe('maintenance');
    });

    it('joins alerts of one group to one open incident', async () => {
      const a = await database.inWorkspace(ws, (tx) =>
        declareIncidentIn(
          ctx,
          tx,
          ws,
          { title: 'checkout 5xx', severity: 'sev2', groupKey: 'svc=checkout' },
          'integration:x',
        ),
      );
      const b = await database.inWorkspace(ws, (tx) =>
        declareIncidentIn(
          ctx,
          tx,
          ws,
          { title: 'checkout latency', severity: 'sev2', groupKey: 'svc=checkout' },
          'integration:x',
        ),
      );
      expect(a.created).toBe(true);
      expect(b).toEqual({ id: a.id, number: a.number, created: false });
      await expect(declareIncident(ctx, ws, { title: 'x', severity: 'p9' }, 'test')).rejects.toThrow(
        /unknown severity/,
      );
      await expect(declareIncident(ctx, ws, { title: 'x', kind: 'nonsense' }, 'test')).rejects.toThrow(
        /unknown incident kind/,
      );
    });

    it('holds a public update on a security incident for the comms lead, and runs regulatory clocks', async () => {
      clock.set('2026-03-05T10:00:00Z');
      const { id, number } = await declareIncident(
        ctx,
        ws,
        {
          title: 'Customer data exposed',
          kind: 'data-breach',
          severity: 'sev1',
          fields: { eu_personal_data: true },
        },
        `user:${alice}`,
      );
      const hidden = await listIncidents(
        ctx,
        ws,
        { userId: bob, seesRestricted: false },
        { state: 'open', limit: 50 },
      );
      expect(hidden.some((i) => i.id === id)).toBe(false);
      const posted = await postUpdate(
        ctx,
        ws,
        id,
        { audience: 'public', status: 'investigating', body: { en: 'We are investigating.' } },
        `user:${alice}`,
      );
      expect(posted).toMatchObject({ approval: 'pending', published: false });
      await expect(decideUpdate(ctx, ws, id, posted.id, 'approve', `user:${bob}`)).rejects.toThrow(
        /no comms lead/,
      );
      await assignRole(ctx, ws, id, 'comms-lead', bob, `user:${alice}`);
      await expect(decideUpdate(ctx, ws, id, posted.id, 'approve', `user:${alice}`)).rejects.toThrow(
        /only the comms lead/,
      );
      expect(await decideUpdate(ctx, ws, id, posted.id, 'approve', `user:${bob}`)).toMatchObject({
        published: true,
      });
      // Bob now holds a role on it, so he sees it.
      const seen = await listIncidents(
        ctx,
        ws,
        { userId: bob, seesRestricted: false },
        { state: 'open', limit: 50 },
      );
      expect(seen.some((i) => i.id === id)).toBe(true);
      const detail = await incidentDetail(ctx, ws, number, all);
      const regulatory = Object.fromEntries(detail.regulatory.map((c) => [c.id, c.due]));
      expect(regulatory).toEqual({
        'regulatory:cert-in': '2026-03-05T16:00:00.000Z',
        'regulatory:it-act': '2026-03-08T10:00:00.000Z',
        'regulatory:gdpr': '2026-03-08T10:00:00.000Z',
      });
      expect(detail.incident.status).toBe('investigating');
      clock.set('2026-03-05T12:00:00Z');
      await postUpdate(
        ctx,
        ws,
        id,
        { audience: 'internal', status: 'identified', body: { en: 'Bucket found' } },
        `user:${bob}`,
      );
      await reportToRegulator(ctx, ws, id, { clock: 'cert-in', reference: 'CERT-IN-123' }, `user:${bob}`);
      await expect(reportToRegulator(ctx, ws, id, { clock: 'sec' }, `user:${bob}`)).rejects.toThrow(
        /no regulatory clock/,
      );
      const after = await incidentDetail(ctx, ws, number, all);
      expect(after.regulatory.find((c) => c.id === 'regulatory:cert-in')).toMatchObject({
        phase: 'met',
        authority: 'CERT-In',
      });
      expect(after.reports).toEqual([
        expect.objectContaining({ clock: 'cert-in', reference: 'CERT-IN-123', by: `user:${bob}` }),
      ]);
      expect(after.regulatory.find((c) => c.id === 'regulatory:it-act')?.phase).toBe('running');
    });

    it('tells the customers of linked tickets, resolves, and opens the review with the timeline', async () => {
      clock.set('2026-03-06T09:00:00Z');
      const { id, number } = await declareIncident(
        ctx,
        ws,
        { title: 'Payments failing', severity: 'sev2' },
        `user:${alice}`,
      );
      const { ticket } = await createTicket(
        { database, engine: ctx.engine, now: ctx.now, publicUrl: ctx.publicUrl },
        ws,
        {
          title: 'My payment failed',
          text: 'Card declined',
          channel: 'email',
          requester: { email: 'shop@customer.test' },
          priority: 'p2',
          actor: 'smtp',
          author: { type: 'customer' },
        },
      );
      await linkTickets(ctx, ws, id, [ticket.number]);
      await expect(linkTickets(ctx, ws, id, [99999])).rejects.toThrow(/no ticket #99999/);
      await acknowledgeIncident(ctx, ws, id, `user:${alice}`);
      expect((await acknowledgeIncident(ctx, ws, id, `user:${bob}`)).first).toBe(false);
      clock.set('2026-03-06T09:40:00Z');
      await postUpdate(
        ctx,
        ws,
        id,
        { audience: 'public', status: 'resolved', body: { en: 'Payments work again.' } },
        `user:${alice}`,
      );
      const detail = await incidentDetail(ctx, ws, number, all);
      expect(detail.incident.resolvedAt?.toISOString()).toBe('2026-03-06T09:40:00.000Z');
      expect(detail.incident.acknowledgedAt?.toISOString()).toBe('2026-03-06T09:00:00.000Z');
      const sent = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(and(eq(outbox.channel, 'email'), eq(outbox.recipient, 'shop@customer.test'))),
      );
      expect(sent.some((m) => (m.payload as { text?: string }).text === 'Payments work again.')).toBe(true);
      expect(detail.review?.status).toBe('draft');
      expect(detail.review?.sections.timeline).toMatch(/T\+0 min .*incident\.declared.* by usr_alice/);
      expect(detail.review?.sections.impact).toMatch(/40 min/);
      expect(detail.review?.dueAt?.toISOString()).toBe('2026-03-08T09:00:00.000Z');
      await expect(
        saveReview(ctx, ws, id, { 'root-cause': 'Expired key' }, true, `user:${alice}`),
      ).rejects.toThrow(/empty sections/);
      await expect(saveReview(ctx, ws, id, { nonsense: 'x' }, false, `user:${alice}`)).rejects.toThrow(
        /unknown review section/,
      );
      await saveReview(
        ctx,
        ws,
        id,
        {
          'root-cause': 'Expired key',
          'what-went-well': 'Fast detection',
          'what-went-wrong': 'No expiry alert',
          'action-items': 'Alert on key expiry',
          impact: 'All card payments for 40 min',
        },
        true,
        `user:${alice}`,
      );
      const published = await incidentDetail(ctx, ws, number, all);
      expect(published.review?.status).toBe('published');
      expect(published.incident.clocks.find((c) => c.id === 'stage:post-mortem')?.phase).toBe('met');
    });

    it('nags the owner of an action item daily from its due date until done, once per nag', async () => {
      clock.set('2026-03-07T09:00:00Z');
      const [incident] = await listIncidents(ctx, ws, all, { state: 'resolved', limit: 1 });
      const { id: taskId } = await addActionItem(
        ctx,
        ws,
        incident!.id,
        { title: 'Alert on key expiry', ownerId: bob, dueAt: new Date('2026-03-08T09:00:00Z') },
        `user:${alice}`,
      );
      await expect(
        addActionItem(
          ctx,
          ws,
          incident!.id,
          { title: 'x', ownerId: 'usr_nobody', dueAt: new Date() },
          'test',
        ),
      ).rejects.toThrow(/not a member/);
      const nags = async () =>
        (await database.inWorkspace(ws, (tx) => tx.select().from(outbox))).filter((m) =>
          m.idempotencyKey.startsWith(`action:${taskId}:nag:`),
        );
      const w = worker();
      clock.set('2026-03-08T09:01:00Z');
      for (let i = 0; i < 5 && (await w.runOnce()).timers > 0; i++);
      const first = await nags();
      expect(first.length).toBeGreaterThan(0);
      expect(first.map((m) => m.recipient).sort()).toEqual([`user:${bob}`, `${bob}@shop.test`]);
      for (let i = 0; i < 5 && (await w.runOnce()).timers > 0; i++);
      expect((await nags()).length).toBe(first.length);
      clock.set('2026-03-09T09:02:00Z');
      for (let i = 0; i < 5 && (await w.runOnce()).timers > 0; i++);
      expect((await nags()).length).toBe(first.length * 2);
      const metrics = await incidentMetrics(ctx, ws, all, {
        from: new Date('2026-03-01T00:00:00Z'),
        to: new Date('2026-04-01T00:00:00Z'),
      });
      expect(metrics.actionItemsOverdue).toBe(1);
      await completeActionItem(ctx, ws, incident!.id, taskId);
      clock.set('2026-03-10T09:03:00Z');
      for (let i = 0; i < 5 && (await w.runOnce()).timers > 0; i++);
      expect((await nags()).length).toBe(first.length * 2);
      const sev2 = metrics.bySeverity.find((s) => s.severity === 'sev2');
      expect(sev2?.mttrMinutes).toBe(40);
      expect(sev2?.mttaMinutes).toBe(0);
      expect(metrics.bySeverity.map((s) => s.severity)).toEqual(['sev1', 'sev2', 'sev3']);
    });
  });
}
