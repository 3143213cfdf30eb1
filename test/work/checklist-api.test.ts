/**
 * The checklist routes added for recurring work, through inject() on the demo, at fixed instants (the demo
 * is loaded on Monday 4 May 2026 at 00:00 UTC, so POS's daily and weekly runs open with it, due at the
 * end of the day and of the week):
 * my work for the POS owner (operations is a role nobody holds there, so its items are the owner's), an
 * item ticked from it; a QA sign-off opened by hand in ShopSmart, and each refusal with its reason; the
 * iCalendar feed of POS's schedules and open runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildClockedApp, type ClockedApp } from '../support/clocked-app.js';
import { signInAs } from '../support/app.js';
import { hashPassword } from '../../src/modules/admin/passwords.js';
import { newId } from '../../src/shared/ids.js';
import { memberships, users } from '../../src/store/schema.js';

let now = new Date('2026-05-04T00:00:00Z');

describe('checklist routes on the demo', () => {
  let t: ClockedApp;
  let pos: Awaited<ReturnType<typeof signInAs>>;
  let shop: Awaited<ReturnType<typeof signInAs>>;
  const wsOf = (s: typeof pos, slug: string) => s.me.workspaces.find((w) => w.slug === slug)!.id;
  const call = (s: typeof pos, slug: string, method: 'GET' | 'POST', path: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${wsOf(s, slug)}${path}`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    t = await buildClockedApp(() => now);
    pos = await signInAs(t.app, 'owner@pos-saas.demo', DEMO_PASSWORD);
    shop = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    now = new Date('2026-05-04T10:00:00Z');
  }, 180_000);
  afterAll(async () => t?.close());

  interface Entry {
    kind: string;
    id: string;
    title: string;
    overdue: boolean;
    dueAt: string;
    link: string;
    checklist?: { runId: string; item: string; evidence: string };
  }

  it("lists the owner's work due today, and an item ticked there leaves it", async () => {
    const r = await call(pos, 'pos-saas', 'GET', '/my-work');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json<{ timeZone: string; today: { start: string }; items: Entry[] }>();
    expect(body.timeZone).toBe('UTC');
    expect(body.today.start).toBe('2026-05-04T00:00:00.000Z');
    const items = body.items.filter((i) => i.kind === 'checklist-item');
    // Today's Daily run (due by midnight); the Weekly run is due next Monday.
    expect(items).toHaveLength(4);
    expect(items[0]).toMatchObject({ overdue: false, dueAt: '2026-05-05T00:00:00.000Z' });
    const first = items.find((i) => i.title === 'Check error rates')!;
    expect(first.link).toBe(`/checklists/${first.checklist!.runId}`);
    const done = await call(
      pos,
      'pos-saas',
      'POST',
      `/checklist-runs/${first.checklist!.runId}/items/${first.checklist!.item}/complete`,
      {},
    );
    expect(done.statusCode, done.body).toBe(200);
    const after = (await call(pos, 'pos-saas', 'GET', '/my-work')).json<{ items: Entry[] }>();
    expect(after.items.filter((i) => i.kind === 'checklist-item')).toHaveLength(3);
    expect(after.items.some((i) => i.id === first.id)).toBe(false);
  });

  it('opens a QA sign-off by hand, on no record or on one that exists', async () => {
    const r = await call(shop, 'shopsmart', 'POST', '/checklist-runs', { checklist: 'qa-sign-off' });
    expect(r.statusCode, r.body).toBe(201);
    const run = r.json<{
      id: string;
      subject: string;
      status: string;
      items: { id: string; dueAt: null }[];
    }>();
    expect(run).toMatchObject({ subject: 'checklist:qa-sign-off', status: 'open' });
    expect(run.items.map((i) => i.id)).toEqual([
      'critical-high-bugs-fixed',
      'no-new-critical-bugs',
      'test-coverage-maintained',
      'performance-benchmarks-met',
      'security-scan-passed',
      'uat-approved',
    ]);
    const listed = await call(shop, 'shopsmart', 'GET', '/checklist-runs?checklist=qa-sign-off');
    expect(listed.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toEqual([run.id]);
  });

  it('gives an item to a person, who may then do it whatever their role; a non-member is refused', async () => {
    // An agent of POS: the Daily items are for role:operations, which the agent does not hold.
    const agentId = newId('usr', now.getTime());
    await t.database.db.insert(users).values({
      id: agentId,
      email: 'agent-assign@pos.test',
      name: 'Asha Agent',
      passwordHash: await hashPassword('agent-assign-pass-2026'),
    });
    await t.database.inWorkspace(wsOf(pos, 'pos-saas'), (tx) =>
      tx
        .insert(memberships)
        .values({ workspaceId: wsOf(pos, 'pos-saas'), userId: agentId, role: 'agent-l1' }),
    );
    const agent = await signInAs(t.app, 'agent-assign@pos.test', 'agent-assign-pass-2026');
    const runs = (await call(pos, 'pos-saas', 'GET', '/checklist-runs?checklist=daily')).json<{
      items: { id: string; items: { id: string; status: string; owner: string | null }[] }[];
    }>().items;
    const run = runs[0]!;
    const item = run.items.find((i) => i.status === 'open')!;
    expect(item.owner).toBe('role:operations');
    const path = `/checklist-runs/${run.id}/items/${item.id}`;
    const refused = await call(agent, 'pos-saas', 'POST', `${path}/complete`, {});
    expect(refused.statusCode).toBe(403);
    const stranger = await call(pos, 'pos-saas', 'POST', `${path}/assign`, { assignee: 'user:usr_nobody' });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/assignee');
    // Only someone who may do the item gives it away.
    expect(
      (await call(agent, 'pos-saas', 'POST', `${path}/assign`, { assignee: `user:${agentId}` })).statusCode,
    ).toBe(403);
    const given = await call(pos, 'pos-saas', 'POST', `${path}/assign`, { assignee: `user:${agentId}` });
    expect(given.statusCode, given.body).toBe(200);
    expect(
      given.json<{ items: { id: string; assignee: string | null }[] }>().items.find((i) => i.id === item.id)!
        .assignee,
    ).toBe(`user:${agentId}`);
    // It is in the agent's work, and the agent may do it now.
    const work = (await call(agent, 'pos-saas', 'GET', '/my-work')).json<{ items: Entry[] }>().items;
    expect(work.map((e) => e.checklist?.item)).toContain(item.id);
    const done = await call(agent, 'pos-saas', 'POST', `${path}/complete`, {});
    expect(done.statusCode, done.body).toBe(200);
    // A done item is not given to anyone any more.
    expect((await call(pos, 'pos-saas', 'POST', `${path}/assign`, { assignee: null })).statusCode).toBe(409);
  });

  it('refuses, changing nothing, a checklist it cannot open by hand, with the reason and what can be', async () => {
    const refusals: [object, string, string][] = [
      [{ checklist: 'qa-signoff' }, '/body/checklist', 'has no checklist "qa-signoff"; open one of: '],
      [{ checklist: 'release-checklist' }, '/body/checklist', 'opens when "release.created" happens'],
      [{ checklist: 'qa-sign-off', subject: 'release:999' }, '/body/subject', 'no record "release:999"'],
    ];
    for (const [payload, pointer, text] of refusals) {
      const r = await call(shop, 'shopsmart', 'POST', '/checklist-runs', payload);
      expect(r.statusCode, r.body).toBe(400);
      const problem = r.json<{ code: string; detail: string; errors: { pointer: string }[] }>();
      expect(problem.code).toBe('OPS_VALIDATION');
      expect(problem.detail).toContain(text);
      expect(problem.errors[0]!.pointer).toBe(pointer);
    }
    const pos1 = await call(pos, 'pos-saas', 'POST', '/checklist-runs', { checklist: 'daily' });
    expect(pos1.statusCode).toBe(400);
    expect(pos1.json<{ detail: string }>().detail).toContain('is recurring');
    const odd = await call(shop, 'shopsmart', 'POST', '/checklist-runs', {
      checklist: 'qa-sign-off',
      extra: 1,
    });
    expect(odd.statusCode).toBe(400);
    const listed = await call(shop, 'shopsmart', 'GET', '/checklist-runs?checklist=qa-sign-off');
    expect(listed.json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('serves the recurring work as an iCalendar feed', async () => {
    const r = await call(pos, 'pos-saas', 'GET', '/checklists/calendar.ics');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('text/calendar');
    const text = r.body.replace(/\r\n /g, '');
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text).toContain(
      'DTSTART;VALUE=DATE:20260504\r\nDURATION:P1D\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Daily\r\n',
    );
    expect(text).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO\r\nSUMMARY:Weekly\r\n');
    expect(text).toContain(
      'DTSTART;VALUE=DATE:20260601\r\nDURATION:P1D\r\nRRULE:FREQ=MONTHLY;BYMONTHDAY=1\r\n',
    );
    // The open runs at their due instant: the daily (one item still open) and the weekly.
    expect(text).toContain('DTSTART:20260505T000000Z');
    expect(text).toContain('DTSTART:20260511T000000Z');
  });
});
