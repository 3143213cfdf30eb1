/**
 * The pack's tasks through inject() on PGlite: an NPS passive's answer (ShopSmart "7-8 (Passives) |
 * Understand what's missing") raises a task for Success on the owner's record; the account's task list
 * shows it; it is marked done once with a note, which lands on the timeline; a second completion answers
 * 409 and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
interface Task {
  id: string;
  title: string;
  assignee: string;
  status: string;
  note: string | null;
  completedBy: string | null;
  subject: string;
}

describe('the pack tasks of an account', () => {
  let t: TestApp;
  let owner: Session;
  let ws: string;
  let user: string;
  const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${ws}${path}`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces.find((w) => w.slug === 'shopsmart')!.id;
    expect((await call('POST', '/accounts', { id: 'shop_tasks', name: 'Tasks Store' })).statusCode).toBe(201);
    const contact = await call('POST', '/accounts/shop_tasks/contacts', {
      name: 'Meena Iyer',
      phone: '+919812300077',
      register: true,
    });
    user = contact.json<{ id: string }>().id;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('raises the passive follow-up as a task and takes one completion with a note', async () => {
    expect((await call('GET', '/accounts/shop_tasks/tasks')).json()).toEqual({ items: [] });
    const answered = await call('POST', '/events', {
      type: 'survey.answered',
      user,
      survey: 'nps-day-30',
      score: 8,
    });
    expect(answered.statusCode, answered.body).toBeLessThan(300);
    const [task, ...rest] = (await call('GET', '/accounts/shop_tasks/tasks')).json<{ items: Task[] }>().items;
    expect(rest).toEqual([]);
    expect(task).toMatchObject({
      title: "Understand what's missing (NPS passive, 7-8)",
      assignee: 'role:success',
      status: 'open',
      subject: `user:${user}`,
    });
    expect((await call('POST', '/tasks/tsk_nope/complete', {})).statusCode).toBe(404);
    const done = await call('POST', `/tasks/${task!.id}/complete`, {
      note: ' Wants GST invoices on WhatsApp ',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', note: 'Wants GST invoices on WhatsApp' });
    expect(done.json<Task>().completedBy).toMatch(/^user:/);
    const again = await call('POST', `/tasks/${task!.id}/complete`, { note: 'again' });
    expect(again.statusCode).toBe(409);
    expect((await call('GET', '/tasks?status=done')).json<{ items: Task[] }>().items).toEqual([
      expect.objectContaining({ id: task!.id, note: 'Wants GST invoices on WhatsApp' }),
    ]);
    const timeline = (await call('GET', '/accounts/shop_tasks/timeline')).json<{
      items: { type: string; data: Record<string, unknown> }[];
    }>();
    expect(timeline.items.filter((e) => e.type === 'task.completed')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ note: 'Wants GST invoices on WhatsApp' }) }),
    ]);
  });
});
