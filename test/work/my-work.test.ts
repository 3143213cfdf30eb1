/**
 * My work, on both engines, at fixed instants: a POS workspace whose recurring runs opened at midnight,
 * with an operations lead, an owner and a support agent; a task for the owner's role due this afternoon,
 * one due tomorrow, a ticket assigned to the agent with its SLA clock due today, an incident in which the
 * agent is commander with a stage deadline due. Each person sees exactly their own, overdue first, with
 * "today" in the workspace's zone. Then the pure rules: the day in a zone, whose work an item is, links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { myWork } from '../../src/modules/work/my-work.js';
import { dayOf, isMine, linkOf } from '../../src/modules/work/my-work-rules.js';
import { loadPack } from '../../src/packs/load.js';
import { newId } from '../../src/shared/ids.js';
import type { Database } from '../../src/store/database.js';
import { memberships, tasks, tickets, users, workspaces } from '../../src/store/schema.js';
import { incidents } from '../../src/store/schema-incidents.js';
import { eq } from 'drizzle-orm';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const MIDNIGHT = '2026-05-04T00:00:00Z'; // a Monday: POS's daily and weekly runs open
const NOW = new Date('2026-05-04T10:00:00Z');

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`my work: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ws: string;
    const people: Record<string, string> = {};

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database, 'POS SaaS');
      const loaded = await loadPack('packs/pos-saas');
      if (!loaded.ok) throw new Error('pos-saas does not load');
      await activatePack(database, ws, loaded, 'test', new ManualClock(MIDNIGHT).now());
      for (const role of ['operations', 'owner', 'support']) {
        const id = newId('usr', Date.parse(MIDNIGHT));
        people[role] = id;
        await database.db
          .insert(users)
          .values({ id, email: `${role}-${id}@my-work.test`, name: role, passwordHash: 'x' });
        await database.inWorkspace(ws, (tx) =>
          tx.insert(memberships).values({ workspaceId: ws, userId: id, role }),
        );
      }
      await database.inWorkspace(ws, async (tx) => {
        const task = (title: string, assignee: string, dueAt: string) => ({
          id: newId('tsk', Date.parse(MIDNIGHT)),
          workspaceId: ws,
          key: `test:${title}`,
          title,
          detail: 'From the journey onboarding, step day-3-call.',
          subject: 'account:shop_1',
          assignee,
          dueAt: new Date(dueAt),
          createdAt: new Date(MIDNIGHT),
        });
        await tx
          .insert(tasks)
          .values([
            task('Call the shop owner', 'role:owner', '2026-05-04T15:00:00Z'),
            task('Tomorrow’s call', 'role:owner', '2026-05-05T09:00:00Z'),
          ]);
        await tx.insert(tickets).values({
          id: newId('tkt', Date.parse(MIDNIGHT)),
          workspaceId: ws,
          number: 1042,
          title: 'Card payments fail',
          status: 'open',
          priority: 'p1',
          channel: 'email',
          assigneeId: people.support!,
          nextDueAt: new Date('2026-05-04T11:00:00Z'),
        });
        await tx.insert(incidents).values({
          id: newId('inc', Date.parse(MIDNIGHT)),
          workspaceId: ws,
          number: 7,
          title: 'Checkout down',
          status: 'investigating',
          severity: 'sev1',
          roles: { 'incident-commander': people.support! },
          nextDueAt: new Date('2026-05-04T09:45:00Z'),
          declaredBy: 'test',
          detectedAt: new Date('2026-05-04T09:40:00Z'),
        });
      });
    }, 120_000);
    afterAll(async () => {
      await opened?.close();
    });

    const workOf = (role: string) =>
      database.inWorkspace(ws, (tx) => myWork(tx, ws, { userId: people[role]!, role }, NOW));

    it("gives the operations lead today's Daily run items, due by midnight (the weekly is due next Monday)", async () => {
      const work = await workOf('operations');
      expect(work.today).toEqual({
        start: new Date('2026-05-04T00:00:00Z'),
        end: new Date('2026-05-05T00:00:00Z'),
      });
      expect(work.items).toHaveLength(4);
      expect(work.items.every((i) => i.kind === 'checklist-item' && !i.overdue)).toBe(true);
      expect(work.items.map((i) => i.detail)).toEqual(Array(4).fill('Daily'));
      expect(work.items[0]).toMatchObject({
        dueMs: Date.parse('2026-05-05T00:00:00Z'),
        checklist: { evidence: 'none', owner: 'role:operations' },
      });
    });

    it("gives the owner the task due this afternoon, not tomorrow's, nor items someone else's role holds", async () => {
      const work = await workOf('owner');
      expect(work.items.map((i) => [i.kind, i.title, i.overdue, i.link])).toEqual([
        ['task', 'Call the shop owner', false, '/customers/shop_1'],
      ]);
    });

    it('gives the agent the incident stage deadline (overdue) and the ticket clock due at 11:00', async () => {
      const work = await workOf('support');
      expect(work.items.map((i) => [i.kind, i.title, i.overdue, i.link])).toEqual([
        ['incident', 'INC-7 Checkout down', true, '/incidents/7'],
        ['ticket', '#1042 Card payments fail', false, '/inbox/1042'],
      ]);
      expect(work.items[0]!.detail).toContain('incident-commander');
    });

    it('gives the owner the items of a role nobody holds, and reads today in the workspace’s zone', async () => {
      await database.inWorkspace(ws, (tx) =>
        tx.delete(memberships).where(eq(memberships.userId, people.operations!)),
      );
      await database.inWorkspace(ws, (tx) =>
        tx.update(workspaces).set({ timeZone: 'Asia/Kolkata' }).where(eq(workspaces.id, ws)),
      );
      const work = await workOf('owner');
      // 10:00 UTC is 15:30 IST: today ends at 18:30 UTC, so the 15:00 UTC task is still due today, and the
      // Daily run (POS runs in UTC: due at 00:00 UTC) is tomorrow's work here.
      expect(work.today.end).toEqual(new Date('2026-05-04T18:30:00Z'));
      expect(work.items.map((i) => i.kind)).toEqual(['task']);
      const later = await database.inWorkspace(ws, (tx) =>
        myWork(tx, ws, { userId: people.owner!, role: 'owner' }, new Date('2026-05-04T20:00:00Z')),
      );
      expect(later.items.filter((i) => i.kind === 'checklist-item')).toHaveLength(4);
    });
  });
}

describe('my work rules', () => {
  it('finds the local day, across a DST change', () => {
    expect(dayOf(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Berlin')).toEqual({
      startMs: Date.parse('2026-03-28T23:00:00Z'),
      endMs: Date.parse('2026-03-29T22:00:00Z'),
    });
    expect(dayOf(Date.parse('2026-05-04T20:00:00Z'), 'Asia/Kolkata').startMs).toBe(
      Date.parse('2026-05-04T18:30:00Z'),
    );
  });

  it('says whose work an owner names', () => {
    const held = new Set(['role:devops', 'tier:devops']);
    const devops = { userId: 'u1', role: 'devops' };
    const owner = { userId: 'u2', role: 'owner' };
    expect(isMine(devops, 'role:devops', held)).toBe(true);
    expect(isMine(devops, 'role:finance', held)).toBe(false);
    expect(isMine(devops, null, held)).toBe(false);
    expect(isMine(owner, 'role:devops', held)).toBe(false);
    expect(isMine(owner, 'role:finance', held)).toBe(true);
    expect(isMine(owner, null, held)).toBe(true);
    expect(isMine(devops, 'user:u1', held)).toBe(true);
  });

  it('links each record to its page', () => {
    expect(linkOf('ticket:1042')).toBe('/inbox/1042');
    expect(linkOf('incident:7')).toBe('/incidents/7');
    expect(linkOf('account:EST-7')).toBe('/customers/EST-7');
    expect(linkOf('user:U1')).toBe('/records/user%3AU1');
  });
});
