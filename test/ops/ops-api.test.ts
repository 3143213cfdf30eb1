/**
 * The vendor and backup registers over HTTP, through inject(), on the demo ShopSmart workspace: the
 * register, a scorecard refused with a problem document listing each pointer (and nothing written), a
 * scorecard recorded with its weighted total, an agent refused the manager's scoring, and a drill over the
 * RTO recorded as missed and shown as the check's latest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { hashPassword } from '../../src/modules/admin/passwords.js';
import { newId } from '../../src/shared/ids.js';
import { memberships, users } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

describe('vendors and backups over HTTP', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signInAs>>;
  let agent: Awaited<ReturnType<typeof signInAs>>;
  let ws = '';
  type Session = typeof owner;
  const as = (who: Session, method: 'GET' | 'POST', path: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${ws}${path}`,
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces.find((w) => w.slug === 'shopsmart')!.id;
    const id = newId('usr', Date.now());
    await t.database.db.insert(users).values({
      id,
      email: 'agent@vendors.test',
      name: 'Agent',
      passwordHash: await hashPassword(DEMO_PASSWORD),
    });
    await t.database.inWorkspace(ws, (tx) =>
      tx.insert(memberships).values({ workspaceId: ws, userId: id, role: 'agent-l1' }),
    );
    agent = await signInAs(t.app, 'agent@vendors.test', DEMO_PASSWORD);
  }, 120_000);
  afterAll(async () => t?.close());

  it('lists the vendor register of the pack', async () => {
    const r = await as(agent, 'GET', '/vendors');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json<{ items: { id: string; risk: string; reviewCadence: string }[] }>();
    expect(body.items.map((v) => [v.id, v.risk, v.reviewCadence])).toEqual([
      ['aws', 'high', 'Quarterly'],
      ['mongodb-atlas', 'high', 'Quarterly'],
      ['twilio', 'medium', 'Semi-annually'],
      ['sendgrid', 'medium', 'Semi-annually'],
      ['razorpay', 'medium', 'Semi-annually'],
    ]);
  });

  it('refuses a scorecard with a problem per pointer and records nothing', async () => {
    const r = await as(owner, 'POST', '/vendors/twilio/scorecards', {
      scores: { 'reliability-uptime': 6, cost: 4, security: 2.5, support: 4, scalability: 3, extra: 1 },
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const problem = r.json<{ code: string; errors: { pointer: string; message: string }[] }>();
    expect(problem.code).toBe('OPS_VALIDATION');
    expect(problem.errors.map((e) => e.pointer)).toEqual([
      '/body/scores/reliability-uptime',
      '/body/scores/security',
      '/body/scores/integration',
      '/body/scores/extra',
    ]);
    const notAnObject = await as(owner, 'POST', '/vendors/twilio/scorecards', { scores: [5] });
    expect(notAnObject.statusCode).toBe(400);
    const detail = await as(owner, 'GET', '/vendors/twilio');
    expect(detail.json<{ scorecards: unknown[] }>().scorecards).toEqual([]);
    expect((await as(owner, 'GET', '/vendors/oracle')).statusCode).toBe(404);
  });

  it('records a scorecard with its weighted total; an agent may read but not score', async () => {
    const scores = {
      'reliability-uptime': 4,
      cost: 3,
      security: 5,
      support: 4,
      scalability: 3,
      integration: 5,
    };
    const refused = await as(agent, 'POST', '/vendors/twilio/scorecards', { scores });
    expect(refused.statusCode).toBe(403);
    const r = await as(owner, 'POST', '/vendors/twilio/scorecards', { scores, note: 'Q1 review' });
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json<{ latest: { weighted: number }; scorecards: { weighted: number; note: string }[] }>();
    expect(body.latest.weighted).toBe(4);
    expect(body.scorecards).toMatchObject([{ weighted: 4, note: 'Q1 review' }]);
  });

  it('records a drill over the RTO as missed and shows it as the latest of its check', async () => {
    const bad = await as(agent, 'POST', '/backups/drills', {
      check: 'full-restore-drill',
      restoreMinutes: -3,
      succeeded: true,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual([
      '/body/restoreMinutes',
      '/body/dataLossMinutes',
    ]);
    const r = await as(agent, 'POST', '/backups/drills', {
      check: 'full-restore-drill',
      objective: 'database-corruption',
      restoreMinutes: 150,
      dataLossMinutes: 45,
      succeeded: true,
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ metRto: false, metRpo: true, rtoMs: 7_200_000 });
    const register = await as(agent, 'GET', '/backups');
    expect(register.statusCode, register.body).toBe(200);
    const checks = register.json<{ checks: { id: string; latest: { id: string } | null }[] }>().checks;
    expect(checks.find((c) => c.id === 'full-restore-drill')?.latest?.id).toBe(r.json<{ id: string }>().id);
  });
});
